"""A Realtime session over a WebSocket: a text turn, then a function call answered and followed up.

Needs ``pip install 'openai-urllib3[realtime]'``; runs against the embedded mock server.
"""

from __future__ import annotations

import json
from typing import Any

from _mock import example_client

from openai_harness import ChatReply, ToolCall


def turn(connection: Any) -> list[Any]:
    """Ask for a response and collect its events up to ``response.done``."""
    connection.response.create()
    events = []
    for event in connection:
        events.append(event)
        if event.type == "response.done":
            break
    return events


def main() -> None:
    with example_client() as (client, server):
        if server is not None:  # the mock server plays the model's part: a function call, then an answer
            server.script("GET /realtime", ChatReply(content="Hello! Ask me about the weather."), ChatReply(tool_calls=[ToolCall("get_weather", {"city": "Paris"})]))
        with client.realtime.connect(model="gpt-realtime") as connection:
            print("opened:", connection.recv().type)
            tools = [{"type": "function", "name": "get_weather", "description": "The weather in a city.", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}]
            connection.session.update(session={"type": "realtime", "output_modalities": ["text"], "tools": tools})
            connection.conversation.item.create(item={"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Hi!"}]})
            answer = "".join(e.delta for e in turn(connection) if e.type == "response.output_text.delta")
            print("assistant:", answer)
            connection.conversation.item.create(item={"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Weather in Paris?"}]})
            for event in turn(connection):
                if event.type == "response.function_call_arguments.done":
                    arguments = json.loads(event.arguments)
                    print(f"tool call: {event.name}({arguments})")
                    result = json.dumps({"city": arguments["city"], "forecast": "sunny"})
                    connection.conversation.item.create(item={"type": "function_call_output", "call_id": event.call_id, "output": result})
            follow_up = "".join(e.delta for e in turn(connection) if e.type == "response.output_text.delta")
            print("assistant:", follow_up)


if __name__ == "__main__":
    main()
