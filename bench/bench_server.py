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


def _one_connection(port: int, deadline: float, counts: list[int]) -> None:
    request = _request(f"127.0.0.1:{port}")
    with socket.create_connection(("127.0.0.1", port)) as sock:
        stream = sock.makefile("rb")
        done = 0
        while time.perf_counter() < deadline:
            sock.sendall(request)
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


def _load_process(port: int, connections: int, seconds: float, queue: multiprocessing.Queue[int]) -> None:
    deadline = time.perf_counter() + seconds
    counts: list[int] = []
    threads = [threading.Thread(target=_one_connection, args=(port, deadline, counts)) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(sum(counts))


def throughput(port: int, connections: int, seconds: float) -> float:
    processes = min(connections, 2)
    per_process = [connections // processes + (1 if i < connections % processes else 0) for i in range(processes)]
    queue: multiprocessing.Queue[int] = multiprocessing.Queue()
    workers = [multiprocessing.Process(target=_load_process, args=(port, n, seconds, queue)) for n in per_process]
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
    print(f"  chat completions, 1 conn     {one:8.0f} req/s (target >= 3000)")
    print(f"  chat completions, 8 conns    {eight:8.0f} req/s")


if __name__ == "__main__":
    main()
