"""Names: method paths that follow the official Python SDK where the spec says so, and Python
identifiers for everything else."""

from __future__ import annotations

import keyword
import re

from .spec import Operation

__all__ = ["METHOD_ALIASES", "class_name", "method_path", "pascal", "python_name", "singular", "top_resource"]

# Names the official SDK uses that neither the examples nor the path rules give.
METHOD_OVERRIDES = {
    "POST /audio/speech": "audio.speech.create",
    "POST /uploads": "uploads.create",
    "POST /uploads/{upload_id}/cancel": "uploads.cancel",
    "POST /uploads/{upload_id}/complete": "uploads.complete",
    "POST /uploads/{upload_id}/parts": "uploads.parts.create",
    "GET /fine_tuning/jobs/{fine_tuning_job_id}/checkpoints": "fine_tuning.jobs.checkpoints.list",
    "GET /containers/{container_id}/files/{file_id}/content": "containers.files.content.retrieve",
    "GET /vector_stores/{vector_store_id}/files/{file_id}/content": "vector_stores.files.content",
    "POST /vector_stores/{vector_store_id}/files/{file_id}": "vector_stores.files.update",
    "POST /vector_stores/{vector_store_id}/search": "vector_stores.search",
    "POST /fine_tuning/alpha/graders/validate": "fine_tuning.alpha.graders.validate",
    "GET /fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions": "fine_tuning.checkpoints.permissions.retrieve",
    "POST /fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions": "fine_tuning.checkpoints.permissions.create",
    "DELETE /fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions/{permission_id}": "fine_tuning.checkpoints.permissions.delete",
    "DELETE /chatkit/threads/{thread_id}": "beta.chatkit.threads.delete",
    "POST /realtime/client_secrets": "realtime.client_secrets.create",
    "POST /realtime/calls": "realtime.calls.create",
    "GET /skills/{skill_id}/content": "skills.content.retrieve",
    "GET /skills/{skill_id}/versions/{version}/content": "skills.versions.content.retrieve",
    "POST /realtime/sessions": "beta.realtime.sessions.create",
    "POST /realtime/transcription_sessions": "beta.realtime.transcription_sessions.create",
    "GET /organization/costs": "admin.organization.usage.costs",
    "GET /organization/projects/{project_id}/rate_limits": "admin.organization.projects.rate_limits.list_rate_limits",
    "POST /organization/projects/{project_id}/rate_limits/{rate_limit_id}": "admin.organization.projects.rate_limits.update_rate_limit",
    "POST /videos/characters": "videos.create_character",
    "GET /videos/characters/{character_id}": "videos.get_character",
    "POST /videos/edits": "videos.edit",
    "POST /videos/extensions": "videos.extend",
}

# More names for one operation: the official SDK keeps a deprecated name beside the new one, and
# names we gave before following it stay callable.
METHOD_ALIASES = {
    "GET /files/{file_id}/content": ["files.retrieve_content"],
    "GET /fine_tuning/checkpoints/{fine_tuned_model_checkpoint}/permissions": ["fine_tuning.checkpoints.permissions.list"],
    "POST /realtime/sessions": ["realtime.sessions.create"],
    "POST /realtime/transcription_sessions": ["realtime.transcription_sessions.create"],
}

# Usage reports are methods of ``usage`` itself (``usage.completions(...)``), one per report.
_USAGE_PREFIX = "/organization/usage/"

_ACTIONS = frozenset(
    {"cancel", "complete", "activate", "deactivate", "archive", "pause", "resume", "accept", "hangup", "refer", "reject", "compact", "remix", "search", "run", "validate", "submit_tool_outputs", "count"}
)


def python_name(name: str) -> str:
    text = re.sub(r"[^0-9a-zA-Z_]+", "_", name).strip("_")
    if not text or text[0].isdigit():
        text = "_" + text
    return text + "_" if keyword.iskeyword(text) or text in ("self", "cls") else text


def pascal(name: str) -> str:
    parts = re.split(r"[^0-9a-zA-Z]+", name)
    return "".join(part[:1].upper() + part[1:] for part in parts if part)


def singular(name: str) -> str:
    if name.endswith("ies"):
        return name[:-3] + "y"
    if name.endswith(("ses", "xes")):
        return name[:-2]
    if name.endswith("s") and not name.endswith("ss"):
        return name[:-1]
    return name


def class_name(name: str) -> str:
    text = pascal(name)
    if not text or text[0].isdigit():
        text = "T" + text
    return text


def _derived(operation: Operation, list_paths: frozenset[str]) -> str:
    """Names from the path: collections list/create, items retrieve/update/delete, and a POST to
    an action word (``/batches/{id}/cancel``) is a method named after it."""
    segments = [s for s in operation.path.strip("/").split("/") if s]
    names = [python_name(s) for s in segments if not s.startswith("{")]
    ends_with_param = bool(segments) and segments[-1].startswith("{")
    method = operation.method
    resources = names
    if ends_with_param:
        verb = {"get": "retrieve", "delete": "delete"}.get(method, "update")
    elif method == "post" and names and names[-1] in _ACTIONS and len(names) > 1:
        verb, resources = names[-1], names[:-1]
    elif method == "get":
        verb = "list" if operation.path in list_paths else "retrieve"
    elif method == "delete":
        verb = "delete"
    else:
        singleton = f"GET {operation.path}" in list_paths or False
        verb = "update" if singleton else "create"
    parts = [*resources, verb]
    if operation.beta:
        parts.insert(0, "beta")
    return ".".join(parts)


# Top-level names that would clash with the client's own attributes (``client.organization`` is the
# organization ID the client sends), moved under a namespace of their own.
NAMESPACES = {"organization": "admin.organization", "projects": "admin.organization.projects"}


def method_path(operation: Operation, list_paths: frozenset[str] = frozenset()) -> str:
    name = _method_path(operation, list_paths)
    head, dot, rest = name.partition(".")
    if head in NAMESPACES:
        return NAMESPACES[head] + dot + rest
    return name


def _method_path(operation: Operation, list_paths: frozenset[str] = frozenset()) -> str:
    """``chat.completions.create``: from an override, else the spec's Python example, else the path.

    ``list_paths``: the paths whose GET returns a list; also ``"GET <path>"`` for paths whose GET
    returns one object (a singleton, which a POST updates rather than creates into).
    """
    key = f"{operation.method.upper()} {operation.path}"
    if key in METHOD_OVERRIDES and not operation.beta:
        return METHOD_OVERRIDES[key]
    if operation.method == "get" and operation.path.startswith(_USAGE_PREFIX) and "{" not in operation.path:
        return "organization.usage." + python_name(operation.path[len(_USAGE_PREFIX) :])
    derived = _derived(operation, list_paths)
    candidates = []
    for code in operation.python_examples:
        candidates += [c for c in re.findall(r"client\.([a-zA-Z_][\w.]*)\(", code) if not c.startswith("with_") and ".with_" not in c]
    chosen = None
    if derived in candidates:
        chosen = derived
    elif len(set(candidates)) == 1:
        chosen = candidates[0]
    elif candidates:
        verb = derived.rsplit(".", 1)[-1]
        same_verb = [c for c in candidates if c.rsplit(".", 1)[-1] == verb]
        chosen = same_verb[0] if same_verb else None
    if chosen is None:
        return derived
    chosen = chosen.replace("chat_kit", "chatkit")
    if operation.beta and not chosen.startswith("beta."):
        chosen = "beta." + chosen
    return chosen


def top_resource(resource: str) -> str:
    """``chat`` for ``chat.completions.messages``: the module a resource's class lives in."""
    return resource.split(".", 1)[0]
