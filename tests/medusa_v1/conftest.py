"""Fixtures of the Medusa v1 family tests: one app per profile for the session, reset per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from revokit.mockserver import MockConfig, create_app
from revokit_testing import TEST_SCRYPT_N, build_app

PROFILE_120 = "medusa-1.20"


def build_120_app() -> Flask:
    """The medusa-1.20 profile breaks the spec on purpose (500s, a 401 without Content-Type, an
    HTML page), so its responses are not validated against the spec."""
    config = MockConfig(
        family="medusa-v1", profile=PROFILE_120, validate_responses=False, scrypt_n=TEST_SCRYPT_N
    )
    app = create_app(config)
    app.testing = True
    return app


@pytest.fixture(scope="session")
def v1_app() -> Flask:
    return build_app("medusa-v1")


@pytest.fixture(scope="session")
def v1_120_app() -> Flask:
    return build_120_app()


@pytest.fixture
def client(v1_app: Flask) -> Iterator[FlaskClient]:
    v1_app.extensions["revokit"].reset()
    yield v1_app.test_client()


@pytest.fixture
def client_120(v1_120_app: Flask) -> Iterator[FlaskClient]:
    v1_120_app.extensions["revokit"].reset()
    yield v1_120_app.test_client()


@pytest.fixture(scope="session")
def seed(v1_app: Flask) -> dict[str, Any]:
    """The seeded facts (the same in both profiles: the seed does not depend on the profile)."""
    return v1_app.test_client().get("/__revokit/seed").get_json()


@pytest.fixture(scope="session")
def admin(seed: dict[str, Any]) -> dict[str, Any]:
    return seed["admin"]


@pytest.fixture(scope="session")
def auth(admin: dict[str, Any]) -> dict[str, str]:
    """Admin credentials: the seeded user's API token."""
    return {"x-medusa-access-token": admin["api_token"]}


@pytest.fixture(scope="session")
def keys(seed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k["ref"]: k for k in seed["publishable_api_keys"]}


@pytest.fixture(scope="session")
def channels(seed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["ref"]: c for c in seed["sales_channels"]}


@pytest.fixture(scope="session")
def products(seed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["title"]: p for p in seed["products"]}


FROZEN_AT = "2026-03-01T12:00:00.000Z"


@pytest.fixture
def frozen(client: FlaskClient) -> str:
    """Freeze the contract mock's clock (the per-test reset unfreezes it again)."""
    assert client.put("/__revokit/clock", json={"now": FROZEN_AT, "frozen": True}).status_code == 200
    return FROZEN_AT
