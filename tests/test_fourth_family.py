"""A fourth family, defined only in the test tree (``tests/fourth_family/``), registered with one
entry point: ``revokit mock`` serves it, the pytest plugin resets it, ``revokit check`` checks it.

Nothing in revokit names the family: the entry point (written here into a temporary
``.dist-info``) points at its descriptor, and the descriptor at everything else.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import requests

FAMILY_DIR = Path(__file__).resolve().parent / "fourth_family"
ADMIN = {"X-Admin-Token": "tally-admin-token"}  # tests/fourth_family/tally_family/seed.yaml


@pytest.fixture
def tally_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Every process started from here on sees the tally family (and only those processes)."""
    site = tmp_path / "site"
    dist = site / "tally_family-0.1.dist-info"
    dist.mkdir(parents=True)
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: tally-family\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text("[revokit.families]\ntally = tally_family:DESCRIPTOR\n")
    path = os.pathsep.join([str(site), str(FAMILY_DIR), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    monkeypatch.setenv("PYTHONPATH", path)
    return dict(os.environ)


def _revokit(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [os.path.join(os.path.dirname(sys.executable), "revokit"), *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.live
def test_revokit_mock_serves_and_revokit_check_checks_the_fourth_family(
    tally_env: dict[str, str], live_mock_factory: Any
) -> None:
    mock = live_mock_factory("tally", "--port", "0")
    base = f"http://127.0.0.1:{mock.ports['tally']}"
    seed = requests.get(f"{base}/__revokit/seed", timeout=5).json()
    assert seed["admin_token"] == ADMIN["X-Admin-Token"]
    seeded_key = {"X-Tally-Key": seed["keys"][0]["key"]}
    assert requests.get(f"{base}/whoami", headers=seeded_key, timeout=5).json() == {
        "id": "key_1",
        "name": "seeded",
    }
    # The spec drives validation: a body without `name` gets app-keys' 400, naming the field.
    refused = requests.post(f"{base}/keys", json={}, headers=ADMIN, timeout=5)
    assert refused.status_code == 400
    assert refused.json()["details"] == [{"field": "name", "message": "is required"}]
    assert requests.get(f"{base}/__revokit/specs/tally.yaml", timeout=5).text.startswith("openapi: 3.1.0")

    check = _revokit(
        "check",
        "tally",
        "--base-url",
        base,
        "--token",
        ADMIN["X-Admin-Token"],
        "--phases",
        "scenarios,examples,coverage",
        "--max-examples",
        "5",
        "-q",
        env=tally_env,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "revoked_key_refused" in check.stdout and "revoke_again_not_found" in check.stdout

    # The bundled families are still there, the new one beside them.
    listed = _revokit("specs", env=tally_env)
    assert listed.returncode == 0, listed.stdout + listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()] == [
        "medusa-v1",
        "xclade-v2",
        "app-keys",
        "tally",
        "control",
    ]


PLUGIN_TESTS = """
revokit_families = ["tally"]


def test_a_changes_state(revokit, tally_admin, tally_key_factory):
    assert tally_key_factory("revoked")["id"] == "key_2"
    assert tally_admin.post("/keys", json={"name": "more"}).json()["id"] == "key_3"


def test_b_starts_from_the_seed(revokit, tally_admin, revokit_reset):
    assert tally_admin.post("/keys", json={"name": "first"}).json()["id"] == "key_2"
    revokit_reset()
    assert tally_admin.post("/keys", json={"name": "again"}).json()["id"] == "key_2"


def test_c_conformance(revokit_conformance):
    report = revokit_conformance("tally", phases=["scenarios"])
    assert report.exit_code == 0, report
"""


@pytest.mark.live
def test_the_plugin_serves_and_resets_the_fourth_family(tally_env: dict[str, str], tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "test_tally.py").write_text(textwrap.dedent(PLUGIN_TESTS))
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "test_tally.py"],
        cwd=project,
        env=tally_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "3 passed" in run.stdout

    fixtures = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "--fixtures", "test_tally.py"],
        cwd=project,
        env=tally_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "tally_admin" in fixtures.stdout and "tally admin API" in fixtures.stdout
    assert "tally_key_factory" in fixtures.stdout
