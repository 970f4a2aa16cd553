"""Regression tests for issue 14 (hardening): one section per defect class.

Each test states the property the class broke, not only the input that found it: a pattern
search is linear, a write whose answer cannot be rendered is never committed, a malformed
credential is a 401, numbers at the edge are a 4xx, HEAD answers like GET, and so on.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from revokit.mockserver import create_app
from revokit.mockserver.like import ilike
from revokit_testing import build_app

FAMILIES = ("app-keys", "medusa-v1", "xclade-v2")


def _client(family: str, *, validate: bool = True, **config: Any) -> FlaskClient:
    # A release profile answers outside the spec on purpose (a 500 the release gives), and so do
    # body-parser's transport-level refusals (415), which no operation of a spec lists.
    app = build_app(family, **config)
    if config.get("profile", "contract") != "contract" or not validate:
        app = create_app(dataclasses.replace(app.extensions["revokit"].config, validate_responses=False))
        app.testing = True
    return app.test_client()


def _state(client: FlaskClient) -> Any:
    return client.get("/__revokit/state").get_json()["state"]


def _v1_admin(client: FlaskClient) -> dict[str, str]:
    seed = client.get("/__revokit/seed").get_json()
    return {"x-medusa-access-token": seed["admin"]["api_token"]}


def _v2_admin(client: FlaskClient) -> dict[str, str]:
    return {"Authorization": "Bearer " + client.get("/__revokit/seed").get_json()["admin"]["token"]}


def _ak_user(client: FlaskClient) -> dict[str, Any]:
    return client.get("/__revokit/seed").get_json()["users"][0]


# -- 1: a user-controlled pattern matches in linear time -----------------------------------------


@pytest.mark.parametrize(
    ("needle", "text", "expected"),
    [
        ("shirt", "Medusa T-Shirt", True),
        ("t_shirt", "Medusa T-Shirt", True),
        ("%shirt", "Medusa T-Shirt", True),
        ("med%irt", "Medusa T-Shirt", True),
        ("med%xirt", "Medusa T-Shirt", False),
        ("a_c", "abc", True),
        ("a_c", "ac", False),
        ("100\\%", "100% cotton", True),
        ("100\\%", "1000 cotton", False),
        ("a\\_b", "a_b", True),
        ("a\\_b", "axb", False),
        ("%%%%%%\x01", "Medusa T-Shirt", False),
        ("", "", True),
        ("x", None, False),
    ],
)
def test_ilike_keeps_postgres_semantics(needle, text, expected):
    assert ilike(needle)(text) is expected


def test_ilike_builds_no_regular_expression(monkeypatch):
    """The pattern that stalled the process 35 s as a regular expression, and the worst shapes
    for a backtracking matcher, answered with no regular expression compiled at all."""
    import re

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("a regular expression was built from a search pattern")

    monkeypatch.setattr(re, "compile", refuse)
    monkeypatch.setattr(re, "_compile", refuse)
    text = "a" * 20_000
    assert not ilike("%" * 6 + "\x01")(text)
    assert not ilike("a%" * 200 + "b")(text)
    assert not ilike("a_" * 300 + "b")(text)
    assert ilike("a_" * 300 + "%")(text)
    assert not ilike("a" * 65_536)("short title")


def test_q_with_many_wildcards_is_answered_on_the_store():
    client = _client("medusa-v1")
    answer = client.get("/store/products?q=" + "%25" * 6 + "%01")
    assert answer.status_code == 200 and answer.get_json()["count"] == 0
    answer = client.get("/store/products", query_string={"q": "%" * 2000 + "x" * 2000 + "\x01"})
    assert answer.status_code == 200 and answer.get_json()["count"] == 0
    answer = client.get("/store/products", query_string={"q": "%T_sh%rt%"})
    assert answer.status_code == 200 and answer.get_json()["count"] >= 1


def test_a_long_run_of_digits_is_not_a_number():
    """``Number()`` of many digits and a letter: NaN, refused as a limit (the number pattern has
    one way to split a digit run, so a miss is found in one pass)."""
    from revokit.mockserver.node.javascript import js_number

    assert js_number("1" * 20_000 + "x") != js_number("1" * 20_000 + "x")  # NaN
    client = _client("medusa-v1")
    assert client.get("/store/products", query_string={"limit": "1" * 20_000 + "x"}).status_code == 400


# -- 2: a string with a lone surrogate never poisons the state ------------------------------------

LONE = b'"x\\ud800y"'


def _write_with_lone_surrogate(family: str, client: FlaskClient) -> Any:
    if family == "medusa-v1":
        return client.post(
            "/admin/publishable-api-keys",
            data=b'{"title":' + LONE + b"}",
            content_type="application/json",
            headers=_v1_admin(client),
        )
    if family == "xclade-v2":
        return client.post(
            "/admin/api-keys",
            data=b'{"title":' + LONE + b',"type":"secret"}',
            content_type="application/json",
            headers=_v2_admin(client),
        )
    user = _ak_user(client)
    app_id = user["applications"][0]["id"]
    return client.post(
        f"/api/v1/applications/{app_id}/api-keys",
        data=b'{"name":' + LONE + b"}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {user['token']}"},
    )


@pytest.mark.parametrize("family", FAMILIES)
def test_contract_refuses_a_lone_surrogate_before_any_write(family):
    client = _client(family)
    before = _state(client)
    answer = _write_with_lone_surrogate(family, client)
    assert answer.status_code == 400
    answer.get_json()  # the family's JSON error
    assert _state(client) == before


@pytest.mark.parametrize(("family", "profile"), [("medusa-v1", "medusa-1.20"), ("xclade-v2", "medusa-2.21")])
def test_release_profiles_store_a_lone_surrogate_as_the_replacement_character(family, profile):
    client = _client(family, profile=profile)
    answer = _write_with_lone_surrogate(family, client)
    assert answer.status_code == 200
    listed = json.dumps(_state(client), ensure_ascii=False)
    assert "x\ufffdy" in listed
    # Every later list still renders.
    path = "/admin/publishable-api-keys" if family == "medusa-v1" else "/admin/api-keys"
    headers = _v1_admin(client) if family == "medusa-v1" else _v2_admin(client)
    assert client.get(path, headers=headers).status_code == 200


def test_an_answer_holding_a_lone_surrogate_renders_it_escaped():
    from revokit.mockserver.engine import Reply, render

    data, *_ = render(Reply({"title": "x\ud800y"}))
    assert data == b'{"title":"x\\ud800y"}'
    assert json.loads(data) == {"title": "x\ud800y"}


# -- 3: a malformed session cookie is a 401 --------------------------------------------------------


@pytest.mark.parametrize(
    ("family", "path"), [("medusa-v1", "/admin/publishable-api-keys"), ("xclade-v2", "/admin/api-keys")]
)
@pytest.mark.parametrize("cookie", ["s%3Aa.%FF", "s%3A%FF.%FF", "s:\u00e9.\u00e9", "%C3%A9"])
def test_a_malformed_session_cookie_is_a_401(family, path, cookie):
    client = _client(family)
    answer = client.get(path, headers={"Cookie": f"connect.sid={cookie}"})
    assert answer.status_code == 401


# -- 4: numbers at the edge --------------------------------------------------------------------------


def _v2_revoke(client: FlaskClient, body: bytes) -> Any:
    created = client.post(
        "/admin/api-keys", json={"title": "edge", "type": "publishable"}, headers=_v2_admin(client)
    )
    key_id = created.get_json()["api_key"]["id"]
    return key_id, client.post(
        f"/admin/api-keys/{key_id}/revoke",
        data=body,
        content_type="application/json",
        headers=_v2_admin(client),
    )


@pytest.mark.parametrize("profile", ["contract", "medusa-2.21"])
@pytest.mark.parametrize("number", ["1e400", "1.8e308", "-1e400"])
def test_revoke_in_beyond_a_double_is_refused_like_zod(profile, number):
    client = _client("xclade-v2", profile=profile)
    key_id, answer = _v2_revoke(client, b'{"revoke_in":' + number.encode() + b"}")
    assert answer.status_code == 400
    infinity = "-Infinity" if number.startswith("-") else "Infinity"
    assert answer.get_json() == {
        "type": "invalid_data",
        "message": f"Invalid request: Expected type: 'number' for field 'revoke_in', got: '{infinity}'",
    }
    key = next(k for k in _state(client)["api_keys"] if k["id"] == key_id)
    assert key["revoked_at"] is None


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_json_number_literals_are_malformed_json(family, literal):
    client = _client(family)
    before = _state(client)
    answer = _write_with_literal(family, client, literal)
    assert answer.status_code == 400
    assert _state(client) == before


def _write_with_literal(family: str, client: FlaskClient, literal: str) -> Any:
    if family == "xclade-v2":
        return client.post(
            "/admin/api-keys",
            data=b'{"title":"n","type":"secret","x":' + literal.encode() + b"}",
            content_type="application/json",
            headers=_v2_admin(client),
        )
    if family == "medusa-v1":
        return client.post(
            "/admin/sales-channels",
            data=b'{"name":"n","is_disabled":' + literal.encode() + b"}",
            content_type="application/json",
            headers=_v1_admin(client),
        )
    user = _ak_user(client)
    return client.post(
        "/api/v1/applications",
        data=b'{"name":"n","description":' + literal.encode() + b"}",
        content_type="application/json",
        headers={"Authorization": f"Bearer {user['token']}"},
    )


def test_revoke_in_past_9999_follows_each_profile():
    contract = _client("xclade-v2")
    _, answer = _v2_revoke(contract, b'{"revoke_in":1e300}')
    assert answer.status_code == 200
    assert answer.get_json()["api_key"]["revoked_at"] == "9999-12-31T23:59:59.999Z"
    release = _client("xclade-v2", profile="medusa-2.21")
    key_id, answer = _v2_revoke(release, b'{"revoke_in":1e12}')
    assert answer.status_code == 500
    assert answer.get_json()["type"] == "unknown_error"
    key = next(k for k in _state(release)["api_keys"] if k["id"] == key_id)
    assert key["revoked_at"] is None  # rolled back
    _, answer = _v2_revoke(release, b'{"revoke_in":1e10}')
    assert answer.status_code == 200 and answer.get_json()["api_key"]["revoked_at"].startswith("2")


@pytest.mark.parametrize("seconds", [b"1e300", b"NaN", b"Infinity", b"-1e300", b"1e400", b"10" * 200])
def test_the_clock_refuses_to_leave_its_range(seconds):
    client = _client("app-keys")
    before = client.get("/__revokit/clock").get_json()
    answer = client.post(
        "/__revokit/clock/advance", data=b'{"seconds":' + seconds + b"}", content_type="application/json"
    )
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "Bad Request"
    after = client.get("/__revokit/clock").get_json()
    assert after["frozen"] == before["frozen"]
    assert after["now"][:15] == before["now"][:15]


@pytest.mark.parametrize("family", FAMILIES)
def test_tokens_mint_at_the_clocks_latest_instant(family):
    client = _client(family)
    answer = client.put("/__revokit/clock", json={"now": "9998-12-31T23:59:59Z"})
    assert answer.status_code == 200
    assert client.put("/__revokit/clock", json={"now": "9999-12-31T00:00:00Z"}).status_code == 400
    email = "alice@example.com" if family == "app-keys" else "admin@medusa-test.com"
    minted = client.post("/__revokit/tokens", json={"email": email})
    assert minted.status_code == 200
    if family == "medusa-v1":
        login = client.post("/admin/auth", json={"email": email, "password": "supersecret"})
        assert login.status_code == 200
    if family == "xclade-v2":
        login = client.post("/auth/user/emailpass", json={"email": email, "password": "supersecret"})
        assert login.status_code == 200


# -- 5: HEAD answers like GET, without a body ---------------------------------------------------------


def _list_routes(family: str, client: FlaskClient) -> list[tuple[str, dict[str, str]]]:
    if family == "medusa-v1":
        admin = _v1_admin(client)
        seed = client.get("/__revokit/seed").get_json()
        key_id = seed["publishable_api_keys"][0]["id"] if seed.get("publishable_api_keys") else "pk_x"
        return [
            ("/admin/publishable-api-keys", admin),
            ("/admin/sales-channels", admin),
            (f"/admin/publishable-api-keys/{key_id}/sales-channels", admin),
            ("/store/products", {}),
        ]
    if family == "xclade-v2":
        admin = _v2_admin(client)
        return [("/admin/api-keys", admin), ("/admin/sales-channels", admin)]
    user = _ak_user(client)
    auth = {"Authorization": f"Bearer {user['token']}"}
    app_id = user["applications"][0]["id"]
    return [("/api/v1/applications", auth), (f"/api/v1/applications/{app_id}/api-keys", auth)]


@pytest.mark.parametrize("family", FAMILIES)
def test_head_answers_like_get_without_a_body(family):
    client = _client(family)
    for path, headers in _list_routes(family, client):
        got = client.get(path, headers=headers)
        head = client.head(path, headers=headers)
        assert head.status_code == got.status_code, path
        assert head.data == b""
        assert head.headers.get("Content-Type") == got.headers.get("Content-Type")
        assert int(head.headers["Content-Length"]) == len(got.data)


# -- 10: a non-ASCII control token is a 401 ------------------------------------------------------------


@pytest.mark.parametrize("sent", ["\u00e9t\u00e9", "s\u00fcper", "tok\u00ff"])
def test_a_non_ascii_control_token_is_a_401(sent):
    client = _client("app-keys", control_token="s3cret")
    answer = client.get(
        "/__revokit/state", headers={"X-Revokit-Control-Token": sent.encode().decode("latin-1")}
    )
    assert answer.status_code == 401
    assert client.get("/__revokit/health", headers={"X-Revokit-Control-Token": "s3cret"}).status_code == 200


# -- 7: the control plane is neither readable nor writable cross-origin -----------------------------

CONTROL_ROUTES = [
    ("GET", "/__revokit/state"),
    ("GET", "/__revokit/seed"),
    ("GET", "/__revokit/journal"),
    ("POST", "/__revokit/reset"),
    ("POST", "/__revokit/tokens"),
]


@pytest.mark.parametrize("family", FAMILIES)
def test_the_control_plane_sends_no_cors_headers(family):
    client = _client(family)
    origin = {"Origin": "http://evil.example"}
    for method, path in CONTROL_ROUTES:
        answer = client.open(path, method=method, headers=origin, json={} if method == "POST" else None)
        assert "Access-Control-Allow-Origin" not in answer.headers, path
        assert "Access-Control-Allow-Credentials" not in answer.headers, path
        preflight = client.options(path, headers={**origin, "Access-Control-Request-Method": "POST"})
        assert not any(h.lower().startswith("access-control-") for h, _ in preflight.headers.items()), path
    # The API routes keep the CORS the real systems send (the origin echoed, with credentials).
    api = client.get("/__revokit/health")
    assert api.status_code == 200
    route = {"app-keys": "/api/v1/key-info", "medusa-v1": "/store/products", "xclade-v2": "/store/products"}
    answer = client.get(route[family], headers=origin)
    assert answer.headers["Access-Control-Allow-Origin"] == "http://evil.example"
    assert answer.headers["Access-Control-Allow-Credentials"] == "true"


@pytest.mark.parametrize(
    "host",
    ["evil.example", "evil.example:9000", "127.0.0.1.nip.io:9000", "localhost.evil.example", "10.0.0.1:9000"],
)
def test_without_a_token_the_control_plane_refuses_foreign_host_names(host):
    client = _client("app-keys")
    before = _state(client)
    for method, path in CONTROL_ROUTES:
        answer = client.open(
            path, method=method, headers={"Host": host}, json={} if method == "POST" else None
        )
        assert answer.status_code == 403, (host, path)
        assert "journal" not in answer.get_data(as_text=True) or answer.get_json()["error"] == "Forbidden"
    assert _state(client) == before


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:9000", "127.0.0.1:9000", "[::1]:9000", "127.0.0.2", "app.localhost"]
)
def test_without_a_token_loopback_host_names_reach_the_control_plane(host):
    client = _client("app-keys")
    assert client.get("/__revokit/health", headers={"Host": host}).status_code == 200


def test_with_a_token_any_host_name_may_reach_the_control_plane():
    client = _client("app-keys", control_token="s3cret")
    token = {"X-Revokit-Control-Token": "s3cret"}
    assert client.get("/__revokit/health", headers={"Host": "mock.internal:9000", **token}).status_code == 200
    assert client.get("/__revokit/health", headers={"Host": "mock.internal:9000"}).status_code == 401


# -- 8: tokens cannot be forged -------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_each_mock_signs_with_its_own_random_secret(family):
    first = build_app(family)
    second = build_app(family)
    secrets = {app.extensions["revokit"].settings.jwt_secret for app in (first, second)}
    assert len(secrets) == 2 and all(len(s) >= 32 for s in secrets)
    # A token one mock minted is refused by the other.
    email = "alice@example.com" if family == "app-keys" else "admin@medusa-test.com"
    token = first.test_client().post("/__revokit/tokens", json={"email": email}).get_json()["token"]
    path = {
        "app-keys": "/api/v1/applications",
        "medusa-v1": "/admin/publishable-api-keys",
        "xclade-v2": "/admin/api-keys",
    }
    headers = {"Authorization": f"Bearer {token}"}
    assert first.test_client().get(path[family], headers=headers).status_code == 200
    assert second.test_client().get(path[family], headers=headers).status_code == 401


@pytest.mark.parametrize("family", FAMILIES)
def test_a_configured_secret_keeps_tokens_valid_across_mocks(family):
    first = build_app(family, jwt_secret="a-stable-secret-for-this-test-run")
    second = build_app(family, jwt_secret="a-stable-secret-for-this-test-run")
    email = "alice@example.com" if family == "app-keys" else "admin@medusa-test.com"
    token = first.test_client().post("/__revokit/tokens", json={"email": email}).get_json()["token"]
    path = {
        "app-keys": "/api/v1/applications",
        "medusa-v1": "/admin/publishable-api-keys",
        "xclade-v2": "/admin/api-keys",
    }
    assert (
        second.test_client().get(path[family], headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )


def _signed(app: Any, claims: dict[str, Any]) -> str:
    import jwt

    return jwt.encode(claims, app.extensions["revokit"].settings.jwt_secret, algorithm="HS256")


def test_a_well_signed_token_for_an_invented_user_is_refused_by_the_contract():
    import jwt

    v1 = build_app("medusa-v1")
    before = _state(v1.test_client())
    invented = _signed(v1, {"user_id": "usr_invented", "domain": "admin", "exp": 4102444800})
    answer = v1.test_client().post(
        "/admin/publishable-api-keys",
        json={"title": "forged"},
        headers={"Authorization": f"Bearer {invented}"},
    )
    assert answer.status_code == 401 and _state(v1.test_client()) == before
    v2 = build_app("xclade-v2")
    real = jwt.decode(
        v2.extensions["revokit"].seed_info["admin"]["token"], options={"verify_signature": False}
    )
    invented = _signed(v2, {**real, "actor_id": "user_invented"})
    answer = v2.test_client().get("/admin/api-keys", headers={"Authorization": f"Bearer {invented}"})
    assert answer.status_code == 401


# -- 9: no credential in the clear in the state or the journal -------------------------------------


def test_the_state_shows_api_tokens_and_session_ids_redacted():
    from revokit.mockserver.redaction import redacted

    client = _client("medusa-v1")
    seed = client.get("/__revokit/seed").get_json()
    login = client.post("/admin/auth", json={"email": "admin@medusa-test.com", "password": "supersecret"})
    assert login.status_code == 200
    state = client.get("/__revokit/state").get_data(as_text=True)
    assert seed["admin"]["api_token"] not in state
    assert redacted(seed["admin"]["api_token"]) in state
    sessions = json.loads(state)["state"]["sessions"]
    assert sessions and all("***" in s["id"] for s in sessions)
    shown = _client("medusa-v1", show_secrets=True)
    assert seed["admin"]["api_token"] in shown.get("/__revokit/state").get_data(as_text=True)


@pytest.mark.parametrize("family", FAMILIES)
def test_the_journal_redacts_credentials_and_passwords(family):
    from revokit.mockserver.redaction import redacted

    client = _client(family)
    seed = client.get("/__revokit/seed").get_json()
    secrets: list[str] = []
    if family == "medusa-v1":
        token = seed["admin"]["api_token"]
        client.get("/admin/publishable-api-keys", headers={"x-medusa-access-token": token})
        client.post("/admin/auth", json={"email": "admin@medusa-test.com", "password": "supersecret"})
        secrets += [token, "supersecret"]
    elif family == "xclade-v2":
        import base64

        secret_key = next(k["token"] for k in seed["api_keys"] if k["type"] == "secret")
        basic = base64.b64encode(f"{secret_key}:".encode()).decode()
        client.get("/admin/api-keys", headers={"Authorization": f"Basic {basic}"})
        client.post(
            "/auth/user/emailpass", json={"email": "admin@medusa-test.com", "password": "supersecret"}
        )
        secrets += [basic, secret_key, "supersecret"]
    else:
        key = seed["users"][0]["applications"][0]["keys"][0]["key"]
        client.get("/api/v1/key-info", headers={"X-API-Key": key})
        client.get("/api/v1/applications", headers={"Authorization": f"Bearer {seed['users'][0]['token']}"})
        secrets += [key, seed["users"][0]["token"]]
    journal = client.get("/__revokit/journal").get_data(as_text=True)
    for secret in secrets:
        assert secret not in journal
    entries = client.get("/__revokit/journal").get_json()["entries"]
    headers = {k.lower(): v for e in entries for k, v in e["headers"].items()}
    if family == "medusa-v1":
        assert headers["x-medusa-access-token"] == redacted(secrets[0])
        assert entries[-1]["body"] == {"email": "admin@medusa-test.com", "password": "***"}
    elif family == "xclade-v2":
        assert headers["authorization"] == "Basic " + redacted(secrets[0])
    else:
        assert headers["x-api-key"] == redacted(secrets[0])
        assert headers["authorization"].startswith("Bearer eyJ")


# -- 11: HTTP-edge fidelity ----------------------------------------------------------------------------

LOGIN = {"email": "admin@medusa-test.com", "password": "supersecret"}
LOGIN_PATH = {"medusa-v1": "/admin/auth", "xclade-v2": "/auth/user/emailpass"}


def _login(client: FlaskClient, family: str, data: bytes, **headers: str) -> Any:
    content_type = headers.pop("content_type", "application/json")
    return client.post(LOGIN_PATH[family], data=data, content_type=content_type, headers=headers)


@pytest.mark.parametrize("family", ["medusa-v1", "xclade-v2"])
def test_gzip_and_deflate_bodies_are_inflated(family):
    import gzip
    import zlib

    client = _client(family)
    raw = json.dumps(LOGIN).encode()
    assert _login(client, family, gzip.compress(raw), **{"Content-Encoding": "gzip"}).status_code == 200
    assert _login(client, family, zlib.compress(raw), **{"Content-Encoding": "deflate"}).status_code == 200


@pytest.mark.parametrize("family", ["medusa-v1", "xclade-v2"])
def test_utf16_json_is_decoded(family):
    client = _client(family)
    raw = json.dumps(LOGIN).encode("utf-16")
    assert _login(client, family, raw, content_type="application/json; charset=utf-16").status_code == 200


def test_body_parser_refusals_in_v2():
    client = _client("xclade-v2", validate=False)
    raw = json.dumps(LOGIN).encode()
    answer = _login(client, "xclade-v2", raw, **{"Content-Encoding": "br"})
    assert answer.status_code == 415
    assert answer.get_json() == {"message": 'unsupported content encoding "br"', "type": "unknown_error"}
    answer = _login(client, "xclade-v2", raw, **{"Content-Encoding": "gzip"})
    assert answer.status_code == 400
    assert answer.get_json() == {"message": "incorrect header check", "type": "invalid_data"}
    answer = _login(client, "xclade-v2", raw, content_type="application/json; charset=latin1")
    assert answer.status_code == 415
    assert answer.get_json() == {"message": 'unsupported charset "LATIN1"', "type": "unknown_error"}


def test_body_parser_refusals_in_v1_1_20_are_html_pages():
    client = _client("medusa-v1", profile="medusa-1.20")
    raw = json.dumps(LOGIN).encode()
    answer = _login(client, "medusa-v1", raw, **{"Content-Encoding": "br"})
    assert answer.status_code == 415 and answer.mimetype == "text/html"
    assert "UnsupportedMediaTypeError: unsupported content encoding &quot;br&quot;" in answer.get_data(
        as_text=True
    )
    answer = _login(client, "medusa-v1", raw, **{"Content-Encoding": "gzip"})
    assert answer.status_code == 400 and "incorrect header check" in answer.get_data(as_text=True)
    contract = _client("medusa-v1", validate=False)
    answer = _login(contract, "medusa-v1", raw, **{"Content-Encoding": "br"})
    assert answer.status_code == 415 and answer.get_json()["type"] == "invalid_data"


def _sized_login(total: int) -> bytes:
    """A login of exactly ``total`` bytes (a long e-mail), which every route that reads it refuses."""
    head, tail = '{"email":"', '","password":"supersecret"}'
    return (head + "a" * (total - len(head) - len(tail)) + tail).encode()


@pytest.mark.parametrize(
    ("family", "profile", "too_large"),
    [
        ("xclade-v2", "contract", {"message": "request entity too large", "type": "unknown_error"}),
        ("medusa-v1", "contract", {"type": "entity.too.large", "message": "request entity too large"}),
        ("medusa-v1", "medusa-1.20", "PayloadTooLargeError: request entity too large"),
    ],
)
def test_medusa_bodies_stop_at_body_parsers_100_kb(family, profile, too_large):
    # Both releases keep bodyParser.json()'s default limit: 102,400 bytes are read, one more is 413.
    client = _client(family, profile=profile, validate=False)
    # Read, and refused by the route: not an e-mail (v1's validator), or a wrong login (v2).
    assert _login(client, family, _sized_login(100 * 1024)).status_code in (400, 401)
    answer = _login(client, family, _sized_login(100 * 1024 + 1))
    assert answer.status_code == 413
    if isinstance(too_large, dict):
        assert answer.get_json() == too_large
    else:
        assert answer.mimetype == "text/html" and too_large in answer.get_data(as_text=True)


@pytest.mark.parametrize("family", ["medusa-v1", "xclade-v2"])
def test_medusa_headers_stop_at_nodes_16_kib(family):
    # Node's --max-http-header-size (16 KiB): beyond it, Node itself answers 431 with no body.
    client = _client(family, validate=False)
    path = "/admin/publishable-api-keys" if family == "medusa-v1" else "/admin/api-keys"
    assert client.get(path, headers={"X-Padding": "a" * 15000}).status_code == 401
    refused = client.get(path, headers={"X-Padding": "a" * 20000})
    assert refused.status_code == 431 and refused.data == b"" and "Content-Type" not in refused.headers


def test_app_keys_headers_stop_at_32_kib():
    client = _client("app-keys", validate=False)
    assert client.get("/api/v1/applications", headers={"X-Padding": "a" * 20000}).status_code == 401
    refused = client.get("/api/v1/applications", headers={"X-Padding": "a" * 40000})
    assert refused.status_code == 400
    assert refused.get_json()["details"] == [{"field": "request", "message": "could not be parsed"}]


@pytest.mark.parametrize("family", FAMILIES)
def test_transport_refusals_are_not_held_to_an_operation_under_response_validation(family):
    # Answered before routing (413, 415, 431): the validating mock (the plugin's) must not turn
    # them into 500s because an operation's responses do not list them.
    app = build_app(family)  # validate_responses=True
    assert app.extensions["revokit"].config.validate_responses
    client = app.test_client()
    path = {"app-keys": "/api/v1/applications", "medusa-v1": "/admin/publishable-api-keys"}.get(
        family, "/admin/api-keys"
    )
    encoded = client.post(
        path, data=b"{}", headers={"Content-Type": "application/json", "Content-Encoding": "br"}
    )
    assert encoded.status_code == 415
    padded = client.get(path, headers={"X-Padding": "a" * 40000})
    assert padded.status_code == (400 if family == "app-keys" else 431)


def test_app_keys_bodies_stop_at_one_mib():
    client = _client("app-keys", validate=False)
    token = client.post("/__revokit/tokens", json={"email": "alice@example.com"}).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    head, tail = '{"name":"', '"}'
    for total, status in ((1024 * 1024, 400), (1024 * 1024 + 1, 413)):
        body = head + "a" * (total - len(head) - len(tail)) + tail
        answer = client.post(
            "/api/v1/applications", data=body, content_type="application/json", headers=headers
        )
        assert answer.status_code == status  # 400: the name is over its 100 characters


def test_a_gzip_bomb_is_refused_as_too_large():
    import gzip

    client = _client("xclade-v2", validate=False, max_body_bytes=64 * 1024)
    bomb = gzip.compress(b'{"email":"' + b"a" * (1024 * 1024) + b'"}')
    assert len(bomb) < 64 * 1024
    assert _login(client, "xclade-v2", bomb, **{"Content-Encoding": "gzip"}).status_code == 413


@pytest.mark.parametrize("family", FAMILIES)
def test_a_jwt_not_yet_valid_is_refused(family):
    import jwt

    app = build_app(family)
    client = app.test_client()
    email = "alice@example.com" if family == "app-keys" else "admin@medusa-test.com"
    token = client.post("/__revokit/tokens", json={"email": email}).get_json()["token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    now = int(app.extensions["revokit"].clock.now().timestamp())
    path = {
        "app-keys": "/api/v1/applications",
        "medusa-v1": "/admin/publishable-api-keys",
        "xclade-v2": "/admin/api-keys",
    }
    future = _signed(app, {**claims, "nbf": now + 3600})
    assert client.get(path[family], headers={"Authorization": f"Bearer {future}"}).status_code == 401
    past = _signed(app, {**claims, "nbf": now - 10})
    assert client.get(path[family], headers={"Authorization": f"Bearer {past}"}).status_code == 200
    client.post("/__revokit/clock/advance", json={"seconds": 3600})
    assert client.get(path[family], headers={"Authorization": f"Bearer {future}"}).status_code == 200


# -- 12: a guessed prefix buys no scrypt ---------------------------------------------------------------


@pytest.mark.parametrize("family", ["app-keys", "xclade-v2"])
def test_a_wrong_token_with_a_known_prefix_pays_no_scrypt(family, monkeypatch):
    import revokit.mockserver.hashing as hashing

    app = build_app(family)
    client = app.test_client()
    seed = client.get("/__revokit/seed").get_json()
    if family == "app-keys":
        real = seed["users"][0]["applications"][0]["keys"][0]["key"]
        forged = real[:11] + ("0" if real[11] != "0" else "1") + real[12:]
        send = lambda token: client.get("/api/v1/key-info", headers={"X-API-Key": token})  # noqa: E731
    else:
        import base64

        real = next(k["token"] for k in seed["api_keys"] if k["type"] == "secret" and k["state"] == "active")
        forged = real[:6] + ("0" if real[6] != "0" else "1") + real[7:]
        send = lambda token: client.get(  # noqa: E731
            "/admin/api-keys", headers={"Authorization": "Basic " + base64.b64encode(token.encode()).decode()}
        )
    calls: list[str] = []
    original = hashing.hash_secret
    models = __import__(f"revokit.mockserver.families.{family.replace('-', '_')}.models", fromlist=["x"])

    def counting(token: str, salt: str, *, n: int = hashing.DEFAULT_SCRYPT_N) -> str:
        calls.append(token)
        return original(token, salt, n=n)

    monkeypatch.setattr(hashing, "hash_secret", counting)
    monkeypatch.setattr(
        models, "verify_secret", lambda t, s, h, n: hashing.hmac.compare_digest(counting(t, s, n=n), h)
    )
    for _ in range(5):
        assert send(forged).status_code == 401
    assert send(real).status_code == 200
    assert calls == []  # neither the forged nor the real token needed scrypt


# -- 6: idle and slow connections do not make a port unreachable ---------------------------------

IDLE_SOCKETS = 150  # more than waitress's default connection_limit (100)


def test_many_idle_and_slow_connections_leave_the_port_answering(live_mock_factory):
    import socket

    import requests

    mock = live_mock_factory("app-keys", "--port", "0")
    port = mock.ports["app-keys"]
    held: list[socket.socket] = []
    try:
        for n in range(IDLE_SOCKETS):
            sock = socket.create_connection(("127.0.0.1", port), timeout=10)
            if n % 2:  # half of them slow: a request line and no end of headers
                sock.sendall(b"GET /__revokit/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            held.append(sock)
        health = requests.get(f"{mock.url('app-keys')}/__revokit/health", timeout=10)
        assert health.status_code == 200
        listed = requests.get(f"{mock.url('app-keys')}/api/v1/applications", timeout=10)
        assert listed.status_code == 401  # answered by the family, not refused at the door
        # The server closes a connection that stays idle (Node does after 5 s): recv sees the end.
        held[0].settimeout(30)
        assert held[0].recv(1) == b""
    finally:
        for sock in held:
            sock.close()
