"""Raw responses, streamed raw responses, and custom requests through the same pipeline."""

from __future__ import annotations

import pytest

from openai_harness import MockServer, RawReply, Status
from openai_urllib3 import APIResponse, NotFoundError, OpenAI, SyncPage
from openai_urllib3.types import Model


@pytest.fixture
def client(openai_server: MockServer) -> OpenAI:
    return OpenAI(api_key="sk-test", base_url=openai_server.url, sleep=lambda s: None, trust_env=False)


def test_with_raw_response_gives_status_headers_timing_and_parse(client: OpenAI, openai_server: MockServer) -> None:
    raw = client.models.with_raw_response.retrieve("gpt-4o")
    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.headers["content-type"] == "application/json"
    assert raw.request_id is not None and raw.request_id.startswith("req_")
    assert raw.retries_taken == 0
    assert raw.elapsed.total_seconds() > 0
    model = raw.parse()
    assert isinstance(model, Model) and model.id == "gpt-4o"
    assert raw.parse() is model
    assert raw.json()["id"] == "gpt-4o"
    assert model.request_id == raw.request_id


def test_raw_list_parses_to_a_page(client: OpenAI) -> None:
    page = client.models.with_raw_response.list().parse()
    assert isinstance(page, SyncPage)
    assert [m.id for m in page][:2] == ["gpt-4o", "gpt-4o-mini"]


def test_with_streaming_response_reads_lazily_and_releases(client: OpenAI) -> None:
    with client.models.with_streaming_response.list() as response:
        assert response.status_code == 200
        assert not response.http_response.is_closed
        text = "".join(response.iter_text())
        assert '"object":"list"' in text
    assert response.http_response.is_closed


def test_streaming_response_iter_lines(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.script("GET /models", RawReply(body=b"first\r\nsecond\nthird\rfourth", headers={"content-type": "text/plain"}))
    with client.models.with_streaming_response.list() as response:
        assert list(response.iter_lines()) == ["first", "second", "third", "fourth"]


def test_streaming_response_parse_and_json(client: OpenAI) -> None:
    with client.models.with_streaming_response.retrieve("gpt-4o") as response:
        assert response.parse().id == "gpt-4o"


def test_streaming_response_closed_early_releases_the_connection(client: OpenAI, openai_server: MockServer) -> None:
    for _ in range(30):  # more than the pool size: a leak would block or grow the pool
        with client.models.with_streaming_response.list() as response:
            next(response.iter_bytes(16))
    assert client.models.list().data


def test_raw_response_errors_still_raise(client: OpenAI) -> None:
    with pytest.raises(NotFoundError):
        client.models.with_raw_response.retrieve("nope")


def test_custom_get_and_post_with_cast_to(client: OpenAI, openai_server: MockServer) -> None:
    assert client.get("/models/gpt-4o")["id"] == "gpt-4o"
    assert client.get("/models/gpt-4o", cast_to=Model).owned_by == "system"
    assert client.get("/models/gpt-4o", cast_to=bytes).startswith(b"{")
    assert '"gpt-4o"' in client.get("/models/gpt-4o", cast_to=str)
    raw = client.get("/models", cast_to=APIResponse)
    assert raw.status_code == 200 and raw.json()["object"] == "list"
    reply = client.post("/chat/completions", body={"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]}, extra_headers={"X-Custom": "1"})
    assert reply["object"] == "chat.completion"
    assert openai_server.journal.last().headers["x-custom"] == "1"


def test_custom_delete_and_typed_delete(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.state.add_model("ft:gpt-4o:acme::1", owned_by="org-acme")
    openai_server.state.add_model("ft:gpt-4o:acme::2", owned_by="org-acme")
    assert client.delete("/models/ft:gpt-4o:acme::1", cast_to=None) is None
    deleted = client.models.delete("ft:gpt-4o:acme::2")
    assert deleted.deleted is True and deleted.id == "ft:gpt-4o:acme::2"
    with pytest.raises(NotFoundError):
        client.models.retrieve("ft:gpt-4o:acme::2")


def test_custom_requests_get_retries_and_typed_errors(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.fault("GET /models", Status(503))
    assert client.get("/models")["object"] == "list"
    assert openai_server.journal.retry_counts("GET /models") == [0, 1]
    with pytest.raises(NotFoundError):
        client.get("/no/such/route")


def test_absolute_urls_are_allowed_in_custom_requests(client: OpenAI, openai_server: MockServer) -> None:
    assert client.get(openai_server.url + "/models/gpt-4o")["id"] == "gpt-4o"


def test_bad_cast_to_is_rejected(client: OpenAI) -> None:
    with pytest.raises(TypeError, match="cast_to"):
        client.get("/models", cast_to=42)


def test_custom_requests_build_pages_streams_and_binary_bodies(client: OpenAI, openai_server: MockServer) -> None:
    """One parser factory for operations and custom calls: a page, stream or binary class as
    ``cast_to`` (generic ones as ``SyncPage[Model]``) builds what the generated methods build, a
    stream and a binary body left unread until consumed."""
    from openai_urllib3 import BinaryResponse, Stream
    from openai_urllib3.types.chat import ChatCompletionChunk

    page = client.get("/models", cast_to=SyncPage[Model])
    assert isinstance(page, SyncPage) and page.data and all(isinstance(model, Model) for model in page)
    events = client.post(
        "/chat/completions",
        body={"model": "gpt-4o", "messages": [{"role": "user", "content": "stream me"}], "stream": True},
        cast_to=Stream[ChatCompletionChunk],
    )
    assert isinstance(events, Stream)
    chunks = list(events)
    assert chunks and all(isinstance(chunk, ChatCompletionChunk) for chunk in chunks)
    assert "".join(chunk.choices[0].delta.content or "" for chunk in chunks if chunk.choices) == client.chat.completions.create(
        model="gpt-4o", messages=[{"role": "user", "content": "stream me"}]
    ).choices[0].message.content
    uploaded = client.files.create(file=("notes.txt", b"binary body"), purpose="assistants")
    body = client.get(f"/files/{uploaded.id}/content", cast_to=BinaryResponse)
    assert isinstance(body, BinaryResponse) and body.read() == b"binary body"
