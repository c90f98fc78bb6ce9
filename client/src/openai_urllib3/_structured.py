"""Structured outputs: a Python type in, its strict JSON schema sent, the model's JSON parsed back
into that type; and function tools described from a function or a type.

    completion = client.chat.completions.parse(model=..., messages=..., response_format=Event)
    event = completion.choices[0].message.parsed        # an Event, or None on a refusal

Refusals leave ``parsed`` as ``None``; a completion cut by ``length`` or ``content_filter``
raises, as in the official SDK.
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
import json
import typing
from typing import Any, Callable, Generic, TypeVar, cast

from ._exceptions import ContentFilterFinishReasonError, LengthFinishReasonError, OpenAIError
from ._json_schema import _is_pydantic, _is_typeddict, function_parameters_schema, strict_schema, type_name
from .types.chat import ChatCompletion, ChatCompletionChoice, ChatCompletionMessage
from .types.responses import Response

__all__ = [
    "ParsedChatCompletion",
    "ParsedChatCompletionMessage",
    "ParsedChoice",
    "ParsedResponse",
    "StructuredOutputError",
    "TypedTool",
    "build",
    "function_tool",
    "parse_arguments",
    "parse_chat_completion",
    "parse_response",
    "parse_tool_calls",
    "pydantic_function_tool",
    "response_format_for",
    "text_format_for",
]

_T = TypeVar("_T")


class StructuredOutputError(OpenAIError, ValueError):
    """The model's JSON (an answer, or a tool call's arguments) is not valid JSON or does not fit the
    requested type; the message says which, and ``text`` is what the model sent."""

    def __init__(self, message: str, text: str) -> None:
        super().__init__(message)
        self.text = text


def _load(text: str, kind: Any, what: str) -> Any:
    """``text`` as ``kind``, every failure a :class:`StructuredOutputError`."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise StructuredOutputError(f"The model's {what} is not valid JSON ({error}): {text[:200]!r}", text) from None
    if kind is None or isinstance(kind, dict):
        return data
    try:
        return build(kind, data)
    except (TypeError, ValueError, KeyError, AttributeError) as error:
        raise StructuredOutputError(f"The model's {what} does not fit {type_name(kind)}: {error}", text) from None


def response_format_for(kind: Any) -> Any:
    """The chat ``response_format`` for a type (a mapping is passed through unchanged)."""
    if isinstance(kind, dict):
        return kind
    return {"type": "json_schema", "json_schema": {"name": type_name(kind), "schema": strict_schema(kind), "strict": True}}


def text_format_for(kind: Any) -> Any:
    """The Responses API ``text.format`` for a type."""
    if isinstance(kind, dict):
        return kind
    return {"type": "json_schema", "name": type_name(kind), "schema": strict_schema(kind), "strict": True}


def build(kind: Any, data: Any) -> Any:
    """An instance of ``kind`` from decoded JSON (nested dataclasses built too)."""
    if _is_pydantic(kind):
        return kind.model_validate(data)
    if dataclasses.is_dataclass(kind) and isinstance(kind, type):
        if not isinstance(data, dict):
            raise ValueError(f"Expected a JSON object for {kind.__name__}, got {type(data).__name__}")
        hints = typing.get_type_hints(kind)
        return kind(**{f.name: _build_value(hints.get(f.name, Any), data.get(f.name)) for f in dataclasses.fields(kind) if f.name in data})
    if _is_typeddict(kind):
        if not isinstance(data, dict):
            raise ValueError(f"Expected a JSON object for {kind.__name__}, got {type(data).__name__}")
        return data
    return data


def _build_value(kind: Any, value: Any) -> Any:
    origin = typing.get_origin(kind)
    if dataclasses.is_dataclass(kind) or _is_pydantic(kind):
        return build(kind, value)
    if isinstance(kind, type) and issubclass(kind, enum.Enum) and value is not None:
        return kind(value)  # a value the schema does not allow is a ValueError, reported as such
    if origin in (list, tuple, set) and isinstance(value, list):
        args = typing.get_args(kind)
        return [_build_value(args[0], item) for item in value] if args else value
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", typing.Union)) and isinstance(value, dict):
        for arg in typing.get_args(kind):
            if dataclasses.is_dataclass(arg) or _is_pydantic(arg):
                try:
                    return build(arg, value)
                except (TypeError, ValueError):
                    continue
    return value


class ParsedChatCompletionMessage(ChatCompletionMessage, Generic[_T]):
    """A chat message with ``parsed``: the content as the requested type (``None`` on a refusal)."""

    __slots__ = ("_parsed",)
    _parsed: Any

    @property
    def parsed(self) -> _T | None:
        return cast("_T | None", getattr(self, "_parsed", None))


class ParsedChoice(ChatCompletionChoice, Generic[_T]):
    """A choice whose message carries ``parsed``."""

    __slots__ = ("_parsed_message",)
    _parsed_message: Any

    @property
    def message(self) -> ParsedChatCompletionMessage[_T]:  # type: ignore[override]
        return cast("ParsedChatCompletionMessage[_T]", self._parsed_message)


class ParsedChatCompletion(ChatCompletion, Generic[_T]):
    """A chat completion whose choices' messages carry ``parsed``."""

    __slots__ = ("_parsed_choices",)
    _parsed_choices: Any

    @property
    def choices(self) -> list[ParsedChoice[_T]]:  # type: ignore[override]
        return cast("list[ParsedChoice[_T]]", self._parsed_choices)


def parse_chat_completion(completion: ChatCompletion, kind: Any, tools: Any = None) -> ParsedChatCompletion[Any]:
    parsed: ParsedChatCompletion[Any] = ParsedChatCompletion(completion.to_dict())
    parsed._request_id = completion.request_id
    choices = []
    for raw_choice in parsed.raw("choices") or []:
        choice = ParsedChoice[Any](raw_choice)
        if raw_choice.get("finish_reason") == "length":
            raise LengthFinishReasonError(completion=completion)
        if raw_choice.get("finish_reason") == "content_filter":
            raise ContentFilterFinishReasonError()
        message = ParsedChatCompletionMessage[Any](raw_choice.get("message") or {})
        content = message.content
        if content and not message.refusal and kind is not None and not isinstance(kind, dict):
            message._parsed = _load(content, kind, "answer")
        parse_tool_calls(message, tools)
        choice._parsed_message = message
        choices.append(choice)
    parsed._parsed_choices = choices
    return parsed


class ParsedResponse(Response, Generic[_T]):
    """A Responses API response with ``output_parsed``: its output text as the requested type."""

    __slots__ = ("_output_parsed",)
    _output_parsed: Any

    @property
    def output_parsed(self) -> _T | None:
        return cast("_T | None", getattr(self, "_output_parsed", None))


def parse_response(response: Response, kind: Any) -> ParsedResponse[Any]:
    parsed: ParsedResponse[Any] = ParsedResponse(response.to_dict())
    parsed._request_id = response.request_id
    if parsed.raw("status") == "incomplete":
        reason = (parsed.raw("incomplete_details") or {}).get("reason")
        if reason == "max_output_tokens":
            raise LengthFinishReasonError(completion=response)
        if reason == "content_filter":
            raise ContentFilterFinishReasonError()
    text = parsed.output_text
    refused = any(
        isinstance(part, dict) and part.get("type") == "refusal"
        for item in parsed.raw("output") or []
        if isinstance(item, dict)
        for part in item.get("content") or []
    )
    if text and not refused and kind is not None and not isinstance(kind, dict):
        parsed._output_parsed = _load(text, kind, "answer")
    return parsed


def function_tool(target: Callable[..., Any] | type, *, name: str | None = None, description: str | None = None) -> dict[str, Any]:
    """A strict chat tool describing a function (from its signature) or a type (its fields)."""
    if inspect.isfunction(target) or inspect.ismethod(target):
        parameters = function_parameters_schema(target)
        tool_name = name or target.__name__
    else:
        parameters = strict_schema(target)
        tool_name = name or type_name(target)
    function: dict[str, Any] = {"name": tool_name, "parameters": parameters, "strict": True}
    text = description or inspect.getdoc(target)
    if text:
        function["description"] = text
    return TypedTool({"type": "function", "function": function}, target)


def pydantic_function_tool(model: type, *, name: str | None = None, description: str | None = None) -> dict[str, Any]:
    """The official SDK's name: a strict tool from a pydantic model (or a dataclass); its calls'
    ``parsed_arguments`` are instances of it."""
    return function_tool(model, name=name, description=description)


class TypedTool(dict):  # type: ignore[type-arg]
    """A tool definition (sent as the plain dict it is) that remembers the type it describes."""

    def __init__(self, definition: dict[str, Any], kind: Any) -> None:
        super().__init__(definition)
        self.kind = kind


def tool_argument_parser(tools: Any, name: str) -> tuple[bool, Any]:
    """(whether calls of tool ``name`` are parsed, the type to parse them into or ``None``): strict
    function tools are, as in the official SDK."""
    for tool in tools or ():
        function = tool.get("function") if isinstance(tool, dict) else None
        if isinstance(function, dict) and function.get("name") == name and function.get("strict"):
            kind = getattr(tool, "kind", None)
            return True, (kind if isinstance(kind, type) else None)
    return False, None


def parse_tool_calls(message: Any, tools: Any) -> None:
    """Give each function call of a strict tool its ``parsed_arguments`` (kept beside the JSON)."""
    if not tools:
        return
    for call in message.tool_calls or []:
        function: Any = getattr(call, "function", None)
        name = getattr(function, "name", None)
        if function is None or not isinstance(name, str):
            continue
        parsed, kind = tool_argument_parser(tools, name)
        if parsed and isinstance(function.arguments, str):
            function._set_derived("parsed_arguments", _load(function.arguments, kind, f"arguments for {name}"))


def parse_arguments(arguments: str, kind: type[_T] | Callable[..., Any]) -> Any:
    """A tool call's JSON arguments as ``kind`` (a type), or as keyword arguments for a function."""
    return _load(arguments, None if inspect.isfunction(kind) else kind, "tool call arguments")
