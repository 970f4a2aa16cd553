"""Fixtures shared by every test folder."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from revokit_testing import LiveMock, start_revokit_mock


@pytest.fixture
def live_mock_factory() -> Iterator:
    started: list[LiveMock] = []

    def start(*args: str) -> LiveMock:
        mock = start_revokit_mock(*args)
        started.append(mock)
        return mock

    yield start
    for mock in started:
        mock.process.terminate()
        try:
            mock.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            mock.process.kill()


# Under pytest-xdist (`pytest -n 2 --dist loadgroup`), tests that share state outside the
# process stay on one worker: the real releases (one database each, whose counts and keys the
# differential tests compare) and the headless browser tests (one chromium build cache, and
# heavy enough that two at once starve the timing of everything else).
XDIST_GROUPS = (
    ("tests/real/", "real-releases"),
    ("tests/e2e/", "browser"),
    ("test_pages_browser.py", "browser"),
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not config.pluginmanager.hasplugin("xdist"):
        return
    root = str(config.rootpath)
    for item in items:
        where = str(item.path)[len(root) + 1 :]
        group = next((name for prefix, name in XDIST_GROUPS if prefix in where), None)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
