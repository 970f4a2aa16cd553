"""Store scoping by x-publishable-api-key, in the contract and medusa-1.20 profiles."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

HEADER = "x-publishable-api-key"
SCOPE_MESSAGE = "Provided request body contains errors. Please check the data and retry the request"
INVALID_KEY = {
    "type": "not_allowed",
    "message": "A valid publishable key is required to proceed with the request",
}


@pytest.fixture(params=["contract", "medusa-1.20"])
def profile(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def store(profile: str, v1_app: Flask, v1_120_app: Flask) -> FlaskClient:
    app = v1_app if profile == "contract" else v1_120_app
    app.extensions["revokit"].reset()
    return app.test_client()


def titles(response: Any) -> set[str]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return {p["title"] for p in response.get_json()["products"]}


def products_in(seed: dict, *channel_refs: str) -> set[str]:
    ids = {c["id"] for c in seed["sales_channels"] if c["ref"] in channel_refs}
    return {p["title"] for p in seed["products"] if ids.intersection(p["sales_channel_ids"])}


ALL = {"Medusa T-Shirt", "Medusa Sweatshirt", "Medusa Sweatpants", "Medusa Hoodie", "Medusa Coffee Mug"}


def test_without_a_key_nothing_is_filtered(store: FlaskClient) -> None:
    response = store.get("/store/products")
    assert titles(response) == ALL
    body = response.get_json()
    assert (body["count"], body["offset"], body["limit"]) == (5, 0, 100)
    assert [p["title"] for p in body["products"]][:2] == [
        "Medusa Coffee Mug",
        "Medusa Hoodie",
    ]  # newest first
    assert titles(store.get("/store/products", headers={HEADER: ""})) == ALL  # empty counts as absent


def test_a_key_scopes_to_its_channels(store: FlaskClient, keys: dict, seed: dict) -> None:
    one = {HEADER: keys["one_channel"]["id"]}
    assert titles(store.get("/store/products", headers=one)) == products_in(seed, "default")
    several = {HEADER: keys["several_channels"]["id"]}
    assert titles(store.get("/store/products", headers=several)) == products_in(seed, "default", "mobile")
    assert titles(store.get("/store/products", headers={HEADER: keys["no_channels"]["id"]})) == ALL


def test_the_product_json(store: FlaskClient, products: dict, channels: dict) -> None:
    pants = products["Medusa Sweatpants"]
    body = store.get(f"/store/products/{pants['id']}").get_json()["product"]
    assert body == {
        "id": pants["id"],
        "title": "Medusa Sweatpants",
        "handle": "medusa-sweatpants",
        "status": "published",
        "description": body["description"],
        "created_at": "2026-01-05T09:25:00.000Z",
        "updated_at": "2026-01-05T09:25:00.000Z",
        "deleted_at": None,
        "sales_channels": [
            {"id": channels["default"]["id"], "name": "Default Sales Channel"},
            {"id": channels["mobile"]["id"], "name": "Mobile App"},
        ],
    }


def test_sales_channel_id_must_stay_inside_the_scope(
    store: FlaskClient, keys: dict, channels: dict, seed: dict, profile: str
) -> None:
    several = {HEADER: keys["several_channels"]["id"]}
    mobile, default = channels["mobile"]["id"], channels["default"]["id"]
    narrowed = store.get(f"/store/products?sales_channel_id[]={mobile}", headers=several)
    assert titles(narrowed) == products_in(seed, "mobile")
    if profile == "medusa-1.20":  # sales_channel_id_must_be_an_array: qs reads one plain value as text
        plain = store.get(f"/store/products?sales_channel_id={mobile}", headers=several)
        assert plain.get_json() == {"type": "invalid_data", "message": "sales_channel_id must be an array"}
        return
    plain = store.get(f"/store/products?sales_channel_id={mobile}", headers=several)
    assert titles(plain) == products_in(seed, "mobile")
    one = {HEADER: keys["one_channel"]["id"]}
    refused = store.get(
        f"/store/products?sales_channel_id[]={default}&sales_channel_id[]={mobile}", headers=one
    )
    assert refused.status_code == 400
    assert refused.get_json() == {
        "errors": [
            f"Provided sales channel id param: {default},{mobile} is not associated with the Publishable API Key "
            "passed in the header of the request."
        ],
        "message": SCOPE_MESSAGE,
    }
    # without a key (or with a channel-less one) the parameter is a plain filter
    assert titles(store.get(f"/store/products?sales_channel_id={mobile}")) == products_in(seed, "mobile")
    unscoped = {HEADER: keys["no_channels"]["id"]}
    assert titles(store.get(f"/store/products?sales_channel_id={mobile}", headers=unscoped)) == products_in(
        seed, "mobile"
    )


def test_search_and_paging(store: FlaskClient) -> None:
    assert titles(store.get("/store/products?q=SWEAT")) == {"Medusa Sweatshirt", "Medusa Sweatpants"}
    page = store.get("/store/products?limit=2&offset=4").get_json()
    assert (len(page["products"]), page["count"], page["limit"], page["offset"]) == (1, 5, 2, 4)


def test_a_product_outside_the_scope(store: FlaskClient, keys: dict, products: dict) -> None:
    hoodie = products["Medusa Hoodie"]["id"]  # mobile only
    one = {HEADER: keys["one_channel"]["id"]}
    refused = store.get(f"/store/products/{hoodie}", headers=one)
    assert refused.status_code == 400
    assert refused.get_json() == {
        "errors": [
            f"Product with id: {hoodie} is not associated with sales channels defined by the Publishable API Key "
            "passed in the header of the request."
        ],
        "message": SCOPE_MESSAGE,
    }
    assert (
        store.get(f"/store/products/{hoodie}", headers={HEADER: keys["several_channels"]["id"]}).status_code
        == 200
    )
    assert store.get(f"/store/products/{hoodie}").status_code == 200
    for headers in ({}, one):
        missing = store.get("/store/products/does-not-exist", headers=headers)
        assert missing.status_code == 404
        assert missing.get_json() == {
            "type": "not_found",
            "message": "Product with id: does-not-exist was not found",
        }


def test_carts_pick_their_channel(store: FlaskClient, keys: dict, channels: dict, seed: dict) -> None:
    default, mobile = channels["default"]["id"], channels["mobile"]["id"]
    cart = store.post("/store/carts").get_json()["cart"]
    assert cart["sales_channel_id"] == default and cart["id"].startswith("cart_") and cart["items"] == []
    with_region = store.post(
        "/store/carts", json={"region_id": "reg_1"}, headers={HEADER: keys["one_channel"]["id"]}
    )
    assert with_region.get_json()["cart"]["sales_channel_id"] == default
    assert with_region.get_json()["cart"]["region_id"] == "reg_1"
    several = {HEADER: keys["several_channels"]["id"]}
    multiple = store.post("/store/carts", json={}, headers=several)
    assert multiple.status_code == 500
    assert multiple.get_json() == {
        "type": "unexpected_state",
        "message": "The PublishableApiKey provided in the request header has multiple associated sales channels.",
    }
    chosen = store.post("/store/carts", json={"sales_channel_id": mobile}, headers=several)
    assert chosen.status_code == 200 and chosen.get_json()["cart"]["sales_channel_id"] == mobile
    outside = store.post(
        "/store/carts", json={"sales_channel_id": mobile}, headers={HEADER: keys["one_channel"]["id"]}
    )
    assert outside.status_code == 400
    assert outside.get_json()["errors"] == [
        f"Provided sales channel id param: {mobile} is not associated with the Publishable API Key passed in the "
        "header of the request."
    ]
    unscoped = store.post(
        "/store/carts", json={"sales_channel_id": None}, headers={HEADER: keys["no_channels"]["id"]}
    )
    assert unscoped.get_json()["cart"]["sales_channel_id"] == default
    missing = store.post("/store/carts", json={"sales_channel_id": "sc_missing"})
    assert missing.status_code == 404
    assert missing.get_json() == {
        "type": "not_found",
        "message": "Sales channel with id: sc_missing was not found",
    }
    bad = store.post("/store/carts", json={"sales_channel_id": 5, "items": []})
    assert bad.status_code == 400
    assert bad.get_json() == {
        "type": "invalid_data",
        "message": "property items should not exist, sales_channel_id must be a string",
    }


def test_a_disabled_channel_takes_no_carts(store: FlaskClient, auth: dict, channels: dict) -> None:
    mobile = channels["mobile"]["id"]
    assert (
        store.post(f"/admin/sales-channels/{mobile}", json={"is_disabled": True}, headers=auth).status_code
        == 200
    )
    refused = store.post("/store/carts", json={"sales_channel_id": mobile})
    assert refused.status_code == 400
    assert refused.get_json() == {
        "type": "not_allowed",
        "message": 'Unable to assign the cart to a disabled Sales Channel "Mobile App"',
    }


def test_revoked_unknown_and_deleted_keys(
    store: FlaskClient, profile: str, auth: dict, keys: dict, seed: dict, products: dict
) -> None:
    one = keys["one_channel"]["id"]
    assert store.delete(f"/admin/publishable-api-keys/{one}", headers=auth).status_code == 200
    hoodie = products["Medusa Hoodie"]["id"]
    cases = {keys["revoked"]["id"]: "mobile", "pk_01G1G5V27GYX4QXNARRQCW1N8T": None, one: "default"}
    for key_id, channel in cases.items():
        headers = {HEADER: key_id}
        listing = store.get("/store/products", headers=headers)
        single = store.get(f"/store/products/{hoodie}", headers=headers)
        cart = store.post("/store/carts", headers=headers)
        if profile == "contract":
            for response in (listing, single, cart):
                assert response.status_code == 400 and response.get_json() == INVALID_KEY
            continue
        # 1.20 never rejects a key: its links (they outlive a deleted key) scope, or nothing does
        assert titles(listing) == (products_in(seed, channel) if channel else ALL)
        assert single.status_code == (400 if channel == "default" else 200)
        assert cart.status_code == 200


def test_revoke_through_the_admin_then_use_the_key(
    store: FlaskClient, profile: str, auth: dict, keys: dict, seed: dict
) -> None:
    key_id = keys["one_channel"]["id"]
    headers = {HEADER: key_id}
    assert titles(store.get("/store/products", headers=headers)) == products_in(seed, "default")
    assert store.post(f"/admin/publishable-api-keys/{key_id}/revoke", headers=auth).status_code == 200
    after = store.get("/store/products", headers=headers)
    if profile == "contract":
        assert after.status_code == 400 and after.get_json() == INVALID_KEY
    else:
        assert titles(after) == products_in(seed, "default")


def test_the_key_is_checked_before_the_query(store: FlaskClient, profile: str) -> None:
    response = store.get("/store/products?limit=abc", headers={HEADER: "pk_unknown"})
    assert response.status_code == 400
    expected = (
        INVALID_KEY
        if profile == "contract"
        else {
            "type": "invalid_data",
            "message": "limit must be a number conforming to the specified constraints",
        }
    )
    assert response.get_json() == expected
