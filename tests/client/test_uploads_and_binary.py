"""Multipart uploads (paths, bytes, file objects, tuples; arrays and objects) and binary responses."""

from __future__ import annotations

import email.parser
import email.policy
import io
import pathlib
from typing import Any

import pytest

from openai_harness import MockServer, RawReply, Status
from openai_urllib3 import BinaryResponse, OpenAI
from openai_urllib3._files import encode_multipart

FILE_OBJECT = {"id": "file-1", "object": "file", "bytes": 5, "created_at": 1, "filename": "data.jsonl", "purpose": "batch", "status": "processed"}


def parts(entry: Any) -> dict[str, tuple[str | None, str | None, bytes]]:
    """name -> (filename, content type, content) of a recorded multipart body."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        b"Content-Type: " + entry.headers["content-type"].encode() + b"\r\n\r\n" + entry.raw_body
    )
    found = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        found[name] = (part.get_filename(), part.get_content_type() if part.get_filename() else None, part.get_payload(decode=True))
    return found


@pytest.fixture
def client(openai_server: MockServer) -> OpenAI:
    openai_server.script("POST /files", RawReply(FILE_OBJECT), RawReply(FILE_OBJECT), RawReply(FILE_OBJECT))
    return OpenAI(api_key="sk-test", base_url=openai_server.url, trust_env=False, sleep=lambda s: None)


def test_upload_from_a_path_infers_name_and_type(client: OpenAI, openai_server: MockServer, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b'{"a": 1}\n')
    uploaded = client.files.create(file=path, purpose="batch", expires_after={"anchor": "created_at", "seconds": 3600})
    assert uploaded.id == "file-1" and uploaded.filename == "data.jsonl"
    entry = openai_server.journal.last()
    found = parts(entry)
    assert found["file"] == ("data.jsonl", "application/octet-stream" if not found["file"][1] else found["file"][1], b'{"a": 1}\n')
    assert found["purpose"][2] == b"batch"
    assert found["expires_after[anchor]"][2] == b"created_at" and found["expires_after[seconds]"][2] == b"3600"
    assert int(entry.headers["content-length"]) == len(entry.raw_body)


def test_upload_bytes_file_objects_and_tuples(client: OpenAI, openai_server: MockServer) -> None:
    client.files.create(file=b"raw bytes", purpose="batch")
    assert parts(openai_server.journal.last())["file"] == ("file", "application/octet-stream", b"raw bytes")
    client.files.create(file=io.BytesIO(b"from a buffer"), purpose="batch")
    assert parts(openai_server.journal.last())["file"][2] == b"from a buffer"
    client.files.create(file=("notes.txt", b"hello", "text/plain"), purpose="batch")
    assert parts(openai_server.journal.last())["file"] == ("notes.txt", "text/plain", b"hello")


def test_arrays_are_sent_with_brackets(openai_server: MockServer) -> None:
    openai_server.script("POST /audio/transcriptions", RawReply({"text": "hi"}))
    client = OpenAI(api_key="sk-test", base_url=openai_server.url, trust_env=False)
    result = client.audio.transcriptions.create(file=("a.wav", b"RIFF...."), model="whisper-1", timestamp_granularities=["word", "segment"], response_format="json")
    assert result.text == "hi"  # type: ignore[union-attr]
    body = openai_server.journal.last().raw_body
    assert body.count(b'name="timestamp_granularities[]"') == 2


def test_a_replayable_upload_is_sent_again_on_retry(client: OpenAI, openai_server: MockServer, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "data.jsonl"
    path.write_bytes(b"x" * 100_000)
    openai_server.fault("POST /files", Status(503))
    client.files.create(file=path, purpose="batch")
    first, second = openai_server.journal.for_route("POST /files")
    assert parts(first)["file"][2] == parts(second)["file"][2] == b"x" * 100_000


def test_a_non_seekable_stream_is_sent_once_and_not_retried(client: OpenAI, openai_server: MockServer) -> None:
    class OneShot(io.RawIOBase):
        def __init__(self) -> None:
            self.data = io.BytesIO(b"stream once")

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            chunk = self.data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    openai_server.fault("POST /files", Status(503))
    with pytest.raises(Exception, match="503"):
        client.files.create(file=OneShot(), purpose="batch")
    entry = openai_server.journal.last()
    assert "chunked" in entry.headers.get("transfer-encoding", "") and openai_server.journal.count("POST /files") == 1


def test_bad_file_arguments_are_clear(client: OpenAI, tmp_path: pathlib.Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such file"):
        client.files.create(file=tmp_path / "missing.jsonl", purpose="batch")
    with pytest.raises(TypeError, match="expected a path, bytes"):
        encode_multipart({"file": 42}, ["file"])


def test_binary_responses_stream_to_files(openai_server: MockServer, tmp_path: pathlib.Path) -> None:
    audio = bytes(range(256)) * 1000
    openai_server.script("POST /audio/speech", RawReply(audio, headers={"content-type": "audio/mpeg"}), RawReply(audio, headers={"content-type": "audio/mpeg"}))
    openai_server.script("GET /files/{file_id}/content", RawReply(b"line 1\nline 2\n", headers={"content-type": "application/octet-stream"}))
    client = OpenAI(api_key="sk-test", base_url=openai_server.url, trust_env=False)
    speech = client.audio.speech.create(model="tts-1", voice="alloy", input="Hello")
    assert isinstance(speech, BinaryResponse) and speech.content_type == "audio/mpeg"
    target = tmp_path / "speech.mp3"
    assert speech.write_to_file(target) == len(audio) and target.read_bytes() == audio
    with client.audio.speech.create(model="tts-1", voice="alloy", input="Hello") as again:
        assert b"".join(again.iter_bytes(4096)) == audio
    assert client.files.content("file-1").read() == b"line 1\nline 2\n"
