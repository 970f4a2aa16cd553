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


def test_without_a_key_nothing_is_filtered(store: FlaskClient, seed: dict, profile: str) -> None:
    """The contract filters nothing; 1.20.11 keeps to the default channel (its
    withDefaultSalesChannel: store_list_without_key_default_channel)."""
    in_default = products_in(seed, "default") & ALL
    assert in_default != ALL  # the seed has a product outside the default channel, or this proves nothing
    expected = in_default if profile == "medusa-1.20" else ALL
    response = store.get("/store/products")
    assert titles(response) == expected
    body = response.get_json()
    assert (body["count"], body["offset"], body["limit"]) == (len(expected), 0, 100)
    assert titles(store.get("/store/products", headers={HEADER: ""})) == expected  # empty counts as absent
    if profile == "contract":
        assert [p["title"] for p in body["products"]][:2] == [
            "Medusa Coffee Mug",
            "Medusa Hoodie",
        ]  # newest first


def test_a_deleted_product_leaves_the_store(store: FlaskClient, seed: dict, keys: dict) -> None:
    auth = _admin(seed)
    default = {"id": seed["default_sales_channel_id"]}
    body = {"title": "Doomed mug", "status": "published", "sales_channels": [default]}
    product = store.post("/admin/products", json=body, headers=auth).get_json()["product"]
    scoped = {HEADER: keys["one_channel"]["id"]}
    assert "Doomed mug" in titles(store.get("/store/products", headers=scoped))
    for _ in range(2):  # a second delete, and one of an id never seen, answer the same
        answer = store.delete(f"/admin/products/{product['id']}", headers=auth)
        assert (answer.status_code, answer.get_json()) == (
            200,
            {"id": product["id"], "object": "product", "deleted": True},
        )
    unknown = store.delete("/admin/products/prod_nope", headers=auth)
    assert unknown.get_json() == {"id": "prod_nope", "object": "product", "deleted": True}
    assert store.delete("/admin/products/prod_nope").status_code == 401
    assert "Doomed mug" not in titles(store.get("/store/products", headers=scoped))
    gone = store.get(f"/store/products/{product['id']}", headers=scoped)
    assert gone.status_code == 404
    assert gone.get_json()["message"] == f"Product with id: {product['id']} was not found"
    again = store.post("/admin/products", json=body, headers=auth)  # the handle is free again
    assert again.status_code == 200 and again.get_json()["product"]["handle"] == "doomed-mug"


def test_a_key_scopes_to_its_channels(store: FlaskClient, keys: dict, seed: dict) -> None:
    one = {HEADER: keys["one_channel"]["id"]}
    assert titles(store.get("/store/products", headers=one)) == products_in(seed, "default")
    several = {HEADER: keys["several_channels"]["id"]}
    assert titles(store.get("/store/products", headers=several)) == products_in(seed, "default", "mobile")
    assert titles(store.get("/store/products", headers={HEADER: keys["no_channels"]["id"]})) == ALL


DEFAULT_PROFILE = {
    "id": "sp_01KE6P4YM0R8T1V3X5Z7B9D2F4",
    "created_at": "2026-01-05T09:00:00.000Z",
    "updated_at": "2026-01-05T09:00:00.000Z",
    "deleted_at": None,
    "name": "Default Shipping Profile",
    "type": "default",
    "metadata": None,
}
# 1.20.11's key order: the store's retrieve has no sales_channels, its list has them after profile_id.
PRODUCT_KEYS = [
    "id", "created_at", "updated_at", "deleted_at", "title", "subtitle", "description", "handle",
    "is_giftcard", "status", "thumbnail", "weight", "length", "height", "width", "hs_code",
    "origin_country", "mid_code", "material", "type_id", "discountable", "external_id", "metadata",
    "collection", "collection_id", "images", "options", "profiles", "profile_id", "tags", "type", "variants",
]  # fmt: skip


def test_the_product_json(store: FlaskClient, products: dict, channels: dict, keys: dict) -> None:
    pants = products["Medusa Sweatpants"]
    body = store.get(f"/store/products/{pants['id']}").get_json()["product"]
    assert list(body) == PRODUCT_KEYS
    assert body == {
        **dict.fromkeys(PRODUCT_KEYS),
        "id": pants["id"],
        "created_at": "2026-01-05T09:25:00.000Z",
        "updated_at": "2026-01-05T09:25:00.000Z",
        "title": "Medusa Sweatpants",
        "description": body["description"],
        "handle": "medusa-sweatpants",
        "is_giftcard": False,
        "status": "published",
        "discountable": True,
        "images": [],
        "options": [],
        "profiles": [DEFAULT_PROFILE],
        "profile_id": DEFAULT_PROFILE["id"],
        "tags": [],
        "variants": [],
    }
    unscoped = store.get("/store/products").get_json()["products"]
    assert all(list(p) == PRODUCT_KEYS for p in unscoped)  # no key: no channels joined
    scoped = store.get("/store/products", headers={HEADER: keys["several_channels"]["id"]}).get_json()
    listed = next(p for p in scoped["products"] if p["id"] == pants["id"])
    assert list(listed) == [*PRODUCT_KEYS[:29], "sales_channels", *PRODUCT_KEYS[29:]]
    assert [(c["id"], c["name"], c["is_disabled"]) for c in listed["sales_channels"]] == [
        (channels["default"]["id"], "Default Sales Channel", False),
        (channels["mobile"]["id"], "Mobile App", False),
    ]


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
    total = store.get("/store/products").get_json()["count"]
    page = store.get(f"/store/products?limit=2&offset={total - 1}").get_json()
    assert (len(page["products"]), page["count"], page["limit"], page["offset"]) == (1, total, 2, total - 1)


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


# -- POST /admin/products: what a frontend does to put something on the store (1.20.11's answers) --


def _admin(seed: dict) -> dict[str, str]:
    return {"x-medusa-access-token": seed["admin"]["api_token"]}


def test_a_product_created_in_a_channel_shows_through_its_key(store: FlaskClient, seed: dict) -> None:
    auth = _admin(seed)
    channel = store.post("/admin/sales-channels", json={"name": "Pop-up shop"}, headers=auth).get_json()
    channel_id = channel["sales_channel"]["id"]
    created = store.post(
        "/admin/products",
        json={"title": "3D-Printed Mug", "status": "published", "sales_channels": [{"id": channel_id}]},
        headers=auth,
    )
    assert created.status_code == 200
    product = created.get_json()["product"]
    assert product["handle"] == "3-d-printed-mug" and product["status"] == "published"
    assert product["thumbnail"] is None and product["images"] == []
    assert list(product)[27:31] == ["profiles", "profile", "profile_id", "sales_channels"]
    assert product["profile"] == DEFAULT_PROFILE and [c["id"] for c in product["sales_channels"]] == [
        channel_id
    ]
    key = store.post("/admin/publishable-api-keys", json={"title": "Pop-up"}, headers=auth).get_json()
    key_id = key["publishable_api_key"]["id"]
    batch = {"sales_channel_ids": [{"id": channel_id}]}
    store.post(f"/admin/publishable-api-keys/{key_id}/sales-channels/batch", json=batch, headers=auth)
    listed = store.get("/store/products", headers={HEADER: key_id}).get_json()
    assert [p["title"] for p in listed["products"]] == ["3D-Printed Mug"]
    one = store.get(f"/store/products/{product['id']}", headers={HEADER: key_id})
    assert one.status_code == 200 and "sales_channels" not in one.get_json()["product"]


def test_a_new_product_is_a_draft_in_the_default_channel(store: FlaskClient, seed: dict) -> None:
    auth = _admin(seed)
    for n, channels in enumerate(({}, {"sales_channels": []}, {"sales_channels": None})):
        body = {
            "title": f"Gift card {n}",
            "is_giftcard": True,
            "images": ["https://x.test/a.png"],
            **channels,
        }
        product = store.post("/admin/products", json=body, headers=auth).get_json()["product"]
        assert product["thumbnail"] == "https://x.test/a.png"  # the first image, when none is given
        assert product["status"] == "draft" and product["discountable"] is False
        assert product["profile"]["type"] == "gift_card" and product["profile_id"] == product["profile"]["id"]
        assert [c["id"] for c in product["sales_channels"]] == [seed["default_sales_channel_id"]]
    drafts = store.get("/store/products?q=Gift").get_json()
    assert drafts["count"] == 0  # drafts never reach the store's list


def test_a_draft_read_by_id(store: FlaskClient, seed: dict, profile: str) -> None:
    """The contract hides it; 1.20.11's retrieve never looks at the status (store_product_any_status)."""
    draft = store.post("/admin/products", json={"title": "Draft"}, headers=_admin(seed)).get_json()["product"]
    response = store.get(f"/store/products/{draft['id']}")
    if profile == "medusa-1.20":
        assert response.status_code == 200 and response.get_json()["product"]["status"] == "draft"
    else:
        assert response.status_code == 404


@pytest.mark.parametrize(
    ("body", "status", "answer"),
    [
        ({}, 400, {"type": "invalid_data", "message": "title must be a string"}),
        (
            {"title": "x", "foo": 1, "status": "gone"},
            400,
            {
                "type": "invalid_data",
                "message": "property foo should not exist, status must be one of the following values: "
                "draft, proposed, published, rejected",
            },
        ),
        (
            {"title": "x", "status": None},
            400,
            {
                "type": "invalid_data",
                "message": "Can't insert null value in field status on insert in table product",
            },
        ),
        (
            {"title": "x", "sales_channels": [{"id": "sc_a"}, {}, {"id": "sc_b"}]},
            400,
            {"errors": ["Sales Channels sc_a, , sc_b do not exist"], "message": SCOPE_MESSAGE},
        ),
        (
            {"title": "Medusa T-Shirt"},
            422,
            {
                "code": "invalid_request_error",
                "type": "duplicate_error",
                "message": "Product with handle medusa-t-shirt already exists.",
            },
        ),
        (
            {"title": "x", "type_id": None},
            400,
            {"type": "invalid_data", "message": "property type_id should not exist"},
        ),
    ],
)
def test_create_product_refusals(
    store: FlaskClient, seed: dict, body: dict, status: int, answer: dict
) -> None:
    response = store.post("/admin/products", json=body, headers=_admin(seed))
    assert response.status_code == status and response.get_json() == answer


def test_a_channel_listed_twice_breaks_the_link_table(store: FlaskClient, seed: dict) -> None:
    channel = seed["default_sales_channel_id"]
    body = {"title": "Twice", "sales_channels": [{"id": channel}, {"id": channel}]}
    response = store.post("/admin/products", json=body, headers=_admin(seed))
    assert response.status_code == 422
    message = response.get_json()["message"]
    assert message.startswith("Product_sales_channel with product_id, sales_channel_id prod_")
    assert message.endswith(f", {channel} already exists.")
    assert store.get("/store/products?q=Twice").get_json()["count"] == 0


def test_shipping_profiles(store: FlaskClient, seed: dict) -> None:
    body = store.get("/admin/shipping-profiles?anything=1", headers=_admin(seed)).get_json()
    assert [(p["name"], p["type"]) for p in body["shipping_profiles"]] == [
        ("Default Shipping Profile", "default"),
        ("Gift Card Profile", "gift_card"),
    ]
    assert store.get("/admin/shipping-profiles").status_code == 401


def test_a_store_list_shows_each_change_to_a_product_or_its_channel_at_once(
    store: FlaskClient, seed: dict
) -> None:
    """The store list joins each product's remembered JSON text (engine.JsonTexts) while the
    product and the channels it shows are the same records: a renamed channel and a changed
    product are in the very next answer, and every answer is the text encoding the whole list
    would give."""
    import dataclasses
    import json

    from revokit.mockserver.families.medusa_v1.models import PRODUCTS

    auth = _admin(seed)
    channel_id = store.post("/admin/sales-channels", json={"name": "Kiosk"}, headers=auth).get_json()[
        "sales_channel"
    ]["id"]
    for title in ("Kiosk Mug", "Kiosk Cap"):
        created = store.post(
            "/admin/products",
            json={"title": title, "status": "published", "sales_channels": [{"id": channel_id}]},
            headers=auth,
        )
        assert created.status_code == 200, created.get_data(as_text=True)
    key_id = store.post("/admin/publishable-api-keys", json={"title": "Kiosk"}, headers=auth).get_json()[
        "publishable_api_key"
    ]["id"]
    batch = {"sales_channel_ids": [{"id": channel_id}]}
    store.post(f"/admin/publishable-api-keys/{key_id}/sales-channels/batch", json=batch, headers=auth)

    def listed() -> dict[str, Any]:
        response = store.get("/store/products", headers={HEADER: key_id})
        assert response.status_code == 200, response.get_data(as_text=True)
        text = response.get_data(as_text=True)
        body = json.loads(text)
        assert text == json.dumps(body, separators=(",", ":"), ensure_ascii=False)
        return body

    first = listed()
    assert listed() == first  # answered again from the remembered texts
    assert {c["name"] for p in first["products"] for c in p["sales_channels"]} == {"Kiosk"}

    renamed = store.post(f"/admin/sales-channels/{channel_id}", json={"name": "Booth"}, headers=auth)
    assert renamed.status_code == 200
    assert {c["name"] for p in listed()["products"] for c in p["sales_channels"]} == {"Booth"}

    store_ = store.application.extensions["revokit"].store
    mug = next(p for p in store_.all(PRODUCTS) if p.title == "Kiosk Mug")
    store_.put(PRODUCTS, dataclasses.replace(mug, title="Kiosk Jug"))
    assert sorted(p["title"] for p in listed()["products"]) == ["Kiosk Cap", "Kiosk Jug"]
