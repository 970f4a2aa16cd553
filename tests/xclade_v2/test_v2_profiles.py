"""Behaviour profiles: ``contract`` (the documented 404s) versus ``medusa-2.21`` (what 2.21.2 does).

The medusa-2.21 app is built with response validation off: its answers for unknown ids break the
spec on purpose, and the assertions below pin them exactly.
"""

from __future__ import annotations

import re

import pytest
import yaml

from revokit.specs import PROFILE_DIR, load_profile

MISSING_ID = "apk_01M83RZZZZZZZZZZZZZZZZZZZZ"
NOT_FOUND = {"type": "not_found", "message": f"API Key with id: {MISSING_ID} was not found"}
UNKNOWN_ERROR = {"code": "unknown_error", "type": "unknown_error", "message": "An unknown error occurred."}
FLAGS = {
    "update_unknown_key_returns_empty",
    "revoke_unknown_key_returns_empty",
    "delete_unknown_key_reports_deleted",
    "sales_channels_unknown_key_fails",
    "order_unknown_column_fails",
    "unrouted_requests_answered_by_express",
}


@pytest.fixture
def medusa_admin(medusa_client) -> dict[str, str]:
    token = medusa_client.get("/__revokit/seed").get_json()["admin"]["token"]
    return {"Authorization": f"Bearer {token}"}


def test_profile_file_format():
    path = PROFILE_DIR / "medusa-2.21.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert data["name"] == "medusa-2.21" and data["family"] == "xclade-v2" and data["summary"]
    assert {d["flag"] for d in data["deviations"]} == FLAGS
    for deviation in data["deviations"]:
        assert re.fullmatch(r"[a-z]+(_[a-z]+)*", deviation["flag"])
        assert deviation["description"].endswith(".") and "\n" not in deviation["description"]
    profile = load_profile("medusa-2.21")
    assert all(profile.enabled(flag) for flag in FLAGS)


def test_the_control_plane_reports_the_profile(client, medusa_client):
    assert client.get("/__revokit/profile").get_json()["deviations"] == {}
    body = medusa_client.get("/__revokit/profile").get_json()
    assert body["name"] == "medusa-2.21" and set(body["deviations"]) == FLAGS


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("post", "", {"title": "t"}),
        ("post", "/revoke", None),
        ("delete", "", None),
        ("post", "/sales-channels", {"add": []}),
    ],
)
def test_contract_unknown_id_is_404(client, admin, method, suffix, body):
    response = getattr(client, method)(f"/admin/api-keys/{MISSING_ID}{suffix}", headers=admin, json=body)
    assert response.status_code == 404 and response.get_json() == NOT_FOUND


def test_medusa_retrieve_unknown_is_still_404(medusa_client, medusa_admin):
    response = medusa_client.get(f"/admin/api-keys/{MISSING_ID}", headers=medusa_admin)
    assert response.status_code == 404 and response.get_json() == NOT_FOUND


def test_medusa_update_unknown_is_200_empty(medusa_client, medusa_admin):
    response = medusa_client.post(f"/admin/api-keys/{MISSING_ID}", headers=medusa_admin, json={"title": "t"})
    assert response.status_code == 200 and response.get_data(as_text=True) == "{}"
    invalid = medusa_client.post(f"/admin/api-keys/{MISSING_ID}", headers=medusa_admin, json={})
    assert invalid.status_code == 400  # validation still comes first


def test_medusa_revoke_unknown_is_200_empty(medusa_client, medusa_admin):
    for body in (None, {"revoke_in": 60}):
        response = medusa_client.post(f"/admin/api-keys/{MISSING_ID}/revoke", headers=medusa_admin, json=body)
        assert response.status_code == 200 and response.get_data(as_text=True) == "{}"


def test_medusa_revoke_of_a_deleted_key_is_200_empty(medusa_client, medusa_admin):
    seed = medusa_client.get("/__revokit/seed").get_json()
    key_id = next(k["id"] for k in seed["api_keys"] if k["title"] == "Old integration")
    assert medusa_client.delete(f"/admin/api-keys/{key_id}", headers=medusa_admin).status_code == 200
    response = medusa_client.post(f"/admin/api-keys/{key_id}/revoke", headers=medusa_admin)
    assert response.status_code == 200 and response.get_json() == {}


def test_medusa_delete_unknown_reports_deleted(medusa_client, medusa_admin):
    for _ in range(2):  # idempotent
        response = medusa_client.delete(f"/admin/api-keys/{MISSING_ID}", headers=medusa_admin)
        assert response.status_code == 200
        assert response.get_data(as_text=True) == f'{{"id":"{MISSING_ID}","object":"api_key","deleted":true}}'


def test_medusa_sales_channels_on_unknown_key_is_500(medusa_client, medusa_admin):
    response = medusa_client.post(
        f"/admin/api-keys/{MISSING_ID}/sales-channels", headers=medusa_admin, json={"add": ["sc_phony"]}
    )
    assert response.status_code == 500 and response.get_json() == UNKNOWN_ERROR


def test_medusa_profile_keeps_every_other_rule(medusa_client, medusa_admin):
    seed = medusa_client.get("/__revokit/seed").get_json()
    keys = {k["title"]: k for k in seed["api_keys"]}
    old = keys["Old integration"]["id"]
    response = medusa_client.post(f"/admin/api-keys/{old}/revoke", headers=medusa_admin)
    assert response.status_code == 400
    assert response.get_json() == {
        "type": "invalid_data",
        "message": "There are 1 secret keys that are already revoked.",
    }
    active = keys["CI deploy key"]["id"]
    response = medusa_client.delete(f"/admin/api-keys/{active}", headers=medusa_admin)
    assert response.status_code == 400
    response = medusa_client.post(
        f"/admin/api-keys/{active}/sales-channels", headers=medusa_admin, json={"add": []}
    )
    assert response.status_code == 400
    assert medusa_client.get("/admin/api-keys").get_json() == {"message": "Unauthorized"}
