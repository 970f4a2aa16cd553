"""Admin login, logout and tokens, and the three admin credentials, through the contract mock."""

from __future__ import annotations

import jwt
import pytest
from flask.testing import FlaskClient

LOGIN = {"email": "admin@medusa-test.com", "password": "supersecret"}
KEYS = "/admin/publishable-api-keys"


def signing_secret(client: FlaskClient) -> str:
    """The mock's JWT secret (random per mock unless configured), to sign tokens a forger could not."""
    return client.application.extensions["revokit"].settings.jwt_secret


def user_body(admin: dict) -> dict:
    return {
        "user": {
            "id": admin["id"],
            "email": "admin@medusa-test.com",
            "first_name": None,
            "last_name": None,
            "role": "admin",
            "api_token": admin["api_token"],
            "metadata": None,
            "created_at": "2026-01-05T09:00:00.000Z",
            "updated_at": "2026-01-05T09:00:00.000Z",
            "deleted_at": None,
        }
    }


def test_login_opens_a_cookie_session(client: FlaskClient, admin: dict) -> None:
    response = client.post("/admin/auth", json={**LOGIN, "email": "ADMIN@medusa-test.com"})
    assert response.status_code == 200
    assert response.get_json() == user_body(admin)
    set_cookie = response.headers["Set-Cookie"]
    assert set_cookie.startswith("connect.sid=s%3A") and "HttpOnly" in set_cookie and "Path=/" in set_cookie
    assert "Max-Age=36000" in set_cookie
    # the test client keeps the cookie, like a browser
    assert client.get("/admin/auth").get_json() == user_body(admin)
    created = client.post(KEYS, json={"title": "by session"}).get_json()["publishable_api_key"]
    assert created["created_by"] == admin["id"]
    logout = client.delete("/admin/auth")
    assert logout.status_code == 200
    assert (
        logout.get_data(as_text=True) == "OK"
        and logout.headers["Content-Type"] == "text/plain; charset=utf-8"
    )
    assert client.get("/admin/auth").status_code == 401


def test_a_session_ends_after_ten_idle_hours(client: FlaskClient) -> None:
    client.put("/__revokit/clock", json={"now": "2026-03-01T00:00:00Z", "frozen": True})
    assert client.post("/admin/auth", json=LOGIN).status_code == 200
    client.post("/__revokit/clock/advance", json={"seconds": 9 * 3600})
    assert client.get("/admin/auth").status_code == 200  # using it restarts the window
    client.post("/__revokit/clock/advance", json={"seconds": 10 * 3600})
    assert client.get("/admin/auth").status_code == 401


@pytest.mark.parametrize("route", ["/admin/auth", "/admin/auth/token"])
@pytest.mark.parametrize(
    "body", [{**LOGIN, "password": "SuperSecret"}, {**LOGIN, "email": "nobody@medusa-test.com"}]
)
def test_bad_credentials(client: FlaskClient, route: str, body: dict) -> None:
    response = client.post(route, json=body)
    assert response.status_code == 401
    assert response.get_data(as_text=True) == "Unauthorized"
    assert response.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("route", ["/admin/auth", "/admin/auth/token"])
@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {},
            "email should not be empty, email must be an email, password should not be empty, password must be a string",
        ),
        ({"email": "x", "password": "y"}, "email must be an email"),
        ({**LOGIN, "z": 1}, "property z should not exist"),
        (
            {"email": "", "password": ""},
            "email should not be empty, email must be an email, password should not be empty",
        ),
        ({"email": "a@b.co", "password": 5}, "password must be a string"),
    ],
)
def test_login_validation(client: FlaskClient, route: str, body: dict, message: str) -> None:
    response = client.post(route, json=body)
    assert response.status_code == 400
    assert response.get_json() == {"type": "invalid_data", "message": message}


def test_token_login_returns_an_admin_jwt(client: FlaskClient, admin: dict) -> None:
    client.put("/__revokit/clock", json={"now": "2026-03-01T12:00:00Z", "frozen": True})
    response = client.post("/admin/auth/token", json=LOGIN)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    token = response.get_json()["access_token"]
    assert list(response.get_json()) == ["access_token"]
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    claims = jwt.decode(token, signing_secret(client), algorithms=["HS256"], options={"verify_exp": False})
    issued = 1772366400  # 2026-03-01T12:00:00Z
    assert claims == {"user_id": admin["id"], "domain": "admin", "iat": issued, "exp": issued + 86400}
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/admin/auth", headers=bearer).get_json() == user_body(admin)
    client.post("/__revokit/clock/advance", json={"seconds": 86399})
    assert client.get(KEYS, headers=bearer).status_code == 200
    client.post("/__revokit/clock/advance", json={"seconds": 1})
    expired = client.get(KEYS, headers=bearer)
    assert expired.status_code == 401 and expired.get_data(as_text=True) == "Unauthorized"


def test_jwts_the_admin_strategy_refuses(client: FlaskClient, admin: dict) -> None:
    store_domain = jwt.encode(
        {"user_id": admin["id"], "domain": "store"}, signing_secret(client), algorithm="HS256"
    )
    foreign = jwt.encode({"user_id": admin["id"], "domain": "admin"}, "x" * 40, algorithm="HS256")
    for token in (store_domain, foreign, admin["api_token"]):  # an API token is no bearer token since 1.17
        assert client.get(KEYS, headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_jwt_of_a_vanished_user_is_refused_by_the_contract(client: FlaskClient) -> None:
    ghost = jwt.encode({"user_id": "usr_gone", "domain": "admin"}, signing_secret(client), algorithm="HS256")
    headers = {"Authorization": f"Bearer {ghost}"}
    assert client.get("/admin/auth", headers=headers).status_code == 401
    assert client.post(KEYS, json={"title": "ghost"}, headers=headers).status_code == 401


def test_a_jwt_of_a_vanished_user_passes_auth_but_not_get_auth_in_1_20(client_120: FlaskClient) -> None:
    client = client_120
    ghost = jwt.encode({"user_id": "usr_gone", "domain": "admin"}, signing_secret(client), algorithm="HS256")
    headers = {"Authorization": f"Bearer {ghost}"}
    me = client.get("/admin/auth", headers=headers)
    assert me.status_code == 400
    assert (
        me.get_data(as_text=True) == "Bad Request"
        and me.headers["Content-Type"] == "text/plain; charset=utf-8"
    )
    created = client.post(KEYS, json={"title": "ghost"}, headers=headers).get_json()["publishable_api_key"]
    assert created["created_by"] == "usr_gone"


def test_the_api_token_authenticates(client: FlaskClient, auth: dict, admin: dict) -> None:
    assert client.get("/admin/auth", headers=auth).get_json() == user_body(admin)
    assert client.delete("/admin/auth", headers=auth).get_data(as_text=True) == "OK"
    assert client.get(KEYS, headers=auth).status_code == 200  # logout ends sessions only


def test_strategies_are_tried_in_order(client: FlaskClient, auth: dict) -> None:
    headers = {**auth, "Authorization": "Bearer garbage", "Cookie": "connect.sid=garbage"}
    assert client.get(KEYS, headers=headers).status_code == 200


def test_control_plane_issues_tokens(client: FlaskClient, admin: dict) -> None:
    issued = client.post("/__revokit/tokens", json={"email": "admin@medusa-test.com"})
    assert issued.status_code == 200
    body = issued.get_json()
    assert body["api_token"] == admin["api_token"] and body["user_id"] == admin["id"]
    assert client.get(KEYS, headers={"Authorization": f"Bearer {body['token']}"}).status_code == 200
    assert client.post("/__revokit/tokens", json={"email": "nobody@example.com"}).status_code == 404


def test_login_ignores_the_query_string(client: FlaskClient) -> None:
    response = client.post("/admin/auth?next=/app", json=LOGIN)
    assert response.status_code == 200 and response.headers["Set-Cookie"].startswith("connect.sid=")
    assert client.get("/admin/auth").status_code == 200


@pytest.mark.parametrize(
    ("header", "status"),
    [
        # Asked of 1.20.11 (session 5): passport-jwt takes the first two words of the header.
        ("Bearer {jwt}", 200),
        ("Bearer {jwt} trailing", 200),
        ("  BEARER \t {jwt}  ", 200),
        ("bearer {jwt}", 200),
        ("x Bearer {jwt}", 401),
        ("Basic {jwt}", 401),
        ("Bearer,{jwt}", 401),
        ("Bearer", 401),
    ],
)
def test_the_bearer_header_is_read_as_passport_jwt_reads_it(
    client: FlaskClient, header: str, status: int
) -> None:
    token = client.post("/admin/auth/token", json=LOGIN).get_json()["access_token"]
    response = client.get("/admin/auth", headers={"Authorization": header.format(jwt=token)})
    assert response.status_code == status
    if status == 401:  # the bare text 1.20 answers, and no session opened by the refusal
        assert response.get_data(as_text=True) == "Unauthorized"
        assert "Set-Cookie" not in response.headers
