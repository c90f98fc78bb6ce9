"""Custom requests to any path, with the client's retries, options and middleware."""

from __future__ import annotations

from _mock import example_client

from openai_urllib3 import APIResponse
from openai_urllib3.types import Model


def main() -> None:
    with example_client() as (client, _):
        model = client.get("/models/gpt-4o", cast_to=Model)
        print("typed:", model.id, model.owned_by)
        data = client.post("/chat/completions", body={"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}, extra_headers={"X-Example": "1"})
        print("dict:", data["choices"][0]["message"]["content"])
        raw = client.get("/models", cast_to=APIResponse)
        print("raw:", raw.status_code, len(raw.json()["data"]), "models")


if __name__ == "__main__":
    main()
