"""Behaviour profiles: ``contract`` (the documented 404s) versus ``medusa-2.21`` (what 2.21.2 does).

The medusa-2.21 app is built with response validation off: its answers for unknown ids break the
spec on purpose, and the assertions below pin them exactly.
"""

from __future__ import annotations

import re
from urllib.parse import quote

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
    "negative_paging_fails",
    "store_paging_unchecked",
    "date_filter_fails_in_database",
    "revoke_in_beyond_last_year_fails",
    "nul_character_fails_in_database",
    "channel_products_unknown_channel_returns_empty",
    "duplicate_link_ids_fail",
    "unrouted_requests_express_not_found",
    "jwt_user_not_looked_up",
    "lone_surrogates_stored_replaced",
    "unknown_date_operator_ignored",
    "delete_unknown_channel_reports_deleted",
    "paging_parsed_leniently",
    "automatic_options_answer",
    "delete_query_unchecked",
    "fields_naming_object_prototype_fail",
    "unsafe_integer_paging_ignored",
    "unknown_product_category_returns_empty",
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


# -- what the release hands to Postgres or Express unchecked (found against 2.21.2) -----------------


@pytest.mark.parametrize(
    ("query", "contract_status"),
    [
        ("limit=-1", 400),
        ("offset=-1", 400),
        ("created_at[$lte]=abc", 400),
        ("q=%00", 200),
        ("offset=-2x", 400),
    ],
)
def test_medusa_inputs_that_fail_in_the_database(
    client, admin, medusa_client, medusa_admin, query, contract_status
):
    assert client.get(f"/admin/api-keys?{query}", headers=admin).status_code == contract_status
    answer = medusa_client.get(f"/admin/api-keys?{query}", headers=medusa_admin)
    assert answer.status_code == 500 and answer.get_json() == UNKNOWN_ERROR


def test_medusa_paging_is_read_with_parse_int(medusa_client, medusa_admin):
    answer = medusa_client.get("/admin/api-keys?limit=2x&offset=0x1&fields=id", headers=medusa_admin)
    assert answer.status_code == 200 and (answer.get_json()["limit"], answer.get_json()["offset"]) == (2, 1)
    twice = medusa_client.get("/admin/api-keys?limit=1&limit=2", headers=medusa_admin)
    assert twice.status_code == 400
    assert (
        twice.get_json()["message"]
        == "Invalid request: Expected type: 'number' for field 'limit', got: '1,2'"
    )


def test_medusa_store_negative_paging(medusa_client, medusa_admin):
    """An empty page that echoes the paging when the key's channels hold no product, else 500."""
    key = medusa_client.post(
        "/admin/api-keys", headers=medusa_admin, json={"title": "s", "type": "publishable"}
    )
    token, key_id = key.get_json()["api_key"]["token"], key.get_json()["api_key"]["id"]
    empty = medusa_client.post("/admin/sales-channels", headers=medusa_admin, json={"name": "empty"})
    channel = empty.get_json()["sales_channel"]["id"]
    medusa_client.post(
        f"/admin/api-keys/{key_id}/sales-channels", headers=medusa_admin, json={"add": [channel]}
    )
    answer = medusa_client.get("/store/products?offset=-1", headers={"x-publishable-api-key": token})
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["products"], body["offset"]) == ([], -1)
    # A draft in the channel counts as a product there: the query runs, and fails (asked of 2.21.2).
    draft = {"title": "d", "options": [{"title": "S", "values": ["a"]}], "sales_channels": [{"id": channel}]}
    assert medusa_client.post("/admin/products", headers=medusa_admin, json=draft).status_code == 200
    drafted = medusa_client.get("/store/products?offset=-1", headers={"x-publishable-api-key": token})
    assert drafted.status_code == 500
    seeded = medusa_client.get("/admin/api-keys?type=publishable&limit=50", headers=medusa_admin).get_json()
    stocked = next(k for k in seeded["api_keys"] if k["sales_channels"] and not k["revoked_at"])
    failed = medusa_client.get(
        "/store/products?limit=-1", headers={"x-publishable-api-key": stocked["token"]}
    )
    assert failed.status_code == 500
    # Beyond 2^53 the paging is left out of the query, as on the admin lists (asked of 2.21.2).
    unsafe = medusa_client.get(
        "/store/products?offset=9007199254740993&limit=-9007199254740993",
        headers={"x-publishable-api-key": stocked["token"]},
    ).get_json()
    assert (unsafe["offset"], unsafe["limit"]) == (9007199254740992, -9007199254740992)
    assert len(unsafe["products"]) == unsafe["count"] > 0


def test_medusa_unrouted_requests_get_express_pages(client, admin, medusa_client, medusa_admin):
    assert client.open("/admin/api-keys", method="TRACE", headers=admin).status_code == 405
    refused = medusa_client.open("/admin/api-keys", method="TRACE")
    assert refused.status_code == 401 and refused.get_json() == {"message": "Unauthorized"}
    page = medusa_client.open("/admin/api-keys", method="TRACE", headers=medusa_admin)
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert "<pre>Cannot TRACE /admin/api-keys</pre>" in page.get_data(as_text=True)
    options = medusa_client.open(f"/admin/api-keys/{MISSING_ID}", method="OPTIONS", headers=medusa_admin)
    assert options.status_code == 200 and options.headers["Allow"] == "GET,HEAD,POST,DELETE"
    assert options.get_data(as_text=True) == "GET,HEAD,POST,DELETE"


def test_sales_channel_update_and_delete(client, admin, medusa_client, medusa_admin):
    missing = "sc_01M83RZZZZZZZZZZZZZZZZZZZZ"
    created = client.post("/admin/sales-channels", headers=admin, json={"name": "a", "metadata": {"k": 1}})
    channel = created.get_json()["sales_channel"]
    renamed = client.post(f"/admin/sales-channels/{channel['id']}", headers=admin, json={"name": "b"})
    assert renamed.get_json()["sales_channel"]["name"] == "b"
    assert renamed.get_json()["sales_channel"]["metadata"] == {"k": 1}
    wrong = client.post(f"/admin/sales-channels/{channel['id']}", headers=admin, json={"metadata": []})
    assert (
        wrong.get_json()["message"]
        == "Invalid request: Expected type: 'record' for field 'metadata', got: ''"
    )
    unknown = client.post(f"/admin/sales-channels/{missing}", headers=admin, json={"name": "x"})
    assert unknown.status_code == 404
    assert unknown.get_json()["message"] == f'Sales channel with id "{missing}" not found'
    deleted = client.delete(f"/admin/sales-channels/{channel['id']}", headers=admin)
    assert deleted.get_json() == {"id": channel["id"], "object": "sales-channel", "deleted": True}
    assert client.get(f"/admin/sales-channels/{channel['id']}", headers=admin).status_code == 404
    assert client.delete(f"/admin/sales-channels/{missing}", headers=admin).status_code == 404
    again = medusa_client.delete(f"/admin/sales-channels/{missing}?foo=1", headers=medusa_admin)
    assert again.status_code == 200 and again.get_json()["deleted"] is True


def test_medusa_duplicate_links_and_unknown_channel(client, admin, medusa_client, medusa_admin, seed):
    channel = seed["sales_channels"][0]["id"] if "sales_channels" in seed else None
    listed = medusa_client.get("/admin/sales-channels?limit=1&fields=id", headers=medusa_admin)
    channel = channel or listed.get_json()["sales_channels"][0]["id"]
    twice = {"add": ["prod_x", "prod_x"]}
    assert (
        client.post(f"/admin/sales-channels/{channel}/products", headers=admin, json=twice).status_code == 200
    )
    failed = medusa_client.post(f"/admin/sales-channels/{channel}/products", headers=medusa_admin, json=twice)
    assert failed.status_code == 500
    unknown = "/admin/sales-channels/sc_01M83RZZZZZZZZZZZZZZZZZZZZ/products"
    assert client.post(unknown, headers=admin, json={}).status_code == 404
    empty = medusa_client.post(unknown, headers=medusa_admin, json={})
    assert empty.status_code == 200 and empty.get_data(as_text=True) == "{}"


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ("__proto__", 400, 'column "undefined" does not exist'),
        ("+constructor", 400, "column a0.Object does not exist"),
        ("toString", 500, "An unknown error occurred."),
    ],
)
def test_medusa_fields_naming_object_prototype(
    client, admin, medusa_client, medusa_admin, fields, status, message
):
    assert client.get(f"/admin/api-keys?fields={quote(fields)}", headers=admin).status_code == 200
    answer = medusa_client.get(f"/admin/api-keys?fields={quote(fields)}", headers=medusa_admin)
    assert answer.status_code == status and answer.get_json()["message"] == message


def test_medusa_unsafe_integer_paging_is_left_out(client, admin, medusa_client, medusa_admin):
    huge = "limit=-1000000000000000000&offset=9007199254740993&fields=id"
    assert client.get(f"/admin/sales-channels?{huge}", headers=admin).status_code == 400
    answer = medusa_client.get(f"/admin/sales-channels?{huge}", headers=medusa_admin).get_json()
    # Echoed as the Number JavaScript read: 2.21.2 answers offset 9007199254740992.
    assert answer["limit"] == -1000000000000000000 and answer["offset"] == 9007199254740992
    assert len(answer["sales_channels"]) == answer["count"] > 0


def _store_key(client, admin) -> dict[str, str]:
    key = client.post("/admin/api-keys", headers=admin, json={"title": "lists", "type": "publishable"})
    return {"x-publishable-api-key": key.get_json()["api_key"]["token"]}


@pytest.mark.parametrize("path", ["/admin/currencies", "/admin/stores", "/store/currencies"])
def test_medusa_every_list_pages_as_the_keys_do(client, admin, medusa_client, medusa_admin, path):
    """Asked of 2.21.2: each list reads limit/offset with parseInt, hands a negative one to Postgres
    (500) and leaves one beyond 2^53 out of the query while echoing it."""
    store = "/store/" in path
    mock_headers = {**admin, **_store_key(client, admin)} if store else admin
    medusa_headers = {**medusa_admin, **_store_key(medusa_client, medusa_admin)} if store else medusa_admin
    assert client.get(f"{path}?limit=0.48", headers=mock_headers).status_code == 400
    fraction = medusa_client.get(f"{path}?limit=0.48&offset=2x", headers=medusa_headers).get_json()
    assert (fraction["limit"], fraction["offset"]) == (0, 2)
    negative = medusa_client.get(f"{path}?offset=-1", headers=medusa_headers)
    assert (negative.status_code, negative.get_json()) == (500, UNKNOWN_ERROR)
    huge = medusa_client.get(
        f"{path}?limit=99999999999999999999999&offset=-9007199254740993", headers=medusa_headers
    )
    # JSON.stringify prints that Number as 1e+23, not as 23 digits.
    assert huge.status_code == 200 and re.search(r'"limit":\s*1e\+23\b', huge.data.decode())
    listed = huge.get_json()
    assert listed["offset"] == -9007199254740992
    assert len(next(v for v in listed.values() if isinstance(v, list))) == listed["count"] > 0
