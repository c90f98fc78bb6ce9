"""The cassette half of the pytest plugin, with pytest-recording's options, markers, fixtures and
meanings, so a suite written for pytest-recording runs unchanged.

    @pytest.mark.vcr                        # cassettes/<module>/<test>.yaml, replayed offline
    def test_chat(): ...

    pytest --record-mode=once               # record what is missing (network and a key needed)

Ownership: openai-harness owns the ``vcr`` marker, the ``--record-mode``, ``--block-network``,
``--allowed-hosts`` and ``--disable-recording`` options and pytest-recording's fixtures. When
pytest-recording is installed too, its plugin is set aside (``-p no:openai_harness`` gives it
back) and its ``pytest_recording_configure`` hook is still called, with the cassette's ``VCR``.

As in pytest-recording: the record mode is the one the marker (closest first) or ``vcr_config``
sets, else ``--record-mode``, else ``none``; marker arguments are extra cassettes that also
answer; the cassette is ``<vcr_cassette_dir>/<default_cassette_name>.yaml`` (the
``default_cassette`` marker renames it); ``--block-network`` / the ``block_network`` marker
forbid connections except to ``--allowed-hosts`` while no cassette records. Beyond it: in record
mode ``none`` a cassette test connects to loopback only; a cassette written by this harness fails
the test when interactions were left unplayed (``allow_unplayed=True`` allows it), one written by
another tool only reports them, as it reports replayed requests whose body drifted from the
recording. The cassette directory is the ``openai_cassette_dir`` ini option (relative to the
rootdir) when set.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pathlib
from typing import TYPE_CHECKING, Any, Iterator

import pytest

from ._network import blocking_network
from .cassettes._vcr import RECORD_MODES, check_options, use_cassette

if TYPE_CHECKING:
    from .cassettes._replay import RecordingProxy, ReplayServer

__all__ = [
    "allowed_hosts",
    "block_network",
    "default_cassette_name",
    "disable_recording",
    "openai_cassette_server",
    "record_mode",
    "vcr",
    "vcr_cassette_dir",
    "vcr_cassette_name",
    "vcr_config",
    "vcr_markers",
]

_PLUGIN_ONLY = frozenset({"allow_unplayed", "upstream", "allowed_hosts"})
_REPORT = pytest.StashKey[list[str]]()


class RecordingHooks:
    """pytest-recording's hook, declared here so conftests that implement it keep working."""

    def pytest_recording_configure(self, config: pytest.Config, vcr: Any) -> None:
        """Called with the ``vcr.VCR`` of each cassette before it opens (register matchers here)."""


def add_options(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    # pytest-recording registered first (its entry point, or ``-p pytest_recording.plugin``): its
    # options (same names, same meanings) and hook stay, it goes. Not yet: it is never loaded.
    recording = [plugin for plugin in pluginmanager.get_plugins() if getattr(plugin, "__name__", "") == "pytest_recording.plugin"]
    for plugin in recording:
        pluginmanager.unregister(plugin)
    pluginmanager.set_blocked("recording")
    hook = getattr(pluginmanager.hook, "pytest_recording_configure", None)
    if hook is None or hook.spec is None:
        pluginmanager.add_hookspecs(RecordingHooks)
    if not recording:
        group = parser.getgroup("recording", "cassettes (openai-harness, in pytest-recording's conventions)")
        group.addoption("--record-mode", action="store", default=None, choices=RECORD_MODES, help='cassette record mode: "none" (replay only, the default), once, new_episodes, all, rewrite')
        group.addoption("--block-network", action="store_true", default=False, help="block network access except for cassette recording")
        group.addoption("--allowed-hosts", action="store", default=None, help="regular expressions, separated by commas, of hosts a blocked network still reaches")
        group.addoption("--disable-recording", action="store_true", default=False, help="turn cassettes off: marked tests run with no cassette")
    parser.addini("openai_cassette_dir", "cassette directory, relative to the rootdir (default: cassettes/ beside each test module)", default="")
    parser.addini("openai_require_all_played", "in record mode none, fail a test whose (harness-format) cassette was not fully played", type="bool", default=True)


def configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "vcr(*extra_cassettes, **options): record/replay this test's HTTP traffic with a cassette")
    config.addinivalue_line("markers", "block_network(allowed_hosts=None): block network access except for cassette recording")
    config.addinivalue_line("markers", "default_cassette(name): the name of this test's cassette")
    config.addinivalue_line("markers", "allowed_hosts(hosts): hosts that a blocked network still reaches")
    config.stash[_REPORT] = []


def terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    report = config.stash.get(_REPORT, [])
    if report:
        terminalreporter.section("openai-harness cassettes")
        for line in report:
            terminalreporter.write_line(line)


def cassette_file_name(test_class: type | None, test_name: str, suffix: str = ".yaml") -> str:
    """pytest-recording's cassette name for a test: forbidden file-name characters become ``-``,
    and a name too long for the file system is shortened with its hash."""
    name = f"{test_class.__name__}.{test_name}" if test_class else test_name
    for character in "<>?%*:|\"'/\\":
        name = name.replace(character, "-")
    try:
        limit = os.pathconf(".", "PC_NAME_MAX")
    except (AttributeError, ValueError, OSError):
        limit = 255
    if len(name) + len(suffix) > limit:
        digest = hashlib.md5(name.encode()).hexdigest()
        name = f"{name[: limit - len(suffix) - len(digest) - 3]}...{digest}"
    return name


@pytest.fixture(scope="session")
def record_mode(request: pytest.FixtureRequest) -> str:
    """The ``--record-mode`` option, else ``none``."""
    return str(request.config.getoption("record_mode") or "none")


@pytest.fixture(scope="session")
def disable_recording(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("disable_recording"))


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    """Override to set cassette options for a module or the whole suite (markers override it)."""
    return {}


@pytest.fixture
def vcr_markers(request: pytest.FixtureRequest) -> list[pytest.Mark]:
    return list(request.node.iter_markers(name="vcr"))


@pytest.fixture
def allowed_hosts(request: pytest.FixtureRequest, vcr_config: dict[str, Any]) -> list[str] | None:
    """Hosts a blocked network still reaches: the ``block_network`` marker's, else
    ``--allowed-hosts``, else ``vcr_config``'s."""
    marker = request.node.get_closest_marker("block_network")
    hosts = (marker.kwargs.get("allowed_hosts") if marker else None) or request.config.getoption("allowed_hosts") or vcr_config.get("allowed_hosts")
    return hosts.split(",") if isinstance(hosts, str) else hosts


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """``cassettes/<module>`` beside the test module, or under the ``openai_cassette_dir`` ini option."""
    module = pathlib.Path(str(request.node.path))
    configured = request.config.getini("openai_cassette_dir")
    base = request.config.rootpath / configured if configured else module.parent / "cassettes"
    return str(base / module.stem)


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    marker = request.node.get_closest_marker("default_cassette")
    if marker is not None:
        if not marker.args:
            raise pytest.UsageError("the default_cassette marker needs the cassette name as its argument")
        return str(marker.args[0])
    return cassette_file_name(request.cls, request.node.name)


@pytest.fixture
def vcr_cassette_name(default_cassette_name: str) -> str:
    """The cassette's name (pytest-vcr's fixture name for ``default_cassette_name``)."""
    return default_cassette_name


def _settings(request: pytest.FixtureRequest, vcr_config: dict[str, Any], markers: list[pytest.Mark], record_mode: str) -> dict[str, Any]:
    settings = dict(vcr_config)
    for marker in reversed(markers):
        settings.update(marker.kwargs)
    settings.setdefault("record_mode", record_mode)
    try:
        check_options({k: v for k, v in settings.items() if k not in _PLUGIN_ONLY}, f"{request.node.nodeid}: vcr marker / vcr_config")
    except TypeError as error:
        raise pytest.UsageError(str(error)) from None
    return settings


def _paths(settings: dict[str, Any], directory: str, name: str, markers: list[pytest.Mark]) -> tuple[pathlib.Path, tuple[pathlib.Path, ...]]:
    suffix = f".{settings['serializer']}" if "serializer" in settings else ".yaml"
    primary = pathlib.Path(directory) / (name if name.endswith(suffix) else name + suffix)
    extras = tuple(pathlib.Path(str(arg)) if os.path.isabs(str(arg)) else pathlib.Path(directory) / str(arg) for marker in markers for arg in marker.args)
    return primary, extras


@pytest.fixture(autouse=True)
def block_network(request: pytest.FixtureRequest, record_mode: str, vcr_markers: list[pytest.Mark]) -> Iterator[None]:
    """pytest-recording's network blocking: with ``--block-network`` or the ``block_network``
    marker, and no cassette recording, connections reach only the allowed hosts."""
    marker = request.node.get_closest_marker("block_network")
    if marker is not None and (marker.args or set(marker.kwargs) - {"allowed_hosts"}):
        raise pytest.UsageError(f"block_network takes only the keyword argument allowed_hosts; got args {marker.args!r}, kwargs {marker.kwargs!r}")
    mode = record_mode
    if vcr_markers:
        settings = dict(request.getfixturevalue("vcr_config"))
        for vcr_marker in reversed(vcr_markers):
            settings.update(vcr_marker.kwargs)
        if request.config.getoption("record_mode") is None:
            mode = settings.get("record_mode", "none")
    if (marker is not None or request.config.getoption("block_network")) and (not vcr_markers or mode == "none"):
        with blocking_network(request.getfixturevalue("allowed_hosts"), reason="the network is blocked for this test"):
            yield
    else:
        yield


@pytest.fixture(autouse=True)
def vcr(
    request: pytest.FixtureRequest,
    vcr_markers: list[pytest.Mark],
    vcr_cassette_dir: str,
    record_mode: str,
    disable_recording: bool,
    pytestconfig: pytest.Config,
) -> Iterator[Any]:
    """The active cassette when the test is marked ``vcr`` (a vcrpy cassette with the harness's
    format and matching), else ``None``. A test that takes the cassette over the wire
    (``openai_cassette_server``) does not also get it in-process."""
    if disable_recording or not vcr_markers or "openai_cassette_server" in request.fixturenames:
        yield None
        return
    vcr_config = request.getfixturevalue("vcr_config")
    settings = _settings(request, vcr_config, vcr_markers, record_mode)
    explicit_unplayed = settings.pop("allow_unplayed", None)
    for key in ("upstream", "allowed_hosts"):
        settings.pop(key, None)
    path, extras = _paths(settings, vcr_cassette_dir, request.getfixturevalue("vcr_cassette_name"), vcr_markers)
    settings.pop("serializer", None)  # the harness writes its own format, reads any
    mode = settings["record_mode"]

    def configure_vcr(config: Any) -> None:
        pytestconfig.hook.pytest_recording_configure(config=pytestconfig, vcr=config)

    offline = blocking_network(allow_loopback=True, reason="record mode 'none' replays from the cassette only") if mode == "none" else contextlib.nullcontext()
    with offline, use_cassette(path, extra_paths=extras, configure=configure_vcr, **settings) as cassette:
        yield cassette
    report = pytestconfig.stash.get(_REPORT, [])
    report.extend(f"{request.node.nodeid}: {line}" for line in cassette.drift)
    if mode != "none":
        return
    unplayed = cassette.unplayed()
    strict = not cassette.vcr_matching and request.config.getini("openai_require_all_played")
    if explicit_unplayed is False or (explicit_unplayed is None and strict):
        _fail_if_unplayed(unplayed, path)
    elif unplayed and explicit_unplayed is None:
        report.append(f"{request.node.nodeid}: {len(unplayed)} recorded interaction(s) in {path} were never requested")


def _fail_if_unplayed(unplayed: list[Any], path: pathlib.Path) -> None:
    if unplayed:
        listed = "\n".join(f"  {i.request.method} {i.request.uri}" for i in unplayed[:10])
        pytest.fail(f"{len(unplayed)} recorded interaction(s) in {path} were never requested:\n{listed}\n(use @pytest.mark.vcr(allow_unplayed=True) if that is expected)", pytrace=False)


@pytest.fixture
def openai_cassette_server(
    request: pytest.FixtureRequest, vcr_config: dict[str, Any], vcr_markers: list[pytest.Mark], vcr_cassette_dir: str, vcr_cassette_name: str, record_mode: str
) -> Iterator[ReplayServer | RecordingProxy]:
    """The test's cassette over HTTP, for clients in any language or process: a replay server in
    record mode ``none``, else a recording proxy to ``upstream`` (marker or ``vcr_config``;
    default ``https://api.openai.com``)."""
    from .cassettes._replay import RecordingProxy, ReplayServer

    settings = _settings(request, vcr_config, vcr_markers, record_mode)
    path, extras = _paths(settings, vcr_cassette_dir, vcr_cassette_name, vcr_markers)
    if extras and not path.exists():
        path = extras[0]
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
