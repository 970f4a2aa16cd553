from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from revokit_testing import build_app


@pytest.fixture(scope="session")
def ak_app() -> Flask:
    return build_app("app-keys")


@pytest.fixture
def ak_client(ak_app: Flask) -> Iterator[FlaskClient]:
    ak_app.extensions["revokit"].reset()
    yield ak_app.test_client()


@pytest.fixture
def seed(ak_client: FlaskClient) -> dict[str, Any]:
    return ak_client.get("/__revokit/seed").get_json()


@pytest.fixture
def alice(seed: dict[str, Any]) -> dict[str, Any]:
    return seed["users"][0]


@pytest.fixture
def bob(seed: dict[str, Any]) -> dict[str, Any]:
    return seed["users"][1]
