"""Realtime sessions over a real WebSocket on the mock server's port, driven by this client and by
the official SDK with the same code: a text turn, an audio turn with server VAD, a function-call
round trip, invalid events, refused upgrades; every server event fits the spec."""

from __future__ import annotations

import base64
import struct
import time
from typing import Any, Iterator

import pytest

import openai_urllib3
from openai_harness import ChatReply, MockServer, ToolCall
from openai_harness.server._realtime import tone

pytest.importorskip("wsproto")

TEXT = {"type": "realtime", "output_modalities": ["text"]}


def _module(which: str) -> Any:
    if which == "openai":
        pytest.importorskip("websockets")
        return pytest.importorskip("openai")
    return openai_urllib3


@pytest.fixture(params=["openai_urllib3", "openai"])
def sdk(request: pytest.FixtureRequest, openai_server: MockServer) -> Iterator[tuple[Any, Any]]:
    module = _module(request.param)
    client = module.OpenAI(api_key="sk-realtime-test", base_url=openai_server.url, max_retries=0, timeout=5)
    yield module, client
    client.close()


def _user(text: str) -> dict[str, Any]:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


def _until(connection: Any, kind: str) -> list[Any]:
    events = []
    for event in connection:
        events.append(event)
        if event.type == kind:
            return events
    raise AssertionError(f"the session ended before {kind}")


def test_a_text_turn(sdk: tuple[Any, Any], openai_server: MockServer) -> None:
    _, client = sdk
    with client.realtime.connect(model="gpt-realtime") as connection:
        created = connection.recv()
        assert created.type == "session.created" and created.session.model == "gpt-realtime"
        connection.session.update(session={**TEXT, "instructions": "Be brief."})
        updated = connection.recv()
        assert updated.type == "session.updated" and updated.session.instructions == "Be brief." and updated.session.output_modalities == ["text"]
        connection.conversation.item.create(item=_user("hello there"))
        assert [connection.recv().type, connection.recv().type] == ["conversation.item.added", "conversation.item.done"]
        connection.response.create()
        events = _until(connection, "response.done")
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == "You said: hello there"
    done = events[-1].response
    assert done.status == "completed" and done.output[0].content[0].text == text and done.usage.total_tokens > 0
    assert [e.type for e in events][:2] == ["response.created", "response.output_item.added"]
    assert openai_server.journal.last().route == "GET /realtime" and openai_server.journal.last().status == 101
    frames = openai_server.realtime_sessions[-1].log.frames
    assert frames[0][0] == "server" and any(direction == "client" for direction, _, _ in frames)


def test_an_audio_turn_with_server_vad(sdk: tuple[Any, Any]) -> None:
    _, client = sdk
    with client.realtime.connect(model="gpt-realtime") as connection:
        connection.recv()
        for _ in range(3):
            connection.input_audio_buffer.append(audio=base64.b64encode(tone(100)).decode())
        connection.input_audio_buffer.append(audio=base64.b64encode(bytes(4800)).decode())  # 100 ms of silence ends the turn
        events = _until(connection, "response.done")
    kinds = [e.type for e in events]
    assert kinds[:3] == ["input_audio_buffer.speech_started", "input_audio_buffer.speech_stopped", "input_audio_buffer.committed"]
    assert events[1].audio_end_ms == 400
    audio = b"".join(base64.b64decode(e.delta) for e in events if e.type == "response.output_audio.delta")
    samples = struct.unpack(f"<{len(audio) // 2}h", audio)
    assert len(audio) > 0 and max(samples) > 1000  # a tone, PCM16
    transcript = "".join(e.delta for e in events if e.type == "response.output_audio_transcript.delta")
    assert transcript == "I heard you." == events[-1].response.output[0].content[0].transcript


def test_a_function_call_round_trip(sdk: tuple[Any, Any], openai_server: MockServer) -> None:
    _, client = sdk
    openai_server.script("GET /realtime", ChatReply(tool_calls=[ToolCall("get_weather", {"city": "Paris"}, id="call_1")]))
    with client.realtime.connect(model="gpt-realtime") as connection:
        connection.recv()
        connection.session.update(session=TEXT)
        connection.conversation.item.create(item=_user("Weather in Paris?"))
        connection.response.create()
        events = _until(connection, "response.done")
        done = next(e for e in events if e.type == "response.function_call_arguments.done")
        assert (done.name, done.arguments, done.call_id) == ("get_weather", '{"city":"Paris"}', "call_1")
        assert "".join(e.delta for e in events if e.type == "response.function_call_arguments.delta") == done.arguments
        connection.conversation.item.create(item={"type": "function_call_output", "call_id": "call_1", "output": "sunny"})
        connection.response.create()
        answer = _until(connection, "response.done")
    assert "".join(e.delta for e in answer if e.type == "response.output_text.delta") == "The tool returned: sunny"


def test_an_invalid_event_is_answered_with_an_error_and_the_session_goes_on(sdk: tuple[Any, Any]) -> None:
    _, client = sdk
    with client.realtime.connect(model="gpt-realtime") as connection:
        connection.recv()
        connection.send({"type": "response.explode"})
        unknown = connection.recv()
        assert unknown.type == "error" and unknown.error.param == "type" and "response.explode" in unknown.error.message
        connection.send({"type": "conversation.item.delete", "item_id": "item_missing", "event_id": "evt_1"})
        missing = connection.recv()
        assert missing.error.code == "item_not_found" and missing.error.event_id == "evt_1"
        connection.input_audio_buffer.commit()
        assert connection.recv().error.code == "input_audio_buffer_commit_empty"
        connection.send({"type": "session.update", "session": {"type": "realtime", "output_modalities": "text"}})
        assert "output_modalities" in connection.recv().error.message
        connection.session.update(session=TEXT)
        assert connection.recv().type == "session.updated"


def test_refused_upgrades_raise_the_status_errors(openai_server: MockServer) -> None:
    openai_server.require_key = "sk-the-right-key"
    try:
        client = openai_urllib3.OpenAI(api_key="sk-a-wrong-key", base_url=openai_server.url, max_retries=0)
        with pytest.raises(openai_urllib3.AuthenticationError, match="Incorrect API key"):
            client.realtime.connect(model="gpt-realtime").enter()
        right = openai_urllib3.OpenAI(api_key="sk-the-right-key", base_url=openai_server.url, max_retries=0)
        with pytest.raises(openai_urllib3.BadRequestError, match="model"):
            right.realtime.connect().enter()
    finally:
        openai_server.require_key = None
    unreachable = openai_urllib3.OpenAI(api_key="sk-x", base_url="http://127.0.0.1:9/v1", max_retries=0)
    with pytest.raises(openai_urllib3.APIConnectionError):
        unreachable.realtime.connect(model="gpt-realtime").enter()


def test_every_server_event_fits_the_spec(openai_server: MockServer) -> None:
    from openai_harness.server._spec import spec_index
    from openai_harness.server._validate import validate

    openai_server.script("GET /realtime", ChatReply(content="One moment.", tool_calls=[ToolCall("lookup", {"q": 1})]))
    client = openai_urllib3.OpenAI(api_key="sk-x", base_url=openai_server.url, max_retries=0)
    with client.realtime.connect(model="gpt-realtime") as connection:
        connection.recv()
        connection.conversation.item.create(item=_user("hi"))
        connection.response.create()
        _until(connection, "response.done")
        connection.input_audio_buffer.append(audio=base64.b64encode(tone(50)).decode())
        connection.input_audio_buffer.append(audio=base64.b64encode(bytes(2400)).decode())
        _until(connection, "response.done")
        connection.conversation.item.retrieve(item_id=openai_server.realtime_sessions[-1].items[0]["id"])
        connection.recv()
        connection.input_audio_buffer.clear()
        connection.recv()
    spec = spec_index()
    sent = [payload for direction, _, payload in openai_server.realtime_sessions[-1].log.frames if direction == "server"]
    assert len(sent) > 20
    for event in sent:
        validate(event, {"$ref": "#/components/schemas/RealtimeServerEvent"}, spec.resolve_ref, unknown_fields=True)


def _drive(connection: Any) -> list[Any]:
    """A text turn; every event up to the end of the session or of the response."""
    connection.session.update(session=TEXT)
    connection.conversation.item.create(item=_user("tell me"))
    connection.response.create()
    events: list[Any] = []
    for event in connection:
        events.append(event)
        if event.type == "response.done":
            break
    return events


def test_faults_in_a_session(openai_server: MockServer) -> None:
    from openai_harness import ByteByByte, Close, Stall, Status, StreamCut, StreamError

    client = openai_urllib3.OpenAI(api_key="sk-x", base_url=openai_server.url, max_retries=0, timeout=5)
    openai_server.fault("GET /realtime", StreamCut(after_events=5))
    with client.realtime.connect(model="gpt-realtime") as connection, pytest.raises(openai_urllib3.APIConnectionError):
        _drive(connection)
    openai_server.fault("GET /realtime", Close(after_events=5, code=1011, reason="overloaded"))
    with client.realtime.connect(model="gpt-realtime") as connection, pytest.raises(openai_urllib3.APIConnectionError, match="1011: overloaded"):
        _drive(connection)
    openai_server.fault("GET /realtime", StreamError(after_events=3, code="rate_limit_exceeded", type="rate_limit_error", message="Slow down."))
    with client.realtime.connect(model="gpt-realtime") as connection:
        events = _drive(connection)
    errors = [e for e in events if e.type == "error"]
    assert [e.error.code for e in errors] == ["rate_limit_exceeded"] and events[-1].type == "response.done"  # the session went on
    openai_server.fault("GET /realtime", Stall(after_events=4, seconds=0.3))
    with client.realtime.connect(model="gpt-realtime") as connection:
        started = time.monotonic()
        assert _drive(connection)[-1].type == "response.done" and time.monotonic() - started >= 0.3
    openai_server.fault("GET /realtime", ByteByByte())
    with client.realtime.connect(model="gpt-realtime") as connection:
        assert "".join(e.delta for e in _drive(connection) if e.type == "response.output_text.delta") == "You said: tell me"
    openai_server.fault("GET /realtime", Status(429))
    with pytest.raises(openai_urllib3.RateLimitError):
        client.realtime.connect(model="gpt-realtime").enter()


def test_a_malformed_event_is_a_validation_error_for_ours(openai_server: MockServer) -> None:
    from openai_harness import MalformedEvent

    client = openai_urllib3.OpenAI(api_key="sk-x", base_url=openai_server.url, max_retries=0, timeout=5)
    openai_server.fault("GET /realtime", MalformedEvent(after_events=1))
    with client.realtime.connect(model="gpt-realtime") as connection:
        connection.recv()
        connection.session.update(session=TEXT)
        with pytest.raises(openai_urllib3.APIResponseValidationError, match="not valid JSON"):
            connection.recv()
        assert connection.recv().type == "session.updated"  # the next event is whole


def test_azure_sessions_open_at_the_deployment_with_the_api_key(openai_server: MockServer) -> None:
    """Azure's realtime route: ``{endpoint}/openai/realtime?api-version=...&deployment=...``, with
    ``api-key`` (or an Entra ID token); the mock server serves it at its root as at ``/v1``."""
    keyed = openai_urllib3.AzureOpenAI(azure_endpoint=openai_server.root_url, api_key="azure-key-1", api_version="2025-04-01-preview", max_retries=0)
    manager = keyed.realtime.connect(model="my-realtime")
    assert manager._url() == f"ws://{openai_server.root_url.split('://')[1]}/openai/realtime?api-version=2025-04-01-preview&deployment=my-realtime"
    assert manager._headers()["api-key"] == "azure-key-1"
    pinned = openai_urllib3.AzureOpenAI(azure_endpoint=openai_server.root_url, azure_deployment="pinned", azure_ad_token_provider=lambda: "entra-token", api_version="2025-04-01-preview")
    manager = pinned.realtime.connect(model="ignored")
    assert "/openai/realtime?" in manager._url() and "deployment=pinned" in manager._url()
    assert manager._headers()["Authorization"] == "Bearer entra-token"
    with keyed.realtime.connect(model="my-realtime") as connection:
        assert connection.recv().session.model == "my-realtime"
    assert openai_server.journal.last().headers["api-key"] == "azure-key-1"


def _text_turn(client: Any, text: str = "hello") -> str:
    with client.realtime.connect(model="gpt-realtime") as connection:
        assert connection.recv().type == "session.created"
        connection.session.update(session=TEXT)
        connection.conversation.item.create(item=_user(text))
        connection.response.create()
        return "".join(e.delta for e in _until(connection, "response.done") if e.type == "response.output_text.delta")


def test_a_session_recorded_in_process_replays_with_the_server_gone(tmp_path: Any) -> None:
    from openai_harness.cassettes import load_cassette, use_cassette
    from openai_harness.cassettes._live_sessions import RealtimeReplayError

    path = tmp_path / "session.yaml"
    key = "sk-proj-" + "R7t6Y5u4" * 5
    with MockServer() as server:
        server.set_pacing(0.0, 0.0)
        client = openai_urllib3.OpenAI(api_key=key, base_url=server.url, max_retries=0)
        with use_cassette(path, record_mode="once"):
            recorded = _text_turn(client)
            assert client.models.list().data  # HTTP beside it, in the same cassette
    assert recorded == "You said: hello"
    text = path.read_text()
    assert key not in text and "websocket:" in text
    session = load_cassette(path)[0].response
    assert session.status == 101 and session.frames is not None
    senders = [frame.sender for frame in session.frames]
    assert senders.count("client") == 3 and senders.count("server") > 5
    offline = openai_urllib3.OpenAI(api_key=key, base_url="http://127.0.0.1:9/v1", max_retries=0)
    with use_cassette(path):
        assert _text_turn(offline) == recorded
        assert offline.models.list().data
    with use_cassette(path), pytest.raises(RealtimeReplayError, match=r"item.content.*recorded.*hello.*sent.*goodbye"):
        _text_turn(offline, "goodbye")


def test_a_dropped_session_replays_as_dropped(tmp_path: Any) -> None:
    from openai_harness import StreamCut
    from openai_harness.cassettes import use_cassette

    path = tmp_path / "dropped.yaml"
    with MockServer() as server:
        server.fault("GET /realtime", StreamCut(after_events=4))
        client = openai_urllib3.OpenAI(api_key="sk-x", base_url=server.url, max_retries=0)
        with use_cassette(path, record_mode="once"), pytest.raises(openai_urllib3.APIConnectionError):
            _text_turn(client)
    offline = openai_urllib3.OpenAI(api_key="sk-x", base_url="http://127.0.0.1:9/v1", max_retries=0)
    with use_cassette(path), pytest.raises(openai_urllib3.APIConnectionError, match="dropped"):
        _text_turn(offline)


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_a_recorded_session_is_served_over_the_wire_to_any_client(tmp_path: Any, which: str) -> None:
    from openai_harness.cassettes import use_cassette
    from openai_harness.cassettes._replay import ReplayServer

    module = _module(which)
    path = tmp_path / "wire.yaml"
    with MockServer() as server, use_cassette(path, record_mode="once"):
        recorded = _text_turn(openai_urllib3.OpenAI(api_key="sk-x", base_url=server.url, max_retries=0))
    with ReplayServer(path) as replay:
        assert _text_turn(module.OpenAI(api_key="sk-x", base_url=replay.url, max_retries=0)) == recorded
    assert replay.unplayed() == [] and replay.sessions[-1].misses == []
    with ReplayServer(path) as replay:
        client = module.OpenAI(api_key="sk-x", base_url=replay.url, max_retries=0)
        with client.realtime.connect(model="gpt-realtime") as connection:
            connection.recv()
            connection.send({"type": "response.create", "response": {"instructions": "something else"}})
            miss = connection.recv()
        assert miss.type == "error" and miss.error.code == "cassette_miss" and "differs from the recording" in miss.error.message
    assert replay.sessions[-1].misses


@pytest.mark.parametrize("which", ["openai_urllib3", "openai"])
def test_the_recording_proxy_records_any_clients_session(tmp_path: Any, which: str) -> None:
    from openai_harness.cassettes import load_cassette, use_cassette
    from openai_harness.cassettes._replay import RecordingProxy, ReplayServer

    module = _module(which)
    path = tmp_path / "proxied.yaml"
    key = "sk-proj-" + "P0o9I8u7" * 5
    with MockServer() as server, RecordingProxy(server.root_url, path) as proxy:
        recorded = _text_turn(module.OpenAI(api_key=key, base_url=proxy.url, max_retries=0))
        deadline = time.monotonic() + 5
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.01)  # written when the session has ended on both sides
        proxy.check()
    assert recorded == "You said: hello"
    assert key not in path.read_text()
    frames = load_cassette(path)[0].response.frames
    assert frames is not None and frames[0].sender == "server" and frames[0].json()["type"] == "session.created"
    offsets = [frame.offset_ms or 0 for frame in frames]
    assert offsets == sorted(offsets)
    with ReplayServer(path) as replay:
        assert _text_turn(module.OpenAI(api_key=key, base_url=replay.url, max_retries=0)) == recorded
    with use_cassette(path):
        assert _text_turn(openai_urllib3.OpenAI(api_key=key, base_url="http://127.0.0.1:9/v1", max_retries=0)) == recorded


def test_a_session_crosses_an_http_proxy_through_a_connect_tunnel(openai_server: MockServer) -> None:
    """The proxy here is a real loopback CONNECT proxy that sends every tunnel to the mock server:
    the client could not reach the unresolvable host without it."""
    import socket
    import threading

    targets: list[str] = []
    listener = socket.create_server(("127.0.0.1", 0))
    upstream = ("127.0.0.1", openai_server.port)

    def pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                try:
                    end.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def serve() -> None:
        while True:
            try:
                client_sock, _ = listener.accept()
            except OSError:
                return
            head = b""
            while b"\r\n\r\n" not in head:
                head += client_sock.recv(1)
            first = head.split(b"\r\n", 1)[0].decode()
            targets.append(first + ("|auth" if b"Proxy-Authorization: Basic dXNlcjpwYXNz" in head else ""))
            server_sock = socket.create_connection(upstream)
            client_sock.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            threading.Thread(target=pump, args=(client_sock, server_sock), daemon=True).start()
            threading.Thread(target=pump, args=(server_sock, client_sock), daemon=True).start()

    threading.Thread(target=serve, daemon=True).start()
    try:
        proxy = f"http://user:pass@127.0.0.1:{listener.getsockname()[1]}"
        client = openai_urllib3.OpenAI(api_key="sk-x", base_url="http://realtime.example.invalid/v1", proxy=proxy, trust_env=False, max_retries=0)
        assert _text_turn(client) == "You said: hello"
        assert targets == ["CONNECT realtime.example.invalid:80 HTTP/1.1|auth"]
    finally:
        listener.close()


def test_the_official_sdk_sees_each_fault(openai_server: MockServer) -> None:
    """The same faults through the official SDK: it reports them with its WebSocket library's errors."""
    module = _module("openai")
    closed = pytest.importorskip("websockets.exceptions")
    from openai_harness import ByteByByte, Close, MalformedEvent, Status, StreamCut, StreamError

    client = module.OpenAI(api_key="sk-x", base_url=openai_server.url, max_retries=0)

    def session() -> list[Any]:
        with client.realtime.connect(model="gpt-realtime") as connection:
            return _drive(connection)

    openai_server.fault("GET /realtime", StreamCut(after_events=5))
    with pytest.raises(closed.ConnectionClosedError, match="no close frame"):
        session()
    openai_server.fault("GET /realtime", Close(after_events=5, code=1011, reason="overloaded"))
    with pytest.raises(closed.ConnectionClosedError, match=r"1011.*overloaded"):
        session()
    openai_server.fault("GET /realtime", StreamError(after_events=3, code="rate_limit_exceeded"))
    events = session()
    assert [e.error.code for e in events if e.type == "error"] == ["rate_limit_exceeded"] and events[-1].type == "response.done"
    openai_server.fault("GET /realtime", ByteByByte())
    assert "".join(e.delta for e in session() if e.type == "response.output_text.delta") == "You said: tell me"
    openai_server.fault("GET /realtime", MalformedEvent(after_events=0))
    with pytest.raises(ValueError), client.realtime.connect(model="gpt-realtime") as connection:  # the official SDK lets the JSON error through
        connection.recv()
    openai_server.fault("GET /realtime", Status(429))
    with pytest.raises(closed.InvalidStatus, match="429"):
        session()


def test_websocket_base_url_and_settings_survive_copies(openai_server: MockServer) -> None:
    client = openai_urllib3.OpenAI(api_key="sk-x", base_url="http://api.example.invalid/v1", websocket_base_url=openai_server.url.replace("http", "ws", 1), webhook_secret="whsec_abc")
    copy = client.with_options(max_retries=0)
    assert copy.webhook_secret == "whsec_abc" and copy.websocket_base_url == client.websocket_base_url
    with copy.realtime.connect(model="gpt-realtime") as connection:  # sessions open at websocket_base_url
        assert connection.recv().type == "session.created"


def _raw_session(url: str, texts: list[str]) -> list[dict[str, Any]]:
    """Send ``texts`` as they are (no client would build them) and collect the server's events."""
    import json
    import socket
    from urllib.parse import urlsplit

    from wsproto import ConnectionType, WSConnection
    from wsproto.events import AcceptConnection, CloseConnection, Request, TextMessage

    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=5)
    ws = WSConnection(ConnectionType.CLIENT)
    sock.sendall(ws.send(Request(host=parts.netloc, target=parts.path + "/realtime?model=gpt-realtime", extra_headers=[(b"authorization", b"Bearer sk-test")])))
    received: list[dict[str, Any]] = []

    def pump(count: int) -> None:
        while len(received) < count:
            data = sock.recv(65536)
            assert data, "the server dropped the session"
            ws.receive_data(data)
            for event in ws.events():
                assert not isinstance(event, CloseConnection), f"the server closed the session: {event}"
                if isinstance(event, TextMessage):
                    received.append(json.loads(event.data))
                elif not isinstance(event, AcceptConnection):
                    pass

    try:
        pump(1)  # session.created
        for text in texts:
            sock.sendall(ws.send(TextMessage(data=text)))
            pump(len(received) + 1)
    finally:
        sock.close()
    return received


HOSTILE = ["[" * 200_000 + "]" * 200_000, '{"type": ' + '{"a": ' * 50_000 + "1" + "}" * 50_000 + "}", '{"type": "session.update", "x": NaN}']


def test_hostile_json_is_an_error_event_and_the_session_goes_on(openai_server: MockServer) -> None:
    """Nesting that would exhaust the parser's stack, and NaN, are not JSON: each is answered with an
    ``error`` event and the session keeps serving (the server records no failure)."""
    events = _raw_session(openai_server.url, [*HOSTILE, '{"type": "session.update", "session": {"type": "realtime"}}'])
    assert [e["type"] for e in events[1:]] == ["error", "error", "error", "session.updated"]
    assert all(e["error"]["code"] == "invalid_json" for e in events[1:4])
    openai_server.check()


def test_hostile_json_does_not_break_a_replayed_session_or_a_replayed_request(tmp_path: Any) -> None:
    import urllib3

    from openai_harness.cassettes import use_cassette
    from openai_harness.cassettes._replay import ReplayServer

    path = tmp_path / "hostile.yaml"
    with MockServer() as server, use_cassette(path, record_mode="once"):
        _text_turn(openai_urllib3.OpenAI(api_key="sk-x", base_url=server.url, max_retries=0))
    with ReplayServer(path) as replay:
        events = _raw_session(replay.url, HOSTILE[:2])
        assert [e["error"]["code"] for e in events[-2:]] == ["cassette_miss", "cassette_miss"]
        answer = urllib3.request("POST", replay.url + "/chat/completions", body=HOSTILE[0].encode(), headers={"Content-Type": "application/json"}, retries=False)
        assert answer.status >= 400 and answer.status != 500


def test_the_input_audio_buffer_is_bounded() -> None:
    """Audio appended and never committed (push to talk, or a client that never stops) stops at the
    server's body limit with an ``error`` event; the buffer is kept, and clearing it goes on."""
    from openai_harness import ServerLimits

    chunk = base64.b64encode(bytes(40_000)).decode("ascii")  # silence
    with MockServer(limits=ServerLimits(max_body_bytes=100_000)) as server:
        client = openai_urllib3.OpenAI(api_key="sk-x", base_url=server.url, max_retries=0, timeout=5)
        with client.realtime.connect(model="gpt-realtime") as connection:
            connection.recv()
            connection.session.update(session={"type": "realtime", "audio": {"input": {"turn_detection": None}}})
            assert connection.recv().type == "session.updated"
            connection.input_audio_buffer.append(audio=chunk)
            connection.input_audio_buffer.append(audio=chunk)
            connection.input_audio_buffer.append(audio=chunk)
            refused = connection.recv()
            assert refused.type == "error" and refused.error.code == "input_audio_buffer_too_large"
            connection.input_audio_buffer.clear()
            assert connection.recv().type == "input_audio_buffer.cleared"
            connection.input_audio_buffer.append(audio=chunk)
            connection.input_audio_buffer.commit()
            assert connection.recv().type == "input_audio_buffer.committed"
        assert len(server.realtime_sessions[-1].audio) <= 100_000
        server.check()


def test_an_event_past_max_response_bytes_ends_the_session_with_the_documented_error(openai_server: MockServer) -> None:
    """One server event larger than the client's ``max_response_bytes`` (here a long reply's
    ``response.done``) closes the session with 1009 and raises ``ResponseTooLargeError``, as a body
    that size does over HTTP: memory stays bounded whatever the server sends."""
    openai_server.script("GET /realtime", ChatReply(content="word " * 40_000))
    client = openai_urllib3.OpenAI(api_key="sk-x", base_url=openai_server.url, max_retries=0, timeout=5, max_response_bytes=100_000)
    with client.realtime.connect(model="gpt-realtime") as connection:
        connection.recv()
        connection.session.update(session=TEXT)
        connection.response.create()
        with pytest.raises(openai_urllib3.ResponseTooLargeError) as caught:
            for _event in connection:
                pass
        assert caught.value.limit == 100_000 and "Realtime event" in str(caught.value)
        with pytest.raises(openai_urllib3.APIConnectionError):
            connection.recv()


@pytest.mark.parametrize(("recorder", "player"), [("openai", "openai"), ("openai_urllib3", "openai"), ("openai", "openai_urllib3")])
def test_the_official_sdks_sessions_record_and_replay_in_process(tmp_path: Any, recorder: str, player: str) -> None:
    """Under ``use_cassette`` the official SDK's session (the ``websockets`` library) is recorded in
    the same cassette as HTTP, over a real WebSocket relayed to the server and scrubbed, and replayed
    with the server gone; a session recorded by either client replays to the other."""
    from openai_harness.cassettes import load_cassette, use_cassette

    path = tmp_path / "official.yaml"
    key = "sk-proj-" + "Q2w3E4r5" * 5
    with MockServer() as server:
        client = _module(recorder).OpenAI(api_key=key, base_url=server.url, max_retries=0)
        with use_cassette(path, record_mode="once"):
            recorded = _text_turn(client)
            assert client.models.list().data
    assert recorded == "You said: hello"
    text = path.read_text()
    assert key not in text and "websocket:" in text
    session = next(i.response for i in load_cassette(path) if i.response.status == 101)
    assert session.frames is not None and [f.sender for f in session.frames].count("client") == 3
    offline = _module(player).OpenAI(api_key=key, base_url="http://127.0.0.1:9/v1", max_retries=0)
    with use_cassette(path):
        assert _text_turn(offline) == recorded
        assert offline.models.list().data


def test_an_official_sdk_session_that_differs_from_the_recording_is_told_so(tmp_path: Any) -> None:
    from openai_harness.cassettes import use_cassette

    openai = _module("openai")
    path = tmp_path / "differs.yaml"
    with MockServer() as server, use_cassette(path, record_mode="once"):
        _text_turn(openai.OpenAI(api_key="sk-x", base_url=server.url, max_retries=0))
    offline = openai.OpenAI(api_key="sk-x", base_url="http://127.0.0.1:9/v1", max_retries=0)
    with use_cassette(path), offline.realtime.connect(model="gpt-realtime") as connection:
        assert connection.recv().type == "session.created"
        connection.session.update(session={"type": "realtime", "instructions": "something else"})
        miss = connection.recv()
    assert miss.type == "error" and miss.error.code == "cassette_miss" and "differs from the recording" in miss.error.message


def test_the_official_async_clients_sessions_record_and_replay_in_process(tmp_path: Any) -> None:
    """``AsyncOpenAI`` (the ``websockets`` asyncio client, which the SDK subclasses at import) too:
    recorded in-process, replayed with the server gone, twice in one process."""
    import asyncio

    from openai_harness.cassettes import use_cassette

    openai = _module("openai")

    async def turn(client: Any) -> str:
        async with client.realtime.connect(model="gpt-realtime") as connection:
            assert (await connection.recv()).type == "session.created"
            await connection.session.update(session=TEXT)
            await connection.conversation.item.create(item=_user("hello"))
            await connection.response.create()
            deltas = []
            async for event in connection:
                if event.type == "response.output_text.delta":
                    deltas.append(event.delta)
                if event.type == "response.done":
                    break
            return "".join(deltas)

    path = tmp_path / "async.yaml"
    with MockServer() as server, use_cassette(path, record_mode="once"):
        recorded = asyncio.run(turn(openai.AsyncOpenAI(api_key="sk-x", base_url=server.url, max_retries=0)))
    assert recorded == "You said: hello" and "websocket:" in path.read_text()
    for _ in range(2):
        with use_cassette(path):
            assert asyncio.run(turn(openai.AsyncOpenAI(api_key="sk-x", base_url="http://127.0.0.1:9/v1", max_retries=0))) == recorded


def test_a_refused_session_under_a_cassette_is_refused_with_the_same_status(tmp_path: Any) -> None:
    """Recording through the bridge, a wrong key is the upstream's 401 to the official SDK, as
    without a cassette (not a broken handshake), and nothing is recorded."""
    from openai_harness.cassettes import use_cassette

    openai = _module("openai")
    websockets_exceptions = pytest.importorskip("websockets.exceptions")
    path = tmp_path / "refused.yaml"
    with MockServer(require_key="sk-right-" + "k" * 20) as server:
        client = openai.OpenAI(api_key="sk-wrong", base_url=server.url, max_retries=0)
        with pytest.raises(websockets_exceptions.InvalidStatus) as direct:
            client.realtime.connect(model="gpt-realtime").enter()
        with use_cassette(path, record_mode="once"), pytest.raises(websockets_exceptions.InvalidStatus) as bridged:
            client.realtime.connect(model="gpt-realtime").enter()
    assert direct.value.response.status_code == bridged.value.response.status_code == 401
    assert not path.exists() or "websocket:" not in path.read_text()
