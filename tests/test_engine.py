"""The engine's promises, on the app-keys family: routing from the spec, error shapes, CORS."""

from __future__ import annotations

import pytest

from revokit.mockserver import MockConfig, create_app
from revokit.mockserver.engine import FamilyDefinition, check_handlers, operations_of
from revokit.mockserver.families import get_family
from revokit.specs import load_spec
from revokit_testing import TEST_SCRYPT_N, bearer, build_app


@pytest.fixture(scope="module")
def app():
    return build_app("app-keys", max_body_bytes=4096)


@pytest.fixture
def client(app):
    app.extensions["revokit"].reset()
    return app.test_client()


@pytest.fixture
def alice(client):
    return client.get("/__revokit/seed").get_json()["users"][0]


def test_every_spec_operation_is_routed_to_a_handler():
    family = get_family("app-keys")
    operations = operations_of(load_spec("app-keys"))
    check_handlers(family, operations)
    assert {op.operation_id for op in operations} == set(family.handlers)


def test_spec_and_handlers_must_agree():
    family = get_family("app-keys")
    partial = FamilyDefinition(**{**family.__dict__, "handlers": dict(list(family.handlers.items())[1:])})
    with pytest.raises(RuntimeError, match="no handler for"):
        check_handlers(partial, operations_of(load_spec("app-keys")))


def test_unknown_route_answers_in_the_family_shape(client):
    response = client.get("/nothing/here")
    assert response.status_code == 404
    assert response.is_json and response.get_json()["code"] == 404


def test_wrong_method_keeps_allow_header(client):
    for method in ("PUT", "PATCH", "TRACE", "OPTIONS"):
        response = client.open("/api/v1/applications", method=method)
        assert response.status_code == 405, method
        assert response.headers["Allow"] == "GET, HEAD, POST"
        assert response.get_json() == {
            "error": "Method Not Allowed",
            "message": "The requested method is not allowed for this resource",
            "code": 405,
        }


def test_oversized_body_is_413_in_shape(client, alice):
    response = client.post("/api/v1/applications", headers=bearer(alice), json={"name": "x" * 10_000})
    assert response.status_code == 413
    assert response.get_json()["error"] == "Payload Too Large"


def test_invalid_utf8_body_is_a_400_in_shape(client, alice):
    response = client.post(
        "/api/v1/applications",
        headers=bearer(alice),
        data=b'{"name": "\xff"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.get_json()["details"] == [{"field": "body", "message": "must be well-formed JSON"}]


def test_no_answer_is_html(client, alice):
    probes = [
        client.get("/"),
        client.get("/api/v1/applications/%00"),
        client.get("/api/v1/applications/../../etc/passwd", headers=bearer(alice)),
        client.delete("/api/v1/applications/" + "a" * 5000 + "/api-keys/x", headers=bearer(alice)),
        client.post(
            "/api/v1/applications", headers=bearer(alice), data="[" * 5000, content_type="application/json"
        ),
    ]
    for response in probes:
        assert response.status_code < 500, response.data[:200]
        assert response.is_json, response.data[:200]


def test_cors_allows_a_browser_frontend_with_credentials(client, alice):
    preflight = client.options(
        "/api/v1/applications",
        headers={
            "Origin": "http://localhost:5173",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert preflight.headers["Access-Control-Allow-Credentials"] == "true"
    assert "authorization" in preflight.headers["Access-Control-Allow-Headers"]
    actual = client.get("/api/v1/applications", headers={**bearer(alice), "Origin": "http://localhost:5173"})
    assert actual.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert "Origin" in actual.headers["Vary"]


def test_response_validation_catches_a_handler_that_breaks_the_spec():
    from revokit.mockserver import ResponseSpecViolation
    from revokit.mockserver.engine import Reply

    family = get_family("app-keys")
    broken = dict(family.handlers)
    broken["getKeyInfo"] = lambda backend, call: Reply({"key_id": "not-a-uuid"})
    app = build_app("app-keys")
    runtime = app.extensions["revokit"]
    runtime.family = FamilyDefinition(**{**family.__dict__, "handlers": broken})
    key = runtime.seed_info["users"][0]["applications"][0]["keys"][0]["key"]
    with pytest.raises(ResponseSpecViolation, match="key-info"):
        app.test_client().get("/api/v1/key-info", headers={"X-API-Key": key})
    # Outside testing the violation is reported, never served as a traceback.
    app.testing = False
    response = app.test_client().get("/api/v1/key-info", headers={"X-API-Key": key})
    assert response.status_code == 500 and response.is_json
    assert "key-info" in response.headers["X-Revokit-Spec-Violation"]


def test_app_factory_has_no_shared_state():
    # One signing secret for both (each app draws its own by default), so alice's token is valid
    # in both and only the state can differ.
    first = create_app(MockConfig(family="app-keys", scrypt_n=2**10, jwt_secret="shared-by-both-apps"))
    second = create_app(MockConfig(family="app-keys", scrypt_n=2**10, jwt_secret="shared-by-both-apps"))
    alice = first.extensions["revokit"].seed_info["users"][0]
    created = first.test_client().post(
        "/api/v1/applications", headers=bearer(alice), json={"name": "only here"}
    )
    assert created.status_code == 201
    listed = second.test_client().get("/api/v1/applications", headers=bearer(alice)).get_json()
    assert "only here" not in [a["name"] for a in listed["data"]]


def test_deep_nesting_and_huge_headers_are_refused_in_shape(client, alice):
    for body in ("[" * 2000 + "]" * 2000, '{"name":' + "[" * 100 + "]" * 100 + "}"):
        response = client.post(
            "/api/v1/applications", headers=bearer(alice), data=body, content_type="application/json"
        )
        assert response.status_code == 400
        assert response.get_json()["details"] == [{"field": "body", "message": "must be well-formed JSON"}]
    brackets_in_a_string = {"name": "[" * 90}  # more than the depth limit, inside a string
    assert (
        client.post("/api/v1/applications", headers=bearer(alice), json=brackets_in_a_string).status_code
        == 201
    )
    huge = client.get("/api/v1/applications", headers={**bearer(alice), "X-Big": "x" * 100_000})
    assert huge.status_code == 400 and huge.get_json()["code"] == 400


DEEP_JSON = b'{"a":' * 100 + b"1" + b"}" * 100  # well-formed, deeper than MAX_JSON_DEPTH (64)


@pytest.mark.parametrize(
    "family, path, expected",
    [
        (
            "app-keys",
            "/api/v1/applications",
            {
                "error": "Bad Request",
                "message": "The request contains invalid parameters or malformed data",
                "code": 400,
                "details": [{"field": "body", "message": "must be well-formed JSON"}],
            },
        ),
        # No JSON.parse / V8 wording applies to the engine's own limit: the Medusa families say it.
        (
            "medusa-v1",
            "/admin/publishable-api-keys",
            {"type": "invalid_data", "message": "JSON nested deeper than 64 levels"},
        ),
        (
            "xclade-v2",
            "/admin/api-keys",
            {"message": "JSON nested deeper than 64 levels", "type": "invalid_data"},
        ),
    ],
)
def test_json_deeper_than_the_limit_gets_each_familys_exact_400(family, path, expected):
    app = create_app(MockConfig(family=family, scrypt_n=TEST_SCRYPT_N))
    seed = app.extensions["revokit"].seed_info
    client = app.test_client()
    if family == "app-keys":
        token = seed["users"][0]["token"]
    elif family == "medusa-v1":
        login = {"email": seed["admin"]["email"], "password": seed["admin"]["password"]}
        token = client.post("/admin/auth/token", json=login).get_json()["access_token"]
    else:
        token = seed["admin"]["token"]
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    answer = client.post(path, data=DEEP_JSON, headers=headers)
    assert answer.status_code == 400
    assert answer.get_json() == expected
    assert list(answer.get_json()) == list(expected)  # the key order is part of the body


def test_json_texts_are_used_again_only_for_the_very_same_objects() -> None:
    from revokit.mockserver.engine import JsonTexts

    texts, made = JsonTexts(size=3), []

    def text_of(*sources: object) -> str:
        return texts.text(sources, lambda: made.append(sources) or {"v": [list(s) for s in sources]})

    one, equal_to_one, two = [1], [1], [2]
    first = text_of(one, two)
    assert text_of(one, two) == first == '{"v":[[1],[2]]}' and len(made) == 1
    assert text_of(equal_to_one, two) == first and len(made) == 2  # equal is not the same record
    assert text_of(one) != first and len(made) == 3  # fewer sources: another text
    text_of(two)  # a fourth text: the memo was full, so it starts again
    assert text_of(one, two) == first and len(made) == 5


def test_list_text_writes_what_encoding_the_whole_object_writes() -> None:
    from revokit.mockserver.engine import _JSON, list_text

    items = [{"title": "caf\u00e9 \u2028", "n": 2.5}, {"tags": [], "none": None}]
    for rest in ({}, {"count": 2, "offset": 0.5, "limit": None}):
        expected = _JSON.encode({"products": items, **rest})
        assert list_text("products", [_JSON.encode(i) for i in items], rest) == expected
    assert list_text("products", [], {"count": 0}) == '{"products":[],"count":0}'
