"""The real @medusajs/js-sdk 2.21.2 against a live xclade-v2 mock (tests/js/v2_sdk.test.mjs)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from revokit_testing import build_app, install_js_packages

JS_DIR = Path(__file__).resolve().parent.parent / "js"
SCRIPT = JS_DIR / "v2_sdk.test.mjs"
SDK = JS_DIR / "node_modules" / "@medusajs" / "js-sdk" / "package.json"


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"`{name}` is not on PATH: the JS SDK test needs Node.js 20+ and npm", pytrace=False)
    return path


@pytest.fixture(scope="module")
def live_v2() -> Iterator[str]:
    """The mock served over a real socket on a free port, in a daemon thread."""
    app = build_app("xclade-v2")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="module")
def sdk_installed() -> None:
    node = _tool("node")
    install_js_packages()
    version = json.loads(SDK.read_text(encoding="utf-8"))["version"]
    assert version == "2.21.2", f"tests/js has @medusajs/js-sdk {version}, expected 2.21.2"
    major = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout
    assert int(major.strip().lstrip("v").split(".")[0]) >= 20, f"the JS SDK needs Node 20+, found {major}"


def test_js_sdk_drives_the_mock_end_to_end(live_v2: str, sdk_installed: None) -> None:
    import requests

    seed = requests.get(f"{live_v2}/__revokit/seed", timeout=10).json()
    env = {**os.environ, "REVOKIT_V2_URL": live_v2, "REVOKIT_V2_SEED": json.dumps(seed)}
    result = subprocess.run(
        [_tool("node"), str(SCRIPT)], cwd=JS_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    output = f"--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    assert result.returncode == 0, output
    assert "checks passed" in result.stdout, output
