"""Seeding and exporting the server's state, so a test can start from a known world.

``export_state()`` gives a JSON-able snapshot that ``load_state()`` restores exactly. ``load_state()``
also takes a short hand-written form (a dict, or a JSON or YAML file)::

    {"models": ["ft:gpt-4o:acme::1"],
     "files": [{"filename": "train.jsonl", "purpose": "fine-tune", "content": "{...}\\n"}]}
"""

from __future__ import annotations

import base64
import copy
import json
import pathlib
from typing import Any

from ._state import State, clock_seconds

__all__ = ["FORMAT", "export_state", "load_state"]

FORMAT = "openai-harness-state/1"


def export_state(state: State) -> dict[str, Any]:
    with state.lock:
        return {
            "format": FORMAT,
            "clock_offset": state.clock_offset,
            "durations": dict(state.durations),
            "rng": list(_jsonable(state._rng.getstate())),
            "models": copy.deepcopy(list(state.models.values())),
            "objects": _bytes_out(state.objects),
            "blobs": {key: base64.b64encode(value).decode("ascii") for key, value in state.blobs.items()},
            "chat_completions": copy.deepcopy(state.chat_completions),
            "responses": copy.deepcopy(state.responses),
        }


_BYTES_KEY = "__base64__"


def _bytes_out(value: Any) -> Any:
    """A JSON-able copy: bytes an object holds (an upload's parts) as ``{"__base64__": ...}``."""
    if isinstance(value, (bytes, bytearray)):
        return {_BYTES_KEY: base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict):
        return {key: _bytes_out(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_bytes_out(item) for item in value]
    return copy.deepcopy(value)


def _bytes_in(value: Any) -> Any:
    if isinstance(value, dict):
        if len(value) == 1 and isinstance(value.get(_BYTES_KEY), str):
            return base64.b64decode(value[_BYTES_KEY])
        return {key: _bytes_in(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_bytes_in(item) for item in value]
    return value


def _jsonable(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_jsonable(item) for item in value]
    return value


def _tuple(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuple(item) for item in value)
    return value


def load_state(state: State, source: dict[str, Any] | str | pathlib.Path) -> None:
    """Replace the state with an export, or add what a short seed describes."""
    data = _read(source) if not isinstance(source, dict) else source
    if not isinstance(data, dict):
        raise ValueError("State to load must be a mapping (or a JSON/YAML file holding one)")
    if data.get("format") == FORMAT:
        _load_export(state, data)
        return
    unknown = set(data) - {"models", "files", "durations", "clock_offset"}
    if unknown:
        raise ValueError(f"Unknown seed key(s) {sorted(unknown)}; a seed takes models, files, durations and clock_offset (or a full export)")
    _check_seed(data)
    from ._files_api import create_file

    if "clock_offset" in data:
        state.clock_offset = float(data["clock_offset"])
    state.durations.update(data.get("durations") or {})
    for model in data.get("models") or []:
        if isinstance(model, str):
            state.add_model(model)
        else:
            state.add_model(model["id"], owned_by=model.get("owned_by", "user"), created=model.get("created"))
    for file in data.get("files") or []:
        if "content_base64" in file:
            content = base64.b64decode(file["content_base64"])
        else:
            content = str(file.get("content", "")).encode("utf-8")
        created = create_file(state, content, file.get("filename", "seed.txt"), file.get("purpose", "user_data"))
        if file.get("id"):
            with state.lock:
                store = state.store("file")
                del store[created["id"]]
                state.blobs[file["id"]] = state.blobs.pop(created["id"])
                created["id"] = file["id"]
                store[file["id"]] = created


def _load_export(state: State, data: dict[str, Any]) -> None:
    """Restore an export, all or nothing: every part is read before the state changes."""
    try:
        clock_offset = clock_seconds(data["clock_offset"], "clock_offset")
        durations = _durations(data.get("durations") or {})
        rng = _tuple(data["rng"])
        models = {model["id"]: model for model in _list(data["models"], "models")}
        objects = _bytes_in(copy.deepcopy(data["objects"]))
        blobs = {key: base64.b64decode(value, validate=True) for key, value in data["blobs"].items()}
        chat_completions = copy.deepcopy(data["chat_completions"])
        responses = copy.deepcopy(data["responses"])
        if not all(isinstance(part, dict) for part in (objects, chat_completions, responses)):
            raise ValueError("objects, chat_completions and responses must be mappings")
        probe = __import__("random").Random()
        probe.setstate(rng)  # a generator state that does not restore is refused here, not half-way
    except KeyError as missing:
        raise ValueError(f"Not a complete {FORMAT} export: {missing} is missing") from None
    except (TypeError, AttributeError, ValueError, IndexError) as error:
        raise ValueError(f"Not a valid {FORMAT} export: {error}") from None
    with state.lock:
        state.reset()
        state.clock_offset = clock_offset
        state.durations.update(durations)
        state._rng.setstate(rng)
        state.models = models
        state.objects = objects
        state.blobs = blobs
        state.chat_completions = chat_completions
        state.responses = responses


def _check_seed(data: dict[str, Any]) -> None:
    """Refuse a seed that does not fit its documented shape, naming the first problem."""
    if "clock_offset" in data:
        clock_seconds(data["clock_offset"], "clock_offset")
    _durations(data.get("durations") or {})
    for index, model in enumerate(_list(data.get("models") or [], "models")):
        where = f"models[{index}]"
        if isinstance(model, dict):
            _text(model.get("id"), f"{where}.id")
            if "owned_by" in model:
                _text(model["owned_by"], f"{where}.owned_by")
            if model.get("created") is not None and (not isinstance(model["created"], int) or isinstance(model["created"], bool)):
                raise ValueError(f"{where}.created must be an integer (seconds since the epoch)")
        else:
            _text(model, where)
    for index, file in enumerate(_list(data.get("files") or [], "files")):
        where = f"files[{index}]"
        if not isinstance(file, dict):
            raise ValueError(f"{where} must be a mapping (filename, purpose, content or content_base64, id)")
        unknown = set(file) - {"filename", "purpose", "content", "content_base64", "id"}
        if unknown:
            raise ValueError(f"{where} has unknown key(s) {sorted(unknown)}; a file takes filename, purpose, content or content_base64, and id")
        if "content" in file and "content_base64" in file:
            raise ValueError(f"{where} has both content and content_base64; give one")
        for key in ("filename", "purpose", "id", "content", "content_base64"):
            if key in file:
                _text(file[key], f"{where}.{key}", empty=key in ("content", "content_base64"))
        if "content_base64" in file:
            try:
                base64.b64decode(file["content_base64"], validate=True)
            except ValueError:
                raise ValueError(f"{where}.content_base64 is not base64") from None


def _list(value: Any, where: str) -> list[Any]:
    if not isinstance(value, list):
        raise ValueError(f"{where} must be a list, got {type(value).__name__}")
    return value


def _text(value: Any, where: str, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not value and not empty):
        raise ValueError(f"{where} must be a{'' if empty else ' non-empty'} string, got {type(value).__name__}")
    return value


def _durations(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ValueError(f"durations must be a mapping of status name to seconds, got {type(value).__name__}")
    from ._state import DEFAULT_DURATIONS

    unknown = set(value) - set(DEFAULT_DURATIONS)
    if unknown:
        raise ValueError(f"Unknown duration(s) {sorted(unknown)}; the server times {', '.join(sorted(DEFAULT_DURATIONS))}")
    durations = {name: clock_seconds(seconds, f"durations.{name}") for name, seconds in value.items()}
    return durations


def _read(path: str | pathlib.Path) -> Any:
    path = pathlib.Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        import yaml

        return yaml.safe_load(text)
    return json.loads(text)
