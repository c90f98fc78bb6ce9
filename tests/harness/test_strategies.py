"""The strategies keep their promises: values fit the spec (checked with jsonschema, independently of
the server's own validator), arguments are checked when a strategy is made, and each shrinks
toward what its docstring says."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from openai_harness import Status
from openai_harness import strategies as oas
from openai_harness.server._spec import spec_index
from openai_harness.server._validate import ValidationProblem, validate

from ..spec_responses import response_problems

SPEC = spec_index()
SCHEMAS = sorted(SPEC.schemas)
ANSWERING = [op["name"] for op in SPEC.operations if op["response"]["kind"] in ("model", "page") and op["response"].get("content_type") == "application/json" and op["response"].get("schema")]
KEYS = {op["name"]: op["key"] for op in SPEC.operations}


def fits(value: Any, schema: Any) -> None:
    validate(value, schema, SPEC.resolve_ref, unknown_fields=True)


def _file_content(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    raise TypeError(f"not JSON: {value!r}")


@given(data=st.data(), name=st.sampled_from(SCHEMAS), for_response=st.booleans())
@settings(max_examples=300)
def test_values_of_any_schema_fit_it(data: st.DataObject, name: str, for_response: bool) -> None:
    value = data.draw(oas.schema_values(name, for_response=for_response), label="value")
    fits(value, {"$ref": "#/components/schemas/" + name})
    json.dumps(value, default=_file_content)  # always JSON, but for file contents (format: binary)


@given(data=st.data(), name=st.sampled_from(ANSWERING))
@settings(max_examples=150)
def test_response_objects_fit_the_operations_answer(data: st.DataObject, name: str) -> None:
    body = data.draw(oas.response_objects(name), label="body")
    assert not response_problems(KEYS[name], json.dumps(body).encode())


@pytest.mark.parametrize(
    ("strategy", "schema"),
    [
        (oas.chat_messages(), {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/ChatCompletionRequestMessage"}}),
        (oas.chat_tools(), {"type": "array", "items": {"oneOf": [{"$ref": "#/components/schemas/ChatCompletionTool"}, {"$ref": "#/components/schemas/CustomToolChatCompletions"}]}}),
        (oas.tool_choices(), {"$ref": "#/components/schemas/ChatCompletionToolChoiceOption"}),
        (oas.responses_input(), {"$ref": "#/components/schemas/InputParam"}),
        (oas.response_input_items(), {"type": "array", "items": {"$ref": "#/components/schemas/InputItem"}}),
    ],
    ids=["chat_messages", "chat_tools", "tool_choices", "responses_input", "response_input_items"],
)
@given(data=st.data())
@settings(max_examples=40)
def test_named_helpers_fit_their_fields(strategy: Any, schema: Any, data: st.DataObject) -> None:
    fits(data.draw(strategy), schema)


@given(data=st.data())
@settings(max_examples=40)
def test_response_formats_are_each_kind(data: st.DataObject) -> None:
    value = data.draw(oas.response_formats())
    assert value["type"] in ("text", "json_object", "json_schema")


@given(stream=oas.chat_completion_streams())
@settings(max_examples=30)
def test_chat_completion_streams_carry_valid_chunks_then_done(stream: oas.SSEStream) -> None:
    assert stream.events[-1].data == "[DONE]"
    for chunk in stream.json_events():
        fits(chunk, {"$ref": "#/components/schemas/CreateChatCompletionStreamResponse"})


@given(data=st.data(), payload=st.binary(max_size=200))
def test_byte_splits_always_join_back(data: st.DataObject, payload: bytes) -> None:
    pieces = data.draw(oas.byte_splits(payload))
    assert b"".join(pieces) == payload
    assert all(pieces) or payload == b""


@given(body=oas.api_error_bodies())
def test_error_bodies_have_the_api_shape(body: dict[str, Any]) -> None:
    assert set(body) == {"error"} and {"message", "type", "param", "code"} <= set(body["error"])


@given(data=st.data(), name=st.sampled_from(["chat.completions.create", "files.retrieve", "models.list"]))
@settings(max_examples=30)
def test_drift_changes_little_and_shrinks_to_nothing(data: st.DataObject, name: str) -> None:
    body = data.draw(oas.drift(oas.response_objects(name), max_changes=0))
    fits(body, {"$ref": SPEC.operation(KEYS[name])["response"]["schema"]["$ref"]})  # type: ignore[index]


def test_shrinking_targets() -> None:
    assert find(oas.fault_schedules(), lambda schedule: True) == []
    assert find(oas.faults(), lambda fault: True) == Status(oas.RETRYABLE_STATUSES[0])
    assert find(oas.byte_splits(b"abc"), lambda pieces: True) == [b"abc"]
    assert find(oas.sse_streams(), lambda stream: True).events == ()
    assert set(find(oas.params_for("chat.completions.create"), lambda params: True)) == {"model", "messages"}
    assert find(oas.chat_tools(), lambda tools: True) == []
    assert find(oas.api_error_bodies(), lambda body: True) == {"error": {"message": "", "type": "invalid_request_error", "param": None, "code": None}}
    original = find(oas.response_objects("files.retrieve"), lambda body: True)
    assert find(oas.drift(oas.response_objects("files.retrieve")), lambda body: True) == original


def test_stream_params_only_when_asked() -> None:
    assert find(oas.params_for("chat.completions.create", stream=True), lambda params: True)["stream"] is True
    with pytest.raises(NoSuchExample):
        find(oas.params_for("chat.completions.create"), lambda params: "stream" in params or "stream_options" in params, settings=settings(max_examples=200))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: oas.params_for("chat.completion.create"), "did you mean 'chat.completions.create'"),
        (lambda: oas.params_for(42), "dotted name"),  # type: ignore[arg-type]
        (lambda: oas.params_for("models.list", stream=True), "does not stream"),
        (lambda: oas.field_values("chat.completions.create", "mesages"), "did you mean 'messages'"),
        (lambda: oas.field_values("models.list", "x"), "takes no request body"),
        (lambda: oas.schema_values("ChatCompletionTol"), "did you mean"),
        (lambda: oas.response_objects("files.content"), "does not answer with a JSON object"),
        (lambda: oas.response_objects("ChatCompletionTool", stream=True), "needs an operation name"),
        (lambda: oas.sse_streams(min_events=3, max_events=1), "min_events <= max_events"),
        (lambda: oas.byte_splits("text"), "needs bytes"),  # type: ignore[arg-type]
        (lambda: oas.byte_splits(b"x", max_pieces=0), "max_pieces"),
        (lambda: oas.faults(statuses=(200,)), "HTTP error statuses"),
        (lambda: oas.faults(statuses=(), connection=False, delays=False), "at least one kind"),
        (lambda: oas.fault_schedules(max_faults=-1), "max_faults"),
        (lambda: oas.drift(st.just({}), max_changes=-1), "max_changes"),
        (lambda: oas.chat_messages(min_size=2, max_size=1), "min_size <= max_size"),
        (lambda: oas.chat_completion_streams(min_chunks=-1), "min_chunks"),
    ],
)
def test_bad_arguments_are_refused_at_once(make: Any, message: str) -> None:
    with pytest.raises((ValueError, TypeError)) as info:
        make()
    assert message in str(info.value)


def test_params_cover_every_operation() -> None:
    for name in oas.operation_names():
        oas.params_for(name)  # builds (lazily) for every operation without error
    assert len(oas.operation_names()) == len(SPEC.operations)


def test_a_value_outside_the_schema_is_caught_by_the_check_used_here() -> None:
    with pytest.raises(ValidationProblem):
        fits({"role": "robot", "content": "x"}, {"$ref": "#/components/schemas/ChatCompletionRequestMessage"})


@pytest.mark.parametrize("operation", ["responses.create", "chat.completions.create", "images.generate", "moderations.create"])
def test_drawn_params_are_accepted_by_the_strict_server_they_are_drawn_for(operation: str) -> None:
    """No reference to an object the server does not hold (they are left out) and a model always:
    every draw is a request the strict server answers 200."""
    from openai_harness import MockServer
    from openai_urllib3 import OpenAI

    refused: list[str] = []
    with MockServer() as server:
        client = OpenAI(api_key="sk-draws", base_url=server.url, max_retries=0)
        method: Any = client
        for part in operation.split("."):
            method = getattr(method, part)

        @given(oas.params_for(operation))
        @settings(max_examples=20, deadline=None, database=None)
        def call(params: dict[str, Any]) -> None:
            calls.append(params)
            try:
                method(**params)
            except Exception as error:
                refused.append(f"{type(error).__name__}: {str(error)[:200]}")

        calls: list[dict[str, Any]] = []
        call()
    assert refused == [] and len(calls) >= 10 and len({json.dumps(params, sort_keys=True, default=str) for params in calls}) > 5


@pytest.mark.parametrize(
    "operation",
    ["containers.retrieve", "containers.files.retrieve", "containers.files.list", "files.retrieve", "evals.runs.retrieve", "beta.threads.runs.retrieve", "vector_stores.update"],
)
def test_ids_drawn_from_the_server_name_objects_it_holds(operation: str) -> None:
    """With ``server=``, path IDs are drawn among the objects the faithful server holds (a child
    with its own parent): every draw is answered, none is a 404."""
    import warnings

    from openai_harness import MockServer
    from openai_urllib3 import OpenAI

    refused: list[str] = []
    with MockServer() as server, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        client = OpenAI(api_key="sk-draws", base_url=server.url, max_retries=0)
        for name in ("a", "b"):
            box = client.containers.create(name=name)
            client.containers.files.create(box.id, file=("f.txt", b"x"))
            client.files.create(file=("f.txt", b"x"), purpose="assistants")
            evaluation = client.evals.create(name=name, data_source_config={"type": "custom", "item_schema": {"type": "object"}}, testing_criteria=[])
            client.evals.runs.create(evaluation.id, data_source={"type": "jsonl", "source": {"type": "file_id", "id": "file-x"}})
            assistant = client.beta.assistants.create(model="gpt-4o")
            thread = client.beta.threads.create()
            client.beta.threads.runs.create(thread.id, assistant_id=assistant.id)
            client.vector_stores.create(name=name)
        assert oas.required_ids(operation)
        method: Any = client
        for part in operation.split("."):
            method = getattr(method, part)
        seen: set[str] = set()

        @given(oas.params_for(operation, server=server))
        @settings(max_examples=15, deadline=None, database=None)
        def call(params: dict[str, Any]) -> None:
            seen.add(json.dumps({k: params[k] for k in oas.required_ids(operation)}, sort_keys=True))
            try:
                method(**params)
            except Exception as error:
                refused.append(f"{type(error).__name__}: {str(error)[:200]}")

        call()
    assert refused == [] and len(seen) == 2  # both objects were drawn, each with its own parent


def test_ids_can_be_given_and_a_server_without_objects_says_so() -> None:
    from openai_harness import MockServer

    drawn = oas.params_for("containers.retrieve", ids={"container_id": ["cntr_a", "cntr_b"]})
    assert find(drawn, lambda params: params["container_id"] == "cntr_b")["container_id"] == "cntr_b"
    with pytest.raises(ValueError, match="nope, which the operation has no path parameter for"):
        oas.params_for("containers.retrieve", ids={"nope": "x"})
    with MockServer() as server:

        @given(oas.params_for("containers.retrieve", server=server))
        @settings(max_examples=1, deadline=None, database=None)
        def draw(params: dict[str, Any]) -> None:
            pass

        with pytest.raises(ValueError, match="holds no object for container_id; create one first"):
            draw()
