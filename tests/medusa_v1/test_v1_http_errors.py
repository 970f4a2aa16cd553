"""Failures the engine detects, in Medusa's words (contract profile), and the spec itself."""

from __future__ import annotations

import json

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
    assert len(operation_ids) == 35  # the key routes and the ones the v1 admin calls around them
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


def _one_of_types(*details: str) -> dict[str, str]:
    """Medusa 1.20's @IsType([DateComparisonOperator]) refusal: one JSON text as the message."""
    inner = {
        "message": "created_at must be one of: DateComparisonOperator",
        "details": {"DateComparisonOperator": list(details)},
    }
    return {"type": "invalid_data", "message": json.dumps(inner, separators=(",", ":"))}


# Asked of 1.20.11 (GET /admin/batch-jobs): its created_at is @IsType, not @ValidateNested, so a
# bad operator is one JSON message naming the type (details split at every comma, hence the
# leading blank), and it stops validation before any other property is looked at (zz).
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("created_at[x]=2020-01-01", _one_of_types("property x should not exist")),
        ("created_at[lt]=nope", _one_of_types("lt must be a Date instance")),
        (
            "created_at[x]=1&created_at[lt]=bad",
            _one_of_types("property x should not exist", " lt must be a Date instance"),
        ),
        ("zz=1&created_at[x]=1", _one_of_types("property x should not exist")),
        ("created_at=5", _one_of_types("an unknown value was passed to the validate function")),
        ("created_at[]=1", _one_of_types("an unknown value was passed to the validate function")),
    ],
)
def test_batch_jobs_created_at_is_one_of_types(
    client: FlaskClient, auth: dict, query: str, expected: dict
) -> None:
    response = client.get(f"/admin/batch-jobs?{query}", headers=auth)
    assert response.status_code == 400
    assert response.get_json() == expected


@pytest.mark.parametrize("bound", ["2020-01-01", "2020-01-01T00:00:00Z"])
def test_batch_jobs_created_at_takes_a_date_or_a_timestamp(
    client: FlaskClient, auth: dict, bound: str
) -> None:
    """1.20.11 answers 200 to either form (its transformDate reads both)."""
    response = client.get(f"/admin/batch-jobs?created_at[lt]={bound}", headers=auth)
    assert response.status_code == 200, response.get_json()


def test_key_list_created_at_is_a_nested_dto(client: FlaskClient, auth: dict) -> None:
    """The key list's created_at is @ValidateNested: its findings join the others' (1.20.11)."""
    response = client.get("/admin/publishable-api-keys?created_at[x]=1&updated_at[y]=2", headers=auth)
    assert response.get_json() == {
        "type": "invalid_data",
        "message": "property x should not exist, property y should not exist",
    }
