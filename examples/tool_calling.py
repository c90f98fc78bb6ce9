"""Tool calling: describe a function, run the calls the model makes, send back the results."""

from __future__ import annotations

import json
from typing import Any

from _mock import example_client

from openai_harness import ChatReply, ToolCall
from openai_urllib3 import function_tool


def get_weather(city: str, unit: str) -> str:
    """The current weather in a city."""
    return json.dumps({"city": city, "temperature": 18, "unit": unit})


def main() -> None:
    with example_client() as (client, server):
        if server is not None:  # the mock server plays the model's part
            server.script(
                "POST /chat/completions",
                ChatReply(tool_calls=[ToolCall("get_weather", {"city": "Paris", "unit": "celsius"}), ToolCall("get_weather", {"city": "Oslo", "unit": "celsius"})]),
                ChatReply(content="Paris is at 18 °C and so is Oslo."),
            )
        tools: Any = [function_tool(get_weather)]
        messages: list[Any] = [{"role": "user", "content": "Weather in Paris and Oslo?"}]
        reply = client.chat.completions.create(model="gpt-4o", messages=messages, tools=tools)
        message = reply.choices[0].message
        messages.append(message.to_dict())
        for call in message.tool_calls or []:
            function = getattr(call, "function", None)
            if function is None:
                continue
            print(f"calling {function.name}({function.arguments})")
            messages.append({"role": "tool", "tool_call_id": call.id, "content": get_weather(**json.loads(function.arguments))})
        final = client.chat.completions.create(model="gpt-4o", messages=messages, tools=tools)
        print(final.choices[0].message.content)


if __name__ == "__main__":
    main()
