"""The store routes a storefront calls before products: regions, collections, categories, currencies.

Recorded from a real 2.21.2: each one refuses a missing, unknown, secret or revoked publishable key
exactly as /store/products does, but a key with no sales channel is enough (nothing is scoped by
channel). Their answers are seed data (fixtures/xclade-v2-answers.yaml).
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from test_v2_store_http import KEY_INVALID, KEY_REQUIRED
from v2_helpers import store

LISTS = {
    "/store/regions": ("regions", 50),
    "/store/collections": ("collections", 10),
    "/store/product-categories": ("product_categories", 50),
    "/store/currencies": ("currencies", 50),
}
RETRIEVES = {
    "/store/regions/reg_x": "Region with id: reg_x was not found",
    "/store/collections/pcol_x": "Collection with id: pcol_x was not found",
    "/store/product-categories/pcat_x": "Product category with id: pcat_x was not found",
    "/store/currencies/xyz": "Currency with code: xyz was not found",
}
EURO = {
    "code": "eur",
    "name": "Euro",
    "symbol": "€",
    "symbol_native": "€",
    "decimal_digits": 2,
    "rounding": 0,
}
UNKNOWN_ERROR = {"code": "unknown_error", "type": "unknown_error", "message": "An unknown error occurred."}


@pytest.mark.parametrize("path", [*LISTS, *RETRIEVES])
def test_a_publishable_key_is_required(client: FlaskClient, keys, path: str):
    for headers in ({}, store("")):
        response = client.get(path, headers=headers)
        assert response.status_code == 400 and response.get_json() == KEY_REQUIRED
    for token in ("pk_" + "ab" * 32, keys["CI deploy key"]["token"], keys["Retired storefront"]["token"]):
        response = client.get(path, headers=store(token))
        assert response.status_code == 400 and response.get_json() == KEY_INVALID


def test_the_key_is_checked_before_the_query(client: FlaskClient):
    response = client.get("/store/regions?foo=1")
    assert response.status_code == 400 and response.get_json() == KEY_REQUIRED


@pytest.mark.parametrize("path", list(LISTS))
def test_a_key_without_a_sales_channel_is_enough(client: FlaskClient, keys, path: str):
    """Unlike /store/products, which answers 400 "needs to have a sales channel configured"."""
    name, default_limit = LISTS[path]
    for title in ("Unlinked storefront", "Default Publishable API Key", "Expiring storefront"):
        body = client.get(path, headers=store(keys[title]["token"])).get_json()
        assert body["count"] == (126 if name == "currencies" else 0)
        assert (body["offset"], body["limit"]) == (0, default_limit) and len(body[name]) == min(
            body["count"], 50
        )


@pytest.mark.parametrize(("path", "message"), list(RETRIEVES.items()))
def test_an_unknown_id_is_not_found(client: FlaskClient, keys, path: str, message: str):
    response = client.get(path, headers=store(keys["Unlinked storefront"]["token"]))
    assert response.status_code == 404
    assert response.get_json() == {"type": "not_found", "message": message}


def test_medusa_221_an_unknown_category_is_empty(medusa_client: FlaskClient):
    token = medusa_client.get("/__revokit/seed").get_json()["api_keys"][0]["token"]
    response = medusa_client.get("/store/product-categories/pcat_x", headers=store(token))
    assert response.status_code == 200 and response.get_json() == {}
    response = medusa_client.get("/store/regions/reg_x", headers=store(token))
    assert response.status_code == 404


def test_currencies(client: FlaskClient, keys):
    headers = store(keys["Default Publishable API Key"]["token"])
    page = client.get("/store/currencies?limit=2&offset=3", headers=headers).get_json()
    assert [c["code"] for c in page["currencies"]] == ["amd", "aoa"] and page["count"] == 126
    picked = client.get("/store/currencies?code[]=eur&code[]=usd", headers=headers).get_json()
    assert [c["code"] for c in picked["currencies"]] == ["eur", "usd"] and picked["count"] == 2
    searched = client.get("/store/currencies?q=eu&fields=code", headers=headers).get_json()
    assert searched["currencies"] == [{"code": "eur"}, {"code": "mdl"}, {"code": "ron"}]
    last = client.get("/store/currencies?order=-code&limit=1", headers=headers).get_json()
    assert last["currencies"][0]["code"] == "zwl"
    assert client.get("/store/currencies/EUR", headers=headers).get_json() == {"currency": EURO}
    assert client.get("/store/currencies/eur?fields=code", headers=headers).get_json() == {
        "currency": {"code": "eur"}
    }


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("/store/regions?foo=1", "Invalid request: Unrecognized fields: 'foo'"),
        ("/store/regions?code=eur", "Invalid request: Unrecognized fields: 'code'"),
        ("/store/collections?name=x", "Invalid request: Unrecognized fields: 'name'"),
        ("/store/currencies?id=x", "Invalid request: Unrecognized fields: 'id'"),
        ("/store/regions/reg_x?q=1", "Invalid request: Unrecognized fields: 'q'"),
        (
            "/store/regions?limit=abc",
            "Invalid request: Expected type: 'number' for field 'limit', got: 'abc'",
        ),
        (
            "/store/regions?with_deleted=x",
            "Invalid request: Expected type: 'boolean' for field 'with_deleted', got: 'x'",
        ),
        ("/store/regions?order=-code", "Order field code is not valid"),
        ("/store/collections?order=name", "Order field name is not valid"),
        ("/store/currencies?order=foo", "Order field foo is not valid"),
    ],
)
def test_query_validation(client: FlaskClient, medusa_client: FlaskClient, query: str, message: str):
    for each in (client, medusa_client):
        token = each.get("/__revokit/seed").get_json()["api_keys"][0]["token"]
        response = each.get(query, headers=store(token))
        assert response.status_code == 400
        assert response.get_json() == {"type": "invalid_data", "message": message}


@pytest.mark.parametrize("path", list(LISTS))
def test_negative_paging(client: FlaskClient, medusa_client: FlaskClient, path: str):
    """The contract refuses it; 2.21.2 hands it to Postgres, which fails even on an empty table."""
    for query in ("limit=-1", "offset=-1"):
        token = client.get("/__revokit/seed").get_json()["api_keys"][0]["token"]
        assert client.get(f"{path}?{query}", headers=store(token)).status_code == 400
        token = medusa_client.get("/__revokit/seed").get_json()["api_keys"][0]["token"]
        response = medusa_client.get(f"{path}?{query}", headers=store(token))
        assert response.status_code == 500 and response.get_json() == UNKNOWN_ERROR


def test_medusa_221_paging_is_parsed_leniently(medusa_client: FlaskClient):
    token = medusa_client.get("/__revokit/seed").get_json()["api_keys"][0]["token"]
    body = medusa_client.get("/store/currencies?limit=2x", headers=store(token)).get_json()
    assert body["limit"] == 2 and [c["code"] for c in body["currencies"]] == ["aed", "afn"]
