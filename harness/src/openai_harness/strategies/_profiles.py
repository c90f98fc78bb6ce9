"""Hypothesis settings profiles for suites that fuzz against the harness."""

from __future__ import annotations

__all__ = ["CI_PROFILE", "FUZZ_PROFILE", "register_profiles"]

CI_PROFILE = "openai-harness-ci"
"""Bounded and derandomized: the same examples on every run, no example database, no deadline
(a loopback round trip varies with the machine's load)."""

FUZZ_PROFILE = "openai-harness-fuzz"
"""Long local fuzzing: many random examples, failures remembered in the example database."""


def register_profiles() -> None:
    """Register both profiles with hypothesis (idempotent); load one with
    ``settings.load_profile(CI_PROFILE)``, ``--hypothesis-profile``, or the pytest plugin's
    ``--openai-fuzz`` option and ``openai_hypothesis_profile`` ini setting."""
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        CI_PROFILE,
        max_examples=25,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    settings.register_profile(
        FUZZ_PROFILE,
        max_examples=2000,
        deadline=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
