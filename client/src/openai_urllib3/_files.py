"""File uploads: what a file argument may be, and ``multipart/form-data`` bodies streamed from disk.

A file is a path, ``bytes``, a binary file object, or a tuple ``(filename, content)`` /
``(filename, content, content_type)``. The filename and content type are inferred when not
given. Bodies are produced piece by piece: a 200 MB upload is never held in memory, and a body
made of paths, bytes or seekable files can be sent again on a retry.
"""

from __future__ import annotations

import os
import pathlib
import uuid
from typing import IO, TYPE_CHECKING, Any, Collection, Iterator, Mapping, Tuple, Union

if TYPE_CHECKING:
    from typing_extensions import TypeAlias

__all__ = ["FileContent", "FileTypes", "MultipartBody", "encode_multipart", "is_file_like"]

FileContent: TypeAlias = Union["IO[bytes]", bytes, "os.PathLike[str]", pathlib.Path]
FileTypes: TypeAlias = Union[FileContent, Tuple[Union[str, None], FileContent], Tuple[Union[str, None], FileContent, Union[str, None]]]

_CHUNK = 1024 * 1024


def is_file_like(value: Any) -> bool:
    return isinstance(value, (bytes, bytearray, os.PathLike)) or hasattr(value, "read") or (isinstance(value, tuple) and 2 <= len(value) <= 3)


def _guess_type(filename: str | None) -> str:
    if filename:
        import mimetypes

        guessed, _ = mimetypes.guess_type(filename)
        if guessed:
            return guessed
    return "application/octet-stream"


class _FilePart:
    __slots__ = ("content", "content_type", "filename", "size", "start")

    def __init__(self, value: Any, field: str) -> None:
        filename: str | None = None
        content_type: str | None = None
        if isinstance(value, tuple):
            if not 2 <= len(value) <= 3:
                raise TypeError(f"{field}: a file tuple is (filename, content) or (filename, content, content_type)")
            filename = value[0]
            content_type = value[2] if len(value) == 3 else None
            value = value[1]
        self.content: Any = value
        self.start = 0
        if isinstance(value, (bytes, bytearray)):
            self.size: int | None = len(value)
        elif isinstance(value, (str, os.PathLike)):
            path = pathlib.Path(value)
            if not path.is_file():
                raise FileNotFoundError(f"{field}: no such file: {path}")
            self.size = path.stat().st_size
            filename = filename or path.name
        elif hasattr(value, "read"):
            filename = filename or os.path.basename(str(getattr(value, "name", ""))) or None
            self.size = None
            try:
                self.start = value.tell()
                self.size = os.fstat(value.fileno()).st_size - self.start
            except (AttributeError, OSError, ValueError):
                try:
                    end = value.seek(0, os.SEEK_END)
                    value.seek(self.start)
                    self.size = end - self.start
                except (AttributeError, OSError, ValueError):
                    self.size = None
        else:
            raise TypeError(f"{field}: expected a path, bytes, a binary file object or a (filename, content[, content_type]) tuple, got {type(value).__name__}")
        self.filename = filename or field
        self.content_type = content_type or _guess_type(filename)

    @property
    def replayable(self) -> bool:
        if isinstance(self.content, (bytes, bytearray, str, os.PathLike)):
            return True
        return bool(getattr(self.content, "seekable", lambda: False)())

    def chunks(self) -> Iterator[bytes]:
        content = self.content
        if isinstance(content, (bytes, bytearray)):
            yield bytes(content)
            return
        if isinstance(content, (str, os.PathLike)):
            with open(content, "rb") as handle:
                while chunk := handle.read(_CHUNK):
                    yield chunk
            return
        if getattr(content, "seekable", lambda: False)():
            content.seek(self.start)
        while chunk := content.read(_CHUNK):
            if isinstance(chunk, str):
                raise TypeError("File objects must be opened in binary mode ('rb')")
            yield chunk


def _quote(name: str) -> str:
    return name.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "%0D").replace("\n", "%0A")


class MultipartBody:
    """A ``multipart/form-data`` body: iterate it for its bytes (again on a retry, when replayable)."""

    def __init__(self, fields: list[tuple[str, Any]]) -> None:
        self.boundary = uuid.uuid4().hex
        self.content_type = f"multipart/form-data; boundary={self.boundary}"
        self._parts: list[tuple[bytes, Any]] = []
        for name, value in fields:
            if isinstance(value, _FilePart):
                head = f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"; filename="{_quote(value.filename)}"\r\nContent-Type: {value.content_type}\r\n\r\n'
            else:
                head = f'--{self.boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"\r\n\r\n'
            self._parts.append((head.encode("utf-8"), value))
        self._tail = f"--{self.boundary}--\r\n".encode()

    @property
    def replayable(self) -> bool:
        return all(not isinstance(value, _FilePart) or value.replayable for _, value in self._parts)

    @property
    def length(self) -> int | None:
        total = len(self._tail)
        for head, value in self._parts:
            if isinstance(value, _FilePart):
                if value.size is None:
                    return None
                size = value.size
            else:
                size = len(value)
            total += len(head) + size + 2
        return total

    def __iter__(self) -> Iterator[bytes]:
        for head, value in self._parts:
            yield head
            if isinstance(value, _FilePart):
                yield from value.chunks()
            else:
                yield value
            yield b"\r\n"
        yield self._tail


def _scalar(value: Any) -> bytes:
    if value is True:
        return b"true"
    if value is False:
        return b"false"
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    return str(value).encode("utf-8")


def _flatten(name: str, value: Any, out: list[tuple[str, Any]], holds_files: bool) -> None:
    """``holds_files``: the field takes a file or a list of files; inside an object it takes (a
    reference such as ``{"id": ...}``) values are plain form text again."""
    if value is None:
        return
    if holds_files and not isinstance(value, (list, Mapping)):
        out.append((name, _FilePart(value, name)))  # raises a clear TypeError for anything not a file
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _flatten(f"{name}[{key}]", item, out, False)
    elif isinstance(value, (list, tuple)) and not (holds_files and isinstance(value, tuple)):
        for item in value:
            _flatten(f"{name}[]", item, out, holds_files)
    else:
        out.append((name, _scalar(value)))


def encode_multipart(params: Mapping[str, Any], file_fields: Collection[str]) -> MultipartBody:
    """Encode form fields as the API reads them: arrays as ``name[]``, objects as ``name[key]``."""
    fields: list[tuple[str, Any]] = []
    for name, value in params.items():
        _flatten(name, value, fields, name in file_fields)
    return MultipartBody(fields)
