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
