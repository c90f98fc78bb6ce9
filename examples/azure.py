"""Azure OpenAI: deployments, api-version, and key or Entra ID authentication."""

from __future__ import annotations

import os

from openai_harness import MockServer, RawReply
from openai_urllib3 import AzureOpenAI

REPLY = {"id": "c", "object": "chat.completion", "created": 1, "model": "gpt-4o", "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None, "message": {"role": "assistant", "content": "Hello from Azure"}}]}


def main() -> None:
    if os.environ.get("AZURE_OPENAI_ENDPOINT") and os.environ.get("EXAMPLES_USE_REAL_API") == "1":
        client = AzureOpenAI(api_version="2024-10-21")
        print(client.chat.completions.create(model=os.environ.get("AZURE_DEPLOYMENT", "gpt-4o"), messages=[{"role": "user", "content": "Hi"}]).choices[0].message.content)
        return
    with MockServer() as server:
        server.script("POST /openai/deployments/my-gpt-4o/chat/completions", RawReply(REPLY))
        client = AzureOpenAI(azure_endpoint=server.root_url, api_version="2024-10-21", azure_ad_token_provider=lambda: "entra-token", trust_env=False)
        reply = client.chat.completions.create(model="my-gpt-4o", messages=[{"role": "user", "content": "Hi"}])
        entry = server.journal.last()
        print(reply.choices[0].message.content)
        print(f"sent to {entry.path}?api-version={entry.query['api-version'][0]} with {entry.headers['authorization'].split()[0]} auth")
        server.check()


if __name__ == "__main__":
    main()
