"""Fixtures of the conformance-suite tests: a live `revokit mock app-keys` and a CLI runner."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from revokit.contracts.cli import main
from revokit_testing import TEST_JWT_SECRET, start_revokit_mock


@dataclass(frozen=True)
class LiveAppKeys:
    base_url: str
    alice: str  # bearer tokens of the two seeded users
    bob: str


@pytest.fixture(scope="session")
def ak_live() -> Iterator[LiveAppKeys]:
    """One `revokit mock app-keys` process on a free port for the whole session."""
    mock = start_revokit_mock("app-keys", "--port", "0", "--jwt-secret", TEST_JWT_SECRET)
    base = mock.url("app-keys")
    try:
        alice, bob = (
            requests.post(f"{base}/__revokit/tokens", json={"email": email}, timeout=10).json()["token"]
            for email in ("alice@example.com", "bob@example.com")
        )
        yield LiveAppKeys(base, alice, bob)
    finally:
        mock.process.terminate()
        try:
            mock.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            mock.process.kill()


@dataclass(frozen=True)
class CliRun:
    code: int
    out: str
    err: str


@pytest.fixture
def check(capsys, monkeypatch):
    """Run `revokit check ...` in-process (credentials only from the arguments)."""
    for name in ("REVOKIT_TOKEN", "REVOKIT_OTHER_TOKEN", "REVOKIT_EMAIL", "REVOKIT_PASSWORD"):
        monkeypatch.delenv(name, raising=False)

    def run(*argv: str) -> CliRun:
        capsys.readouterr()
        code = main(["--quiet", *argv] if "--quiet" not in argv else list(argv))
        captured = capsys.readouterr()
        return CliRun(code, captured.out, captured.err)

    return run


@pytest.fixture
def unused_port() -> int:
    """A loopback port nothing listens on (bound once, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
