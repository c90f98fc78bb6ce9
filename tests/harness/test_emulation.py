"""The stateful emulation of the core resources, with this client, on the server's controllable clock."""

from __future__ import annotations

import base64
import json
import math
import struct
from typing import Any

import pytest

from openai_harness import ChatReply, MockServer
from openai_urllib3 import BadRequestError, BinaryResponse, ConflictError, NotFoundError, OpenAI


@pytest.fixture
def client(openai_server: MockServer) -> OpenAI:
    return OpenAI(api_key="sk-test", base_url=openai_server.url, trust_env=False, sleep=lambda s: None)


def upload(client: OpenAI, text: str, purpose: str = "batch", name: str = "data.jsonl") -> Any:
    return client.files.create(file=(name, text.encode()), purpose=purpose)  # type: ignore[arg-type]


def test_files_lifecycle(client: OpenAI) -> None:
    first = upload(client, "one\n", "batch")
    second = upload(client, "two\n", "fine-tune", "train.jsonl")
    assert first.status == "processed" and first.bytes == 4 and first.filename == "data.jsonl"
    assert [f.id for f in client.files.list()] == [second.id, first.id]  # newest first
    assert [f.id for f in client.files.list(purpose="fine-tune")] == [second.id]
    assert client.files.retrieve(first.id).purpose == "batch"
    content = client.files.content(first.id)
    assert isinstance(content, BinaryResponse) and content.read() == b"one\n"
    assert client.files.delete(first.id).deleted is True
    with pytest.raises(NotFoundError) as info:
        client.files.retrieve(first.id)
    assert info.value.param == "file_id"


def test_files_size_limit(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.state.max_file_bytes = 10
    with pytest.raises(BadRequestError) as info:
        upload(client, "x" * 11)
    assert info.value.code == "file_too_large" and info.value.param == "file"


def test_uploads_assemble_parts_in_order(client: OpenAI) -> None:
    created = client.uploads.create(bytes=11, filename="big.txt", mime_type="text/plain", purpose="assistants")
    assert created.status == "pending"
    part_b = client.uploads.parts.create(created.id, data=b" world")
    part_a = client.uploads.parts.create(created.id, data=b"hello")
    done = client.uploads.complete(created.id, part_ids=[part_a.id, part_b.id])
    assert done.status == "completed" and done.file is not None
    assert client.files.content(done.file.id).read() == b"hello world"
    with pytest.raises(BadRequestError, match="already completed"):
        client.uploads.cancel(created.id)


def test_upload_size_mismatch_is_refused(client: OpenAI) -> None:
    created = client.uploads.create(bytes=100, filename="x.txt", mime_type="text/plain", purpose="assistants")
    part = client.uploads.parts.create(created.id, data=b"short")
    with pytest.raises(BadRequestError) as info:
        client.uploads.complete(created.id, part_ids=[part.id])
    assert info.value.code == "upload_size_mismatch"


BATCH_LINES = "".join(
    json.dumps({"custom_id": f"r{i}", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": f"question {i}"}]}}) + "\n"
    for i in range(3)
)


def test_batch_progresses_on_the_clock_and_answers_every_line(client: OpenAI, openai_server: MockServer) -> None:
    input_file = upload(client, BATCH_LINES)
    batch = client.batches.create(input_file_id=input_file.id, endpoint="/v1/chat/completions", completion_window="24h", metadata={"job": "nightly"})
    assert batch.status == "validating" and batch.request_counts.total == 3  # type: ignore[union-attr]
    seen = []
    for _ in range(5):
        seen.append(client.batches.retrieve(batch.id).status)
        openai_server.advance(2)
    assert seen[0] == "validating" and "in_progress" in seen and seen[-1] == "completed"
    done = client.batches.retrieve(batch.id)
    assert done.request_counts is not None and done.request_counts.completed == 3 and done.output_file_id
    lines = [json.loads(line) for line in client.files.content(done.output_file_id).text.splitlines()]
    assert [line["custom_id"] for line in lines] == ["r0", "r1", "r2"]
    assert lines[1]["response"]["status_code"] == 200
    assert lines[1]["response"]["body"]["choices"][0]["message"]["content"] == "You said: question 1"
    assert [b.id for b in client.batches.list()] == [batch.id]


def test_batch_lines_use_scripted_replies_and_failures_go_to_the_error_file(client: OpenAI, openai_server: MockServer) -> None:
    lines = BATCH_LINES + json.dumps({"custom_id": "bad", "method": "POST", "url": "/v1/chat/completions", "body": {"model": "gpt-4o"}}) + "\n"
    openai_server.script("POST /chat/completions", ChatReply(content="scripted in a batch"))
    batch = client.batches.create(input_file_id=upload(client, lines).id, endpoint="/v1/chat/completions", completion_window="24h")
    openai_server.advance(60)
    done = client.batches.retrieve(batch.id)
    assert done.request_counts is not None and (done.request_counts.completed, done.request_counts.failed) == (3, 1)
    first = json.loads(client.files.content(done.output_file_id or "").text.splitlines()[0])
    assert first["response"]["body"]["choices"][0]["message"]["content"] == "scripted in a batch"
    error = json.loads(client.files.content(done.error_file_id or "").text.splitlines()[0])
    assert error["custom_id"] == "bad" and error["response"]["status_code"] == 400


def test_batch_cancel_expiry_and_bad_input(client: OpenAI, openai_server: MockServer) -> None:
    batch = client.batches.create(input_file_id=upload(client, BATCH_LINES).id, endpoint="/v1/chat/completions", completion_window="24h")
    assert client.batches.cancel(batch.id).status == "cancelling"
    assert client.batches.retrieve(batch.id).status == "cancelled"
    with pytest.raises(ConflictError):
        client.batches.cancel(batch.id)
    openai_server.state.durations["batch_in_progress"] = 100_000
    slow = client.batches.create(input_file_id=upload(client, BATCH_LINES).id, endpoint="/v1/chat/completions", completion_window="24h")
    openai_server.advance(86_400)
    assert client.batches.retrieve(slow.id).status == "expired"
    broken = client.batches.create(input_file_id=upload(client, "not json\n").id, endpoint="/v1/chat/completions", completion_window="24h")
    assert broken.status == "failed" and broken.errors is not None and broken.errors.data
    with pytest.raises(NotFoundError):
        client.batches.create(input_file_id="file-missing", endpoint="/v1/chat/completions", completion_window="24h")


def test_fine_tuning_job_lifecycle(client: OpenAI, openai_server: MockServer) -> None:
    training = upload(client, '{"messages": []}\n', "fine-tune")
    job = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=training.id, suffix="support")
    assert job.status == "validating_files"
    openai_server.advance(2)
    assert client.fine_tuning.jobs.retrieve(job.id).status == "queued"
    openai_server.advance(40)
    done = client.fine_tuning.jobs.retrieve(job.id)
    assert done.status == "succeeded" and done.fine_tuned_model == "ft:gpt-4o-mini:harness::support"
    assert client.models.retrieve(done.fine_tuned_model).owned_by == "org-harness"
    messages = [event.message for event in client.fine_tuning.jobs.list_events(job.id)]
    assert messages[0] == "The job has successfully completed" and len(messages) == 4
    checkpoints = list(client.fine_tuning.jobs.checkpoints.list(job.id))
    assert [c.step_number for c in checkpoints] == [30, 20, 10]
    other = client.fine_tuning.jobs.create(model="gpt-4o-mini", training_file=training.id)
    assert client.fine_tuning.jobs.cancel(other.id).status == "cancelled"
    assert [j.id for j in client.fine_tuning.jobs.list()] == [other.id, job.id]


def test_vector_store_files_progress_and_search(client: OpenAI, openai_server: MockServer) -> None:
    doc = upload(client, "The harness answers like the API and never needs a network.", "assistants", "doc.txt")
    other = upload(client, "Bananas are yellow.", "assistants", "fruit.txt")
    store = client.vector_stores.create(name="docs", file_ids=[doc.id])
    assert store.status == "in_progress" and store.file_counts.in_progress == 1
    openai_server.advance(5)
    ready = client.vector_stores.retrieve(store.id)
    assert ready.status == "completed" and ready.file_counts.completed == 1 and ready.usage_bytes > 0
    batch = client.vector_stores.file_batches.create(store.id, file_ids=[other.id])
    assert batch.status == "in_progress" and batch.file_counts.total == 1
    openai_server.advance(5)
    assert client.vector_stores.file_batches.retrieve(batch.id, vector_store_id=store.id).status == "completed"
    assert {f.id for f in client.vector_stores.files.list(store.id)} == {doc.id, other.id}
    results = client.vector_stores.search(store.id, query="does the harness need a network")
    assert [r.file_id for r in results.data][:1] == [doc.id]
    client.vector_stores.files.delete(other.id, vector_store_id=store.id)
    assert client.vector_stores.retrieve(store.id).file_counts.total == 1
    assert client.vector_stores.delete(store.id).deleted is True


def test_polling_helpers_complete_with_a_clock_step(client: OpenAI, openai_server: MockServer) -> None:
    openai_server.set_clock_step(1.0)  # time passes as the client polls
    store = client.vector_stores.create(name="poll")
    file = client.vector_stores.files.upload_and_poll(vector_store_id=store.id, file=("a.txt", b"alpha"), poll_interval_ms=1)
    assert file.status == "completed"
    batch = client.vector_stores.file_batches.upload_and_poll(vector_store_id=store.id, files=[("b.txt", b"beta"), ("c.txt", b"gamma")], poll_interval_ms=1)
    assert batch.status == "completed" and batch.file_counts.completed == 2


def test_background_responses_poll_and_cancel(client: OpenAI, openai_server: MockServer) -> None:
    response = client.responses.create(model="gpt-4o", input="Take your time.", background=True)
    assert response.status == "queued" and response.output == []
    openai_server.advance(2)
    assert client.responses.retrieve(response.id).status == "in_progress"
    openai_server.advance(2)
    done = client.responses.retrieve(response.id)
    assert done.status == "completed" and done.output_text == "You said: Take your time."
    other = client.responses.create(model="gpt-4o", input="Never mind.", background=True)
    assert client.responses.cancel(other.id).status == "cancelled"


def test_conversations_and_responses_in_them(client: OpenAI) -> None:
    conversation = client.conversations.create(items=[{"type": "message", "role": "user", "content": "My name is Ada."}], metadata={"topic": "intro"})
    reply = client.responses.create(model="gpt-4o", input="What is my name?", conversation=conversation.id)
    assert reply.output_text == "You said: What is my name?"
    items = list(client.conversations.items.list(conversation.id, order="asc"))
    assert [item.raw("role") for item in items] == ["user", "user", "assistant"]
    first = client.conversations.items.retrieve(items[0].raw("id"), conversation_id=conversation.id)
    assert first.raw("content")[0]["text"] == "My name is Ada."
    assert client.conversations.update(conversation.id, metadata={"topic": "names"}).metadata == {"topic": "names"}
    client.conversations.items.delete(items[0].raw("id"), conversation_id=conversation.id)
    assert len(list(client.conversations.items.list(conversation.id))) == 2
    assert client.conversations.delete(conversation.id).deleted is True


def test_embeddings_are_deterministic_and_sized(client: OpenAI) -> None:
    first = client.embeddings.create(model="text-embedding-3-small", input=["hello", "world"], dimensions=8)
    again = client.embeddings.create(model="text-embedding-3-small", input="hello", dimensions=8)
    vector = first.data[0].embedding
    assert len(vector) == 8 and vector == again.data[0].embedding and vector != first.data[1].embedding
    assert math.isclose(sum(v * v for v in vector), 1.0, rel_tol=1e-4)  # type: ignore[union-attr]
    encoded = client.embeddings.create(model="text-embedding-3-small", input="hello", dimensions=8, encoding_format="base64")
    decoded = struct.unpack("<8f", base64.b64decode(encoded.data[0].embedding))  # type: ignore[arg-type]
    assert all(math.isclose(a, b, abs_tol=1e-6) for a, b in zip(decoded, vector))  # type: ignore[arg-type]
    assert len(client.embeddings.create(model="text-embedding-3-large", input="x").data[0].embedding) == 3072


def test_moderations_images_and_audio(client: OpenAI) -> None:
    flagged = client.moderations.create(input=["I will kill the process", "have a nice day"])
    assert [r.flagged for r in flagged.results] == [True, False]
    assert flagged.results[0].categories.violence is True
    image = client.images.generate(model="dall-e-3", prompt="a red square")
    assert image.data is not None and base64.b64decode(image.data[0].b64_json or "").startswith(b"\x89PNG")
    speech = client.audio.speech.create(model="tts-1", voice="alloy", input="hi", response_format="wav")
    assert speech.content_type == "audio/wav" and speech.read().startswith(b"RIFF")
    transcript = client.audio.transcriptions.create(model="whisper-1", file=("talk.wav", b"RIFF0000"))
    assert transcript.text == "Transcript of talk.wav (8 bytes)."  # type: ignore[union-attr]


def test_clock_over_the_control_api_and_state_round_trip(client: OpenAI, openai_server: MockServer, tmp_path: Any) -> None:
    import urllib.request

    request = urllib.request.Request(openai_server.root_url + "/__harness/clock/advance", data=b'{"seconds": 5}', headers={"content-type": "application/json"}, method="POST")
    with urllib.request.urlopen(request) as answer:
        assert json.loads(answer.read())["now"] == 1_700_000_005
    kept = upload(client, "keep me\n")
    snapshot = openai_server.export_state()
    openai_server.reset()
    with pytest.raises(NotFoundError):
        client.files.retrieve(kept.id)
    path = tmp_path / "state.json"
    path.write_text(json.dumps(snapshot))
    openai_server.load_state(path)
    assert client.files.content(kept.id).read() == b"keep me\n"
    assert client.files.create(file=b"x", purpose="batch").id != kept.id  # the ID sequence continues too


def test_seeding_from_yaml(client: OpenAI, openai_server: MockServer, tmp_path: Any) -> None:
    path = tmp_path / "world.yaml"
    path.write_text("models: [ft:gpt-4o:acme::v1]\nfiles:\n  - {id: file-seeded, filename: notes.txt, purpose: assistants, content: 'seeded text'}\n")
    openai_server.load_state(path)
    assert client.models.retrieve("ft:gpt-4o:acme::v1").id == "ft:gpt-4o:acme::v1"
    assert client.files.content("file-seeded").read() == b"seeded text"
    with pytest.raises(ValueError, match="Unknown seed key"):
        openai_server.load_state({"bogus": 1})


def test_unknown_ids_faithful_and_permissive() -> None:
    with MockServer(unknown_ids="permissive") as server:
        client = OpenAI(api_key="sk-test", base_url=server.url, trust_env=False)
        invented = client.batches.retrieve("batch_anything")
        assert invented.id == "batch_anything" and invented.object == "batch"
        assert client.files.retrieve("file-nope").id == "file-nope"
        server.check()
    with MockServer() as server:
        with pytest.raises(NotFoundError):
            OpenAI(api_key="sk-test", base_url=server.url, trust_env=False).batches.retrieve("batch_anything")


def test_an_upload_with_parts_exports_restores_and_the_control_api_answers(openai_server: MockServer) -> None:
    import urllib.request


    client = OpenAI(api_key="sk-state", base_url=openai_server.url, max_retries=0)
    upload = client.uploads.create(bytes=6, filename="a.txt", mime_type="text/plain", purpose="batch")
    first = client.uploads.parts.create(upload.id, data=("a.txt", b"abc"))
    snapshot = openai_server.export_state()
    json.dumps(snapshot)  # JSON-able, bytes included
    with urllib.request.urlopen(openai_server.root_url + "/__harness/state") as response:
        assert response.status == 200 and json.loads(response.read())["objects"]
    with MockServer() as restored:
        restored.load_state(snapshot)
        again = OpenAI(api_key="sk-state", base_url=restored.url, max_retries=0)
        second = again.uploads.parts.create(upload.id, data=("a.txt", b"def"))
        done = again.uploads.complete(upload.id, part_ids=[first.id, second.id])
        assert done.status == "completed" and done.file is not None
        assert again.files.content(done.file.id).read() == b"abcdef"
