"""Error classes, their fields and their dumps; secrets never appear in either."""

from __future__ import annotations

import pytest

from openai_harness import MockServer, RawReply, Status
from openai_urllib3 import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    OpenAI,
    OpenAIError,
)

KEY = "sk-proj-" + "abcdefghijklmnopqrstuvwxyz0123456789"  # fake; built so no key-shaped literal is tracked


def client_for(server: MockServer, **kwargs: object) -> OpenAI:
    return OpenAI(api_key=KEY, base_url=server.url, sleep=lambda s: None, trust_env=False, organization="org-secret", project="proj_secret", **kwargs)  # type: ignore[arg-type]


def test_error_tree_matches_the_official_sdk() -> None:
    assert issubclass(APIError, OpenAIError)
    assert issubclass(APIStatusError, APIError)
    assert issubclass(APIConnectionError, APIError)
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(NotFoundError, APIStatusError)
    assert issubclass(APIResponseValidationError, APIError)


def test_status_error_carries_the_api_fields(openai_server: MockServer) -> None:
    client = client_for(openai_server)
    with pytest.raises(NotFoundError) as info:
        client.models.retrieve("nope")
    error = info.value
    assert error.status_code == 404
    assert error.code == "model_not_found"
    assert error.param == "model"
    assert error.type == "invalid_request_error"
    assert error.request_id is not None and error.request_id.startswith("req_")
    assert error.body == {"message": "The model 'nope' does not exist", "type": "invalid_request_error", "param": "model", "code": "model_not_found"}  # the official SDK's inner object
    assert error.response.status_code == 404
    text = str(error)
    assert "404" in text and "GET" in text and "/v1/models/nope" in text and "does not exist" in text
    assert error.request.method == "GET"
    assert error.response.status == 404


def test_dumps_show_the_exchange_with_credentials_redacted(openai_server: MockServer) -> None:
    client = client_for(openai_server)
    openai_server.fault("POST /chat/completions", Status(400, headers={"set-cookie": "session=secret-cookie"}))
    with pytest.raises(BadRequestError) as info:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hello"}])
    request_dump = info.value.dump_request()
    response_dump = info.value.dump_response()
    assert request_dump.startswith("POST /v1/chat/completions HTTP/1.1\n")
    assert '"content":"hello"' in request_dump
    assert "Authorization: Bearer <redacted>" in request_dump
    assert "OpenAI-Organization: <redacted>" in request_dump
    assert response_dump.startswith("HTTP/1.1 400 Bad Request\n")
    assert "set-cookie: <redacted>" in response_dump
    for secret in (KEY, "org-secret", "proj_secret", "secret-cookie"):
        assert secret not in request_dump + response_dump + str(info.value)


def test_a_key_echoed_by_the_server_is_scrubbed_from_the_message(openai_server: MockServer) -> None:
    client = client_for(openai_server)
    body = {"error": {"message": f"Incorrect API key provided: {KEY}.", "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}}
    openai_server.fault("GET /models", Status(401, body=body))
    with pytest.raises(AuthenticationError) as info:
        client.models.list()
    assert KEY not in str(info.value)
    assert KEY not in info.value.dump_response()
    assert "Incorrect API key provided" in str(info.value)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"", "Error code: 500"),
        (b"upstream connect error", "upstream connect error"),
        (b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>", "HTML page instead of JSON: 502 Bad Gateway"),
        (b'{"message": "flat error"}', "flat error"),
    ],
)
def test_empty_plain_and_html_error_bodies_still_give_a_useful_error(openai_server: MockServer, body: bytes, expected: str) -> None:
    client = client_for(openai_server, max_retries=0)
    openai_server.fault("GET /models", Status(500 if not body.startswith(b"<") else 502, body=body))
    with pytest.raises(InternalServerError) as info:
        client.models.list()
    assert expected in str(info.value)
    assert "GET http://127.0.0.1" in str(info.value)


def test_a_success_status_with_a_non_json_body_is_a_validation_error(openai_server: MockServer) -> None:
    client = client_for(openai_server)
    openai_server.script("GET /models", RawReply(body=b"<html>captive portal</html>", headers={"content-type": "text/html"}))
    with pytest.raises(APIResponseValidationError) as info:
        client.models.list()
    assert "captive portal" in str(info.value)
    assert info.value.status_code == 200


def test_connection_refused_is_a_connection_error() -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sleeps: list[float] = []
    client = OpenAI(api_key=KEY, base_url=f"http://127.0.0.1:{port}/v1", sleep=sleeps.append, trust_env=False, random=lambda: 0.0)
    with pytest.raises(APIConnectionError) as info:
        client.models.list()
    assert not isinstance(info.value, APITimeoutError)
    assert "Connection refused" in str(info.value) or "refused" in str(info.value).lower()
    assert sleeps == [0.5, 1.0]  # connection errors are retried with backoff


def test_missing_api_key_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(OpenAIError, match="OPENAI_API_KEY"):
        OpenAI()


@pytest.mark.parametrize("body", [b"[1, 2]", b'"text"', b"42", b"null", b"[" * 100_000 + b"]" * 100_000])
def test_a_typed_call_whose_answer_is_not_its_type_raises_the_documented_error(openai_server: MockServer, body: bytes) -> None:
    from openai_harness import Status
    from openai_urllib3 import APIResponseValidationError, OpenAI

    client = OpenAI(api_key="sk-typed", base_url=openai_server.url, max_retries=0)
    for route, call in (
        ("GET /models/{model}", lambda: client.models.retrieve("gpt-4o")),
        ("POST /chat/completions", lambda: client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "x"}])),
        ("GET /models", lambda: client.models.list()),
    ):
        openai_server.fault(route, Status(200, headers={"content-type": "application/json"}, body=body))
        with pytest.raises(APIResponseValidationError) as info:
            call()
        assert info.value.response.status_code == 200


def _other_vendor_keys() -> dict[str, str]:
    """Keys of other services, built at run time so the tree holds none."""
    tail = "Q7x" * 12
    return {
        "google": "AIza" + tail[:35],
        "github": "ghp_" + tail[:36],
        "aws": "AKIA" + "Q7XZ" * 4,
        "anthropic": "sk-ant-api03-" + tail,
        "client secret": "ek_" + tail[:24],
    }


def test_diagnostics_redact_custom_key_headers_url_passwords_and_other_vendors_keys(
    openai_server: MockServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logging

    monkeypatch.setenv("OPENAI_LOG", "debug")
    custom = "gw-" + "9f8e7d6c5b4a" * 3
    userinfo_url = openai_server.url.replace("http://", "http://gateway:hunter2-pass@")
    keys = _other_vendor_keys()
    echoed = "; ".join(f"{name} {value}" for name, value in keys.items())
    openai_server.fault("GET /models", Status(400, body={"error": {"message": f"Bad keys: {echoed}", "type": "invalid_request_error"}}))
    client = OpenAI(api_key=KEY, base_url=userinfo_url, default_headers={"X-Gateway-Key": custom}, max_retries=0)
    with caplog.at_level(logging.DEBUG, logger="openai_urllib3"), pytest.raises(BadRequestError) as info:
        client.models.list()
    error = info.value
    shown = "\n".join([str(error), repr(error), error.dump_request(), error.dump_response(), repr(client), caplog.text])
    assert "Bad keys" in shown and "X-Gateway-Key: <redacted>" in error.dump_request()
    assert "X-Gateway-Key: <redacted>" in caplog.text and "gateway:<redacted>@" in repr(client)
    for secret in (custom, "hunter2-pass", KEY, *keys.values()):
        assert secret not in shown, secret


def test_a_redirect_error_names_neither_the_key_in_the_url_nor_the_one_in_the_location(openai_server: MockServer) -> None:
    azure_key = "0123456789abcdef" * 2
    openai_server.fault("GET /models", Status(302, headers={"location": f"http://elsewhere.invalid/v1/models?api-key={azure_key}"}))
    client = OpenAI(api_key=KEY, base_url=openai_server.url, default_query={"api-key": azure_key}, max_retries=0, trust_env=False)
    with pytest.raises(APIStatusError) as info:
        client.models.list()
    text = str(info.value) + info.value.dump_request()
    assert "Unexpected redirect 302" in text and "api-key=<redacted>" in text
    assert azure_key not in text


def test_an_error_body_nested_past_the_stack_is_still_the_status_error(openai_server: MockServer) -> None:
    """A broken or hostile server's JSON nested deeper than Python's parser can go is kept as text:
    the caller gets the status error (and a 429 is still judged for retrying), not a RecursionError."""
    deep = b'{"error": ' + b"[" * 100_000 + b'"insufficient_quota"' + b"]" * 100_000 + b"}"
    openai_server.fault("GET /models", Status(400, body=deep))
    client = OpenAI(api_key="sk-test", base_url=openai_server.url, max_retries=0)
    with pytest.raises(BadRequestError) as caught:
        client.models.list()
    assert isinstance(caught.value.body, str) and caught.value.status_code == 400
    openai_server.fault("GET /models", Status(429, headers={"retry-after": "0"}, body=deep), times=1)
    retrying = OpenAI(api_key="sk-test", base_url=openai_server.url, max_retries=1)
    assert retrying.models.list().data is not None  # retried once, then the real answer


@pytest.mark.parametrize(
    "body",
    [
        b'\xef\xbb\xbf{"object": "list", "data": []}',  # UTF-8 with a BOM
        '{"object": "list", "data": []}'.encode("utf-16"),  # UTF-16, which JSON allows
    ],
    ids=["utf-8-bom", "utf-16"],
)
def test_json_in_any_encoding_json_allows_is_read(openai_server: MockServer, body: bytes) -> None:
    openai_server.script("GET /models", RawReply(body=body, headers={"content-type": "application/json"}))
    assert OpenAI(api_key="sk-test", base_url=openai_server.url, max_retries=0).models.list().data == []
