"""``/embeddings`` (deterministic unit vectors for each input, ``dimensions``, base64) and
``/moderations`` (flags from a small word list, every category reported)."""

from __future__ import annotations

import base64
import hashlib
import math
import random
import struct
from typing import Any

from ._app import AppRequest, HTTPError, Reply, Router, error_reply, json_reply
from ._replies import count_tokens
from ._state import State

__all__ = ["register", "vector_for"]

_DIMENSIONS = {"text-embedding-3-large": 3072}
_CATEGORIES = {
    "harassment": ("idiot", "loser"),
    "harassment/threatening": ("i will hurt you",),
    "hate": ("hate you",),
    "hate/threatening": (),
    "illicit": ("steal",),
    "illicit/violent": ("build a bomb",),
    "self-harm": ("hurt myself",),
    "self-harm/intent": ("want to die",),
    "self-harm/instructions": (),
    "sexual": ("explicit",),
    "sexual/minors": (),
    "violence": ("kill", "attack"),
    "violence/graphic": ("gore",),
}


def vector_for(text: str, dimensions: int) -> list[float]:
    """A unit vector derived from the text alone: equal inputs, equal vectors."""
    rng = random.Random(hashlib.sha256(text.encode("utf-8")).digest())
    values = [rng.gauss(0.0, 1.0) for _ in range(dimensions)]
    norm = math.sqrt(sum(v * v for v in values)) or 1.0
    return [round(v / norm, 6) for v in values]


def _inputs(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, int) for v in value):
        return [" ".join(map(str, value))]
    if isinstance(value, list):
        return [v if isinstance(v, str) else " ".join(map(str, v)) for v in value]
    raise HTTPError(error_reply(400, "Invalid 'input': expected a string or an array.", param="input", code="invalid_type"))


def _embeddings(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    texts = _inputs(body["input"])
    native = _DIMENSIONS.get(body["model"], 1536)
    dimensions = int(body.get("dimensions") or native)
    if dimensions > native:
        raise HTTPError(error_reply(400, f"Invalid value for 'dimensions' = {dimensions}. Must be less than or equal to {native}.", param="dimensions", code="invalid_value"))
    data = []
    for index, text in enumerate(texts):
        vector = vector_for(text, dimensions)
        embedding: Any = base64.b64encode(struct.pack(f"<{dimensions}f", *vector)).decode() if body.get("encoding_format") == "base64" else vector
        data.append({"object": "embedding", "index": index, "embedding": embedding})
    tokens = sum(count_tokens(text) for text in texts)
    return json_reply({"object": "list", "data": data, "model": body["model"], "usage": {"prompt_tokens": tokens, "total_tokens": tokens}})


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    texts = []
    for item in value:
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict):
            texts.append(str(item.get("text", "")))
    return texts


def _moderations(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    results = []
    for text in _texts(body["input"]):
        lower = text.lower()
        categories = {name: any(word in lower for word in words) for name, words in _CATEGORIES.items()}
        scores = {name: (0.97 if flagged else 0.0004) for name, flagged in categories.items()}
        applied = {name: ["text"] for name in _CATEGORIES}
        results.append({"flagged": any(categories.values()), "categories": categories, "category_scores": scores, "category_applied_input_types": applied})
    return json_reply({"id": state.new_id("modr-"), "model": body.get("model") or "omni-moderation-latest", "results": results})


def register(router: Router) -> None:
    router.add("POST", "/embeddings", _embeddings)
    router.add("POST", "/moderations", _moderations)
