"""The pytest plugin (registered through the ``pytest11`` entry point).

Fixtures:
    openai_server   the mock server: one per session (per xdist worker), reset before each test,
                    and checked after it (a server-side exception fails the test that caused it)
    openai_client   this project's client pointed at it, with backoff sleeps disabled
    openai_sdk_client  the official SDK's ``openai.OpenAI`` pointed at it; retries do not sleep
                    their backoff unless the answer asks for a real ``Retry-After``

Markers (one line per fault or script):
    @pytest.mark.openai_fault("POST /chat/completions", Status(429), times=2)
    @pytest.mark.openai_reply("POST /chat/completions", ChatReply(content="Hi"))

Cassettes, in pytest-recording's conventions (``vcr`` / ``block_network`` / ``default_cassette``
markers, ``--record-mode``, ``--block-network``, ``--allowed-hosts``, ``--disable-recording``,
``vcr_config``...): see ``_pytest_cassettes``. pytest-recording, if installed, is set aside.

Hypothesis: ``openai_hypothesis_profile = ci`` (ini) loads the bounded, derandomized profile;
``--openai-fuzz`` the long one. See ``_pytest_hypothesis``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterator

import pytest

from ._pytest_cassettes import (
    add_options,
    allowed_hosts,
    block_network,
    configure,
    default_cassette_name,
    disable_recording,
    openai_cassette_server,
    record_mode,
    terminal_summary,
    vcr,
    vcr_cassette_dir,
    vcr_cassette_name,
    vcr_config,
    vcr_markers,
)
from ._pytest_hypothesis import add_hypothesis_options, allow_server_fixtures, configure_hypothesis
from .server import MockServer

if TYPE_CHECKING:
    from openai_urllib3 import OpenAI

__all__ = [
    "allowed_hosts",
    "block_network",
    "default_cassette_name",
    "disable_recording",
    "openai_cassette_server",
    "openai_client",
    "openai_sdk_client",
    "openai_server",
    "pytest_addoption",
    "pytest_collection_modifyitems",
    "pytest_configure",
    "pytest_terminal_summary",
    "record_mode",
    "vcr",
    "vcr_cassette_dir",
    "vcr_cassette_name",
    "vcr_config",
    "vcr_markers",
]


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    add_options(parser, pluginmanager)
    add_hypothesis_options(parser)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    terminal_summary(terminalreporter, config)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    allow_server_fixtures(items)

TEST_API_KEY = "sk-harness-test-key"


@pytest.hookimpl(tryfirst=True)  # before hypothesis loads a --hypothesis-profile naming one of ours
def pytest_configure(config: pytest.Config) -> None:
    configure(config)
    configure_hypothesis(config)
    config.addinivalue_line("markers", "openai_fault(route, *faults, times=1, at=None, retry_count=None): schedule faults on openai_server for this test")
    config.addinivalue_line("markers", "openai_reply(route, *replies): script replies on openai_server for this test")


@pytest.fixture(scope="session")
def _openai_server_session() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


@pytest.fixture
def openai_server(_openai_server_session: MockServer, request: pytest.FixtureRequest) -> Iterator[MockServer]:
    """The session's mock server, freshly reset, with this test's markers applied."""
    server = _openai_server_session
    server.reset()
    for marker in reversed(list(request.node.iter_markers("openai_fault"))):
        server.fault(*marker.args, **marker.kwargs)
    for marker in reversed(list(request.node.iter_markers("openai_reply"))):
        server.script(*marker.args, **marker.kwargs)
    yield server
    server.check()


@pytest.fixture
def openai_client(openai_server: MockServer) -> Iterator[OpenAI]:
    """An ``openai_urllib3.OpenAI`` client for ``openai_server`` that never sleeps between retries."""
    from openai_urllib3 import OpenAI

    def no_sleep(seconds: float) -> None:
        return None

    client = OpenAI(api_key=TEST_API_KEY, base_url=openai_server.url, sleep=no_sleep, trust_env=False)
    with client:
        yield client




def _retry_after_asked(headers: Any) -> bool:
    return headers is not None and any(name in headers for name in ("retry-after", "retry-after-ms"))


@pytest.fixture
def openai_sdk_client(openai_server: MockServer) -> Iterator[Any]:
    """The official SDK's ``openai.OpenAI`` for ``openai_server`` (skipped when ``openai`` is not
    installed). Its retries wait only where the answer carries ``Retry-After``/``retry-after-ms``
    (a fault that asks for one), so a test of three scripted 429s takes milliseconds."""
    openai = pytest.importorskip("openai")

    class NoBackoffOpenAI(openai.OpenAI):  # type: ignore[misc,name-defined]
        # The SDK's one seam for its wait: only the computed backoff is skipped, never a server's ask.
        def _calculate_retry_timeout(self, remaining_retries: int, options: Any, response_headers: Any = None) -> float:
            if _retry_after_asked(response_headers):
                return float(super()._calculate_retry_timeout(remaining_retries, options, response_headers))
            return 0.0

    client = NoBackoffOpenAI(api_key=TEST_API_KEY, base_url=openai_server.url)
    with client:
        yield client
