"""The plugin's hypothesis profiles: ``--openai-fuzz`` and the ``openai_hypothesis_profile`` ini
setting. Hypothesis is imported only when one of them (or ``--hypothesis-profile`` naming one of
the harness's profiles) asks for it, so suites that do not fuzz start as fast as before."""

from __future__ import annotations

import pytest

__all__ = ["add_hypothesis_options", "configure_hypothesis"]

_SHORT_NAMES = {"ci": "openai-harness-ci", "fuzz": "openai-harness-fuzz"}


def add_hypothesis_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("openai-harness")
    group.addoption("--openai-fuzz", action="store_true", default=False, help="run hypothesis tests under the harness's long fuzzing profile (openai-harness-fuzz)")
    parser.addini("openai_hypothesis_profile", "hypothesis profile to load: ci (bounded, derandomized), fuzz, or any registered profile name", default="")


def configure_hypothesis(config: pytest.Config) -> None:
    chosen = "fuzz" if config.getoption("--openai-fuzz") else str(config.getini("openai_hypothesis_profile") or "")
    try:
        explicit = config.getoption("--hypothesis-profile")  # hypothesis's own option wins over the ini setting
    except ValueError:
        explicit = None
    if not chosen and not (isinstance(explicit, str) and explicit.startswith("openai-harness-")):
        return
    try:
        from hypothesis import settings
    except ImportError:
        raise pytest.UsageError("openai_hypothesis_profile and --openai-fuzz need hypothesis: pip install 'openai-harness[hypothesis]'") from None

    from .strategies._profiles import register_profiles

    register_profiles()
    if config.getoption("--openai-fuzz") or (chosen and not explicit):
        settings.load_profile(_SHORT_NAMES.get(chosen, chosen))
