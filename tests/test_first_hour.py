"""What a new user meets first: the banner, a taken port, the command-line help (issue 15)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys

import pytest
import requests

from revokit import FAMILIES
from revokit_testing import start_revokit_mock

REVOKIT = os.path.join(os.path.dirname(sys.executable), "revokit")
# One screen: a common terminal is 100 columns or more and shows 40 lines.
SCREEN_LINES, SCREEN_COLUMNS = 40, 100


def run_revokit(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "100"}
    return subprocess.run([REVOKIT, *args], capture_output=True, text=True, timeout=timeout, env=env)


def test_the_banner_fits_on_one_screen_and_names_urls_credentials_and_pages():
    mock = start_revokit_mock("--port", "0")
    try:
        lines = mock.banner.splitlines()
        assert len(lines) <= SCREEN_LINES, mock.banner
        assert max(len(line) for line in lines) <= SCREEN_COLUMNS, mock.banner
        assert set(mock.ports) == set(FAMILIES)
        for family, port in mock.ports.items():
            seed = requests.get(f"{mock.url(family)}/__revokit/seed", timeout=5).json()
            block = mock.banner.split(f"== {family}: http://127.0.0.1:{port}\n", 1)[1].split("\n\n", 1)[0]
            assert "docs /__revokit/docs" in block and "state /__revokit/" in block, block
            assert "seed /__revokit/seed" in block, block
            if family == "app-keys":
                assert "alice@example.com" in block and "POST /__revokit/tokens" in block
                assert seed["users"][0]["applications"][0]["keys"][0]["key"] in block
            else:
                assert f"{seed['admin']['email']} / {seed['admin']['password']}" in block
            if family == "medusa-v1":
                assert seed["admin"]["api_token"] in block
            if family == "xclade-v2":
                secret = next(k for k in seed["api_keys"] if k["type"] == "secret" and k["state"] == "active")
                assert secret["token"] in block
        # The full seed stays out of the banner unless asked for.
        assert '"publishable_api_keys"' not in mock.banner
    finally:
        mock.process.terminate()
        mock.process.wait(timeout=10)


def test_print_seed_puts_the_full_seed_in_the_banner(live_mock_factory):
    mock = live_mock_factory("medusa-v1", "--port", "0", "--print-seed")
    assert '"publishable_api_keys"' in mock.banner and '"sales_channels"' in mock.banner


def _two_free_ports() -> tuple[int, socket.socket]:
    """A free port P whose successor P+1 we hold (listening), so `--port P` meets P+1 taken."""
    for _ in range(50):
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        probe.close()
        if port >= 65535 or 9000 <= port <= 9300:
            continue
        held = socket.socket()
        try:
            held.bind(("127.0.0.1", port + 1))
        except OSError:
            held.close()
            continue
        held.listen()
        return port, held
    pytest.fail("no two adjacent free ports found")


def test_a_taken_port_names_port_and_family_and_exits_2():
    port, held = _two_free_ports()
    try:
        result = run_revokit("mock", "--port", str(port))  # medusa-v1 on P, xclade-v2 on P+1 (taken)
    finally:
        held.close()
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert f"port {port + 1} (xclade-v2) is already in use on 127.0.0.1" in result.stderr
    assert "--port N" in result.stderr and "--port 0" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 2, result.stderr


def test_a_taken_port_for_a_single_family():
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    held.listen()
    port = held.getsockname()[1]
    try:
        result = run_revokit("mock", "app-keys", "--port", str(port))
    finally:
        held.close()
    assert result.returncode == 2
    assert f"port {port} (app-keys) is already in use" in result.stderr
    assert "the family takes N" in result.stderr


def test_top_level_help_is_plain_text():
    result = run_revokit("--help")
    assert result.returncode == 0
    assert "``" not in result.stdout and "`" not in result.stdout
    for command in ("mock", "check", "specs"):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.MULTILINE), result.stdout


def test_mock_help_shows_the_defaults():
    out = run_revokit("mock", "--help").stdout
    flat = " ".join(out.split())
    for default in ("(default: 127.0.0.1)", "(default: 9000)", "(default: contract)", "(default: 20261123)"):
        assert default in flat, out
    assert "(default: None)" not in flat and "(default: False)" not in flat


def test_check_help_describes_the_token_of_each_family():
    out = run_revokit("check", "--help").stdout
    flat = " ".join(out.split())
    assert "a ready bearer token" not in flat
    assert "app-keys: a user's JWT" in flat, out
    assert "medusa-v1: the admin's API token" in flat, out
    assert "xclade-v2: a secret API key (sk_...) sent with HTTP Basic" in flat, out
