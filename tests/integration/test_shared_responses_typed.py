"""Every recorded JSON response in ../shared/cassettes/public parses into its typed object without
error; every declared field can be read; ``to_dict()`` gives back exactly the recorded JSON."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

import pytest

from openai_urllib3 import BaseModel
from openai_urllib3._models import Field
from openai_urllib3._operation import Operation
from openai_urllib3.resources import _operations

from ..shared_cassettes import cassette_paths, interactions, require_shared, response_body

OPERATIONS: list[tuple[str, re.Pattern[str], Operation[Any, Any]]] = [
    (op.method, re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(op.path)) + "$"), op)
    for op in (getattr(_operations, name) for name in _operations.MODULES)
]


def operation_for(method: str, uri: str) -> Operation[Any, Any] | None:
    path = urlsplit(uri).path
    path = re.sub(r"^(/openai)?(/deployments/[^/]+)?(/v1)?(?=/)", "", path)  # api.openai.com and Azure layouts
    found = [op for m, pattern, op in OPERATIONS if m == method and pattern.match(path)]
    return min(found, key=lambda op: op.path.count("{")) if found else None


def recorded_json() -> list[tuple[str, str, str, Any]]:
    cases = []
    for path in cassette_paths():
        for index, (request, response) in enumerate(interactions(path)):
            status = response["status"]["code"] if isinstance(response.get("status"), dict) else response.get("status")
            if not (200 <= int(status) < 300):
                continue
            body = response.get("parsed_body")
            if body is None:
                raw = response_body(response)
                if not raw.startswith((b"{", b"[")):
                    continue
                try:
                    body = json.loads(raw)
                except ValueError:
                    continue
            cases.append((f"{path.parent.name[:16]}/{path.stem[-50:]}#{index}", request["method"], request["uri"], body))
    return cases


CASES = recorded_json()


def read_every_field(value: Any, seen: int = 0) -> int:
    """Touch every declared field, depth first; returns how many were read."""
    if isinstance(value, list):
        return sum(read_every_field(item) for item in value)
    if not isinstance(value, BaseModel):
        return 0
    count = 0
    for klass in type(value).__mro__:
        for name, attribute in vars(klass).items():
            if isinstance(attribute, Field):
                count += 1 + read_every_field(getattr(value, name))
    return count


def test_shared_json_responses_are_present() -> None:
    require_shared()
    assert len(CASES) >= 40


@pytest.mark.parametrize(("name", "method", "uri", "body"), CASES, ids=[c[0] for c in CASES])
def test_recorded_response_parses_typed(name: str, method: str, uri: str, body: Any) -> None:
    operation = operation_for(method, uri)
    assert operation is not None, f"no operation for {method} {uri}"
    convert = operation.item_converter()
    assert convert is not None or operation.response in ("json", "none")
    if operation.response == "page":
        from openai_urllib3._pagination import BasePage

        value: Any = BasePage(body)
        value._item = convert
        items = value.data
        assert len(items) == len(body.get("data") or [])
        read_every_field(items)
        assert value.to_dict() == body
        return
    value = convert(body) if convert is not None else body
    assert isinstance(value, BaseModel), f"{operation} gave {type(value).__name__}"
    read_every_field(value)
    assert value.to_dict() == body
