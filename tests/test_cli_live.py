"""`revokit mock` as a user runs it: a real process, real sockets, the revoke scenario end to end."""

from __future__ import annotations

import os
import subprocess
import sys

import requests

UNAUTHORIZED = {
    "error": "Unauthorized",
    "message": "Authentication required. Please provide a valid API token",
    "code": 401,
}
NOT_FOUND = {"error": "Not Found", "message": "The requested resource was not found", "code": 404}


def test_revoke_scenario_against_a_live_mock(live_mock_factory):
    mock = live_mock_factory("app-keys", "--port", "0")
    base = mock.url("app-keys")
    seed = requests.get(f"{base}/__revokit/seed", timeout=5).json()
    alice = seed["users"][0]
    auth = {"Authorization": f"Bearer {alice['token']}"}
    app_id = alice["applications"][0]["id"]

    # Two fresh keys, made through the API as a client would.
    made = [
        requests.post(
            f"{base}/api/v1/applications/{app_id}/api-keys", json={"name": n}, headers=auth, timeout=5
        )
        for n in ("one", "two")
    ]
    assert [m.status_code for m in made] == [201, 201]
    one, two = (m.json() for m in made)
    for key in (one, two):
        assert (
            requests.get(f"{base}/api/v1/key-info", headers={"X-API-Key": key["key"]}, timeout=5).status_code
            == 200
        )

    revoked = requests.delete(
        f"{base}/api/v1/applications/{app_id}/api-keys/{one['id']}", headers=auth, timeout=5
    )
    assert revoked.status_code == 200 and revoked.json() == {}

    refused = requests.get(f"{base}/api/v1/key-info", headers={"X-API-Key": one["key"]}, timeout=5)
    assert refused.status_code == 401 and refused.json() == UNAUTHORIZED
    still = requests.get(f"{base}/api/v1/key-info", headers={"X-API-Key": two["key"]}, timeout=5)
    assert still.status_code == 200 and still.json()["key_id"] == two["id"]

    again = requests.delete(
        f"{base}/api/v1/applications/{app_id}/api-keys/{one['id']}", headers=auth, timeout=5
    )
    assert again.status_code == 404 and again.json() == NOT_FOUND


def test_token_endpoint_and_banner(live_mock_factory):
    mock = live_mock_factory("app-keys", "--port", "0")
    assert "alice@example.com" in mock.banner and "bob@example.com" in mock.banner
    base = mock.url("app-keys")
    token = requests.post(f"{base}/__revokit/tokens", json={"email": "alice@example.com"}, timeout=5).json()[
        "token"
    ]
    listed = requests.get(
        f"{base}/api/v1/applications", headers={"Authorization": f"Bearer {token}"}, timeout=5
    )
    assert listed.status_code == 200 and listed.json()["total"] == 2


def test_refuses_to_expose_the_control_plane_without_a_token():
    revokit = os.path.join(os.path.dirname(sys.executable), "revokit")
    result = subprocess.run(
        [revokit, "mock", "app-keys", "--host", "0.0.0.0", "--port", "0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--control-token" in result.stderr


def test_specs_command_validates_and_prints_paths():
    revokit = os.path.join(os.path.dirname(sys.executable), "revokit")
    result = subprocess.run([revokit, "specs"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "app-keys   valid" in result.stdout and "app-keys.yaml" in result.stdout
