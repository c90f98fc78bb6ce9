"""The server over raw sockets: API-shaped errors, protocol abuse answered with a 4xx, and it keeps serving."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest

from openai_harness import MockServer


def raw_exchange(server: MockServer, data: bytes, timeout: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            chunks.append(chunk)
            if b"\r\n\r\n" in b"".join(chunks) and _complete(b"".join(chunks)):
                break
        return b"".join(chunks)


def _complete(data: bytes) -> bool:
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def parse(response: bytes) -> tuple[int, dict[str, str], object]:
    head, _, body = response.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return status, headers, json.loads(body) if body else None


def request(method: str, path: str, body: bytes = b"", headers: str = "") -> bytes:
    return f"{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Length: {len(body)}\r\n{headers}\r\n".encode() + body


def assert_still_serving(server: MockServer) -> None:
    status, _, body = parse(raw_exchange(server, request("GET", "/v1/models")))
    assert status == 200 and body["object"] == "list"  # type: ignore[index]


def test_unknown_route_is_a_404_in_the_api_shape(openai_server: MockServer) -> None:
    status, headers, body = parse(raw_exchange(openai_server, request("GET", "/v1/nope")))
    assert status == 404
    assert body == {"error": {"message": "Invalid URL (GET /v1/nope)", "type": "invalid_request_error", "param": None, "code": "unknown_url"}}
    assert headers["x-request-id"].startswith("req_")
    assert "openai-processing-ms" in headers
    assert headers["x-ratelimit-limit-requests"] == "10000"


def test_wrong_method_is_a_405(openai_server: MockServer) -> None:
    status, headers, body = parse(raw_exchange(openai_server, request("PUT", "/v1/models")))
    assert status == 405 and headers["allow"] == "GET"
    assert body["error"]["code"] == "method_not_allowed"  # type: ignore[index]


def test_malformed_json_is_a_400(openai_server: MockServer) -> None:
    status, _, body = parse(raw_exchange(openai_server, request("POST", "/v1/chat/completions", b'{"model": ', "Content-Type: application/json\r\n")))
    assert status == 400 and "could not parse the JSON body" in body["error"]["message"]  # type: ignore[index]


def test_invalid_utf8_body_is_a_400(openai_server: MockServer) -> None:
    status, _, body = parse(raw_exchange(openai_server, request("POST", "/v1/chat/completions", b'{"model": "\xff\xfe"}', "Content-Type: application/json\r\n")))
    assert status == 400 and "UTF-8" in body["error"]["message"]  # type: ignore[index]
    assert_still_serving(openai_server)


def test_missing_required_field_names_the_param(openai_server: MockServer) -> None:
    status, _, body = parse(raw_exchange(openai_server, request("POST", "/v1/chat/completions", b'{"model": "gpt-4o"}', "Content-Type: application/json\r\n")))
    assert status == 400 and body["error"]["param"] == "messages"  # type: ignore[index]


def test_oversized_body_is_a_413_and_the_server_keeps_serving() -> None:
    with MockServer(max_body_bytes=1000) as server:
        status, _, body = parse(raw_exchange(server, request("POST", "/v1/chat/completions", b"x" * 5000)))
        assert status == 413 and "too large" in body["error"]["message"]  # type: ignore[index]
        assert_still_serving(server)


def test_huge_headers_are_a_431() -> None:
    with MockServer(max_header_bytes=4096) as server:
        response = raw_exchange(server, f"GET /v1/models HTTP/1.1\r\nHost: t\r\nX-Big: {'a' * 10000}\r\n\r\n".encode())
        status, _, body = parse(response)
        assert "too large" in body["error"]["message"]  # type: ignore[index]
        assert status == 431
        assert_still_serving(server)


def test_malformed_request_line_is_a_400(openai_server: MockServer) -> None:
    status, _, body = parse(raw_exchange(openai_server, b"THIS IS NOT HTTP\r\n\r\n"))
    assert status == 400 and "Malformed HTTP request" in body["error"]["message"]  # type: ignore[index]
    assert_still_serving(openai_server)


def test_require_key_gives_401_without_echoing_the_key() -> None:
    with MockServer(require_key="sk-right-key-123456") as server:
        status, _, body = parse(raw_exchange(server, request("GET", "/v1/models")))
        assert status == 401 and "didn't provide an API key" in body["error"]["message"]  # type: ignore[index]
        status, _, body = parse(raw_exchange(server, request("GET", "/v1/models", headers="Authorization: Bearer sk-wrong-key-987654\r\n")))
        assert status == 401 and body["error"]["code"] == "invalid_api_key"  # type: ignore[index]
        assert "sk-wrong-key-987654" not in json.dumps(body)
        status, _, _ = parse(raw_exchange(server, request("GET", "/v1/models", headers="Authorization: Bearer sk-right-key-123456\r\n")))
        assert status == 200


def test_keep_alive_serves_many_requests_on_one_connection(openai_server: MockServer) -> None:
    with socket.create_connection(("127.0.0.1", openai_server.port)) as sock:
        stream = sock.makefile("rb")
        for _ in range(20):
            sock.sendall(request("GET", "/v1/models/gpt-4o"))
            status_line = stream.readline()
            assert status_line.startswith(b"HTTP/1.1 200")
            length = 0
            while (line := stream.readline()) != b"\r\n":
                if line.lower().startswith(b"content-length"):
                    length = int(line.split(b":")[1])
            assert json.loads(stream.read(length))["id"] == "gpt-4o"
    assert openai_server.journal.count() == 20


def test_server_side_exception_is_reraised_by_check(openai_server: MockServer) -> None:
    def boom(body: object) -> object:
        raise RuntimeError("scripted failure")

    openai_server.script("POST /chat/completions", boom)  # type: ignore[arg-type]
    status, _, body = parse(raw_exchange(openai_server, request("POST", "/v1/chat/completions", b'{"model":"m","messages":[{"role":"user"}]}', "Content-Type: application/json\r\n")))
    assert status == 500 and "scripted failure" in body["error"]["message"]  # type: ignore[index]
    with pytest.raises(AssertionError, match="scripted failure"):
        openai_server.check()
    openai_server.check()  # reported once


def test_start_is_fast_and_stop_leaks_no_threads_or_sockets() -> None:
    before = set(threading.enumerate())
    begin = time.perf_counter()
    server = MockServer().start()
    started = time.perf_counter() - begin
    assert started < 0.1
    idle = socket.create_connection(("127.0.0.1", server.port))  # an idle keep-alive client
    raw_exchange(server, request("GET", "/v1/models"))
    server.stop()
    idle.close()
    assert set(threading.enumerate()) - before == set()
    assert server.connection_count() == 0
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=0.5)


def test_url_ends_in_v1_and_binds_loopback() -> None:
    with MockServer() as server:
        assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/v1")
        assert server.port > 0


def _raw_exchange(server: MockServer, request: bytes) -> bytes:
    import socket

    with socket.create_connection((server.host, server.port), timeout=10) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def _post(path: str, body: bytes) -> bytes:
    return f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body


@pytest.mark.parametrize("depth", [1_000, 100_000])
def test_json_nested_too_deep_is_a_400_not_a_dropped_connection(openai_server: MockServer, depth: int) -> None:
    body = b'{"model": "gpt-4o", "messages": ' + b"[" * depth + b"]" * depth + b"}"
    answer = _raw_exchange(openai_server, _post("/v1/chat/completions", body))
    assert answer.startswith(b"HTTP/1.1 400"), answer[:120]
    assert b"more than 128 deep" in answer
    assert _raw_exchange(openai_server, b"GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").startswith(b"HTTP/1.1 200")


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_nan_and_infinity_are_not_json(openai_server: MockServer, constant: bytes) -> None:
    body = b'{"model": "gpt-4o", "temperature": ' + constant + b', "messages": [{"role": "user", "content": "x"}]}'
    answer = _raw_exchange(openai_server, _post("/v1/chat/completions", body))
    assert answer.startswith(b"HTTP/1.1 400") and b"is not valid JSON" in answer


def test_an_unknown_http_version_is_a_505(openai_server: MockServer) -> None:
    answer = _raw_exchange(openai_server, b"GET /v1/models HTTP/9.9\r\nHost: x\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 505"), answer[:120]


def test_idle_and_half_open_connections_are_closed_and_slow_heads_get_a_408() -> None:
    from openai_harness import ServerLimits

    with MockServer(limits=ServerLimits(idle_timeout=0.3, header_timeout=0.5)) as server:
        idle = [socket.create_connection((server.host, server.port), timeout=5) for _ in range(20)]
        slow = socket.create_connection((server.host, server.port), timeout=5)
        slow.sendall(b"GET /v1/models HTTP/1.1\r\n")
        for _ in range(12):  # a byte at a time, never finishing the head: the idle timeout alone would not end it
            time.sleep(0.1)
            try:
                slow.sendall(b"X")
            except OSError:  # the server answered 408 and closed
                break
        deadline = time.monotonic() + 5
        while server.connection_count() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert server.connection_count() == 0
        assert all(sock.recv(1) == b"" for sock in idle)  # closed by the server
        assert slow.recv(4096).startswith(b"HTTP/1.1 408")
        for sock in [*idle, slow]:
            sock.close()
        assert _raw_exchange(server, b"GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").startswith(b"HTTP/1.1 200")


def test_one_connection_past_the_cap_is_refused_politely() -> None:
    from openai_harness import ServerLimits

    with MockServer(limits=ServerLimits(max_connections=3)) as server:
        held = [socket.create_connection((server.host, server.port), timeout=5) for _ in range(3)]
        deadline = time.monotonic() + 5
        while server.connection_count() < 3 and time.monotonic() < deadline:
            time.sleep(0.01)
        answer = _raw_exchange(server, b"GET /v1/models HTTP/1.1\r\nHost: x\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 503") and b"too_many_connections" in answer and b"retry-after: 1" in answer
        for sock in held:
            sock.close()
        deadline = time.monotonic() + 5
        while server.connection_count() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert _raw_exchange(server, b"GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").startswith(b"HTTP/1.1 200")


def test_the_accept_loop_survives_running_out_of_file_descriptors() -> None:
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with MockServer() as server:
        _raw_exchange(server, b"GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")  # the spec is loaded before fds run out
        hog: list[socket.socket] = []
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
            try:
                while True:
                    hog.append(socket.socket())
            except OSError:
                pass
            hog.pop().close()
            client = socket.create_connection((server.host, server.port), timeout=5)  # the last fd: the server's accept() gets EMFILE
            client.sendall(b"GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")  # accept() fails with EMFILE meanwhile
            time.sleep(0.3)
        finally:
            for sock in hog:
                sock.close()
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        answer = b""
        while chunk := client.recv(65536):
            answer += chunk
        client.close()
        assert answer.startswith(b"HTTP/1.1 200")
        assert server._accept_thread is not None and server._accept_thread.is_alive()
        assert _raw_exchange(server, b"GET /v1/models HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").startswith(b"HTTP/1.1 200")


def _multipart(name: str, value: bytes = b"x") -> tuple[bytes, str]:
    boundary = "harnessboundary"
    body = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value + f"\r\n--{boundary}--\r\n".encode()
    return body, f"Content-Type: multipart/form-data; boundary={boundary}\r\n"


def test_a_form_name_nested_100000_deep_is_a_400_in_bounded_memory() -> None:
    import tracemalloc

    body, content_type = _multipart("file" + "[a]" * 100_000)  # ~300 KB
    with MockServer() as server:
        tracemalloc.start()
        try:
            status, _, answer = parse(raw_exchange(server, request("POST", "/v1/files", body, content_type), timeout=30))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert status == 400 and "nested deeper than 32" in answer["error"]["message"]  # type: ignore[index]
        assert peak < 20 * len(body)  # a small multiple of the request, not 750 MB
        server.check()  # a refusal, not a server failure
        assert_still_serving(server)


def test_the_journal_keeps_at_most_its_byte_cap_oldest_bodies_released_first() -> None:
    from openai_harness import ServerLimits

    chunk = 1024 * 1024
    with MockServer(limits=ServerLimits(journal_max_bytes=10 * chunk)) as server:
        for index in range(8):
            body = json.dumps({"model": "text-embedding-3-small", "input": str(index) * (2 * chunk)}).encode()
            raw_exchange(server, request("POST", "/v1/embeddings", body, "Content-Type: application/json\r\n"), timeout=30)
        entries = server.journal.all()
        assert len(entries) == 8 and server.journal.retained_bytes() <= 10 * chunk + 5 * chunk
        released = [entry for entry in entries if entry.released]
        assert released and released == entries[: len(released)]  # the oldest first
        assert "journal_max_bytes=10485760" in (released[0].released or "") and released[0].raw_body == b"" and released[0].body is None
        assert entries[-1].released is None and entries[-1].body["input"].startswith("7")
        assert entries[0].method == "POST" and entries[0].path == "/embeddings" and entries[0].status == 200  # the rest of the entry stays
        status, _, listed = parse(raw_exchange(server, request("GET", "/__harness/journal"), timeout=30))
        assert status == 200, listed
        items = listed["data"]  # type: ignore[index]
        assert len(items) == 8 and items[0]["released"] and items[-1]["released"] is None


def test_the_journal_keeps_at_most_its_entry_cap() -> None:
    from openai_harness import ServerLimits

    with MockServer(limits=ServerLimits(journal_max_entries=5)) as server:
        for _ in range(8):
            raw_exchange(server, request("GET", "/v1/models"))
        assert len(server.journal) == 5 and server.journal.dropped == 3
        assert [entry.seq for entry in server.journal.all()] == [4, 5, 6, 7, 8]
