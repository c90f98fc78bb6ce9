"""Property: for any scripted reply, the accumulated stream equals the non-streamed completion."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openai_harness import ChatReply, MockServer, ToolCall
from openai_urllib3 import OpenAI
from openai_urllib3._chat_accumulator import ChatCompletionAccumulator

text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)
tool_calls = st.lists(
    st.builds(ToolCall, name=st.from_regex(r"[a-z_]{1,12}", fullmatch=True), arguments=st.dictionaries(st.from_regex(r"[a-z]{1,5}", fullmatch=True), st.integers(), max_size=3)),
    max_size=3,
)
replies = st.one_of(
    st.builds(ChatReply, content=text),
    st.builds(ChatReply, refusal=text),
    st.builds(ChatReply, content=st.one_of(st.none(), text), tool_calls=tool_calls.filter(bool)),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(reply=replies, n=st.integers(min_value=1, max_value=2), usage=st.booleans())
def test_snapshot_equals_non_streamed(openai_server: MockServer, reply: ChatReply, n: int, usage: bool) -> None:
    client = OpenAI(api_key="sk-test", base_url=openai_server.url, trust_env=False)
    messages = [{"role": "user", "content": "go"}]
    openai_server.reset()
    openai_server.script("POST /chat/completions", reply)
    plain = client.chat.completions.create(model="gpt-4o", messages=messages, n=n)  # type: ignore[arg-type]
    openai_server.reset()
    openai_server.script("POST /chat/completions", reply)
    accumulator = ChatCompletionAccumulator()
    stream_options = {"include_usage": True} if usage else None
    for chunk in client.chat.completions.create(model="gpt-4o", messages=messages, n=n, stream=True, stream_options=stream_options):  # type: ignore[arg-type]
        accumulator.add_chunk(chunk)
    expected = plain.to_dict()
    if not usage:
        expected.pop("usage")
    assert accumulator.snapshot().to_dict() == expected
