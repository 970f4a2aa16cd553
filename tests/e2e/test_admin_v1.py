"""Medusa v1's own admin (``@medusajs/admin`` 7.1.18, built unmodified) manages publishable keys
against ``revokit mock medusa-v1``, starting from Settings, in both profiles.

Same rules as the v2 dashboard test: responses checked against the spec (contract), every API request
recorded, and a request may fail only where the real 1.20.11 failed in the same walk
(``recordings/admin-v1-1.20.11.json``, written by ``record_real_dashboard.py v1``).
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator

import pytest

pytest.importorskip(
    "playwright.sync_api", reason="Playwright for Python is not installed: pip install -e '.[test]'"
)
from admin_v1_walk import AdminV1Walk
from browser import (
    ADMIN_V1_BUILD_SCRIPT,
    ADMIN_V1_DIR,
    ARTIFACTS,
    RECORDINGS,
    chromium_context,
    compare_with_recording,
    missing_prerequisite,
)
from dashboard_v2_walk import RequestLog

from revokit.mockserver import MockConfig, create_app
from revokit.testing_server import LiveServer


@pytest.fixture(params=["contract", "medusa-1.20"])
def admin_v1_mock(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    reason = missing_prerequisite(ADMIN_V1_DIR, ADMIN_V1_BUILD_SCRIPT)  # only reached in CI
    if reason:
        pytest.fail(f"CI must provide the end-to-end prerequisites: {reason}")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    # medusa-1.20 answers its 401 without a Content-Type, outside the spec on purpose (a profile
    # deviation), so responses are checked against the spec in the contract profile only.
    config = MockConfig(
        family="medusa-v1",
        profile=request.param,
        validate_responses=request.param == "contract",
        admin_dir=str(ADMIN_V1_DIR),
    )
    server = LiveServer(create_app(config), name=f"admin-v1-{request.param}")
    yield server
    server.stop()


def test_v1_admin_manages_publishable_keys(admin_v1_mock: LiveServer) -> None:
    runtime = admin_v1_mock.runtime
    shots = ARTIFACTS / f"admin-v1-1.20.11-{runtime.profile.name}"
    shutil.rmtree(shots, ignore_errors=True)
    shots.mkdir(parents=True)
    log = RequestLog(admin_v1_mock.url)
    seed = runtime.seed_info
    with chromium_context(admin_v1_mock.url) as context:
        page = context.new_page()
        log.attach(page)
        try:
            facts = AdminV1Walk(page, admin_v1_mock.url, shots, seed["admin"]["email"], "Mobile App").run()
        except Exception:
            page.screenshot(path=str(shots / "failed.png"), full_page=True)
            raise
        finally:
            log.write(shots / "requests.json")

    assert runtime.backend.store.get("publishable_api_keys", facts["key"]["id"]) is None  # deleted
    configs = runtime.backend.store.all("analytics_configs")
    assert [(c.user_id, c.opt_out) for c in configs] == [(seed["admin"]["id"], True)]

    unexpected, missing = compare_with_recording(log.requests, RECORDINGS / "admin-v1-1.20.11.json")
    assert not unexpected, f"failed against the mock but not the real release: {unexpected}"
    assert not missing, f"routes the real walk used but the mock walk did not: {missing}"
    assert len(list(shots.glob("*.png"))) >= 12
