"""Accumulating a streamed chat completion, with the Go library's "just finished" events.

    acc = ChatCompletionAccumulator()
    for chunk in client.chat.completions.create(..., stream=True):
        acc.add_chunk(chunk)
        if (content := acc.just_finished_content()) is not None: ...
        if (call := acc.just_finished_tool_call()) is not None: ...
    completion = acc.snapshot()   # a ChatCompletion

A part (the content, the refusal, one tool call) finishes when the next part of the
same choice starts or when the choice gets its ``finish_reason``; each "just finished"
value is returned exactly once, during the ``add_chunk`` call that finished it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from .types.chat import ChatCompletion, ChatCompletionChunk

__all__ = ["ChatCompletionAccumulator", "FinishedContent", "FinishedRefusal", "FinishedToolCall"]


@dataclass(frozen=True)
class FinishedContent:
    choice_index: int
    content: str


@dataclass(frozen=True)
class FinishedRefusal:
    choice_index: int
    refusal: str


@dataclass(frozen=True)
class FinishedToolCall:
    choice_index: int
    index: int
    id: str | None
    name: str
    arguments: str


class _ChoiceState:
    __slots__ = ("current", "done")

    def __init__(self) -> None:
        self.current: tuple[str, int] | None = None  # ("content" | "refusal" | "tool", tool index)
        self.done = False


class ChatCompletionAccumulator:
    """Adds chunks into one completion; see the module docstring."""

    def __init__(self) -> None:
        self._completion: dict[str, Any] = {}
        self._choices: dict[int, dict[str, Any]] = {}
        self._states: dict[int, _ChoiceState] = {}
        self._finished_content: list[FinishedContent] = []
        self._finished_refusal: list[FinishedRefusal] = []
        self._finished_tool_calls: list[FinishedToolCall] = []
        self._chunks = 0

    def add_chunk(self, chunk: ChatCompletionChunk | dict[str, Any]) -> bool:
        """Add one chunk; ``False`` if it does not belong to this completion (another id)."""
        data = chunk.to_dict() if isinstance(chunk, ChatCompletionChunk) else chunk
        if not isinstance(data, dict):
            raise TypeError(f"add_chunk expects a ChatCompletionChunk or its dict, got {type(chunk).__name__}")
        if self._completion.get("id") and data.get("id") and data["id"] != self._completion["id"]:
            return False
        self._finished_content.clear()
        self._finished_refusal.clear()
        self._finished_tool_calls.clear()
        self._chunks += 1
        completion = self._completion
        for key in ("id", "created", "model", "service_tier", "system_fingerprint"):
            if data.get(key) is not None:
                completion[key] = data[key]
        if data.get("usage") is not None:
            completion["usage"] = data["usage"]
        for choice in data.get("choices") or []:
            self._add_choice(choice)
        return True

    def _add_choice(self, chunk_choice: dict[str, Any]) -> None:
        index = int(chunk_choice.get("index") or 0)
        choice = self._choices.get(index)
        if choice is None:
            choice = self._choices[index] = {
                "index": index,
                "message": {"role": "assistant", "content": None, "refusal": None, "annotations": []},
                "logprobs": None,
                "finish_reason": None,
            }
            self._states[index] = _ChoiceState()
        state = self._states[index]
        message = choice["message"]
        delta = chunk_choice.get("delta") or {}
        if delta.get("role"):
            message["role"] = delta["role"]
        if delta.get("content") is not None:
            if delta["content"]:
                self._enter(index, state, ("content", 0))
            message["content"] = (message["content"] or "") + delta["content"]
        if delta.get("refusal") is not None:
            if delta["refusal"]:
                self._enter(index, state, ("refusal", 0))
            message["refusal"] = (message["refusal"] or "") + delta["refusal"]
        for call_delta in delta.get("tool_calls") or []:
            call_index = int(call_delta.get("index") or 0)
            self._enter(index, state, ("tool", call_index))
            calls = message.setdefault("tool_calls", [])
            while len(calls) <= call_index:
                calls.append({"id": None, "type": "function", "function": {"name": "", "arguments": ""}})
            call = calls[call_index]
            if call_delta.get("id"):
                call["id"] = call_delta["id"]
            if call_delta.get("type"):
                call["type"] = call_delta["type"]
            function = call_delta.get("function") or {}
            if function.get("name"):
                call["function"]["name"] += function["name"]
            if function.get("arguments"):
                call["function"]["arguments"] += function["arguments"]
        for key in ("annotations", "audio"):
            if delta.get(key) is not None:
                if isinstance(delta[key], list):
                    message.setdefault(key, []).extend(delta[key])
                else:
                    message[key] = delta[key]
        logprobs = chunk_choice.get("logprobs")
        if logprobs:
            target = choice["logprobs"] = choice["logprobs"] or {"content": None, "refusal": None}
            for key in ("content", "refusal"):
                if logprobs.get(key):
                    target[key] = (target[key] or []) + list(logprobs[key])
        if chunk_choice.get("finish_reason") is not None:
            choice["finish_reason"] = chunk_choice["finish_reason"]
            self._finish(index, state)
            state.done = True

    def _enter(self, index: int, state: _ChoiceState, part: tuple[str, int]) -> None:
        if state.current != part:
            self._finish(index, state)
            state.current = part

    def _finish(self, index: int, state: _ChoiceState) -> None:
        part = state.current
        state.current = None
        if part is None or state.done:
            return
        message = self._choices[index]["message"]
        kind, call_index = part
        if kind == "content" and message["content"] is not None:
            self._finished_content.append(FinishedContent(index, message["content"]))
        elif kind == "refusal" and message["refusal"] is not None:
            self._finished_refusal.append(FinishedRefusal(index, message["refusal"]))
        elif kind == "tool":
            call = message["tool_calls"][call_index]
            self._finished_tool_calls.append(FinishedToolCall(index, call_index, call["id"], call["function"]["name"], call["function"]["arguments"]))

    def just_finished_content(self) -> FinishedContent | None:
        """The content that the last chunk completed, once; ``None`` otherwise."""
        return self._finished_content.pop(0) if self._finished_content else None

    def just_finished_refusal(self) -> FinishedRefusal | None:
        return self._finished_refusal.pop(0) if self._finished_refusal else None

    def just_finished_tool_call(self) -> FinishedToolCall | None:
        """The tool call (index, id, name, arguments) that the last chunk completed, once."""
        return self._finished_tool_calls.pop(0) if self._finished_tool_calls else None

    def snapshot(self) -> ChatCompletion:
        """The completion so far, as a :class:`ChatCompletion` (a copy)."""
        data = {
            "id": self._completion.get("id"),
            "object": "chat.completion",
            "created": self._completion.get("created"),
            "model": self._completion.get("model"),
            "choices": [copy.deepcopy(self._choices[index]) for index in sorted(self._choices)],
        }
        for key in ("usage", "service_tier", "system_fingerprint"):
            if key in self._completion:
                data[key] = copy.deepcopy(self._completion[key])
        return ChatCompletion(data)

    @property
    def chunks(self) -> int:
        return self._chunks
