"""The Medusa suites' `session_expires`: a short session is waited out and must then be refused;
a session that outlives its cookie fails the scenario; a long one is skipped, saying why."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from contracts_defects import seeded_admin
from flask import Flask

from revokit.contracts import medusa_v1, serve_wsgi, xclade_v2
from revokit.contracts.http import Client, Exchange, Secrets
from revokit.contracts.scenarios import ScenarioContext, ScenarioFailure, ScenarioSkipped
from revokit.contracts.session_lifetime import cookie_lifetime
from revokit.mockserver import MockConfig, create_app
from revokit_testing import TEST_SCRYPT_N

FOREVER = datetime(9000, 1, 1, tzinfo=UTC)


def _app(family: str, ttl: float | None) -> Flask:
    extra = {} if ttl is None else {"session_ttl_seconds": ttl}
    return create_app(MockConfig(family=family, scrypt_n=TEST_SCRYPT_N, **extra))


def _sessions_outlive_their_cookie(app: Flask) -> None:
    """The planted defect: the backend keeps every session past the lifetime its cookie states."""
    store = app.extensions["revokit"].backend.store
    get = store.get

    def get_session_forever(table: str, key: str):
        record = get(table, key)
        if table == "sessions" and record is not None:
            return dataclasses.replace(record, expires_at=FOREVER)
        return record

    store.get = get_session_forever


def _state(family: str, client: Client, app: Flask) -> dict:
    admin = seeded_admin(app)
    if family == "medusa-v1":
        return {"email": admin.email, "password": admin.password}
    login = client.post(xclade_v2.LOGIN, json_body={"email": admin.email, "password": admin.password})
    return {"jwt": login.json["token"]}


SCENARIOS: dict[str, Callable[[ScenarioContext], None]] = {
    "medusa-v1": medusa_v1.session_expires,
    "xclade-v2": xclade_v2.session_expires,
}


def _run(family: str, app: Flask) -> ScenarioContext:
    with serve_wsgi(app) as base:
        client = Client(base)
        ctx = ScenarioContext(client=client, secrets=Secrets(), state=_state(family, client, app))
        SCENARIOS[family](ctx)
        return ctx


@pytest.mark.parametrize("family", sorted(SCENARIOS))
def test_a_short_session_is_waited_out_and_refused(family):
    ctx = _run(family, _app(family, ttl=1))
    late = ctx.client.history[-1]
    assert late.status == 401


@pytest.mark.parametrize("family", sorted(SCENARIOS))
def test_a_session_that_outlives_its_cookie_fails_the_scenario(family):
    app = _app(family, ttl=1)
    _sessions_outlive_their_cookie(app)
    with pytest.raises(ScenarioFailure) as failure:
        _run(family, app)
    assert "after its lifetime" in str(failure.value)


@pytest.mark.parametrize("family", sorted(SCENARIOS))
def test_the_releases_ten_hours_are_not_waited_for(family):
    with pytest.raises(ScenarioSkipped, match=r"sessions last 36000 s on this backend"):
        _run(family, _app(family, ttl=None))


def _opened(set_cookie: str, date: str | None = "Mon, 07 Dec 2026 06:28:41 GMT") -> Exchange:
    headers = {"Set-Cookie": set_cookie, **({"Date": date} if date else {})}
    return Exchange("POST", "http://h/auth", [], None, 200, response_headers=headers)


@pytest.mark.parametrize(
    ("set_cookie", "lifetime"),
    [
        ("connect.sid=s%3Aa.b; Expires=Mon, 07 Dec 2026 06:28:43 GMT; Max-Age=2; HttpOnly; Path=/", 2.0),
        ("connect.sid=s%3Aa.b; Path=/; Expires=Mon, 07 Dec 2026 16:28:41 GMT; HttpOnly", 36000.0),
        ("connect.sid=s%3Aa.b; Path=/; HttpOnly", None),  # a browser-session cookie
        ("other=1; Max-Age=5", None),
        ("connect.sid=x; Max-Age=soon", None),
    ],
)
def test_cookie_lifetime(set_cookie, lifetime):
    assert cookie_lifetime(_opened(set_cookie), "connect.sid") == lifetime
