"""`revokit check medusa-v1`: passes against the contract mock, reports exactly the medusa-1.20
profile's deviations, and catches every planted defect with the checks it names."""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests
from defects_medusa_v1 import (
    DEFECTS,
    channel_list_without_auth,
    credentials,
    defective_app,
    serve,
    server_error_on_missing_title,
)

from revokit.contracts.medusa_v1 import PROFILE_DEVIATIONS, SPEC, SUITE
from revokit.contracts.schemathesis_run import run_schemathesis
from revokit_testing import TEST_JWT_SECRET, start_revokit_mock

SCENARIO_NAMES = SUITE.scenarios.names()
ADMIN = ("admin@medusa-test.com", "supersecret")  # the seed's admin (fixtures/medusa-v1.yaml)
_MARK = re.compile(r"^  (PASS|FAIL|ALLOW|SKIP)\s+(\S+)\s+(.+?)\s*$", re.MULTILINE)
_ISSUED = re.compile(rb"\b(?:pk|sc|pksc|prod|usr|cart)_[0-9A-Z]{26}\b")


@dataclass(frozen=True)
class LiveMedusa:
    base_url: str
    api_token: str  # the seeded admin's API token


def _live(profile: str) -> Iterator[LiveMedusa]:
    mock = start_revokit_mock(
        "medusa-v1",
        "--port",
        "0",
        "--profile",
        profile,
        "--jwt-secret",
        TEST_JWT_SECRET,
        "--session-ttl",
        "2",
    )
    base = mock.url("medusa-v1")
    try:
        seed = requests.get(f"{base}/__revokit/seed", timeout=10).json()
        yield LiveMedusa(base, seed["admin"]["api_token"])
    finally:
        mock.process.terminate()
        try:
            mock.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            mock.process.kill()


@pytest.fixture(scope="module")
def contract_mock() -> Iterator[LiveMedusa]:
    yield from _live("contract")


@pytest.fixture(scope="module")
def medusa_120_mock() -> Iterator[LiveMedusa]:
    yield from _live("medusa-1.20")


def _login(base: str) -> list[str]:
    return [
        "medusa-v1",
        "--base-url",
        base,
        "--email",
        ADMIN[0],
        "--password",
        ADMIN[1],
        "--jwt-secret",
        TEST_JWT_SECRET,
    ]


def _marks(out: str) -> dict[tuple[str, str], str]:
    """(check, operation) -> PASS/FAIL/ALLOW/SKIP from the report's summary lines."""
    return {(name, operation): mark for mark, name, operation in _MARK.findall(out)}


def _with(out: str, wanted: str) -> set[tuple[str, str]]:
    return {pair for pair, mark in _marks(out).items() if mark == wanted}


def _scenario_marks(out: str) -> dict[str, str]:
    return {name: mark for (name, _), mark in _marks(out).items() if name in SCENARIO_NAMES}


def test_passes_against_the_contract_mock_and_cleans_up(contract_mock, check, tmp_path):
    junit = tmp_path / "medusa.xml"
    base = contract_mock.base_url
    result = check(*_login(base), "--max-examples", "2", "--seed", "4", "--junit-xml", str(junit))
    assert result.code == 0, result.out + result.err
    out = result.out
    assert "Result: PASSED — 0 failed" in out and "0 allowed, 0 skipped" in out
    assert _scenario_marks(out) == dict.fromkeys(SCENARIO_NAMES, "PASS")
    positions = [out.index(f"  PASS  {name} ") for name in SCENARIO_NAMES]
    assert positions == sorted(positions)  # the fixed order
    for builtin in (
        "ignored_auth",
        "positive_data_acceptance",
        "use_after_free",
        "response_schema_conformance",
    ):
        assert f"  PASS  {builtin} " in out
    # Neither the password nor what the login issued is ever printed.
    assert ADMIN[1] not in out and contract_mock.api_token not in out
    assert "eyJ" not in out and "s%3A" not in out

    # Teardown: no key or channel of the run is left, and what was there before is untouched.
    seed = requests.get(f"{base}/__revokit/seed", timeout=10).json()
    state = requests.get(f"{base}/__revokit/state", timeout=10).json()["state"]
    keys = {k["id"]: (k["title"], k["revoked_at"] is not None) for k in state["publishable_api_keys"]}
    assert keys == {k["id"]: (k["title"], k["state"] == "revoked") for k in seed["publishable_api_keys"]}
    seeded_channels = {c["id"]: c["name"] for c in seed["sales_channels"]}
    channels = {c["id"]: c for c in state["sales_channels"]}
    for channel_id, name in seeded_channels.items():
        channel = channels[channel_id]
        assert (channel["name"], channel["is_disabled"], channel["deleted_at"]) == (name, False, None)
    live = [c for c in state["sales_channels"] if c["id"] not in seeded_channels and not c["deleted_at"]]
    assert live == []

    root = ET.parse(junit).getroot()
    assert (root.get("failures"), root.get("errors"), root.get("skipped")) == ("0", "0", "0")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert [c.get("name") for c in suites["medusa-v1.scenarios"].findall("testcase")] == SCENARIO_NAMES


def _deviations() -> set[tuple[str, str]]:
    """The (check, operation) failures of the profile's flags that name their operation."""
    return {(c, o) for pairs in PROFILE_DEVIATIONS.values() for c, o in pairs if o is not None}


def _anywhere() -> set[str]:
    """Checks a flag breaks on whatever operation the generated data reaches (NUL in an id)."""
    return {c for pairs in PROFILE_DEVIATIONS.values() for c, o in pairs if o is None}


def _explained(pairs: set[tuple[str, str]]) -> bool:
    return all(pair in _deviations() or pair[0] in _anywhere() for pair in pairs)


def test_medusa_120_mock_fails_exactly_the_profile_deviations(medusa_120_mock, check):
    base = medusa_120_mock.base_url
    strict = check(*_login(base), "--max-examples", "2")
    assert strict.code == 1, strict.out
    failed = _with(strict.out, "FAIL")
    # The scenarios are deterministic; which generated cases break depends on what the budget of
    # two examples draws, so those need only be explained by a flag.
    assert {pair for pair in _deviations() if pair[0] in SCENARIO_NAMES} <= failed
    assert _explained(failed), failed - _deviations()
    assert _with(strict.out, "ALLOW") == set()
    # In the contract profile every root cause is a deviation the release profile documents.
    causes = [
        line.strip()
        for line in strict.out.split("\nFailures\n", 1)[1].split("\nWarnings (")[0].splitlines()
        if "root cause: " in line
    ]
    assert causes and all(c.startswith("root cause: release deviation ") for c in causes), causes
    assert "Express answers" not in strict.out and "WARN  unsupported_method" in strict.out

    # Every Schemathesis deviation shows in the coverage phase: it alone keeps the rerun short.
    allowed = check(*_login(base), "--phases", "scenarios,coverage", "--profile", "medusa-1.20")
    assert allowed.code == 0, allowed.out
    assert _with(allowed.out, "FAIL") == set()
    assert {pair for pair in _deviations() if pair[0] in SCENARIO_NAMES} <= _with(allowed.out, "ALLOW")
    assert _explained(_with(allowed.out, "ALLOW"))
    stale = (
        allowed.out.split("no longer fail", 1)[1].split("\nResult:")[0]
        if "no longer fail" in allowed.out
        else ""
    )
    # Entries of generated cases may go unmatched (the coverage phase draws what it draws); a
    # scenario's entry never does.
    assert not any(f"  {name} — " in stale for name in SCENARIO_NAMES), stale
    assert "store_accepts_invalid_keys: Store routes accept a revoked or unknown" in allowed.out


def test_a_ready_token_of_either_kind_works(contract_mock, check):
    base = contract_mock.base_url
    jwt = requests.post(
        f"{base}/admin/auth/token", json={"email": ADMIN[0], "password": ADMIN[1]}, timeout=10
    )
    for token, kind in ((jwt.json()["access_token"], "jwt"), (contract_mock.api_token, "api_token")):
        result = check(
            "medusa-v1",
            "--base-url",
            base,
            "--token",
            token,
            "--jwt-secret",
            TEST_JWT_SECRET,
            "--phases",
            "scenarios",
        )
        assert result.code == 0, result.out
        marks = _scenario_marks(result.out)
        # These need the admin's e-mail (and password): a token alone cannot try them.
        assert {
            marks.pop(name)
            for name in ("login_refuses_wrong_password", "logout_ends_session", "session_expires")
        } == {"SKIP"}
        # The forged tokens take their claims from a JWT: an API token gives none.
        forged = {marks.pop("forged_tokens_judged"), marks.pop("forged_token_of_unknown_user_refused")}
        assert forged == ({"PASS"} if kind == "jwt" else {"SKIP"}), result.out
        assert set(marks.values()) == {"PASS"}
        assert token not in result.out and TEST_JWT_SECRET not in result.out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--email", ADMIN[0], "--password", "wrong"], "refused --email/--password: 401"),
        (["--token", "not-a-token"], "refused --token"),
        (["--email", ADMIN[0]], "both --email and --password"),
        ([], "needs --email/--password"),
    ],
)
def test_refused_or_missing_credentials_exit_2(contract_mock, check, argv, message):
    result = check("medusa-v1", "--base-url", contract_mock.base_url, *argv)
    assert result.code == 2
    assert message in result.err and result.out == ""


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_planted_defect_is_caught_by_its_scenarios(defect, check):
    app = defective_app(defect.patch)
    login = credentials(app)
    with serve(app) as base:
        result = check(
            "medusa-v1",
            "--base-url",
            base,
            "--email",
            login.email,
            "--password",
            login.password,
            f"--jwt-secret={login.jwt_secret}",  # a random secret may start with "-"
            "--phases",
            "scenarios",
        )
    assert result.code == 1, result.out
    failed = {name for name, mark in _scenario_marks(result.out).items() if mark == "FAIL"}
    assert failed == defect.caught_by, result.out
    failures = result.out.split("\nFailures\n", 1)[1]
    assert "   request:\n     curl -sS -i -X " in failures
    assert "   expected: " in failures and "   actual:   " in failures
    assert login.password not in result.out and login.jwt_secret not in result.out


@pytest.mark.parametrize(
    "patch, caught",
    [
        (
            server_error_on_missing_title,
            {
                ("not_a_server_error", "POST /admin/publishable-api-keys"),
                ("status_code_conformance", "POST /admin/publishable-api-keys"),  # 500 is undocumented
            },
        ),
        (channel_list_without_auth, {("ignored_auth", "GET /admin/sales-channels")}),
    ],
    ids=["server_error_on_missing_title", "channel_list_without_auth"],
)
def test_schemathesis_fuzzing_catches_a_defect(check, patch, caught):
    app = defective_app(patch)
    login = credentials(app)
    with serve(app) as base:
        result = check(
            *_login(base)[:3],
            "--email",
            login.email,
            "--password",
            login.password,
            "--phases",
            "fuzzing",
            "--max-examples",
            "3",
        )
    assert result.code == 1, result.out
    assert _with(result.out, "FAIL") == caught, result.out
    details = result.out.split("\nFailures\n", 1)[1]
    for name, operation in caught:
        assert f"{name} — {operation}" in details
    assert "curl -sS -i -X " in details and login.password not in result.out


def test_same_seed_sends_the_same_requests():
    """Two fresh backends, one seed: the same requests (ids the backend issued aside)."""

    def trace(seed: int) -> list[tuple[str, bytes, bytes]]:
        app = defective_app()
        with serve(app) as base:
            token = requests.post(
                f"{base}/admin/auth/token", json={"email": ADMIN[0], "password": ADMIN[1]}, timeout=10
            ).json()["access_token"]
            state = {"admin_headers": {"Authorization": f"Bearer {token}"}, "anchor": "pk_" + "0" * 26}
            run = run_schemathesis(
                SPEC,
                base,
                headers=SUITE.schemathesis_headers(state),
                seed=seed,
                max_examples=2,
                phases=["fuzzing", "stateful"],
                settings=SUITE.schemathesis_settings(state),
            )

        def normal(data: bytes) -> bytes:
            return _ISSUED.sub(b"<issued>", data)

        return [
            (method, normal(url.split("/", 3)[3].encode()), normal(body or b""))
            for method, url, body, _ in run.trace
        ]

    first, again, other = trace(7), trace(7), trace(8)
    assert len(first) > 20
    assert first == again
    assert first != other
