"""Every app-keys operation and every status it documents, through the Flask test client."""

from __future__ import annotations

import uuid
from typing import Any

from revokit_testing import bearer

BAD_REQUEST = {
    "error": "Bad Request",
    "message": "The request contains invalid parameters or malformed data",
    "code": 400,
}
UNAUTHORIZED = {
    "error": "Unauthorized",
    "message": "Authentication required. Please provide a valid API token",
    "code": 401,
}
FORBIDDEN = {
    "error": "Forbidden",
    "message": "You don't have permission to access this resource",
    "code": 403,
}
NOT_FOUND = {"error": "Not Found", "message": "The requested resource was not found", "code": 404}


def key_path(app_id: str, key_id: str = "") -> str:
    base = f"/api/v1/applications/{app_id}/api-keys"
    return f"{base}/{key_id}" if key_id else base


def test_list_applications_shows_only_the_callers(ak_client, alice, bob):
    body = ak_client.get("/api/v1/applications", headers=bearer(alice)).get_json()
    assert [a["name"] for a in body["data"]] == ["Alice Storefront", "Alice Analytics"]
    assert {a["owner_id"] for a in body["data"]} == {alice["id"]}
    assert (body["total"], body["limit"], body["offset"]) == (2, 20, 0)
    page = ak_client.get("/api/v1/applications?limit=1&offset=1", headers=bearer(alice)).get_json()
    assert [a["name"] for a in page["data"]] == ["Alice Analytics"]
    assert (page["total"], page["limit"], page["offset"]) == (2, 1, 1)


def test_create_and_retrieve_application(ak_client, alice):
    created = ak_client.post(
        "/api/v1/applications", headers=bearer(alice), json={"name": "New", "description": None}
    )
    assert created.status_code == 201
    app = created.get_json()
    assert app["name"] == "New" and app["description"] is None and app["owner_id"] == alice["id"]
    fetched = ak_client.get(f"/api/v1/applications/{app['id']}", headers=bearer(alice))
    assert fetched.status_code == 200 and fetched.get_json() == app


def test_application_of_another_user_is_forbidden(ak_client, alice, bob):
    bobs_app = bob["applications"][0]["id"]
    for response in (
        ak_client.get(f"/api/v1/applications/{bobs_app}", headers=bearer(alice)),
        ak_client.get(key_path(bobs_app), headers=bearer(alice)),
        ak_client.post(key_path(bobs_app), headers=bearer(alice), json={"name": "x"}),
        ak_client.delete(key_path(bobs_app, bob["applications"][0]["keys"][0]["id"]), headers=bearer(alice)),
    ):
        assert response.status_code == 403
        assert response.get_json() == FORBIDDEN


def test_unknown_application_and_key_are_not_found(ak_client, alice):
    ghost = str(uuid.uuid4())
    app_id = alice["applications"][0]["id"]
    assert ak_client.get(f"/api/v1/applications/{ghost}", headers=bearer(alice)).get_json() == NOT_FOUND
    for response in (
        ak_client.get(key_path(app_id, ghost), headers=bearer(alice)),
        ak_client.delete(key_path(app_id, ghost), headers=bearer(alice)),
        ak_client.delete(key_path(ghost, ghost), headers=bearer(alice)),
    ):
        assert response.status_code == 404
        assert response.get_json() == NOT_FOUND


def test_key_of_another_application_is_not_found(ak_client, alice):
    storefront, analytics = alice["applications"]
    response = ak_client.get(key_path(analytics["id"], storefront["keys"][0]["id"]), headers=bearer(alice))
    assert response.status_code == 404


def test_created_key_shows_plaintext_once(ak_client, alice):
    app_id = alice["applications"][0]["id"]
    created = ak_client.post(key_path(app_id), headers=bearer(alice), json={"name": "ci"})
    assert created.status_code == 201
    key = created.get_json()
    assert key["key"].startswith("ak_") and len(key["key"]) == 67
    assert key["redacted"] == f"{key['key'][:11]}...{key['key'][-4:]}"
    fetched = ak_client.get(key_path(app_id, key["id"]), headers=bearer(alice)).get_json()
    assert "key" not in fetched
    listed = ak_client.get(key_path(app_id), headers=bearer(alice)).get_json()
    assert all("key" not in k for k in listed["data"])
    assert key["id"] in {k["id"] for k in listed["data"]}
    state = ak_client.get("/__revokit/state").get_data(as_text=True)
    assert key["key"] not in state  # stored only as a salted hash


def test_list_keys_hides_revoked_ones(ak_client, alice):
    app = alice["applications"][0]
    listed = ak_client.get(key_path(app["id"]), headers=bearer(alice)).get_json()
    assert [k["name"] for k in listed["data"]] == ["production", "staging"]
    assert listed["total"] == 2


def test_revoke_cuts_off_that_key_only(ak_client, alice):
    app = alice["applications"][0]
    production, staging = app["keys"][0], app["keys"][1]
    assert ak_client.get("/api/v1/key-info", headers={"X-API-Key": production["key"]}).status_code == 200

    revoked = ak_client.delete(key_path(app["id"], production["id"]), headers=bearer(alice))
    assert revoked.status_code == 200
    assert revoked.get_data() == b"{}"

    refused = ak_client.get("/api/v1/key-info", headers={"X-API-Key": production["key"]})
    assert refused.status_code == 401 and refused.get_json() == UNAUTHORIZED
    sibling = ak_client.get("/api/v1/key-info", headers={"X-API-Key": staging["key"]})
    assert sibling.status_code == 200 and sibling.get_json()["key_id"] == staging["id"]

    again = ak_client.delete(key_path(app["id"], production["id"]), headers=bearer(alice))
    assert again.status_code == 404 and again.get_json() == NOT_FOUND
    read = ak_client.get(key_path(app["id"], production["id"]), headers=bearer(alice))
    assert read.status_code == 404


def test_key_info_describes_the_key_and_records_use(ak_client, alice):
    app = alice["applications"][0]
    key = app["keys"][1]
    info = ak_client.get("/api/v1/key-info", headers={"X-API-Key": key["key"]}).get_json()
    assert info["key_id"] == key["id"] and info["application_id"] == app["id"] and info["name"] == "staging"
    fetched = ak_client.get(key_path(app["id"], key["id"]), headers=bearer(alice)).get_json()
    assert fetched["last_used_at"] is not None


def test_seeded_revoked_key_is_refused(ak_client, alice):
    retired = alice["applications"][0]["keys"][2]
    assert retired["state"] == "revoked"
    assert ak_client.get("/api/v1/key-info", headers={"X-API-Key": retired["key"]}).status_code == 401


def test_key_info_refuses_missing_malformed_and_unknown_keys(ak_client):
    for headers in ({}, {"X-API-Key": "nope"}, {"X-API-Key": "ak_" + "0" * 64}):
        response = ak_client.get("/api/v1/key-info", headers=headers)
        assert response.status_code == 401 and response.get_json() == UNAUTHORIZED


def test_management_routes_refuse_missing_and_bad_tokens(ak_client, alice):
    for headers in (
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": f"Bearer {alice['token']}x"},
        {"X-API-Key": alice["applications"][0]["keys"][0]["key"]},  # a key is no user token
    ):
        response = ak_client.get("/api/v1/applications", headers=headers)
        assert response.status_code == 401 and response.get_json() == UNAUTHORIZED


def test_auth_is_checked_before_validation(ak_client):
    response = ak_client.delete("/api/v1/applications/not-a-uuid/api-keys/also-not")
    assert response.status_code == 401


def test_every_invalid_field_is_named(ak_client, alice):
    response = ak_client.delete("/api/v1/applications/not-a-uuid/api-keys/also-not", headers=bearer(alice))
    assert response.status_code == 400
    assert response.get_json() == {
        **BAD_REQUEST,
        "details": [
            {"field": "id", "message": "must be a valid UUID"},
            {"field": "keyId", "message": "must be a valid UUID"},
        ],
    }


def test_body_validation_details(ak_client, alice):
    response = ak_client.post("/api/v1/applications", headers=bearer(alice), json={"name": "", "extra": 1})
    assert response.status_code == 400
    details = response.get_json()["details"]
    assert {"field": "extra", "message": "is not allowed"} in details
    assert {"field": "name", "message": "must be at least 1 characters long"} in details
    missing = ak_client.post("/api/v1/applications", headers=bearer(alice), json={})
    assert missing.get_json()["details"] == [{"field": "name", "message": "is required"}]
    wrong_type = ak_client.post("/api/v1/applications", headers=bearer(alice), json=[1])
    assert wrong_type.get_json()["details"] == [{"field": "body", "message": "must be an object"}]


def test_query_validation_details(ak_client, alice):
    response = ak_client.get("/api/v1/applications?limit=abc&offset=-1&sort=name", headers=bearer(alice))
    assert response.status_code == 400
    assert response.get_json()["details"] == [
        {"field": "sort", "message": "is not a recognized query parameter"},
        {"field": "limit", "message": "must be an integer"},
        {"field": "offset", "message": "must be greater than or equal to 0"},
    ]


def test_malformed_json_and_wrong_content_type(ak_client, alice):
    malformed = ak_client.post(
        "/api/v1/applications", headers=bearer(alice), data="{oops", content_type="application/json"
    )
    assert malformed.status_code == 400
    assert malformed.get_json()["details"] == [{"field": "body", "message": "must be well-formed JSON"}]
    text = ak_client.post(
        "/api/v1/applications", headers=bearer(alice), data="name=x", content_type="text/plain"
    )
    assert text.status_code == 400
    assert text.get_json()["details"] == [{"field": "Content-Type", "message": "must be application/json"}]
    empty = ak_client.post("/api/v1/applications", headers=bearer(alice))
    assert empty.get_json()["details"] == [{"field": "body", "message": "is required"}]


def test_state_is_unchanged_by_refused_requests(ak_client, alice):
    before = ak_client.get("/__revokit/state").get_json()
    ak_client.post(
        "/api/v1/applications", headers=bearer(alice), data="{oops", content_type="application/json"
    )
    ak_client.post("/api/v1/applications", json={"name": "x"})
    ak_client.post("/api/v1/applications", headers=bearer(alice), json={"name": 5})
    assert ak_client.get("/__revokit/state").get_json() == before


def test_expired_and_foreign_tokens_are_refused(ak_client, ak_app, alice):
    import jwt

    runtime: Any = ak_app.extensions["revokit"]
    secret = runtime.settings.jwt_secret
    claims = jwt.decode(alice["token"], options={"verify_signature": False})
    variants = {
        "wrong audience": jwt.encode({**claims, "aud": "other"}, secret, algorithm="HS256"),
        "wrong secret": jwt.encode(claims, "not-the-secret", algorithm="HS256"),
        "alg none": jwt.encode(claims, None, algorithm="none"),
        "unknown user": jwt.encode({**claims, "sub": str(uuid.uuid4())}, secret, algorithm="HS256"),
    }
    for name, token in variants.items():
        response = ak_client.get("/api/v1/applications", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401, name
    ak_client.post("/__revokit/clock/advance", json={"seconds": 2 * 86400})
    expired = ak_client.get("/api/v1/applications", headers=bearer(alice))
    assert expired.status_code == 401 and expired.get_json() == UNAUTHORIZED
