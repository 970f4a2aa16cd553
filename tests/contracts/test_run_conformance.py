"""``revokit.contracts.run_conformance``: the suites as a Python call, against a URL or a WSGI app."""

from __future__ import annotations

import pytest
from contracts_defects import defective_app, revoke_does_not_stick, serve, tokens

from revokit.contracts import ConformanceFailure, UsageError, run_conformance
from revokit.contracts.report import Outcome


def test_checks_a_wsgi_app_in_process_and_writes_junit(tmp_path):
    app = defective_app()
    alice, bob = tokens(app)
    junit = tmp_path / "report.xml"
    report = run_conformance(
        "app-keys", app=app, token=alice, other_token=bob, phases=["scenarios"], junit_xml=junit
    )
    assert report.exit_code == 0 and not report.failed
    passed = {r.name for r in report.results if r.outcome == Outcome.PASSED}
    assert {"setup", "revoked_key_refused", "sibling_key_keeps_working", "error_body_403"} <= passed
    assert report.base_url.startswith("http://127.0.0.1:")
    assert 'name="revoked_key_refused' in junit.read_text()
    report.raise_for_failures()  # nothing failed: no exception


def test_a_defective_app_fails_with_the_report_as_the_assertion_message():
    app = defective_app(revoke_does_not_stick)
    alice, bob = tokens(app)
    report = run_conformance("app-keys", app=app, token=alice, other_token=bob, phases=["scenarios"])
    assert report.exit_code == 1
    assert "revoked_key_refused" in {r.name for r in report.failed}
    with pytest.raises(AssertionError) as raised:
        report.raise_for_failures()
    assert isinstance(raised.value, ConformanceFailure) and raised.value.report is report
    message = str(raised.value)
    assert message.startswith("app-keys conformance failed (")
    assert "revoked_key_refused" in message and "curl -sS -i" in message
    assert alice not in message  # secrets stay masked in the message too


def test_against_a_url():
    app = defective_app()
    alice, _ = tokens(app)
    with serve(app) as base:
        report = run_conformance("app-keys", base_url=base, token=alice, phases=["scenarios"])
    assert report.base_url == base and report.exit_code == 0
    skipped = {r.name for r in report.results if r.outcome == Outcome.SKIPPED}
    assert "error_body_403" in skipped  # no second identity given


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({}, "exactly one of base_url= and app="),
        ({"base_url": "http://127.0.0.1:9", "app": defective_app()}, "exactly one of base_url= and app="),
        ({"app": defective_app(), "phases": ["nope"]}, "unknown phase"),
    ],
)
def test_usage_problems_raise_usage_error(kwargs, message):
    with pytest.raises(UsageError, match=message):
        run_conformance("app-keys", token="t", **kwargs)
