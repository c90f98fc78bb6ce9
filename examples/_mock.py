"""Examples run against the embedded mock server unless OPENAI_API_KEY is set for the real API."""

from __future__ import annotations

import contextlib
import os
from typing import Iterator

from openai_harness import MockServer
from openai_urllib3 import OpenAI


@contextlib.contextmanager
def example_client(**kwargs: object) -> Iterator[tuple[OpenAI, MockServer | None]]:
    if os.environ.get("OPENAI_API_KEY") and os.environ.get("EXAMPLES_USE_REAL_API") == "1":
        with OpenAI(**kwargs) as client:  # type: ignore[arg-type]
            yield client, None
        return
    with MockServer() as server, OpenAI(api_key="sk-example", base_url=server.url, trust_env=False, **kwargs) as client:  # type: ignore[arg-type]
        yield client, server
        server.check()
