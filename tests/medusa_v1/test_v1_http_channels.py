"""Sales channels and their products through the contract mock."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

BASE = "/admin/sales-channels"


def channel_not_found(channel_id: str) -> dict[str, str]:
    return {"type": "not_found", "message": f"Sales channel with id: {channel_id} was not found"}


def test_list(client: FlaskClient, auth: dict, channels: dict) -> None:
    body = client.get(BASE, headers=auth).get_json()
    assert [c["id"] for c in body["sales_channels"]] == [channels["mobile"]["id"], channels["default"]["id"]]
    assert (body["count"], body["offset"], body["limit"]) == (2, 0, 20)
    found = client.get(f"{BASE}?q=DEFAULT&limit=1", headers=auth).get_json()
    assert [c["name"] for c in found["sales_channels"]] == ["Default Sales Channel"] and found["limit"] == 1
    refused = client.get(f"{BASE}?limit=-1&order=name", headers=auth)
    assert refused.status_code == 400
    assert refused.get_json() == {
        "type": "invalid_data",
        "message": "property order should not exist, limit must not be less than 0",
    }


def test_create_read_update_delete(client: FlaskClient, auth: dict, frozen: str) -> None:
    created = client.post(BASE, json={"name": "Wholesale"}, headers=auth)
    assert created.status_code == 200
    channel = created.get_json()["sales_channel"]
    assert re.fullmatch("sc_[0-9A-HJKMNP-TV-Z]{26}", channel["id"])
    assert channel == {
        "id": channel["id"],
        "created_at": frozen,
        "updated_at": frozen,
        "deleted_at": None,
        "name": "Wholesale",
        "description": None,
        "is_disabled": False,
        "metadata": None,
    }
    path = f"{BASE}/{channel['id']}"
    assert client.get(path, headers=auth).get_json() == {"sales_channel": channel}
    updated = client.post(path, json={"is_disabled": True, "description": "B2B"}, headers=auth).get_json()
    assert updated["sales_channel"] == {**channel, "is_disabled": True, "description": "B2B"}
    assert client.get(BASE, headers=auth).get_json()["count"] == 3
    deleted = client.delete(path, headers=auth)
    assert deleted.status_code == 200
    assert deleted.get_json() == {"id": channel["id"], "object": "sales-channel", "deleted": True}
    for method in ("get", "delete"):
        gone = getattr(client, method)(path, headers=auth)
        assert gone.status_code == 404 and gone.get_json() == channel_not_found(channel["id"])
    assert client.get(BASE, headers=auth).get_json()["count"] == 2


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("", {}, "name must be a string"),
        ("", {"name": "x", "is_disabled": "yes"}, "is_disabled must be a boolean value"),
        ("", {"name": "x", "foo": 1}, "property foo should not exist"),
        (
            "",
            {"name": "x", "is_disabled": None},
            "Can't insert null value in field is_disabled on insert in table sales_channel",
        ),
        (
            "/default",
            {"name": None},
            "Can't insert null value in field name on insert in table sales_channel",
        ),
        ("/default", {"description": 5}, "description must be a string"),
    ],
)
def test_channel_validation(
    client: FlaskClient, auth: dict, channels: dict, path: str, body: dict, message: str
) -> None:
    url = BASE + path.replace("/default", f"/{channels['default']['id']}")
    response = client.post(url, json=body, headers=auth)
    assert response.status_code == 400
    assert response.get_json() == {"type": "invalid_data", "message": message}


def test_the_default_channel_cannot_be_deleted(client: FlaskClient, auth: dict, channels: dict) -> None:
    response = client.delete(f"{BASE}/{channels['default']['id']}", headers=auth)
    assert response.status_code == 400
    assert response.get_json() == {
        "type": "not_allowed",
        "message": "You cannot delete the default sales channel",
    }


def test_unknown_channels(client: FlaskClient, auth: dict) -> None:
    for method, suffix, body in (
        ("get", "", None),
        ("post", "", {"name": "x"}),
        ("post", "/products/batch", {"product_ids": []}),
        ("delete", "/products/batch", {"product_ids": []}),
    ):
        response = getattr(client, method)(f"{BASE}/sc_missing{suffix}", json=body, headers=auth)
        assert response.status_code == 404 and response.get_json() == channel_not_found("sc_missing")


def listed_channels(client: FlaskClient, product_id: str, headers: dict) -> list[str]:
    """The channel ids of a product as a key-scoped store list shows them (1.20.11 shows them
    nowhere else on the store); [] when the key does not see the product."""
    page = client.get("/store/products?limit=100", headers=headers).get_json()["products"]
    return [c["id"] for p in page if p["id"] == product_id for c in p["sales_channels"]]


def test_product_batches_move_products_in_and_out_of_the_store_scope(
    client: FlaskClient, auth: dict, channels: dict, keys: dict, products: dict
) -> None:
    mug = products["Medusa Coffee Mug"]["id"]
    mobile = channels["mobile"]["id"]
    store = {"x-publishable-api-key": keys["several_channels"]["id"]}
    assert client.get(f"/store/products/{mug}", headers=store).status_code == 400
    added = client.post(
        f"{BASE}/{mobile}/products/batch", json={"product_ids": [{"id": mug}, {"id": mug}]}, headers=auth
    )
    assert added.status_code == 200 and added.get_json()["sales_channel"]["id"] == mobile
    assert client.get(f"/store/products/{mug}", headers=store).status_code == 200
    assert listed_channels(client, mug, store) == [mobile]
    removed = client.delete(
        f"{BASE}/{mobile}/products/batch", json={"product_ids": [{"id": mug}, {"id": "prod_x"}]}, headers=auth
    )
    assert removed.status_code == 200
    assert client.get(f"/store/products/{mug}", headers=store).status_code == 400


def test_adding_unknown_products_is_refused_before_anything_else(
    client: FlaskClient, auth: dict, channels: dict, products: dict, keys: dict
) -> None:
    mug = products["Medusa Coffee Mug"]["id"]
    body = {"product_ids": [{"id": mug}, {"id": "prod_missing"}, {"id": "prod_gone"}]}
    response = client.post(f"{BASE}/{channels['mobile']['id']}/products/batch", json=body, headers=auth)
    assert response.status_code == 400
    assert response.get_json() == {
        "errors": ["Products prod_missing, prod_gone do not exist"],
        "message": "Provided request body contains errors. Please check the data and retry the request",
    }
    unknown_channel = client.post(f"{BASE}/sc_missing/products/batch", json=body, headers=auth)
    assert unknown_channel.status_code == 400  # the products are checked first
    links_first = client.post(
        f"{BASE}/sc_missing/products/batch", json={"product_ids": [{"id": mug}]}, headers=auth
    )
    assert links_first.status_code == 404
    assert (
        links_first.get_json()["message"] == "Sales_channel with sales_channel_id sc_missing does not exist."
    )
    nothing_to_link = client.post(f"{BASE}/sc_missing/products/batch", json={"product_ids": []}, headers=auth)
    assert nothing_to_link.get_json()["message"] == "Sales channel with id: sc_missing was not found"
    several = {"x-publishable-api-key": keys["several_channels"]["id"]}
    assert listed_channels(client, mug, several) == []  # nothing was added


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "product_ids must be an array"),
        (
            {"product_ids": ["prod_1"]},
            "each value in nested property product_ids must be either object or array",
        ),
        ({"product_ids": [{"id": 1}]}, "id must be a string"),
    ],
)
def test_product_batch_validation(
    client: FlaskClient, auth: dict, channels: dict, body: dict, message: str
) -> None:
    response = client.post(f"{BASE}/{channels['mobile']['id']}/products/batch", json=body, headers=auth)
    assert response.status_code == 400 and response.get_json() == {"type": "invalid_data", "message": message}


def test_a_soft_deleted_channel_still_lists_under_its_keys(
    client: FlaskClient, auth: dict, keys: dict, channels: dict
) -> None:
    client.put("/__revokit/clock", json={"now": "2026-03-03T00:00:00Z", "frozen": True})
    assert client.delete(f"{BASE}/{channels['mobile']['id']}", headers=auth).status_code == 200
    listed = client.get(
        f"/admin/publishable-api-keys/{keys['several_channels']['id']}/sales-channels", headers=auth
    )
    mobile = listed.get_json()["sales_channels"][1]
    assert mobile["id"] == channels["mobile"]["id"] and mobile["deleted_at"] == "2026-03-03T00:00:00.000Z"
