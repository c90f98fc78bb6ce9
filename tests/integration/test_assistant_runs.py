"""Assistant runs on the mock server, driven by the official SDK and by ours with the same code:
the ``AssistantEventHandler`` callbacks, tool-call round trips, polling on the clock, paging."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

import openai_urllib3
from openai_harness import ChatReply, MockServer, StreamCut, ToolCall

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the official SDK deprecates Assistants

RUNS = "POST /threads/{thread_id}/runs"


def _module(which: str) -> Any:
    if which == "openai":
        return pytest.importorskip("openai")
    return openai_urllib3


@pytest.fixture(params=["openai_urllib3", "openai"])
def sdk(request: pytest.FixtureRequest, openai_server: MockServer) -> Iterator[tuple[Any, Any]]:
    module = _module(request.param)
    client = module.OpenAI(api_key="sk-runs-test", base_url=openai_server.url, max_retries=0, timeout=5)
    yield module, client
    client.close()


def _recorder(module: Any) -> Any:
    class Recorder(module.AssistantEventHandler):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            super().__init__()
            self.calls: list[tuple[Any, ...]] = []

        def on_event(self, event: Any) -> None:
            self.calls.append(("event", event.event))

        def on_run_step_created(self, run_step: Any) -> None:
            self.calls.append(("step_created", run_step.type))

        def on_run_step_done(self, run_step: Any) -> None:
            self.calls.append(("step_done", run_step.type, run_step.status))

        def on_message_created(self, message: Any) -> None:
            self.calls.append(("message_created", message.role))

        def on_message_done(self, message: Any) -> None:
            self.calls.append(("message_done", message.content[0].text.value))

        def on_text_created(self, text: Any) -> None:
            self.calls.append(("text_created", text.value))

        def on_text_delta(self, delta: Any, snapshot: Any) -> None:
            self.calls.append(("text_delta", delta.value, snapshot.value))

        def on_text_done(self, text: Any) -> None:
            self.calls.append(("text_done", text.value))

        def on_tool_call_created(self, tool_call: Any) -> None:
            self.calls.append(("tool_created", tool_call.function.name, tool_call.id))

        def on_tool_call_delta(self, delta: Any, snapshot: Any) -> None:
            self.calls.append(("tool_delta", delta.function.arguments, snapshot.function.arguments))

        def on_tool_call_done(self, tool_call: Any) -> None:
            self.calls.append(("tool_done", tool_call.function.arguments))

        def on_end(self) -> None:
            self.calls.append(("end",))

        def on_exception(self, exception: Exception) -> None:
            self.calls.append(("exception", type(exception).__name__))

    return Recorder()


def _thread(client: Any, text: str = "hello there") -> tuple[Any, Any]:
    assistant = client.beta.assistants.create(model="gpt-4o", name="helper", instructions="Be brief.")
    thread = client.beta.threads.create(messages=[{"role": "user", "content": text}])
    return assistant, thread


def test_a_text_run_streams_through_the_event_handler(sdk: tuple[Any, Any]) -> None:
    module, client = sdk
    assistant, thread = _thread(client)
    handler = _recorder(module)
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id, event_handler=handler) as stream:
        stream.until_done()
        run = stream.get_final_run()
        messages = stream.get_final_messages()
        steps = stream.get_final_run_steps()
    assert run.status == "completed" and run.usage.total_tokens > 0
    assert [m.content[0].text.value for m in messages] == ["You said: hello there"]
    assert [s.type for s in steps] == ["message_creation"]
    text_calls = [c for c in handler.calls if c[0].startswith("text")]
    assert text_calls == [
        ("text_created", "You"),
        ("text_delta", "You", "You"),
        ("text_delta", " said:", "You said:"),
        ("text_delta", " hello", "You said: hello"),
        ("text_delta", " there", "You said: hello there"),
        ("text_done", "You said: hello there"),
    ]
    names = [c[1] for c in handler.calls if c[0] == "event"]
    assert names[:3] == ["thread.run.created", "thread.run.queued", "thread.run.in_progress"] and names[-1] == "thread.run.completed"
    assert handler.calls[-1] == ("end",)
    assert ("message_done", "You said: hello there") in handler.calls
    assert ("step_done", "message_creation", "completed") in handler.calls
    listed = client.beta.threads.messages.list(thread_id=thread.id, order="asc")
    assert [(m.role, m.content[0].text.value) for m in listed] == [("user", "hello there"), ("assistant", "You said: hello there")]
    assert listed.data[1].run_id == run.id and listed.data[1].assistant_id == assistant.id


def test_both_clients_call_the_same_handlers_in_the_same_order(openai_server: MockServer) -> None:
    official = pytest.importorskip("openai")
    sequences = []
    for module in (official, openai_urllib3):
        openai_server.reset()
        openai_server.script(RUNS, ChatReply(tool_calls=[ToolCall("lookup", {"q": "weather in Paris"}, id="call_1")]))
        client = module.OpenAI(api_key="sk-runs-test", base_url=openai_server.url, max_retries=0)
        assistant, thread = _thread(client)
        handler = _recorder(module)
        with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id, event_handler=handler) as stream:
            run = stream.get_final_run()
        follow = _recorder(module)
        with client.beta.threads.runs.submit_tool_outputs_stream(
            thread_id=thread.id, run_id=run.id, tool_outputs=[{"tool_call_id": "call_1", "output": "sunny"}], event_handler=follow
        ) as stream:
            stream.until_done()
        sequences.append((handler.calls, follow.calls))
        client.close()
    assert sequences[0] == sequences[1]


def test_a_tool_call_round_trip(sdk: tuple[Any, Any], openai_server: MockServer) -> None:
    module, client = sdk
    openai_server.script(RUNS, ChatReply(tool_calls=[ToolCall("get_weather", {"city": "Paris"}), ToolCall("get_time", {"tz": "CET"})]))
    assistant, thread = _thread(client, "weather and time?")
    handler = _recorder(module)
    with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id, event_handler=handler) as stream:
        run = stream.get_final_run()
    assert run.status == "requires_action"
    calls = run.required_action.submit_tool_outputs.tool_calls
    assert [(c.function.name, c.function.arguments) for c in calls] == [("get_weather", '{"city":"Paris"}'), ("get_time", '{"tz":"CET"}')]
    assert [c for c in handler.calls if c[0] == "tool_done"] == [("tool_done", '{"city":"Paris"}'), ("tool_done", '{"tz":"CET"}')]
    assert [c[1] for c in handler.calls if c[0] == "tool_created"] == ["get_weather", "get_time"]
    assert client.beta.threads.runs.retrieve(run.id, thread_id=thread.id).status == "requires_action"

    with pytest.raises(module.BadRequestError, match="Expected tool outputs"):
        client.beta.threads.runs.submit_tool_outputs(run.id, thread_id=thread.id, tool_outputs=[{"tool_call_id": calls[0].id, "output": "x"}])
    outputs = [{"tool_call_id": calls[0].id, "output": "sunny"}, {"tool_call_id": calls[1].id, "output": "noon"}]
    with client.beta.threads.runs.submit_tool_outputs_stream(thread_id=thread.id, run_id=run.id, tool_outputs=outputs) as stream:
        text = "".join(stream.text_deltas)
    assert text == "The tool returned: noon"
    final = client.beta.threads.runs.retrieve(run.id, thread_id=thread.id)
    assert final.status == "completed" and final.required_action is None
    steps = client.beta.threads.runs.steps.list(run.id, thread_id=thread.id, order="asc").data
    assert [s.type for s in steps] == ["tool_calls", "message_creation"]
    assert [c.function.output for c in steps[0].step_details.tool_calls] == ["sunny", "noon"]
    assert client.beta.threads.runs.steps.retrieve(steps[1].id, thread_id=thread.id, run_id=run.id).step_details.message_creation.message_id


def test_polling_helpers_follow_the_clock(sdk: tuple[Any, Any], openai_server: MockServer) -> None:
    _, client = sdk
    assistant, thread = _thread(client)
    run = client.beta.threads.runs.create_and_poll(thread_id=thread.id, assistant_id=assistant.id, poll_interval_ms=1)
    assert run.status == "completed"
    openai_server.state.durations.update(run_queued=10.0, run_in_progress=10.0)
    client.beta.threads.messages.create(thread.id, role="user", content="again")
    started = client.beta.threads.runs.create(thread.id, assistant_id=assistant.id)
    assert started.status == "queued"
    openai_server.advance(12)
    assert client.beta.threads.runs.retrieve(started.id, thread_id=thread.id).status == "in_progress"
    openai_server.advance(10)
    assert client.beta.threads.runs.retrieve(started.id, thread_id=thread.id).status == "completed"
    openai_server.script(RUNS.replace("{thread_id}/runs", "runs"), ChatReply(tool_calls=[ToolCall("f", {})]))
    openai_server.state.durations.update(run_queued=0.0, run_in_progress=0.0)
    waiting = client.beta.threads.create_and_run_poll(assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "go"}]}, poll_interval_ms=1)
    assert waiting.status == "requires_action"
    done = client.beta.threads.runs.submit_tool_outputs_and_poll(
        thread_id=waiting.thread_id, run_id=waiting.id, tool_outputs=[{"tool_call_id": waiting.required_action.submit_tool_outputs.tool_calls[0].id, "output": "42"}]
    )
    assert done.status == "completed"
    assert [m.content[0].text.value for m in client.beta.threads.messages.list(thread_id=waiting.thread_id)] == ["The tool returned: 42", "go"]


def test_create_and_run_stream_cancel_and_paging(sdk: tuple[Any, Any], openai_server: MockServer) -> None:
    module, client = sdk
    assistant, _ = _thread(client)
    with client.beta.threads.create_and_run_stream(assistant_id=assistant.id, thread={"messages": [{"role": "user", "content": "hi"}]}) as stream:
        events = [event.event for event in stream]
        run = stream.current_run
    assert events[0] == "thread.created" and events[-1] == "thread.run.completed"
    assert client.beta.threads.retrieve(run.thread_id).id == run.thread_id
    with pytest.raises(module.BadRequestError, match="Cannot cancel run with status 'completed'"):
        client.beta.threads.runs.cancel(run.id, thread_id=run.thread_id)
    openai_server.state.durations.update(run_queued=5.0)
    pending = client.beta.threads.runs.create(run.thread_id, assistant_id=assistant.id)
    assert client.beta.threads.runs.cancel(pending.id, thread_id=run.thread_id).status == "cancelled"
    for index in range(4):
        client.beta.threads.messages.create(run.thread_id, role="user", content=f"note {index}")
    pages = client.beta.threads.messages.list(thread_id=run.thread_id, limit=2)
    every = [m.id for m in pages]  # iterating a page follows the cursor to the last one
    assert len(pages.data) == 2 and pages.has_more
    assert len(every) == len(set(every)) == 1 + 2 + 4  # "hi", an answer per run, the notes
    assert [r.id for r in client.beta.threads.runs.list(thread_id=run.thread_id)] == [pending.id, run.id]
    with pytest.raises(module.NotFoundError):
        client.beta.threads.runs.retrieve("run_nope", thread_id=run.thread_id)
    assert client.beta.threads.delete(run.thread_id).deleted
    with pytest.raises(module.NotFoundError):
        client.beta.threads.messages.list(thread_id=run.thread_id)
    assert client.beta.assistants.delete(assistant.id).deleted


def test_a_cut_run_stream_reaches_on_exception_and_on_end(sdk: tuple[Any, Any], openai_server: MockServer) -> None:
    module, client = sdk
    assistant, thread = _thread(client)
    openai_server.fault(RUNS, StreamCut(after_events=4))
    handler = _recorder(module)
    # Ours says what happened in its own error tree; the official SDK lets httpx's error through.
    expected = module.APIConnectionError if module is openai_urllib3 else Exception
    with pytest.raises(expected) as info:
        with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id, event_handler=handler) as stream:
            stream.until_done()
    assert handler.calls[-2:] == [("exception", type(info.value).__name__), ("end",)]
    assert len([c for c in handler.calls if c[0] == "event"]) == 4
