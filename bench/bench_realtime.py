"""Realtime: events per second through this client vs the official SDK vs raw wsproto with
``json.loads`` (the floor), on one session of N server events each.

A child process sends frames serialized in memory (bench/_static_ws_server.py), so the client is
the bottleneck; each client reads every event typed (the floor only decodes JSON); wall and CPU time.
    python bench/bench_realtime.py [--events N] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from typing import Callable, Iterator

sys.path.insert(0, str(pathlib.Path(__file__).parent))


@contextmanager
def ws_server(events: int) -> Iterator[str]:
    script = pathlib.Path(__file__).with_name("_static_ws_server.py")
    proc = subprocess.Popen([sys.executable, str(script), "--events", str(events)], stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert proc.stdout is not None
        yield proc.stdout.readline().split(" at ", 1)[1].strip()
    finally:
        proc.terminate()
        proc.wait(10)


def floor_session(url: str) -> int:
    from wsproto import ConnectionType, WSConnection
    from wsproto.events import AcceptConnection, CloseConnection, Request, TextMessage

    host, port = url.split("://", 1)[1].split("/", 1)[0].split(":")
    sock = socket.create_connection((host, int(port)))
    ws = WSConnection(ConnectionType.CLIENT)
    sock.sendall(ws.send(Request(host=host, target="/v1/realtime?model=gpt-realtime")))
    count = 0
    parts: list[str] = []
    while True:
        data = sock.recv(65536)
        if not data:
            break
        ws.receive_data(data)
        for event in ws.events():
            if isinstance(event, TextMessage):
                parts.append(event.data)  # a message may arrive in pieces
                if event.message_finished:
                    json.loads("".join(parts))
                    parts.clear()
                    count += 1
            elif isinstance(event, CloseConnection):
                sock.sendall(ws.send(event.response()))
                sock.close()
                return count
            elif isinstance(event, AcceptConnection):
                pass
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import warnings

    import openai

    import openai_urllib3

    warnings.simplefilter("ignore", DeprecationWarning)
    with ws_server(args.events) as url:
        ours = openai_urllib3.OpenAI(api_key="sk-bench", base_url=url, trust_env=False)
        official = openai.OpenAI(api_key="sk-bench", base_url=url)

        def ours_session() -> int:
            with ours.realtime.connect(model="gpt-realtime") as connection:
                return sum(1 for event in connection if event.type)

        def official_session() -> int:
            with official.realtime.connect(model="gpt-realtime") as connection:
                count = 0
                try:
                    for event in connection:
                        count += 1 if event.type else 0
                except Exception:  # the official connection raises when the server closes
                    pass
                return count

        runs: dict[str, Callable[[], int]] = {"raw wsproto + json.loads (floor)": lambda: floor_session(url), "openai_urllib3": ours_session, "openai (official)": official_session}
        for name, run in runs.items():
            assert run() == args.events + 1, f"{name} did not read every event"
        wall: dict[str, list[float]] = {name: [] for name in runs}
        cpu: dict[str, list[float]] = {name: [] for name in runs}
        for _ in range(args.rounds):
            for name, run in runs.items():
                started, started_cpu = time.perf_counter(), time.process_time()
                run()
                wall[name].append(time.perf_counter() - started)
                cpu[name].append(time.process_time() - started_cpu)
    floor = "raw wsproto + json.loads (floor)"
    for title, samples in (("wall", wall), ("client CPU", cpu)):
        medians = {name: statistics.median(values) for name, values in samples.items()}
        print(f"\nRealtime session, {args.events} events ({title})")
        print(f"{'':32} {'events/s':>12} {'µs/event':>10} {'x floor':>8}")
        for name, seconds in medians.items():
            print(f"  {name:30} {args.events / seconds:12,.0f} {seconds / args.events * 1e6:10.2f} {seconds / medians[floor]:8.2f}")


if __name__ == "__main__":
    main()
