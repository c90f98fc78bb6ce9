"""A server that answers from memory with bytes serialized before the first request, so that a
client benchmark measures the client: no emulation, no JSON encoding, no validation per request.

    python bench/_static_server.py [--chunks N] [--models N]   # prints "listening at URL"

``POST /v1/chat/completions`` with ``"stream": true`` gets an SSE stream of N chunks (chunked
transfer, as the API sends it); without it, one chat completion; ``GET /v1/models`` a list of N
models. Keep-alive, one thread per connection, run in its own process by the benchmarks.
"""

from __future__ import annotations

import argparse
import json
import socket
import threading


def _chunked(payload: bytes, piece: int = 16384) -> bytes:
    parts = [b"%x\r\n%s\r\n" % (len(payload[start : start + piece]), payload[start : start + piece]) for start in range(0, len(payload), piece)]
    return b"".join(parts) + b"0\r\n\r\n"


def build_answers(chunks: int, models: int) -> dict[str, bytes]:
    base = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1700000000, "model": "gpt-4o-mini", "system_fingerprint": "fp_bench"}
    events = [json.dumps({**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]})]
    events += [json.dumps({**base, "choices": [{"index": 0, "delta": {"content": f" w{i}"}, "finish_reason": None}]}) for i in range(chunks)]
    events.append(json.dumps({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}))
    sse = "".join(f"data: {event}\n\n" for event in events).encode() + b"data: [DONE]\n\n"
    stream = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\nx-request-id: req_bench\r\n\r\n" + _chunked(sse)
    completion = json.dumps(
        {
            "id": "chatcmpl-bench", "object": "chat.completion", "created": 1700000000, "model": "gpt-4o-mini",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello there.", "refusal": None, "annotations": []}, "logprobs": None, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
        }
    ).encode()  # fmt: skip
    listing = json.dumps({"object": "list", "data": [{"id": f"model-{i}", "object": "model", "created": 1700000000, "owned_by": "system"} for i in range(models)]}).encode()

    def plain(body: bytes) -> bytes:
        return b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: req_bench\r\ncontent-length: %d\r\n\r\n%s" % (len(body), body)

    return {"stream": stream, "completion": plain(completion), "models": plain(listing)}


def _serve(connection: socket.socket, answers: dict[str, bytes]) -> None:
    buffer = b""
    with connection:
        while True:
            while b"\r\n\r\n" not in buffer:
                data = connection.recv(65536)
                if not data:
                    return
                buffer += data
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            while len(buffer) < length:
                data = connection.recv(65536)
                if not data:
                    return
                buffer += data
            body, buffer = buffer[:length], buffer[length:]
            if head.startswith(b"GET "):
                answer = answers["models"]
            else:
                answer = answers["stream"] if b'"stream": true' in body or b'"stream":true' in body else answers["completion"]
            connection.sendall(answer)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=5000)
    parser.add_argument("--models", type=int, default=50)
    args = parser.parse_args()
    answers = build_answers(args.chunks, args.models)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.listen(64)
    print(f"listening at http://127.0.0.1:{listener.getsockname()[1]}/v1", flush=True)
    while True:
        connection, _ = listener.accept()
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        threading.Thread(target=_serve, args=(connection, answers), daemon=True).start()


if __name__ == "__main__":
    main()
