"""The cassette half of the pytest plugin, in pytest-recording's conventions.

    @pytest.mark.vcr                        # cassettes/<module>/<test>.yaml, replayed offline
    def test_chat(): ...

    pytest --record-mode=once               # record what is missing (network and a key needed)

Record modes: ``none`` (the default: replay only, the network is never used), ``once``,
``new_episodes``, ``all``, ``rewrite``. Precedence, highest first: the ``--record-mode``
option, then the marker's keyword arguments, then the ``vcr_config`` fixture. The cassette
directory is the ``openai_cassette_dir`` ini option (relative to the rootdir), else a
``cassettes`` folder beside the test module; override ``vcr_cassette_dir`` for anything else.
In ``none`` mode a test fails when its cassette was not fully played, unless the marker says
``allow_unplayed=True`` (or the ini option ``openai_require_all_played`` is false).
"""

from __future__ import annotations

import pathlib
import re
from typing import TYPE_CHECKING, Any, Iterator

import pytest

from .cassettes._vcr import RECORD_MODES, use_cassette

if TYPE_CHECKING:
    from .cassettes._replay import RecordingProxy, ReplayServer

__all__ = ["openai_cassette_server", "vcr", "vcr_cassette_dir", "vcr_cassette_name", "vcr_config"]


def add_options(parser: pytest.Parser) -> None:
    group = parser.getgroup("openai-harness", "OpenAI harness: cassettes")
    group.addoption(
        "--record-mode",
        action="store",
        dest="record_mode",
        default=None,
        choices=RECORD_MODES,
        help="cassette record mode: none (replay only, the default), once, new_episodes, all, rewrite",
    )
    parser.addini("openai_cassette_dir", "cassette directory, relative to the rootdir (default: cassettes/ beside each test module)", default="")
    parser.addini("openai_require_all_played", "in record mode none, fail a test whose cassette was not fully played", type="bool", default=True)


def configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "vcr(cassette=None, **options): record/replay this test's HTTP traffic with a cassette")
    if config.pluginmanager.hasplugin("recording"):
        raise pytest.UsageError("pytest-recording and openai-harness both provide the vcr marker; uninstall one of them")


def _sanitize(name: str) -> str:
    return re.sub(r"[^\w\-.\[\]]+", "_", name)


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    """Override to set cassette options for a module or the whole suite (lowest precedence)."""
    return {}


@pytest.fixture
def vcr_cassette_dir(request: pytest.FixtureRequest) -> pathlib.Path:
    module = pathlib.Path(str(request.node.path))
    configured = request.config.getini("openai_cassette_dir")
    base = request.config.rootpath / configured if configured else module.parent / "cassettes"
    return base / module.stem


@pytest.fixture
def vcr_cassette_name(request: pytest.FixtureRequest) -> str:
    node = request.node
    prefix = f"{node.cls.__name__}." if getattr(node, "cls", None) else ""
    return _sanitize(prefix + node.name)


def _settings(request: pytest.FixtureRequest, vcr_config: dict[str, Any]) -> dict[str, Any]:
    marker = request.node.get_closest_marker("vcr")
    settings = dict(vcr_config)
    if marker is not None:
        settings.update(marker.kwargs)
    cli = request.config.getoption("record_mode")
    if cli is not None:
        settings["record_mode"] = cli
    settings.setdefault("record_mode", "none")
    return settings


def _cassette_path(request: pytest.FixtureRequest, directory: pathlib.Path, name: str) -> pathlib.Path:
    marker = request.node.get_closest_marker("vcr")
    if marker is not None and marker.args:
        given = pathlib.Path(str(marker.args[0]))
        return given if given.is_absolute() else directory / given
    return directory / f"{name}.yaml"


@pytest.fixture
def vcr(request: pytest.FixtureRequest, vcr_config: dict[str, Any], vcr_cassette_dir: pathlib.Path, vcr_cassette_name: str) -> Iterator[Any]:
    """The active cassette (a vcrpy cassette with the harness's matching and format)."""
    settings = _settings(request, vcr_config)
    allow_unplayed = settings.pop("allow_unplayed", not request.config.getini("openai_require_all_played"))
    settings.pop("upstream", None)
    settings.pop("pacing", None)
    path = _cassette_path(request, vcr_cassette_dir, vcr_cassette_name)
    with use_cassette(path, **settings) as cassette:
        yield cassette
    if settings["record_mode"] == "none" and not allow_unplayed:
        _fail_if_unplayed(cassette.unplayed(), path)


def _fail_if_unplayed(unplayed: list[Any], path: pathlib.Path) -> None:
    if unplayed:
        listed = "\n".join(f"  {i.request.method} {i.request.uri}" for i in unplayed[:10])
        pytest.fail(f"{len(unplayed)} recorded interaction(s) in {path} were never requested:\n{listed}\n(use @pytest.mark.vcr(allow_unplayed=True) if that is expected)", pytrace=False)


@pytest.fixture(autouse=True)
def _openai_vcr_marker(request: pytest.FixtureRequest) -> None:
    # A test that takes the cassette over the wire does not also get it in-process.
    if request.node.get_closest_marker("vcr") is not None and "openai_cassette_server" not in request.fixturenames:
        request.getfixturevalue("vcr")


@pytest.fixture
def openai_cassette_server(
    request: pytest.FixtureRequest, vcr_config: dict[str, Any], vcr_cassette_dir: pathlib.Path, vcr_cassette_name: str
) -> Iterator[ReplayServer | RecordingProxy]:
    """The test's cassette over HTTP, for clients in any language or process: a replay server in
    record mode ``none``, else a recording proxy to ``upstream`` (marker or ``vcr_config``;
    default ``https://api.openai.com``)."""
    from .cassettes._replay import RecordingProxy, ReplayServer

    settings = _settings(request, vcr_config)
    path = _cassette_path(request, vcr_cassette_dir, vcr_cassette_name)
    server: ReplayServer | RecordingProxy
    if settings["record_mode"] == "none":
        if not path.exists():
            pytest.fail(f"No cassette at {path}; record it with --record-mode=once", pytrace=False)
        server = ReplayServer(path, pacing=settings.get("pacing"))
    else:
        upstream = settings.get("upstream", "https://api.openai.com")
        server = RecordingProxy(upstream, path, scrubber=settings.get("scrubber"), append=settings["record_mode"] in ("new_episodes", "once"))
    with server:
        yield server
    server.check()
    allow_unplayed = settings.get("allow_unplayed", not request.config.getini("openai_require_all_played"))
    if isinstance(server, ReplayServer) and not allow_unplayed:
        _fail_if_unplayed(server.unplayed(), path)
