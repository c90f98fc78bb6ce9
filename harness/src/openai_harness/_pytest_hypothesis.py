"""The plugin's hypothesis profiles: ``--openai-fuzz`` and the ``openai_hypothesis_profile`` ini
setting. Hypothesis is imported only when one of them (or ``--hypothesis-profile`` naming one of
the harness's profiles) asks for it, so suites that do not fuzz start as fast as before."""

from __future__ import annotations

import pytest

__all__ = ["add_hypothesis_options", "allow_server_fixtures", "configure_hypothesis"]

# The harness's function-scoped fixtures that are safe to share across one test's examples: the
# server is one per session, reset before the test (not before each example: a test that needs a
# clean server per example calls ``openai_server.reset()`` first).
_SHAREABLE = frozenset({"openai_server", "openai_client", "openai_sdk_client"})

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


def allow_server_fixtures(items: list[pytest.Item]) -> None:
    """Let ``@given`` tests take the server fixtures without hypothesis's function-scoped-fixture
    health check failing them; the check still applies to the test's other fixtures."""
    for item in items:
        function = getattr(item, "obj", None)
        if not getattr(function, "is_hypothesis_test", False):
            continue
        arguments = set(getattr(item, "fixturenames", ())) & set(getattr(getattr(item, "_fixtureinfo", None), "argnames", ()))
        if not arguments & _SHAREABLE:
            continue
        info = getattr(item, "_fixtureinfo", None)
        others = [
            name
            for name in arguments - _SHAREABLE
            if info is not None and any(definition.scope == "function" for definition in info.name2fixturedefs.get(name, ()))
        ]
        if others:
            continue  # another function-scoped fixture: hypothesis's check is right to speak
        from hypothesis import HealthCheck, settings

        current = getattr(function, "_hypothesis_internal_use_settings", None)
        if not isinstance(current, settings):
            current = settings.default
        assert current is not None
        suppressed = [*current.suppress_health_check, HealthCheck.function_scoped_fixture]
        # Where @settings keeps a test's settings; the health check reads them there at run time.
        setattr(function, "_hypothesis_internal_use_settings", settings(current, suppress_health_check=suppressed))  # noqa: B010
