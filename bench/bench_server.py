"""The mock server's own speed: start+stop, reset, and keep-alive requests/s on 1 and 8 connections.

The server runs in a child process; the load comes from minimal raw-socket clients in other
processes, so the numbers are the server's, not a client library's.
    python bench/bench_server.py [--seconds S]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import pathlib
import socket
import statistics
import sys
import threading
import time

sys.path.insert(0, str(pathlib.Path(__file__).parent))

from _common import server_process

BODY = json.dumps({"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Benchmark me, please."}]}).encode()


def _request(host: str) -> bytes:
    head = f"POST /v1/chat/completions HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nAuthorization: Bearer sk-bench\r\nContent-Length: {len(BODY)}\r\n\r\n"
    return head.encode() + BODY


def _mixed_requests(host: str, stored_id: str) -> list[bytes]:
    """A create, a retrieve and a list, in turn."""
    create = _request(host).replace(b'"messages"', b'"store":true,"messages"', 1)
    create = create.replace(f"Content-Length: {len(BODY)}".encode(), f"Content-Length: {len(BODY) + 13}".encode())
    retrieve = f"GET /v1/chat/completions/{stored_id} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    listing = f"GET /v1/chat/completions?limit=20 HTTP/1.1\r\nHost: {host}\r\n\r\n".encode()
    return [create, retrieve, listing]


def _one_connection(port: int, deadline: float, counts: list[int], mixed: str | None = None) -> None:
    requests = _mixed_requests(f"127.0.0.1:{port}", mixed) if mixed else [_request(f"127.0.0.1:{port}")]
    with socket.create_connection(("127.0.0.1", port)) as sock:
        stream = sock.makefile("rb")
        done = 0
        while time.perf_counter() < deadline:
            sock.sendall(requests[done % len(requests)])
            length = 0
            while True:
                line = stream.readline()
                if line in (b"\r\n", b""):
                    break
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            stream.read(length)
            done += 1
        counts.append(done)


def _load_process(port: int, connections: int, seconds: float, queue: multiprocessing.Queue[int], mixed: str | None = None) -> None:
    deadline = time.perf_counter() + seconds
    counts: list[int] = []
    threads = [threading.Thread(target=_one_connection, args=(port, deadline, counts, mixed)) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(sum(counts))


def throughput(port: int, connections: int, seconds: float, mixed: str | None = None) -> float:
    processes = min(connections, 2)
    per_process = [connections // processes + (1 if i < connections % processes else 0) for i in range(processes)]
    queue: multiprocessing.Queue[int] = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_load_process, args=(port, n, seconds, queue, mixed)) for n in per_process]
    for worker in workers:
        worker.start()
    total = sum(queue.get() for _ in workers)
    for worker in workers:
        worker.join()
    return total / seconds


def lifecycle(repeat: int = 50) -> tuple[float, float]:
    from openai_harness import ChatReply, MockServer, Status

    starts = []
    for _ in range(repeat):
        begin = time.perf_counter()
        server = MockServer().start()
        server.stop()
        starts.append(time.perf_counter() - begin)
    resets = []
    with MockServer() as server:
        for _ in range(repeat):
            server.fault("POST /chat/completions", Status(429), times=2)
            server.script("POST /chat/completions", ChatReply(content="x"))
            begin = time.perf_counter()
            server.reset()
            resets.append(time.perf_counter() - begin)
    return statistics.median(starts), statistics.median(resets)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    start_stop, reset = lifecycle()
    print("\nMock server")
    print(f"  start + stop                 {start_stop * 1000:8.2f} ms   (target < 50 ms)")
    print(f"  reset between tests          {reset * 1e6:8.1f} µs   (target < 1000 µs)")
    with server_process() as url:
        port = int(url.rsplit(":", 1)[1].split("/")[0])
        throughput(port, 1, 0.5)  # warm up
        one = throughput(port, 1, args.seconds)
        eight = throughput(port, 8, args.seconds)
        stored_id = _store_one(url)
        mixed = throughput(port, 2, args.seconds, mixed=stored_id)
    print(f"  chat completions, 1 conn     {one:8.0f} req/s (target >= 3000)")
    print(f"  chat completions, 8 conns    {eight:8.0f} req/s")
    print(f"  mixed create/retrieve/list   {mixed:8.0f} req/s (2 connections, stored chat completions)")
    per_object = stored_memory(100_000)
    print(f"  memory held per stored object {per_object:7.0f} bytes ({per_object * 100_000 / 2**20:.0f} MB for 100,000 stored chat completions)")


def _store_one(url: str) -> str:
    import urllib.request

    request = urllib.request.Request(url + "/chat/completions", data=json.dumps({"model": "gpt-4o", "store": True, "messages": [{"role": "user", "content": "x"}]}).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        return str(json.loads(answer.read())["id"])


def stored_memory(count: int) -> float:
    """Bytes held per stored chat completion, measured with tracemalloc while storing ``count``."""
    import tracemalloc

    from openai_harness.server._chat_api import build_completion, store_completion
    from openai_harness.server._replies import default_chat_reply
    from openai_harness.server._state import State

    state = State()
    body = {"model": "gpt-4o", "store": True, "metadata": {"k": "v"}, "messages": [{"role": "user", "content": "Benchmark me, please."}]}
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(count):
        store_completion(state, body, build_completion(state, body, default_chat_reply(body)))
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    assert len(state.chat_completions) == count
    return (after - before) / count


if __name__ == "__main__":
    main()
