"""Store routes (publishable keys) and admin sales channels over HTTP."""

from __future__ import annotations

import pytest
from v2_helpers import basic, freeze, store

KEY_REQUIRED = {
    "type": "not_allowed",
    "message": "Publishable API key required in the request header: x-publishable-api-key. "
    "You can manage your keys in settings in the dashboard.",
}
KEY_INVALID = {
    "type": "not_allowed",
    "message": "A valid publishable key is required to proceed with the request",
}
NO_CHANNEL = {"type": "invalid_data", "message": "Publishable key needs to have a sales channel configured"}
PRODUCT_ORDER = ["id", "title", "description", "handle", "created_at", "updated_at"]
CHANNEL_ORDER = [
    "id",
    "name",
    "description",
    "is_disabled",
    "created_at",
    "updated_at",
    "deleted_at",
    "metadata",
]


def visible(seed: dict, *channel_ids: str) -> list[str]:
    return sorted(
        p["id"]
        for p in seed["products"]
        if p["status"] == "published" and set(p["sales_channels"]) & set(channel_ids)
    )


# -- the publishable key check ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/store/products", "/store/products/prod_01M83RA4K7N2P5Q8S1T3V6W9XY"])
def test_missing_or_empty_key(client, path):
    for headers in ({}, store("")):
        response = client.get(path, headers=headers)
        assert response.status_code == 400 and response.get_json() == KEY_REQUIRED


@pytest.mark.parametrize("which", ["unknown", "secret", "revoked"])
def test_unknown_secret_or_revoked_key(client, keys, which):
    token = {
        "unknown": "pk_" + "ab" * 32,
        "secret": keys["CI deploy key"]["token"],
        "revoked": keys["Retired storefront"]["token"],
    }[which]
    response = client.get("/store/products", headers=store(token))
    assert response.status_code == 400 and response.get_json() == KEY_INVALID


def test_key_checked_before_query_validation(client):
    response = client.get("/store/products?foo=1")
    assert response.status_code == 400 and response.get_json() == KEY_REQUIRED


def test_key_without_a_channel(client, keys):
    response = client.get("/store/products", headers=store(keys["Unlinked storefront"]["token"]))
    assert response.status_code == 400 and response.get_json() == NO_CHANNEL


def test_a_scheduled_revocation_does_not_count_yet(client, keys, seed, channels):
    response = client.get("/store/products", headers=store(keys["Expiring storefront"]["token"]))
    assert response.status_code == 200
    ids = [p["id"] for p in response.get_json()["products"]]
    assert ids == visible(seed, channels["Default Sales Channel"], channels["Wholesale"])


# -- products -------------------------------------------------------------------------------------------------


def test_products_are_scoped_to_the_key_channels(client, keys, seed, channels):
    default = client.get(
        "/store/products", headers=store(keys["Default Publishable API Key"]["token"])
    ).get_json()
    assert [p["id"] for p in default["products"]] == visible(seed, channels["Default Sales Channel"])
    assert (default["count"], default["offset"], default["limit"]) == (len(default["products"]), 0, 50)
    assert list(default["products"][0]) == PRODUCT_ORDER  # no status, as 2.21.2 answers
    statuses = client.get(
        "/store/products?fields=status", headers=store(keys["Default Publishable API Key"]["token"])
    ).get_json()["products"]
    assert statuses and all(p["status"] == "published" for p in statuses)
    wholesale = client.get("/store/products", headers=store(keys["Wholesale storefront"]["token"])).get_json()
    assert [p["id"] for p in wholesale["products"]] == visible(seed, channels["Wholesale"])
    assert set(p["id"] for p in default["products"]) != set(p["id"] for p in wholesale["products"])


def test_product_paging_search_and_fields(client, keys, seed):
    headers = store(keys["Expiring storefront"]["token"])
    everything = client.get("/store/products", headers=headers).get_json()["products"]
    page = client.get("/store/products?limit=1&offset=1", headers=headers).get_json()
    assert page["products"] == everything[1:2] and page["count"] == len(everything)
    title = everything[0]["title"]
    found = client.get(f"/store/products?q={title.split()[0].lower()}", headers=headers).get_json()
    assert everything[0] in found["products"]
    narrow = client.get("/store/products?fields=title", headers=headers).get_json()
    assert narrow["products"][0] == {"title": everything[0]["title"], "id": everything[0]["id"]}
    bad = client.get("/store/products?foo=1", headers=headers)
    assert bad.status_code == 400
    assert bad.get_json() == {
        "type": "invalid_data",
        "message": "Invalid request: Unrecognized fields: 'foo'",
    }


def test_retrieve_a_product(client, keys, seed, channels):
    headers = store(keys["Default Publishable API Key"]["token"])
    product_id = visible(seed, channels["Default Sales Channel"])[0]
    response = client.get(f"/store/products/{product_id}", headers=headers)
    assert response.status_code == 200 and response.get_json()["product"]["id"] == product_id
    hidden = next(p["id"] for p in seed["products"] if p["sales_channels"] == [channels["Wholesale"]])
    draft = next(p["id"] for p in seed["products"] if p["status"] == "draft")
    for product_id in (hidden, draft, "prod_01M83RZZZZZZZZZZZZZZZZZZZZ"):
        response = client.get(f"/store/products/{product_id}", headers=headers)
        assert response.status_code == 404
        assert response.get_json() == {
            "type": "not_found",
            "message": f"Product with id: {product_id} was not found",
        }


def test_linking_a_channel_opens_the_store_for_a_key(client, admin, keys, seed, channels):
    key = keys["Unlinked storefront"]
    assert client.get("/store/products", headers=store(key["token"])).status_code == 400
    client.post(
        f"/admin/api-keys/{key['id']}/sales-channels", headers=admin, json={"add": [channels["Wholesale"]]}
    )
    response = client.get("/store/products", headers=store(key["token"]))
    assert [p["id"] for p in response.get_json()["products"]] == visible(seed, channels["Wholesale"])
    client.post(f"/admin/api-keys/{key['id']}/revoke", headers=admin)
    response = client.get("/store/products", headers=store(key["token"]))
    assert response.status_code == 400 and response.get_json() == KEY_INVALID


# -- admin sales channels ------------------------------------------------------------------------------------------


def test_list_sales_channels(client, admin, channels):
    response = client.get("/admin/sales-channels", headers=admin)
    assert response.status_code == 200
    body = response.get_json()
    assert [c["name"] for c in body["sales_channels"]] == ["Default Sales Channel", "Wholesale"]
    assert (body["count"], body["offset"], body["limit"]) == (2, 0, 20)
    assert list(body["sales_channels"][0]) == CHANNEL_ORDER
    assert body["sales_channels"][0]["description"] == "Created by Medusa"
    one = client.get("/admin/sales-channels?name=Wholesale&fields=name", headers=admin).get_json()
    assert one["sales_channels"] == [{"name": "Wholesale", "id": channels["Wholesale"]}]
    assert client.get("/admin/sales-channels?q=b2b", headers=admin).get_json()["count"] == 1
    assert client.get("/admin/sales-channels?is_disabled=true", headers=admin).get_json()["count"] == 0
    assert client.get("/admin/sales-channels?order=nosuch", headers=admin).status_code == 400
    assert client.get("/admin/sales-channels").status_code == 401


def test_create_and_retrieve_a_sales_channel(client, admin, keys):
    now = freeze(client, "2026-11-23T08:26:58.381Z")
    response = client.post("/admin/sales-channels", headers=admin, json={"name": "SC Probe"})
    assert response.status_code == 200
    channel = response.get_json()["sales_channel"]
    assert channel == {
        "id": channel["id"],
        "name": "SC Probe",
        "description": None,
        "is_disabled": False,
        "created_at": now,
        "updated_at": now,
        "deleted_at": None,
        "metadata": None,
    }
    assert channel["id"].startswith("sc_")
    fetched = client.get(
        f"/admin/sales-channels/{channel['id']}", headers=basic(keys["CI deploy key"]["token"])
    )
    assert fetched.status_code == 200 and fetched.get_json()["sales_channel"] == channel
    missing = client.get("/admin/sales-channels/sc_01M83RZZZZZZZZZZZZZZZZZZZZ", headers=admin)
    assert missing.status_code == 404
    assert missing.get_json() == {
        "type": "not_found",
        "message": "Sales channel with id: sc_01M83RZZZZZZZZZZZZZZZZZZZZ not found",
    }


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Field 'name' is required"),
        ({"name": "x", "foo": 1}, "Unrecognized fields: 'foo'"),
        ({"name": "x", "is_disabled": "no"}, "Expected type: 'boolean' for field 'is_disabled', got: 'no'"),
    ],
)
def test_create_sales_channel_validation(client, admin, body, message):
    response = client.post("/admin/sales-channels", headers=admin, json=body)
    assert response.status_code == 400
    assert response.get_json() == {"type": "invalid_data", "message": f"Invalid request: {message}"}


def test_sales_channel_products(client, admin, keys, seed, channels):
    headers = store(keys["Wholesale storefront"]["token"])
    before = [p["id"] for p in client.get("/store/products", headers=headers).get_json()["products"]]
    extra = visible(seed, channels["Default Sales Channel"])[0]
    url = f"/admin/sales-channels/{channels['Wholesale']}/products"
    response = client.post(url, headers=admin, json={"add": [extra, "prod_unknown"]})
    assert response.status_code == 200 and response.get_json()["sales_channel"]["id"] == channels["Wholesale"]
    after = [p["id"] for p in client.get("/store/products", headers=headers).get_json()["products"]]
    assert after == sorted([*before, extra])
    client.post(url, headers=admin, json={"remove": [extra]})
    assert [p["id"] for p in client.get("/store/products", headers=headers).get_json()["products"]] == before
    bad = client.post(url, headers=admin, json={"add": "x"})
    assert bad.status_code == 400
    missing = client.post("/admin/sales-channels/sc_nope/products", headers=admin, json={})
    assert missing.status_code == 404
    assert missing.get_json() == {"type": "not_found", "message": "Sales channel with id: sc_nope not found"}
