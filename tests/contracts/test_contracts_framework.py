"""The parts of `revokit check` that need no backend: curl lines, allow files, the report, JUnit."""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from types import SimpleNamespace

import pytest

from revokit.contracts.allow import Allowance, AllowFileError, apply_allowances, load_allow_file
from revokit.contracts.app_keys import OPERATIONS
from revokit.contracts.http import Secrets, curl_command
from revokit.contracts.report import CheckResult, Outcome, Report, Source, junit_xml, render_text

TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"


def _bash_argv(command: str, env: dict[str, str]) -> list[str]:
    """The words bash makes of ``command`` (with ``curl`` swapped for a printer)."""
    printer = command.replace("curl ", "printf '%s\\n' ", 1)
    done = subprocess.run(["bash", "-c", printer], capture_output=True, text=True, env=env, check=True)
    return done.stdout.splitlines()


def test_curl_lines_mask_secrets_and_replay_exactly_in_a_shell():
    body = b'{"name": "it\'s $HOME `x` \\"q\\""}'
    command = curl_command(
        "post",
        "http://127.0.0.1:9000/api/v1/applications?limit=1&offset=0",
        [
            ("Authorization", f"Bearer {TOKEN}"),
            ("User-Agent", "python-requests"),
            ("Content-Type", "application/json"),
            ("X-Schemathesis-TestCaseId", "abc"),
        ],
        body,
        Secrets({"REVOKIT_TOKEN": TOKEN, "REVOKIT_PASSWORD": None}),
    )
    assert TOKEN not in command
    assert '"Authorization: Bearer ${REVOKIT_TOKEN}"' in command
    assert "User-Agent" not in command and "Schemathesis" not in command
    words = _bash_argv(command, {"REVOKIT_TOKEN": TOKEN, "PATH": os.environ["PATH"]})
    assert words == [
        "-sS",
        "-i",
        "-X",
        "POST",
        "http://127.0.0.1:9000/api/v1/applications?limit=1&offset=0",
        "-H",
        f"Authorization: Bearer {TOKEN}",
        "-H",
        "Content-Type: application/json",
        "--data-raw",
        body.decode(),
    ]


def test_operation_labels_come_from_the_spec():
    assert OPERATIONS.label("delete", "/api/v1/applications/a/api-keys/b") == (
        "DELETE /api/v1/applications/{id}/api-keys/{keyId}"
    )
    assert OPERATIONS.label("GET", "/prefix/api/v1/key-info", "/prefix") == "GET /api/v1/key-info"
    assert OPERATIONS.label("PATCH", "/api/v1/key-info") == "PATCH /api/v1/key-info"


@pytest.mark.parametrize(
    "text, message",
    [
        ("- check: x\n", "`reason` is required"),
        ("- reason: y\n", "`check`"),
        ("- {check: x, reason: y, why: z}\n", "unknown key(s) why"),
        ("- {check: x, reason: y, operation: nospace}\n", "METHOD /path"),
        ("check: x\n", "expected a YAML list"),
        ("- [unclosed\n", "not valid YAML"),
    ],
)
def test_allow_file_problems_are_reported(tmp_path, text, message):
    path = tmp_path / "allow.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AllowFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_allow_file(path)


def test_allow_file_forms(tmp_path):
    path = tmp_path / "allow.yaml"
    path.write_text(
        "allow:\n  - {check: a, operation: 'get /x/{id}', reason: r}\n  - {check: b, reason: s}\n",
        encoding="utf-8",
    )
    entries = load_allow_file(path)
    assert [(e.check, e.operation, e.reason) for e in entries] == [
        ("a", "get /x/{id}", "r"),
        ("b", None, "s"),
    ]
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    assert load_allow_file(tmp_path / "empty.yaml") == []


def test_an_allow_file_that_cannot_be_read_exits_2(check, tmp_path):
    result = check(
        "app-keys", "--base-url", "http://127.0.0.1:1", "--token", "t", "--allow", str(tmp_path / "none.yaml")
    )
    assert result.code == 2 and "cannot read allow file" in result.err


def _result(name: str, operation: str, outcome: Outcome, source: Source = Source.SCENARIOS) -> CheckResult:
    return CheckResult(name, operation, outcome, source)


def test_allowances_match_by_check_and_operation_and_report_stale_entries():
    results = [
        _result("a", "GET /x/{id}", Outcome.FAILED),
        _result("a", "POST /x", Outcome.FAILED),
        _result("b", "GET /x", Outcome.FAILED, Source.SCHEMATHESIS),
        _result("b", "POST /x", Outcome.FAILED, Source.SCHEMATHESIS),
        _result("c", "GET /x", Outcome.PASSED),
    ]
    stale = apply_allowances(
        results,
        [
            Allowance("a", "get /x/{id}", "known", "allow.yaml"),
            Allowance("b", None, "any operation", "allow.yaml"),
            Allowance("c", None, "fixed", "allow.yaml"),
        ],
    )
    assert [r.outcome for r in results] == [
        Outcome.ALLOWED,
        Outcome.FAILED,
        Outcome.ALLOWED,
        Outcome.ALLOWED,
        Outcome.PASSED,
    ]
    assert results[0].allow_reason == "known (allow.yaml)"
    assert [(s.check, s.reason) for s in stale] == [("c", "fixed")]


def _report() -> Report:
    report = Report("app-keys", "http://h", 1, 5, "contract", ["scenarios", "fuzzing"])
    report.add(_result("setup", "(login and setup)", Outcome.PASSED, Source.SETUP))
    failed = report.add(_result("revoked_key_refused", "GET /api/v1/key-info", Outcome.FAILED))
    failed.description = "a revoked key is refused"
    failed.message = "using the key right after its revoke: answered 200, expected 401"
    failed.curl = "curl -sS -i -X GET http://h/api/v1/key-info -H 'X-API-Key: ak_1'"
    failed.steps = ["curl -sS -i -X DELETE http://h/k"]
    failed.expected_status, failed.expected_body = "401", '{"code": 401}'
    failed.actual_status, failed.actual_body = "200", {"key_id": "k"}
    skipped = report.add(_result("error_body_403", "GET /x", Outcome.SKIPPED))
    skipped.message = "needs a second user's token (--other-token)"
    allowed = report.add(_result("ignored_auth", "GET /x", Outcome.ALLOWED, Source.SCHEMATHESIS))
    allowed.allow_reason = "known (allow.yaml)"
    report.add(_result("not_a_server_error", "GET /x", Outcome.PASSED, Source.SCHEMATHESIS))
    return report


def test_text_report_shows_what_to_act_on():
    report = _report()
    text = render_text(report)
    assert report.exit_code == 1
    assert "  FAIL  revoked_key_refused" in text and "  SKIP  error_body_403" in text
    assert "(needs a second user's token (--other-token))" in text
    failure = text.split("\nFailures\n", 1)[1]
    assert failure.startswith(
        "1) revoked_key_refused — GET /api/v1/key-info\n   contract: a revoked key is refused\n"
    )
    assert "   requests that led up to it:\n     curl -sS -i -X DELETE http://h/k\n" in failure
    assert "   request:\n     curl -sS -i -X GET http://h/api/v1/key-info -H 'X-API-Key: ak_1'\n" in failure
    assert '   expected: 401 {"code": 401}\n   actual:   200 {"key_id": "k"}\n' in failure
    assert "ignored_auth — GET /x: known (allow.yaml)" in text
    assert "Result: FAILED — 1 failed, 2 passed, 1 allowed, 1 skipped" in text


def test_junit_xml_has_one_testcase_per_check():
    root = junit_xml(_report()).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("skipped")) == ("5", "1", "2")
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == {
        "setup",
        "revoked_key_refused",
        "error_body_403",
        "ignored_auth[GET /x]",
        "not_a_server_error[GET /x]",
    }
    failure = cases["revoked_key_refused"].find("failure")
    assert failure.get("type") == "revoked_key_refused"
    assert failure.get("message").startswith("using the key right after its revoke")
    assert "curl -sS -i -X GET http://h/api/v1/key-info" in failure.text
    assert (
        cases["ignored_auth[GET /x]"].find("skipped").get("message") == "allowed failure: known (allow.yaml)"
    )
    assert cases["revoked_key_refused"].get("classname") == "revokit.app-keys.scenarios"
    ET.fromstring(ET.tostring(root))  # well-formed


def test_the_revokit_console_script_delegates_to_check(unused_port):
    revokit = os.path.join(os.path.dirname(sys.executable), "revokit")
    env = {k: v for k, v in os.environ.items() if not k.startswith("REVOKIT_")}
    unreachable = subprocess.run(
        [revokit, "check", "app-keys", "--base-url", f"http://127.0.0.1:{unused_port}", "--token", "t"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert unreachable.returncode == 2, unreachable.stderr
    assert "cannot reach" in unreachable.stderr
    helped = subprocess.run(
        [revokit, "check", "app-keys", "--help"], capture_output=True, text=True, timeout=120, env=env
    )
    assert helped.returncode == 0 and "--max-examples" in helped.stdout and "exit codes" in helped.stdout


def test_profile_deviations_become_allowances(monkeypatch):
    from revokit.contracts import runner
    from revokit.contracts.suite import UsageError
    from revokit.specs import Profile

    suite = SimpleNamespace(
        family="app-keys",
        profile_deviations={"idempotent_revoke": [("revoke_again_not_found", "DELETE /k/{id}")]},
    )
    profile = Profile("fake", "app-keys", "", {"idempotent_revoke": "a second revoke answers 200", "x": "y"})
    monkeypatch.setattr(runner, "load_profile", lambda name: profile)
    allowances, notes = runner.profile_allowances(suite, "fake")
    assert allowances == [
        Allowance(
            "revoke_again_not_found",
            "DELETE /k/{id}",
            "idempotent_revoke: a second revoke answers 200",
            "profile fake",
        )
    ]
    assert notes == ["profile fake: deviation x names no check of this suite"]
    monkeypatch.setattr(runner, "load_profile", lambda name: Profile("m", "medusa-v1", "", {}))
    with pytest.raises(UsageError, match="describes medusa-v1, not app-keys"):
        runner.profile_allowances(suite, "m")


def _report_with_causes() -> Report:
    """Eleven content-type failures of one HTML error page, a 500 elsewhere, two unrouted methods."""
    report = Report("medusa-v1", "http://h", 1, 5, "contract", ["fuzzing"])
    for index in range(11):
        r = report.add(
            _result("content_type_conformance", f"POST /r{index}", Outcome.FAILED, Source.SCHEMATHESIS)
        )
        r.actual_status, r.actual_body = (
            "400",
            f"<!DOCTYPE html>\n<html><pre>SyntaxError: at r{index}</pre>",
        )
        r.curl = f"curl -sS -i -X POST http://h/r{index}"
    r = report.add(_result("not_a_server_error", "GET /list", Outcome.FAILED, Source.SCHEMATHESIS))
    r.actual_status, r.actual_body = "500", {"code": "unknown_error", "type": "unknown_error", "message": "x"}
    for path in ("/a", "/b"):
        r = report.add(_result("unsupported_method", f"POST {path}", Outcome.WARNING, Source.SCHEMATHESIS))
        r.warning_reason = "the spec documents no 405"
        r.actual_status, r.actual_body = "404", f"<!DOCTYPE html><pre>Cannot TRACE {path}</pre>"
    return report


def test_failures_are_grouped_by_root_cause_and_both_reports_count_the_same():
    report = _report_with_causes()
    causes = report.causes()
    assert [len(c.results) for c in causes] == [11, 1]
    assert causes[0].title == "content_type_conformance: answered 400 HTML page"
    assert len(causes[0].operations) == 11

    text = render_text(report)
    assert "; 2 root cause(s) of failure" in text
    failures = text.split("\nFailures\n", 1)[1].split("\nWarnings (", 1)[0]
    assert failures.count("root cause: ") == 2  # each cause named once
    assert text.count("curl -sS -i -X POST http://h/r") == 1  # one curl line for the eleven
    assert "affects 11 operation(s): POST /r0; POST /r1" in text
    warnings = text.split("\nWarnings (", 1)[1]
    assert "unsupported_method: the spec documents no 405" in warnings and "Result: FAILED" in text
    assert report.exit_code == 1

    root = junit_xml(report).getroot()
    assert root.get("failures") == "2"  # the same two causes
    properties = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert properties["root_causes"] == "2" and properties["warnings"] == "1"
    members = [
        c
        for c in root.iter("testcase")
        if "root cause 1" in (c.findtext("skipped") or "")
        or (c.find("skipped") is not None and "root cause 1" in c.find("skipped").get("message"))
    ]
    assert len(members) == 10


def test_warnings_alone_do_not_fail_the_run():
    report = _report_with_causes()
    report.results = [r for r in report.results if r.outcome == Outcome.WARNING]
    assert report.exit_code == 0
    assert "Result: PASSED" in render_text(report)
    assert junit_xml(report).getroot().get("failures") == "0"


def test_unrouted_methods_are_warnings_only_where_the_spec_documents_no_405():
    from revokit.contracts.runner import unpromised

    method = _result("unsupported_method", "POST /a", Outcome.FAILED, Source.SCHEMATHESIS)
    no_405 = {"paths": {"/a": {"post": {"responses": {"200": {}, "404": {}}}}}}
    with_405 = {"paths": {"/a": {"post": {"responses": {"200": {}, "405": {}}}}}}
    assert unpromised(no_405, method) is not None
    assert unpromised(with_405, method) is None
    assert (
        unpromised(no_405, _result("not_a_server_error", "POST /a", Outcome.FAILED, Source.SCHEMATHESIS))
        is None
    )
