"""Reading ``multipart/form-data`` bodies (RFC 7578), for the server and the cassette matcher."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["FormPart", "MultipartError", "boundary_of", "read_parts"]

# A quoted value as ``[^"\\]*(?:\\.[^"\\]*)*``, not ``(?:[^"\\]|\\.)*``: the latter keeps a
# backtracking state per character, 64 MB for one 300 KB field name.
_PARAM = re.compile(r';\s*([\w*-]+)\s*=\s*(?:"([^"\\]*(?:\\.[^"\\]*)*)"|([^;\s]*))')


class MultipartError(ValueError):
    """The body is not multipart/form-data this reader can take apart; the message says why."""


@dataclass(frozen=True)
class FormPart:
    name: str
    filename: str | None
    content_type: str | None
    content: bytes


def boundary_of(content_type: str) -> str | None:
    """The ``boundary`` parameter of a multipart content type, or ``None``."""
    if not content_type.lower().startswith("multipart/"):
        return None
    params = _params(content_type)
    return params.get("boundary") or None


def _params(header: str) -> dict[str, str]:
    found = {}
    for key, quoted, bare in _PARAM.findall(header):
        found[key.lower()] = re.sub(r"\\(.)", r"\1", quoted) if quoted else bare
    return found


def read_parts(body: bytes, content_type: str) -> list[FormPart]:
    """The parts of ``body``, in order. Raises :class:`MultipartError` for a body without the
    boundary its content type names, or a part without a ``Content-Disposition`` name."""
    boundary = boundary_of(content_type)
    if not boundary:
        raise MultipartError("Expected a multipart/form-data body with a boundary.")
    delimiter = b"--" + boundary.encode("latin-1")
    chunks = body.split(delimiter)
    if len(chunks) < 2 or not chunks[-1].startswith(b"--"):
        raise MultipartError("The multipart body could not be read: it does not end with its closing boundary.")
    parts = []
    for chunk in chunks[1:-1]:
        if not chunk.startswith(b"\r\n"):
            raise MultipartError("The multipart body could not be read: a boundary is not followed by a line break.")
        head, separator, content = chunk[2:].partition(b"\r\n\r\n")
        if not separator:
            head, content = chunk[2:].removesuffix(b"\r\n"), b""  # a part with headers only
        headers = {}
        for line in head.split(b"\r\n"):
            key, colon, value = line.decode("utf-8", "replace").partition(":")
            if colon:
                headers[key.strip().lower()] = value.strip()
        params = _params(";" + headers.get("content-disposition", "").partition(";")[2])
        if "name" not in params:
            raise MultipartError("The multipart body could not be read: a part has no Content-Disposition name.")
        parts.append(FormPart(params["name"], params.get("filename"), headers.get("content-type"), content.removesuffix(b"\r\n")))
    return parts
