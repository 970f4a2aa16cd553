"""Helpers shared by the xclade-v2 tests (import as ``v2_helpers``)."""

from __future__ import annotations

import base64

from flask.testing import FlaskClient


def basic(secret: str) -> dict[str, str]:
    """A secret key as the JS SDK sends it: ``Basic base64("sk_...:")``."""
    return {"Authorization": "Basic " + base64.b64encode(f"{secret}:".encode()).decode()}


def store(token: str) -> dict[str, str]:
    """The publishable key header of store requests."""
    return {"x-publishable-api-key": token}


def advance(client: FlaskClient, seconds: float) -> None:
    """Move the mock's clock forward through the control plane (no sleeping)."""
    response = client.post("/__revokit/clock/advance", json={"seconds": seconds})
    assert response.status_code == 200, response.get_data(as_text=True)


def freeze(client: FlaskClient, instant: str) -> str:
    """Stop the mock's clock at ``instant`` (ISO-8601), so response timestamps are exact."""
    response = client.put("/__revokit/clock", json={"now": instant, "frozen": True})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["now"]
