"""Property suites: this client against the mock server, with the harness's own strategies.

Each suite runs under the profile the plugin loads (``openai_hypothesis_profile = ci`` in tox.ini:
bounded and derandomized; ``--openai-fuzz`` for long local runs). Examples share one server per
module and reset it themselves, since a function-scoped fixture is not reset between examples.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from hypothesis import settings

from openai_harness import MockServer
from openai_urllib3 import OpenAI


def examples(share: float) -> int:
    """A share of the loaded profile's example budget (at least 2), for the costlier properties."""
    return max(2, int(settings.default.max_examples * share))


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as running:
        yield running
        running.check()


@pytest.fixture(scope="module")
def client(server: MockServer) -> Iterator[OpenAI]:
    with OpenAI(api_key="sk-test", base_url=server.url, sleep=lambda seconds: None, trust_env=False, max_retries=0, timeout=20) as made:
        yield made


def method_of(client: Any, name: str) -> Any:
    """``client.chat.completions.create`` from ``"chat.completions.create"``."""
    target = client
    for part in name.split("."):
        target = getattr(target, part)
    return target
