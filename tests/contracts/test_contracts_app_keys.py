"""`revokit check app-keys` against a live mock (it must pass) and against planted defects (caught)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import jwt as pyjwt
import pytest
import requests
from contracts_defects import (
    DEFECTS,
    defective_app,
    missing_token_lists_first_user,
    second_revoke_succeeds,
    serve,
    tokens,
    wrong_not_found_body,
)

from revokit.contracts.app_keys import SPEC, SUITE
from revokit.contracts.schemathesis_run import run_schemathesis
from revokit_testing import TEST_JWT_SECRET

SCENARIO_NAMES = SUITE.scenarios.names()
REVOKE_OP = "DELETE /api/v1/applications/{id}/api-keys/{keyId}"
_UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _marks(out: str) -> dict[str, str]:
    """check name -> PASS/FAIL/ALLOW/SKIP from the report's summary lines."""
    return dict(
        (name, mark) for mark, name in re.findall(r"^  (PASS|FAIL|ALLOW|SKIP)\s+(\S+)", out, re.MULTILINE)
    )


def test_passes_against_the_live_mock_with_report_and_junit(ak_live, check, tmp_path):
    junit = tmp_path / "reports" / "check.xml"
    result = check(
        "app-keys",
        "--base-url",
        ak_live.base_url,
        "--token",
        ak_live.alice,
        "--other-token",
        ak_live.bob,
        "--jwt-secret",
        TEST_JWT_SECRET,
        "--max-examples",
        "5",
        "--seed",
        "3",
        "--junit-xml",
        str(junit),
    )
    assert result.code == 0, result.out + result.err
    out = result.out
    assert out.startswith(f"revokit check app-keys against {ak_live.base_url}\nseed 3 · max examples 5")
    assert "Result: PASSED — 0 failed" in out and "0 allowed, 0 skipped" in out
    marks = _marks(out)
    assert all(marks[name] == "PASS" for name in SCENARIO_NAMES), out
    # Scenarios are listed in their fixed order, before the Schemathesis checks.
    positions = [out.index(f"  PASS  {name} ") for name in SCENARIO_NAMES]
    assert positions == sorted(positions)
    for builtin in ("not_a_server_error", "response_schema_conformance", "use_after_free", "ignored_auth"):
        assert marks[builtin] == "PASS"
    assert ak_live.alice not in out and ak_live.bob not in out  # credentials never printed

    # Teardown revoked every key the run created (the seeded keys are untouched).
    seeded = {
        key["id"]
        for user in requests.get(f"{ak_live.base_url}/__revokit/seed", timeout=10).json()["users"]
        for app in user["applications"]
        for key in app["keys"]
    }
    state = requests.get(f"{ak_live.base_url}/__revokit/state", timeout=10).json()["state"]
    assert len(state["api_keys"]) > len(seeded) + 10
    assert [k["name"] for k in state["api_keys"] if k["id"] not in seeded and not k["revoked_at"]] == []
    # ... and no generated request revoked a key the run did not make.
    seeded_active = {
        key["id"]
        for user in requests.get(f"{ak_live.base_url}/__revokit/seed", timeout=10).json()["users"]
        for app in user["applications"]
        for key in app["keys"]
        if key["state"] == "active"
    }
    assert (
        seeded_active
        and [k["id"] for k in state["api_keys"] if k["id"] in seeded_active and k["revoked_at"]] == []
    )
    # A forged signature is printed in full, and must share nothing with the real one.
    assert ak_live.alice.rsplit(".", 1)[1] not in out

    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    assert (root.get("failures"), root.get("errors"), root.get("skipped")) == ("0", "0", "0")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"app-keys.setup", "app-keys.scenarios", "app-keys.schemathesis"}
    scenario_cases = [c.get("name") for c in suites["app-keys.scenarios"].findall("testcase")]
    assert scenario_cases == SCENARIO_NAMES
    st_cases = [c.get("name") for c in suites["app-keys.schemathesis"].findall("testcase")]
    assert f"use_after_free[{REVOKE_OP}]" in st_cases or "use_after_free[GET /api/v1/key-info]" in st_cases
    assert int(root.get("tests")) == 1 + len(SCENARIO_NAMES) + len(st_cases)
    properties = {p.get("name"): p.get("value") for p in suites["app-keys.scenarios"].iter("property")}
    assert properties["seed"] == "3" and properties["base_url"] == ak_live.base_url


def test_without_a_second_identity_or_the_secret_those_checks_are_skipped(ak_live, check):
    result = check(
        "app-keys", "--base-url", ak_live.base_url, "--token", ak_live.alice, "--phases", "scenarios"
    )
    assert result.code == 0, result.out
    marks = _marks(result.out)
    assert marks["error_body_403"] == marks["other_users_keys_refused"] == "SKIP"
    assert "needs a second user's token (--other-token)" in result.out
    assert marks["forged_tokens_judged"] == "SKIP"
    assert "needs --jwt-secret" in result.out
    assert "3 skipped" in result.out


def test_unreachable_base_url_exits_2(check, unused_port):
    result = check("app-keys", "--base-url", f"http://127.0.0.1:{unused_port}", "--token", "x.y.z")
    assert result.code == 2
    assert "cannot reach" in result.err and result.out == ""


@pytest.mark.parametrize(
    "argv, message",
    [
        (["app-keys"], "--base-url"),
        (["no-such-family", "--base-url", "http://127.0.0.1:1"], "invalid choice"),
        (["app-keys", "--base-url", "http://127.0.0.1:1"], "needs --token"),
        (
            ["app-keys", "--base-url", "http://127.0.0.1:1", "--token", "t", "--phases", "fuzz"],
            "unknown phase",
        ),
        (
            ["app-keys", "--base-url", "http://127.0.0.1:1", "--token", "t", "--profile", "nope"],
            "unknown profile",
        ),
        (
            ["app-keys", "--base-url", "http://127.0.0.1:1", "--token", "t", "--max-examples", "0"],
            "at least 1",
        ),
    ],
)
def test_usage_problems_exit_2(check, argv, message):
    result = check(*argv)
    assert result.code == 2
    assert message in result.err


def test_a_refused_token_is_a_usage_problem(ak_live, check):
    result = check("app-keys", "--base-url", ak_live.base_url, "--token", "not-a-token")
    assert result.code == 2
    assert "refused --token: 401" in result.err


@pytest.mark.parametrize("defect", DEFECTS, ids=lambda d: d.name)
def test_planted_defect_is_caught_by_its_scenario(defect, check):
    app = defective_app(defect.patch)
    alice, bob = tokens(app)
    secret = app.extensions["revokit"].settings.jwt_secret
    with serve(app) as base:
        result = check(
            "app-keys",
            "--base-url",
            base,
            "--token",
            alice,
            "--other-token",
            bob,
            f"--jwt-secret={secret}",  # a random secret may start with "-"
            "--phases",
            "scenarios",
        )
    assert result.code == 1, result.out
    failed = {name for name, mark in _marks(result.out).items() if mark == "FAIL"}
    assert failed == defect.caught_by, result.out
    failures = result.out.split("\nFailures\n", 1)[1]
    for name in defect.caught_by:
        assert re.search(rf"^\d+\) {name} — ", failures, re.MULTILINE)
    assert "   request:\n     curl -sS -i -X " in failures
    assert "   expected: " in failures and "   actual:   " in failures
    assert alice not in result.out and bob not in result.out and secret not in result.out
    # Forged tokens, some of them valid, are masked too: every JWT printed fails verification.
    for token in re.findall(r"eyJ[\w-]*\.[\w-]*\.[\w-]*", result.out):
        with pytest.raises(pyjwt.PyJWTError):
            pyjwt.decode(token, secret, algorithms=["HS256"], audience="app-keys")


def test_schemathesis_phases_catch_a_wrong_error_body_and_ignored_auth(check):
    for patch, name, operation in (
        (wrong_not_found_body, "response_schema_conformance", REVOKE_OP),
        (missing_token_lists_first_user, "ignored_auth", "GET /api/v1/applications"),
    ):
        app = defective_app(patch)
        alice, _ = tokens(app)
        with serve(app) as base:
            result = check(
                "app-keys", "--base-url", base, "--token", alice, "--phases", "fuzzing", "--max-examples", "5"
            )
        assert result.code == 1, result.out
        assert re.search(rf"^  FAIL  {name}\s+{re.escape(operation)}$", result.out, re.MULTILINE), result.out
        details = result.out.split("\nFailures\n", 1)[1]
        assert f"{name} — {operation}" in details and "curl -sS -i -X " in details
        assert alice not in result.out


def test_allow_file_allows_known_failures_and_reports_stale_entries(check, tmp_path):
    allow = tmp_path / "allow.yaml"
    allow.write_text(
        f"""
- check: revoke_again_not_found
  operation: {REVOKE_OP}
  reason: our gateway answers 200 to a second revoke
- check: secret_shown_once
  reason: fixed long ago
""",
        encoding="utf-8",
    )
    junit = tmp_path / "allowed.xml"
    app = defective_app(second_revoke_succeeds)
    alice, bob = tokens(app)
    with serve(app) as base:
        common = [
            "app-keys",
            "--base-url",
            base,
            "--token",
            alice,
            "--other-token",
            bob,
            "--phases",
            "scenarios",
        ]
        without = check(*common)
        allowed = check(*common, "--allow", str(allow), "--junit-xml", str(junit))
    assert without.code == 1
    assert allowed.code == 0, allowed.out
    assert _marks(allowed.out)["revoke_again_not_found"] == "ALLOW"
    assert "Allowed failures (expected deviations)" in allowed.out
    assert "our gateway answers 200 to a second revoke" in allowed.out
    stale = allowed.out.split("Allow-list entries that no longer fail (remove them)\n", 1)[1]
    assert stale.startswith("  secret_shown_once — any operation")
    assert "Result: PASSED — 0 failed" in allowed.out and "1 allowed" in allowed.out
    assert "1 stale allow-list entries" in allowed.out

    root = ET.parse(junit).getroot()
    assert root.get("failures") == "0"
    case = next(c for c in root.iter("testcase") if c.get("name") == "revoke_again_not_found")
    assert case.find("skipped").get("message").startswith("allowed failure: our gateway")
    stale_suite = next(s for s in root.findall("testsuite") if s.get("name") == "app-keys.allow-list")
    assert [c.get("name") for c in stale_suite.findall("testcase")] == ["secret_shown_once[*]"]


def test_same_seed_sends_the_same_requests():
    """Deterministic generation: two fresh backends, one seed, the same requests (ids the backend
    issued aside); another seed, other requests."""

    def trace(seed: int) -> list[tuple[str, bytes, bytes]]:
        app = defective_app()
        alice, _ = tokens(app)
        with serve(app) as base:
            key = app.extensions["revokit"].seed_info["users"][0]["applications"][0]["keys"][1]["key"]
            run = run_schemathesis(
                SPEC,
                base,
                headers={"Authorization": f"Bearer {alice}", "X-API-Key": key},
                seed=seed,
                max_examples=3,
                phases=["fuzzing", "stateful"],
            )
        issued = {m for *_, response in run.trace if response for m in _UUID.findall(response)}

        def normal(data: bytes) -> bytes:
            return _UUID.sub(lambda m: b"<issued>" if m.group() in issued else m.group(), data)

        return [
            (method, normal(url.split("/", 3)[3].encode()), normal(body or b""))
            for method, url, body, _ in run.trace
        ]

    first, again, other = trace(7), trace(7), trace(8)
    assert len(first) > 20
    assert first == again
    assert first != other
