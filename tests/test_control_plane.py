"""The /__revokit control plane: health, reset, state, clock, journal, tokens, specs, token guard."""

from __future__ import annotations

import yaml

from revokit.specs import SPEC_FILES, spec_text
from revokit_testing import bearer, build_app


def make():
    app = build_app("app-keys")
    return app, app.test_client()


def test_health_and_profile():
    _, client = make()
    assert client.get("/__revokit/health").get_json() == {
        "status": "ok",
        "family": "app-keys",
        "profile": "contract",
    }
    assert client.get("/__revokit/profile").get_json()["deviations"] == {}


def test_reset_restores_the_seed_and_clears_journal():
    _, client = make()
    seed = client.get("/__revokit/seed").get_json()
    alice = seed["users"][0]
    before = client.get("/__revokit/state").get_json()
    client.post("/api/v1/applications", headers=bearer(alice), json={"name": "temp"})
    assert client.get("/__revokit/state").get_json() != before
    assert client.get("/__revokit/journal").get_json()["entries"]
    client.post("/__revokit/reset")
    assert client.get("/__revokit/state").get_json() == before
    assert client.get("/__revokit/journal").get_json()["entries"] == []


def test_clock_set_advance_and_reset():
    _, client = make()
    frozen = client.put("/__revokit/clock", json={"now": "2030-01-01T00:00:00Z"}).get_json()
    assert frozen == {"now": "2030-01-01T00:00:00.000Z", "frozen": True}
    assert (
        client.post("/__revokit/clock/advance", json={"seconds": 90}).get_json()["now"]
        == "2030-01-01T00:01:30.000Z"
    )
    assert client.put("/__revokit/clock", json={"now": "nope"}).status_code == 400
    assert client.post("/__revokit/clock/advance", json={"seconds": "9"}).status_code == 400
    assert client.post("/__revokit/reset").get_json()["frozen"] is False


def test_journal_records_what_was_sent():
    _, client = make()
    alice = client.get("/__revokit/seed").get_json()["users"][0]
    client.post("/api/v1/applications?", headers={**bearer(alice), "X-Trace": "t1"}, json={"name": "J"})
    entry = client.get("/__revokit/journal?limit=1").get_json()["entries"][0]
    assert entry["method"] == "POST" and entry["path"] == "/api/v1/applications"
    assert entry["body"] == {"name": "J"} and entry["status"] == 201
    assert entry["headers"]["X-Trace"] == "t1" and entry["operation_id"] == "createApplication"
    client.delete("/__revokit/journal")
    assert client.get("/__revokit/journal").get_json()["entries"] == []


def test_tokens_for_seeded_users_only():
    _, client = make()
    issued = client.post("/__revokit/tokens", json={"email": "bob@example.com"}).get_json()
    assert (
        client.get("/api/v1/applications", headers={"Authorization": f"Bearer {issued['token']}"}).status_code
        == 200
    )
    assert client.post("/__revokit/tokens", json={"email": "eve@example.com"}).status_code == 404
    assert client.post("/__revokit/tokens", json={"mail": 1}).status_code == 400


def test_specs_are_served():
    _, client = make()
    for name in SPEC_FILES:
        if name == "control":
            continue
        response = client.get(f"/__revokit/specs/{name}.yaml")
        assert response.status_code == 200 and response.get_data(as_text=True) == spec_text(name)
    own = yaml.safe_load(client.get("/__revokit/openapi.yaml").get_data(as_text=True))
    assert own["info"]["title"] == "revokit mock control plane"
    assert client.get("/__revokit/specs/nope.yaml").status_code == 404


def test_control_token_guards_the_control_plane():
    app = build_app("app-keys", control_token="s3cret")
    client = app.test_client()
    assert client.post("/__revokit/reset").status_code == 401
    assert client.post("/__revokit/reset", headers={"X-Revokit-Control-Token": "wrong"}).status_code == 401
    assert client.post("/__revokit/reset", headers={"X-Revokit-Control-Token": "s3cret"}).status_code == 200
