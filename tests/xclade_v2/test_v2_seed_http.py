"""The seed as the banner shows it (GET /__revokit/seed), the spec, and reset-to-seed."""

from __future__ import annotations

import re

from v2_helpers import basic, store

from revokit.mockserver.families.xclade_v2 import FAMILY
from revokit.specs import load_spec, validate_spec

STATES = {"active", "revoked", "revoke_scheduled"}


def test_the_spec_is_valid_and_every_operation_has_a_handler():
    validate_spec("xclade-v2")
    spec = load_spec("xclade-v2")
    operations = {
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in ("get", "post", "delete")
    }
    assert operations == set(FAMILY.handlers) and len(operations) == 44


def test_seed_banner_facts(client, seed):
    admin = seed["admin"]
    assert (admin["email"], admin["password"]) == ("admin@medusa-test.com", "supersecret")
    assert (
        client.get("/admin/api-keys", headers={"Authorization": f"Bearer {admin['token']}"}).status_code
        == 200
    )
    assert {(k["type"], k["state"]) for k in seed["api_keys"]} == {
        (t, s) for t in ("publishable", "secret") for s in STATES
    }
    for key in seed["api_keys"]:
        assert re.fullmatch(r"apk_[0-9A-HJKMNP-TV-Z]{26}", key["id"])
        assert re.fullmatch(r"(sk|pk)_[0-9a-f]{64}", key["token"])
        assert key["redacted"] == f"{key['token'][:6]}***{key['token'][-3:]}"
    assert [c["name"] for c in seed["sales_channels"]] == ["Default Sales Channel", "Wholesale"]
    assert len(seed["products"]) >= 3 and all(
        re.fullmatch(r"prod_[0-9A-HJKMNP-TV-Z]{26}", p["id"]) for p in seed["products"]
    )


def test_seeded_plaintexts_work_as_their_state_says(client, seed):
    for key in seed["api_keys"]:
        if key["type"] == "secret":
            status = client.get("/admin/api-keys?limit=1", headers=basic(key["token"])).status_code
            assert status == (401 if key["state"] == "revoked" else 200), key["title"]
        else:
            response = client.get("/store/products", headers=store(key["token"]))
            if key["state"] == "revoked":
                assert response.status_code == 400
            elif not key["sales_channels"]:
                assert (
                    response.get_json()["message"]
                    == "Publishable key needs to have a sales channel configured"
                )
            else:
                assert response.status_code == 200, key["title"]


def test_state_snapshot_holds_no_secret_plaintext(client, seed):
    state = client.get("/__revokit/state").get_data(as_text=True)
    for key in seed["api_keys"]:
        assert (key["token"] in state) == (key["type"] == "publishable")
    assert "supersecret" not in state


def test_reset_restores_the_seed(client, admin, seed, keys):
    key_id = keys["Old integration"]["id"]
    assert client.delete(f"/admin/api-keys/{key_id}", headers=admin).status_code == 200
    client.post("/admin/api-keys", headers=admin, json={"title": "temp", "type": "secret"})
    client.post("/auth/session", headers=admin)
    assert client.post("/__revokit/reset").status_code == 200
    assert client.get(f"/admin/api-keys/{key_id}", headers=admin).status_code == 200
    assert client.get("/admin/api-keys", headers=admin).get_json()["count"] == len(seed["api_keys"])
    assert client.get("/admin/api-keys").status_code == 401  # the session is gone too
    assert client.get("/__revokit/seed").get_json() == seed
