"""`revokit check xclade-v2`: passes against the contract mock, reports exactly the medusa-2.21
profile's deviations, and catches planted defects."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

import jwt
import pytest
import requests
from defects_xclade_v2 import (
    DEFECTS,
    credentials,
    defective_app,
    key_list_without_auth,
    list_without_count,
    serve,
)
from flask import Flask

from revokit.contracts.report import Report, render_text
from revokit.contracts.runner import CheckOptions, run_check
from revokit.contracts.schemathesis_run import run_schemathesis
from revokit.contracts.xclade_v2 import SPEC, SUITE, admin_headers
from revokit_testing import TEST_JWT_SECRET, start_revokit_mock

FAMILY = "xclade-v2"
SCENARIO_NAMES = SUITE.scenarios.names()
PROFILE_FAILURES = {pair for pairs in SUITE.profile_deviations.values() for pair in pairs}
# What a backend issues, and so differs between two backends: ids, tokens, JWTs, timestamps.
_ISSUED = re.compile(
    rb"(?:apk|sc|prod|user|authid)_[0-9A-HJKMNP-TV-Z]{26}|(?:sk|pk)_[0-9a-f]{64}"
    rb"|eyJ[\w-]+\.[\w-]+\.[\w-]+|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z"
)


def _marks(out: str) -> dict[str, str]:
    """check name -> PASS/FAIL/ALLOW/SKIP from the report's summary lines (scenarios only)."""
    return dict(
        (name, mark) for mark, name in re.findall(r"^  (PASS|FAIL|ALLOW|SKIP)\s+(\S+)", out, re.MULTILINE)
    )


def _pairs(out: str, mark: str) -> set[tuple[str, str]]:
    """(check, operation) of every summary line with ``mark``."""
    return {
        (name, operation.strip())
        for name, operation in re.findall(rf"^  {mark}\s+(\S+)\s+(.+)$", out, re.MULTILINE)
    }


@dataclass(frozen=True)
class LiveXclade:
    base_url: str
    email: str
    password: str
    seeded_key_ids: frozenset[str]


@pytest.fixture(scope="module")
def xclade_live() -> Iterator[LiveXclade]:
    """One `revokit mock xclade-v2` process (contract profile) for this module."""
    # Sessions of 2 s: the suite's session_expires waits them out instead of skipping.
    mock = start_revokit_mock(FAMILY, "--port", "0", "--jwt-secret", TEST_JWT_SECRET, "--session-ttl", "2")
    base = mock.url(FAMILY)
    try:
        seed = requests.get(f"{base}/__revokit/seed", timeout=10).json()
        admin = seed["admin"]
        ids = frozenset(key["id"] for key in seed["api_keys"])
        yield LiveXclade(base, admin["email"], admin["password"], ids)
    finally:
        mock.process.terminate()
        try:
            mock.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            mock.process.kill()


def test_passes_against_the_contract_mock_and_leaves_its_data_alone(xclade_live, check, tmp_path):
    live = xclade_live
    before = requests.get(f"{live.base_url}/__revokit/state", timeout=10).json()["state"]
    junit = tmp_path / "xclade.xml"
    result = check(
        FAMILY,
        "--base-url",
        live.base_url,
        "--email",
        live.email,
        "--password",
        live.password,
        "--jwt-secret",
        TEST_JWT_SECRET,
        "--max-examples",
        "3",
        "--junit-xml",
        str(junit),
    )
    assert result.code == 0, result.out + result.err
    out = result.out
    assert "Result: PASSED — 0 failed" in out and "0 allowed, 0 skipped" in out
    marks = _marks(out)
    assert all(marks[name] == "PASS" for name in SCENARIO_NAMES), out
    positions = [out.index(f"  PASS  {name} ") for name in SCENARIO_NAMES]
    assert positions == sorted(positions)
    for builtin in (
        "not_a_server_error",
        "response_schema_conformance",
        "ignored_auth",
        "positive_data_acceptance",
    ):
        assert marks[builtin] == "PASS"
    # The password and the JWT the login obtained are never printed: curl lines name variables.
    assert live.password not in out and "eyJ" not in out
    assert "$REVOKIT_JWT" in out and "$REVOKIT_PASSWORD" in out

    after = requests.get(f"{live.base_url}/__revokit/state", timeout=10).json()["state"]
    # Keys and sales channels that existed before the run are untouched (generated requests
    # cannot name them); every key the run created is revoked and deleted.
    assert [k for k in after["api_keys"] if k["id"] in live.seeded_key_ids] == before["api_keys"]
    assert {k["id"] for k in after["api_keys"]} == live.seeded_key_ids
    old_channels = {c["id"]: c for c in before["sales_channels"]}
    assert [c for c in after["sales_channels"] if c["id"] in old_channels] == before["sales_channels"]

    root = ET.parse(junit).getroot()
    assert (root.get("failures"), root.get("errors"), root.get("skipped")) == ("0", "0", "0")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert [c.get("name") for c in suites[f"{FAMILY}.scenarios"].findall("testcase")] == SCENARIO_NAMES


def test_a_secret_key_token_is_a_ready_credential(xclade_live, check):
    seed = requests.get(f"{xclade_live.base_url}/__revokit/seed", timeout=10).json()
    secret = next(k["token"] for k in seed["api_keys"] if k["type"] == "secret" and k["state"] == "active")
    result = check(FAMILY, "--base-url", xclade_live.base_url, "--token", secret, "--phases", "scenarios")
    assert result.code == 0, result.out
    # Without a JWT, the JWT variants of the wrong-credential check are left out, nothing fails.
    assert _marks(result.out)["admin_routes_refuse_wrong_credentials"] == "PASS"
    assert secret not in result.out and "$REVOKIT_TOKEN" in result.out
    headers = admin_headers(secret)
    assert (
        requests.get(f"{xclade_live.base_url}/admin/api-keys", headers=headers, timeout=10).status_code == 200
    )


@pytest.mark.parametrize(
    "extra, message",
    [
        ([], "needs the admin's --email and --password"),
        (["--email", "a@example.com"], "both --email and --password"),
        (["--email", "a@example.com", "--password", "p", "--token", "t"], "not both"),
        (["--token", "t", "--other-token", "u"], "--other-token does not apply"),
    ],
)
def test_usage_problems_exit_2(check, extra, message):
    result = check(FAMILY, "--base-url", "http://127.0.0.1:1", *extra)
    assert result.code == 2
    assert message in result.err


def test_refused_credentials_are_a_usage_problem(xclade_live, check):
    wrong = check(
        FAMILY, "--base-url", xclade_live.base_url, "--email", xclade_live.email, "--password", "nope"
    )
    assert wrong.code == 2 and "refused --email/--password: 401" in wrong.err
    garbled = check(FAMILY, "--base-url", xclade_live.base_url, "--token", "not-a-jwt")
    assert garbled.code == 2 and "refused --token" in garbled.err


def _run(
    app, profile: str = "contract", phases: tuple[str, ...] = ("scenarios",), max_examples: int = 3
) -> Report:
    with serve(app) as base:
        options = CheckOptions(
            family=FAMILY,
            base_url=base,
            credentials=credentials(app),
            profile=profile,
            phases=phases,
            max_examples=max_examples,
        )
        return run_check(options)


def _allowed_by_profile(pair: tuple[str, str]) -> bool:
    return pair in PROFILE_FAILURES or (pair[0], None) in PROFILE_FAILURES


def test_medusa_221_profile_reports_exactly_its_deviations():
    """Against a medusa-2.21 mock: without --profile, every failure is one the profile names, and
    every scenario it names fails; with it, those failures are allowed and none remains. (Some
    deviations only generated requests meet, so a short run shows a part of them.)"""
    phases = ("scenarios", "examples")
    scenario_failures = {pair for pair in PROFILE_FAILURES if pair[0] in SCENARIO_NAMES}
    plain = render_text(_run(defective_app(profile="medusa-2.21"), phases=phases))
    failed = _pairs(plain, "FAIL")
    assert scenario_failures <= failed and all(_allowed_by_profile(pair) for pair in failed), plain
    assert "Result: FAILED" in plain

    allowed = render_text(_run(defective_app(profile="medusa-2.21"), profile="medusa-2.21", phases=phases))
    assert _pairs(allowed, "ALLOW") == failed, allowed
    assert _pairs(allowed, "FAIL") == set()
    assert "Result: PASSED — 0 failed" in allowed and f"{len(failed)} allowed" in allowed
    flags = {flag for flag, pairs in SUITE.profile_deviations.items() if set(pairs) & failed}
    for flag in flags:
        assert flag in allowed  # the allow reason names the profile flag


_JWT = re.compile(r"eyJ[\w-]*\.[\w-]*\.[\w-]*")


def _assert_no_credential_printed(out: str, app) -> None:
    """No password, and no JWT the backend would accept: every printed JWT is unsigned or signed
    with another key (so no valid token can be rebuilt from a report)."""
    runtime = app.extensions["revokit"]
    assert runtime.seed_info["admin"]["password"] not in out
    assert runtime.seed_info["admin"]["token"] not in out
    for token in _JWT.findall(out):
        if token.endswith("."):
            continue  # alg none: no signature at all
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(
                token, runtime.settings.jwt_secret, algorithms=["HS256"], options={"verify_exp": False}
            )


@pytest.fixture(scope="module")
def defect_apps() -> dict[str, Flask]:
    return {defect.name: defective_app(defect.patch) for defect in DEFECTS}


@pytest.fixture(scope="module")
def defect_reports(defect_apps) -> dict[str, str]:
    """Every planted defect's scenario run, rendered; run side by side (they mostly wait)."""

    def one(defect) -> tuple[str, str]:
        return defect.name, render_text(_run(defect_apps[defect.name]))

    with ThreadPoolExecutor(max_workers=6) as pool:
        return dict(pool.map(one, DEFECTS))


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_planted_defect_is_caught_by_its_scenarios(defect, defect_reports, defect_apps):
    out = defect_reports[defect.name]
    failed = {name for name, mark in _marks(out).items() if mark == "FAIL"}
    assert failed == defect.caught_by, out
    failures = out.split("\nFailures\n", 1)[1]
    for name in defect.caught_by:
        assert re.search(rf"^\d+\) {name} — ", failures, re.MULTILINE)
    assert "   request:\n     curl -sS -i -X " in failures
    assert "   expected: " in failures and "   actual:   " in failures
    _assert_no_credential_printed(out, defect_apps[defect.name])


def test_at_least_six_defects_each_caught():
    assert len(DEFECTS) >= 6
    assert all(defect.caught_by for defect in DEFECTS)
    assert len({d.name for d in DEFECTS}) == len(DEFECTS)


@pytest.mark.parametrize(
    "patch, phase, check_name, operation",
    [
        (key_list_without_auth, "fuzzing", "ignored_auth", "GET /admin/api-keys"),
        (list_without_count, "fuzzing", "response_schema_conformance", "GET /admin/api-keys"),
    ],
)
def test_schemathesis_phases_catch_defects(patch, phase, check_name, operation):
    out = render_text(_run(defective_app(patch), phases=(phase,), max_examples=5))
    assert "Result: FAILED" in out
    assert (check_name, operation) in _pairs(out, "FAIL"), out
    details = out.split("\nFailures\n", 1)[1]
    assert f"{check_name} — {operation}" in details and "curl -sS -i -X " in details


def test_same_seed_sends_the_same_requests():
    """Deterministic generation: two fresh backends, one seed, the same requests (ids, tokens,
    JWTs and timestamps the backends issued aside); another seed, other requests."""

    def trace(seed: int) -> list[tuple[str, bytes, bytes]]:
        app = defective_app()
        seeded = app.extensions["revokit"].seed_info
        state = {
            "jwt": seeded["admin"]["token"],
            "admin_headers": admin_headers(seeded["admin"]["token"]),
            "store_key": next(k["token"] for k in seeded["api_keys"] if k["type"] == "publishable"),
        }
        with serve(app) as base:
            run = run_schemathesis(
                SPEC,
                base,
                headers={},
                seed=seed,
                max_examples=3,
                phases=["fuzzing", "stateful"],
                settings=SUITE.schemathesis_settings(state),
            )
        issued = {m for *_, response in run.trace if response for m in _ISSUED.findall(response)}

        def normal(data: bytes) -> bytes:
            return _ISSUED.sub(
                lambda m: b"<issued>" if m.group() in issued else m.group(), unquote_to_bytes(data)
            )

        return [
            (method, normal(url.split("/", 3)[3].encode()), normal(body or b""))
            for method, url, body, _ in run.trace
        ]

    first, again, other = trace(5), trace(5), trace(6)
    assert len(first) > 20
    assert first == again
    assert first != other
