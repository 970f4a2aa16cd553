"""Tests of revokit's pytest plugin: small user projects run with ``pytester``, plus the fixtures
used directly (the plugin is installed, so this session has them too)."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import pytest

from revokit.mockserver import MockConfig, create_app
from revokit.testing_server import FIXTURE_SCRYPT_N, LiveServer


@cache
def family_problem(family: str) -> str | None:
    """Why ``family``'s mock cannot be built, or None when it builds."""
    try:
        create_app(MockConfig(family=family, scrypt_n=FIXTURE_SCRYPT_N))
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


def pytest_configure(config: pytest.Config) -> None:
    # `pytest_plugins = ["pytester"]` here would fail the whole-suite run (pytest refuses it in a
    # conftest below the rootdir), so load pytester when this conftest is; `-p pytester` in the
    # project's addopts makes this a no-op.
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")
    config.addinivalue_line(
        "markers",
        "plugin_needs_family(name): fail at once, naming the cause, if that family's mock cannot be built",
    )


def pytest_runtest_setup(item: pytest.Item) -> None:
    # A family whose mock does not build is a broken build: every test that needs it fails with
    # the cause (never skips, which would turn a regression green).
    for marker in item.iter_markers("plugin_needs_family"):
        problem = family_problem(marker.args[0])
        if problem is not None:
            pytest.fail(f"the {marker.args[0]} mock cannot be built: {problem}", pytrace=False)


def start_separate_mock(family: str) -> LiveServer:
    """A mock started apart from the plugin: what ``--revokit-base-url`` tests treat as a real backend."""
    app = create_app(MockConfig(family=family, scrypt_n=FIXTURE_SCRYPT_N, validate_responses=True))
    return LiveServer(app, name=f"separate-{family}")


@pytest.fixture
def separate_mock() -> Iterator:
    """``separate_mock(family)``: a mock apart from the plugin's, stopped after the test."""
    started: list[LiveServer] = []

    def start(family: str) -> LiveServer:
        started.append(start_separate_mock(family))
        return started[-1]

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def separate_app_keys() -> Iterator[LiveServer]:
    server = start_separate_mock("app-keys")
    yield server
    server.stop()


@pytest.fixture
def run(pytester: pytest.Pytester):
    """Run the pytester project in-process, quietly, without the cache plugin."""

    def run(*args: str) -> pytest.RunResult:
        return pytester.runpytest("-p", "no:cacheprovider", "-q", *args)

    return run
