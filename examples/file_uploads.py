"""File uploads from a path, bytes or a file object; streamed from disk."""

from __future__ import annotations

import io
import pathlib
import tempfile

from _mock import example_client

from openai_harness import RawReply


def file_object(file_id: str, name: str, size: int) -> dict[str, object]:
    return {"id": file_id, "object": "file", "bytes": size, "created_at": 1, "filename": name, "purpose": "batch", "status": "processed"}


def main() -> None:
    with example_client() as (client, server):
        folder = pathlib.Path(tempfile.mkdtemp())
        path = folder / "requests.jsonl"
        path.write_text('{"custom_id": "1", "method": "POST", "url": "/v1/chat/completions", "body": {}}\n')
        if server is not None:
            server.script(
                "POST /files",
                RawReply(file_object("file-1", "requests.jsonl", path.stat().st_size)),
                RawReply(file_object("file-2", "inline.jsonl", 2)),
                RawReply(file_object("file-3", "buffer.jsonl", 2)),
            )
        for upload in (path, ("inline.jsonl", b"{}", "application/jsonl"), io.BytesIO(b"{}")):
            uploaded = client.files.create(file=upload, purpose="batch")
            print(f"uploaded {uploaded.filename} as {uploaded.id} ({uploaded.bytes} bytes)")


if __name__ == "__main__":
    main()
