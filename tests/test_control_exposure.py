"""The control plane (/__revokit) can reset state and mint tokens: without a control token it is
served only on loopback; off loopback the mock refuses to start without ``--control-token`` and,
with one, refuses every control request that does not carry it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
import requests

from revokit.cli import READY_LINE
from revokit.hosts import is_loopback

REVOKIT = os.path.join(os.path.dirname(sys.executable), "revokit")
TOKEN_HEADER = "X-Revokit-Control-Token"


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "127.255.255.254", "::1", "localhost"])
def test_loopback_addresses(host):
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host",
    [
        "0.0.0.0",
        "::",
        "",
        "192.168.1.10",
        "10.0.0.1",
        "localhost.example.com",
        "127.0.0.1.nip.io",
        "0",
        "::ffff:8.8.8.8",
    ],
)
def test_addresses_that_are_not_loopback(host):
    assert not is_loopback(host)


@pytest.mark.parametrize("host", ["::"])  # 0.0.0.0: tests/test_cli_live.py
def test_refuses_to_start_off_loopback_without_a_control_token(host):
    result = subprocess.run(
        [REVOKIT, "mock", "medusa-v1", "--host", host, "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--control-token" in result.stderr
    assert READY_LINE not in result.stdout


def test_off_loopback_the_control_plane_needs_the_token():
    token = "s3cret-control-token"
    process = subprocess.Popen(
        [REVOKIT, "mock", "xclade-v2", "--host", "0.0.0.0", "--port", "0", "--control-token", token],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        banner = ""
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and READY_LINE not in banner:
            line = process.stdout.readline()
            if not line:
                break
            banner += line
        match = re.search(r"^== xclade-v2: http://0\.0\.0\.0:(\d+)", banner, re.MULTILINE)
        assert match, banner
        base = f"http://127.0.0.1:{match.group(1)}"
        for headers in ({}, {TOKEN_HEADER: "wrong"}, {TOKEN_HEADER: token + "x"}, {TOKEN_HEADER: token[:-1]}):
            for method, path in (("GET", "/health"), ("GET", "/seed"), ("POST", "/reset"), ("GET", "/state")):
                refused = requests.request(method, f"{base}/__revokit{path}", headers=headers, timeout=5)
                assert refused.status_code == 401, (headers, path)
                assert "seed" not in refused.json() and "state" not in refused.json()
            minted = requests.post(
                f"{base}/__revokit/tokens",
                json={"email": "admin@medusa-test.com"},
                headers=headers,
                timeout=5,
            )
            assert minted.status_code == 401 and "token" not in minted.json()
        ok = {TOKEN_HEADER: token}
        assert requests.get(f"{base}/__revokit/health", headers=ok, timeout=5).status_code == 200
        seed = requests.get(f"{base}/__revokit/seed", headers=ok, timeout=5).json()
        # The family API itself does not need the control token, only its own credentials.
        listed = requests.get(
            f"{base}/admin/api-keys", headers={"Authorization": f"Bearer {seed['admin']['token']}"}, timeout=5
        )
        assert listed.status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
