"""``/models``: list, retrieve, delete."""

from __future__ import annotations

from ._app import AppRequest, Reply, Router, UnknownObject, error_reply, json_reply
from ._state import State

__all__ = ["register"]


def _not_found(model: str) -> Reply:
    raise UnknownObject(error_reply(404, f"The model '{model}' does not exist", param="model", code="model_not_found"))


def list_models(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    with state.lock:
        data = list(state.models.values())
    return json_reply({"object": "list", "data": data})


def retrieve_model(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    model = state.models.get(params["model"])
    return json_reply(model) if model is not None else _not_found(params["model"])


def delete_model(state: State, request: AppRequest, params: dict[str, str]) -> Reply:
    model_id = params["model"]
    with state.lock:
        model = state.models.get(model_id)
        if model is None:
            return _not_found(model_id)
        if model.get("owned_by") in ("system", "openai"):
            return error_reply(403, f"You do not have permission to delete the model '{model_id}'.", param="model", code="model_not_owned")
        del state.models[model_id]
    return json_reply({"id": model_id, "object": "model", "deleted": True})


def register(router: Router) -> None:
    router.add("GET", "/models", list_models)
    router.add("GET", "/models/{model}", retrieve_model)
    router.add("DELETE", "/models/{model}", delete_model)
