"""The shipped seed hashes (fixtures/seed_hashes.json) are exactly what scrypt makes of the
default seed's secrets, and they cover all of them, so `revokit mock` hashes nothing at start-up."""

from __future__ import annotations

import base64
import json
from importlib.resources import files

from revokit import FAMILIES
from revokit.mockserver import MockConfig, create_app, hashing

REGENERATE = "regenerate it: .venv/bin/python -m revokit.fixtures.seed_hashes"


def shipped() -> dict[str, str]:
    return json.loads(files("revokit.fixtures").joinpath(hashing.SEED_HASHES_FILE).read_text())


def test_shipped_hashes_are_what_scrypt_makes_of_the_default_seed(monkeypatch):
    monkeypatch.setattr(hashing, "_seed_hashes", {})  # nothing shipped: every hash computed
    for family in FAMILIES:
        create_app(MockConfig(family=family))
    assert hashing.remembered_seed_hashes() == shipped(), REGENERATE


def test_default_start_computes_no_hash(monkeypatch):
    monkeypatch.setattr(hashing, "_seed_hashes", None)  # loaded afresh from the shipped file
    computed = []
    original = hashing.hash_secret
    monkeypatch.setattr(hashing, "hash_secret", lambda *a, **kw: computed.append(a) or original(*a, **kw))
    for family in FAMILIES:
        create_app(MockConfig(family=family))
    assert computed == [], REGENERATE


def test_another_seed_misses_and_is_computed(monkeypatch):
    monkeypatch.setattr(hashing, "_seed_hashes", None)
    token, salt = "sk_" + "ab" * 32, "00" * 16
    expected = hashing.hash_secret(token, salt, n=2**10)
    assert hashing.seed_hash(token, salt, n=2**10) == expected
    assert hashing.seed_hash_key(token, salt, 2**10) not in shipped()
    # the same inputs at another cost are another entry, never the shipped one
    assert hashing.seed_hash(token, salt, n=2**11) != expected


def test_seeded_secrets_verify_against_the_shipped_hashes(monkeypatch):
    monkeypatch.setattr(hashing, "_seed_hashes", None)
    ak = create_app(MockConfig(family="app-keys"))
    key = next(
        k["key"]
        for u in ak.extensions["revokit"].seed_info["users"]
        for a in u["applications"]
        for k in a["keys"]
        if k["state"] == "active"
    )
    assert ak.test_client().get("/api/v1/key-info", headers={"X-API-Key": key}).status_code == 200

    v2 = create_app(MockConfig(family="xclade-v2"))
    seed = v2.extensions["revokit"].seed_info
    secret = next(k for k in seed["api_keys"] if k["type"] == "secret" and k["state"] == "active")
    basic = "Basic " + base64.b64encode(f"{secret['token']}:".encode()).decode()
    assert v2.test_client().get("/admin/api-keys", headers={"Authorization": basic}).status_code == 200
    login = {"email": seed["admin"]["email"], "password": seed["admin"]["password"]}
    assert v2.test_client().post("/auth/user/emailpass", json=login).status_code == 200

    v1 = create_app(MockConfig(family="medusa-v1"))
    admin = v1.extensions["revokit"].seed_info["admin"]
    login = {"email": admin["email"], "password": admin["password"]}
    assert v1.test_client().post("/admin/auth/token", json=login).status_code == 200
