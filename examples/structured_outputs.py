"""Structured outputs: the reply parsed into a dataclass, with chat and with the Responses API."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from _mock import example_client

from openai_harness import ChatReply
from openai_urllib3.types.chat import ParsedChatCompletion
from openai_urllib3.types.responses import ParsedResponse

if TYPE_CHECKING:  # the type checker holds the types below; at run time nothing is checked
    from typing_extensions import assert_type
else:

    def assert_type(value: Any, _type: Any) -> Any:
        return value


@dataclass
class Step:
    explanation: str
    output: str


@dataclass
class MathAnswer:
    steps: list[Step]
    final_answer: str


ANSWER = {"steps": [{"explanation": "Subtract 7", "output": "8x = -30"}, {"explanation": "Divide by 8", "output": "x = -3.75"}], "final_answer": "x = -3.75"}


def main() -> None:
    with example_client() as (client, server):
        if server is not None:
            server.script("POST /chat/completions", ChatReply(content=json.dumps(ANSWER)))
            server.script("POST /responses", ChatReply(content=json.dumps(ANSWER)))
        completion = client.chat.completions.parse(
            model="gpt-4o", messages=[{"role": "user", "content": "Solve 8x + 7 = -23"}], response_format=MathAnswer
        )
        assert_type(completion, ParsedChatCompletion[MathAnswer])  # checked by mypy: the type is carried
        answer = completion.choices[0].message.parsed
        assert_type(answer, "MathAnswer | None")
        if answer is None:
            print("the model refused:", completion.choices[0].message.refusal)
            return
        for step in answer.steps:
            print(f"{step.explanation}: {step.output}")
        response = client.responses.parse(model="gpt-4o", input="Solve 8x + 7 = -23", text_format=MathAnswer)
        assert_type(response, ParsedResponse[MathAnswer])
        print("responses API:", asdict(response.output_parsed) if response.output_parsed else None)


if __name__ == "__main__":
    main()
