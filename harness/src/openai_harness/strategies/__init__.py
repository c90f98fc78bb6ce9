"""Hypothesis strategies for testing code that calls the OpenAI API, derived from the spec the
harness carries (the same one the client's types are generated from), not written per endpoint.

    from hypothesis import given
    from openai_harness import strategies as oas

    @given(params=oas.params_for("chat.completions.create"), schedule=oas.fault_schedules())
    def test_my_code(params, schedule): ...

Requests: :func:`params_for` (keyword arguments for any operation), :func:`field_values` (one body
field), and named helpers for the common ones: :func:`chat_messages`, :func:`chat_tools`,
:func:`tool_choices`, :func:`response_formats`, :func:`responses_input`, :func:`response_input_items`.
Answers: :func:`response_objects` (any operation's JSON answer or any schema), :func:`drift` (the
same, changed the way a live API drifts from its spec), :func:`api_error_bodies`.
Streams: :func:`sse_streams`, :func:`chat_completion_streams`, :func:`byte_splits`. Faults:
:func:`faults`, :func:`fault_schedules` (shrink to no fault). Every strategy checks its arguments when
called, and says what it shrinks toward.
"""

from __future__ import annotations

from typing import Any

try:
    from hypothesis import strategies as st
except ImportError as missing:  # pragma: no cover - depends on the environment
    raise ImportError("openai_harness.strategies needs hypothesis: pip install 'openai-harness[hypothesis]'") from missing

from ._drift import drift
from ._faults import RETRYABLE_STATUSES, api_error_bodies, fault_schedules, faults
from ._params import field_items, field_values, operation_names, params_for, required_ids, response_objects, schema_values
from ._profiles import CI_PROFILE, FUZZ_PROFILE, register_profiles
from ._schema import json_values
from ._sse import SSEEvent, SSEStream, byte_splits, chat_completion_streams, sse_streams

__all__ = [
    "CI_PROFILE",
    "FUZZ_PROFILE",
    "RETRYABLE_STATUSES",
    "SSEEvent",
    "SSEStream",
    "api_error_bodies",
    "byte_splits",
    "chat_completion_streams",
    "chat_messages",
    "chat_tools",
    "drift",
    "fault_schedules",
    "faults",
    "field_items",
    "field_values",
    "json_values",
    "operation_names",
    "params_for",
    "required_ids",
    "register_profiles",
    "response_formats",
    "response_input_items",
    "response_objects",
    "responses_input",
    "schema_values",
    "sse_streams",
    "tool_choices",
]

register_profiles()


def chat_messages(*, min_size: int = 1, max_size: int = 4) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Chat Completions ``messages``: every role, and every content-part kind (text, images, audio,
    files, refusals) the spec allows for each.

    Shrinks toward one message of the first kind with its required fields."""
    if min_size < 0 or max_size < min_size:
        raise ValueError(f"need 0 <= min_size <= max_size, got {min_size} and {max_size}")
    message = schema_values("ChatCompletionRequestMessage", for_response=False)
    return st.lists(message, min_size=min_size, max_size=max_size)


def chat_tools(*, max_size: int = 3) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Chat Completions ``tools`` (function and custom tools). Shrinks toward no tools."""
    if max_size < 0:
        raise ValueError(f"max_size must be >= 0, got {max_size}")
    return st.lists(field_items("chat.completions.create", "tools"), max_size=max_size)


def tool_choices() -> st.SearchStrategy[Any]:
    """Chat Completions ``tool_choice``: ``"none"``, ``"auto"``, ``"required"``, a named tool or
    an allowed-tools choice. Shrinks toward the first of these."""
    return field_values("chat.completions.create", "tool_choice")


def response_formats() -> st.SearchStrategy[dict[str, Any]]:
    """Chat Completions ``response_format``: text, JSON object, or JSON schema (with a schema
    object). Shrinks toward ``{"type": "text"}``."""
    return field_values("chat.completions.create", "response_format").filter(lambda value: value is not None)


def responses_input() -> st.SearchStrategy[Any]:
    """Responses API ``input``: a string, or a list of input items. Shrinks toward ``""``."""
    return field_values("responses.create", "input")


def response_input_items(*, min_size: int = 1, max_size: int = 4) -> st.SearchStrategy[list[Any]]:
    """Responses API input items: messages with every content kind, function calls and their
    outputs, and the other item types the spec lists. Shrinks toward one easy message."""
    if min_size < 0 or max_size < min_size:
        raise ValueError(f"need 0 <= min_size <= max_size, got {min_size} and {max_size}")
    return st.lists(schema_values("InputItem", for_response=False), min_size=min_size, max_size=max_size)

