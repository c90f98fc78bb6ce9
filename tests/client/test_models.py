"""Response objects: lazy typed access, presence, extra fields, exact round trip."""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import pytest

from openai_urllib3 import BaseModel
from openai_urllib3.types import ChatCompletion, ChatCompletionMessage, Model

COMPLETION = {
    "id": "chatcmpl-1",
    "object": "chat.completion",
    "created": 1,
    "model": "gpt-4o",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": None, "refusal": None, "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
            "finish_reason": "tool_calls",
            "logprobs": None,
        }
    ],
    "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3},
    "brand_new_field": {"nested": [1, 2]},
}


def test_typed_nested_access_is_lazy_and_cached() -> None:
    completion = ChatCompletion(COMPLETION)
    choice = completion.choices[0]
    assert completion.choices[0] is choice  # built once
    assert choice.message.tool_calls[0].function.name == "f"
    assert isinstance(choice.message, ChatCompletionMessage)
    assert completion.usage.total_tokens == 3


def test_presence_distinguishes_missing_null_and_value() -> None:
    message = ChatCompletion(COMPLETION).choices[0].message
    assert message.presence("content") == "null"
    assert message.presence("tool_calls") == "present"
    assert message.presence("audio") == "missing"
    assert message.audio is None and not message.has("audio")
    assert message.has("content")


def test_extra_fields_are_kept_and_reachable() -> None:
    completion = ChatCompletion(COMPLETION)
    assert completion.extra_fields == {"brand_new_field": {"nested": [1, 2]}}
    assert completion.brand_new_field == {"nested": [1, 2]}
    assert completion.raw("brand_new_field") == {"nested": [1, 2]}
    with pytest.raises(AttributeError, match="no field 'absent'"):
        _ = completion.absent


def test_to_dict_gives_back_exactly_what_was_sent() -> None:
    completion = ChatCompletion(COMPLETION)
    _ = completion.choices[0].message.tool_calls
    assert completion.to_dict() == COMPLETION
    copy = completion.to_dict()
    copy["id"] = "changed"
    assert completion.id == "chatcmpl-1"  # to_dict is a copy
    import json

    assert json.loads(completion.to_json()) == COMPLETION


def test_a_wrong_type_in_one_field_never_breaks_the_others() -> None:
    data = dict(COMPLETION, choices="not a list", usage=[1, 2], created="yesterday")
    completion = ChatCompletion(data)
    assert completion.choices == "not a list"
    assert completion.usage == [1, 2]
    assert completion.created == "yesterday"
    assert completion.id == "chatcmpl-1"
    broken_items = ChatCompletion(dict(COMPLETION, choices=[None, 5, {"index": 1, "message": "hi"}]))
    assert broken_items.choices[0] is None and broken_items.choices[1] == 5
    assert broken_items.choices[2].index == 1 and broken_items.choices[2].message == "hi"


def test_unknown_enum_values_are_kept() -> None:
    completion = ChatCompletion(dict(COMPLETION, choices=[{"index": 0, "finish_reason": "a_new_reason", "message": {}}]))
    assert completion.choices[0].finish_reason == "a_new_reason"


def test_models_are_assignable_equal_by_data_and_picklable() -> None:
    model = Model({"id": "gpt-4o", "object": "model", "created": 1, "owned_by": "system"})
    model.id = "other"
    assert model.id == "other" and model.to_dict()["id"] == "other"
    assert model == Model(model.to_dict())
    assert pickle.loads(pickle.dumps(model)) == model
    assert "other" in repr(model) or "gpt-4o" in repr(model)
    assert model.model_dump() == model.to_dict()
    with pytest.raises(AttributeError):
        model.request_id = "x"  # type: ignore[misc]


def _pair(data: dict[str, Any]) -> tuple[Any, Any]:
    """The same JSON as the official SDK's ChatCompletion and as ours."""
    openai = pytest.importorskip("openai")
    return openai.types.chat.ChatCompletion.model_validate(copy.deepcopy(data)), ChatCompletion.model_validate(copy.deepcopy(data))


def test_the_pydantic_model_api_gives_what_the_official_sdk_gives() -> None:
    data = {key: value for key, value in COMPLETION.items() if key != "brand_new_field"}
    data["service_tier"] = None
    theirs, ours = _pair(data)
    for options in ({"exclude_none": True}, {"exclude_unset": True}, {"include": {"id", "model"}}, {"exclude": {"choices", "usage"}, "exclude_unset": True}, {"mode": "json", "exclude_unset": True}):
        assert ours.model_dump(**options) == theirs.model_dump(**options), options
    # A plain dump: the official SDK adds every declared field it did not receive as None; ours
    # holds what was sent (a README difference). Without the Nones they agree.
    assert ours.model_dump(exclude_none=True) == theirs.model_dump(exclude_none=True)
    assert set(ours.model_dump()) <= set(theirs.model_dump())
    assert json.loads(ours.model_dump_json(exclude_none=True)) == json.loads(theirs.model_dump_json(exclude_none=True))
    assert ours.model_dump_json(indent=2).count("\n") > 5
    assert type(ours).model_validate_json(ours.model_dump_json()) == ours
    assert ours.model_copy(update={"model": "gpt-4o-mini"}).model == theirs.model_copy(update={"model": "gpt-4o-mini"}).model == "gpt-4o-mini"
    assert ours.model == "gpt-4o"  # the copy is a copy
    assert {"id", "choices", "model", "usage"} <= set(type(ours).model_fields) & set(type(theirs).model_fields)


def test_streamed_tool_call_arguments_accumulate_by_assignment_as_the_guides_do() -> None:
    theirs, ours = _pair(COMPLETION)
    for model in (theirs, ours):
        call = model.choices[0].message.tool_calls[0]
        for delta in ('{"city"', ': "Paris"', "}"):
            call.function.arguments += delta
        model.choices[0].message.content = "calling"
    assert ours.choices[0].message.tool_calls[0].function.arguments == '{}{"city": "Paris"}'
    assert ours.model_dump(exclude_none=True)["choices"] == theirs.model_dump(exclude_none=True)["choices"]
    assert ours.to_dict()["choices"][0]["message"]["content"] == "calling"


def test_model_extra_holds_undeclared_fields() -> None:
    openai = pytest.importorskip("openai")
    theirs = openai.types.chat.ChatCompletion.model_validate(copy.deepcopy(COMPLETION))
    ours = ChatCompletion.model_validate(copy.deepcopy(COMPLETION))
    assert ours.model_extra == theirs.model_extra == {"brand_new_field": {"nested": [1, 2]}}
    with pytest.raises(TypeError, match="expects a JSON object"):
        ChatCompletion.model_validate([1])


def test_constructing_from_a_non_object_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="expects a JSON object"):
        BaseModel([1, 2])  # type: ignore[arg-type]
