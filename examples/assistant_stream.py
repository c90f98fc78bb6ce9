"""An assistant run streamed through an event handler (the official SDK's AssistantEventHandler
shape), with a tool call answered through submit_tool_outputs_stream."""

from __future__ import annotations

import warnings
from typing import Any

from _mock import example_client

from openai_harness import ChatReply, ToolCall
from openai_urllib3 import AssistantEventHandler


class Printer(AssistantEventHandler):
    def on_text_delta(self, delta: Any, snapshot: Any) -> None:
        print(delta.value, end="", flush=True)

    def on_text_done(self, text: Any) -> None:
        print()

    def on_tool_call_done(self, tool_call: Any) -> None:
        print(f"tool call: {tool_call.function.name}({tool_call.function.arguments})")


def main() -> None:
    warnings.simplefilter("ignore", DeprecationWarning)  # the Assistants API is deprecated upstream
    with example_client() as (client, server):
        if server is not None:
            server.script("POST /threads/{thread_id}/runs", ChatReply(tool_calls=[ToolCall("get_time", {"tz": "CET"})]))
        assistant = client.beta.assistants.create(model="gpt-4o", instructions="Answer briefly.")
        thread = client.beta.threads.create(messages=[{"role": "user", "content": "What time is it in Paris?"}])
        with client.beta.threads.runs.stream(thread_id=thread.id, assistant_id=assistant.id, event_handler=Printer()) as stream:
            run = stream.get_final_run()
        print("run:", run.status)
        calls = run.required_action.submit_tool_outputs.tool_calls
        outputs = [{"tool_call_id": call.id, "output": "14:05"} for call in calls]
        with client.beta.threads.runs.submit_tool_outputs_stream(thread_id=thread.id, run_id=run.id, tool_outputs=outputs, event_handler=Printer()) as stream:
            stream.until_done()
            print("run:", stream.get_final_run().status)


if __name__ == "__main__":
    main()
