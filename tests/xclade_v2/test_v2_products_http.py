"""POST /admin/products and DELETE /admin/products/{id}, and what the store shows of them.

The answers are the ones Medusa 2.21.2 gave when asked (2026-12-07; tests/real compares them too).
"""

from __future__ import annotations

import pytest
from v2_helpers import store

OPTION = [{"title": "Size", "values": ["One size"]}]


def create(client, admin, **body):
    return client.post("/admin/products", json={"options": OPTION, **body}, headers=admin)


def test_a_product_in_a_channel_shows_on_the_store_once_published(client, admin, keys, channels):
    channel = channels["Default Sales Channel"]
    draft = create(client, admin, title="Linen Shirt", sales_channels=[{"id": channel}])
    assert draft.status_code == 200
    product = draft.get_json()["product"]
    assert (product["status"], product["handle"], product["description"]) == ("draft", "linen-shirt", None)
    assert [c["id"] for c in product["sales_channels"]] == [channel]
    headers = store(keys["Default Publishable API Key"]["token"])
    assert client.get(f"/store/products/{product['id']}", headers=headers).status_code == 404
    published = create(
        client,
        admin,
        title="3D Mug",
        status="published",
        description="Stoneware",
        sales_channels=[{"id": channel}],
    ).get_json()["product"]
    assert published["handle"] == "3d-mug"
    read = client.get(f"/store/products/{published['id']}", headers=headers).get_json()["product"]
    assert read["id"] == published["id"] and "status" not in read  # the store answers no status
    listed = client.get("/store/products?q=stoneware", headers=headers).get_json()["products"]
    assert [p["id"] for p in listed] == [published["id"]]  # q reads the description
    assert (
        client.get("/store/products?q=3d-mug", headers=headers).get_json()["products"] == []
    )  # not the handle


def test_an_unknown_channel_is_linked_without_a_look_up(client, admin):
    product = create(client, admin, title="Nowhere", sales_channels=[{"id": "sc_nope"}]).get_json()["product"]
    assert product["sales_channels"] == [None]
    assert create(client, admin, title="No channel").get_json()["product"]["sales_channels"] == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"title": "Bare"}, "Product options are not provided for: [Bare]."),
        ({"title": "Bare", "options": []}, "Product options are not provided for: [Bare]."),
        ({}, "Invalid request: Field 'title' is required"),
        ({"title": 1}, "Invalid request: Expected type: 'string' for field 'title', got: '1'"),
        (
            {"title": "x", "status": "gone", "options": OPTION},
            "Invalid request: Expected: 'draft, proposed, published, rejected' for field 'status', but got: 'gone'",
        ),
        ({"title": "x", "foo": 1, "options": OPTION}, "Invalid request: Unrecognized fields: 'foo'"),
        (
            {"title": "x", "options": [{"title": "a"}]},
            "Invalid request: Field 'options, 0, values' is required",
        ),
        (
            {"title": "x", "options": OPTION, "sales_channels": ["sc_x"]},
            "Invalid request: Field 'sales_channels, 0' is required",
        ),
    ],
)
def test_refusals_in_medusas_words(client, admin, body, message):
    response = client.post("/admin/products", json=body, headers=admin)
    assert (response.status_code, response.get_json()) == (400, {"type": "invalid_data", "message": message})


def test_a_handle_belongs_to_one_product_until_it_is_deleted(client, admin):
    first = create(client, admin, title="Cap").get_json()["product"]
    taken = create(client, admin, title="Another", handle="cap", status=None)
    assert taken.get_json() == {
        "type": "invalid_data",
        "message": "Product with handle: cap, already exists.",
    }
    for product_id in (first["id"], first["id"], "prod_nope"):  # again, and an id never seen: the same
        answer = client.delete(f"/admin/products/{product_id}", headers=admin)
        assert (answer.status_code, answer.get_json()) == (
            200,
            {"id": product_id, "object": "product", "deleted": True},
        )
    assert create(client, admin, title="Cap").status_code == 200


def test_a_deleted_product_leaves_the_store(client, admin, keys, channels):
    headers = store(keys["Default Publishable API Key"]["token"])
    body = {
        "title": "Doomed",
        "status": "published",
        "sales_channels": [{"id": channels["Default Sales Channel"]}],
    }
    product = create(client, admin, **body).get_json()["product"]
    assert product["id"] in [
        p["id"] for p in client.get("/store/products?q=doomed", headers=headers).get_json()["products"]
    ]
    client.delete(f"/admin/products/{product['id']}", headers=admin)
    assert client.get("/store/products?q=doomed", headers=headers).get_json()["count"] == 0
    gone = client.get(f"/store/products/{product['id']}", headers=headers)
    assert (
        gone.status_code == 404
        and gone.get_json()["message"] == f"Product with id: {product['id']} was not found"
    )


def test_products_need_admin_credentials(client):
    assert client.post("/admin/products", json={"title": "x", "options": OPTION}).status_code == 401
    assert client.delete("/admin/products/prod_nope").status_code == 401
