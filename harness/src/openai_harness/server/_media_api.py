"""Images and audio with deterministic placeholder bytes of the right content type."""

from __future__ import annotations

import base64
import hashlib
import struct
import zlib
from typing import Any

from ._app import AppRequest, Reply, Router, json_reply
from ._spec import parse_multipart, request_fields
from ._state import State

__all__ = ["register", "tiny_png"]

_AUDIO_TYPES = {"mp3": "audio/mpeg", "opus": "audio/ogg", "aac": "audio/aac", "flac": "audio/flac", "wav": "audio/wav", "pcm": "audio/pcm"}


def tiny_png(seed: str) -> bytes:
    """A valid 1x1 PNG whose colour comes from ``seed``."""
    r, g, b = hashlib.sha256(seed.encode()).digest()[:3]

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    pixels = chunk(b"IDAT", zlib.compress(bytes([0, r, g, b])))
    return b"\x89PNG\r\n\x1a\n" + header + pixels + chunk(b"IEND", b"")


def _images(state: State, body: dict[str, Any], prompt: str) -> Reply:
    count = int(body.get("n") or 1)
    data = []
    for index in range(count):
        image = tiny_png(f"{prompt}:{index}")
        if body.get("response_format") == "url":
            data.append({"url": f"https://images.harness.invalid/{hashlib.sha256(image).hexdigest()[:16]}.png", "revised_prompt": prompt})
        else:
            data.append({"b64_json": base64.b64encode(image).decode(), "revised_prompt": prompt})
    return json_reply({"created": state.now(), "data": data})


def _generate(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    return _images(state, body, str(body["prompt"]))


def _edit(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    fields = request_fields(request)  # a form with images, or JSON naming them by file ID or URL
    return _images(state, fields, str(fields.get("prompt") or "edit"))


def _speech(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    kind = body.get("response_format") or "mp3"
    content_type = _AUDIO_TYPES.get(kind, "audio/mpeg")
    digest = hashlib.sha256(f"{body['voice']}:{body['input']}".encode()).digest()
    head = {"audio/mpeg": b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/wav": b"RIFF\x24\x00\x00\x00WAVEfmt "}.get(content_type, b"")
    return Reply(200, [("content-type", content_type)], head + digest * 32)


def _transcribe(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    fields = parse_multipart(request)
    audio = fields.get("file") or b""
    name = getattr(audio, "filename", None) or "audio"
    text = f"Transcript of {name} ({len(audio)} bytes)."
    kind = fields.get("response_format") or "json"
    if kind == "text":
        return Reply(200, [("content-type", "text/plain; charset=utf-8")], text.encode())
    if kind in ("srt", "vtt"):
        prefix = "WEBVTT\n\n" if kind == "vtt" else "1\n"
        return Reply(200, [("content-type", "text/plain; charset=utf-8")], f"{prefix}00:00:00.000 --> 00:00:01.000\n{text}\n".encode())
    if kind == "verbose_json":
        return json_reply({"task": "transcribe", "language": "english", "duration": 1.0, "text": text, "segments": []})
    return json_reply({"text": text, "usage": {"type": "duration", "seconds": 1}})


def register(router: Router) -> None:
    router.add("POST", "/images/generations", _generate)
    router.add("POST", "/images/edits", _edit)
    router.add("POST", "/images/variations", _edit)
    router.add("POST", "/audio/speech", _speech)
    router.add("POST", "/audio/transcriptions", _transcribe)
    router.add("POST", "/audio/translations", _transcribe)
