"""The ``revokit`` command: ``revokit mock`` serves the mock, ``revokit specs`` lists the specs."""

from __future__ import annotations

import argparse
import ipaddress
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from typing import Any

from . import FAMILIES, __version__

READY_LINE = "revokit mock is serving; press Ctrl-C to stop."
DEFAULT_PORT = 9000  # Medusa's own port, so a real client's base URL needs no change


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _mock(args: argparse.Namespace) -> int:
    from waitress import create_server

    from .mockserver import Clock, MockConfig, create_app
    from .specs import load_profile

    families: list[str] = list(dict.fromkeys(args.families or FAMILIES))
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        print(
            f"revokit mock: unknown family {', '.join(unknown)}; choose from {', '.join(FAMILIES)}",
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
            validate_responses=args.validate_responses,
            state_path=args.state,
            admin_dir=args.serve_admin,
        )
        app = create_app(config, clock=clock)
        port = args.port + offset if args.port else 0
        server = create_server(app, host=args.host, port=port, threads=args.threads, ident="revokit")
        servers.append(server)
        banners.append((family, server.effective_port, app.extensions["revokit"]))

    for server in servers:
        threading.Thread(target=server.run, daemon=True).start()
    elapsed = time.perf_counter() - started
    _print_banner(args, banners, elapsed)

    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    for server in servers:
        server.close()
    return 0


def _print_banner(args: argparse.Namespace, banners: list[tuple[str, int, Any]], elapsed: float) -> None:
    print(
        f"revokit {__version__} mock ready in {elapsed * 1000:.0f} ms (profile {args.profile}, seed {args.seed})"
    )
    for family, port, runtime in banners:
        base = f"http://{args.host}:{port}"
        print(f"\n== {family}: {base}")
        print(f"   control plane: {base}/__revokit/health  spec: {base}/__revokit/specs/{family}.yaml")
        if args.serve_admin:
            print(f"   admin frontend: {base}/app/")
        if runtime.profile.deviations:
            print(f"   profile {runtime.profile.name}: {', '.join(runtime.profile.deviations)}")
        print("   seed: " + json.dumps(runtime.seed_info, indent=2).replace("\n", "\n   "))
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


def _check(args: argparse.Namespace) -> int:
    # The contracts package owns its options; importing it pulls in Schemathesis, so only here.
    from .contracts.cli import main as check_main

    return check_main(args.check_args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="revokit", description=__doc__)
    parser.add_argument("--version", action="version", version=f"revokit {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    mock = sub.add_parser("mock", help="serve the stateful mock with its seeded defaults")
    mock.add_argument(
        "families", nargs="*", metavar="FAMILY", help=f"any of {', '.join(FAMILIES)} (default: all)"
    )
    mock.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
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
        "--state",
        metavar="FILE",
        default=None,
        help="keep the state in this SQLite file, so a restart loses nothing (default: in memory)",
    )
    mock.add_argument(
        "--serve-admin",
        metavar="DIR",
        default=None,
        help="serve this built admin frontend (index.html + assets) at /app on each family's port",
    )
    mock.add_argument("--threads", type=int, default=8, help="worker threads per family")
    mock.add_argument(
        "--validate-responses",
        action="store_true",
        help="check every response against the spec (a violation answers 500 with X-Revokit-Spec-Violation)",
    )
    mock.set_defaults(run=_mock)

    check = sub.add_parser(
        "check",
        help="run the conformance suites against a backend (see `revokit check --help`)",
        add_help=False,
    )
    check.add_argument("check_args", nargs=argparse.REMAINDER)
    check.set_defaults(run=_check)

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
