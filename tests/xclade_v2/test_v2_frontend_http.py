"""The routes Medusa's admin dashboard calls around the keys, with 2.21.2's answers.

Recorded from a real 2.21.2 (shapes, defaults, filters, errors); the seed answers come from
fixtures/xclade-v2-answers.yaml through the generic mechanism, users and channels from the state.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

EXPRESS_404 = (
    '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n'
    "</head>\n<body>\n<pre>Cannot {}</pre>\n</body>\n</html>\n"
)


@pytest.mark.parametrize("path", ["/auth/user/providers", "/cloud/auth", "/admin/feature-flags", "/health"])
def test_public_routes_need_no_credentials(client: FlaskClient, path: str):
    response = client.get(path)
    assert response.status_code == 200


def test_login_page_routes(client: FlaskClient):
    providers = client.get("/auth/user/providers").get_json()
    assert providers == {
        "providers": [
            {
                "id": "emailpass",
                "identifier": "emailpass",
                "display_name": "Email/Password Authentication",
                "flow": "credentials",
            }
        ]
    }
    assert client.get("/cloud/auth").get_json() == {"enabled": False}
    flags = client.get("/admin/feature-flags?anything=1").get_json()["feature_flags"]
    assert flags["view_configurations"] is False and all(v is False for v in flags.values())


def test_health_is_express_text(client: FlaskClient):
    response = client.get("/health?x=1")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "OK")
    assert response.mimetype == "text/html"


def test_signed_in_user(client: FlaskClient, admin: dict[str, str], seed: dict[str, Any]):
    me = client.get("/admin/users/me", headers=admin).get_json()["user"]
    assert me["id"] == seed["admin"]["user_id"] and me["email"] == "admin@medusa-test.com"
    assert list(me) == [
        "id", "first_name", "last_name", "email", "avatar_url", "metadata",
        "created_at", "updated_at", "deleted_at",
    ]  # fmt: skip
    assert client.get(f"/admin/users/{me['id']}", headers=admin).get_json() == {"user": me}
    missing = client.get("/admin/users/user_nope", headers=admin)
    assert missing.status_code == 404
    assert missing.get_json() == {"type": "not_found", "message": "User with id: user_nope was not found"}
    assert client.get("/admin/users/me").status_code == 401
    unknown = client.get("/admin/users/me?x=1", headers=admin)
    assert unknown.status_code == 400
    assert unknown.get_json() == {
        "type": "invalid_data",
        "message": "Invalid request: Unrecognized fields: 'x'",
    }


def test_store_points_at_the_default_sales_channel(client: FlaskClient, admin, seed):
    body = client.get("/admin/stores", headers=admin).get_json()
    assert (body["count"], body["offset"], body["limit"]) == (1, 0, 50)
    store = body["stores"][0]
    default = next(c for c in seed["sales_channels"] if c["name"] == "Default Sales Channel")
    assert store["default_sales_channel_id"] == default["id"]
    assert (
        client.get(f"/admin/sales-channels/{store['default_sales_channel_id']}", headers=admin).status_code
        == 200
    )
    assert store["supported_currencies"][0]["currency_code"] == "eur"
    only = client.get("/admin/stores?fields=id,name", headers=admin).get_json()["stores"]
    assert only == [{"id": store["id"], "name": "Medusa Store"}]
    assert client.get("/admin/stores?q=x", headers=admin).get_json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "codes", "limit"),
    [
        ("code%5B0%5D=eur&limit=10&offset=0", ["eur"], 10),  # the dashboard's call
        ("code=eur&code=usd", ["eur", "usd"], 200),
        ("q=euro", ["eur"], 200),
    ],
)
def test_currencies_filter(client: FlaskClient, admin, query: str, codes: list[str], limit: int):
    body = client.get(f"/admin/currencies?{query}", headers=admin).get_json()
    assert sorted(c["code"] for c in body["currencies"]) == codes
    assert (body["count"], body["limit"]) == (len(codes), limit)


def test_currencies_page(client: FlaskClient, admin):
    body = client.get("/admin/currencies", headers=admin).get_json()
    assert (body["count"], body["limit"], len(body["currencies"])) == (126, 200, 126)
    page = client.get("/admin/currencies?limit=2&offset=1&fields=code,name", headers=admin).get_json()
    assert page["currencies"] == [
        {"code": "afn", "name": "Afghan Afghani"},
        {"code": "all", "name": "Albanian Lek"},
    ]
    assert (page["count"], page["offset"], page["limit"]) == (126, 1, 2)


def test_price_preferences_filter(client: FlaskClient, admin):
    query = "attribute=currency_code&value%5B0%5D=eur"
    body = client.get(f"/admin/price-preferences?{query}", headers=admin).get_json()
    assert [(p["attribute"], p["value"], p["is_tax_inclusive"]) for p in body["price_preferences"]] == [
        ("currency_code", "eur", False)
    ]
    assert body["limit"] == 300
    assert client.get("/admin/price-preferences?attribute=region_id", headers=admin).get_json()["count"] == 0


@pytest.mark.parametrize(
    ("path", "key", "limit"),
    [
        ("/admin/notifications?limit=1&offset=0&fields=created_at", "notifications", 1),
        ("/admin/orders?fields=id%2C%2Acustomer&limit=20&offset=0&order=-created_at", "orders", 20),
        ("/admin/orders", "orders", 15),
        ("/admin/regions?limit=1000&fields=id%2Cname", "regions", 1000),
        ("/admin/regions", "regions", 50),
        ("/admin/layouts/configurations?limit=1&fields=id", "layout_configurations", 1),
        ("/admin/layouts/configurations", "layout_configurations", 20),
    ],
)
def test_empty_lists(client: FlaskClient, admin, path: str, key: str, limit: int):
    assert client.get(path, headers=admin).get_json() == {key: [], "count": 0, "offset": 0, "limit": limit}


def test_fixed_answers(client: FlaskClient, admin):
    assert client.get("/admin/search-indexes", headers=admin).get_json() == {
        "search_indexes": [],
        "enabled": True,
    }
    layout = client.get("/admin/layouts/api_key.list/configuration?x=1", headers=admin).get_json()
    assert layout == {
        "personal_configuration": None,
        "default_configuration": None,
        "active_scope": "default",
    }


@pytest.mark.parametrize(
    "path",
    [
        "/admin/regions",
        "/admin/notifications",
        "/admin/stores",
        "/admin/currencies",
        "/admin/layouts/configurations",
    ],
)
def test_unknown_query_parameters_are_refused(client: FlaskClient, admin, path: str):
    response = client.get(f"{path}?foo=1", headers=admin)
    assert response.status_code == 400
    assert response.get_json() == {
        "type": "invalid_data",
        "message": "Invalid request: Unrecognized fields: 'foo'",
    }
    assert client.get(path).status_code == 401  # authentication first


def test_orders_take_any_query_parameter(client: FlaskClient, admin):
    assert client.get("/admin/orders?foo=1", headers=admin).status_code == 200


def test_sales_channels_of_a_publishable_key(client: FlaskClient, admin, keys):
    def names(query: str) -> list[str]:
        body = client.get(f"/admin/sales-channels?{query}", headers=admin).get_json()
        assert body["count"] == len(body["sales_channels"])
        return sorted(c["name"] for c in body["sales_channels"])

    expiring = keys["Expiring storefront"]["id"]
    assert names(f"limit=10&offset=0&publishable_key_id={expiring}") == ["Default Sales Channel", "Wholesale"]
    assert names(f"publishable_key_id={keys['Wholesale storefront']['id']}") == ["Wholesale"]
    assert names(f"publishable_key_id={keys['Unlinked storefront']['id']}") == []
    assert names("publishable_key_id=apk_unknown") == []
    both = f"publishable_key_id={keys['Wholesale storefront']['id']}&publishable_key_id={keys['Retired storefront']['id']}"
    assert names(both) == ["Default Sales Channel", "Wholesale"]

    # Linking a channel shows at once.
    unlinked = keys["Unlinked storefront"]["id"]
    channel = client.get("/admin/sales-channels?name=Wholesale", headers=admin).get_json()["sales_channels"][
        0
    ]
    client.post(f"/admin/api-keys/{unlinked}/sales-channels", headers=admin, json={"add": [channel["id"]]})
    assert names(f"publishable_key_id={unlinked}") == ["Wholesale"]


# -- requests no route takes -------------------------------------------------------------------------


def test_unrouted_requests_in_the_contract(client: FlaskClient, admin):
    response = client.put("/admin/api-keys", headers=admin)
    assert response.status_code == 405 and "GET" in response.headers["Allow"]
    assert client.get("/nowhere").get_json() == {"type": "not_found", "message": "Cannot GET /nowhere"}


@pytest.mark.parametrize(
    ("method", "path", "credentials", "status"),
    [
        ("GET", "/nowhere", None, 404),
        ("POST", "/health", None, 404),
        ("GET", "/admin/nowhere", None, 401),
        ("GET", "/admin/nowhere", "admin", 404),
        ("PUT", "/admin/api-keys", None, 401),
        ("PUT", "/admin/api-keys", "admin", 404),
        ("GET", "/store/nowhere", None, 400),
        ("GET", "/store/nowhere", "key", 404),
    ],
)
def test_unrouted_requests_in_medusa_221(medusa_client: FlaskClient, method, path, credentials, status):
    seed = medusa_client.get("/__revokit/seed").get_json()
    headers = {
        None: {},
        "admin": {"Authorization": f"Bearer {seed['admin']['token']}"},
        "key": {"x-publishable-api-key": seed["api_keys"][0]["token"]},
    }[credentials]
    response = medusa_client.open(path, method=method, headers=headers)
    assert response.status_code == status
    if status == 404:  # Express's own page, byte for byte
        assert response.get_data(as_text=True) == EXPRESS_404.format(f"{method} {path}")
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert response.headers["Content-Security-Policy"] == "default-src 'none'"
        assert "Allow" not in response.headers
    elif status == 401:
        assert response.get_json() == {"message": "Unauthorized"}
    else:
        assert response.get_json()["type"] == "not_allowed"


@pytest.mark.parametrize(
    ("fields", "keys"),
    [
        ("id,email", ["id", "email"]),
        ("email", ["email", "id"]),  # id comes back last when not asked for
        ("first_name,last_name", ["first_name", "last_name", "id"]),
        ("foo", ["id"]),
        ("", ["id"]),
        (
            "-email",
            [
                "id",
                "first_name",
                "last_name",
                "avatar_url",
                "metadata",
                "created_at",
                "updated_at",
                "deleted_at",
            ],
        ),
        (
            "%2Bmetadata",
            [
                "id",
                "first_name",
                "last_name",
                "email",
                "avatar_url",
                "metadata",
                "created_at",
                "updated_at",
                "deleted_at",
            ],
        ),
    ],
)
def test_users_answer_what_fields_selects(client: FlaskClient, admin: dict, fields: str, keys: list[str]):
    """2.21.2 narrows /admin/users/me and /admin/users/{id} like every admin read."""
    me = client.get(f"/admin/users/me?fields={fields}", headers=admin).get_json()["user"]
    assert list(me) == keys
    by_id = client.get(f"/admin/users/{me['id']}?fields={fields}", headers=admin).get_json()["user"]
    assert by_id == me


def test_orders_negative_paging(client: FlaskClient, medusa_client: FlaskClient):
    """The contract refuses it; 2.21.2 hands it to Postgres (500 unknown_error)."""
    for each, status in ((client, 400), (medusa_client, 500)):
        token = each.get("/__revokit/seed").get_json()["admin"]["token"]
        for query in ("offset=-1", "limit=-1"):
            response = each.get(f"/admin/orders?{query}", headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == status
