"""Option layering (client -> with_options -> call), headers, query, body merging, middleware."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from openai_harness import MockServer, Status
from openai_urllib3 import OpenAI, Request, Response, omit
from openai_urllib3._version import __version__

CHAT = "POST /chat/completions"
MESSAGES = [{"role": "user", "content": "hi"}]


def client_for(server: MockServer, **kwargs: Any) -> OpenAI:
    kwargs.setdefault("sleep", lambda s: None)
    return OpenAI(api_key="sk-test", base_url=server.url, trust_env=False, **kwargs)


def test_default_headers_are_sent(openai_server: MockServer) -> None:
    client = client_for(openai_server, organization="org-1", project="proj-1")
    client.models.list()
    headers = openai_server.journal.last().headers
    assert headers["authorization"] == "Bearer sk-test"
    assert headers["openai-organization"] == "org-1"
    assert headers["openai-project"] == "proj-1"
    assert headers["user-agent"] == f"openai-urllib3/{__version__}"
    assert headers["accept"] == "application/json"
    assert headers["x-stainless-retry-count"] == "0"
    assert "content-type" not in headers  # a GET has no body


def test_json_body_has_content_type(openai_server: MockServer) -> None:
    client_for(openai_server).chat.completions.create(model="gpt-4o", messages=MESSAGES)
    entry = openai_server.journal.last()
    assert entry.headers["content-type"] == "application/json"
    assert entry.body == {"model": "gpt-4o", "messages": MESSAGES}


def test_layers_client_then_with_options_then_call(openai_server: MockServer) -> None:
    base = client_for(openai_server, default_headers={"X-Layer": "client", "X-Client-Only": "1"}, default_query={"q": "client"})
    copy = base.with_options(default_headers={"X-Layer": "copy"}, default_query={"q2": "copy"})
    copy.models.list(extra_headers={"X-Layer": "call"}, extra_query={"q": "call"})
    entry = openai_server.journal.last()
    assert entry.headers["x-layer"] == "call"
    assert entry.headers["x-client-only"] == "1"
    assert entry.query == {"q": ["call"], "q2": ["copy"]}
    base.models.list()
    entry = openai_server.journal.last()
    assert entry.headers["x-layer"] == "client"
    assert entry.query == {"q": ["client"]}


def test_with_options_shares_the_pool_and_changes_settings(openai_server: MockServer) -> None:
    base = client_for(openai_server)
    copy = base.with_options(max_retries=5, timeout=12, api_key="sk-other")
    assert copy.transport is base.transport
    assert copy.max_retries == 5 and base.max_retries == 2
    assert copy.timeout is not None and copy.timeout.read == 12 and copy.timeout.connect == 12
    copy.models.list()
    assert openai_server.journal.last().headers["authorization"] == "Bearer sk-other"


def test_omit_removes_a_default_header(openai_server: MockServer) -> None:
    client = client_for(openai_server, organization="org-1")
    client.models.list(extra_headers={"OpenAI-Organization": omit, "User-Agent": omit})
    headers = openai_server.journal.last().headers
    assert "openai-organization" not in headers
    assert "user-agent" not in headers or headers["user-agent"].startswith("python-urllib3")


def test_extra_body_deep_merges_and_wins(openai_server: MockServer) -> None:
    openai_server.validation = "lenient"  # "custom" is not in the spec: a strict server refuses it, as the API would
    client = client_for(openai_server)
    client.chat.completions.create(
        model="gpt-4o",
        messages=MESSAGES,
        metadata={"a": "1", "b": "2"},
        extra_body={"metadata": {"b": "override", "c": "3"}, "model": "gpt-4o-mini", "custom": None},
    )
    body = openai_server.journal.last().body
    assert body["metadata"] == {"a": "1", "b": "override", "c": "3"}
    assert body["model"] == "gpt-4o-mini"
    assert body["custom"] is None  # None is sent as JSON null


def test_omitted_params_are_omitted_and_none_is_null(openai_server: MockServer) -> None:
    client_for(openai_server).chat.completions.create(model="gpt-4o", messages=MESSAGES, temperature=None)
    body = openai_server.journal.last().body
    assert body == {"model": "gpt-4o", "messages": MESSAGES, "temperature": None}


def test_idempotency_key_is_the_same_on_every_attempt(openai_server: MockServer) -> None:
    client = client_for(openai_server)
    openai_server.fault(CHAT, Status(500), times=2)
    client.chat.completions.create(model="gpt-4o", messages=MESSAGES, idempotency_key="idem-123")
    keys = [entry.headers.get("idempotency-key") for entry in openai_server.journal.for_route(CHAT)]
    assert keys == ["idem-123"] * 3


def test_middleware_order_and_every_attempt_seen(openai_server: MockServer) -> None:
    seen: list[str] = []

    def named(name: str) -> Any:
        def middleware(request: Request, call_next: Any) -> Response:
            seen.append(f"{name}>{request.attempt}:{request.headers['X-Stainless-Retry-Count']}")
            response = call_next(request)
            seen.append(f"{name}<{response.status}")
            return response

        return middleware

    client = client_for(openai_server, middleware=[named("a"), named("b")])
    openai_server.fault(CHAT, Status(429))
    client.chat.completions.create(model="gpt-4o", messages=MESSAGES, middleware=[named("call")])
    assert seen == [
        "a>0:0", "b>0:0", "call>0:0", "call<429", "b<429", "a<429",
        "a>1:1", "b>1:1", "call>1:1", "call<200", "b<200", "a<200",
    ]  # fmt: skip


def test_middleware_can_change_the_request_and_answer_itself(openai_server: MockServer) -> None:
    def add_header(request: Request, call_next: Any) -> Response:
        request.headers["X-Added"] = "yes"
        return call_next(request)

    def short_circuit(request: Request, call_next: Any) -> Response:
        if request.url.endswith("/models/cached"):
            return Response(200, {"content-type": "application/json"}, b'{"id": "cached", "object": "model"}')
        return call_next(request)

    client = client_for(openai_server, middleware=[add_header, short_circuit])
    assert client.models.retrieve("cached").id == "cached"
    assert openai_server.journal.count() == 0
    client.models.list()
    assert openai_server.journal.last().headers["x-added"] == "yes"


def test_middleware_that_is_not_callable_is_rejected() -> None:
    with pytest.raises(TypeError, match="middleware"):
        OpenAI(api_key="sk-test", middleware=["nope"], trust_env=False)  # type: ignore[list-item]


def test_bad_options_are_rejected_clearly(openai_server: MockServer) -> None:
    client = client_for(openai_server)
    with pytest.raises(ValueError, match="max_retries"):
        client.models.list(max_retries=-1)
    with pytest.raises(TypeError, match="timeout"):
        client.models.list(timeout="soon")  # type: ignore[typeddict-item]
    with pytest.raises(ValueError, match="base_url"):
        OpenAI(api_key="sk-test", base_url="api.openai.com", trust_env=False)
    with pytest.raises(TypeError, match="Unknown request option"):
        client.get("/models", bogus=1)
    with pytest.raises(ValueError, match="non-empty"):
        client.models.retrieve("")


def test_ids_are_escaped_as_one_path_segment(openai_server: MockServer) -> None:
    client = client_for(openai_server)
    with pytest.raises(Exception):
        client.models.retrieve("../files?x=1")
    assert openai_server.journal.last().target == "/v1/models/..%2Ffiles%3Fx%3D1"
    # A dot-segment would be normalized away and reach another route (the model list): refused, as
    # the official SDK refuses it, before anything is sent.
    sent = openai_server.journal.count()
    for dots in (".", ".."):
        with pytest.raises(ValueError, match="dot-segment"):
            client.models.retrieve(dots)
    assert openai_server.journal.count() == sent


def test_text_without_a_utf8_form_is_sent_escaped_and_the_server_refuses_it(openai_server: MockServer) -> None:
    """A lone surrogate in a message is sent as a JSON escape, as the official SDK sends it (not a
    UnicodeEncodeError here); the mock server answers 400, never a 500."""
    from openai_urllib3 import BadRequestError

    client = client_for(openai_server)
    with pytest.raises(BadRequestError, match="surrogate"):
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "half \ud800 a pair"}])
    assert b"\\ud800" in openai_server.journal.last().raw_body
    openai_server.check()


def test_environment_variables(openai_server: MockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.url)
    monkeypatch.setenv("OPENAI_ORG_ID", "org-env")
    monkeypatch.setenv("OPENAI_PROJECT_ID", "proj-env")
    client = OpenAI()
    client.models.list()
    headers = openai_server.journal.last().headers
    assert headers["authorization"] == "Bearer sk-from-env"
    assert headers["openai-organization"] == "org-env"
    assert headers["openai-project"] == "proj-env"
    explicit = OpenAI(api_key="sk-explicit", organization="org-explicit")
    assert explicit.api_key == "sk-explicit" and explicit.organization == "org-explicit"


def test_openai_log_debug_logs_every_attempt_without_secrets(openai_server: MockServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("OPENAI_LOG", "debug")
    client = OpenAI(api_key="sk-secret-key-123456", base_url=openai_server.url, sleep=lambda s: None)
    openai_server.fault(CHAT, Status(503))
    with caplog.at_level(logging.DEBUG, logger="openai_urllib3"):
        client.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    text = caplog.text
    assert "attempt=0" in text and "attempt=1" in text and "status=503" in text and "status=200" in text
    assert "Bearer <redacted>" in text
    assert "sk-secret-key-123456" not in text


def test_openai_log_info_is_one_line_per_attempt(openai_server: MockServer, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("OPENAI_LOG", "info")
    client = OpenAI(api_key="sk-secret-key-123456", base_url=openai_server.url)
    with caplog.at_level(logging.INFO, logger="openai_urllib3"):
        client.models.list()
    records = [r for r in caplog.records if r.name == "openai_urllib3"]
    assert len(records) == 1 and "status=200" in records[0].getMessage()
    assert "Authorization" not in caplog.text


def test_client_is_a_context_manager_that_closes_its_pool(openai_server: MockServer) -> None:
    with client_for(openai_server) as client:
        client.models.list()
    client.models.list()  # urllib3 re-opens pools on demand; closing must not break a later use
    assert openai_server.journal.count("GET /models") == 2


def test_an_api_key_function_is_asked_before_every_attempt_as_the_official_sdk_does(openai_server: MockServer) -> None:
    openai = pytest.importorskip("openai")
    for make in (
        lambda provider: OpenAI(api_key=provider, base_url=openai_server.url, sleep=lambda s: None, max_retries=1),
        lambda provider: openai.OpenAI(api_key=provider, base_url=openai_server.url, max_retries=1),
    ):
        openai_server.reset()
        issued: list[str] = []

        def provider(issued: list[str] = issued) -> str:
            issued.append(f"token-{len(issued)}")
            return issued[-1]

        client = make(provider)
        openai_server.fault("GET /models", Status(500, headers={"retry-after-ms": "1"}))
        client.models.list()
        client.models.list()
        sent = [entry.headers["authorization"] for entry in openai_server.journal.for_route("GET /models")]
        assert len(sent) == 3 and len(set(sent)) == 3, sent  # a fresh token on every attempt, retries included
        assert all(value == f"Bearer {token}" for value, token in zip(sent, issued[-3:]))
        assert client.api_key == issued[-1]
    with pytest.raises(Exception, match="api_key function returned"):
        OpenAI(api_key=lambda: "", base_url=openai_server.url)
    copy = OpenAI(api_key=lambda: "kept", base_url=openai_server.url).with_options(max_retries=0)
    copy.models.list()
    assert openai_server.journal.last().headers["authorization"] == "Bearer kept"


def test_admin_calls_send_the_admin_key_as_the_official_sdk_does(openai_server: MockServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """``admin_api_key`` (or ``OPENAI_ADMIN_KEY``) is what the admin API's operations send; the
    rest send ``api_key``. The same snippet runs on the official SDK where it has the option."""
    import inspect

    openai = pytest.importorskip("openai")
    api_key, admin_key = "sk-" + "proj-plain", "sk-" + "admin-org"
    makers = [lambda **kw: OpenAI(base_url=openai_server.url, max_retries=0, **kw)]
    if "admin_api_key" in inspect.signature(openai.OpenAI.__init__).parameters:
        makers.append(lambda **kw: openai.OpenAI(base_url=openai_server.url, max_retries=0, **kw))
    for make in makers:
        openai_server.reset()
        client = make(api_key=api_key, admin_api_key=admin_key)
        client.models.list()
        client.admin.organization.projects.list()
        client.admin.organization.projects.create(name="admin key")
        sent = [(entry.route, entry.headers["authorization"]) for entry in openai_server.journal.all()]
        assert sent == [
            ("GET /models", f"Bearer {api_key}"),
            ("GET /organization/projects", f"Bearer {admin_key}"),
            ("POST /organization/projects", f"Bearer {admin_key}"),
        ], (make, sent)
        assert client.admin_api_key == admin_key
    # Ours: a client with only the admin key serves the admin API and says why it cannot serve the rest.
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_ADMIN_KEY", admin_key)
    admin_only = OpenAI(base_url=openai_server.url, max_retries=0)
    assert admin_only.admin.organization.projects.list().object == "list"
    with pytest.raises(Exception, match="only an admin_api_key") as caught:
        admin_only.models.list()
    assert admin_key not in str(caught.value)
    # Without an admin key, admin calls send the API key (what older official SDKs did); copies keep it.
    plain = OpenAI(api_key=api_key, base_url=openai_server.url, trust_env=False)
    plain.admin.organization.projects.list()
    assert openai_server.journal.last().headers["authorization"] == f"Bearer {api_key}"
    plain.with_options(admin_api_key=admin_key).with_options(max_retries=0).admin.organization.projects.list()
    assert openai_server.journal.last().headers["authorization"] == f"Bearer {admin_key}"
    with pytest.raises(Exception, match="No API key"):
        OpenAI(base_url=openai_server.url, trust_env=False)


def test_a_key_or_header_that_is_not_valid_http_is_refused_without_showing_it(openai_server: MockServer) -> None:
    """A key read from a file with its newline is refused when the client is made, naming the
    mistake and never quoting the key; a bad credential header set later is refused the same way."""
    from openai_urllib3 import OpenAIError

    key = "sk-" + "proj-" + "K" * 24
    for make in (
        lambda: OpenAI(api_key=key + "\n", base_url=openai_server.url),
        lambda: OpenAI(api_key=lambda: key + "\r\nX-Injected: 1", base_url=openai_server.url),
        lambda: OpenAI(api_key=key, base_url=openai_server.url).with_options(admin_api_key=" " + key),
    ):
        with pytest.raises(OpenAIError, match="not shown") as caught:
            make()
        assert key not in str(caught.value)

    def bad_credential(request: Request, call_next: Any) -> Response:
        request.headers["Authorization"] = f"Bearer {key}\nX-Injected: 1"
        return call_next(request)

    client = OpenAI(api_key=key, base_url=openai_server.url, middleware=[bad_credential], max_retries=0)
    with pytest.raises(ValueError, match="Authorization") as refused:
        client.models.list()
    assert key not in str(refused.value) and openai_server.journal.count() == 0
    with pytest.raises(ValueError, match="X-Note"):
        OpenAI(api_key=key, base_url=openai_server.url).models.list(extra_headers={"X-Note": "two\nlines"})


def test_an_ssl_context_gives_mutual_tls_to_https_and_realtime(tmp_path: Any) -> None:
    """``OpenAI(ssl_context=...)``: a server that asks for a client certificate is reached over
    HTTPS and ``wss://`` with the one in the context, and refused without it."""
    import ssl

    from openai_urllib3 import APIConnectionError

    from ..tls import certificate

    server_cert, server_key = certificate(tmp_path, "server")
    client_cert, client_key = certificate(tmp_path, "client")
    serving = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    serving.load_cert_chain(server_cert, server_key)
    serving.verify_mode = ssl.CERT_REQUIRED
    serving.load_verify_locations(client_cert)
    server = MockServer()
    server.ssl_context = serving
    with server:
        mutual = ssl.create_default_context(cafile=str(server_cert))
        mutual.load_cert_chain(client_cert, client_key)
        client = OpenAI(api_key="sk-mtls", base_url=server.url, ssl_context=mutual, max_retries=0, trust_env=False)
        assert client.models.retrieve("gpt-4o").id == "gpt-4o"
        with client.realtime.connect(model="gpt-realtime") as connection:
            connection.session.update(session={"type": "realtime", "output_modalities": ["text"]})
            assert connection.recv().type == "session.created"
        anonymous = OpenAI(api_key="sk-mtls", base_url=server.url, ca_certs=str(server_cert), max_retries=0, trust_env=False)
        with pytest.raises(APIConnectionError):
            anonymous.models.retrieve("gpt-4o")
    with pytest.raises(TypeError, match="ssl_context"):
        OpenAI(api_key="sk-mtls", ssl_context="not a context")  # type: ignore[arg-type]
