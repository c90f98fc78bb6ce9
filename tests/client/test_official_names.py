"""The official SDK's names, held against its ``api.md`` (``../shared/sdk-reference``): every method it
lists exists here under the same path and sends the route ``api.md`` gives it.

Each method is called with placeholder path arguments; a middleware captures the request and stops
it before it leaves the process, so nothing but the method's own request building is exercised.
"""

from __future__ import annotations

import collections.abc
import importlib
import pathlib
import re
import typing
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


_IMPORTS = re.compile(r"from openai\.types([\w.]*) import (?:\(([^)]*)\)|([^\n]*))")


def _listed_types() -> list[tuple[str, str]]:
    """(package under ``types``, name) for every type ``api.md`` lists."""
    if not API_MD.exists():
        return []
    found = []
    for match in _IMPORTS.finditer(API_MD.read_text(encoding="utf-8")):
        package = match[1].lstrip(".")
        found += [(package, n.strip()) for n in (match[2] or match[3]).replace("\n", ",").split(",") if n.strip()]
    return list(dict.fromkeys(found))


TYPES = _listed_types()

# api.md types not yet generated at the official path, each failing today (strict: a fix must
# remove it here): types the spec does not have, or has only inline where no walk reaches them.
# Listed in the README's differences.
KNOWN_GAPS = frozenset(
    """
    types.OAuthErrorCode types.FileContent
    beta.BetaResponseFunctionCallOutputItemList
    """.split()
)

# Types at the official path whose fields follow our spec copy, which describes them differently
# (an error object with only ``code`` and ``message``; the GA Realtime session where the SDK keeps
# the retired beta one's). Listed in the README's differences.
SPEC_DIFFERS = frozenset("types.VideoCreateError beta.BetaResponseError beta.realtime.SessionCreateResponse".split())


def _official(package: str, name: str) -> Any:
    openai_types = pytest.importorskip("openai.types")
    module = importlib.import_module(".".join(filter(None, [openai_types.__name__, package])))
    return getattr(module, name, None)


def _wire_keys(cls: Any) -> set[str] | None:
    """The JSON keys a model class or TypedDict declares (either SDK's)."""
    fields = getattr(cls, "model_fields", None)
    if isinstance(fields, dict):
        return {getattr(f, "alias", None) or getattr(f, "key", None) or name for name, f in fields.items()}
    if hasattr(cls, "__required_keys__"):
        return set(cls.__required_keys__) | set(cls.__optional_keys__)
    return None


@pytest.mark.parametrize(
    ("package", "name"),
    [
        pytest.param(p, n, marks=pytest.mark.xfail(strict=True, reason="a known gap, see KNOWN_GAPS")) if f"{p or 'types'}.{n}" in KNOWN_GAPS else (p, n)
        for p, n in TYPES
    ],
    ids=[f"{p or 'types'}.{n}" for p, n in TYPES],
)
def test_every_listed_type_imports_from_the_official_path(package: str, name: str) -> None:
    # api.md lists some request types without the ``Param`` the package gives them: the name that
    # imports from the official package is the one that must import from ours.
    real = name if _official(package, name) is not None else name + "Param"
    official = _official(package, real)
    if official is None:
        pytest.skip(f"openai.types{'.' + package if package else ''} has neither {name} nor {name}Param")
    ours_module = importlib.import_module(".".join(filter(None, ["openai_urllib3.types", package])))
    ours = getattr(ours_module, real, None)
    assert ours is not None, f"openai_urllib3.types{'.' + package if package else ''}.{real} is missing"
    official_keys, our_keys = _wire_keys(official), _wire_keys(ours)
    if official_keys is not None and our_keys is not None and f"{package or 'types'}.{name}" not in SPEC_DIFFERS:
        # Same type: most of the official fields are ours (our spec copy is older or newer by a few).
        assert len(official_keys & our_keys) >= 0.5 * len(official_keys), (sorted(official_keys - our_keys), sorted(our_keys - official_keys))


# Paths api.md does not list that OpenAI's guides and users' code import all the same.
GUIDE_TYPES = [
    ("responses", "ResponseInputParam"),
    ("responses", "ResponseInputItemParam"),
    ("responses", "ResponseInputItem"),
    ("responses", "ResponseInputMessageContentListParam"),
    ("responses", "ResponseFunctionCallOutputItemListParam"),
    ("responses", "ComputerActionListParam"),
    ("responses", "EasyInputMessageParam"),
    ("responses", "FunctionToolParam"),
    ("beta", "BetaResponseInputParam"),
    ("beta", "BetaResponseInputItemParam"),
    ("chat", "ChatCompletionMessageParam"),
    ("chat", "ChatCompletionToolParam"),
]


@pytest.mark.parametrize(("package", "name"), GUIDE_TYPES, ids=[f"{p}.{n}" for p, n in GUIDE_TYPES])
def test_types_the_guides_import_are_there_too(package: str, name: str) -> None:
    official = _official(package, name)
    assert official is not None, f"openai.types.{package}.{name} is gone from the official package"
    ours = getattr(importlib.import_module(f"openai_urllib3.types.{package}"), name, None)
    assert ours is not None, f"openai_urllib3.types.{package}.{name} is missing"
    # A named union or list leads to the same kind of thing as the SDK's (a list for a list).
    assert (typing.get_origin(ours) in (list, collections.abc.Iterable)) == (typing.get_origin(official) in (list, collections.abc.Iterable))


def test_the_realtime_events_have_the_official_names() -> None:
    """The GA Realtime API's events, which no HTTP method reaches and api.md does not list, import
    under the SDK's names (client events as models and as ``...Param`` dicts), so a session's code
    moves over with its type hints. The SDK's translation sessions are not in our spec."""
    official = pytest.importorskip("openai.types.realtime")
    import openai_urllib3.types.realtime as ours

    names = [n for n in dir(official) if n.endswith(("Event", "EventParam")) and "Translation" not in n and n != "ConnectClientEventParam"]
    assert len(names) > 40
    missing = [n for n in names if getattr(ours, n, None) is None]
    assert not missing, missing
    assert {"SessionUpdateEventParam", "RealtimeClientEventParam", "ResponseTextDeltaEvent"} <= set(names)
