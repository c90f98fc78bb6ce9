"""The ``openai-harness`` command: ``serve``, ``demo``, ``replay``, ``record`` and ``cassette``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Sequence

__all__ = ["main"]


def _serve(args: argparse.Namespace) -> int:
    from .server import MockServer, ServerLimits

    limits = ServerLimits(idle_timeout=args.idle_timeout, header_timeout=args.header_timeout, max_connections=args.max_connections, max_body_bytes=args.max_body_bytes,
        journal_max_bytes=args.journal_max_bytes,
    )
    server = MockServer(
        args.host, args.port, require_key=args.require_key, control_token=args.control_token, seed=args.seed, validation=args.validation, unknown_ids=args.unknown_ids, limits=limits
    )
    if (args.tls_cert is None) != (args.tls_key is None):
        raise ValueError("--tls-cert and --tls-key go together (a certificate and its private key, PEM)")
    if args.tls_cert is not None:
        import ssl

        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        try:
            context.load_cert_chain(args.tls_cert, args.tls_key)
        except ssl.SSLError as error:
            raise ValueError(f"the certificate {args.tls_cert} and key {args.tls_key} cannot be loaded: {error}") from None
        server.ssl_context = context
    from ._cli_cassettes import print_access_log

    print_access_log(server, args)
    if args.state:
        try:
            server.load_state(args.state)
        except (TypeError, KeyError, AttributeError) as error:
            raise ValueError(f"{args.state} is not a state export or seed the server can load: {error}") from None
    from ._cli_cassettes import run_until_stopped

    return run_until_stopped(server, "Mock OpenAI API at {url}  (control API: {root}/__harness/health). Ctrl-C stops it.")


def _demo(args: argparse.Namespace) -> int:
    from ._demo import run_demo

    return run_demo()


def main(argv: Sequence[str] | None = None) -> int:
    from ._version import __version__

    parser = argparse.ArgumentParser(prog="openai-harness", description="Test OpenAI API code offline: a mock server, faults and a demo.")
    parser.add_argument("--version", action="version", version=f"openai-harness {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the mock OpenAI server until interrupted")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0, help="0 picks a free port (the default)")
    serve.add_argument("--require-key", default=None, metavar="KEY", help="answer 401 unless this API key is sent (the control API then needs it too)")
    serve.add_argument("--control-token", default=None, metavar="TOKEN", help="the control API (/__harness) needs this token (Authorization: Bearer or X-Harness-Token)")
    serve.add_argument("--seed", type=int, default=0, help="seed for generated IDs")
    serve.add_argument("--max-body-bytes", type=int, default=64 * 1024 * 1024, help="larger request bodies get a 413")
    serve.add_argument("--idle-timeout", type=float, default=30.0, metavar="SECONDS", help="close a connection silent this long")
    serve.add_argument("--header-timeout", type=float, default=10.0, metavar="SECONDS", help="answer 408 to a request head not complete this long after its first byte")
    serve.add_argument("--max-connections", type=int, default=512, help="one connection more is answered 503 and closed")
    serve.add_argument("--journal-max-bytes", type=int, default=256 * 1024 * 1024, help="bodies the journal keeps; past it the oldest are released")
    serve.add_argument("--validation", choices=["strict", "lenient", "off"], default="strict", help="how strictly requests are checked against the spec")
    serve.add_argument("--unknown-ids", choices=["faithful", "permissive"], default="faithful", help="404 for unknown IDs (faithful) or an invented object (permissive)")
    serve.add_argument("--state", default=None, metavar="FILE", help="start from this state: an export, or a seed (JSON or YAML)")
    serve.add_argument("--tls-cert", default=None, metavar="PEM", help="serve HTTPS and wss:// with this certificate (with --tls-key), for clients that insist on TLS")
    serve.add_argument("--tls-key", default=None, metavar="PEM", help="the certificate's private key")
    serve.add_argument("-q", "--quiet", action="store_true", help="no access-log line per request")
    serve.set_defaults(run=_serve)
    demo = commands.add_parser("demo", help="run a short session of the client against the mock server")
    demo.set_defaults(run=_demo)
    from ._cli_cassettes import add_commands

    add_commands(commands)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except (OSError, ValueError, _yaml_error()) as error:
        # A user's mistake (a port in use, a missing or unreadable file, bad YAML or JSON, a bad
        # seed) is one line and exit 2; OPENAI_HARNESS_DEBUG=1 shows the traceback.
        if os.environ.get("OPENAI_HARNESS_DEBUG"):
            raise
        print(f"openai-harness {args.command}: error: {_describe(error)}", file=sys.stderr)
        return 2


def _yaml_error() -> type[Exception]:
    import yaml

    return yaml.YAMLError


def _describe(error: BaseException) -> str:
    if isinstance(error, OSError) and error.filename is not None:
        return f"{error.strerror or error}: {error.filename}"
    text = " ".join(str(error).split())
    return text or type(error).__name__


if __name__ == "__main__":
    sys.exit(main())
