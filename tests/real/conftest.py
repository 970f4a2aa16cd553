"""Fixtures for the tests that need a real Medusa release (1.20.11 for medusa-v1, 2.21.2 for xclade-v2).

A release is named by an environment variable, the way `.ci/run` passes the ones its scripts start
(`tests/real/medusa-1.20.sh`, `tests/real/medusa-2.21.sh`):

    REVOKIT_REAL_MEDUSA_V1_URL    e.g. http://127.0.0.1:9121
    REVOKIT_REAL_MEDUSA_V2_URL    e.g. http://127.0.0.1:9122
    REVOKIT_REAL_MEDUSA_EMAIL / REVOKIT_REAL_MEDUSA_PASSWORD   (admin@medusa-test.com / supersecret)
    REVOKIT_REAL_MEDUSA_V1_API_TOKEN                            (revokit_admin_api_token)

Without the variable, or when nothing answers its /health, the tests skip and say why, so the
README's test command passes on a machine without the releases. `REVOKIT_REAL_REQUIRED=1` (set by
CI) turns that skip into a failure: there a missing release is a broken set-up, not a choice.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import requests

from revokit_differential import RealRelease
from revokit_testing import LiveMock, start_revokit_mock

RELEASES = {
    "medusa-v1": ("1.20.11", "REVOKIT_REAL_MEDUSA_V1_URL", "tests/real/medusa-1.20.sh"),
    "xclade-v2": ("2.21.2", "REVOKIT_REAL_MEDUSA_V2_URL", "tests/real/medusa-2.21.sh"),
}


def real_release(family: str) -> RealRelease:
    """The release for ``family`` from the environment; skips (or fails, when required) without one."""
    version, variable, script = RELEASES[family]
    url = os.environ.get(variable, "").rstrip("/")
    problem = None
    if not url:
        problem = f"{variable} is not set: start Medusa {version} with `{script}` and export its URL"
    else:
        try:
            health = requests.get(f"{url}/health", timeout=5)
            if health.status_code != 200:
                problem = f"Medusa {version} at {url} answers /health with {health.status_code}"
        except requests.RequestException as error:
            problem = f"nothing answers at {variable}={url} ({type(error).__name__})"
    if problem is not None:
        if os.environ.get("REVOKIT_REAL_REQUIRED") == "1":
            pytest.fail(f"REVOKIT_REAL_REQUIRED=1 but {problem}", pytrace=False)
        pytest.skip(problem)
    return RealRelease(
        family=family,
        version=version,
        url=url,
        email=os.environ.get("REVOKIT_REAL_MEDUSA_EMAIL", "admin@medusa-test.com"),
        password=os.environ.get("REVOKIT_REAL_MEDUSA_PASSWORD", "supersecret"),
        api_token=os.environ.get("REVOKIT_REAL_MEDUSA_V1_API_TOKEN", "revokit_admin_api_token")
        if family == "medusa-v1"
        else None,
    )


@pytest.fixture(scope="session")
def real_medusa_v1() -> RealRelease:
    """Medusa 1.20.11, the release the medusa-1.20 profile reproduces."""
    return real_release("medusa-v1")


@pytest.fixture(scope="session")
def real_medusa_v2() -> RealRelease:
    """Medusa 2.21.2, the release the medusa-2.21 profile reproduces."""
    return real_release("xclade-v2")


def _live_mock(family: str, profile: str) -> Iterator[LiveMock]:
    mock = start_revokit_mock(family, "--profile", profile, "--port", "0")
    try:
        yield mock
    finally:
        mock.process.terminate()
        mock.process.wait(timeout=10)


@pytest.fixture(scope="session")
def mock_medusa_v1_120() -> Iterator[LiveMock]:
    """`revokit mock medusa-v1 --profile medusa-1.20`, the process a user runs, on a free port."""
    yield from _live_mock("medusa-v1", "medusa-1.20")


@pytest.fixture(scope="session")
def mock_xclade_v2_221() -> Iterator[LiveMock]:
    """`revokit mock xclade-v2 --profile medusa-2.21` on a free port."""
    yield from _live_mock("xclade-v2", "medusa-2.21")
