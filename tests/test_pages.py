"""The state page's JSON and the docs page's settings, in process (the browser test is
tests/test_pages_browser.py)."""

from __future__ import annotations

import json

import pytest

from revokit_testing import build_app

SEED_STATE = {"active": "active", "revoked": "revoked", "revoke_scheduled": "scheduled"}


def _secrets(seed: dict) -> list[str]:
    """Every token the seed hands out: none may appear in the overview."""
    found: list[str] = []

    def walk(value):
        if isinstance(value, dict):
            for name, item in value.items():
                if name in ("token", "key", "api_token", "password") and isinstance(item, str):
                    found.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(seed)
    return found


@pytest.mark.parametrize("family", ["app-keys", "medusa-v1", "xclade-v2"])
def test_overview_lists_every_key_and_no_secret(family):
    client = build_app(family).test_client()
    seed = client.get("/__revokit/seed").get_json()
    overview = client.get("/__revokit/overview").get_json()
    assert overview["family"] == family
    text = json.dumps(overview)
    medusa_v1_store_keys = {k["id"] for k in seed.get("publishable_api_keys", [])}
    for secret in _secrets(seed):
        if secret not in medusa_v1_store_keys:  # a v1 publishable key is its id, public by design
            assert secret not in text
    if family == "app-keys":
        seeded = {k["id"]: k["state"] for u in seed["users"] for a in u["applications"] for k in a["keys"]}
        scopes = {k["id"]: [a["name"]] for u in seed["users"] for a in u["applications"] for k in a["keys"]}
    elif family == "medusa-v1":
        seeded = {k["id"]: k["state"] for k in seed["publishable_api_keys"]}
        names = {c["id"]: c["name"] for c in seed["sales_channels"]}
        scopes = {k["id"]: [names[c] for c in k["sales_channel_ids"]] for k in seed["publishable_api_keys"]}
    else:
        seeded = {k["id"]: k["state"] for k in seed["api_keys"]}
        names = {c["id"]: c["name"] for c in seed["sales_channels"]}
        scopes = {k["id"]: [names[c] for c in k["sales_channels"]] for k in seed["api_keys"]}
    shown = {k["id"]: k for k in overview["keys"]}
    assert set(shown) == set(seeded)
    for key_id, state in seeded.items():
        assert shown[key_id]["state"] == SEED_STATE[state], shown[key_id]
        assert sorted(shown[key_id]["scope"]) == sorted(scopes[key_id])
        assert (shown[key_id]["seconds_left"] is not None) == (state == "revoke_scheduled")


def test_overview_journal_has_no_headers_or_bodies_newest_first():
    client = build_app("app-keys").test_client()
    seed = client.get("/__revokit/seed").get_json()
    token = seed["users"][0]["token"]
    client.get("/api/v1/applications", headers={"Authorization": f"Bearer {token}"})
    client.post("/api/v1/applications", json={"name": "x"}, headers={"Authorization": f"Bearer {token}"})
    journal = client.get("/__revokit/overview").get_json()["journal"]
    assert [(e["method"], e["path"], e["status"]) for e in journal] == [
        ("POST", "/api/v1/applications", 201),
        ("GET", "/api/v1/applications", 200),
    ]
    assert all(set(e) == {"seq", "at", "method", "path", "status"} for e in journal)
    assert token not in json.dumps(journal)


def test_pages_and_their_assets_are_served():
    client = build_app("xclade-v2").test_client()
    page = client.get("/__revokit/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert b"assets/state.js" in page.data and b"<script>" not in page.data  # no inline code
    docs = client.get("/__revokit/docs/")
    assert docs.status_code == 200 and b"swagger-ui-bundle.js" in docs.data
    assert client.get("/__revokit/docs").status_code == 308  # to the slash
    for asset in ("assets/state.js", "assets/state.css", "assets/docs.js", "swagger-ui/swagger-ui-bundle.js"):
        response = client.get(f"/__revokit/{asset}")
        assert response.status_code == 200 and len(response.data) > 100, asset
    assert client.get("/__revokit/assets/nope.js").status_code == 404
    config = client.get("/__revokit/docs/config.json").get_json()
    seed = client.get("/__revokit/seed").get_json()
    assert config["spec_url"] == "/__revokit/specs/xclade-v2.yaml"
    assert config["authorizations"]["jwt_token"] == seed["admin"]["token"]
    assert config["authorizations"]["publishable_api_key"].startswith("pk_")


def test_the_control_token_guards_the_pages_too():
    client = build_app("app-keys", control_token="s3cret").test_client()
    for path in ("/__revokit/", "/__revokit/overview", "/__revokit/docs/", "/__revokit/docs/config.json"):
        assert client.get(path).status_code == 401, path
        assert client.get(path, headers={"X-Revokit-Control-Token": "s3cret"}).status_code == 200, path
