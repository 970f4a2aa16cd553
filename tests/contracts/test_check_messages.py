"""What `revokit check` says when it cannot start, and what it leaves for replaying (issue 15)."""

from __future__ import annotations

import os
import stat
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pytest

from revokit.contracts.report import Report, render_text
from revokit_testing import LiveMock, start_revokit_mock

ADMIN = ["--email", "admin@medusa-test.com"]


@pytest.fixture(scope="module")
def mock() -> Iterator[LiveMock]:
    started = start_revokit_mock("--port", "0")
    yield started
    started.process.terminate()
    try:
        started.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        started.process.kill()


@pytest.mark.parametrize(
    ("family", "answer"),
    [("medusa-v1", "401 Unauthorized"), ("xclade-v2", "401 Unauthorized: Invalid email or password")],
)
def test_a_wrong_password_reads_as_words(check, mock, family, answer):
    run = check(family, "--base-url", mock.url(family), *ADMIN, "--password", "wrong")
    assert run.code == 2
    assert run.err == f"revokit check: the backend refused --email/--password: {answer}\n"


def test_a_refused_token_reads_as_words(check, mock):
    run = check("app-keys", "--base-url", mock.url("app-keys"), "--token", "not-a-jwt")
    assert run.code == 2
    assert run.err.startswith("revokit check: the backend refused --token: 401 Unauthorized: ")
    assert "b'" not in run.err and len(run.err.splitlines()) == 1


def test_an_unreachable_url_is_one_clear_line(check, unused_port):
    url = f"http://127.0.0.1:{unused_port}"
    run = check("app-keys", "--base-url", url, "--token", "t")
    assert run.code == 2
    assert run.err == f"revokit check: cannot reach {url}: connection refused\n"


def test_a_host_that_does_not_resolve(check):
    run = check("app-keys", "--base-url", "http://no-such-host.invalid", "--token", "t")
    assert run.code == 2
    assert (
        run.err
        == "revokit check: cannot reach http://no-such-host.invalid: the host name 'no-such-host.invalid' does not resolve\n"
    )


def test_check_pointed_at_another_familys_mock_says_which_family_is_there(check, mock):
    run = check("medusa-v1", "--base-url", mock.url("xclade-v2"), *ADMIN, "--password", "supersecret")
    assert run.code == 2
    assert f"{mock.url('xclade-v2')} is a revokit mock serving xclade-v2, not medusa-v1" in run.err
    assert "point --base-url at the medusa-v1 port" in run.err


def test_env_file_and_real_suite_times(check, mock, tmp_path):
    env_file, junit = tmp_path / "check.env", tmp_path / "check.xml"
    run = check(
        "xclade-v2",
        "--base-url",
        mock.url("xclade-v2"),
        *ADMIN,
        "--password",
        "supersecret",
        "--phases",
        "examples",
        "--max-examples",
        "2",
        "--env-file",
        str(env_file),
        "--junit-xml",
        str(junit),
    )
    assert run.code == 0, run.out + run.err
    assert f"run `. {env_file}` first" in run.out
    assert stat.S_IMODE(os.stat(env_file).st_mode) == 0o600
    exported = dict(line.removeprefix("export ").split("=", 1) for line in env_file.read_text().splitlines())
    assert set(exported) == {"REVOKIT_JWT", "REVOKIT_PASSWORD"}
    assert exported["REVOKIT_PASSWORD"] == "supersecret" and exported["REVOKIT_JWT"].count(".") == 2
    assert "supersecret" not in run.out
    suites = {s.get("name"): s for s in ET.parse(junit).getroot().iter("testsuite")}
    schemathesis = suites["xclade-v2.schemathesis"]
    assert int(schemathesis.get("requests")) > 0
    # The suite's time is the phase's wall-clock time, not the sum of per-check zeros.
    assert float(schemathesis.get("time")) > 0.05, schemathesis.attrib
    assert float(suites["xclade-v2.setup"].get("time")) > 0


def test_the_report_says_where_an_issued_credential_comes_from():
    report = Report(
        family="medusa-v1",
        base_url="http://h",
        seed=0,
        max_examples=1,
        profile="contract",
        phases=["scenarios"],
        secret_variables=["REVOKIT_JWT", "REVOKIT_PASSWORD"],
        issued_variables=["REVOKIT_JWT"],
    )
    text = render_text(report)
    assert "read your credentials from $REVOKIT_PASSWORD: export them" in text
    assert "$REVOKIT_JWT, issued to this run's login: rerun with --env-file FILE" in text
