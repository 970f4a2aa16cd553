"""End-to-end tests with real frontends in headless chromium.

They need the dashboard build cache (tests/e2e/build-dashboard.sh) and Debian's chromium. Where
either is missing they are skipped with the reason, except in CI (CI=true), whose .ci/run
provides both: there a missing prerequisite fails the tests instead of hiding them.
"""

from __future__ import annotations

import os

import pytest
from browser import ADMIN_V1_BUILD_SCRIPT, ADMIN_V1_DIR, missing_prerequisite


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if os.environ.get("CI") == "true":  # in CI, the tests fail with the reason
        return
    reasons = {
        "test_dashboard_v2.py": missing_prerequisite(),
        "test_admin_v1.py": missing_prerequisite(ADMIN_V1_DIR, ADMIN_V1_BUILD_SCRIPT),
    }
    for item in items:
        reason = reasons.get(item.path.name)
        if reason:
            item.add_marker(pytest.mark.skip(reason=reason))
