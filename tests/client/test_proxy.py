"""Proxies: explicit, from the environment, and NO_PROXY; the proxy here is a real loopback server."""

from __future__ import annotations

import pytest

from openai_harness import MockServer
from openai_urllib3 import OpenAI
from openai_urllib3._proxy import bypasses_proxy, proxy_for

UNREACHABLE = "http://api.example.invalid/v1"


def test_explicit_proxy_receives_absolute_form_requests(openai_server: MockServer) -> None:
    # The mock server accepts absolute-form targets, so it can stand in for a forward proxy:
    # the client can only reach the unresolvable host by going through it.
    client = OpenAI(api_key="sk-test", base_url=UNREACHABLE, proxy=openai_server.root_url, trust_env=False)
    assert client.models.list().data
    entry = openai_server.journal.last()
    assert entry.target == "http://api.example.invalid/v1/models"


def test_proxy_from_environment(openai_server: MockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", openai_server.root_url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    client = OpenAI(api_key="sk-test", base_url=UNREACHABLE)
    assert client.models.retrieve("gpt-4o").id == "gpt-4o"
    assert openai_server.journal.last().target == "http://api.example.invalid/v1/models/gpt-4o"


def test_no_proxy_bypasses_the_proxy(openai_server: MockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")  # discard port: a proxy that is never reached
    monkeypatch.setenv("NO_PROXY", "localhost,127.0.0.1")
    client = OpenAI(api_key="sk-test", base_url=openai_server.url, max_retries=0)
    assert client.models.list().data
    assert openai_server.journal.last().target == "/v1/models"


def test_trust_env_false_ignores_proxy_variables(openai_server: MockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    client = OpenAI(api_key="sk-test", base_url=openai_server.url, trust_env=False, max_retries=0)
    assert client.models.list().data


@pytest.mark.parametrize(
    ("url", "no_proxy", "bypass"),
    [
        ("http://api.openai.com/v1", "openai.com", True),
        ("http://api.openai.com/v1", ".openai.com", True),
        ("http://notopenai.com/v1", "openai.com", False),
        ("http://10.1.2.3:8080/v1", "10.0.0.0/8", True),
        ("http://10.1.2.3:8080/v1", "10.1.2.3:9090", False),
        ("http://10.1.2.3:8080/v1", "10.1.2.3:8080", True),
        ("http://[::1]:8080/v1", "::1", True),
        ("http://anything/v1", "*", True),
        ("http://anything/v1", "", False),
    ],
)
def test_no_proxy_matching(url: str, no_proxy: str, bypass: bool) -> None:
    assert bypasses_proxy(url, no_proxy) is bypass


def test_proxy_choice_by_scheme() -> None:
    env = {"HTTPS_PROXY": "proxy.local:3128", "http_proxy": "http://plain:80"}
    assert proxy_for("https://api.openai.com/v1", env) == "http://proxy.local:3128"
    assert proxy_for("http://api.openai.com/v1", env) == "http://plain:80"
    assert proxy_for("https://api.openai.com/v1", {"ALL_PROXY": "http://all:1"}) == "http://all:1"
