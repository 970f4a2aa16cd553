"""The real ``@medusajs/medusa-js`` 6.1.10 client against a live medusa-v1 mock, in both profiles.

The mock runs in a thread on a free port; ``tests/js/v1_medusa_js.test.mjs`` does the checking in
JavaScript and exits non-zero on the first failure. Afterwards the mock's journal shows what the
client really sent.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from revokit.mockserver.redaction import redacted
from revokit_testing import install_js_packages

JS_DIR = Path(__file__).resolve().parents[1] / "js"
SCRIPT = JS_DIR / "v1_medusa_js.test.mjs"
CLIENT_PACKAGE = JS_DIR / "node_modules" / "@medusajs" / "medusa-js"

KEY_OPERATIONS = {
    "PostPublishableApiKeys",
    "GetPublishableApiKeys",
    "GetPublishableApiKeysPublishableApiKey",
    "PostPublishableApiKysPublishableApiKey",
    "PostPublishableApiKeySalesChannelsChannelsBatch",
    "GetPublishableApiKeySalesChannels",
    "DeletePublishableApiKeySalesChannelsChannelsBatch",
    "PostPublishableApiKeysPublishableApiKeyRevoke",
    "DeletePublishableApiKeysPublishableApiKey",
}


@pytest.fixture(scope="module")
def node() -> str:
    executable = shutil.which("node")
    if executable is None:
        pytest.fail("node is not on PATH: the medusa-js end-to-end test needs Node.js 18 or newer")
    install_js_packages()
    assert CLIENT_PACKAGE.is_dir()
    return executable


@contextmanager
def live(app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize("profile", ["contract", "medusa-1.20"])
def test_medusa_js_drives_publishable_keys(
    profile: str, node: str, v1_app: Flask, v1_120_app: Flask, admin: dict
) -> None:
    app = v1_app if profile == "contract" else v1_120_app
    runtime = app.extensions["revokit"]
    runtime.reset()
    with live(app) as url:
        env = {**os.environ, "REVOKIT_MEDUSA_V1_URL": url, "REVOKIT_MEDUSA_V1_PROFILE": profile}
        done = subprocess.run(
            [node, str(SCRIPT)], cwd=JS_DIR, env=env, capture_output=True, text=True, timeout=120
        )
    assert done.returncode == 0, f"medusa-js run failed:\n{done.stdout}\n{done.stderr}"
    assert f"medusa-js {profile}: 16 checks passed" in done.stdout

    entries = runtime.journal.entries()
    seen = {e["operation_id"] for e in entries}
    assert seen >= KEY_OPERATIONS, KEY_OPERATIONS - seen
    refused = [e for e in entries if e["status"] == 401 and e["operation_id"] == "GetPublishableApiKeys"]
    # after getToken, 6.1.10 still sends no Authorization outside a browser
    assert len(refused) == 1 and "Authorization" not in refused[0]["headers"]
    key_calls = [e for e in entries if e["operation_id"] in KEY_OPERATIONS and e["status"] != 401]
    for entry in key_calls:
        headers = {k.lower(): v for k, v in entry["headers"].items()}
        assert headers["x-medusa-access-token"] == redacted(admin["api_token"])
        assert "authorization" not in headers
    unlink = [
        e for e in key_calls if e["operation_id"] == "DeletePublishableApiKeySalesChannelsChannelsBatch"
    ]
    assert unlink[0]["method"] == "DELETE" and unlink[0]["body"]["sales_channel_ids"][0]["id"].startswith(
        "sc_"
    )
    store_calls = [e for e in entries if e["operation_id"] == "GetProducts"]
    assert len(store_calls) == 2
    assert all(e["headers"].get("X-Publishable-Api-Key", "").startswith("pk_") for e in store_calls)
