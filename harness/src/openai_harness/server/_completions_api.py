"""``/completions``: the legacy text completions endpoint, plain and streamed."""

from __future__ import annotations

from typing import Any

from ._app import AppRequest, HTTPError, Reply, Router, error_reply, json_reply
from ._replies import ChatReply, count_tokens
from ._state import State

__all__ = ["register"]


def _prompt_text(prompt: Any) -> str:
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, list) and all(isinstance(item, str) for item in prompt):
        return " ".join(prompt)
    if isinstance(prompt, list):
        return " ".join(str(item) for item in prompt)  # token arrays: counted, not decoded
    raise HTTPError(error_reply(400, "Invalid 'prompt': expected a string or an array.", param="prompt", code="invalid_type"))


def create(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    if not isinstance(body.get("model"), str):
        raise HTTPError(error_reply(400, "Missing required parameter: 'model'.", param="model", code="missing_required_parameter"))
    if "prompt" not in body:
        raise HTTPError(error_reply(400, "Missing required parameter: 'prompt'.", param="prompt", code="missing_required_parameter"))
    prompt = _prompt_text(body["prompt"])
    scripted = request.scripted
    if scripted is not None and not isinstance(scripted, ChatReply):
        raise TypeError(f"Unsupported scripted reply for /completions: {scripted!r}")
    reply = scripted or ChatReply(content=f"You said: {prompt}")
    text = reply.content or ""
    if body.get("echo"):
        text = prompt + text
    n = body.get("n") or 1
    completion_tokens = count_tokens(text) * n
    prompt_tokens = count_tokens(prompt)
    finish = reply.finish_reason or "stop"
    completion = {
        "id": state.new_id("cmpl-", 29),
        "object": "text_completion",
        "created": state.now(),
        "model": reply.model or body["model"],
        "choices": [{"text": text, "index": index, "logprobs": None, "finish_reason": finish} for index in range(n)],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": completion_tokens, "total_tokens": prompt_tokens + completion_tokens},
        "system_fingerprint": "fp_harness",
    }
    if body.get("stream"):
        from ._streaming import completion_stream_reply

        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        return completion_stream_reply(completion, text, include_usage)
    return json_reply(completion)


def register(router: Router) -> None:
    router.add("POST", "/completions", create)
