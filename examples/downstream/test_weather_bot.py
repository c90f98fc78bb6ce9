"""A downstream project's tests for weather_bot.py: the harness's fixtures, a recorded cassette and
the strategies together. Run with ``pytest`` in this folder (pytest.ini loads the CI profile)."""

from __future__ import annotations

import pathlib
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from weather_bot import BotUnavailable, answer

from openai_harness import ChatReply, MockServer, ToolCall
from openai_harness import strategies as oas
from openai_urllib3 import OpenAI

PARIS = "What is the weather in Paris?"


@pytest.fixture
def vcr_cassette_dir() -> pathlib.Path:
    return pathlib.Path(__file__).resolve().parents[2] / "cassettes"  # recorded by cassettes/record_sessions.py


# 1. Fixtures and markers: script the model, then check what the bot sent.
@pytest.mark.openai_reply("POST /chat/completions", ChatReply(tool_calls=[ToolCall("get_weather", {"city": "Oslo"})]), ChatReply(content="Cloudy, 11 °C."))
def test_the_bot_runs_the_tool_the_model_asks_for(openai_client: OpenAI, openai_server: MockServer) -> None:
    assert answer(openai_client, "Weather in Oslo?") == "Cloudy, 11 °C."
    second = openai_server.journal.all()[1].body
    assert second["messages"][-1] == {"role": "tool", "tool_call_id": second["messages"][-2]["tool_calls"][0]["id"], "content": '{"celsius": 11, "sky": "cloudy"}'}


# 2. A cassette: the same exchange as recorded, replayed offline (no server, no key).
@pytest.mark.vcr("tool_calls.yaml")
def test_the_recorded_conversation_replays() -> None:
    client = OpenAI(api_key="sk-anything", base_url="https://api.openai.com/v1", trust_env=False)
    assert answer(client, PARIS) == "It is 18 °C and sunny in Paris."


# 3. Strategies: any earlier conversation, any question, any run of faults.
@given(history=st.none() | oas.chat_messages(max_size=3), question=st.text(min_size=1, max_size=50), schedule=oas.fault_schedules(max_faults=4))
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_bot_answers_or_says_it_is_unavailable(openai_server: MockServer, history: Any, question: str, schedule: Any) -> None:
    openai_server.reset()  # the fixture resets once per test; hypothesis runs many examples in one
    if schedule:
        openai_server.fault("POST /chat/completions", *schedule)
    client = OpenAI(api_key="sk-test", base_url=openai_server.url, max_retries=2, sleep=lambda seconds: None, trust_env=False)
    try:
        reply = answer(client, question, history=history)
    except BotUnavailable:
        assert len(openai_server.journal.all()) == 3  # it gave up only after the client's two retries
        return
    assert reply == "You said: " + question  # the mock server echoes the last user message
    # The strict server accepted every request: the bot never mangled the conversation it was given.
    assert all(entry.invalid is None for entry in openai_server.journal.all())
