"""Per-request cost: this client vs raw urllib3 + json.loads (the floor) vs the official SDK.

A server in a child process answers pre-serialized bytes from memory (bench/_static_server.py), so
the client is the bottleneck; the three clients take turns in this process; wall and CPU time.
    python bench/bench_requests.py [--number N] [--rounds R]
"""

from __future__ import annotations

import argparse
import json
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))

import time

from _common import measure, print_table, static_server_process

MESSAGES = [{"role": "user", "content": "Benchmark me, please."}]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--number", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    import openai
    import urllib3

    import openai_urllib3

    with static_server_process("--models", "50") as url:
        ours = openai_urllib3.OpenAI(api_key="sk-bench", base_url=url, trust_env=False)
        official = openai.OpenAI(api_key="sk-bench", base_url=url, max_retries=2)
        pool = urllib3.PoolManager()
        headers = {"Authorization": "Bearer sk-bench", "Content-Type": "application/json", "Accept": "application/json"}
        chat_body = json.dumps({"model": "gpt-4o-mini", "messages": MESSAGES}).encode()

        def floor_chat() -> object:
            response = pool.request("POST", url + "/chat/completions", body=chat_body, headers=headers, retries=False, redirect=False)
            return json.loads(response.data)["choices"][0]["message"]["content"]

        def ours_chat() -> object:
            return ours.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES).choices[0].message.content

        def official_chat() -> object:
            return official.chat.completions.create(model="gpt-4o-mini", messages=MESSAGES).choices[0].message.content  # type: ignore[arg-type]

        def floor_models() -> object:
            response = pool.request("GET", url + "/models", headers=headers, retries=False, redirect=False)
            return [item["id"] for item in json.loads(response.data)["data"]]

        def ours_models() -> object:
            return [model.id for model in ours.models.list()]

        def official_models() -> object:
            return [model.id for model in official.models.list()]

        assert len(floor_models()) == len(ours_models()) == len(official_models()) == 50  # type: ignore[arg-type]
        assert floor_chat() == ours_chat() == official_chat()

        for title, calls in (
            ("Non-streaming chat completion", {"raw urllib3 (floor)": floor_chat, "openai_urllib3": ours_chat, "openai (official)": official_chat}),
            ("models.list, 50 items", {"raw urllib3 (floor)": floor_models, "openai_urllib3": ours_models, "openai (official)": official_models}),
        ):
            print_table(title + " (wall)", measure(calls, number=args.number, rounds=args.rounds), "raw urllib3 (floor)")
            print_table(title + " (client CPU)", measure(calls, number=args.number, rounds=args.rounds, clock=time.process_time), "raw urllib3 (floor)", unit="CPU µs/request")


if __name__ == "__main__":
    main()
