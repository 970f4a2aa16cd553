"""Failures the engine detects, in Medusa's words (contract profile), and the spec itself."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from revokit.mockserver.families.medusa_v1 import FAMILY
from revokit.specs import load_spec, validate_spec

KEYS = "/admin/publishable-api-keys"


def test_the_spec_is_valid_and_matches_the_handlers() -> None:
    validate_spec("medusa-v1")
    spec = load_spec("medusa-v1")
    operation_ids = {
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in ("get", "post", "delete")
    }
    assert len(operation_ids) == 34  # the key routes and the ones the v1 admin calls around them
    assert operation_ids == set(FAMILY.handlers)


def test_unknown_route(client: FlaskClient, auth: dict) -> None:
    response = client.get("/admin/nothing-here", headers=auth)
    assert response.status_code == 404
    assert response.get_json() == {"type": "not_found", "message": "Cannot GET /admin/nothing-here"}


def test_method_not_allowed_keeps_allow(client: FlaskClient, auth: dict) -> None:
    response = client.patch(KEYS, headers=auth)
    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD, POST"
    assert response.get_json() == {"type": "not_allowed", "message": f"Cannot PATCH {KEYS}"}


def test_body_too_large(client: FlaskClient, auth: dict) -> None:
    body = b'{"title":"' + b"x" * (1024 * 1024) + b'"}'
    response = client.post(KEYS, data=body, content_type="application/json", headers=auth)
    assert response.status_code == 413
    assert response.get_json() == {"type": "entity.too.large", "message": "request entity too large"}


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ('{"title": }', "Unexpected token in JSON at position 10"),
        ("{", "Unexpected token in JSON at position 1"),
        ('"just a string"', "Unexpected token in JSON at position 0"),
        ("null", "Unexpected token in JSON at position 0"),
    ],
)
def test_malformed_json_is_json_in_the_contract(
    client: FlaskClient, auth: dict, raw: str, message: str
) -> None:
    response = client.post(KEYS, data=raw, content_type="application/json", headers=auth)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert response.get_json() == {"type": "invalid_data", "message": message}


def test_the_body_parser_runs_before_auth(client: FlaskClient) -> None:
    response = client.post(KEYS, data="{", content_type="application/json")
    assert response.status_code == 400


def test_an_unexpected_failure_is_unknown_error(
    client: FlaskClient, v1_app: Flask, auth: dict, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(key_id: str) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(v1_app.extensions["revokit"].backend, "get_key", explode)
    response = client.get(f"{KEYS}/pk_anything", headers=auth)
    assert response.status_code == 500
    assert response.get_json() == {
        "code": "unknown_error",
        "type": "unknown_error",
        "message": "An unknown error occurred.",
    }
    assert list(response.get_json()) == ["code", "type", "message"]


def test_unknown_query_parameters_are_ignored_where_medusa_ignores_them(
    client: FlaskClient, auth: dict, keys: dict, channels: dict
) -> None:
    key_id = keys["one_channel"]["id"]
    assert client.post(f"{KEYS}/{key_id}?x=1", json={"title": "t"}, headers=auth).status_code == 200
    assert (
        client.get(f"/admin/sales-channels/{channels['mobile']['id']}?expand=x", headers=auth).status_code
        == 200
    )
    assert client.post(f"{KEYS}/{key_id}/revoke?reason=leak", headers=auth).status_code == 200
    missing = client.delete(f"{KEYS}/pk_gone?x=1", headers=auth)
    assert missing.status_code == 404
    # ... but the routes that validate their query refuse them
    refused = client.get("/store/products/prod_any?foo=1")
    assert refused.status_code == 400
    assert refused.get_json() == {"type": "invalid_data", "message": "property foo should not exist"}
