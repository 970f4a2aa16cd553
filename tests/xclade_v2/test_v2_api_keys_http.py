"""/admin/api-keys over HTTP (contract profile): every operation, every documented status, exact bodies."""

from __future__ import annotations

import re

import pytest
from v2_helpers import advance, basic, freeze, store

from revokit_testing import build_app

NOW = "2026-11-23T08:27:27.715Z"
MISSING_ID = "apk_01M83RZZZZZZZZZZZZZZZZZZZZ"
KEY_ORDER = [
    "id", "title", "token", "redacted", "type", "last_used_at", "updated_at", "created_at",
    "created_by", "revoked_at", "revoked_by", "sales_channels",
]  # fmt: skip
CREATE_ORDER = [
    "id", "token", "redacted", "title", "type", "last_used_at", "created_by", "revoked_by",
    "revoked_at", "created_at", "updated_at", "deleted_at",
]  # fmt: skip


def not_found(key_id: str) -> dict[str, str]:
    return {"type": "not_found", "message": f"API Key with id: {key_id} was not found"}


def invalid(message: str) -> dict[str, str]:
    return {"type": "invalid_data", "message": f"Invalid request: {message}"}


def create(client, admin, title="Secret A", key_type="secret") -> dict:
    response = client.post("/admin/api-keys", headers=admin, json={"title": title, "type": key_type})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["api_key"]


# -- create ------------------------------------------------------------------------------------------


def test_create_secret_key_returns_the_storage_layout_once(client, admin, seed):
    freeze(client, NOW)
    response = client.post(
        "/admin/api-keys?fields=title", headers=admin, json={"title": "Secret A", "type": "secret"}
    )
    assert response.status_code == 200
    key = response.get_json()["api_key"]
    assert list(key) == CREATE_ORDER  # `fields` is ignored
    token = key["token"]
    assert re.fullmatch(r"sk_[0-9a-f]{64}", token)
    assert re.fullmatch(r"apk_[0-9A-HJKMNP-TV-Z]{26}", key["id"])
    assert key == {
        "id": key["id"],
        "token": token,
        "redacted": f"{token[:6]}***{token[-3:]}",
        "title": "Secret A",
        "type": "secret",
        "last_used_at": None,
        "created_by": seed["admin"]["user_id"],
        "revoked_by": None,
        "revoked_at": None,
        "created_at": NOW,
        "updated_at": NOW,
        "deleted_at": None,
    }
    again = client.get(f"/admin/api-keys/{key['id']}", headers=admin).get_json()["api_key"]
    assert again["token"] == ""
    state = client.get("/__revokit/state").get_data(as_text=True)
    assert token not in state  # stored as a salted hash only


def test_create_publishable_key(client, admin):
    key = create(client, admin, "Web storefront", "publishable")
    assert re.fullmatch(r"pk_[0-9a-f]{64}", key["token"])
    again = client.get(f"/admin/api-keys/{key['id']}", headers=admin).get_json()["api_key"]
    assert again["token"] == key["token"] and again["sales_channels"] == []


def test_several_active_secret_keys_may_coexist(client, admin):
    first, second = create(client, admin, "one"), create(client, admin, "two")
    assert first["id"] != second["id"] and first["token"] != second["token"]


def test_create_accepts_an_empty_title(client, admin):
    assert create(client, admin, "")["title"] == ""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Field 'title' is required; Field 'type' is required"),
        ({"title": "x"}, "Field 'type' is required"),
        ({"title": "x", "type": "foo"}, "Expected: 'publishable, secret' for field 'type', but got: 'foo'"),
        ({"title": 123, "type": "secret"}, "Expected type: 'string' for field 'title', got: '123'"),
        ({"title": "x", "type": "secret", "foo": 1}, "Unrecognized fields: 'foo'"),
        ([1, 2], "Field '' is required"),
        (
            {"title": 1.5, "type": None, "a": 1, "b": 2},
            "Expected type: 'string' for field 'title', got: '1.5'; "
            "Expected: 'publishable, secret' for field 'type', but got: 'null'; Unrecognized fields: 'a, b'",
        ),
        (
            {"type": "secret", "title": True, "foo": 1},
            "Expected type: 'string' for field 'title', got: 'true'; Unrecognized fields: 'foo'",
        ),
    ],
)
def test_create_validation(client, admin, body, message):
    response = client.post("/admin/api-keys", headers=admin, json=body)
    assert response.status_code == 400
    assert response.get_json() == invalid(message)


def test_create_with_a_text_body(client, admin):
    response = client.post("/admin/api-keys", headers=admin, data="title=x", content_type="text/plain")
    assert response.status_code == 400 and response.get_json() == invalid("Field '' is required")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"title":', "Unexpected end of JSON input"),
        ("{", "Expected property name or '}' in JSON at position 1"),
        ('{"title": "x",', "Expected double-quoted property name in JSON at position 14"),
        ('{"title":}', 'Unexpected token \'}\', "{"title":}" is not valid JSON'),
        ('{"title": "x"} x', "Unexpected non-whitespace character after JSON at position 15"),
        ("123", "Unexpected token '1', \"123\" is not valid JSON"),
        ('{"a" 1}', "Expected ':' after property name in JSON at position 5"),
    ],
)
def test_malformed_json(client, admin, raw, message):
    response = client.post("/admin/api-keys", headers=admin, data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"message": message, "type": "invalid_data"}
    assert list(response.get_json()) == ["message", "type"]


# -- list ----------------------------------------------------------------------------------------------


def test_list_default_page(client, admin, keys):
    response = client.get("/admin/api-keys", headers=admin)
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["api_keys", "count", "offset", "limit"]
    assert (body["count"], body["offset"], body["limit"]) == (8, 0, 20)
    assert [k["id"] for k in body["api_keys"]] == sorted(k["id"] for k in keys.values())
    first = body["api_keys"][0]
    assert list(first) == KEY_ORDER
    assert first["title"] == "Default Publishable API Key" and first["created_by"] == ""
    assert first["sales_channels"] == [
        {"id": keys[first["title"]]["sales_channels"][0], "name": "Default Sales Channel"}
    ]
    assert all(k["token"] == "" for k in body["api_keys"] if k["type"] == "secret")
    assert all(k["token"].startswith("pk_") for k in body["api_keys"] if k["type"] == "publishable")


def test_list_filters(client, admin, keys):
    def titles(query: str) -> list[str]:
        response = client.get(f"/admin/api-keys?{query}", headers=admin)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [k["title"] for k in response.get_json()["api_keys"]]

    assert titles("type=secret") == ["CI deploy key", "Old integration", "Rotating integration"]
    assert titles("q=storefront&order=title") == [
        "Expiring storefront", "Retired storefront", "Unlinked storefront", "Wholesale storefront",
    ]  # fmt: skip
    assert len(titles("q=pk_")) == 5
    ci, old = keys["CI deploy key"]["id"], keys["Old integration"]["id"]
    assert titles(f"id={ci}&id={old}") == ["CI deploy key", "Old integration"]
    assert titles(f"id[]={ci}&id[]={old}") == ["CI deploy key", "Old integration"]
    assert titles(f"id={ci},{old}") == []  # one literal id
    assert titles("title=CI%20deploy%20key") == ["CI deploy key"]
    assert titles(f"token={keys['Wholesale storefront']['token']}") == ["Wholesale storefront"]
    assert titles(f"token={keys['CI deploy key']['token']}") == []  # only its hash is stored
    assert len(titles("revoked_at[$gt]=2000-01-01T00:00:00Z")) == 4
    assert titles("revoked_at=null&type=secret") == ["CI deploy key"]
    assert titles("created_at[$lt]=2026-01-05T09:09:00Z") == [
        "Default Publishable API Key",
        "Wholesale storefront",
    ]
    assert titles("order=-created_at&limit=2") == ["Rotating integration", "Old integration"]
    assert titles("with_deleted=true&limit=1") == ["Default Publishable API Key"]


def test_list_paging(client, admin):
    body = client.get("/admin/api-keys?limit=0", headers=admin).get_json()
    assert body == {"api_keys": [], "count": 8, "offset": 0, "limit": 0}
    body = client.get("/admin/api-keys?offset=100&limit=5", headers=admin).get_json()
    assert body == {"api_keys": [], "count": 8, "offset": 100, "limit": 5}
    body = client.get("/admin/api-keys?offset=6&limit=5", headers=admin).get_json()
    assert len(body["api_keys"]) == 2


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=abc", "Expected type: 'number' for field 'limit', got: 'abc'"),
        ("type=bad", "Expected: 'publishable, secret' for field 'type', but got: 'bad'"),
        ("foo=1", "Unrecognized fields: 'foo'"),
        ("foo=1&bar=2", "Unrecognized fields: 'foo, bar'"),
        ("with_deleted=maybe", "Expected type: 'boolean' for field 'with_deleted', got: 'maybe'"),
        ("limit=-1", "Value for field 'limit' too small, expected at least: '0'"),
        (
            "created_at[$gte]=yesterday",
            "Expected type: 'date' for field 'created_at, $gte', got: 'yesterday'",
        ),
        ("revoked_at[$near]=2026-01-01T00:00:00Z", "Unrecognized fields: '$near'"),
    ],
)
def test_list_query_validation(client, admin, query, message):
    response = client.get(f"/admin/api-keys?{query}", headers=admin)
    assert response.status_code == 400
    assert response.get_json() == invalid(message)


def test_list_order_by_an_unknown_field_is_a_400(client, admin):
    response = client.get("/admin/api-keys?order=nosuch", headers=admin)
    assert response.status_code == 400
    assert response.get_json() == {"type": "invalid_data", "message": "Order field nosuch is not valid"}


@pytest.mark.parametrize(
    ("order", "field"),
    [
        ("type,created_at", "type,created_at"),
        ("+type", "+type"),
        (" type", " type"),
        ("--type", "-type"),
        ("-", ""),
    ],
)
def test_order_names_one_column_whole(client, admin, order, field):
    # 2.21.2 sorts by one column; a list, a `+` or a blank is part of the name it looks for.
    response = client.get("/admin/api-keys", query_string={"order": order}, headers=admin)
    assert response.status_code == 400
    assert response.get_json() == {"type": "invalid_data", "message": f"Order field {field} is not valid"}


def test_list_order_by_an_unknown_field_is_a_500_in_medusa_2_21():
    app = build_app("xclade-v2", profile="medusa-2.21")
    client = app.test_client()
    token = client.get("/__revokit/seed").get_json()["admin"]["token"]
    response = client.get("/admin/api-keys?order=nosuch", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 500
    assert response.get_json() == {
        "code": "unknown_error",
        "type": "unknown_error",
        "message": "An unknown error occurred.",
    }


# -- retrieve / update ------------------------------------------------------------------------------------


def test_retrieve(client, admin, keys, channels):
    key = keys["Expiring storefront"]
    response = client.get(f"/admin/api-keys/{key['id']}", headers=admin)
    assert response.status_code == 200
    body = response.get_json()["api_key"]
    assert list(body) == KEY_ORDER
    assert body["token"] == key["token"] and body["revoked_at"] == key["revoked_at"]
    assert body["sales_channels"] == [
        {"id": channels["Default Sales Channel"], "name": "Default Sales Channel"},
        {"id": channels["Wholesale"], "name": "Wholesale"},
    ]


def test_retrieve_unknown_is_404(client, admin):
    response = client.get(f"/admin/api-keys/{MISSING_ID}", headers=admin)
    assert response.status_code == 404 and response.get_json() == not_found(MISSING_ID)


def test_update(client, admin, keys):
    freeze(client, NOW)
    key = keys["Old integration"]  # revoked keys can be renamed
    response = client.post(
        f"/admin/api-keys/{key['id']}", headers=admin, json={"title": "Old integration (gone)"}
    )
    assert response.status_code == 200
    body = response.get_json()["api_key"]
    assert list(body) == KEY_ORDER
    assert body["title"] == "Old integration (gone)" and body["updated_at"] == NOW and body["token"] == ""
    assert body["revoked_at"] == key["revoked_at"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "Field 'title' is required"),
        ({"title": "t", "type": "publishable"}, "Unrecognized fields: 'type'"),
        ({"title": 5}, "Expected type: 'string' for field 'title', got: '5'"),
    ],
)
def test_update_validation(client, admin, keys, body, message):
    response = client.post(f"/admin/api-keys/{keys['CI deploy key']['id']}", headers=admin, json=body)
    assert response.status_code == 400 and response.get_json() == invalid(message)


def test_update_unknown_is_404(client, admin):
    response = client.post(f"/admin/api-keys/{MISSING_ID}", headers=admin, json={"title": "t"})
    assert response.status_code == 404 and response.get_json() == not_found(MISSING_ID)


# -- revoke ----------------------------------------------------------------------------------------------------


def test_revoke_immediately_without_a_body(client, admin, keys, seed):
    freeze(client, NOW)
    key = keys["CI deploy key"]
    response = client.post(f"/admin/api-keys/{key['id']}/revoke", headers=admin)
    assert response.status_code == 200
    body = response.get_json()["api_key"]
    assert list(body) == KEY_ORDER
    assert (body["revoked_at"], body["revoked_by"], body["updated_at"]) == (
        NOW,
        seed["admin"]["user_id"],
        NOW,
    )
    assert body["token"] == ""


def test_revoke_with_an_empty_json_body_or_zero(client, admin, keys):
    freeze(client, NOW)
    for title, body in (("Unlinked storefront", {}), ("Wholesale storefront", {"revoke_in": 0})):
        response = client.post(f"/admin/api-keys/{keys[title]['id']}/revoke", headers=admin, json=body)
        assert response.get_json()["api_key"]["revoked_at"] == NOW
    response = client.post(
        f"/admin/api-keys/{keys['CI deploy key']['id']}/revoke", headers=admin, json={"revoke_in": -10}
    )
    assert response.get_json()["api_key"]["revoked_at"] == NOW


def test_revoke_in_keeps_the_key_working_until_the_time_passes(client, admin, keys, channels):
    freeze(client, NOW)
    secret = keys["CI deploy key"]
    response = client.post(f"/admin/api-keys/{secret['id']}/revoke", headers=admin, json={"revoke_in": 3600})
    assert response.get_json()["api_key"]["revoked_at"] == "2026-11-23T09:27:27.715Z"
    publishable = keys["Default Publishable API Key"]
    client.post(f"/admin/api-keys/{publishable['id']}/revoke", headers=admin, json={"revoke_in": 3600})

    advance(client, 3599)
    assert client.get("/admin/api-keys", headers=basic(secret["token"])).status_code == 200
    assert client.get("/store/products", headers=store(publishable["token"])).status_code == 200
    delete = client.delete(f"/admin/api-keys/{secret['id']}", headers=admin)
    assert delete.status_code == 400  # not revoked yet

    advance(client, 1)
    assert client.get("/admin/api-keys", headers=basic(secret["token"])).status_code == 401
    rejected = client.get("/store/products", headers=store(publishable["token"]))
    assert rejected.status_code == 400
    assert rejected.get_json()["message"] == "A valid publishable key is required to proceed with the request"
    assert client.delete(f"/admin/api-keys/{secret['id']}", headers=admin).status_code == 200


def test_revoke_in_fractions_are_whole_seconds(client, admin, keys):
    freeze(client, NOW)
    response = client.post(
        f"/admin/api-keys/{keys['CI deploy key']['id']}/revoke", headers=admin, json={"revoke_in": 1.5}
    )
    assert response.get_json()["api_key"]["revoked_at"] == "2026-11-23T08:27:28.715Z"


def test_revoking_a_revoked_secret_key_again_is_400(client, admin, keys):
    for key_id in (keys["Old integration"]["id"], keys["CI deploy key"]["id"]):
        client.post(f"/admin/api-keys/{key_id}/revoke", headers=admin)
        for body in (None, {"revoke_in": 60}):
            response = client.post(f"/admin/api-keys/{key_id}/revoke", headers=admin, json=body)
            assert response.status_code == 400
            assert response.get_json() == {
                "type": "invalid_data",
                "message": "There are 1 secret keys that are already revoked.",
            }


def test_a_future_revocation_of_a_secret_key_is_overwritten(client, admin, keys):
    freeze(client, NOW)
    key_id = keys["Rotating integration"]["id"]
    body = client.post(f"/admin/api-keys/{key_id}/revoke", headers=admin, json={"revoke_in": 10}).get_json()
    assert body["api_key"]["revoked_at"] == "2026-11-23T08:27:37.715Z"
    body = client.post(f"/admin/api-keys/{key_id}/revoke", headers=admin).get_json()
    assert body["api_key"]["revoked_at"] == NOW


def test_a_revoked_publishable_key_is_revoked_again(client, admin, keys):
    freeze(client, NOW)
    key = keys["Retired storefront"]
    response = client.post(f"/admin/api-keys/{key['id']}/revoke", headers=admin, json={"revoke_in": 5})
    assert response.status_code == 200
    assert response.get_json()["api_key"]["revoked_at"] == "2026-11-23T08:27:32.715Z"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"revoke_in": "60"}, "Expected type: 'number' for field 'revoke_in', got: '60'"),
        ({"revoke_in": None}, "Expected type: 'number' for field 'revoke_in', got: 'null'"),
        ({"foo": 1}, "Unrecognized fields: 'foo'"),
        ({"revoke_in": [1]}, "Expected type: 'number' for field 'revoke_in', got: '1'"),
    ],
)
def test_revoke_validation(client, admin, keys, body, message):
    response = client.post(f"/admin/api-keys/{keys['CI deploy key']['id']}/revoke", headers=admin, json=body)
    assert response.status_code == 400 and response.get_json() == invalid(message)


def test_revoke_unknown_is_404(client, admin):
    response = client.post(f"/admin/api-keys/{MISSING_ID}/revoke", headers=admin)
    assert response.status_code == 404 and response.get_json() == not_found(MISSING_ID)


# -- delete ---------------------------------------------------------------------------------------------------


def test_delete_a_revoked_key(client, admin, keys):
    key = keys["Retired storefront"]
    response = client.delete(f"/admin/api-keys/{key['id']}", headers=admin)
    assert response.status_code == 200
    assert response.get_data(as_text=True) == f'{{"id":"{key["id"]}","object":"api_key","deleted":true}}'
    assert client.get(f"/admin/api-keys/{key['id']}", headers=admin).status_code == 404
    listed = client.get("/admin/api-keys?with_deleted=true", headers=admin).get_json()
    assert key["id"] not in [k["id"] for k in listed["api_keys"]] and listed["count"] == 7
    again = client.delete(f"/admin/api-keys/{key['id']}", headers=admin)
    assert again.status_code == 404 and again.get_json() == not_found(key["id"])


@pytest.mark.parametrize(
    "title", ["CI deploy key", "Default Publishable API Key", "Expiring storefront", "Rotating integration"]
)
def test_delete_a_key_that_is_not_revoked_is_400(client, admin, keys, title):
    key_id = keys[title]["id"]
    response = client.delete(f"/admin/api-keys/{key_id}", headers=admin)
    assert response.status_code == 400
    assert response.get_json() == {
        "type": "not_allowed",
        "message": f"Cannot delete api keys that are not revoked - {key_id}",
    }


def test_delete_unknown_is_404(client, admin):
    response = client.delete(f"/admin/api-keys/{MISSING_ID}", headers=admin)
    assert response.status_code == 404 and response.get_json() == not_found(MISSING_ID)


# -- sales channels of a key ------------------------------------------------------------------------------------


def test_link_and_unlink_sales_channels(client, admin, keys, channels):
    key_id = keys["Unlinked storefront"]["id"]
    url = f"/admin/api-keys/{key_id}/sales-channels"
    wholesale, default = channels["Wholesale"], channels["Default Sales Channel"]
    response = client.post(url, headers=admin, json={"add": [wholesale, default, wholesale]})
    assert response.status_code == 200
    body = response.get_json()["api_key"]
    assert list(body) == KEY_ORDER
    assert body["sales_channels"] == [
        {"id": wholesale, "name": "Wholesale"},
        {"id": default, "name": "Default Sales Channel"},
    ]
    body = client.post(url, headers=admin, json={"remove": [wholesale, "sc_unknown"]}).get_json()["api_key"]
    assert body["sales_channels"] == [{"id": default, "name": "Default Sales Channel"}]
    body = client.post(url, headers=admin, json={}).get_json()["api_key"]
    assert body["sales_channels"] == [{"id": default, "name": "Default Sales Channel"}]
    body = client.post(url, headers=admin).get_json()["api_key"]  # no body at all
    assert len(body["sales_channels"]) == 1


def test_revoked_publishable_keys_can_still_be_linked(client, admin, keys, channels):
    response = client.post(
        f"/admin/api-keys/{keys['Retired storefront']['id']}/sales-channels",
        headers=admin,
        json={"add": [channels["Wholesale"]]},
    )
    assert response.status_code == 200
    assert len(response.get_json()["api_key"]["sales_channels"]) == 2


def test_sales_channels_errors(client, admin, keys, channels):
    secret = client.post(
        f"/admin/api-keys/{keys['CI deploy key']['id']}/sales-channels",
        headers=admin,
        json={"add": [channels["Wholesale"]]},
    )
    assert secret.status_code == 400
    assert secret.get_json() == {
        "type": "invalid_data",
        "message": "Sales channels can only be associated with publishable API keys",
    }
    url = f"/admin/api-keys/{keys['Unlinked storefront']['id']}/sales-channels"
    missing = client.post(url, headers=admin, json={"add": ["sc_phony", channels["Wholesale"], "sc_other"]})
    assert missing.status_code == 400
    assert missing.get_json() == {
        "type": "invalid_data",
        "message": "Sales channels with IDs sc_phony, sc_other do not exist",
    }
    not_array = client.post(url, headers=admin, json={"add": "x"})
    assert not_array.status_code == 400
    assert not_array.get_json() == invalid("Expected type: 'array' for field 'add', got: 'x'")
    item = client.post(url, headers=admin, json={"add": [1]})
    assert item.get_json() == invalid("Expected type: 'string' for field 'add, 0', got: '1'")
    unknown = client.post(f"/admin/api-keys/{MISSING_ID}/sales-channels", headers=admin, json={"add": []})
    assert unknown.status_code == 404 and unknown.get_json() == not_found(MISSING_ID)


# -- routing --------------------------------------------------------------------------------------------------------


def test_unknown_route_and_method(client, admin):
    response = client.get("/admin/nothing-here", headers=admin)
    assert response.status_code == 404
    assert response.get_json() == {"type": "not_found", "message": "Cannot GET /admin/nothing-here"}
    response = client.put("/admin/api-keys/apk_1", headers=admin, json={})
    assert response.status_code == 405
    assert response.get_json() == {"type": "not_allowed", "message": "Cannot PUT /admin/api-keys/apk_1"}
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST", "DELETE"}


def test_body_too_large(client, admin):
    big = '{"title":"' + "x" * (1024 * 1024 + 1) + '","type":"secret"}'
    response = client.post("/admin/api-keys", headers=admin, data=big, content_type="application/json")
    assert response.status_code == 413
    assert response.get_json() == {"message": "request entity too large", "type": "unknown_error"}
