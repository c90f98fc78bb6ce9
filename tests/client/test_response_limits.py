"""A body that never ends, a gzip bomb, an endless stream line: each ends in ResponseTooLargeError
at the client's limit, with memory bounded, the connection closed and no retry."""

from __future__ import annotations

import gzip
import socket
import threading
import tracemalloc
from typing import Iterator

import pytest

from openai_harness import MockServer, RawReply
from openai_urllib3 import OpenAI, ResponseTooLargeError

KEY = "sk-proj-" + "L1m1tsL1m1ts" * 3
LIMIT = 4 * 1024 * 1024


class EndlessServer:
    """Answers every request with a head and then chunks that never stop, until the client leaves."""

    def __init__(self, content_type: str, chunk: bytes) -> None:
        self.content_type, self.chunk = content_type, chunk
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.requests = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listener.getsockname()[1]}/v1"

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            with connection:
                head = b""
                while b"\r\n\r\n" not in head:
                    data = connection.recv(65536)
                    if not data:
                        break
                    head += data
                self.requests += 1
                try:
                    connection.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: {self.content_type}\r\nTransfer-Encoding: chunked\r\n\r\n".encode())
                    frame = b"%x\r\n%s\r\n" % (len(self.chunk), self.chunk)
                    while True:
                        connection.sendall(frame)
                except OSError:
                    continue

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def endless_json() -> Iterator[EndlessServer]:
    server = EndlessServer("application/json", b"[" * 65536)
    yield server
    server.close()


def client(url: str, max_response_bytes: int | None = LIMIT) -> OpenAI:
    return OpenAI(api_key=KEY, base_url=url, max_retries=3, sleep=lambda s: None, trust_env=False, max_response_bytes=max_response_bytes)


def test_an_endless_body_stops_at_the_limit_and_is_not_retried(endless_json: EndlessServer) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError) as info:
            client(endless_json.url).models.list()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "max_response_bytes=4194304" in str(info.value) and "GET" in str(info.value)
    assert KEY not in str(info.value)
    assert peak < 4 * LIMIT  # a small multiple of the limit, not of the body
    assert endless_json.requests == 1


def test_a_gzip_bomb_is_stopped_while_it_inflates(openai_server: MockServer) -> None:
    bomb = gzip.compress(b" " * (64 * LIMIT), compresslevel=9)  # ~260 KB that inflate to 256 MiB
    openai_server.script("GET /models", RawReply(bomb, headers={"content-type": "application/json", "content-encoding": "gzip"}))
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError):
            client(openai_server.url).models.list()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 * LIMIT


def test_a_declared_length_over_the_limit_is_refused_before_reading(openai_server: MockServer) -> None:
    big = b'{"object": "list", "data": [], "padding": "' + b" " * (LIMIT + 10) + b'"}'
    openai_server.script("GET /models", RawReply(big, headers={"content-type": "application/json"}), RawReply(big, headers={"content-type": "application/json"}))
    with pytest.raises(ResponseTooLargeError):
        client(openai_server.url).models.list()
    assert client(openai_server.url, max_response_bytes=None).models.list().data == []  # None: no limit


def test_an_endless_stream_line_stops_at_the_limit() -> None:
    server = EndlessServer("text/event-stream", b"data: " + b"x" * 65530)
    try:
        stream = client(server.url).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}], stream=True)
        with pytest.raises(ResponseTooLargeError, match="A stream event"):
            for _ in stream:
                pass
        assert server.requests == 1
    finally:
        server.close()


def test_answers_under_the_limit_are_untouched(openai_server: MockServer) -> None:
    body = gzip.compress(b'{"object": "list", "data": [' + b",".join(b'{"id": "m%d", "object": "model", "created": 1, "owned_by": "x"}' % i for i in range(2000)) + b"]}")
    openai_server.script("GET /models", RawReply(body, headers={"content-type": "application/json", "content-encoding": "gzip"}))
    page = client(openai_server.url).models.list()
    assert len(page.data) == 2000
    stream = client(openai_server.url).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}], stream=True)
    assert "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    with pytest.raises(ValueError, match="max_response_bytes"):
        OpenAI(api_key=KEY, max_response_bytes=0)


def test_a_stream_event_nested_past_the_decoder_is_a_library_error(openai_server: MockServer) -> None:
    from openai_urllib3 import APIResponseValidationError

    deep = "[" * 100_000 + "]" * 100_000
    body = b"data: {\"choices\": " + deep.encode() + b"}\n\ndata: [DONE]\n\n"
    openai_server.script("POST /chat/completions", RawReply(body, headers={"content-type": "text/event-stream"}))
    stream = client(openai_server.url).chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}], stream=True)
    with pytest.raises(APIResponseValidationError, match="not valid JSON"):
        list(stream)
