"""``cassette show --html``: a cassette drawn as one self-contained page.

Each exchange is shown as a conversation (the prompt's messages, the answer, tool calls and their
arguments); a stream as a timeline of its events over time, with a cut marked where the recording
was cut. The page carries its data as JSON and draws it with a little script, using text nodes
only: whatever a cassette holds is shown, never run. Nothing is loaded from anywhere else.
"""

from __future__ import annotations

import html
import json
from typing import Any

from .cassettes import Event, Interaction
from .cassettes._model import Frame

__all__ = ["cassette_page", "exchange_summary"]

_TEXT_LIMIT = 4000  # characters of one message shown; a longer one says how much was left out


def _clip(text: str) -> str:
    return text if len(text) <= _TEXT_LIMIT else text[:_TEXT_LIMIT] + f" ... ({len(text) - _TEXT_LIMIT} more characters)"


def _content_text(content: Any) -> str:
    """A message's content as text: a string, or parts (text kept, others named)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        pieces = []
        for part in content:
            if isinstance(part, dict):
                kind = str(part.get("type", ""))
                if isinstance(part.get("text"), str):
                    pieces.append(part["text"])
                elif kind:
                    pieces.append(f"[{kind}]")
            elif isinstance(part, str):
                pieces.append(part)
        return "\n".join(pieces)
    return json.dumps(content, ensure_ascii=False)


def _tool_call(name: Any, arguments: Any) -> dict[str, str]:
    return {"name": str(name or "?"), "arguments": _clip(arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False))}


def _prompt(body: Any) -> list[dict[str, Any]]:
    """The request's conversation: chat ``messages``, or a Responses ``instructions`` and ``input``."""
    if not isinstance(body, dict):
        return []
    turns: list[dict[str, Any]] = []
    if isinstance(body.get("instructions"), str):
        turns.append({"role": "instructions", "text": _clip(body["instructions"])})
    messages = body.get("messages")
    if isinstance(messages, list):
        for message in messages:
            if not isinstance(message, dict):
                continue
            calls = [_tool_call((c.get("function") or {}).get("name"), (c.get("function") or {}).get("arguments")) for c in message.get("tool_calls") or [] if isinstance(c, dict)]
            turns.append({"role": str(message.get("role", "?")), "text": _clip(_content_text(message.get("content"))), "tool_calls": calls})
    items = body.get("input")
    if isinstance(items, str):
        turns.append({"role": "user", "text": _clip(items)})
    elif isinstance(items, list):
        for item in items:
            if not isinstance(item, dict):
                continue
            kind = item.get("type")
            if kind == "function_call":
                turns.append({"role": "assistant", "text": "", "tool_calls": [_tool_call(item.get("name"), item.get("arguments"))]})
            elif kind == "function_call_output":
                turns.append({"role": "tool", "text": _clip(_content_text(item.get("output")))})
            else:
                turns.append({"role": str(item.get("role", kind or "?")), "text": _clip(_content_text(item.get("content")))})
    if not turns and isinstance(body.get("prompt"), str):
        turns.append({"role": "user", "text": _clip(body["prompt"])})
    return turns


def _answer_from_json(body: Any) -> dict[str, Any]:
    answer: dict[str, Any] = {"text": "", "tool_calls": []}
    if not isinstance(body, dict):
        return answer
    if isinstance(body.get("error"), dict):
        answer["error"] = str(body["error"].get("message", ""))
    for choice in body.get("choices") or []:
        if not isinstance(choice, dict):
            continue
        message = choice.get("message") or {}
        if isinstance(message, dict):
            answer["text"] += _content_text(message.get("content"))
            for call in message.get("tool_calls") or []:
                if isinstance(call, dict):
                    function = call.get("function") or {}
                    answer["tool_calls"].append(_tool_call(function.get("name"), function.get("arguments")))
        if isinstance(choice.get("text"), str):
            answer["text"] += choice["text"]
    for item in body.get("output") or []:
        if not isinstance(item, dict):
            continue
        if item.get("type") == "message":
            answer["text"] += _content_text(item.get("content"))
        elif item.get("type") == "function_call":
            answer["tool_calls"].append(_tool_call(item.get("name"), item.get("arguments")))
    answer["text"] = _clip(answer["text"])
    return answer


def _answer_from_events(events: list[Event]) -> dict[str, Any]:
    """What a stream said, put together: chat deltas, or Responses text and function calls."""
    text: list[str] = []
    calls: dict[int, dict[str, str]] = {}
    final: Any = None
    error = None
    for event in events:
        try:
            data = json.loads(event.data)
        except ValueError:
            continue
        if not isinstance(data, dict):
            continue
        if isinstance(data.get("error"), dict):
            error = str(data["error"].get("message", ""))
        for choice in data.get("choices") or []:
            delta = choice.get("delta") if isinstance(choice, dict) else None
            if not isinstance(delta, dict):
                continue
            if isinstance(delta.get("content"), str):
                text.append(delta["content"])
            for call in delta.get("tool_calls") or []:
                if not isinstance(call, dict):
                    continue
                slot = calls.setdefault(int(call.get("index", len(calls))), {"name": "", "arguments": ""})
                function = call.get("function") or {}
                slot["name"] += str(function.get("name") or "")
                slot["arguments"] += str(function.get("arguments") or "")
        kind = data.get("type")
        if kind == "response.output_text.delta" and isinstance(data.get("delta"), str):
            text.append(data["delta"])
        elif kind in ("response.completed", "response.incomplete", "response.failed") and isinstance(data.get("response"), dict):
            final = data["response"]
    answer: dict[str, Any] = {"text": _clip("".join(text)), "tool_calls": [_tool_call(c["name"], c["arguments"]) for _, c in sorted(calls.items())]}
    if final is not None:
        whole = _answer_from_json(final)
        answer["tool_calls"] = answer["tool_calls"] or whole["tool_calls"]
        answer["text"] = answer["text"] or whole["text"]
    if error:
        answer["error"] = error
    return answer


def _event_label(event: Event) -> str:
    try:
        data = json.loads(event.data)
    except ValueError:
        return event.event or event.data[:40]
    if isinstance(data, dict):
        if isinstance(data.get("type"), str):
            return str(data["type"])
        if isinstance(data.get("error"), dict):
            return "error"
        for choice in data.get("choices") or []:
            delta = choice.get("delta") if isinstance(choice, dict) else None
            if isinstance(delta, dict) and delta.get("content"):
                return repr(delta["content"])[:40]
            if isinstance(delta, dict) and delta.get("tool_calls"):
                return "tool call delta"
        return event.event or str(data.get("object", "event"))
    return event.event or "event"


def _session_summary(frames: list[Frame], cut: bool) -> dict[str, Any]:
    """A Realtime session as the page draws it: what the user said, what came back, and the
    messages of both directions on one timeline."""
    prompt: list[dict[str, Any]] = []
    text: list[str] = []
    calls: list[dict[str, str]] = []
    error = None
    labels = []
    for frame in frames:
        event = frame.json()
        kind = str(event.get("type")) if isinstance(event, dict) else frame.data[:40]
        labels.append({"offset_ms": frame.offset_ms, "label": f"{frame.sender}: {kind}", "sender": frame.sender})
        if not isinstance(event, dict):
            continue
        if frame.sender == "client" and kind == "conversation.item.create":
            item = event.get("item") or {}
            if item.get("type") == "message":
                prompt.append({"role": str(item.get("role", "user")), "text": _clip(_content_text(item.get("content"))), "tool_calls": []})
        elif kind in ("response.output_text.delta", "response.output_audio_transcript.delta"):
            text.append(str(event.get("delta", "")))
        elif kind == "response.function_call_arguments.done":
            calls.append(_tool_call(event.get("name"), event.get("arguments")))
        elif kind == "error" and isinstance(event.get("error"), dict):
            error = str(event["error"].get("message", ""))
    timed = bool(frames) and all(frame.offset_ms is not None for frame in frames)
    answer: dict[str, Any] = {"text": _clip("".join(text)), "tool_calls": calls}
    if error:
        answer["error"] = error
    return {"prompt": prompt, "answer": answer, "stream": {"timed": timed, "cut": cut, "events": labels, "session": True}}


def exchange_summary(number: int, interaction: Interaction) -> dict[str, Any]:
    """One exchange as the page draws it (plain JSON-able data)."""
    request, response = interaction.request, interaction.response
    body = request.json()
    summary: dict[str, Any] = {
        "number": number,
        "method": request.method,
        "path": request.path,
        "status": response.status,
        "model": str(body.get("model")) if isinstance(body, dict) and body.get("model") is not None else None,
        "prompt": _prompt(body),
    }
    if response.frames is not None:
        summary.update(_session_summary(response.frames, response.cut))
    elif response.events is not None:
        offsets = [event.offset_ms for event in response.events]
        timed = all(offset is not None for offset in offsets) and bool(offsets)
        summary["stream"] = {
            "timed": timed,
            "cut": response.cut,
            "events": [{"offset_ms": event.offset_ms, "label": _event_label(event)} for event in response.events],
        }
        summary["answer"] = _answer_from_events(response.events)
    else:
        content_type = response.header("content-type") or ""
        try:
            parsed = json.loads(response.body) if response.body else None
        except ValueError:
            parsed = None
        if parsed is not None:
            summary["answer"] = _answer_from_json(parsed)
        elif response.body:
            kind = "text" if content_type.startswith("text/") else "binary"
            summary["answer"] = {"text": f"[{kind} body, {len(response.body)} bytes, {content_type or 'no content type'}]", "tool_calls": []}
        else:
            summary["answer"] = {"text": "", "tool_calls": []}
    return summary


def cassette_page(title: str, interactions: list[Interaction]) -> str:
    """The whole page, self-contained (no request leaves it: no external script, style or image)."""
    data = {"title": title, "exchanges": [exchange_summary(number, interaction) for number, interaction in enumerate(interactions)]}
    # Inside <script>, "</script>" or "<!--" in a string would change how the page is parsed; "<"
    # only occurs inside JSON strings, where \u003c reads the same to JSON.parse.
    payload = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return _PAGE.replace("__TITLE__", html.escape(title)).replace("__DATA__", payload)


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>__TITLE__</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #1d1d1f; }
h1 { font-size: 1.3em; }
.exchange { border: 1px solid #d0d0d7; border-radius: 8px; margin: 1.2em 0; padding: 0.8em 1em; }
.head { font-family: ui-monospace, monospace; font-weight: 600; }
.status-ok { color: #17692a; } .status-error { color: #b00020; }
.turn { margin: 0.4em 0; padding: 0.4em 0.7em; border-radius: 6px; background: #f4f4f7; white-space: pre-wrap; }
.turn .role { font-size: 0.8em; text-transform: uppercase; color: #666; display: block; }
.turn.answer { background: #e8f1ff; }
.tool { font-family: ui-monospace, monospace; font-size: 0.9em; background: #fff6e0; padding: 0.2em 0.4em; border-radius: 4px; display: block; margin-top: 0.3em; }
.error { color: #b00020; font-weight: 600; }
.timeline { position: relative; height: 34px; margin: 0.6em 0 0.2em; border-bottom: 2px solid #888; }
.tick { position: absolute; bottom: 0; width: 2px; height: 22px; background: #3465d9; }
.tick.client { height: 12px; background: #c07a00; }
.cut { position: absolute; bottom: -4px; height: 34px; width: 3px; background: #b00020; }
.cut-label { color: #b00020; font-weight: 600; }
.axis { font-size: 0.8em; color: #666; display: flex; justify-content: space-between; }
details { margin-top: 0.3em; } summary { cursor: pointer; color: #555; }
ol.events { font-family: ui-monospace, monospace; font-size: 0.85em; }
</style>
</head>
<body>
<h1 id="title"></h1>
<p id="overview"></p>
<div id="exchanges"></div>
<script id="cassette-data" type="application/json">__DATA__</script>
<script>
"use strict";
const data = JSON.parse(document.getElementById("cassette-data").textContent);
function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}
function turn(role, text, calls, cls) {
  const box = el("div", "turn" + (cls ? " " + cls : ""));
  box.appendChild(el("span", "role", role));
  if (text) box.appendChild(document.createTextNode(text));
  for (const call of calls || []) box.appendChild(el("span", "tool", "tool call " + call.name + "(" + call.arguments + ")"));
  return box;
}
function timeline(stream) {
  const wrap = el("div", "stream");
  const events = stream.events;
  const span = stream.timed && events.length ? Math.max(events[events.length - 1].offset_ms, 1) : Math.max(events.length - 1, 1);
  const line = el("div", "timeline");
  events.forEach((event, index) => {
    const at = stream.timed ? event.offset_ms : index;
    const tick = el("div", event.sender === "client" ? "tick client" : "tick");
    tick.style.left = (100 * at / span).toFixed(2) + "%";
    tick.title = (stream.timed ? event.offset_ms.toFixed(1) + " ms: " : "") + event.label;
    line.appendChild(tick);
  });
  if (stream.cut) {
    const cut = el("div", "cut");
    cut.style.left = "100%";
    cut.title = "the recording was cut here";
    line.appendChild(cut);
  }
  wrap.appendChild(line);
  const axis = el("div", "axis");
  axis.appendChild(el("span", "", stream.timed ? "0 ms" : "first event"));
  const noun = stream.session ? " messages (WebSocket session: server above, client below)" : " events";
  axis.appendChild(el("span", "", events.length + noun + (stream.timed ? " over " + span.toFixed(0) + " ms" : " (no timing recorded)")));
  wrap.appendChild(axis);
  if (stream.cut) wrap.appendChild(el("div", "cut-label", "Stream cut after " + events.length + " events: the recording ends without the stream's end"));
  const details = el("details");
  details.appendChild(el("summary", "", "events"));
  const list = el("ol", "events");
  for (const event of events) list.appendChild(el("li", "", (event.offset_ms === null ? "" : event.offset_ms.toFixed(1) + " ms  ") + event.label));
  details.appendChild(list);
  wrap.appendChild(details);
  return wrap;
}
document.getElementById("title").textContent = data.title;
document.title = data.title;
const streams = data.exchanges.filter(x => x.stream).length;
document.getElementById("overview").textContent = data.exchanges.length + " exchanges, " + streams + " streamed";
const root = document.getElementById("exchanges");
for (const x of data.exchanges) {
  const box = el("section", "exchange");
  box.id = "exchange-" + x.number;
  const head = el("div", "head");
  head.appendChild(el("span", "", "#" + x.number + " " + x.method + " " + x.path + (x.model ? "  (" + x.model + ")" : "") + "  "));
  head.appendChild(el("span", x.status < 400 ? "status-ok" : "status-error", "-> " + x.status));
  box.appendChild(head);
  for (const t of x.prompt) box.appendChild(turn(t.role, t.text, t.tool_calls));
  if (x.answer.error) box.appendChild(el("div", "error", "error: " + x.answer.error));
  if (x.answer.text || x.answer.tool_calls.length) box.appendChild(turn("answer", x.answer.text, x.answer.tool_calls, "answer"));
  if (x.stream) box.appendChild(timeline(x.stream));
  root.appendChild(box);
}
document.body.dataset.rendered = String(data.exchanges.length);
</script>
</body>
</html>
"""
