"""The official SDK's names, held against its ``api.md`` (``../shared/sdk-reference``): every method it
lists exists here under the same path and sends the route ``api.md`` gives it.

Each method is called with placeholder path arguments; a middleware captures the request and stops
it before it leaves the process, so nothing but the method's own request building is exercised.
"""

from __future__ import annotations

import pathlib
import re
from typing import Any

import pytest

from openai_urllib3 import OpenAI

API_MD = pathlib.Path(__file__).resolve().parents[3] / "shared" / "sdk-reference" / "openai-python-api.md"
_METHOD = re.compile(r'<code title="(?P<verb>\w+) (?P<route>[^"]+)">client\.(?P<resource>[\w.]+)\.<a[^>]*>(?P<name>\w+)</a>\((?P<args>[^)]*)\)')


def _methods() -> list[tuple[str, str, str, list[str], list[str]]]:
    """(method path, HTTP verb, route, positional names, keyword-only names) for every method ``api.md`` lists."""
    if not API_MD.exists():
        return []
    found = []
    for match in _METHOD.finditer(API_MD.read_text(encoding="utf-8")):
        positional: list[str] = []
        keyword: list[str] = []
        names = positional
        for arg in (a.strip() for a in match["args"].split(",")):
            if arg == "\\*":
                names = keyword
            elif arg and not arg.startswith(("\\*", "<")):
                names.append(arg)
        found.append((f"{match['resource']}.{match['name']}", match["verb"].upper(), match["route"], positional, keyword))
    return found


METHODS = _methods()
pytestmark = pytest.mark.skipif(not METHODS, reason=f"{API_MD} is not present")


class _Captured(Exception):
    def __init__(self, method: str, url: str) -> None:
        super().__init__(method, url)
        self.method, self.url = method, url


def _capture(request: Any, call_next: Any) -> Any:
    raise _Captured(request.method, request.url)


def _expected_path(route: str) -> str:
    """The route with each ``{name}`` filled as the test fills the argument of that name."""
    return re.sub(r"\{(\w+)\}", lambda m: f"{m[1]}_1", route.partition("?")[0])


def test_api_md_lists_the_methods_this_test_reads() -> None:
    assert len(METHODS) > 250  # a change in api.md's markup would silently empty the test otherwise


@pytest.mark.parametrize(("path", "verb", "route", "positional", "keyword"), METHODS, ids=[m[0] for m in METHODS])
def test_every_official_method_exists_and_sends_its_route(path: str, verb: str, route: str, positional: list[str], keyword: list[str]) -> None:
    client = OpenAI(api_key="test", base_url="http://127.0.0.1:9/v1", middleware=[_capture], max_retries=0)
    target: Any = client
    for part in path.split("."):
        target = getattr(target, part)
    assert callable(target), path
    with pytest.raises(_Captured) as captured:
        target(*[f"{name}_1" for name in positional], **{name: f"{name}_1" for name in keyword})
    assert captured.value.method == verb
    assert captured.value.url.partition("?")[0] == "http://127.0.0.1:9/v1" + _expected_path(route)
