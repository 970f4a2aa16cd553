"""revokit: stateful mocks, conformance suites and pytest fixtures for API-key APIs. Its commands:
mock serves the mock, check runs the conformance suites against a backend, specs lists the specs."""

from __future__ import annotations

import argparse
import contextlib
import errno
import gc
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from . import __version__
from .hosts import is_loopback
from .registry import family_names

READY_LINE = "revokit mock is serving; press Ctrl-C to stop."
DEFAULT_PORT = 9000  # Medusa's own port, so a real client's base URL needs no change
# waitress stops accepting at connection_limit open connections (its default, 100, is reached by a
# browser with many tabs plus a test run) and closes idle ones only after channel_timeout (120 s).
# Node closes an idle keep-alive connection after 5 s; so does the mock, checked every second,
# and it keeps up to CONNECTION_LIMIT connections per port (the file limit is raised to fit).
CONNECTION_LIMIT = 1000
IDLE_TIMEOUT_SECONDS = 5


def _mock(args: argparse.Namespace) -> int:
    from waitress import create_server

    from .mockserver import Clock, MockConfig, create_app
    from .mockserver.compiled_validation import warm_up
    from .specs import load_profile

    families: list[str] = list(dict.fromkeys(args.families or family_names()))
    unknown = [f for f in families if f not in family_names()]
    if unknown:
        print(
            f"revokit mock: unknown family {', '.join(unknown)}; choose from {', '.join(family_names())}",
            file=sys.stderr,
        )
        return 2
    if args.serve_admin and not os.path.isfile(os.path.join(args.serve_admin, "index.html")):
        print(f"revokit mock: --serve-admin {args.serve_admin} holds no index.html", file=sys.stderr)
        return 2
    try:
        load_profile(args.profile)
    except KeyError as exc:
        print(f"revokit mock: {exc.args[0]}", file=sys.stderr)
        return 2
    if not is_loopback(args.host) and not args.control_token:
        print(
            f"revokit mock: refusing to listen on {args.host} without --control-token: the control "
            "plane (/__revokit) can reset state and mint tokens, so off loopback it must be locked",
            file=sys.stderr,
        )
        return 2

    # waitress warns "Task queue depth is N" for every request that waits for a thread: under a
    # load test that is a log line per request, written before the answer.
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)
    _raise_open_file_limit(len(families) * (CONNECTION_LIMIT + 16))
    started = time.perf_counter()
    clock = Clock()  # one clock for every family served by this process
    servers = []
    banners: list[tuple[str, int, Any]] = []
    for offset, family in enumerate(families):
        config = MockConfig(
            family=family,
            profile=args.profile,
            seed=args.seed,
            control_token=args.control_token,
            jwt_secret=args.jwt_secret,
            **({"session_ttl_seconds": args.session_ttl} if args.session_ttl is not None else {}),
            show_secrets=args.show_secrets,
            validate_responses=args.validate_responses,
            state_path=args.state,
            admin_dir=args.serve_admin,
        )
        app = create_app(config, clock=clock)
        port = args.port + offset if args.port else 0
        try:
            server = create_server(
                app,
                host=args.host,
                port=port,
                threads=args.threads,
                ident="revokit",
                connection_limit=CONNECTION_LIMIT,
                channel_timeout=IDLE_TIMEOUT_SECONDS,
                cleanup_interval=1,
            )
        except OSError as exc:
            for opened in servers:
                opened.close()
            print(_bind_failure(exc, args.host, port, family, len(families)), file=sys.stderr)
            return 2
        servers.append(server)
        banners.append((family, server.effective_port, app.extensions["revokit"]))

    # Everything built so far (specs, compiled validators, seeds) lives as long as the process:
    # move it out of the collector's reach. A full collection otherwise walks all of it, a pause
    # of ~50 ms that every request in flight waits out (the p99 of issue 18's secret-key reads
    # and write cycle), where the bare Flask app, with little to walk, pauses a few ms.
    gc.collect()
    gc.freeze()
    for server in servers:
        threading.Thread(target=server.run, daemon=True).start()
    elapsed = time.perf_counter() - started
    _print_banner(args, banners, elapsed)
    # Off the first requests' path, once the mock already answers: the imports a response's first
    # date-time would make (a 0.26 s stall that every request in flight waited out, the p99 of the
    # write workloads), then out of the collector's reach like the rest.
    warm_up()
    gc.freeze()

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    for server in servers:
        server.close()
    return 0


def _positive_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < seconds < 10**9:
        raise argparse.ArgumentTypeError(f"must be more than 0 and less than 10**9 seconds: {text!r}")
    return seconds


def _raise_open_file_limit(wanted: int) -> None:
    """Let the process hold ``wanted`` sockets, as far as the hard limit allows (not on Windows)."""
    try:
        import resource
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        # Failing that, keep the limit we have: waitress then stops accepting at the OS limit.
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def _bind_failure(exc: OSError, host: str, port: int, family: str, count: int) -> str:
    """One message for a port the mock cannot listen on: which port, which family, what to do."""
    if exc.errno == errno.EADDRINUSE:
        problem = f"port {port} ({family}) is already in use on {host}"
    else:
        problem = f"cannot listen on {host}:{port} ({family}): {exc.strerror or exc}"
    ports = "the families take N, N+1, ..." if count > 1 else "the family takes N"
    return (
        f"revokit mock: {problem}.\n"
        f"Choose another first port with --port N ({ports}), or --port 0 for any free ports."
    )


def _print_banner(args: argparse.Namespace, banners: list[tuple[str, int, Any]], elapsed: float) -> None:
    """One screenful: each family's URL, how to authenticate, and where its pages are."""
    from .mockserver.config import CONTROL_PREFIX

    print(
        f"revokit {__version__} mock ready in {elapsed * 1000:.0f} ms (profile {args.profile}, seed {args.seed})"
    )
    for family, port, runtime in banners:
        base = f"http://{args.host}:{port}"
        print(f"\n== {family}: {base}")
        lines = runtime.family.banner(runtime.seed_info) if runtime.family.banner else []
        if args.serve_admin:
            lines.append(("admin", f"{base}/app/"))
        if runtime.profile.deviations:
            count = len(runtime.profile.deviations)
            lines.append(("profile", f"{runtime.profile.name}: {count} deviations, {CONTROL_PREFIX}/profile"))
        lines.append(
            ("pages", f"docs {CONTROL_PREFIX}/docs  state {CONTROL_PREFIX}/  seed {CONTROL_PREFIX}/seed")
        )
        for label, text in lines:
            print(f"   {label:<10} {text}")
        if args.print_seed:
            print("   seed: " + json.dumps(runtime.seed_info, indent=2).replace("\n", "\n   "))
    if not args.print_seed:
        print("\nEvery seeded key, token and id: GET /__revokit/seed on a family's port, or --print-seed.")
    print(f"\n{READY_LINE}")
    sys.stdout.flush()


def _specs(args: argparse.Namespace) -> int:
    from .specs import SPEC_FILES, spec_path, validate_spec

    failed = 0
    for name in SPEC_FILES:
        path = spec_path(name)
        try:
            validate_spec(name)
            status = "valid"
        except Exception as exc:  # report every spec, then fail
            failed += 1
            status = f"INVALID: {str(exc).splitlines()[0]}"
        print(f"{name:10} {status:6} {path}")
    return 1 if failed else 0


class _DefaultsHelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """Shows each option's default, except where there is none (None, False, an empty list)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        if action.default in (None, False, []):
            return action.help
        return super()._get_help_string(action)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="revokit", description=__doc__)
    parser.add_argument("--version", action="version", version=f"revokit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    mock = sub.add_parser(
        "mock",
        help="serve the stateful mock with its seeded defaults",
        description="Serve the stateful mock: each family on its own port, seeded the same way every run.",
        formatter_class=_DefaultsHelpFormatter,
    )
    mock.add_argument(
        "families",
        nargs="*",
        metavar="FAMILY",
        help=f"any of {', '.join(family_names())}; none given serves all",
    )
    mock.add_argument("--host", default="127.0.0.1", help="address to bind")
    mock.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="port of the first family; the next ones get the following ports (0 = any free port)",
    )
    mock.add_argument(
        "--profile", default="contract", help="behaviour profile: contract, medusa-1.20, medusa-2.21"
    )
    mock.add_argument("--seed", type=int, default=20261123, help="seed of the generated data")
    mock.add_argument(
        "--control-token", default=None, help="required to bind off loopback: guards /__revokit"
    )
    mock.add_argument(
        "--jwt-secret",
        default=None,
        help="sign JWTs and session cookies with this secret (default: a random one per run, so "
        "tokens stop working at a restart and none can be forged)",
    )
    mock.add_argument(
        "--session-ttl",
        type=_positive_seconds,
        default=None,
        metavar="SECONDS",
        help="how long a Medusa session cookie lasts (default 36000, the releases' 10 hours; "
        "their `ttl` session option)",
    )
    mock.add_argument(
        "--show-secrets",
        action="store_true",
        help="show credentials in the clear in /__revokit/state and the journal (default: redacted)",
    )
    mock.add_argument(
        "--state",
        metavar="FILE",
        default=None,
        help="keep the state in this SQLite file, so a restart loses nothing (none: in memory)",
    )
    mock.add_argument(
        "--serve-admin",
        metavar="DIR",
        default=None,
        help="serve this built admin frontend (index.html + assets) at /app on each family's port",
    )
    mock.add_argument("--threads", type=int, default=8, help="worker threads per family")
    mock.add_argument(
        "--print-seed",
        action="store_true",
        help="print every family's full seed (keys in every state, tokens, ids) in the banner",
    )
    mock.add_argument(
        "--validate-responses",
        action="store_true",
        help="check every response against the spec (a violation answers 500 with X-Revokit-Spec-Violation)",
    )
    mock.set_defaults(run=_mock)

    check = sub.add_parser(
        "check",
        help="run the conformance suites against a backend (details: revokit check --help)",
        add_help=False,
    )
    # Listed for `revokit --help` only: main() hands `check` and its options to contracts.cli.
    check.add_argument("check_args", nargs=argparse.REMAINDER)

    specs = sub.add_parser("specs", help="list the bundled specs, validate them, print their paths")
    specs.set_defaults(run=_specs)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["check"]:
        # `check` owns all its options (they may come before FAMILY), so hand them over unparsed.
        from .contracts.cli import main as check_main

        return check_main(argv[1:])
    args = build_parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
