"""Videos as the API runs them: created ``queued``, then ``in_progress`` with a rising ``progress``,
then ``completed`` on the server's clock (``videos_queued`` and ``videos_in_progress`` durations),
so ``videos.poll`` / ``create_and_poll`` finish; listed with cursors, remixed, deleted, and their
content served as placeholder MP4 bytes once they are done."""

from __future__ import annotations

from typing import Any

from ._app import AppRequest, HTTPError, Reply, Router, error_reply, json_reply
from ._paging import cursor_page
from ._spec import placeholder_bytes, request_fields
from ._state import State
from ._store import find, public, put, remove, stage

__all__ = ["register"]

_KIND = "video"
_STAGES = (("queued", "videos_queued"), ("in_progress", "videos_in_progress"))
_EXPIRY = 24 * 3600  # content is kept a day, as the API documents


def _view(state: State, video: dict[str, Any]) -> dict[str, Any]:
    """The video as it stands now on the clock."""
    status, since = stage(state, video["created_at"], _STAGES, "completed")
    view = public(video)
    view["status"] = status
    if status == "queued":
        view["progress"] = 0
    elif status == "in_progress":
        duration = state.durations.get("videos_in_progress", 0.0) or 1.0
        view["progress"] = min(99, int(100 * (state.now() - since) / duration))
    else:
        view["progress"] = 100
        view["completed_at"] = int(since)
        view["expires_at"] = int(since) + _EXPIRY
    return view


def _new(state: State, fields: dict[str, Any], remixed_from: str | None = None) -> dict[str, Any]:
    prompt = fields.get("prompt")
    if not isinstance(prompt, str) or not prompt:
        raise HTTPError(error_reply(400, "Missing required parameter: 'prompt'.", param="prompt", code="missing_required_parameter"))
    video = {
        "id": state.new_id("video_"),
        "object": "video",
        "model": str(fields.get("model") or "sora-2"),
        "status": "queued",
        "progress": 0,
        "created_at": state.now(),
        "completed_at": None,
        "expires_at": None,
        "prompt": prompt,
        "size": str(fields.get("size") or "720x1280"),
        "seconds": str(fields.get("seconds") or "4"),
        "remixed_from_video_id": remixed_from,
        "error": None,
    }
    return put(state, _KIND, video)


def _create(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    return json_reply(_view(state, _new(state, request_fields(request))))


def _retrieve(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    return json_reply(_view(state, find(state, _KIND, params["video_id"], "video", "video_id")))


def _list(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    videos = [_view(state, video) for video in sorted(state.store(_KIND).values(), key=lambda item: item["created_at"])]
    return json_reply(cursor_page(request, videos, default_order="desc"))


def _delete(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    video = remove(state, _KIND, params["video_id"], "video", "video_id")
    return json_reply({"id": video["id"], "object": "video.deleted", "deleted": True})


def _remix(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    source = _view(state, find(state, _KIND, params["video_id"], "video", "video_id"))
    if source["status"] != "completed":
        raise HTTPError(error_reply(400, f"Video {source['id']} is not completed yet; it can be remixed once it is.", param="video_id", code="video_not_ready"))
    fields = {**request.json_object(), "model": source["model"], "size": source["size"], "seconds": source["seconds"]}
    return json_reply(_view(state, _new(state, fields, remixed_from=source["id"])))


def _content(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    video = _view(state, find(state, _KIND, params["video_id"], "video", "video_id"))
    if video["status"] != "completed":
        raise HTTPError(error_reply(400, f"Video {video['id']} is {video['status']}; its content is ready once it is completed.", param="video_id", code="video_not_ready"))
    variant = request.q("variant") or "video"
    content_type = {"video": "video/mp4", "thumbnail": "image/webp", "spritesheet": "image/jpeg"}.get(variant)
    if content_type is None:
        raise HTTPError(error_reply(400, f"Invalid 'variant': {variant!r}. Expected 'video', 'thumbnail' or 'spritesheet'.", param="variant", code="invalid_value"))
    return placeholder_bytes(content_type, f"{video['id']}:{variant}")


def register(router: Router) -> None:
    router.add("POST", "/videos", _create)
    router.add("GET", "/videos", _list)
    router.add("GET", "/videos/{video_id}", _retrieve)
    router.add("DELETE", "/videos/{video_id}", _delete)
    router.add("POST", "/videos/{video_id}/remix", _remix)
    router.add("GET", "/videos/{video_id}/content", _content)
