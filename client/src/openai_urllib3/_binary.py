"""Binary responses (speech audio, file contents, video): read whole, iterate, or write to a file,
streamed from the connection either way."""

from __future__ import annotations

import os
from typing import Any, Iterator

from ._http import Response

__all__ = ["BinaryResponse"]


class BinaryResponse:
    """A response body that is not JSON. The connection is released once the body is consumed
    or :meth:`close` is called (it is also a context manager)."""

    def __init__(self, response: Response) -> None:
        self.response = response

    @classmethod
    def __response_parser__(cls, item: Any = None) -> _BinaryParser:
        return _BinaryParser()

    @property
    def content_type(self) -> str | None:
        return self.response.headers.get("content-type")

    @property
    def request_id(self) -> str | None:
        return self.response.headers.get("x-request-id")

    def read(self) -> bytes:
        """The whole body (kept, so later calls return the same bytes)."""
        return self.response.read()

    @property
    def content(self) -> bytes:
        return self.read()

    @property
    def text(self) -> str:
        return self.read().decode("utf-8", errors="replace")

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        try:
            yield from self.response.iter_bytes(chunk_size)
        finally:
            self.response.close()

    def write_to_file(self, path: str | os.PathLike[str]) -> int:
        """Stream the body into ``path``; returns the number of bytes written."""
        written = 0
        with open(path, "wb") as handle:
            for chunk in self.iter_bytes(1024 * 1024):
                handle.write(chunk)
                written += len(chunk)
        return written

    stream_to_file = write_to_file

    def close(self) -> None:
        self.response.close()

    def __enter__(self) -> BinaryResponse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<BinaryResponse {self.content_type} [{self.response.status}]>"


class _BinaryParser:
    streams = True  # the body is read as the caller consumes it

    def __call__(self, response: Response, client: Any, spec: Any) -> BinaryResponse:
        return BinaryResponse(response)
