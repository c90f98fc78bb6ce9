"""Cassette files: this harness's readable YAML format, and the layouts other vcrpy users wrote.

The harness format (``openai_harness_cassette: 1``) keeps JSON bodies as structured YAML in
their original key order, SSE bodies as one entry per event (with its arrival offset when
known), binary bodies as base64, and headers as plain strings. Reading also accepts plain
vcrpy cassettes: header values as lists or strings, bodies as text, bytes, base64 of gzip
(``Content-Encoding`` kept), pretty-printed JSON, parsed mappings (``parsed_body``), and the
older httpx layout (``content`` / ``status_code``). Files are read with a safe loader only,
so loading never executes anything from the file.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import pathlib
import threading
import zlib
from typing import Any, Mapping

from .._json import loads as loads_json
from ._model import Event, Frame, Interaction, RecordedRequest, RecordedResponse, split_events

__all__ = ["FORMAT_VERSION", "CassetteFormatError", "dump_cassette", "dumps_cassette", "load_cassette", "loads_cassette", "normalize_interaction"]

FORMAT_VERSION = 1
FORMAT_KEY = "openai_harness_cassette"


class CassetteFormatError(ValueError):
    """A cassette file that cannot be read; the message names the file and the problem."""


# -- writing -------------------------------------------------------------------------------------


def _headers_out(headers: list[tuple[str, str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in headers:
        if name in out:
            existing = out[name]
            out[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            out[name] = value
    return out


def _body_out(target: dict[str, Any], body: bytes, content_type: str | None) -> None:
    if not body:
        return
    if content_type is None or "json" in content_type or body[:1] in (b"{", b"["):
        try:
            target["json"] = loads_json(body)
            return
        except ValueError:
            pass
    try:
        target["text"] = body.decode("utf-8")
    except UnicodeDecodeError:
        target["base64"] = base64.b64encode(body).decode("ascii")


def _event_out(event: Event) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if event.offset_ms is not None:
        entry["offset_ms"] = round(event.offset_ms, 1)
    if event.event is not None:
        entry["event"] = event.event
    if event.id is not None:
        entry["id"] = event.id
    data: Any = event.data
    if data.startswith(("{", "[")):
        try:
            parsed = loads_json(data)
        except ValueError:
            pass
        else:
            if json.dumps(parsed, separators=(",", ":"), ensure_ascii=False) == data:
                data = parsed  # stored structured only when it re-encodes to the same text
    entry["data"] = data
    return entry


def _frame_out(frame: Frame) -> dict[str, Any]:
    entry: dict[str, Any] = {"from": frame.sender}
    if frame.offset_ms is not None:
        entry["offset_ms"] = round(frame.offset_ms, 1)
    parsed = frame.json()
    if isinstance(parsed, (dict, list)) and json.dumps(parsed, separators=(",", ":"), ensure_ascii=False) == frame.data:
        entry["json"] = parsed  # structured when it re-encodes to the same text
    else:
        entry["text"] = frame.data
    return entry


def interaction_to_data(interaction: Interaction) -> dict[str, Any]:
    request, response = interaction.request, interaction.response
    req: dict[str, Any] = {"method": request.method, "uri": request.uri}
    if request.headers:
        req["headers"] = _headers_out(request.headers)
    _body_out(req, request.body, request.header("content-type"))
    resp: dict[str, Any] = {"status": response.status}
    if response.reason:
        resp["reason"] = response.reason
    if response.headers:
        resp["headers"] = _headers_out(response.headers)
    if response.frames is not None:
        resp["websocket"] = [_frame_out(frame) for frame in response.frames]
        if response.cut:
            resp["cut"] = True
    elif response.events is not None:
        resp["events"] = [_event_out(event) for event in response.events]
        if response.cut:
            resp["cut"] = True
    else:
        _body_out(resp, response.body, response.header("content-type"))
    return {"request": req, "response": resp}


def dumps_cassette(interactions: list[Interaction]) -> str:
    import yaml

    data = {FORMAT_KEY: FORMAT_VERSION, "interactions": [interaction_to_data(i) for i in interactions]}
    return yaml.dump(data, Dumper=_dumper(), sort_keys=False, allow_unicode=True, width=120, default_flow_style=False)


def dump_cassette(path: str | pathlib.Path, interactions: list[Interaction]) -> None:
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = dumps_cassette(interactions)
    # A name of its own per writer (xdist workers may write one cassette at once); the rename
    # never leaves a half-written cassette behind.
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _dumper() -> Any:
    import yaml

    class Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        pass

    def text(dumper: Any, value: str) -> Any:
        style = "|" if "\n" in value and len(value) > 60 else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return Dumper


# -- reading -------------------------------------------------------------------------------------


def _headers_in(raw: Any, where: str) -> list[tuple[str, str]]:
    if raw is None:
        return []
    if not isinstance(raw, Mapping):
        raise CassetteFormatError(f"{where}: headers must be a mapping, got {type(raw).__name__}")
    headers: list[tuple[str, str]] = []
    for name, value in raw.items():
        values = value if isinstance(value, list) else [value]
        headers.extend((str(name), str(item)) for item in values)
    return headers


def _decode_encoding(body: bytes, headers: list[tuple[str, str]]) -> tuple[bytes, list[tuple[str, str]]]:
    """Decode gzip/deflate/brotli bodies and drop the header, so the cassette holds what it means."""
    encoding = next((value.strip().lower() for name, value in headers if name.lower() == "content-encoding"), None)
    if not encoding or encoding == "identity":
        return body, headers
    try:
        if encoding == "gzip" or body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli  # type: ignore[import-not-found, unused-ignore]

            body = brotli.decompress(body)
        else:
            return body, headers
    except ImportError:
        return body, headers  # kept encoded, header kept: replays exactly as recorded
    except (OSError, zlib.error, EOFError):
        return body, headers
    kept = [(n, v) for n, v in headers if n.lower() not in ("content-encoding", "content-length")]
    return body, kept


def _body_in(container: Mapping[str, Any], where: str) -> bytes:
    if "json" in container:
        return json.dumps(container["json"], separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if "parsed_body" in container and container["parsed_body"] is not None:
        return json.dumps(container["parsed_body"], separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    if "text" in container:
        return str(container["text"]).encode("utf-8")
    if "base64" in container:
        return base64.b64decode(container["base64"])
    body = container.get("body", container.get("content"))
    if isinstance(body, Mapping):
        if "base64_string" in body:
            return base64.b64decode(body["base64_string"])
        body = body.get("string")
    if body is None:
        return b""
    if isinstance(body, bytes):
        return body
    if isinstance(body, str):
        return body.encode("utf-8")
    if isinstance(body, (dict, list)):
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    raise CassetteFormatError(f"{where}: unsupported body of type {type(body).__name__}")


def _status_in(response: Mapping[str, Any], where: str) -> tuple[int, str]:
    status = response.get("status", response.get("status_code"))
    if isinstance(status, Mapping):
        code, reason = status.get("code"), str(status.get("message") or "")
    else:
        code, reason = status, str(response.get("reason") or "")
    if not isinstance(code, int) or not 100 <= code <= 599:
        raise CassetteFormatError(f"{where}: status must be an HTTP status code, got {code!r}")
    return code, reason


def _events_in(raw: Any, where: str) -> list[Event]:
    if not isinstance(raw, list):
        raise CassetteFormatError(f"{where}: events must be a list")
    events = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, Mapping) or "data" not in entry:
            raise CassetteFormatError(f"{where}: event {index} needs 'data'")
        data = entry["data"]
        text = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"), ensure_ascii=False)
        offset = entry.get("offset_ms")
        events.append(Event(data=text, event=entry.get("event"), id=entry.get("id"), offset_ms=float(offset) if offset is not None else None))
    return events


def _frames_in(raw: Any, where: str) -> list[Frame]:
    if not isinstance(raw, list):
        raise CassetteFormatError(f"{where}: websocket must be a list of frames")
    frames = []
    for index, entry in enumerate(raw):
        if not isinstance(entry, Mapping) or entry.get("from") not in ("client", "server") or not ("json" in entry or "text" in entry):
            raise CassetteFormatError(f"{where}: frame {index} needs 'from' (client or server) and 'json' or 'text'")
        data = entry["text"] if "text" in entry else json.dumps(entry["json"], separators=(",", ":"), ensure_ascii=False)
        offset = entry.get("offset_ms")
        frames.append(Frame(str(entry["from"]), str(data), float(offset) if offset is not None else None))
    return frames


def _request_in(req: Mapping[str, Any], where: str) -> RecordedRequest:
    method, uri = req.get("method"), req.get("uri", req.get("url"))
    if not isinstance(method, str) or not isinstance(uri, str):
        raise CassetteFormatError(f"{where}: the request needs a 'method' and a 'uri'")
    headers = _headers_in(req.get("headers"), where)
    body, headers = _decode_encoding(_body_in(req, where), headers)
    return RecordedRequest(method.upper(), uri, headers, body)


def _response_in(resp: Mapping[str, Any], where: str) -> RecordedResponse:
    status, reason = _status_in(resp, where)
    headers = _headers_in(resp.get("headers"), where)
    if "websocket" in resp:
        return RecordedResponse(status, reason, headers, frames=_frames_in(resp["websocket"], where), cut=bool(resp.get("cut")))
    if "events" in resp:
        return RecordedResponse(status, reason, headers, events=_events_in(resp["events"], where), cut=bool(resp.get("cut")))
    body, headers = _decode_encoding(_body_in(resp, where), headers)
    content_type = next((v for n, v in headers if n.lower() == "content-type"), "")
    response = RecordedResponse(status, reason, headers, body)
    if "text/event-stream" in content_type:
        events, rest = split_events(body)
        response.events, response.cut = events, bool(rest.strip())
        response.body = b""
    return response


def normalize_interaction(raw: Any, where: str) -> Interaction:
    """One interaction from any supported layout."""
    if not isinstance(raw, Mapping) or not isinstance(raw.get("request"), Mapping) or not isinstance(raw.get("response"), Mapping):
        raise CassetteFormatError(f"{where}: an interaction needs a 'request' and a 'response' mapping")
    return Interaction(_request_in(raw["request"], where), _response_in(raw["response"], where))


# Python tags that cassettes recorded through aiohttp clients carry (multidict's case-insensitive
# header names): harmless, they are strings. Any other Python tag is refused, never constructed.
_STRING_TAGS = (
    "tag:yaml.org,2002:python/object/apply:multidict._multidict.istr",
    "tag:yaml.org,2002:python/object/apply:multidict._multidict_py.istr",
    "tag:yaml.org,2002:python/object/apply:multidict.istr",
)
_LOADER: Any = None


def _safe_loader() -> Any:
    """A safe loader (libyaml's when present: ~10x faster) that also reads the harmless tags above."""
    global _LOADER
    if _LOADER is None:
        import yaml

        base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        loader: Any = type("CassetteLoader", (base,), {})

        def as_string(constructor: Any, node: Any) -> str:
            values = constructor.construct_sequence(node) if isinstance(node, yaml.SequenceNode) else [constructor.construct_scalar(node)]
            if len(values) != 1 or not isinstance(values[0], str):
                raise yaml.constructor.ConstructorError(None, None, f"{node.tag} should hold one string", node.start_mark)
            return values[0]

        for tag in _STRING_TAGS:
            loader.add_constructor(tag, as_string)
        _LOADER = loader
    return _LOADER


def _yaml_load(text: str, source: str) -> Any:
    import yaml

    try:
        return yaml.load(text, Loader=_safe_loader())  # a safe loader: no tags that construct objects, nothing executes
    except yaml.constructor.ConstructorError as error:
        raise CassetteFormatError(
            f"{source}: the YAML holds a tag this loader will not construct ({error.problem}); "
            "only plain YAML and multidict's istr header names are read"
        ) from None
    except yaml.YAMLError as error:
        raise CassetteFormatError(f"{source}: not valid YAML: {error}") from None


_FAST_HEAD = f"{FORMAT_KEY}: {FORMAT_VERSION}\ninteractions:\n- request:\n"


def _node_value(node: Any) -> Any:
    import yaml

    if isinstance(node, yaml.ScalarNode):
        tag = node.tag
        if tag.endswith(":str"):
            return node.value
        if tag.endswith(":int"):
            return int(node.value, 0) if node.value.startswith(("0x", "0o")) else int(node.value)
        if tag.endswith(":float"):
            return float(node.value)
        if tag.endswith(":bool"):
            return node.value.lower() in ("true", "yes", "on")
        if tag.endswith(":null"):
            return None
        return node.value
    if isinstance(node, yaml.SequenceNode):
        return [_node_value(item) for item in node.value]
    return {_node_value(key): _node_value(value) for key, value in node.value}


def _yaml_load_own(text: str, source: str) -> Any:
    """Files this harness wrote (plain tags, no merge keys or binary): libyaml builds the node tree
    and a small converter does the rest, about twice as fast as PyYAML's constructor."""
    import yaml

    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        raise CassetteFormatError(f"{source}: not valid YAML: {error}") from None
    return None if node is None else _node_value(node)


def _loads_lazily(text: str, source: str) -> list[Interaction] | None:
    """This harness's own files, split by interaction: requests are read now, each response only
    when it is first played (a 2,000-interaction cassette loads in a fraction of the time)."""
    items = text[len(_FAST_HEAD) - len("- request:\n") :].split("\n- request:\n")
    items[0] = items[0][len("- request:\n") :]
    requests_text, responses_text = [], []
    for item in items:
        head, separator, tail = item.partition("\n  response:\n")
        if not separator:
            return None
        requests_text.append("- request:\n" + head + "\n")
        responses_text.append(tail + "\n")  # the split took the line break that ends a block scalar's last line
    raw_requests = _yaml_load_own("".join(requests_text), source)
    if not isinstance(raw_requests, list) or len(raw_requests) != len(items):
        return None
    interactions = []
    for index, (raw, response_text) in enumerate(zip(raw_requests, responses_text)):
        where = f"{source}: interaction {index}"
        if not isinstance(raw, Mapping) or not isinstance(raw.get("request"), Mapping):
            raise CassetteFormatError(f"{where}: an interaction needs a 'request' mapping")

        def load_response(response_text: str = response_text, where: str = where) -> RecordedResponse:
            data = _yaml_load_own("response:\n" + response_text, where)
            if not isinstance(data, Mapping) or not isinstance(data.get("response"), Mapping):
                raise CassetteFormatError(f"{where}: an interaction needs a 'response' mapping")
            return _response_in(data["response"], where)

        interactions.append(Interaction(_request_in(raw["request"], where), load_response=load_response))
    return interactions


def loads_cassette(text: str, source: str = "<cassette>", *, lazy: bool = False) -> list[Interaction]:
    """Interactions from cassette text; ``lazy`` reads this harness's own files response by response."""
    if lazy and text.startswith(_FAST_HEAD):
        interactions = _loads_lazily(text, source)
        if interactions is not None:
            return interactions
    data = _yaml_load(text, source)
    if data is None:
        return []
    if isinstance(data, list):  # JSON-style or pre-1.0 vcrpy: a bare list of interactions
        data = {"interactions": data}
    elif isinstance(data, Mapping) and "interactions" not in data and isinstance(data.get("request"), Mapping) and isinstance(data.get("response"), Mapping):
        data = {"interactions": [data]}  # tools that write one interaction per file
    if not isinstance(data, Mapping):
        raise CassetteFormatError(f"{source}: a cassette must be a mapping with 'interactions', got {type(data).__name__}")
    version = data.get(FORMAT_KEY)
    if version is not None and version != FORMAT_VERSION:
        raise CassetteFormatError(f"{source}: format version {version!r} is not supported (this harness reads {FORMAT_VERSION})")
    raw_interactions = data.get("interactions")
    if raw_interactions is None:
        raise CassetteFormatError(f"{source}: no 'interactions' list")
    if not isinstance(raw_interactions, list):
        raise CassetteFormatError(f"{source}: 'interactions' must be a list")
    return [normalize_interaction(raw, f"{source}: interaction {index}") for index, raw in enumerate(raw_interactions)]


def load_cassette(path: str | pathlib.Path, *, lazy: bool = False) -> list[Interaction]:
    path = pathlib.Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CassetteFormatError(f"{path}: no such cassette") from None
    except UnicodeDecodeError as error:
        raise CassetteFormatError(f"{path}: not UTF-8 text ({error})") from None
    if path.suffix == ".json":
        try:
            data = loads_json(text)
        except ValueError as error:
            raise CassetteFormatError(f"{path}: not valid JSON: {error}") from None
        text = json.dumps(data)  # JSON is YAML
    return loads_cassette(text, str(path), lazy=lazy)
