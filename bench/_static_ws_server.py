"""A WebSocket server that sends frames serialized before the first session, so that a Realtime
client benchmark measures the client: on each session it sends N ``response.output_text.delta``
events as fast as the socket takes them, then closes with 1000.

    python bench/_static_ws_server.py [--events N]   # prints "listening at URL"
"""

from __future__ import annotations

import argparse
import json
import socket
import threading

from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Request, TextMessage


def build_frames(count: int) -> bytes:
    """The bytes of every session: the events, framed once (server frames are not masked)."""
    ws = WSConnection(ConnectionType.SERVER)
    ws.receive_data(b"GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
    next(ws.events())
    ws.send(AcceptConnection())
    frames = [ws.send(TextMessage(data=json.dumps({"type": "session.created", "event_id": "event_0", "session": {"type": "realtime", "object": "realtime.session", "id": "sess_bench", "model": "gpt-realtime"}})))]
    for index in range(count):
        event = {"type": "response.output_text.delta", "event_id": f"event_{index + 1}", "response_id": "resp_bench", "item_id": "item_bench", "output_index": 0, "content_index": 0, "delta": f" w{index}"}
        frames.append(ws.send(TextMessage(data=json.dumps(event, separators=(",", ":")))))
    frames.append(ws.send(CloseConnection(code=1000)))
    return b"".join(frames)


def serve(sock: socket.socket, frames: bytes) -> None:
    ws = WSConnection(ConnectionType.SERVER)
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return
            ws.receive_data(data)
            for event in ws.events():
                if isinstance(event, Request):
                    sock.sendall(ws.send(AcceptConnection()))
                    sock.sendall(frames)
                elif isinstance(event, CloseConnection):
                    return  # the client answered the close: the server ends the TCP connection (RFC 6455)
    except OSError:
        return
    finally:
        sock.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=20000)
    args = parser.parse_args()
    frames = build_frames(args.events)
    listener = socket.create_server(("127.0.0.1", 0))
    print(f"listening at http://127.0.0.1:{listener.getsockname()[1]}/v1", flush=True)
    while True:
        sock, _ = listener.accept()
        threading.Thread(target=serve, args=(sock, frames), daemon=True).start()


if __name__ == "__main__":
    main()
