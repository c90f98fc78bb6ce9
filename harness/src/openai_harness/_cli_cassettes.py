"""``openai-harness replay | record | cassette verify | cassette scrub | cassette show``."""

from __future__ import annotations

import argparse
import json
import pathlib
import sys
import threading
from typing import Any

from .cassettes import CassetteFormatError, Scrubber, dump_cassette, dumps_cassette, find_secrets, load_cassette
from .cassettes._match import InteractionIndex

__all__ = ["add_commands"]


def run_until_stopped(server: Any, message: str) -> int:
    """Serve until Ctrl-C or SIGTERM; either way in-flight requests finish (and their access-log
    lines are printed) before the process ends."""
    import signal

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    server.start()
    print(message.format(url=server.url, root=server.root_url), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        signal.signal(signal.SIGTERM, previous)
    return 0


def print_access_log(server: Any, args: argparse.Namespace) -> None:
    """One line per request on stderr, unless ``-q``."""
    if not getattr(args, "quiet", False):
        server.access_log = lambda line: print(line, file=sys.stderr, flush=True)


def add_quiet(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", help="no access-log line per request")


def _replay(args: argparse.Namespace) -> int:
    from .cassettes._replay import ReplayServer

    server = ReplayServer(args.cassette, args.host, args.port, pacing=args.pacing)
    print_access_log(server, args)
    return run_until_stopped(server, f"Replaying {args.cassette} at {{url}} (Ctrl-C stops it)")


def _record(args: argparse.Namespace) -> int:
    from .cassettes._replay import RecordingProxy

    proxy = RecordingProxy(args.upstream, args.cassette, args.host, args.port, scrubber=_scrubber(args), append=args.append)
    print_access_log(proxy, args)
    return run_until_stopped(proxy, f"Recording {args.upstream} into {args.cassette} at {{url}} (point your client there; Ctrl-C stops it)")


def _scrubber(args: argparse.Namespace) -> Scrubber:
    return Scrubber(
        headers=getattr(args, "header", None) or (),
        query_params=getattr(args, "query_param", None) or (),
        json_paths=getattr(args, "json_path", None) or (),
        patterns=getattr(args, "pattern", None) or (),
    )


def _verify(args: argparse.Namespace) -> int:
    failures = 0
    for path in args.cassettes:
        problems = []
        try:
            interactions = load_cassette(path)
        except CassetteFormatError as error:
            print(f"FAIL {path}: {error}")
            failures += 1
            continue
        secrets = find_secrets(pathlib.Path(path).read_text(encoding="utf-8"))
        if secrets:
            problems.append("credentials found: " + "; ".join(secrets))
        index = InteractionIndex(interactions)
        for number, interaction in enumerate(interactions):
            if index.find(interaction.request) is None:
                problems.append(f"interaction {number} ({interaction.request.method} {interaction.request.uri}) cannot be answered")
        if problems:
            failures += 1
            print(f"FAIL {path}: " + "; ".join(problems))
        else:
            print(f"ok   {path}: {len(interactions)} interaction(s), every request answered, no secrets")
    return 1 if failures else 0


def _scrub(args: argparse.Namespace) -> int:
    scrubber = _scrubber(args)
    for path in args.cassettes:
        interactions = [scrubber.scrub(interaction) for interaction in load_cassette(path)]
        secrets = find_secrets(dumps_cassette(interactions))
        if secrets:
            print(f"FAIL {path}: credentials remain after scrubbing: {'; '.join(secrets)}; add --pattern for them")
            return 1
        dump_cassette(path, interactions)
        print(f"scrubbed {path}: {len(interactions)} interaction(s)")
    return 0


def _show_html(args: argparse.Namespace) -> int:
    from ._cassette_html import cassette_page

    if len(args.cassettes) != 1:
        raise ValueError("cassette show --html draws one cassette; give one file")
    path = args.cassettes[0]
    page = cassette_page(pathlib.Path(path).name, load_cassette(path))
    if args.output:
        pathlib.Path(args.output).write_text(page, encoding="utf-8")
        print(f"wrote {args.output}")
    else:
        sys.stdout.write(page)
    return 0


def _show(args: argparse.Namespace) -> int:
    if args.html:
        return _show_html(args)
    if args.output:
        raise ValueError("--output goes with --html")
    for path in args.cassettes:
        interactions = load_cassette(path)
        print(f"{path}: {len(interactions)} interaction(s)")
        for number, interaction in enumerate(interactions):
            request, response = interaction.request, interaction.response
            body = request.json()
            summary = ""
            if isinstance(body, dict):
                summary = " ".join(f"{k}={json.dumps(body[k])[:40]}" for k in ("model", "stream") if k in body)
            if response.frames is not None:
                offsets = [f.offset_ms for f in response.frames if f.offset_ms is not None]
                span = f" over {offsets[-1]:.0f} ms" if offsets else ""
                sent = sum(1 for f in response.frames if f.sender == "client")
                outcome = f"WebSocket session: {len(response.frames)} messages ({sent} from the client){span}{' (dropped)' if response.cut else ''}"
            elif response.events is not None:
                offsets = [e.offset_ms for e in response.events if e.offset_ms is not None]
                span = f" over {offsets[-1]:.0f} ms" if offsets else ""
                outcome = f"{len(response.events)} events{span}{' (cut)' if response.cut else ''}"
            else:
                outcome = f"{len(response.body)} bytes"
            print(f"  {number:3d}. {request.method} {request.path} {summary} -> {response.status} {outcome}")
    return 0


def add_commands(commands: Any) -> None:
    replay = commands.add_parser("replay", help="serve a cassette over HTTP")
    replay.add_argument("cassette")
    add_quiet(replay)
    replay.add_argument("--host", default="127.0.0.1")
    replay.add_argument("--port", type=int, default=0)
    replay.add_argument("--pacing", type=float, default=None, help="replay stream timing scaled by this factor (1.0 = as recorded; default: as fast as possible)")
    replay.set_defaults(run=_replay)

    record = commands.add_parser("record", help="a recording proxy: forward to --upstream and write the cassette")
    record.add_argument("cassette")
    add_quiet(record)
    record.add_argument("--upstream", required=True, help="API root, e.g. https://api.openai.com or a mock server's http://127.0.0.1:PORT")
    record.add_argument("--host", default="127.0.0.1")
    record.add_argument("--port", type=int, default=0)
    record.add_argument("--append", action="store_true", help="keep the cassette's existing interactions")
    _scrub_options(record)
    record.set_defaults(run=_record)

    cassette = commands.add_parser("cassette", help="check, scrub or summarize cassette files")
    actions = cassette.add_subparsers(dest="action", required=True)
    verify = actions.add_parser("verify", help="format, secrets, and every request answered")
    verify.add_argument("cassettes", nargs="+")
    verify.set_defaults(run=_verify)
    scrub = actions.add_parser("scrub", help="rewrite cassettes with the current scrubbers")
    scrub.add_argument("cassettes", nargs="+")
    _scrub_options(scrub)
    scrub.set_defaults(run=_scrub)
    show = actions.add_parser("show", help="a human summary of the interactions")
    show.add_argument("cassettes", nargs="+")
    show.add_argument("--html", action="store_true", help="draw the cassette as a self-contained page: conversations, stream timelines, cuts")
    show.add_argument("-o", "--output", default=None, metavar="FILE", help="with --html: write the page here instead of to stdout")
    show.set_defaults(run=_show)


def _scrub_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--header", action="append", help="another header to redact (repeatable)")
    parser.add_argument("--query-param", action="append", help="a query parameter to redact (repeatable)")
    parser.add_argument("--json-path", action="append", help="a JSON body path to redact, e.g. messages[*].content (repeatable)")
    parser.add_argument("--pattern", action="append", help="a regular expression to redact everywhere (repeatable)")
