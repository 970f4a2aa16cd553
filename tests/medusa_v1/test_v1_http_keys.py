"""The nine publishable-key operations through the contract mock: every status, exact bodies."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

BASE = "/admin/publishable-api-keys"
ULID = "[0-9A-HJKMNP-TV-Z]{26}"


def not_found(key_id: str) -> dict[str, str]:
    return {"type": "not_found", "message": f"Publishable key with id: {key_id} was not found"}


def invalid(message: str) -> dict[str, str]:
    return {"type": "invalid_data", "message": message}


@pytest.fixture
def created(client: FlaskClient, auth: dict, frozen: str) -> dict[str, Any]:
    response = client.post(BASE, json={"title": "Web storefront (EU)"}, headers=auth)
    assert response.status_code == 200
    return response.get_json()["publishable_api_key"]


def test_create_answers_200_with_the_new_key(created: dict, admin: dict, frozen: str) -> None:
    assert re.fullmatch(f"pk_{ULID}", created["id"])
    assert created == {
        "id": created["id"],
        "created_at": frozen,
        "updated_at": frozen,
        "created_by": admin["id"],
        "revoked_by": None,
        "revoked_at": None,
        "title": "Web storefront (EU)",
    }


def test_create_accepts_the_empty_title(client: FlaskClient, auth: dict) -> None:
    response = client.post(BASE, json={"title": ""}, headers=auth)
    assert response.status_code == 200 and response.get_json()["publishable_api_key"]["title"] == ""


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "title must be a string"),
        ({"title": 123}, "title must be a string"),
        ({"title": None}, "title must be a string"),
        ({"title": "a", "foo": 1}, "property foo should not exist"),
        (
            {"foo": 1, "bar": 2},
            "property foo should not exist, property bar should not exist, title must be a string",
        ),
        ([], "title must be a string"),
    ],
)
def test_create_validation(client: FlaskClient, auth: dict, body: Any, message: str) -> None:
    response = client.post(BASE, json=body, headers=auth)
    assert response.status_code == 400
    assert response.get_json() == invalid(message)


def test_create_without_a_body_reads_it_as_empty(client: FlaskClient, auth: dict) -> None:
    for kwargs in ({}, {"data": "title=x", "content_type": "application/x-www-form-urlencoded"}):
        response = client.post(BASE, headers=auth, **kwargs)
        assert response.status_code == 400
        assert response.get_json() == invalid("title must be a string")


def test_list_defaults_newest_first(client: FlaskClient, auth: dict, seed: dict) -> None:
    body = client.get(BASE, headers=auth).get_json()
    assert [k["id"] for k in body["publishable_api_keys"]] == [k["id"] for k in seed["publishable_api_keys"]][
        ::-1
    ]
    assert (body["count"], body["limit"], body["offset"]) == (4, 20, 0)
    revoked = body["publishable_api_keys"][0]
    assert revoked["revoked_by"] == seed["admin"]["id"] and revoked["revoked_at"] is not None


def test_list_paging_search_order_and_fields(client: FlaskClient, auth: dict, seed: dict) -> None:
    titles = [k["title"] for k in seed["publishable_api_keys"]][::-1]
    page = client.get(f"{BASE}?limit=2&offset=1", headers=auth).get_json()
    assert [k["title"] for k in page["publishable_api_keys"]] == titles[1:3]
    assert (page["count"], page["limit"], page["offset"]) == (4, 2, 1)
    everything = client.get(f"{BASE}?limit=0", headers=auth).get_json()
    assert len(everything["publishable_api_keys"]) == 4 and everything["limit"] == 0
    found = client.get(f"{BASE}?q=STOREFRONT", headers=auth).get_json()
    assert [k["title"] for k in found["publishable_api_keys"]] == ["Omnichannel storefront", "Web storefront"]
    assert found["count"] == 2
    by_title = client.get(f"{BASE}?order=title", headers=auth).get_json()["publishable_api_keys"]
    assert [k["title"] for k in by_title] == sorted(titles)
    by_title_desc = client.get(f"{BASE}?order=-title", headers=auth).get_json()["publishable_api_keys"]
    assert [k["title"] for k in by_title_desc] == sorted(titles, reverse=True)
    narrow = client.get(f"{BASE}?fields=title&limit=1", headers=auth).get_json()["publishable_api_keys"]
    assert list(narrow[0]) == ["id", "created_at", "title"]


def test_list_date_filters(client: FlaskClient, auth: dict, seed: dict) -> None:
    ids = [k["id"] for k in seed["publishable_api_keys"]]
    newer = client.get(f"{BASE}?created_at[gt]=2026-01-05T09:45:00.000Z", headers=auth).get_json()
    assert [k["id"] for k in newer["publishable_api_keys"]] == ids[:1:-1]
    bounded = client.get(
        f"{BASE}?created_at[gte]=2026-01-05T09:45:00Z&created_at[lte]=2026-01-05T09:50:00Z", headers=auth
    ).get_json()
    assert [k["id"] for k in bounded["publishable_api_keys"]] == [ids[2], ids[1]]
    revoked = client.get(f"{BASE}?revoked_at[gte]=2026-01-01", headers=auth).get_json()
    assert [k["id"] for k in revoked["publishable_api_keys"]] == [ids[3]]
    assert client.get(f"{BASE}?updated_at[lt]=2026-01-01", headers=auth).get_json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("limit=abc", "limit must be a number conforming to the specified constraints"),
        ("foo=x", "property foo should not exist"),
        ("created_at[lt]=notadate", "lt must be a Date instance"),
        ("created_at=2024-01-01", "nested property created_at must be either object or array"),
        ("q=a&q=b", "q must be a string"),
        ("limit=-1", "limit must not be less than 0"),
        ("offset=-1&limit=-1", "offset must not be less than 0, limit must not be less than 0"),
        ("expand=sales_channels", "Relations [sales_channels] are not valid"),
        ("order=-nope", "Order field nope is not valid"),
        ("fields=title,secret", "Fields [secret] are not valid"),
        ("limit=1.5", "limit must be an integer number"),
        (
            "foo=1&limit=abc",
            "property foo should not exist, limit must be a number conforming to the specified constraints",
        ),
    ],
)
def test_list_validation(client: FlaskClient, auth: dict, query: str, message: str) -> None:
    response = client.get(f"{BASE}?{query}", headers=auth)
    assert response.status_code == 400
    assert response.get_json() == invalid(message)


def test_retrieve(client: FlaskClient, auth: dict, keys: dict) -> None:
    key = keys["one_channel"]
    body = client.get(f"{BASE}/{key['id']}", headers=auth).get_json()
    assert (
        body["publishable_api_key"]["id"] == key["id"]
        and body["publishable_api_key"]["title"] == "Web storefront"
    )
    ignored = client.get(f"{BASE}/{key['id']}?expand=nothing&foo=1", headers=auth)  # 1.20 never reads it
    assert ignored.status_code == 200 and ignored.get_json() == body
    missing = client.get(f"{BASE}/pk_01G1G5V27GYX4QXNARRQCW1N8T", headers=auth)
    assert missing.status_code == 404 and missing.get_json() == not_found("pk_01G1G5V27GYX4QXNARRQCW1N8T")


def test_update(client: FlaskClient, auth: dict, created: dict) -> None:
    client.put("/__revokit/clock", json={"now": "2026-03-01T13:00:00Z", "frozen": True})
    response = client.post(f"{BASE}/{created['id']}", json={"title": "Renamed"}, headers=auth)
    assert response.status_code == 200
    assert response.get_json()["publishable_api_key"] == {
        **created,
        "title": "Renamed",
        "updated_at": "2026-03-01T13:00:00.000Z",
    }
    unchanged = client.post(f"{BASE}/{created['id']}", json={}, headers=auth).get_json()[
        "publishable_api_key"
    ]
    assert unchanged["title"] == "Renamed" and unchanged["updated_at"] == "2026-03-01T13:00:00.000Z"


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"title": 1}, 400, "title must be a string"),
        ({"revoked_at": "2026-01-01T00:00:00Z"}, 400, "property revoked_at should not exist"),
        (
            {"title": None},
            400,
            "Can't insert null value in field title on insert in table publishable_api_key",
        ),
        ({"title": None, "x": 1}, 400, "property x should not exist"),
    ],
)
def test_update_refusals(
    client: FlaskClient, auth: dict, created: dict, body: dict, status: int, message: str
) -> None:
    response = client.post(f"{BASE}/{created['id']}", json=body, headers=auth)
    assert response.status_code == status
    assert response.get_json() == invalid(message)


def test_update_of_an_unknown_key_is_404_even_with_a_null_title(client: FlaskClient, auth: dict) -> None:
    for body in ({"title": "x"}, {"title": None}):
        response = client.post(f"{BASE}/pk_missing", json=body, headers=auth)
        assert response.status_code == 404 and response.get_json() == not_found("pk_missing")


def test_delete(client: FlaskClient, auth: dict, created: dict) -> None:
    response = client.delete(f"{BASE}/{created['id']}", headers=auth)
    assert response.status_code == 200
    assert response.get_json() == {"id": created["id"], "object": "publishable_api_key", "deleted": True}
    for method in ("get", "delete"):
        again = getattr(client, method)(f"{BASE}/{created['id']}", headers=auth)
        assert again.status_code == 404 and again.get_json() == not_found(created["id"])
    assert client.get(BASE, headers=auth).get_json()["count"] == 4


def test_revoke(client: FlaskClient, auth: dict, created: dict, admin: dict) -> None:
    client.put("/__revokit/clock", json={"now": "2026-03-02T08:30:00.250Z", "frozen": True})
    response = client.post(f"{BASE}/{created['id']}/revoke", headers=auth)
    assert response.status_code == 200
    assert response.get_json() == {
        "publishable_api_key": {
            **created,
            "updated_at": "2026-03-02T08:30:00.250Z",
            "revoked_at": "2026-03-02T08:30:00.250Z",
            "revoked_by": admin["id"],
        }
    }
    second = client.post(f"{BASE}/{created['id']}/revoke", json={}, headers=auth)
    assert second.status_code == 400
    assert second.get_json() == {
        "type": "not_allowed",
        "message": "PublishableApiKey has already been revoked.",
    }
    stored = client.get(f"{BASE}/{created['id']}", headers=auth).get_json()
    assert stored == response.get_json()


@pytest.mark.parametrize("body", [None, {}, {"reason": "leaked", "foo": [1]}, ["anything"]])
def test_revoke_never_reads_its_body(client: FlaskClient, auth: dict, created: dict, body: Any) -> None:
    kwargs = {} if body is None else {"json": body}
    assert client.post(f"{BASE}/{created['id']}/revoke", headers=auth, **kwargs).status_code == 200


def test_revoke_of_an_unknown_key(client: FlaskClient, auth: dict) -> None:
    response = client.post(f"{BASE}/pk_missing/revoke", headers=auth)
    assert response.status_code == 404 and response.get_json() == not_found("pk_missing")


def test_revoke_records_the_jwt_user(client: FlaskClient, created: dict, admin: dict) -> None:
    token = client.post("/__revokit/tokens", json={"email": admin["email"]}).get_json()["token"]
    response = client.post(f"{BASE}/{created['id']}/revoke", headers={"Authorization": f"Bearer {token}"})
    assert response.get_json()["publishable_api_key"]["revoked_by"] == admin["id"]


def test_a_revoked_key_stays_manageable(client: FlaskClient, auth: dict, keys: dict, channels: dict) -> None:
    key_id = keys["revoked"]["id"]
    renamed = client.post(f"{BASE}/{key_id}", json={"title": "Still here"}, headers=auth)
    assert renamed.status_code == 200 and renamed.get_json()["publishable_api_key"]["revoked_at"] is not None
    batch = {"sales_channel_ids": [{"id": channels["default"]["id"]}]}
    assert client.post(f"{BASE}/{key_id}/sales-channels/batch", json=batch, headers=auth).status_code == 200
    assert client.delete(f"{BASE}/{key_id}/sales-channels/batch", json=batch, headers=auth).status_code == 200
    assert client.get(f"{BASE}/{key_id}/sales-channels", headers=auth).status_code == 200
    assert client.delete(f"{BASE}/{key_id}", headers=auth).status_code == 200


def test_sales_channels_of_a_key(client: FlaskClient, auth: dict, keys: dict, channels: dict) -> None:
    body = client.get(f"{BASE}/{keys['several_channels']['id']}/sales-channels", headers=auth).get_json()
    assert [c["id"] for c in body["sales_channels"]] == [channels["default"]["id"], channels["mobile"]["id"]]
    assert body["sales_channels"][0] == {
        "id": channels["default"]["id"],
        "created_at": "2026-01-05T09:05:00.000Z",
        "updated_at": "2026-01-05T09:05:00.000Z",
        "deleted_at": None,
        "name": "Default Sales Channel",
        "description": "Created by default",
        "is_disabled": False,
        "metadata": None,
    }
    mobile = client.get(
        f"{BASE}/{keys['several_channels']['id']}/sales-channels?q=ios", headers=auth
    ).get_json()
    assert [c["name"] for c in mobile["sales_channels"]] == ["Mobile App"]
    none = client.get(f"{BASE}/{keys['no_channels']['id']}/sales-channels", headers=auth)
    assert none.get_json() == {"sales_channels": []}


@pytest.mark.parametrize(("query", "name"), [("limit=10", "limit"), ("offset=0", "offset"), ("foo=a", "foo")])
def test_sales_channels_of_a_key_take_only_q(
    client: FlaskClient, auth: dict, keys: dict, query: str, name: str
) -> None:
    response = client.get(f"{BASE}/{keys['one_channel']['id']}/sales-channels?{query}", headers=auth)
    assert response.status_code == 400 and response.get_json() == invalid(f"property {name} should not exist")


def test_sales_channels_of_an_unknown_key_is_404(client: FlaskClient, auth: dict) -> None:
    response = client.get(f"{BASE}/pk_missing/sales-channels", headers=auth)
    assert response.status_code == 404 and response.get_json() == not_found("pk_missing")


def test_channel_batches(client: FlaskClient, auth: dict, created: dict, channels: dict) -> None:
    path = f"{BASE}/{created['id']}/sales-channels/batch"
    mobile, default = channels["mobile"]["id"], channels["default"]["id"]
    body = {
        "sales_channel_ids": [{"id": mobile}, {"id": mobile}, {"id": "sc_does_not_exist"}, {"id": default}]
    }
    added = client.post(path, json=body, headers=auth)
    assert added.status_code == 200 and added.get_json() == {"publishable_api_key": created}
    listed = client.get(f"{BASE}/{created['id']}/sales-channels", headers=auth).get_json()["sales_channels"]
    assert [c["id"] for c in listed] == [mobile, default]  # the dangling link never shows
    assert client.post(path, json={"sales_channel_ids": []}, headers=auth).status_code == 200
    removed = client.delete(
        path, json={"sales_channel_ids": [{"id": mobile}, {"id": "sc_never_linked"}]}, headers=auth
    )
    assert removed.status_code == 200 and removed.get_json() == {"publishable_api_key": created}
    listed = client.get(f"{BASE}/{created['id']}/sales-channels", headers=auth).get_json()["sales_channels"]
    assert [c["id"] for c in listed] == [default]


@pytest.mark.parametrize("method", ["post", "delete"])
def test_channel_batches_on_an_unknown_key(
    client: FlaskClient, auth: dict, method: str, channels: dict
) -> None:
    body = {"sales_channel_ids": [{"id": channels["mobile"]["id"]}]}
    response = getattr(client, method)(f"{BASE}/pk_missing/sales-channels/batch", json=body, headers=auth)
    assert response.status_code == 404 and response.get_json() == not_found("pk_missing")


@pytest.mark.parametrize("method", ["post", "delete"])
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "sales_channel_ids must be an array"),
        (
            {"sales_channel_ids": "sc_1"},
            "sales_channel_ids must be an array, each value in nested property sales_channel_ids must be either object or array",
        ),
        (
            {"sales_channel_ids": ["sc_1"]},
            "each value in nested property sales_channel_ids must be either object or array",
        ),
        (
            {"sales_channel_ids": [None]},
            "each value in nested property sales_channel_ids must be either object or array",
        ),
        ({"sales_channel_ids": [{}]}, "id must be a string"),
        ({"sales_channel_ids": [{"id": 1}]}, "id must be a string"),
        ({"sales_channel_ids": [{"id": "sc", "x": 1}]}, "property x should not exist"),
        (
            {"sales_channel_ids": [{"id": 1}, {}], "y": 2},
            "property y should not exist, id must be a string, id must be a string",
        ),
    ],
)
def test_channel_batch_validation(
    client: FlaskClient, auth: dict, keys: dict, method: str, body: dict, message: str
) -> None:
    response = getattr(client, method)(
        f"{BASE}/{keys['one_channel']['id']}/sales-channels/batch", json=body, headers=auth
    )
    assert response.status_code == 400 and response.get_json() == invalid(message)


ADMIN_ROUTES = [
    ("get", "/admin/auth"),
    ("delete", "/admin/auth"),
    ("get", BASE),
    ("post", BASE),
    ("get", f"{BASE}/pk_x"),
    ("post", f"{BASE}/pk_x"),
    ("delete", f"{BASE}/pk_x"),
    ("post", f"{BASE}/pk_x/revoke"),
    ("get", f"{BASE}/pk_x/sales-channels"),
    ("post", f"{BASE}/pk_x/sales-channels/batch"),
    ("delete", f"{BASE}/pk_x/sales-channels/batch"),
    ("get", "/admin/sales-channels"),
    ("post", "/admin/sales-channels"),
    ("get", "/admin/sales-channels/sc_x"),
    ("post", "/admin/sales-channels/sc_x"),
    ("delete", "/admin/sales-channels/sc_x"),
    ("post", "/admin/sales-channels/sc_x/products/batch"),
    ("delete", "/admin/sales-channels/sc_x/products/batch"),
]


@pytest.mark.parametrize(("method", "path"), ADMIN_ROUTES)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"x-medusa-access-token": "wrong"},
        {"Authorization": "Bearer not.a.jwt"},
        {"Cookie": "connect.sid=s%3Aforged.sig"},
    ],
)
def test_every_admin_route_needs_a_credential(
    client: FlaskClient, method: str, path: str, headers: dict
) -> None:
    response = getattr(client, method)(path, headers=headers, json={"title": 1})
    assert response.status_code == 401
    assert response.get_data(as_text=True) == "Unauthorized"
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "WWW-Authenticate" not in response.headers
