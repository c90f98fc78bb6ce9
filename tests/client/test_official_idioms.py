"""Idioms of code written for the official SDK, run unchanged with the import swapped, against the
mock server (and, where the official package is installed, the same snippet against it)."""

from __future__ import annotations

from typing import Any

import pytest

import openai_urllib3
from openai_harness import MockServer


def _clients(server: MockServer) -> list[tuple[str, Any, Any]]:
    clients: list[tuple[str, Any, Any]] = [("openai_urllib3", openai_urllib3, openai_urllib3.OpenAI(api_key="sk-idioms", base_url=server.url, max_retries=0))]
    try:
        import openai
    except ImportError:
        return clients
    clients.append(("openai", openai, openai.OpenAI(api_key="sk-idioms", base_url=server.url, max_retries=0)))
    return clients


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_response_objects_and_sentinels_go_back_as_parameters(openai_server: MockServer, which: str) -> None:
    found = [entry for entry in _clients(openai_server) if entry[0] == which]
    if not found:
        pytest.skip("the official openai package is not installed")
    _, module, client = found[0]
    messages: list[Any] = [{"role": "user", "content": "Name a prime."}]
    first = client.chat.completions.create(model="gpt-4o-mini", messages=messages, temperature=module.NOT_GIVEN, top_p=module.not_given, seed=module.omit)
    messages.append(first.choices[0].message)
    messages.append({"role": "user", "content": "Another one."})
    second = client.chat.completions.create(model="gpt-4o-mini", messages=messages)
    assert second.choices[0].message.content
    sent = openai_server.journal.last().body
    assert sent["messages"][1]["role"] == "assistant" and sent["messages"][1]["content"] == first.choices[0].message.content
    assert "temperature" not in openai_server.journal.all()[0].body and "seed" not in openai_server.journal.all()[0].body

    turn = client.responses.create(model="gpt-4o", input="Name a prime.")
    items: list[Any] = [{"role": "user", "content": "Name a prime."}]
    items += turn.output
    items.append({"role": "user", "content": "Another one."})
    assert client.responses.create(model="gpt-4o", input=items).output_text
    assert openai_server.journal.last().body["input"][1]["type"] == "message"


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_a_status_error_has_the_inner_body_and_the_response_status_code(openai_server: MockServer, which: str) -> None:
    found = [entry for entry in _clients(openai_server) if entry[0] == which]
    if not found:
        pytest.skip("the official openai package is not installed")
    _, module, client = found[0]
    with pytest.raises(module.NotFoundError) as info:
        client.models.retrieve("no-such-model")
    assert info.value.response.status_code == 404 and info.value.status_code == 404
    assert isinstance(info.value.body, dict) and info.value.body["code"] == "model_not_found" and "error" not in info.value.body


def test_an_unserializable_parameter_names_its_type(openai_client: openai_urllib3.OpenAI) -> None:
    with pytest.raises(TypeError, match="Object of type object is not JSON serializable"):
        openai_client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": object()}])  # type: ignore[list-item]


def _client(server: MockServer, which: str) -> tuple[Any, Any]:
    found = [entry for entry in _clients(server) if entry[0] == which]
    if not found:
        pytest.skip("the official openai package is not installed")
    return found[0][1], found[0][2]


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_raw_and_streaming_views_of_the_whole_client(openai_server: MockServer, which: str, tmp_path: Any) -> None:
    import datetime

    _, client = _client(openai_server, which)
    raw = client.with_raw_response.models.list()
    assert raw.http_response.status_code == 200 and isinstance(raw.elapsed, datetime.timedelta)
    assert [model.id for model in raw.parse()]
    assert client.with_raw_response.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]).parse().choices
    with client.with_streaming_response.audio.speech.create(model="tts-1", voice="alloy", input="hello") as speech:
        speech.stream_to_file(tmp_path / "speech.mp3")
    assert (tmp_path / "speech.mp3").stat().st_size > 0


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_older_paths_and_typed_answers_code_still_uses(openai_server: MockServer, which: str) -> None:
    module, client = _client(openai_server, which)
    assert client.beta.chat.completions.parse(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]).choices
    store = client.vector_stores.create(name="docs")
    assert list(client.vector_stores.search(store.id, query="anything")) == []  # a page that iterates
    transcription = client.audio.transcriptions.create(model="whisper-1", file=("a.wav", b"RIFF\x24\x00\x00\x00WAVEfmt ", "audio/wav"))
    assert type(transcription).__name__ == "Transcription" and transcription.text is not None
    assert isinstance(transcription, module.types.audio.Transcription) if which == "openai" else True


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_the_module_level_client(openai_server: MockServer, which: str, monkeypatch: pytest.MonkeyPatch) -> None:
    module, _ = _client(openai_server, which)
    monkeypatch.setattr(module, "api_key", "sk-module-level")
    monkeypatch.setattr(module, "base_url", openai_server.url + "/")  # the official module client joins paths to it
    monkeypatch.setattr(module, "max_retries", 0)
    reply = module.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}])
    assert reply.choices[0].message.content
    assert openai_server.journal.last().headers["authorization"] == "Bearer sk-module-level"
    monkeypatch.setattr(module, "api_key", "sk-changed")  # a new setting is used from the next call
    module.models.list()
    assert openai_server.journal.last().headers["authorization"] == "Bearer sk-changed"
    if hasattr(module, "admin_api_key"):  # newer official SDKs: the admin API sends its own key
        monkeypatch.setattr(module, "admin_api_key", "sk-module-admin")
        module.admin.organization.projects.list()
        assert openai_server.journal.last().headers["authorization"] == "Bearer sk-module-admin"


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_streams_on_a_get_and_on_assistants_runs_and_extra_body_on_uploads(openai_server: MockServer, which: str) -> None:
    module, client = _client(openai_server, which)
    response = client.responses.create(model="gpt-4o", input="hi")
    stream = client.responses.retrieve(response.id, stream=True)
    assert isinstance(stream, module.Stream)
    stream.close()
    assert openai_server.journal.last().query.get("stream") == ["true"]
    assistant = client.beta.assistants.create(model="gpt-4o")
    run_stream = client.beta.threads.create_and_run(assistant_id=assistant.id, stream=True)
    assert isinstance(run_stream, module.Stream)
    run_stream.close()
    assert openai_server.journal.last().body["stream"] is True
    with pytest.raises(module.BadRequestError, match="note"):  # sent as a form field, which the strict server names
        client.files.create(file=("a.jsonl", b'{"a": 1}\n'), purpose="batch", extra_body={"note": "hello"})
    assert b'name="note"' in openai_server.journal.last().raw_body


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_chunked_uploads_and_video_polling_helpers(openai_server: MockServer, which: str, tmp_path: Any) -> None:
    import warnings

    from openai_harness import RawReply

    _, client = _client(openai_server, which)
    data = b"0123456789" * 1000
    upload = client.uploads.upload_file_chunked(file=data, filename="data.jsonl", bytes=len(data), mime_type="text/jsonl", purpose="batch", part_size=3000)
    assert upload.status == "completed" and upload.bytes == len(data)
    assert openai_server.journal.count("POST /uploads/{upload_id}/parts") == 4
    path = tmp_path / "data.jsonl"
    path.write_bytes(data)
    assert client.uploads.upload_file_chunked(file=path, mime_type="text/jsonl", purpose="batch", part_size=6000).filename == "data.jsonl"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # the official SDK marks the video API deprecated
        video = client.videos.create(prompt="a cat", model="sora-2")
        base = video.model_dump(exclude_unset=True)
        openai_server.script(f"GET /videos/{video.id}", RawReply({**base, "status": "in_progress", "progress": 50}), RawReply({**base, "status": "completed", "progress": 100}))
        done = client.videos.poll(video.id, poll_interval_ms=1)
    assert done.status == "completed" and openai_server.journal.count(f"GET /videos/{video.id}") == 2


def test_data_residency_picks_the_regional_endpoint_as_the_official_sdk_does(monkeypatch: pytest.MonkeyPatch) -> None:
    import inspect

    openai = pytest.importorskip("openai")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    makers = [openai_urllib3.OpenAI]
    if "data_residency" in inspect.signature(openai.OpenAI.__init__).parameters:
        makers.append(openai.OpenAI)
    for make in makers:
        assert str(make(api_key="sk-region", data_residency="eu").base_url).rstrip("/") == "https://eu.api.openai.com/v1"
        assert str(make(api_key="sk-region", data_residency="global").base_url).rstrip("/") == "https://api.openai.com/v1"
        with pytest.raises(ValueError, match="mutually exclusive"):
            make(api_key="sk-region", data_residency="eu", base_url="http://127.0.0.1:1/v1")
        with pytest.raises(ValueError, match="Invalid `data_residency`"):
            make(api_key="sk-region", data_residency="mars")
        copy = make(api_key="sk-region").with_options(data_residency="jp")
        assert str(copy.base_url).rstrip("/") == "https://jp.api.openai.com/v1"
