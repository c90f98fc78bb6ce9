"""``/fine_tuning/jobs``: create, list, retrieve, cancel, pause, resume, events and checkpoints, with
the job moving validating_files -> queued -> running -> succeeded on the server's clock; success adds
the fine-tuned model to ``/models``."""

from __future__ import annotations

from typing import Any

from ._app import AppRequest, HTTPError, Reply, Router, error_reply, json_reply
from ._paging import cursor_page
from ._state import State
from ._store import find, public, put, stage

__all__ = ["register"]

_STAGES = (("validating_files", "fine_tuning_validating"), ("queued", "fine_tuning_queued"), ("running", "fine_tuning_running"))
_TERMINAL = frozenset({"succeeded", "failed", "cancelled"})
_MESSAGES = {
    "validating_files": "Validating training file: {training_file}",
    "queued": "Files validated, moving job to queued state",
    "running": "Fine-tuning job started",
    "succeeded": "The job has successfully completed",
    "cancelled": "Fine-tuning job cancelled",
}


def _event(state: State, job: dict[str, Any], status: str, at: float) -> None:
    job["_events"].append(
        {"object": "fine_tuning.job.event", "id": state.new_id("ftevent-"), "created_at": int(at), "level": "info", "message": _MESSAGES[status].format(**job), "type": "message", "data": {}}
    )


def _refresh(state: State, job: dict[str, Any]) -> dict[str, Any]:
    with state.lock:
        if job["status"] in _TERMINAL or job.get("_paused"):
            return job
        status, since = stage(state, job["created_at"], _STAGES, "succeeded")
        order = [s for s, _ in _STAGES] + ["succeeded"]
        for step in order[order.index(job["status"]) + 1 : order.index(status) + 1]:
            _event(state, job, step, since)
        job["status"] = status
        if status == "succeeded":
            suffix = job["_suffix"] or job["id"][-8:]
            job["fine_tuned_model"] = f"ft:{job['model']}:harness::{suffix}"
            job["finished_at"] = int(since)
            job["trained_tokens"] = 1000
            job["result_files"] = []
            state.add_model(job["fine_tuned_model"], owned_by=job["organization_id"], created=int(since))
            steps = 3
            job["_checkpoints"] = [
                {
                    "object": "fine_tuning.job.checkpoint",
                    "id": state.new_id("ftckpt_"),
                    "created_at": int(since),
                    "fine_tuned_model_checkpoint": f"{job['fine_tuned_model']}:ckpt-step-{step * 10}",
                    "fine_tuning_job_id": job["id"],
                    "step_number": step * 10,
                    "metrics": {"step": step * 10, "train_loss": round(1.0 / step, 4), "train_mean_token_accuracy": round(0.5 + 0.1 * step, 4)},
                }
                for step in range(1, steps + 1)
            ]
    return job


def _create(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    body = request.json_object()
    find(state, "file", body["training_file"], "file", "training_file")
    if body.get("validation_file"):
        find(state, "file", body["validation_file"], "file", "validation_file")
    now = state.now()
    job: dict[str, Any] = {
        "object": "fine_tuning.job",
        "id": state.new_id("ftjob-"),
        "model": body["model"],
        "created_at": now,
        "fine_tuned_model": None,
        "organization_id": "org-harness",
        "result_files": [],
        "status": "validating_files",
        "validation_file": body.get("validation_file"),
        "training_file": body["training_file"],
        "hyperparameters": {"n_epochs": "auto", "batch_size": "auto", "learning_rate_multiplier": "auto", **(body.get("hyperparameters") or {})},
        "trained_tokens": None,
        "error": None,
        "finished_at": None,
        "seed": body.get("seed", 42),
        "estimated_finish": None,
        "integrations": body.get("integrations"),
        "method": body.get("method") or {"type": "supervised"},
        "metadata": body.get("metadata"),
        "_suffix": body.get("suffix"),
        "_events": [],
        "_checkpoints": [],
    }
    _event(state, job, "validating_files", now)
    return json_reply(public(put(state, "fine_tuning_job", job)))


def _job(state: State, job_id: str) -> dict[str, Any]:
    return _refresh(state, find(state, "fine_tuning_job", job_id, "fine-tuning job", "fine_tuning_job_id"))


def _retrieve(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    return json_reply(public(_job(state, params["fine_tuning_job_id"])))


def _list(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    metadata = request.q_prefixed("metadata")
    with state.lock:
        jobs = [public(_refresh(state, j)) for j in state.store("fine_tuning_job").values()]
    if metadata:
        jobs = [j for j in jobs if all((j.get("metadata") or {}).get(k) == v for k, v in metadata.items())]
    return json_reply(cursor_page(request, jobs, default_order="desc"))


def _cancel(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    job = _job(state, params["fine_tuning_job_id"])
    with state.lock:
        if job["status"] in _TERMINAL:
            raise HTTPError(error_reply(400, f"Cannot cancel a job that is {job['status']}.", param="fine_tuning_job_id", code="job_not_cancellable"))
        job["status"] = "cancelled"
        job["finished_at"] = state.now()
        _event(state, job, "cancelled", state.now())
    return json_reply(public(job))


def _pause(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    job = _job(state, params["fine_tuning_job_id"])
    with state.lock:
        if job["status"] != "running":
            raise HTTPError(error_reply(400, f"Only a running job can be paused; this one is {job['status']}.", param="fine_tuning_job_id", code="job_not_pausable"))
        job["_paused"] = True
        job["status"] = "paused"
    return json_reply(public(job))


def _resume(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    job = find(state, "fine_tuning_job", params["fine_tuning_job_id"], "fine-tuning job", "fine_tuning_job_id")
    with state.lock:
        if not job.get("_paused"):
            raise HTTPError(error_reply(400, "Only a paused job can be resumed.", param="fine_tuning_job_id", code="job_not_paused"))
        job["_paused"] = False
        job["status"] = "running"
    return json_reply(public(_refresh(state, job)))


def _events(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    job = _job(state, params["fine_tuning_job_id"])
    return json_reply(cursor_page(request, list(job["_events"]), default_order="desc"))


def _checkpoints(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    job = _job(state, params["fine_tuning_job_id"])
    return json_reply(cursor_page(request, list(job["_checkpoints"]), default_limit=10, default_order="desc"))


def register(router: Router) -> None:
    router.add("POST", "/fine_tuning/jobs", _create)
    router.add("GET", "/fine_tuning/jobs", _list)
    router.add("GET", "/fine_tuning/jobs/{fine_tuning_job_id}", _retrieve)
    router.add("POST", "/fine_tuning/jobs/{fine_tuning_job_id}/cancel", _cancel)
    router.add("POST", "/fine_tuning/jobs/{fine_tuning_job_id}/pause", _pause)
    router.add("POST", "/fine_tuning/jobs/{fine_tuning_job_id}/resume", _resume)
    router.add("GET", "/fine_tuning/jobs/{fine_tuning_job_id}/events", _events)
    router.add("GET", "/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints", _checkpoints)
