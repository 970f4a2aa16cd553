"""Print what the pytest plugin costs: its import, a live mock's start-up, and the per-test reset.

    .venv/bin/python benchmarks/plugin_startup.py [--resets 200]

Targets (issue): start < 100 ms and reset < 5 ms with the default seed. Start-up is measured the
way the ``revokit_server`` fixture pays it: in a fresh interpreter (cold: the mock engine, Flask
and openapi-core still to import) and again in the same process (warm: a second profile or
family). The build is split into its parts: compiling the spec's schemas for the validator
(openapi-core's reference validator is built later, in the background, only if needed), seeding (scrypt hashes of the seeded secrets, here at
the fixtures' cost N=2**10), the rest of the Flask app, and binding the server thread.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import time
from typing import Any

FAMILIES = ("app-keys", "medusa-v1", "xclade-v2")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def child_import() -> dict[str, Any]:
    """Import cost of the plugin module on top of pytest (what every pytest run pays)."""
    import pytest  # noqa: F401  (pytest is loaded before its plugins)

    heavy_before = set(sys.modules)
    started = time.perf_counter()
    import revokit.pytest_plugin  # noqa: F401

    elapsed = time.perf_counter() - started
    new = sorted(m for m in set(sys.modules) - heavy_before if not m.startswith("_"))
    return {"ms": _ms(elapsed), "modules": new}


def child_start(families: list[str], resets: int) -> dict[str, Any]:
    """Start each family as the ``revokit_server`` fixture does, timing every part."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    from revokit.mockserver import compiled_validation
    from revokit.mockserver import runtime as app_module
    from revokit.testing_server import MockServers

    timings["import the mock engine (Flask, jsonschema_rs, Faker)"] = time.perf_counter() - started

    parts: dict[str, float] = {}

    def timed(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name, None)
        if original is None:  # the engine changed shape: time the rest anyway
            return

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            t = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                parts[label] = parts.get(label, 0.0) + time.perf_counter() - t

        if isinstance(owner, type):
            setattr(owner, name, wrapper)
        else:
            object.__setattr__(owner, name, wrapper)  # FamilyDefinition is a frozen dataclass

    timed(compiled_validation.CompiledValidator, "__init__", "compiled validator (jsonschema_rs)")
    timed(app_module, "load_spec", "spec YAML")
    timed(app_module, "Faker", "Faker()")
    timed(app_module.fixture_data, "load_fixture", "seed fixture YAML")
    from revokit.mockserver.families import get_family

    for family in families:
        with contextlib.suppress(Exception):  # a family still being written: reported below
            timed(get_family(family), "seed", "seed (scrypt N=2**10)")
    from revokit.testing_server import LiveServer

    timed(LiveServer, "__init__", "bind + server thread")

    import requests

    report: dict[str, Any] = {"import_ms": {k: _ms(v) for k, v in timings.items()}, "families": {}}
    sessions = []
    for family in families:
        for run in ("first", "again (warm)"):
            parts.clear()
            # "again": what a second pytest session in the same process (pytester) pays
            servers = MockServers()
            sessions.append(servers)
            t = time.perf_counter()
            try:
                server = servers.get(family, "contract")
            except Exception as exc:  # a family still being written
                report["families"][family] = {"error": f"{type(exc).__name__}: {exc}"[:200]}
                break
            start = time.perf_counter() - t
            t = time.perf_counter()
            with requests.Session() as session:
                session.trust_env = False
                session.get(server.url + "/__revokit/health", timeout=5).raise_for_status()
            first_request = time.perf_counter() - t
            entry = report["families"].setdefault(family, {})
            parts["other (profile, routes, Flask app)"] = start - sum(parts.values())
            entry[run] = {
                "start_ms": _ms(start),
                "first_request_ms": _ms(first_request),
                **{k: _ms(v) for k, v in parts.items()},
            }
        if "error" in report["families"].get(family, {}):
            continue
        rt = server.runtime
        samples = []
        for _ in range(resets):
            t = time.perf_counter()
            rt.reset()
            samples.append(time.perf_counter() - t)
        http_samples = []
        with requests.Session() as session:
            session.trust_env = False
            for _ in range(min(resets, 50)):
                t = time.perf_counter()
                session.post(server.url + "/__revokit/reset", timeout=5).raise_for_status()
                http_samples.append(time.perf_counter() - t)
        report["families"][family]["reset"] = {
            "in_process_mean_ms": round(statistics.mean(samples) * 1000, 3),
            "in_process_p95_ms": round(sorted(samples)[int(len(samples) * 0.95) - 1] * 1000, 3),
            "http_mean_ms": round(statistics.mean(http_samples) * 1000, 2),
        }
    for servers in sessions:
        servers.stop_all()
    return report


def _child(*args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--resets", type=int, default=200)
    parser.add_argument("--child", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        kind, *rest = args.child
        result = child_import() if kind == "import" else child_start(rest, args.resets)
        print(json.dumps(result))
        return

    imported = _child("import")
    print(f"import revokit.pytest_plugin (after pytest): {imported['ms']} ms")
    print(f"  modules it adds: {', '.join(imported['modules'])}")
    print()
    print("fixture start-up: each family in a fresh interpreter (cold imports), then a second session (warm)")
    for family in FAMILIES:
        report = _child("start", family)
        for label, ms in report["import_ms"].items():
            print(f"  [{family}] {label}: {ms} ms (cold only)")
        data = report["families"][family]
        if "error" in data:
            print(f"  [{family}] could not start: {data['error']}")
            continue
        for run in ("first", "again (warm)"):
            if run not in data:
                continue
            d = data[run]
            parts = ", ".join(
                f"{k} {v} ms" for k, v in d.items() if k not in ("start_ms", "first_request_ms")
            )
            print(
                f"  [{family}] {run}: start {d['start_ms']} ms ({parts}); first request {d['first_request_ms']} ms"
            )
        reset = data["reset"]
        print(
            f"  [{family}] reset (what every test pays): in-process mean {reset['in_process_mean_ms']} ms, "
            f"p95 {reset['in_process_p95_ms']} ms; over HTTP POST /__revokit/reset {reset['http_mean_ms']} ms"
        )
    print()
    print("targets: start < 100 ms, reset < 5 ms")


if __name__ == "__main__":
    main()
