"""Medusa's own admin dashboard (2.21.2, built unmodified) manages API keys against the mock.

The walk (``dashboard_v2_walk``) runs in headless chromium against ``revokit mock xclade-v2`` with
the dashboard served at ``/app`` (``--serve-admin``), in both profiles, with every response
checked against the spec. Every API request the page makes is recorded; a request may fail only
where the same route failed, with the same status, when the walk ran against the real release
(``recordings/dashboard-2.21.2.json``, written by ``record_real_dashboard.py v2``).
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed: pip install -e '.[test]'"
)
from browser import (
    ARTIFACTS,
    DASHBOARD_DIR,
    RECORDINGS,
    chromium_context,
    compare_with_recording,
    missing_prerequisite,
)
from dashboard_v2_walk import RequestLog, Walk

from revokit.mockserver import MockConfig, create_app
from revokit.testing_server import LiveServer

RECORDING = Path(__file__).resolve().parent / "recordings" / "dashboard-2.21.2.json"


def real_failures() -> set[tuple[str, str, int | None]]:
    recorded = json.loads(RECORDING.read_text())
    return {
        (r["method"], r["route"], r["status"]) for r in recorded if r["status"] is None or r["status"] >= 400
    }


@pytest.fixture(params=["contract", "medusa-2.21"])
def dashboard_mock(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    reason = missing_prerequisite()  # only reached in CI; elsewhere the test is skipped
    if reason:
        pytest.fail(f"CI must provide the end-to-end prerequisites: {reason}")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    config = MockConfig(
        family="xclade-v2",
        profile=request.param,
        validate_responses=True,  # a response outside the spec answers 500: a failed request
        admin_dir=str(DASHBOARD_DIR),
    )
    server = LiveServer(create_app(config), name=f"dashboard-{request.param}")
    yield server
    server.stop()


def test_dashboard_manages_api_keys(dashboard_mock: LiveServer, request: pytest.FixtureRequest) -> None:
    profile = dashboard_mock.runtime.profile.name
    shots = ARTIFACTS / f"dashboard-2.21.2-{profile}"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    log = RequestLog(dashboard_mock.url)
    channel = next(c for c in dashboard_mock.runtime.seed_info["sales_channels"] if c["name"] == "Wholesale")

    with chromium_context(dashboard_mock.url) as context:
        page = context.new_page()
        log.attach(page)
        try:
            facts = Walk(page, dashboard_mock.url, shots, channel["name"]).run()
        except Exception:
            page.screenshot(path=str(shots / "failed.png"), full_page=True)
            raise
        finally:
            log.write(shots / "requests.json")

    # What the walk did is in the mock's state, not only on the page.
    state = dashboard_mock.runtime.backend
    publishable = facts["publishable_key"]
    assert state.store.get("api_keys", publishable["id"]) is None  # deleted
    secret = state.store.get("api_keys", facts["secret_key"]["id"])
    assert (
        secret.revoked_at is not None
        and secret.revoked_by == dashboard_mock.runtime.seed_info["admin"]["user_id"]
    )
    assert secret.token != facts["secret_key"]["token"]  # stored hashed, never as shown

    # Every request answered, and none failed that did not fail against the real release; every
    # route the real walk was served, the mock served too.
    unexpected, missing = compare_with_recording(log.requests, RECORDINGS / "dashboard-2.21.2.json")
    assert not unexpected, f"failed against the mock but not the real release: {unexpected}"
    assert not missing, f"routes the real walk used but the mock walk did not: {missing}"
    assert len(list(shots.glob("*.png"))) >= 12
