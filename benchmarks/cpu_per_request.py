"""In-process CPU time per request: the mock against the bare Flask app, and where the mock's time goes.

    .venv/bin/python benchmarks/cpu_per_request.py [--requests 3000] [--rounds 5] [--profile] [--flask-road]

Each workload of benchmarks/http_throughput.py is called straight through WSGI (no socket, no
server threads, no load generator), so the figure is the CPU the app itself spends per request,
measured with ``time.thread_time`` (CPU of this thread only: other processes on a busy machine
slow it far less than they slow wall-clock figures). Rounds are interleaved (bare, mock, bare,
mock ...) and every round is printed, then the median and the mock/bare ratio (goal: <= 1.3).

``--flask-road`` adds a third contender to each round: the same mock with its operation lane off
(``app.operation_lane = None``: every request through Flask's request context), and prints the
lane's CPU as a share of that road's.

``--profile`` runs each mock workload under cProfile once more and prints the share of the
mock's time spent in each part of the pipeline (validation, auth, journal, JSON, store, Flask and
Werkzeug glue), by the module of the innermost revokit or library frame on the stack.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from http_throughput import bare_app, build_workloads
from machine_load import load_banner


def environ_maker(method: str, path: str, headers: dict[str, str], body: bytes | None) -> Callable[[], dict]:
    from werkzeug.test import EnvironBuilder

    builder = EnvironBuilder(
        method=method,
        path=path,
        headers=headers,
        data=body,
        content_type="application/json" if body is not None else None,
    )
    template = builder.get_environ()
    template.pop("wsgi.input")
    payload = body or b""

    def make() -> dict:
        environ = dict(template)
        environ["wsgi.input"] = io.BytesIO(payload)
        return environ

    return make


def _start_response(status: str, headers: list, exc_info: Any = None) -> Callable[[bytes], None]:
    _start_response.status = status  # type: ignore[attr-defined]
    return lambda _data: None


def call(app: Any, environ: dict) -> bytes:
    out = app(environ, _start_response)
    try:
        return b"".join(out)
    finally:
        close = getattr(out, "close", None)
        if close is not None:
            close()


def requests_of(workload: dict[str, Any]) -> Callable[[Any], None]:
    """One request of the workload per call (the write cycle alternates create and revoke)."""
    import json

    if workload["method"] == "GET":
        make = environ_maker("GET", workload["path"], workload["headers"], None)

        def get(app: Any) -> None:
            call(app, make())
            assert _start_response.status.startswith("200"), _start_response.status  # type: ignore[attr-defined]

        return get

    create = environ_maker(
        "POST", workload["path"], workload["headers"], json.dumps(workload["create_body"]).encode()
    )
    if "revoke_rule" not in workload:

        def create_only(app: Any) -> None:
            call(app, create())
            assert _start_response.status.startswith("200"), _start_response.status  # type: ignore[attr-defined]

        return create_only
    prefix, suffix = workload["revoke_rule"].split("<key_id>")
    pending: list[str] = []

    def cycle(app: Any) -> None:
        if pending:
            key_id = pending.pop()
            call(app, environ_maker("POST", prefix + key_id + suffix, workload["headers"], b"{}")())
        else:
            body = call(app, create())
            key_id = json.loads(body)[workload["answer_key"]]["id"]
            pending.append(key_id)
        assert _start_response.status.startswith("200"), _start_response.status  # type: ignore[attr-defined]

    return cycle


def cpu_per_request_us(app: Any, one: Callable[[Any], None], n: int) -> float:
    for _ in range(50):  # warm-up: caches, first-use indexes
        one(app)
    started = time.thread_time()
    for _ in range(n):
        one(app)
    return (time.thread_time() - started) / n * 1e6


# What each part of the pipeline is, by module path (the innermost matching frame wins).
PARTS = (
    ("validation", ("compiled_validation", "validation.py", "jsonschema", "openapi_core", "fastjsonschema")),
    ("auth/hashing", ("hashing.py", "auth", "jwt", "session_cookie", "hmac", "hashlib")),
    ("journal", ("journal.py", "_journal_entry")),
    ("json encode/decode", ("json/", "body_encoding")),
    ("store", ("store.py",)),
    ("family models", ("models.py", "responses.py", "engine.py", "seed_answers")),
    ("werkzeug", ("werkzeug",)),
    ("flask", ("flask/",)),
)


def profile_shares(app: Any, one: Callable[[Any], None], n: int) -> list[tuple[str, float]]:
    """Share of the time per part: own (tottime) time of each function, by the part its file is in."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(n):
        one(app)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    shares: dict[str, float] = {}
    total = 0.0
    for (filename, _line, func), (_cc, _nc, tottime, _ct, _callers) in stats.items():
        total += tottime
        where = f"{filename}:{func}"
        part = next((name for name, keys in PARTS if any(k in where for k in keys)), "other")
        shares[part] = shares.get(part, 0.0) + tottime
    return sorted(((p, t / total) for p, t in shares.items()), key=lambda pt: -pt[1])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=3000, help="requests per round (default 3000)")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved bare/mock rounds (default 5)")
    parser.add_argument("--profile", action="store_true", help="print the mock's time share per part")
    parser.add_argument("--top", type=int, default=0, help="also print the N costliest functions")
    parser.add_argument("--only", default=None, help="run only workloads whose name contains this")
    parser.add_argument(
        "--flask-road", action="store_true", help="also time the mock with its operation lane off"
    )
    args = parser.parse_args()

    print(load_banner("in-process CPU per request (time.thread_time), WSGI calls, no server"), flush=True)
    workloads = build_workloads()
    if args.only:
        workloads = [w for w in workloads if args.only in w["name"]]
    from revokit.mockserver import MockConfig, create_app

    rows = []
    for w in workloads:
        mock = create_app(MockConfig(family=w["family"], validate_responses=True))
        contenders = {"bare": bare_app(w), "mock": mock}
        if args.flask_road:
            flask_road = create_app(MockConfig(family=w["family"], validate_responses=True))
            flask_road.operation_lane = None  # type: ignore[attr-defined]
            contenders["flask road"] = flask_road
        calls = {kind: requests_of(w) for kind in contenders}
        one_mock = calls["mock"]
        samples: dict[str, list[float]] = {kind: [] for kind in contenders}
        for r in range(args.rounds):
            for kind, app in contenders.items():
                samples[kind].append(cpu_per_request_us(app, calls[kind], args.requests))
            print(
                f"  {w['name']:34} round {r + 1}: "
                + "  ".join(f"{kind} {samples[kind][-1]:7.1f} us" for kind in contenders),
                flush=True,
            )
        medians = {kind: statistics.median(values) for kind, values in samples.items()}
        rows.append((w["name"], medians["bare"], medians["mock"], medians.get("flask road")))
        if args.profile:
            print(f"  profile of the mock, {w['name']} ({args.requests} requests):")
            for part, share in profile_shares(mock, one_mock, args.requests):
                print(f"      {part:20} {share * 100:5.1f} %")
            if args.top:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(args.requests):
                    one_mock(mock)
                profiler.disable()
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
                print(out.getvalue())
    print()
    road = " | flask road us/req | lane/flask road" if args.flask_road else ""
    print(
        f"{'workload':34} | {'bare us/req':>11} | {'mock us/req':>11} | {'mock/bare':>9} | goal <= 1.3{road}"
    )
    for name, bare_us, mock_us, flask_us in rows:
        ratio = mock_us / bare_us
        line = f"{name:34} | {bare_us:11.1f} | {mock_us:11.1f} | {ratio:9.2f} | {'ok' if ratio <= 1.3 else 'MISS':11}"
        if flask_us is not None:
            line += f" | {flask_us:18.1f} | {mock_us / flask_us:15.2f}"
        print(line)
    print(f"load average at end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
