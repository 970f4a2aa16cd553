"""Shared test helpers (importable from any test as `revokit_testing`): in-process and live mocks."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import requests
from flask import Flask

from revokit.cli import READY_LINE
from revokit.mockserver import MockConfig, create_app

# Seeding hashes every seeded secret with scrypt; the tests use a cheap cost to stay fast.
TEST_SCRYPT_N = 2**10


def build_app(family: str, **overrides: object) -> Flask:
    """An in-process mock with response validation on: a response that breaks the spec raises."""
    config = MockConfig(family=family, validate_responses=True, scrypt_n=TEST_SCRYPT_N, **overrides)  # type: ignore[arg-type]
    app = create_app(config)
    app.testing = True
    return app


@dataclass
class LiveMock:
    process: subprocess.Popen
    ports: dict[str, int]
    banner: str

    def url(self, family: str) -> str:
        return f"http://127.0.0.1:{self.ports[family]}"


_BANNER_PORT = re.compile(r"^== (\S+): http://127\.0\.0\.1:(\d+)", re.MULTILINE)


#: The signing secret the live mocks of the contract tests are started with, so `revokit check
#: --jwt-secret` runs its forged-token scenarios against them.
TEST_JWT_SECRET = "revokit-tests-jwt-secret-of-32-bytes-or-more"


def start_revokit_mock(*args: str, timeout: float = 30.0) -> LiveMock:
    """Run the installed `revokit mock` console script on free ports and wait until it is ready."""
    command = [os.path.join(os.path.dirname(sys.executable), "revokit"), "mock", *args]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:  # the process ended
            break
        lines.append(line)
        if line.strip() == READY_LINE:
            break
    banner = "".join(lines)
    ports = {family: int(port) for family, port in _BANNER_PORT.findall(banner)}
    if not ports:
        process.kill()
        raise AssertionError(f"revokit mock did not start:\n{banner}")
    for family, port in ports.items():
        response = requests.get(f"http://127.0.0.1:{port}/__revokit/health", timeout=5)
        assert response.status_code == 200, (family, response.text)
    # Keep reading what the mock logs: a full pipe would block its logging, and with it the server.
    threading.Thread(target=_discard_lines, args=(process.stdout,), daemon=True).start()
    return LiveMock(process, ports, banner)


def _discard_lines(stream) -> None:
    for _ in stream:
        pass


def bearer(user: dict) -> dict[str, str]:
    """Authorization header for a seeded app-keys user (as served by GET /__revokit/seed)."""
    return {"Authorization": f"Bearer {user['token']}"}


JS_DIR = Path(__file__).resolve().parent / "js"
JS_PACKAGES = ("@medusajs/medusa-js", "@medusajs/js-sdk")


def install_js_packages() -> None:
    """Install tests/js's npm packages from its lock as it stands (`npm ci`), once: a plain
    `npm install` would rewrite the tracked package-lock.json. Fails the test when npm is missing."""
    import pytest

    if all((JS_DIR / "node_modules" / name / "package.json").is_file() for name in JS_PACKAGES):
        return
    npm = shutil.which("npm")
    if npm is None:
        pytest.fail("npm is not on PATH: the JavaScript client tests need Node.js 20+ and npm", pytrace=False)
    lock = (JS_DIR / "package-lock.json").read_bytes()
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund"], cwd=JS_DIR, capture_output=True, text=True, timeout=900
    )
    assert result.returncode == 0, f"npm ci failed:\n{result.stdout}\n{result.stderr}"
    assert (JS_DIR / "package-lock.json").read_bytes() == lock, "npm ci changed tests/js/package-lock.json"
