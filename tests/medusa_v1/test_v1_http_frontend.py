"""The analytics prompt's routes as Medusa 1.20.11 answers them (recorded from the release).

Every create inserts a config, even for a user who has one; reads, updates and deletes use the
oldest one still there; an update creates the config it does not find.
"""

from __future__ import annotations

from flask.testing import FlaskClient

CONFIGS = "/admin/analytics-configs"
INSERTED_ORDER = ["user_id", "opt_out", "anonymize", "id", "deleted_at", "created_at", "updated_at"]
READ_ORDER = ["id", "created_at", "updated_at", "deleted_at", "user_id", "opt_out", "anonymize"]


def test_each_create_adds_a_config_and_reads_keep_the_oldest(client: FlaskClient, auth: dict, admin: dict):
    assert client.get(CONFIGS, headers=auth).get_json() == {
        "type": "not_found",
        "message": f"No analytics config found for user with id: {admin['id']}",
    }
    first = client.post(CONFIGS, json={"opt_out": True}, headers=auth).get_json()["analytics_config"]
    assert list(first) == INSERTED_ORDER and first["anonymize"] is False  # anonymize defaults to false
    second = client.post(CONFIGS, json={"opt_out": False, "anonymize": True}, headers=auth).get_json()
    assert second["analytics_config"]["id"] != first["id"]
    read = client.get(f"{CONFIGS}?anything=1", headers=auth).get_json()["analytics_config"]
    assert list(read) == READ_ORDER and (read["id"], read["opt_out"]) == (first["id"], True)

    refused = client.post(f"{CONFIGS}/update", json={"anonymize": True, "opt_out": None}, headers=auth)
    assert refused.status_code == 400 and refused.get_json() == {
        "type": "invalid_data",
        "message": "Can't insert null value in field opt_out on insert in table analytics_config",
    }
    updated = client.post(f"{CONFIGS}/update", json={"anonymize": True}, headers=auth)
    body = updated.get_json()["analytics_config"]
    assert (body["id"], body["opt_out"], body["anonymize"]) == (first["id"], True, True)

    deleted = client.delete(CONFIGS, headers=auth).get_json()
    assert deleted == {"user_id": admin["id"], "object": "analytics_config", "deleted": True}
    assert (
        client.get(CONFIGS, headers=auth).get_json()["analytics_config"]["id"]
        == second["analytics_config"]["id"]
    )


def test_an_update_creates_the_missing_config(client: FlaskClient, auth: dict):
    created = client.post(f"{CONFIGS}/update", json={}, headers=auth).get_json()["analytics_config"]
    assert list(created) == INSERTED_ORDER and (created["opt_out"], created["anonymize"]) == (False, False)
    again = client.delete(CONFIGS, headers=auth)
    assert again.status_code == 200
    assert client.delete(CONFIGS, headers=auth).status_code == 200  # nothing left: the same receipt


def test_refusals(client: FlaskClient, auth: dict):
    cases = [
        (CONFIGS, {}, "opt_out must be a boolean value"),
        (CONFIGS, {"anonymize": True}, "opt_out must be a boolean value"),
        (
            CONFIGS,
            {"opt_out": None, "anonymize": None},
            "opt_out must be a boolean value, anonymize must be a boolean value",
        ),
        (f"{CONFIGS}/update", {"opt_out": "x", "anonymize": None}, "opt_out must be a boolean value"),
        (
            f"{CONFIGS}/update",
            {"anonymize": None},
            "Can't insert null value in field anonymize on insert in table analytics_config",
        ),
        (f"{CONFIGS}/update", {"foo": 1}, "property foo should not exist"),
    ]
    for path, body, message in cases:
        response = client.post(path, json=body, headers=auth)
        assert response.status_code == 400
        assert response.get_json() == {"type": "invalid_data", "message": message}
    assert client.get(CONFIGS, headers=auth).status_code == 404  # nothing was recorded
