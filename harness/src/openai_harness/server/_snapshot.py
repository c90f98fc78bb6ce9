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

from ._state import State

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
        with state.lock:
            state.reset()
            state.clock_offset = float(data["clock_offset"])
            state.durations.update(data.get("durations") or {})
            state._rng.setstate(_tuple(data["rng"]))
            state.models = {model["id"]: model for model in data["models"]}
            state.objects = _bytes_in(copy.deepcopy(data["objects"]))
            state.blobs = {key: base64.b64decode(value) for key, value in data["blobs"].items()}
            state.chat_completions = copy.deepcopy(data["chat_completions"])
            state.responses = copy.deepcopy(data["responses"])
        return
    unknown = set(data) - {"models", "files", "durations", "clock_offset"}
    if unknown:
        raise ValueError(f"Unknown seed key(s) {sorted(unknown)}; a seed takes models, files, durations and clock_offset (or a full export)")
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


def _read(path: str | pathlib.Path) -> Any:
    path = pathlib.Path(path)
    text = path.read_text(encoding="utf-8")
    if path.suffix in (".yaml", ".yml"):
        import yaml

        return yaml.safe_load(text)
    return json.loads(text)
