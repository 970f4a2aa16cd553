"""A single-valued query parameter given more than once is refused, as the real systems refuse it.

The form style that OpenAPI's query parameters use keeps the first of several values, so a
validator that goes by the spec alone accepts ``?q=a&q=b`` and searches for ``a``. Express's ``qs``
reads the same query as an array, and Medusa 2.21.2's zod answers ``400 Expected type: 'string' for
field 'q', got: 'a,b'`` (recorded on the release for every list route, the frontend routes
included), Medusa 1.20.11's class-validator ``q must be a string``. Repeating a parameter the spec
declares as an array stays allowed. Both validators (compiled and openapi-core) share the check.
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from revokit.mockserver import MockConfig, create_app
from revokit_testing import TEST_SCRYPT_N

V2_INVALID = "invalid_data"

# (path, the 2.21.2 message after "Invalid request: "), as the release answered on 2026-12-06.
V2_REPEATED = [
    ("/admin/api-keys?q=a&q=b", "Expected type: 'string' for field 'q', got: 'a,b'"),
    ("/admin/api-keys?order=a&order=b", "Expected type: 'string' for field 'order', got: 'a,b'"),
    ("/admin/api-keys?fields=id&fields=title", "Expected type: 'string' for field 'fields', got: 'id,title'"),
    ("/admin/api-keys?limit=1&limit=2", "Expected type: 'number' for field 'limit', got: '1,2'"),
    ("/admin/api-keys?offset=1&offset=2", "Expected type: 'number' for field 'offset', got: '1,2'"),
    (
        "/admin/api-keys?type=secret&type=publishable",
        "Expected: 'publishable, secret' for field 'type', but got: 'secret,publishable'",
    ),
    ("/admin/stores?q=a&q=b", "Expected type: 'string' for field 'q', got: 'a,b'"),
    ("/admin/regions?q=a&q=b", "Expected type: 'string' for field 'q', got: 'a,b'"),
    ("/admin/currencies?q=a&q=b", "Expected type: 'string' for field 'q', got: 'a,b'"),
    ("/admin/orders?q=a&q=b", "Expected type: 'string' for field 'q', got: 'a,b'"),
    ("/admin/sales-channels?q=a&q=b", "Expected type: 'string' for field 'q', got: 'a,b'"),
]


def _client(family: str, validator: str, profile: str = "contract") -> FlaskClient:
    config = MockConfig(family=family, profile=profile, validator=validator, scrypt_n=TEST_SCRYPT_N)
    app = create_app(config)
    app.testing = True
    return app.test_client()


@pytest.fixture(scope="module", params=["compiled", "openapi-core"])
def v2(request: pytest.FixtureRequest) -> tuple[FlaskClient, dict[str, str]]:
    client = _client("xclade-v2", request.param)
    token = client.get("/__revokit/seed").get_json()["admin"]["token"]
    return client, {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(("path", "message"), V2_REPEATED)
def test_v2_refuses_a_repeated_single_valued_parameter(v2, path: str, message: str) -> None:
    client, admin = v2
    answer = client.get(path, headers=admin)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    assert answer.get_json() == {"type": V2_INVALID, "message": f"Invalid request: {message}"}


@pytest.mark.parametrize("profile", ["contract", "medusa-2.21"])
def test_v2_release_profile_refuses_it_too(profile: str) -> None:
    client = _client("xclade-v2", "compiled", profile)
    token = client.get("/__revokit/seed").get_json()["admin"]["token"]
    answer = client.get("/admin/api-keys?q=a&q=b", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 400
    assert (
        answer.get_json()["message"] == "Invalid request: Expected type: 'string' for field 'q', got: 'a,b'"
    )


def test_v2_repeating_an_array_parameter_is_still_a_list(v2) -> None:
    client, admin = v2
    keys = client.get("/admin/api-keys", headers=admin).get_json()["api_keys"]
    first, second = keys[0], keys[1]
    answer = client.get(f"/admin/api-keys?id={first['id']}&id={second['id']}", headers=admin)
    assert answer.status_code == 200
    assert {k["id"] for k in answer.get_json()["api_keys"]} == {first["id"], second["id"]}


def test_v2_a_single_value_still_searches(v2) -> None:
    client, admin = v2
    answer = client.get("/admin/stores?q=Store", headers=admin)
    assert answer.status_code == 200
    assert [s["name"] for s in answer.get_json()["stores"]] == ["Medusa Store"]


@pytest.mark.parametrize("validator", ["compiled", "openapi-core"])
def test_app_keys_refuses_a_repeated_limit(validator: str) -> None:
    client = _client("app-keys", validator)
    alice = client.get("/__revokit/seed").get_json()["users"][0]
    answer = client.get(
        "/api/v1/applications?limit=1&limit=2", headers={"Authorization": f"Bearer {alice['token']}"}
    )
    assert answer.status_code == 400
    body = answer.get_json()
    assert body["code"] == 400 and body["error"] == "Bad Request"
    assert body["details"] == [{"field": "limit", "message": "must be an integer"}]


@pytest.mark.parametrize("validator", ["compiled", "openapi-core"])
@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/admin/publishable-api-keys?q=a&q=b", "q must be a string"),
        (
            "/admin/publishable-api-keys?limit=1&limit=2",
            "limit must be a number conforming to the specified constraints",
        ),
        ("/store/products?q=a&q=b", "q must be a string"),
    ],
)
def test_v1_answers_like_class_validator(validator: str, path: str, message: str) -> None:
    client = _client("medusa-v1", validator)
    seed = client.get("/__revokit/seed").get_json()
    headers = {"x-medusa-access-token": seed["admin"]["api_token"]}
    answer = client.get(path, headers=headers)
    assert answer.status_code == 400
    assert answer.get_json() == {"type": "invalid_data", "message": message}
