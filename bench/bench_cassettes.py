"""Replay cost per request for cassettes of 10, 200 and 2,000 interactions: the harness's indexed
cassettes vs plain vcrpy vs live requests to the mock server, in one run; and load time.

    python bench/bench_cassettes.py [--sizes 10 200 2000] [--requests 300]
"""

from __future__ import annotations

import argparse
import pathlib
import random
import statistics
import sys
import tempfile
import time

sys.path.insert(0, str(pathlib.Path(__file__).parent))

from _common import server_process


def _request_body(index: int) -> list[dict[str, str]]:
    return [{"role": "user", "content": f"question number {index}"}]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 200, 2000])
    parser.add_argument("--requests", type=int, default=300, help="replayed requests measured per size")
    args = parser.parse_args()

    import vcr
    import yaml

    from openai_harness.cassettes import load_cassette, use_cassette
    from openai_harness.cassettes._vcr import to_vcr_dicts
    from openai_urllib3 import OpenAI

    folder = pathlib.Path(tempfile.mkdtemp())
    rows = []
    with server_process() as url:
        live_client = OpenAI(api_key="sk-bench", base_url=url, trust_env=False, max_retries=0)
        for size in args.sizes:
            ours_path = folder / f"ours-{size}.yaml"
            with use_cassette(ours_path, record_mode="all"):
                for index in range(size):
                    live_client.chat.completions.create(model="gpt-4o-mini", messages=_request_body(index))  # type: ignore[arg-type]
            interactions = load_cassette(ours_path)
            plain_path = folder / f"plain-{size}.yaml"
            plain = {"version": 1, "interactions": []}
            for interaction in interactions:
                request, response = to_vcr_dicts(interaction)
                request["body"] = request["body"].decode() if request["body"] else None
                response["body"]["string"] = response["body"]["string"].decode()
                plain["interactions"].append({"request": request, "response": response})  # type: ignore[attr-defined]
            plain_path.write_text(yaml.dump(plain, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper)))

            order = [random.Random(size).randrange(size) for _ in range(args.requests)]
            client = OpenAI(api_key="sk-bench", base_url=url, trust_env=False, max_retries=0)

            def run(indexes: list[int], client: OpenAI = client) -> float:
                start = time.perf_counter()
                for index in indexes:
                    client.chat.completions.create(model="gpt-4o-mini", messages=_request_body(index))  # type: ignore[arg-type]
                return (time.perf_counter() - start) / len(indexes) * 1e6

            live = statistics.median(run(order) for _ in range(3))
            load_start = time.perf_counter()
            with use_cassette(ours_path, repeats="repeat_last"):
                loaded = time.perf_counter() - load_start
                ours = statistics.median(run(order) for _ in range(3))
            plain_vcr = vcr.VCR(record_mode="none", match_on=["method", "uri", "body"])
            plain_start = time.perf_counter()
            with plain_vcr.use_cassette(str(plain_path), allow_playback_repeats=True):
                plain_loaded = time.perf_counter() - plain_start
                plain_time = statistics.median(run(order) for _ in range(3))
            rows.append((size, live, ours, plain_time, loaded, plain_loaded))
    print("\nCassette replay, µs per request (random order), and load time")
    print(f"  {'interactions':>12} {'live':>9} {'harness':>9} {'x live':>7} {'vcrpy':>9} {'x live':>7} {'load ms':>8} {'vcrpy load ms':>14}")
    for size, live, ours, plain_time, loaded, plain_loaded in rows:
        print(f"  {size:12d} {live:9.1f} {ours:9.1f} {ours / live:7.2f} {plain_time:9.1f} {plain_time / live:7.2f} {loaded * 1000:8.1f} {plain_loaded * 1000:14.1f}")


if __name__ == "__main__":
    main()
