"""The official ``openai`` package against each emulated resource: pagination and polling helpers."""

from __future__ import annotations

import json
from typing import Any, Iterator

import pytest

openai = pytest.importorskip("openai")

from openai_harness import MockServer  # noqa: E402


@pytest.fixture
def sdk(openai_server: MockServer) -> Iterator[Any]:
    client = openai.OpenAI(api_key="sk-official", base_url=openai_server.url, max_retries=0)
    yield client
    client.close()


def test_files_pagination_and_content(sdk: Any) -> None:
    ids = [sdk.files.create(file=(f"f{i}.jsonl", b"{}\n"), purpose="batch").id for i in range(5)]
    listed = [f.id for f in sdk.files.list(limit=2)]
    assert listed == ids[::-1]
    assert sdk.files.content(ids[0]).read() == b"{}\n"
    assert sdk.files.delete(ids[0]).deleted is True


def test_batches_with_the_clock(sdk: Any, openai_server: MockServer) -> None:
    line = {"custom_id": "a", "method": "POST", "url": "/v1/embeddings", "body": {"model": "text-embedding-3-small", "input": "hi", "dimensions": 4}}
    batch_file = sdk.files.create(file=("in.jsonl", (json.dumps(line) + "\n").encode()), purpose="batch")
    batch = sdk.batches.create(input_file_id=batch_file.id, endpoint="/v1/embeddings", completion_window="24h")
    openai_server.advance(60)
    done = sdk.batches.retrieve(batch.id)
    assert done.status == "completed" and done.request_counts.completed == 1
    output = json.loads(sdk.files.content(done.output_file_id).text)
    assert len(output["response"]["body"]["data"][0]["embedding"]) == 4
    assert [b.id for b in sdk.batches.list(limit=1)] == [batch.id]


def test_fine_tuning(sdk: Any, openai_server: MockServer) -> None:
    training = sdk.files.create(file=("t.jsonl", b"{}\n"), purpose="fine-tune")
    jobs = [sdk.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=training.id).id for _ in range(3)]
    assert [j.id for j in sdk.fine_tuning.jobs.list(limit=2)] == jobs[::-1]
    openai_server.advance(100)
    job = sdk.fine_tuning.jobs.retrieve(jobs[0])
    assert job.status == "succeeded" and job.fine_tuned_model
    assert len(list(sdk.fine_tuning.jobs.list_events(jobs[0], limit=2))) == 4


def test_vector_store_polling_helpers(sdk: Any, openai_server: MockServer) -> None:
    openai_server.set_clock_step(1.0)
    store = sdk.vector_stores.create(name="official")
    file = sdk.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=("notes.txt", b"hello there"), poll_interval_ms=1)
    assert file.status == "completed"
    existing = sdk.files.create(file=("more.txt", b"more"), purpose="assistants")
    again = sdk.vector_stores.files.create_and_poll(vector_store_id=store.id, file_id=existing.id, poll_interval_ms=1)
    assert again.status == "completed"
    batch = sdk.vector_stores.file_batches.upload_and_poll(store.id, files=[("x.txt", b"x"), ("y.txt", b"y")], poll_interval_ms=1)
    assert batch.status == "completed" and batch.file_counts.completed == 2
    assert len(list(sdk.vector_stores.files.list(store.id, limit=1))) == 4
    assert sdk.vector_stores.search(store.id, query="hello").data[0].filename == "notes.txt"


def test_stored_completions_responses_and_conversations(sdk: Any, openai_server: MockServer) -> None:
    for index in range(4):
        sdk.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": str(index)}], store=True, metadata={"k": "v"})
    assert len(list(sdk.chat.completions.list(limit=3, metadata={"k": "v"}))) == 4
    conversation = sdk.conversations.create(metadata={"a": "b"})
    reply = sdk.responses.create(model="gpt-4o", input="hello", conversation=conversation.id)
    assert reply.output_text == "You said: hello"
    assert len(list(sdk.conversations.items.list(conversation.id, limit=1))) == 2
    background = sdk.responses.create(model="gpt-4o", input="later", background=True)
    openai_server.advance(10)
    assert sdk.responses.retrieve(background.id).status == "completed"


def test_embeddings_moderations_images(sdk: Any) -> None:
    assert len(sdk.embeddings.create(model="text-embedding-3-small", input="hi", dimensions=16).data[0].embedding) == 16
    encoded = sdk.embeddings.create(model="text-embedding-3-small", input="hi", dimensions=16, encoding_format="base64")
    assert isinstance(encoded.data[0].embedding, str)  # asked for explicitly, the SDK hands the base64 text over
    assert sdk.moderations.create(input="have a nice day").results[0].flagged is False
    assert sdk.images.generate(model="dall-e-3", prompt="sky").data[0].b64_json


def test_compacting_a_conversation(sdk: Any) -> None:
    first = sdk.responses.create(model="gpt-4o", input="Plan the launch.")
    compacted = sdk.responses.compact(model="gpt-4o", previous_response_id=first.id, input=[{"role": "user", "content": "And the budget?"}])
    assert compacted.object == "response.compaction" and compacted.usage.total_tokens > 0
    kinds = [(item.type, getattr(item, "role", None)) for item in compacted.output]
    assert kinds == [("message", "user"), ("message", "user"), ("compaction", None)]  # every user message, then one compaction
    assert compacted.output[-1].encrypted_content
    again = sdk.responses.compact(model="gpt-4o", previous_response_id=first.id, input=[{"role": "user", "content": "And the budget?"}])
    assert again.output[-1].encrypted_content == compacted.output[-1].encrypted_content  # the same conversation, the same summary
    assert [item.type for item in sdk.responses.compact(model="gpt-4o").output] == ["compaction"]
    with pytest.raises(openai.NotFoundError):
        sdk.responses.compact(model="gpt-4o", previous_response_id="resp_unknown")
