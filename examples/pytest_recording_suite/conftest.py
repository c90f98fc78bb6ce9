"""A suite written for pytest-recording: its ``vcr_config`` fixture, nothing of openai-harness.

Its cassettes were recorded with pytest-recording and openai 1.40 (``record.sh``); the tests run
today's SDK against them, under pytest-recording alone or under openai-harness, unchanged.
"""

import os
from typing import Any

import pytest

BASE_URL = "http://127.0.0.1:8099/v1"  # where the cassettes were recorded; nothing listens there at replay


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    return {"filter_headers": ["authorization", "openai-organization", "openai-project"]}


@pytest.fixture
def client() -> Any:
    import openai

    return openai.OpenAI(api_key=os.environ.get("OPENAI_API_KEY", "not-a-key"), base_url=BASE_URL, max_retries=0)
