"""Fixtures of the xclade / Medusa v2 tests: one app per profile for the session, reset per test."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from revokit.mockserver import MockConfig, create_app
from revokit_testing import TEST_SCRYPT_N, build_app


@pytest.fixture(scope="session")
def v2_app() -> Flask:
    return build_app("xclade-v2")


@pytest.fixture(scope="session")
def v2_medusa_app() -> Flask:
    # The medusa-2.21 profile answers some requests outside the spec on purpose (200 {} for an
    # unknown id, ...); the assertions on those are exact, so response validation is off here.
    config = MockConfig(
        family="xclade-v2", profile="medusa-2.21", validate_responses=False, scrypt_n=TEST_SCRYPT_N
    )
    app = create_app(config)
    app.testing = True
    return app


@pytest.fixture
def client(v2_app: Flask) -> Iterator[FlaskClient]:
    v2_app.extensions["revokit"].reset()
    yield v2_app.test_client()


@pytest.fixture
def medusa_client(v2_medusa_app: Flask) -> Iterator[FlaskClient]:
    v2_medusa_app.extensions["revokit"].reset()
    yield v2_medusa_app.test_client()


@pytest.fixture
def seed(client: FlaskClient) -> dict[str, Any]:
    return client.get("/__revokit/seed").get_json()


@pytest.fixture
def admin(seed: dict[str, Any]) -> dict[str, str]:
    """Authorization header of the seeded admin (a ready JWT)."""
    return {"Authorization": f"Bearer {seed['admin']['token']}"}


@pytest.fixture
def keys(seed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The seeded keys by title."""
    return {k["title"]: k for k in seed["api_keys"]}


@pytest.fixture
def channels(seed: dict[str, Any]) -> dict[str, str]:
    """The seeded sales channel ids by name."""
    return {c["name"]: c["id"] for c in seed["sales_channels"]}
