"""The operation lane (mockserver/operation_lane.py) answers exactly as Flask's road does.

The lane serves requests that name one spec operation without Flask's request context; every other
request goes through Flask. Each request below is sent twice to one app, once down each road, and
the two answers (status, headers, body) and journal entries must be the same. The requests are
chosen so that sending one twice changes nothing a second answer shows: reads, and refusals of
every kind (authentication, validation, body parsing, size limits, unknown routes and methods).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, request_started

from revokit_testing import build_app

BIG_HEADER = {"X-Padding": "p" * 40_000}
ORIGIN = {"Origin": "http://localhost:5173"}


def _app_keys_requests(seed: dict[str, Any]) -> list[dict[str, Any]]:
    alice = seed["users"][0]
    application = alice["applications"][0]
    key = application["keys"][0]
    bearer = {"Authorization": f"Bearer {alice['token']}"}
    apps = "/api/v1/applications"
    keys = f"{apps}/{application['id']}/api-keys"
    return [
        {"method": "GET", "path": "/api/v1/key-info", "headers": {"X-API-Key": key["key"], **ORIGIN}},
        {"method": "GET", "path": "/api/v1/key-info", "headers": {"X-API-Key": "ak_" + "0" * 40}},
        {"method": "GET", "path": "/api/v1/key-info"},
        {"method": "GET", "path": apps, "headers": bearer},
        {"method": "GET", "path": apps + "?limit=abc", "headers": bearer},
        {"method": "GET", "path": apps + "?unknown=1", "headers": bearer},
        {"method": "GET", "path": keys, "headers": bearer},
        {"method": "GET", "path": f"{keys}/{key['id']}", "headers": bearer},
        {"method": "GET", "path": f"{keys}/00000000-0000-4000-8000-000000000000", "headers": bearer},
        {"method": "GET", "path": f"{keys}/not-a-uuid", "headers": bearer},
        {"method": "POST", "path": apps, "headers": bearer, "data": "{bad", "json_type": True},
        {"method": "POST", "path": apps, "headers": bearer, "json": {"name": 5}},
        {"method": "POST", "path": apps, "headers": bearer, "json": {"name": "x", "extra": 1}},
        {"method": "POST", "path": apps, "json": {"name": "no credentials"}},
        {"method": "POST", "path": apps, "headers": bearer, "data": "name=x", "content_type": "text/plain"},
        {
            "method": "POST",
            "path": apps,
            "headers": bearer,
            "data": "[" * 2000 + "]" * 2000,
            "json_type": True,
        },
        {"method": "GET", "path": apps, "headers": {**bearer, **BIG_HEADER}},
        {"method": "HEAD", "path": apps, "headers": bearer},
        {"method": "OPTIONS", "path": apps, "headers": {**ORIGIN, "Access-Control-Request-Method": "POST"}},
        {"method": "GET", "path": "/api/v1/nowhere", "headers": bearer},
        {"method": "DELETE", "path": "/api/v1/key-info", "headers": bearer},
        {"method": "GET", "path": apps + "/", "headers": bearer},
    ]


def _medusa_v1_requests(seed: dict[str, Any]) -> list[dict[str, Any]]:
    token = {"x-medusa-access-token": seed["admin"]["api_token"]}
    key = seed["publishable_api_keys"][0]
    store = {"x-publishable-api-key": key["id"]}
    keys = "/admin/publishable-api-keys"
    return [
        {"method": "GET", "path": keys, "headers": {**token, **ORIGIN}},
        {"method": "GET", "path": keys + "?limit=-1", "headers": token},
        {"method": "GET", "path": keys + "?q=web&offset=0&limit=2", "headers": token},
        {"method": "GET", "path": f"{keys}/{key['id']}", "headers": token},
        {"method": "GET", "path": f"{keys}/pk_unknown", "headers": token},
        {"method": "GET", "path": keys, "headers": {"x-medusa-access-token": "wrong"}},
        {"method": "GET", "path": keys},
        {"method": "POST", "path": keys, "headers": token, "json": {"title": 5}},
        {"method": "POST", "path": keys, "headers": token, "data": '{"title":', "json_type": True},
        {"method": "POST", "path": keys, "headers": token, "data": "x" * 200_000, "json_type": True},
        {"method": "POST", "path": f"{keys}/{key['id']}/sales-channels/batch", "headers": token, "json": {}},
        {"method": "GET", "path": "/store/products", "headers": store},
        {"method": "GET", "path": "/store/products?limit=1&offset=1", "headers": store},
        {"method": "GET", "path": "/store/products", "headers": {"x-publishable-api-key": "pk_nope"}},
        {"method": "GET", "path": f"/store/products/{seed['products'][0]['id']}", "headers": store},
        {"method": "GET", "path": "/admin/store", "headers": token},
        {"method": "GET", "path": keys, "headers": {**token, "X-Padding": "p" * 20_000}},
        {"method": "HEAD", "path": keys, "headers": token},
        {"method": "GET", "path": "/admin/nowhere", "headers": token},
        {"method": "PUT", "path": keys, "headers": token},
        {"method": "GET", "path": keys + "/", "headers": token},
    ]


def _xclade_v2_requests(seed: dict[str, Any]) -> list[dict[str, Any]]:
    jwt = {"Authorization": f"Bearer {seed['admin']['token']}"}
    key = seed["api_keys"][0]
    store = {"x-publishable-api-key": key["token"]}
    keys = "/admin/api-keys"
    return [
        {"method": "GET", "path": keys, "headers": {**jwt, **ORIGIN}},
        {"method": "GET", "path": keys + "?fields=id,title&order=-created_at", "headers": jwt},
        {"method": "GET", "path": keys + "?order=type,created_at", "headers": jwt},
        {"method": "GET", "path": keys + "?limit=x", "headers": jwt},
        {"method": "GET", "path": keys + "?q=default&type=publishable", "headers": jwt},
        {"method": "GET", "path": f"{keys}/{key['id']}", "headers": jwt},
        {"method": "GET", "path": f"{keys}/apk_unknown", "headers": jwt},
        {"method": "GET", "path": f"{keys}/apk_%C3%A9t%C3%A9", "headers": jwt},
        {"method": "GET", "path": "/admin/api-keys/%2e%2e", "headers": jwt},
        {"method": "GET", "path": "/admin//api-keys", "headers": jwt},
        {"method": "GET", "path": keys, "headers": {"Authorization": "Bearer not.a.jwt"}},
        {"method": "GET", "path": keys, "headers": {"Authorization": "Basic c2tfbm9wZTo="}},
        {"method": "POST", "path": keys, "headers": jwt, "json": {"title": "t", "type": "nope"}},
        {"method": "POST", "path": keys, "headers": jwt, "data": " 5", "json_type": True},
        {"method": "POST", "path": keys, "headers": jwt, "data": "null", "json_type": True},
        {"method": "POST", "path": keys, "headers": jwt, "data": "x=1", "content_type": "text/xml"},
        {"method": "POST", "path": f"{keys}/apk_unknown/revoke", "headers": jwt, "json": {}},
        {"method": "GET", "path": "/store/products", "headers": store},
        {"method": "GET", "path": "/store/products?fields=title", "headers": store},
        {"method": "GET", "path": "/store/products"},
        {"method": "GET", "path": "/health"},
        {"method": "POST", "path": "/auth/user/emailpass", "json": {"email": "a@b.c", "password": 5}},
        {"method": "GET", "path": keys, "headers": {**jwt, "X-Padding": "p" * 20_000}},
        {"method": "HEAD", "path": keys, "headers": jwt},
        {"method": "GET", "path": "/admin/nowhere", "headers": jwt},
        {"method": "PATCH", "path": keys, "headers": jwt},
    ]


REQUESTS = {
    "app-keys": _app_keys_requests,
    "medusa-v1": _medusa_v1_requests,
    "xclade-v2": _xclade_v2_requests,
}


@pytest.fixture(scope="module", params=sorted(REQUESTS))
def family_app(request: pytest.FixtureRequest) -> Iterator[tuple[str, Flask]]:
    app = build_app(request.param)
    yield request.param, app


def _send(app: Flask, spec: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    kwargs: dict[str, Any] = {"headers": spec.get("headers", {})}
    if "json" in spec:
        kwargs["json"] = spec["json"]
    if "data" in spec:
        kwargs["data"] = spec["data"]
        kwargs["content_type"] = "application/json" if spec.get("json_type") else spec["content_type"]
    response = app.test_client().open(spec["path"], method=spec["method"], **kwargs)
    return response.status_code, sorted(response.headers.items()), response.get_data()


def _last_entry(app: Flask) -> dict[str, Any] | None:
    entries = app.extensions["revokit"].journal.entries()
    if not entries:
        return None
    entry = dict(entries[-1])
    entry.pop("seq")
    return entry


def test_both_roads_answer_alike(family_app: tuple[str, Flask]) -> None:
    family, app = family_app
    lane = app.operation_lane
    assert lane is not None
    clock = app.extensions["revokit"].clock
    clock.set(clock.now())  # frozen: both roads' answers and entries carry the same instants
    seed = app.test_client().get("/__revokit/seed").get_json()
    compared = 0
    for spec in REQUESTS[family](seed):
        answers = []
        for road in (lane, None):
            app.operation_lane = road
            try:
                answers.append((_send(app, spec), _last_entry(app)))
            finally:
                app.operation_lane = lane
        (lane_answer, lane_entry), (flask_answer, flask_entry) = answers
        where = f"{spec['method']} {spec['path'][:80]}"
        assert lane_answer == flask_answer, where
        assert lane_entry == flask_entry, where
        compared += 1
    assert compared == len(REQUESTS[family](seed))


def test_a_create_is_answered_alike_but_for_its_new_id() -> None:
    """A write down each road: the same answer once the new record's id and times are set aside."""
    app = build_app("xclade-v2")
    seed = app.test_client().get("/__revokit/seed").get_json()
    jwt = {"Authorization": f"Bearer {seed['admin']['token']}"}
    lane = app.operation_lane
    bodies = []
    for road in (lane, None):
        app.operation_lane = road
        response = app.test_client().post(
            "/admin/api-keys", headers=jwt, json={"title": "both roads", "type": "publishable"}
        )
        assert response.status_code == 200, response.get_data()
        key = response.get_json()["api_key"]
        for volatile in ("id", "token", "redacted", "created_at", "updated_at"):
            assert key.pop(volatile)
        bodies.append(key)
        app.operation_lane = lane
    assert bodies[0] == bodies[1]
    journal = app.extensions["revokit"].journal.entries()
    assert [e["operation_id"] for e in journal[-2:]] == ["PostApiKeys", "PostApiKeys"]
    assert journal[-1]["body"] == journal[-2]["body"] == {"title": "both roads", "type": "publishable"}


@pytest.mark.parametrize(
    ("method", "path", "flask_serves"),
    [
        ("GET", "/api/v1/key-info", False),
        ("POST", "/api/v1/applications", False),
        ("HEAD", "/api/v1/key-info", True),
        ("OPTIONS", "/api/v1/applications", True),
        ("GET", "/api/v1/nowhere", True),
        ("DELETE", "/api/v1/key-info", True),
        ("GET", "/__revokit/health", True),
        ("GET", "/__revokit/seed", True),
    ],
)
def test_the_lane_takes_spec_operations_and_leaves_the_rest_to_flask(
    method: str, path: str, flask_serves: bool
) -> None:
    app = build_app("app-keys")
    seen: list[str] = []

    def started(sender: Flask, **_: Any) -> None:
        seen.append("flask")

    with request_started.connected_to(started, app):
        app.test_client().open(path, method=method, json={"name": "x"} if method == "POST" else None)
    assert (seen == ["flask"]) is flask_serves


def test_a_body_declared_too_large_goes_to_flask_and_is_refused_alike() -> None:
    app = build_app("xclade-v2")
    seed = app.test_client().get("/__revokit/seed").get_json()
    spec = {
        "method": "POST",
        "path": "/admin/api-keys",
        "headers": {"Authorization": f"Bearer {seed['admin']['token']}"},
        "data": json.dumps({"title": "x" * 200_000, "type": "secret"}),
        "json_type": True,
    }

    def count() -> int:
        return app.test_client().get("/admin/api-keys", headers=spec["headers"]).get_json()["count"]

    before = count()
    lane = app.operation_lane
    with_lane = _send(app, spec)
    app.operation_lane = None
    without = _send(app, spec)
    assert with_lane[0] == 413 and with_lane == without
    app.operation_lane = lane
    assert count() == before  # nothing was made


def _wsgi_output(app: Any, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
    started: dict[str, Any] = {}

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        started.update(status=status, headers=headers)
        return lambda _data: None

    out = app(environ, start_response)
    try:
        body = b"".join(out)
    finally:
        if hasattr(out, "close"):
            out.close()
    return started["status"], started["headers"], body


def _answers() -> list[Any]:
    from flask import Response

    def streamed() -> Iterator[bytes]:
        yield b'{"streamed":'
        yield b"true}"

    closing = Response(b"{}", mimetype="application/json")
    closing.call_on_close(lambda: None)
    located = Response(b"{}", status=201, mimetype="application/json")
    located.headers["Location"] = "/admin/api-keys/caf\u00e9"  # an IRI: werkzeug quotes it
    no_content = Response(b"", status=204)
    not_modified = Response(b"{}", status=304, mimetype="application/json")
    return [
        Response(b'{"api_key":{"id":"apk_1"}}', mimetype="application/json", headers={"Vary": "Origin"}),
        Response('{"title":"caf\u00e9"}', status=400, mimetype="application/json"),
        Response(streamed(), mimetype="application/json"),
        closing,
        located,
        no_content,
        not_modified,
    ]


@pytest.mark.parametrize("method", ["POST", "HEAD"])
@pytest.mark.parametrize("index", range(len(_answers())))
def test_the_lane_hands_an_answer_to_the_server_as_werkzeug_would(index: int, method: str) -> None:
    """``start`` skips werkzeug's header rewrite only where it would change nothing: the status,
    headers and body the server gets are the same either way."""
    from werkzeug.test import EnvironBuilder

    from revokit.mockserver.operation_lane import start

    environ = EnvironBuilder("/admin/api-keys", method=method).get_environ()
    direct = _wsgi_output(lambda e, sr: start(_answers()[index], e, sr), dict(environ))
    by_werkzeug = _wsgi_output(lambda e, sr: _answers()[index](e, sr), dict(environ))
    assert direct == by_werkzeug
