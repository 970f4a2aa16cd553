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


def _client(family: str, **config: Any) -> FlaskClient:
    # A release profile answers outside the spec on purpose (a 500 the release gives).
    app = build_app(family, **config)
    if config.get("profile", "contract") != "contract":
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
    from revokit.mockserver.families.medusa_v1.dto import js_number

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
