"""The application code a downstream project would test: a bot that answers weather questions with
one tool, and says so plainly when the API cannot be reached."""

from __future__ import annotations

import json
from typing import Any, Callable

from openai_urllib3 import OpenAI, OpenAIError

WEATHER_TOOL: Any = {
    "type": "function",
    "function": {"name": "get_weather", "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}},
}


class BotUnavailable(Exception):
    """The API could not answer, even after the client's retries."""


def local_weather(city: str) -> dict[str, Any]:
    """Stands in for a weather service."""
    return {"celsius": 18, "sky": "sunny"} if city == "Paris" else {"celsius": 11, "sky": "cloudy"}


def answer(client: OpenAI, question: str, *, history: list[dict[str, Any]] | None = None, weather: Callable[[str], dict[str, Any]] = local_weather, max_turns: int = 4) -> str:
    """Ask the model, run the weather tool as often as it asks, and return its final text."""
    messages: list[Any] = [*(history or []), {"role": "user", "content": question}]
    try:
        for _ in range(max_turns):
            reply = client.chat.completions.create(model="gpt-4o", messages=messages, tools=[WEATHER_TOOL])
            message = reply.choices[0].message
            if not message.tool_calls:
                return message.content or ""
            messages.append(message.to_dict())
            for call in message.tool_calls:
                city = json.loads(call.function.arguments).get("city", "")
                messages.append({"role": "tool", "tool_call_id": call.id, "content": json.dumps(weather(city))})
    except OpenAIError as error:
        raise BotUnavailable(f"the weather bot could not reach the model: {type(error).__name__}") from error
    return "I could not finish looking that up."
