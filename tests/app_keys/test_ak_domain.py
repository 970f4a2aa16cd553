"""The app-keys domain on its own: no Flask, no HTTP."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from faker import Faker

from revokit.fixtures import load_fixture
from revokit.mockserver.clock import Clock
from revokit.mockserver.engine import BackendContext, SeedContext, Settings
from revokit.mockserver.families.app_keys.exceptions import Forbidden, NotFound, Unauthorized
from revokit.mockserver.families.app_keys.models import INDEXES, KEYS, AppKeysBackend
from revokit.mockserver.ids import IdFactory
from revokit.mockserver.store import InMemoryStore
from revokit.specs import contract_profile

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def make_backend() -> AppKeysBackend:
    ctx = BackendContext(
        store=InMemoryStore(INDEXES),
        clock=Clock(START),
        profile=contract_profile("app-keys"),
        settings=Settings(jwt_secret="x" * 32, scrypt_n=2**10),
        ids=IdFactory(),
    )
    return AppKeysBackend(ctx)


def seeded(seed: int = 7) -> tuple[AppKeysBackend, dict]:
    backend = make_backend()
    rng = random.Random(seed)
    faker = Faker()
    faker.seed_instance(seed)
    info = backend.seed(SeedContext(seed, load_fixture("app-keys"), rng, faker, IdFactory(rng), START))
    return backend, info


def test_seed_is_deterministic():
    _, first = seeded(7)
    _, second = seeded(7)
    _, other = seeded(8)
    strip = lambda info: [{k: v for k, v in u.items() if k != "token"} for u in info["users"]]  # noqa: E731
    assert strip(first) == strip(second)
    assert strip(first) != strip(other)


def test_seed_has_keys_in_every_state():
    _, info = seeded()
    states = {k["state"] for u in info["users"] for a in u["applications"] for k in a["keys"]}
    assert states == {"active", "revoked"}
    assert [u["email"] for u in info["users"]] == ["alice@example.com", "bob@example.com"]


def test_revoke_leaves_siblings_working_and_is_final():
    backend = make_backend()
    user = backend.store.put("users", _user()) or backend.store.get("users", "u1")
    app = backend.create_application(user, "A", None)
    first, first_token = backend.create_key(user, app.id, "one")
    second, second_token = backend.create_key(user, app.id, "two")

    assert backend.authenticate_key(first_token).id == first.id
    backend.revoke_key(user, app.id, first.id)
    with pytest.raises(Unauthorized):
        backend.authenticate_key(first_token)
    assert backend.authenticate_key(second_token).id == second.id
    with pytest.raises(NotFound):
        backend.revoke_key(user, app.id, first.id)
    with pytest.raises(NotFound):
        backend.get_key(user, app.id, first.id)
    # The record stays (audit) with its revoke time; use after revoke never resurrects it.
    assert backend.store.get(KEYS, first.id).revoked_at == START


def test_plaintext_is_never_stored():
    backend = make_backend()
    user = backend.store.put("users", _user()) or backend.store.get("users", "u1")
    app = backend.create_application(user, "A", None)
    key, token = backend.create_key(user, app.id, "k")
    stored = backend.store.get(KEYS, key.id)
    assert token not in repr(stored)
    assert stored.token_hash != token and len(stored.salt) == 32


def test_other_users_application_is_forbidden():
    backend = make_backend()
    backend.store.put("users", _user())
    backend.store.put("users", _user("u2", "bob@example.com"))
    alice, bob = backend.store.get("users", "u1"), backend.store.get("users", "u2")
    app = backend.create_application(alice, "A", None)
    with pytest.raises(Forbidden):
        backend.create_key(bob, app.id, "k")


def test_token_expiry_follows_the_mock_clock():
    backend = make_backend()
    backend.store.put("users", _user())
    user = backend.store.get("users", "u1")
    token = backend.issue_token(user, ttl_seconds=60)
    assert backend.authenticate_user(token) == user
    backend.clock.advance(61)
    with pytest.raises(Unauthorized):
        backend.authenticate_user(token)


def _user(user_id: str = "u1", email: str = "alice@example.com"):
    from revokit.mockserver.families.app_keys.models import User

    return User(user_id, email, "Someone", START)
