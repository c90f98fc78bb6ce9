"""Secrets never stored; matching compares JSON as data, plays repeats in order, explains misses."""

from __future__ import annotations

import pathlib

import pytest

from openai_harness.cassettes import (
    CassetteSecretError,
    Event,
    HarnessSerializer,
    Interaction,
    InteractionIndex,
    MatchConfig,
    RecordedRequest,
    RecordedResponse,
    Scrubber,
    dumps_cassette,
    find_secrets,
)

KEY = "sk-proj-" + "A1b2C3d4" * 5


def packed(secret: str) -> str:
    """``secret`` as an application might pack it itself: base64 of gzip."""
    import base64
    import gzip

    return base64.b64encode(gzip.compress(secret.encode())).decode()


def chat(body: bytes, headers: list[tuple[str, str]] | None = None, uri: str = "https://api.openai.com/v1/chat/completions") -> RecordedRequest:
    return RecordedRequest("POST", uri, headers or [("Content-Type", "application/json")], body)


def ok(text: str = "{}") -> RecordedResponse:
    return RecordedResponse(200, "OK", [("content-type", "application/json")], text.encode())


def test_credentials_are_replaced_and_volatile_headers_dropped() -> None:
    request = chat(b"{}", [("Authorization", f"Bearer {KEY}"), ("api-key", "azure-secret"), ("OpenAI-Organization", "org-x"), ("OpenAI-Project", "proj_x"), ("Cookie", "a=b"), ("X-Keep", "yes")])
    response = RecordedResponse(
        200, "OK", [("set-cookie", "s=1"), ("date", "today"), ("x-request-id", "req_1"), ("openai-processing-ms", "5"), ("x-ratelimit-remaining-tokens", "1"), ("cf-ray", "x"), ("openai-organization", "org-x"), ("content-type", "application/json")], b"{}"
    )
    scrubbed = Scrubber().scrub(Interaction(request, response))
    assert dict(scrubbed.request.headers) == {"Authorization": "Bearer REDACTED", "api-key": "REDACTED", "OpenAI-Organization": "REDACTED", "OpenAI-Project": "REDACTED", "Cookie": "REDACTED", "X-Keep": "yes"}
    assert dict(scrubbed.response.headers) == {"set-cookie": "REDACTED", "openai-organization": "REDACTED", "content-type": "application/json"}
    assert dict(request.headers)["Authorization"] == f"Bearer {KEY}"  # the original is untouched


def test_user_scrubbers_add_headers_query_json_paths_and_patterns() -> None:
    scrubber = Scrubber(headers=["X-Tenant"], query_params=["token"], json_paths=["user", "messages[*].content", "metadata.email"], patterns=[r"\d{3}-\d{4}", (r"Alice", "PERSON")])
    request = chat(
        b'{"user": "u-1", "messages": [{"role": "user", "content": "call 555-1234"}], "metadata": {"email": "a@b.c", "keep": "x"}, "note": "Alice 555-9876"}',
        [("X-Tenant", "acme")],
        uri="https://api.openai.com/v1/chat/completions?token=abc&keep=1",
    )
    response = RecordedResponse(200, "OK", [("content-type", "text/event-stream")], events=[Event('{"user":"u-1","text":"Alice"}')])
    scrubbed = scrubber.scrub(Interaction(request, response))
    assert scrubbed.request.uri.endswith("?token=REDACTED&keep=1")
    assert dict(scrubbed.request.headers)["X-Tenant"] == "REDACTED"
    body = scrubbed.request.json()
    assert body["user"] == "REDACTED" and body["messages"][0]["content"] == "REDACTED"
    assert body["metadata"] == {"email": "REDACTED", "keep": "x"}
    assert body["note"] == "PERSON REDACTED"
    assert scrubbed.response.events is not None and scrubbed.response.events[0].data == '{"user":"REDACTED","text":"PERSON"}'


def test_a_key_anywhere_is_replaced_and_one_that_survives_stops_the_write() -> None:
    raw = {"interactions": [{"request": {"method": "POST", "uri": "https://x/v1/chat/completions", "headers": {}, "body": '{"note": "' + KEY + '"}'}, "response": {"status": {"code": 200, "message": "OK"}, "headers": {}, "body": {"string": "{}"}}}]}
    text = HarnessSerializer(source="cassettes/leak.yaml").serialize(raw)
    assert KEY not in text and "note: REDACTED" in text
    # A key the application packed itself (base64 of gzip) is out of every scrubber's reach: the
    # gate still finds it, refuses the write, and the error does not repeat it.
    raw["interactions"][0]["request"]["body"] = '{"note": "' + packed(KEY) + '"}'
    with pytest.raises(CassetteSecretError) as info:
        HarnessSerializer(source="cassettes/leak.yaml").serialize(raw)
    assert "cassettes/leak.yaml" in str(info.value)
    assert KEY not in str(info.value)
    assert find_secrets("aOsk-" + "x" * 30) == []  # inside another token: not a key


def test_scrubber_arguments_are_checked() -> None:
    with pytest.raises(TypeError, match="takes a list"):
        Scrubber(headers="Authorization")
    with pytest.raises(ValueError, match="JSON path"):
        Scrubber(json_paths=[""])


def test_json_bodies_match_as_data() -> None:
    index = InteractionIndex([Interaction(chat(b'{"model": "gpt-4o", "messages": []}'), ok())])
    assert index.find(chat(b'{"messages":[],"model":"gpt-4o"}')) is not None


def _upload(boundary: str, fields: list[tuple[str, str | None, bytes]]) -> RecordedRequest:
    parts = []
    for name, filename, content in fields:
        disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        parts.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return chat(body, [("Content-Type", f"multipart/form-data; boundary={boundary}")], uri="https://api.openai.com/v1/files")


def test_multipart_bodies_match_as_fields_whatever_the_boundary_and_order() -> None:
    recorded = _upload("aaaa1111", [("file", "a.jsonl", b"{}\n"), ("purpose", None, b"batch")])
    index = InteractionIndex([Interaction(recorded, ok())])
    assert index.find(_upload("bbbb2222", [("purpose", None, b"batch"), ("file", "a.jsonl", b"{}\n")]), play=False) is not None
    assert index.find(_upload("cccc3333", [("file", "a.jsonl", b"{}\n"), ("purpose", None, b"evals")]), play=False) is None
    assert index.find(_upload("dddd4444", [("file", "b.jsonl", b"{}\n"), ("purpose", None, b"batch")]), play=False) is None


def test_ignored_fields_and_query() -> None:
    index = InteractionIndex([Interaction(chat(b'{"model": "m", "user": "a", "metadata": {"t": 1, "k": 2}}'), ok())], MatchConfig(frozenset({"user", "metadata.t"})))
    assert index.find(chat(b'{"model": "m", "user": "b", "metadata": {"t": 9, "k": 2}}')) is not None
    models = InteractionIndex([Interaction(RecordedRequest("GET", "https://x/v1/models?limit=2"), ok())])
    assert models.find(RecordedRequest("GET", "http://127.0.0.1:5/v1/models?limit=3")) is None
    assert models.find(RecordedRequest("GET", "http://127.0.0.1:5/v1/models?limit=2")) is not None  # host ignored by default


def test_repeats_in_order_then_miss() -> None:
    first, second = Interaction(chat(b"{}"), ok('{"n":1}')), Interaction(chat(b"{}"), ok('{"n":2}'))
    index = InteractionIndex([first, second])
    assert index.find(chat(b"{}")) is first
    assert index.find(chat(b"{}")) is second
    assert index.find(chat(b"{}")) is None
    assert index.all_played()


def test_repeats_repeat_last_and_error() -> None:
    first, second = Interaction(chat(b"{}"), ok('{"n":1}')), Interaction(chat(b"{}"), ok('{"n":2}'))
    repeat = InteractionIndex([first, second], MatchConfig(repeats="repeat_last"))
    assert [repeat.find(chat(b"{}")) for _ in range(4)] == [first, second, second, second]
    strict = InteractionIndex([first, second], MatchConfig(repeats="error"))
    assert strict.find(chat(b"{}")) is first
    with pytest.raises(AssertionError, match="already answered"):
        strict.find(chat(b"{}"))
    with pytest.raises(ValueError, match="repeats"):
        MatchConfig(repeats="sometimes")  # type: ignore[arg-type]


def test_a_miss_lists_each_candidate_with_its_play_count_the_difference_and_the_option_that_matches() -> None:
    index = InteractionIndex(
        [
            Interaction(RecordedRequest("GET", "https://x/v1/models"), ok()),
            Interaction(chat(b'{"model": "gpt-4o", "messages": [{"role": "user", "content": "hello"}]}'), ok()),
        ]
    )
    explanation = index.explain_miss(chat(b'{"model": "gpt-4o", "messages": [{"role": "user", "content": "goodbye"}]}'))
    assert "#2 https://api.openai.com/v1/chat/completions, played 0 time(s)" in explanation
    assert '-      "content": "hello",' in explanation and '+      "content": "goodbye",' in explanation
    assert "ignore_fields=['messages']" in explanation
    assert "Closest recorded request: GET https://x/v1/models" in index.explain_miss(RecordedRequest("POST", "https://x/v1/models"))


def test_dumped_cassettes_contain_no_credentials() -> None:
    text = dumps_cassette([Scrubber().scrub(Interaction(chat(b"{}", [("Authorization", f"Bearer {KEY}")]), ok()))])
    assert KEY not in text and find_secrets(text) == []


def test_a_refused_write_leaves_no_patch_behind_and_record_mode_none_stays_closed(tmp_path: pathlib.Path) -> None:
    import http.client

    import urllib3

    from openai_harness import MockServer
    from openai_harness.cassettes import use_cassette

    pristine = (http.client.HTTPConnection.getresponse, urllib3.connectionpool.HTTPConnectionPool.ConnectionCls)
    with MockServer() as server:
        body = '{"model": "gpt-4o", "messages": [{"role": "user", "content": "' + packed(KEY) + '"}]}'  # no scrubber reaches it
        with pytest.raises(CassetteSecretError):
            with use_cassette(tmp_path / "leak.yaml", record_mode="once"):
                urllib3.PoolManager().request("POST", server.url + "/chat/completions", body=body, headers={"Content-Type": "application/json"})
        assert (http.client.HTTPConnection.getresponse, urllib3.connectionpool.HTTPConnectionPool.ConnectionCls) == pristine
        assert not (tmp_path / "leak.yaml").exists()
        # The next cassette records into its own file, and a none-mode one never reaches the server.
        with use_cassette(tmp_path / "next.yaml", record_mode="once"):
            urllib3.PoolManager().request("GET", server.url + "/models")
        assert (tmp_path / "next.yaml").exists()
        seen = server.journal.count()
        with pytest.raises(Exception, match="No recorded answer"):
            with use_cassette(tmp_path / "next.yaml", record_mode="none", allow_playback_repeats=False):
                urllib3.PoolManager().request("GET", server.url + "/models/gpt-4o", retries=False)
        assert server.journal.count() == seen


def test_a_doubled_slash_in_the_recorded_path_still_matches() -> None:
    recorded = chat(b"{}", uri="https://x.openai.azure.com//openai/deployments/gpt/chat/completions?api-version=2024-06-01")
    index = InteractionIndex([Interaction(recorded, ok())])
    assert index.find(chat(b"{}", uri="https://x.openai.azure.com/openai/deployments/gpt/chat/completions?api-version=2024-06-01")) is not None
