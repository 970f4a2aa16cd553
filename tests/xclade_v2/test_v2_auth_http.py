"""Admin authentication over HTTP: emailpass login, JWTs, the session cookie, secret keys."""

from __future__ import annotations

import base64

import jwt
import pytest
from v2_helpers import advance, basic

UNAUTHORIZED = {"message": "Unauthorized"}
SK_AS_BEARER = {
    "message": "A secret API key was passed as a Bearer token. Secret API keys must be sent using HTTP "
    "Basic authentication instead (Authorization: Basic <secret-api-key>)."
}
CREDENTIALS = {"email": "admin@medusa-test.com", "password": "supersecret"}


def _login(client) -> str:
    response = client.post("/auth/user/emailpass", json=CREDENTIALS)
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["token"]
    return body["token"]


def test_login_returns_a_jwt_with_medusas_payload(client, seed):
    token = _login(client)
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, options={"verify_signature": False})
    user_id = seed["admin"]["user_id"]
    assert claims == {
        "actor_id": user_id,
        "actor_type": "user",
        "auth_identity_id": seed["admin"]["auth_identity_id"],
        "auth_provider": "emailpass",
        "mfa_enabled": False,
        "mfa_challenge_completed_at": None,
        "app_metadata": {"user_id": user_id},
        "user_metadata": {},
        "iat": claims["iat"],
        "exp": claims["iat"] + 86400,
    }
    assert user_id.startswith("user_") and seed["admin"]["auth_identity_id"].startswith("authid_")
    assert client.get("/admin/api-keys", headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"email": "admin@medusa-test.com", "password": "wrong"}, "Invalid email or password"),
        ({"email": "nobody@example.com", "password": "supersecret"}, "Invalid email or password"),
        ({}, "Password should be a string"),
        ({"email": "admin@medusa-test.com"}, "Password should be a string"),
        ({"email": "admin@medusa-test.com", "password": 123}, "Password should be a string"),
        ({"password": "supersecret"}, "Email should be a string"),
        ({"email": ["x"], "password": "supersecret"}, "Email should be a string"),
        ([], "Password should be a string"),
    ],
)
def test_login_failures_are_401(client, body, message):
    response = client.post("/auth/user/emailpass", json=body)
    assert response.status_code == 401
    assert response.get_json() == {"type": "unauthorized", "message": message}


def test_login_without_a_body_or_with_text_is_a_401(client):
    for response in (
        client.post("/auth/user/emailpass"),
        client.post("/auth/user/emailpass", data="email=x", content_type="text/plain"),
    ):
        assert response.status_code == 401
        assert response.get_json() == {"type": "unauthorized", "message": "Password should be a string"}


def test_login_with_malformed_json_is_a_400(client):
    response = client.post("/auth/user/emailpass", data='{"email":', content_type="application/json")
    assert response.status_code == 400
    assert (
        response.get_data(as_text=True) == '{"message":"Unexpected end of JSON input","type":"invalid_data"}'
    )


def test_jwt_expires_by_the_mock_clock(client, admin):
    assert client.get("/admin/api-keys", headers=admin).status_code == 200
    advance(client, 86401)
    response = client.get("/admin/api-keys", headers=admin)
    assert response.status_code == 401 and response.get_json() == UNAUTHORIZED


def test_bearer_scheme_is_case_insensitive(client, seed):
    response = client.get("/admin/api-keys", headers={"Authorization": f"bearer {seed['admin']['token']}"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer not-a-jwt"},
        {"Authorization": "Basic " + base64.b64encode(b"admin@medusa-test.com:supersecret").decode()},
        {"Authorization": "Basic sk_" + "0" * 64},
        {"x-medusa-access-token": "anything"},
        {"Cookie": "connect.sid=s%3Aforged.signature"},
    ],
)
def test_no_valid_credential_is_401_json(client, headers):
    response = client.get("/admin/api-keys", headers=headers)
    assert response.status_code == 401
    assert response.get_json() == UNAUTHORIZED
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"


def test_a_jwt_signed_with_another_secret_is_refused(client, seed):
    claims = jwt.decode(seed["admin"]["token"], options={"verify_signature": False})
    forged = jwt.encode(claims, "another-secret-another-secret-xx", algorithm="HS256")
    assert client.get("/admin/api-keys", headers={"Authorization": f"Bearer {forged}"}).status_code == 401


def test_auth_runs_before_validation(client):
    response = client.post("/admin/api-keys", json={"title": 1, "foo": 2})
    assert response.status_code == 401 and response.get_json() == UNAUTHORIZED
    response = client.get("/admin/api-keys?limit=abc&foo=1")
    assert response.status_code == 401 and response.get_json() == UNAUTHORIZED
    response = client.post("/admin/api-keys", data="text", content_type="text/plain")
    assert response.status_code == 401 and response.get_json() == UNAUTHORIZED


def test_secret_key_as_bearer_has_its_own_message(client, keys):
    response = client.get(
        "/admin/api-keys", headers={"Authorization": f"Bearer {keys['CI deploy key']['token']}"}
    )
    assert response.status_code == 401
    assert response.get_json() == SK_AS_BEARER


@pytest.mark.parametrize("form", ["raw", "b64_colon", "b64"])
def test_secret_key_as_basic_in_all_three_forms(client, keys, form):
    secret = keys["CI deploy key"]["token"]
    credentials = {
        "raw": secret,
        "b64_colon": base64.b64encode(f"{secret}:".encode()).decode(),
        "b64": base64.b64encode(secret.encode()).decode(),
    }[form]
    response = client.get("/admin/api-keys?limit=1", headers={"Authorization": f"Basic {credentials}"})
    assert response.status_code == 200


def test_secret_key_states(client, keys):
    assert client.get("/admin/api-keys", headers=basic(keys["Old integration"]["token"])).status_code == 401
    assert (
        client.get("/admin/api-keys", headers=basic(keys["Rotating integration"]["token"])).status_code == 200
    )
    # a publishable token is no admin credential
    response = client.get("/admin/api-keys", headers=basic(keys["Default Publishable API Key"]["token"]))
    assert response.status_code == 401


def test_secret_key_caller_is_recorded_as_creator_and_revoker(client, keys):
    caller = keys["CI deploy key"]
    created = client.post(
        "/admin/api-keys", headers=basic(caller["token"]), json={"title": "t", "type": "secret"}
    )
    assert created.get_json()["api_key"]["created_by"] == caller["id"]
    new_id = created.get_json()["api_key"]["id"]
    revoked = client.post(f"/admin/api-keys/{new_id}/revoke", headers=basic(caller["token"]))
    assert revoked.get_json()["api_key"]["revoked_by"] == caller["id"]


def test_last_used_at_stays_null(client, admin, keys):
    caller = keys["CI deploy key"]
    client.get("/admin/api-keys", headers=basic(caller["token"]))
    body = client.get(f"/admin/api-keys/{caller['id']}", headers=admin).get_json()
    assert body["api_key"]["last_used_at"] is None


def test_a_secret_key_stops_working_when_revoked(client, admin, keys):
    caller = keys["CI deploy key"]
    assert client.get("/admin/api-keys", headers=basic(caller["token"])).status_code == 200
    client.post(f"/admin/api-keys/{caller['id']}/revoke", headers=admin, json={"revoke_in": 30})
    assert client.get("/admin/api-keys", headers=basic(caller["token"])).status_code == 200
    advance(client, 30)
    response = client.get("/admin/api-keys", headers=basic(caller["token"]))
    assert response.status_code == 401 and response.get_json() == UNAUTHORIZED


# -- sessions -------------------------------------------------------------------------------------------


def test_session_cookie_flow(client, admin, seed):
    opened = client.post("/auth/session", headers=admin)
    assert opened.status_code == 200
    user = opened.get_json()["user"]
    assert user == jwt.decode(seed["admin"]["token"], options={"verify_signature": False})
    cookie = opened.headers["Set-Cookie"]
    assert cookie.startswith("connect.sid=s%3A")
    for attribute in ("Path=/", "HttpOnly", "SameSite=Lax", "Expires="):
        assert attribute in cookie
    assert "Secure" not in cookie  # plain HTTP

    # the test client now sends the cookie; it alone authenticates admin routes
    assert client.get("/admin/api-keys?limit=1").status_code == 200
    refreshed = client.post("/auth/token/refresh")
    assert refreshed.status_code == 200
    token = refreshed.get_json()["token"]
    assert client.get("/admin/api-keys", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    closed = client.delete("/auth/session")
    assert closed.status_code == 200 and closed.get_json() == {"success": True}
    assert "connect.sid=;" in closed.headers["Set-Cookie"] and "1970" in closed.headers["Set-Cookie"]
    assert client.get("/admin/api-keys").status_code == 401


def test_session_cookie_is_secure_behind_tls(client, admin):
    opened = client.post("/auth/session", headers={**admin, "X-Forwarded-Proto": "https"})
    assert "Secure" in opened.headers["Set-Cookie"]


def test_session_needs_a_bearer_jwt(client, admin, keys):
    assert client.post("/auth/session").get_json() == UNAUTHORIZED
    response = client.post("/auth/session", headers=basic(keys["CI deploy key"]["token"]))
    assert response.status_code == 401 and response.get_json() == UNAUTHORIZED
    response = client.post(
        "/auth/session", headers={"Authorization": f"Bearer {keys['CI deploy key']['token']}"}
    )
    assert response.status_code == 401 and response.get_json() == SK_AS_BEARER


def test_delete_session_needs_the_cookie(client, admin):
    response = client.delete("/auth/session", headers=admin)
    assert response.status_code == 401 and response.get_json() == UNAUTHORIZED


def test_session_expires_after_ten_hours_of_mock_time(client, admin):
    client.post("/auth/session", headers=admin)
    advance(client, 10 * 3600 - 1)
    assert client.get("/admin/api-keys?limit=1").status_code == 200
    advance(client, 1)
    assert client.get("/admin/api-keys?limit=1").status_code == 401


def test_token_refresh(client, admin):
    response = client.post("/auth/token/refresh", headers=admin)
    assert response.status_code == 200 and list(response.get_json()) == ["token"]
    assert client.post("/auth/token/refresh").get_json() == UNAUTHORIZED


def test_control_plane_issues_admin_tokens(client):
    response = client.post("/__revokit/tokens", json={"email": "admin@medusa-test.com"})
    assert response.status_code == 200
    token = response.get_json()["token"]
    assert client.get("/admin/api-keys", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert client.post("/__revokit/tokens", json={"email": "nobody@example.com"}).status_code == 404
