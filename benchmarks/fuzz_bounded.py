"""A bounded, seeded Schemathesis fuzzing run of each family's spec against a live `revokit mock`.

    .venv/bin/python benchmarks/fuzz_bounded.py [--max-examples 80] [--seed 20261123] [FAMILY ...]

Every phase runs (examples, coverage, fuzzing with negative data included, stateful), with one
worker and deterministic generation, so a given seed sends the same requests every time. The
mock runs as users run it (`revokit mock FAMILY --validate-responses` in its own process), so a
response that breaks the mock's own spec comes back as a 500 carrying `X-Revokit-Spec-Violation`.

Printed per family: requests sent, 5xx answers, responses that break the spec (Schemathesis's
conformance checks plus the mock's own violation header), admin routes that ignored missing or
wrong credentials (`ignored_auth`), and the other checks' findings for information. The exit
status is 1 when any family had a 5xx, a spec-breaking response or an ignored-auth finding.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import requests

FAMILIES = ("app-keys", "medusa-v1", "xclade-v2")
PHASES = ("examples", "coverage", "fuzzing", "stateful")
# Checks whose failure means a response the spec does not allow.
SPEC_CHECKS = frozenset(
    {
        "response_schema_conformance",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
    }
)
AUTH_CHECKS = frozenset({"ignored_auth"})
SERVER_ERROR_CHECK = "not_a_server_error"
READY_LINE = "revokit mock is serving; press Ctrl-C to stop."
_BANNER_PORT = re.compile(r"^== (\S+): http://127\.0\.0\.1:(\d+)", re.MULTILINE)


@dataclass
class FamilyResult:
    family: str
    requests: int = 0
    server_errors: int = 0
    spec_breaks: int = 0
    seconds: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    # check name -> distinct failure descriptions (operation: title)
    findings: dict[str, set[str]] = field(default_factory=dict)
    run_errors: list[str] = field(default_factory=list)
    violation_headers: set[str] = field(default_factory=set)
    server_error_samples: list[str] = field(default_factory=list)

    @property
    def auth_findings(self) -> int:
        return sum(len(v) for k, v in self.findings.items() if k in AUTH_CHECKS)

    @property
    def failed(self) -> bool:
        return bool(self.server_errors or self.spec_breaks or self.auth_findings or self.run_errors)


def start_mock(family: str) -> tuple[subprocess.Popen, str]:
    revokit = os.path.join(os.path.dirname(sys.executable), "revokit")
    command = [revokit, "mock", family, "--port", "0", "--validate-responses", "--threads", "4"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    banner = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        banner.append(line)
        if line.strip() == READY_LINE:
            break
    ports = dict(_BANNER_PORT.findall("".join(banner)))
    if family not in ports:
        process.kill()
        raise SystemExit(f"revokit mock {family} did not start:\n{''.join(banner)}")
    # Keep reading the mock's output so a chatty log can never fill the pipe and stall it.
    _discard_output(process)
    return process, f"http://127.0.0.1:{ports[family]}"


def _discard_output(process: subprocess.Popen) -> None:
    def drain() -> None:
        assert process.stdout is not None
        for _ in process.stdout:
            pass

    threading.Thread(target=drain, daemon=True).start()


def credentials(family: str, base: str) -> dict[str, str]:
    """Headers that authenticate every protected operation of the family (seeded credentials)."""
    seed = requests.get(f"{base}/__revokit/seed", timeout=10).json()
    if family == "app-keys":
        alice = seed["users"][0]
        live_key = next(k for k in alice["applications"][0]["keys"] if k.get("key"))
        return {"Authorization": f"Bearer {alice['token']}", "X-API-Key": live_key["key"]}
    if family == "medusa-v1":
        return {"x-medusa-access-token": seed["admin"]["api_token"]}
    publishable = next(
        k
        for k in seed["api_keys"]
        if k["type"] == "publishable" and k["state"] == "active" and k["sales_channels"]
    )
    return {
        "Authorization": f"Bearer {seed['admin']['token']}",
        "x-publishable-api-key": publishable["token"],
    }


def fuzz_family(family: str, *, seed: int, max_examples: int, phases: tuple[str, ...]) -> FamilyResult:
    import schemathesis
    from schemathesis.config import CacheConfig, HealthCheck, SchemathesisConfig
    from schemathesis.engine import Status, events, from_schema

    from revokit.specs import load_spec

    result = FamilyResult(family)
    process, base = start_mock(family)
    started = time.perf_counter()
    try:
        config = SchemathesisConfig(seed=seed, cache=CacheConfig(enabled=False))
        schema = schemathesis.openapi.from_dict(load_spec(family), config=config)
        schema.config.update(
            base_url=base,
            headers=credentials(family, base),
            workers=1,
            request_timeout=15.0,
            suppress_health_check=[HealthCheck.all],
        )
        schema.config.generation.update(deterministic=True, max_examples=max_examples, database="none")
        schema.config.phases.update(phases=list(phases))
        logging.getLogger("schemathesis").setLevel(logging.ERROR)
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                _fold(event.recorder, result, Status)
            elif isinstance(event, events.NonFatalError):
                result.run_errors.append(f"{event.label}: {event.info.title}: {event.info.message}"[:300])
            elif isinstance(event, events.FatalError):
                result.run_errors.append(f"fatal: {type(event.exception).__name__}: {event.exception}"[:300])
        alive = requests.get(f"{base}/__revokit/health", timeout=5).status_code == 200
        if not alive:
            result.run_errors.append("the mock stopped answering after the run")
    finally:
        result.seconds = time.perf_counter() - started
        process.terminate()
        process.wait(timeout=10)
    return result


def _fold(recorder: Any, result: FamilyResult, status_enum: Any) -> None:
    for interaction in recorder.interactions.values():
        response = interaction.response
        if response is None:
            continue
        result.requests += 1
        result.statuses[response.status_code] += 1
        if response.status_code >= 500:
            result.server_errors += 1
            request = interaction.request
            body = (request.body or b"")[:120]
            result.server_error_samples.append(
                f"{request.method} {request.uri} {body!r} -> {response.content[:160]!r}"
            )
        violation = (response.headers or {}).get("X-Revokit-Spec-Violation") or (response.headers or {}).get(
            "x-revokit-spec-violation"
        )
        if violation:
            text = violation[0] if isinstance(violation, list) else violation
            result.violation_headers.add(text[:300])
            result.spec_breaks += 1
    for case_id, nodes in recorder.checks.items():
        node = recorder.cases.get(case_id)
        operation = node.value.operation.label if node is not None else recorder.label
        for check in nodes:
            if check.status != status_enum.FAILURE or check.failure_info is None:
                continue
            failure = check.failure_info.failure
            if check.name in SPEC_CHECKS:
                result.spec_breaks += 1
            message = (failure.message or "").strip().splitlines()
            detail = f"{operation}: {failure.title}" + (f" ({message[0][:160]})" if message else "")
            result.findings.setdefault(check.name, set()).add(detail)


def report(results: list[FamilyResult], *, seed: int, max_examples: int) -> None:
    print(f"\nbounded fuzzing: seed {seed}, max-examples {max_examples}, phases {', '.join(PHASES)}")
    print(
        f"{'family':10} {'requests':>8} {'5xx':>5} {'spec-breaking':>13} {'ignored-auth':>12} {'seconds':>8}"
    )
    for r in results:
        print(
            f"{r.family:10} {r.requests:8d} {r.server_errors:5d} {r.spec_breaks:13d} "
            f"{r.auth_findings:12d} {r.seconds:8.1f}"
        )
    for r in results:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(r.statuses.items()))
        print(f"\n-- {r.family}: statuses {{{statuses}}}")
        for text in r.server_error_samples[:8]:
            print(f"   5xx: {text}")
        for text in sorted(r.violation_headers):
            print(f"   spec violation reported by the mock: {text}")
        for name in sorted(r.findings):
            marker = "FAIL" if name in SPEC_CHECKS | AUTH_CHECKS or name == SERVER_ERROR_CHECK else "info"
            for detail in sorted(r.findings[name])[:12]:
                print(f"   [{marker}] {name}: {detail}")
            if len(r.findings[name]) > 12:
                print(f"   [{marker}] {name}: ... {len(r.findings[name]) - 12} more")
        for error in r.run_errors:
            print(f"   [FAIL] run error: {error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "families", nargs="*", metavar="FAMILY", help=f"any of {', '.join(FAMILIES)} (default: all)"
    )
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument(
        "--max-examples", type=int, default=80, help="examples per operation and phase (default 80: ~2-3 min)"
    )
    args = parser.parse_args(argv)
    families = list(dict.fromkeys(args.families or FAMILIES))
    unknown = [f for f in families if f not in FAMILIES]
    if unknown:
        parser.error(f"unknown family {', '.join(unknown)}; choose from {', '.join(FAMILIES)}")
    results = []
    for family in families:
        print(f"fuzzing {family} ...", flush=True)
        results.append(fuzz_family(family, seed=args.seed, max_examples=args.max_examples, phases=PHASES))
    report(results, seed=args.seed, max_examples=args.max_examples)
    failed = [r.family for r in results if r.failed]
    print(
        f"\nresult: {'FAILED (' + ', '.join(failed) + ')' if failed else 'no 5xx, no spec-breaking response'}"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
