"""The ``fields`` query parameter: the parser on its own, then over HTTP."""

from __future__ import annotations

import pytest

from revokit.mockserver.families.xclade_v2.fields import parse_fields, project
from revokit.mockserver.families.xclade_v2.responses import API_KEY_DEFAULT_FIELDS

DEFAULTS = list(API_KEY_DEFAULT_FIELDS)
SCALARS = DEFAULTS[:-2]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, DEFAULTS),
        ("", ["id"]),
        (",,", ["id"]),
        ("title", ["title", "id"]),
        ("id,title", ["id", "title"]),
        ("title,+type", ["title", "type", "id"]),  # a bare entry: everything listed replaces
        ("title,-token", ["title", "token", "id"]),  # ... with the modifiers stripped
        ("+deleted_at", [*DEFAULTS, "deleted_at"]),
        (" deleted_at", [*DEFAULTS, "deleted_at"]),  # a URL "+" decodes to a space
        ("-sales_channels", SCALARS),
        ("-sales_channels.name", [*SCALARS, "sales_channels.id"]),
        ("-id", [*DEFAULTS[1:], "id"]),
        ("-token,-redacted", [f for f in DEFAULTS if f not in ("token", "redacted")]),
        ("*sales_channels", [*DEFAULTS, "sales_channels.*"]),
        ("sales_channels.*", [*DEFAULTS, "sales_channels.*"]),
        ("+title", DEFAULTS),
    ],
)
def test_parse_fields(raw, expected):
    assert parse_fields(raw, DEFAULTS) == expected


def test_project_orders_scalars_then_relations_and_ignores_unknown_fields():
    record = {"id": "1", "title": "t", "token": "", "salt": "s"}
    relations = {
        "sales_channels": (("id", "name", "description"), [{"id": "sc", "name": "n", "description": None}])
    }
    selected = ["sales_channels.name", "title", "salt", "nosuch", "id"]
    assert project(record, selected, ["id", "title", "token"], relations) == {
        "title": "t",
        "id": "1",
        "sales_channels": [{"name": "n"}],
    }
    assert project(record, ["sales_channels", "id"], ["id"], relations)["sales_channels"] == [
        {"id": "sc", "name": "n", "description": None}
    ]
    assert "sales_channels" not in project(record, ["sales_channels.nosuch", "id"], ["id"], relations)


# -- over HTTP ------------------------------------------------------------------------------------------


def _key(client, admin, key_id: str, fields: str) -> dict:
    response = client.get(f"/admin/api-keys/{key_id}", headers=admin, query_string={"fields": fields})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["api_key"]


def test_fields_over_http(client, admin, keys, channels):
    secret = keys["CI deploy key"]
    assert _key(client, admin, secret["id"], "title") == {"title": "CI deploy key", "id": secret["id"]}
    assert _key(client, admin, secret["id"], "") == {"id": secret["id"]}
    assert list(_key(client, admin, secret["id"], "+deleted_at")) == [
        "id", "title", "token", "redacted", "type", "last_used_at", "updated_at", "created_at",
        "created_by", "revoked_at", "revoked_by", "deleted_at", "sales_channels",
    ]  # fmt: skip
    assert _key(client, admin, secret["id"], "+deleted_at")["deleted_at"] is None
    for ignored in ("+nosuch", "+salt"):
        assert list(_key(client, admin, secret["id"], ignored)) == list(
            _key(client, admin, secret["id"], "+title")
        )
    assert "sales_channels" not in _key(client, admin, secret["id"], "-sales_channels")
    assert _key(client, admin, secret["id"], "token,type") == {
        "token": "",
        "type": "secret",
        "id": secret["id"],
    }


def test_relation_fields_over_http(client, admin, keys, channels):
    key = keys["Default Publishable API Key"]
    channel = channels["Default Sales Channel"]
    assert _key(client, admin, key["id"], "sales_channels.name")["sales_channels"] == [
        {"name": "Default Sales Channel"}
    ]
    full = _key(client, admin, key["id"], "*sales_channels")["sales_channels"][0]
    assert list(full) == [
        "id", "name", "description", "is_disabled", "created_at", "updated_at", "deleted_at", "metadata",
    ]  # fmt: skip
    assert full["id"] == channel and full["description"] == "Created by Medusa"
    assert _key(client, admin, key["id"], "sales_channels.*") == _key(
        client, admin, key["id"], "*sales_channels"
    )


def test_fields_on_list_and_write_routes(client, admin, keys):
    listed = client.get("/admin/api-keys?fields=title&limit=2", headers=admin).get_json()["api_keys"]
    assert all(list(k) == ["title", "id"] for k in listed)
    key_id = keys["CI deploy key"]["id"]
    updated = client.post(f"/admin/api-keys/{key_id}?fields=title", headers=admin, json={"title": "x"})
    assert updated.get_json() == {"api_key": {"title": "x", "id": key_id}}
    revoked = client.post(f"/admin/api-keys/{key_id}/revoke?fields=revoked_by", headers=admin)
    assert list(revoked.get_json()["api_key"]) == ["revoked_by", "id"]
    linked = client.post(
        f"/admin/api-keys/{keys['Unlinked storefront']['id']}/sales-channels?fields=-sales_channels",
        headers=admin,
        json={},
    )
    assert "sales_channels" not in linked.get_json()["api_key"]


def test_fields_on_sales_channels(client, admin, channels):
    channel_id = channels["Wholesale"]
    response = client.get(f"/admin/sales-channels/{channel_id}?fields=name,-description", headers=admin)
    assert response.get_json() == {
        "sales_channel": {
            "name": "Wholesale",
            "description": "B2B storefront for resellers",
            "id": channel_id,
        }
    }
    response = client.get(f"/admin/sales-channels/{channel_id}?fields=-metadata,-deleted_at", headers=admin)
    assert list(response.get_json()["sales_channel"]) == [
        "id", "name", "description", "is_disabled", "created_at", "updated_at",
    ]  # fmt: skip
