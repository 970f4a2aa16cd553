"""End-to-end tests with real frontends in headless chromium (skipped, with the reason, when the
dashboard build cache or chromium is missing; .ci/run provides both)."""

from __future__ import annotations

import pytest
from browser import missing_prerequisite


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    reason = missing_prerequisite()
    if reason is None:
        return
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.skip(reason=reason))
