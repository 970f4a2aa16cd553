"""Credentials the Medusa families must refuse, each with the family's exact 401, and secrets that
must never be stored in plain text.

Medusa 1.20 (passport: session, JWT, API token): an expired, tampered, unsigned (``alg: none``),
foreign-secret, store-domain or garbage JWT, a forged ``connect.sid`` and a wrong API token all
end in 401 with the bare text ``Unauthorized``. Medusa v2 (JWT from ``/auth/user/emailpass``): the
same JWT cases plus a token without ``exp`` and a non-user actor (the admin routes' "audience")
end in 401 ``{"message": "Unauthorized"}``. Both use the mock's clock for expiry.
"""

from __future__ import annotations

import base64
import json
import re
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

import jwt
import pytest

from revokit_testing import build_app

# A fixed signing secret, so these tests can sign the variants a forger could only guess.
JWT_SECRET = "revokit-test-jwt-secret-known-to-these-tests"
V1_UNAUTHORIZED_TEXT = "Unauthorized"
V2_UNAUTHORIZED = {"message": "Unauthorized"}
FROZEN = "2026-11-23T10:00:00.000Z"
FROZEN_AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def _swap_payload(token: str, changes: dict[str, Any]) -> str:
    """The same header and signature around a changed payload: a tampered token."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims.update(changes)
    return f"{header}.{_b64(claims)}.{signature}"


def _flip_signature(token: str) -> str:
    header, payload, signature = token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return f"{header}.{payload}.{flipped}"


def _unsigned(claims: dict[str, Any]) -> str:
    """``alg: none``: no signature at all."""
    return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."


def _claims(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def _forged_cases(token: str, at: datetime) -> dict[str, str]:
    """Bearer values that must be refused, built from a valid ``token`` issued at ``at``."""
    claims = _claims(token)
    now = int(at.timestamp())
    expired = {**claims, "iat": now - 90000, "exp": now - 10}
    return {
        "expired": jwt.encode(expired, JWT_SECRET, algorithm="HS256"),
        "tampered payload": _swap_payload(token, {"exp": now + 10**6}),
        "tampered signature": _flip_signature(token),
        "alg none": _unsigned(claims),
        "alg none, empty signature kept": _unsigned(claims) + "e30",
        "signed with another secret": jwt.encode(
            claims, "not-the-mock-secret-at-all-000000", algorithm="HS256"
        ),
        "HS256 header over an HS512 signature": _swap_header_alg(claims),
        "garbage": "not-a-jwt",
        "three garbage parts": "a.b.c",
        "empty parts": "..",
        "huge": "x" * 8000,
    }


def _swap_header_alg(claims: dict[str, Any]) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PyJWT finds the mock's secret short for HS512: irrelevant here
        token = jwt.encode(claims, JWT_SECRET, algorithm="HS512")
    _, payload, signature = token.split(".")
    return f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{payload}.{signature}"


# -- Medusa 1.20 -----------------------------------------------------------------------------------


@pytest.fixture
def v1():
    app = build_app("medusa-v1", frozen_at=FROZEN_AT, jwt_secret=JWT_SECRET)
    client = app.test_client()
    seed = client.get("/__revokit/seed").get_json()
    return client, seed


def _v1_login_token(client, seed) -> str:
    admin = seed["admin"]
    response = client.post("/admin/auth/token", json={"email": admin["email"], "password": admin["password"]})
    assert response.status_code == 200
    return response.get_json()["access_token"]


V1_ADMIN_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/admin/publishable-api-keys", None),
    ("POST", "/admin/publishable-api-keys", {"title": "nope"}),
    ("GET", "/admin/auth", None),
    ("GET", "/admin/sales-channels", None),
]


def _assert_v1_refused(client, headers: dict[str, str], why: str, cookie: str | None = None) -> None:
    before = client.get("/__revokit/state").get_json()["state"]
    for method, path, body in V1_ADMIN_ROUTES:
        if cookie is not None:
            client.set_cookie("connect.sid", cookie)
        response = client.open(path, method=method, json=body, headers=headers)
        if cookie is not None:
            client.delete_cookie("connect.sid")
        assert response.status_code == 401, (why, method, path, response.get_data(as_text=True))
        assert response.get_data(as_text=True) == V1_UNAUTHORIZED_TEXT, (why, path)
        assert response.mimetype == "text/plain", (why, path)
        assert "WWW-Authenticate" not in response.headers
    assert client.get("/__revokit/state").get_json()["state"] == before, why


def test_v1_valid_jwt_is_accepted_on_admin_routes(v1):
    client, seed = v1
    token = _v1_login_token(client, seed)
    response = client.get("/admin/publishable-api-keys", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_v1_forged_jwts_are_refused(v1):
    client, seed = v1
    token = _v1_login_token(client, seed)
    claims = _claims(token)
    cases = _forged_cases(token, FROZEN_AT)
    cases["store domain"] = jwt.encode({**claims, "domain": "store"}, JWT_SECRET, algorithm="HS256")
    cases["no domain"] = jwt.encode(
        {k: v for k, v in claims.items() if k != "domain"}, JWT_SECRET, algorithm="HS256"
    )
    cases["user_id not a string"] = jwt.encode({**claims, "user_id": 7}, JWT_SECRET, algorithm="HS256")
    for why, forged in cases.items():
        _assert_v1_refused(client, {"Authorization": f"Bearer {forged}"}, why)
    for why, value in {
        "empty bearer": "Bearer ",
        "scheme only": "Bearer",
        "basic scheme": f"Basic {token}",
        "api token as bearer": f"Bearer {seed['admin']['api_token']}",
    }.items():
        _assert_v1_refused(client, {"Authorization": value}, why)


def test_v1_jwt_expires_by_the_mock_clock(v1):
    client, seed = v1
    token = _v1_login_token(client, seed)
    auth = {"Authorization": f"Bearer {token}"}
    client.post("/__revokit/clock/advance", json={"seconds": 24 * 3600 - 1})
    assert client.get("/admin/publishable-api-keys", headers=auth).status_code == 200
    client.post("/__revokit/clock/advance", json={"seconds": 1})
    _assert_v1_refused(client, auth, "expired by the mock clock")


def test_v1_forged_session_cookies_and_api_tokens_are_refused(v1):
    client, seed = v1
    admin = seed["admin"]
    login = client.post("/admin/auth", json={"email": admin["email"], "password": admin["password"]})
    assert login.status_code == 200
    cookie = re.search(r"connect\.sid=([^;]+)", login.headers["Set-Cookie"]).group(1)
    client.delete_cookie("connect.sid")
    assert client.get("/admin/auth").status_code == 401  # the client really holds no cookie now
    client.set_cookie("connect.sid", cookie)
    assert client.get("/admin/auth").status_code == 200  # the genuine cookie works
    client.delete_cookie("connect.sid")

    session_id, _, signature = unquote(cookie)[2:].rpartition(".")
    forged = {
        "signature flipped": f"s:{session_id}.{('A' if signature[0] != 'A' else 'B') + signature[1:]}",
        "other session id, same signature": f"s:{session_id[:-1]}{'A' if session_id[-1] != 'A' else 'B'}.{signature}",
        "unsigned": f"s:{session_id}",
        "no s: prefix": f"{session_id}.{signature}",
        "garbage": "garbage",
    }
    for why, value in forged.items():
        _assert_v1_refused(client, {}, why, cookie=quote(value, safe=""))
    for why, token in {
        "wrong api token": "0" * 48,
        "api token with a suffix": admin["api_token"] + "x",
        "api token prefix": admin["api_token"][:-1],
        "empty api token": "",
    }.items():
        _assert_v1_refused(client, {"x-medusa-access-token": token}, why)


def test_v1_logged_out_session_is_refused(v1):
    client, seed = v1
    admin = seed["admin"]
    client.post("/admin/auth", json={"email": admin["email"], "password": admin["password"]})
    assert client.delete("/admin/auth").status_code == 200
    _assert_v1_refused(client, {}, "after logout")


# -- Medusa v2 / xclade ----------------------------------------------------------------------------


@pytest.fixture
def v2():
    app = build_app("xclade-v2", frozen_at=FROZEN_AT, jwt_secret=JWT_SECRET)
    client = app.test_client()
    seed = client.get("/__revokit/seed").get_json()
    return client, seed


def _v2_login_token(client, seed) -> str:
    admin = seed["admin"]
    response = client.post(
        "/auth/user/emailpass", json={"email": admin["email"], "password": admin["password"]}
    )
    assert response.status_code == 200
    return response.get_json()["token"]


V2_ADMIN_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", "/admin/api-keys", None),
    ("POST", "/admin/api-keys", {"title": "nope", "type": "secret"}),
    ("GET", "/admin/sales-channels", None),
]


def _assert_v2_refused(client, headers: dict[str, str], why: str) -> None:
    before = client.get("/__revokit/state").get_json()["state"]
    for method, path, body in V2_ADMIN_ROUTES:
        response = client.open(path, method=method, json=body, headers=headers)
        assert response.status_code == 401, (why, method, path, response.get_data(as_text=True))
        assert response.get_json() == V2_UNAUTHORIZED, (why, path)
        assert response.mimetype == "application/json"
    assert client.get("/__revokit/state").get_json()["state"] == before, why


def test_v2_valid_jwt_is_accepted(v2):
    client, seed = v2
    token = _v2_login_token(client, seed)
    assert client.get("/admin/api-keys", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_v2_forged_jwts_are_refused(v2):
    client, seed = v2
    token = _v2_login_token(client, seed)
    claims = _claims(token)
    sign: Callable[[dict[str, Any]], str] = lambda c: jwt.encode(c, JWT_SECRET, algorithm="HS256")  # noqa: E731
    cases = _forged_cases(token, FROZEN_AT)
    cases["customer actor"] = sign({**claims, "actor_type": "customer"})
    cases["exp not a number"] = sign({**claims, "exp": "tomorrow"})
    cases["no actor_id"] = sign({k: v for k, v in claims.items() if k != "actor_id"})
    for why, forged in cases.items():
        _assert_v2_refused(client, {"Authorization": f"Bearer {forged}"}, why)
    for why, value in {
        "empty bearer": "Bearer ",
        "scheme only": "Bearer",
        "jwt as basic": f"Basic {token}",
    }.items():
        _assert_v2_refused(client, {"Authorization": value}, why)


def test_v2_jwt_without_exp_is_accepted_as_2_21_2_accepts_it(v2):
    """jsonwebtoken judges exp only when the token has one: 2.21.2 answers GET /admin/users/me
    with 200 to the login's claims re-signed without exp (asked of the release)."""
    client, seed = v2
    claims = _claims(_v2_login_token(client, seed))
    eternal = jwt.encode({k: v for k, v in claims.items() if k != "exp"}, JWT_SECRET, algorithm="HS256")
    response = client.get("/admin/users/me", headers={"Authorization": f"Bearer {eternal}"})
    assert response.status_code == 200 and response.get_json()["user"]["id"] == claims["actor_id"]


def test_v2_jwt_expires_by_the_mock_clock(v2):
    client, seed = v2
    token = _v2_login_token(client, seed)
    auth = {"Authorization": f"Bearer {token}"}
    client.post("/__revokit/clock/advance", json={"seconds": 86400 - 1})
    assert client.get("/admin/api-keys", headers=auth).status_code == 200
    client.post("/__revokit/clock/advance", json={"seconds": 1})
    _assert_v2_refused(client, auth, "expired by the mock clock")


def test_v2_a_forged_jwt_cannot_open_a_session(v2):
    client, seed = v2
    token = _v2_login_token(client, seed)
    for why, forged in _forged_cases(token, FROZEN_AT).items():
        response = client.post("/auth/session", headers={"Authorization": f"Bearer {forged}"})
        assert response.status_code == 401 and response.get_json() == V2_UNAUTHORIZED, why
        assert "Set-Cookie" not in response.headers, why


def test_v2_forged_session_cookies_are_refused(v2):
    client, seed = v2
    token = _v2_login_token(client, seed)
    opened = client.post("/auth/session", headers={"Authorization": f"Bearer {token}"})
    assert opened.status_code == 200
    cookie = re.search(r"connect\.sid=([^;]+)", opened.headers["Set-Cookie"]).group(1)
    client.delete_cookie("connect.sid")
    session_id, _, signature = unquote(cookie)[2:].rpartition(".")
    for why, value in {
        "signature flipped": f"s:{session_id}.{('A' if signature[0] != 'A' else 'B') + signature[1:]}",
        "unsigned": f"s:{session_id}",
        "garbage": "s:.",
    }.items():
        client.set_cookie("connect.sid", quote(value, safe=""))
        response = client.get("/admin/api-keys")
        client.delete_cookie("connect.sid")
        assert response.status_code == 401 and response.get_json() == V2_UNAUTHORIZED, why
    client.set_cookie("connect.sid", cookie)
    assert client.get("/admin/api-keys").status_code == 200  # the genuine cookie still works


# -- secrets at rest -------------------------------------------------------------------------------

_SECRET_SHAPED = re.compile(r"sk_[0-9a-f]{64}")


def test_v2_secret_keys_are_stored_only_as_salted_hashes(v2):
    client, seed = v2
    auth = {"Authorization": f"Bearer {_v2_login_token(client, seed)}"}
    made = [
        client.post("/admin/api-keys", json={"title": f"s{i}", "type": "secret"}, headers=auth).get_json()[
            "api_key"
        ]
        for i in range(2)
    ]
    plaintexts = [k["token"] for k in made] + [k["token"] for k in seed["api_keys"] if k["type"] == "secret"]
    assert all(_SECRET_SHAPED.fullmatch(p) for p in plaintexts)

    dump = client.get("/__revokit/state").get_json()["state"]
    text = json.dumps(dump)
    for plaintext in plaintexts:
        assert plaintext not in text and plaintext[3:] not in text, "a secret key in plain text at rest"
    assert not _SECRET_SHAPED.search(text)
    stored = {k["id"]: k for k in dump["api_keys"]}
    salts = [stored[k["id"]]["salt"] for k in made]
    assert all(len(salt) >= 16 for salt in salts) and len(set(salts)) == len(salts), "salts must differ"
    assert stored[made[0]["id"]]["token"] != stored[made[1]["id"]]["token"]
    # Every later read path shows the token blank; only the create answer carried it.
    for key in made:
        read = client.get(f"/admin/api-keys/{key['id']}", headers=auth).get_json()["api_key"]
        assert read["token"] == "" and read["redacted"] == f"{key['token'][:6]}***{key['token'][-3:]}"
    listed = client.get("/admin/api-keys?limit=100", headers=auth).get_data(as_text=True)
    assert not any(p in listed for p in plaintexts)


def test_v2_secret_key_check_holds_for_the_whole_token(v2):
    """A token that shares the stored ``redacted`` form (first 6 and last 3 characters) but differs
    in between is refused: the hash comparison covers the whole secret."""
    client, seed = v2
    secret = next(k for k in seed["api_keys"] if k["type"] == "secret" and k["state"] == "active")["token"]
    middle = "".join("0" if c != "0" else "1" for c in secret[6:-3])
    lookalike = secret[:6] + middle + secret[-3:]
    good = base64.b64encode(f"{secret}:".encode()).decode()
    bad = base64.b64encode(f"{lookalike}:".encode()).decode()
    assert client.get("/admin/api-keys", headers={"Authorization": f"Basic {good}"}).status_code == 200
    response = client.get("/admin/api-keys", headers={"Authorization": f"Basic {bad}"})
    assert response.status_code == 401 and response.get_json() == V2_UNAUTHORIZED
