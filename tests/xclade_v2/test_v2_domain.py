"""The xclade-v2 domain rules without Flask: backend + InMemoryStore + Clock."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from faker import Faker

from revokit.fixtures import load_fixture
from revokit.mockserver.clock import Clock
from revokit.mockserver.engine import BackendContext, SeedContext, Settings
from revokit.mockserver.families.xclade_v2.exceptions import (
    ApiKeyNotFound,
    InvalidEmailOrPassword,
    InvalidOrderField,
    KeysNotRevoked,
    ProductNotFound,
    PublishableKeyInvalid,
    PublishableKeyRequired,
    PublishableKeyWithoutSalesChannel,
    SalesChannelNotFound,
    SalesChannelsMissing,
    SalesChannelsNeedPublishableKey,
    SecretKeysAlreadyRevoked,
    UnknownError,
)
from revokit.mockserver.families.xclade_v2.models import (
    API_KEYS,
    INDEXES,
    PRODUCTS,
    ApiKey,
    XcladeBackend,
    matches_date,
    redact,
)
from revokit.mockserver.hashing import verify_secret
from revokit.mockserver.ids import IdFactory
from revokit.mockserver.store import InMemoryStore
from revokit.specs import contract_profile, load_profile

NOW = datetime(2026, 11, 23, 8, 0, 0, tzinfo=UTC)
EPOCH = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)
N = 2**10
USER = "user_01KE6P4YM06BKTS9Z7VHPQXW18"


def make_backend(profile: str = "contract") -> XcladeBackend:
    ctx = BackendContext(
        store=InMemoryStore(INDEXES),
        clock=Clock(NOW),
        profile=contract_profile("xclade-v2") if profile == "contract" else load_profile(profile),
        settings=Settings(jwt_secret="unit-test-secret-unit-test-secret", scrypt_n=N),
        ids=IdFactory(),
    )
    return XcladeBackend(ctx)


def seed(backend: XcladeBackend, seed_value: int = 7) -> dict:
    faker = Faker()
    faker.seed_instance(seed_value)
    rng = random.Random(seed_value)
    ctx = SeedContext(seed_value, load_fixture("xclade-v2"), rng, faker, IdFactory(rng), EPOCH)
    with backend.store.transaction():
        return backend.seed(ctx)


@pytest.fixture
def backend() -> XcladeBackend:
    return make_backend()


# -- tokens and storage -----------------------------------------------------------------------------


def test_secret_key_is_stored_only_as_a_salted_scrypt_hash(backend):
    key, token = backend.create_api_key("CI", "secret", USER)
    assert token.startswith("sk_") and len(token) == 67
    assert all(c in "0123456789abcdef" for c in token[3:])
    assert key.token != token and len(key.token) == 128
    assert len(key.salt) == 32
    assert verify_secret(token, key.salt, key.token, n=N)
    assert token not in repr(backend.store.dump())
    assert key.redacted == f"{token[:6]}***{token[-3:]}"
    assert key.id.startswith("apk_") and len(key.id) == 30


def test_publishable_key_is_stored_in_plain_text(backend):
    key, token = backend.create_api_key("Web", "publishable", USER)
    assert token.startswith("pk_") and len(token) == 67
    assert key.token == token and key.salt == ""
    assert key.redacted == redact(token)


def test_secret_key_authentication_follows_the_key_state(backend):
    key, token = backend.create_api_key("CI", "secret", USER)
    assert backend.authenticate_secret_key(token).id == key.id
    assert backend.authenticate_secret_key(token[:-1] + ("0" if token[-1] != "0" else "1")) is None
    assert backend.authenticate_secret_key("pk_" + token[3:]) is None
    backend.revoke_api_key(key.id, 60, USER)
    assert backend.authenticate_secret_key(token).id == key.id  # revocation still ahead
    backend.clock.advance(60)
    assert backend.authenticate_secret_key(token) is None  # cached digest, but state is re-read


def test_the_verified_token_cache_saves_the_hash_but_not_the_state(backend, monkeypatch):
    key, token = backend.create_api_key("CI", "secret", USER)
    assert backend.authenticate_secret_key(token) is not None
    calls = []
    monkeypatch.setattr(
        "revokit.mockserver.families.xclade_v2.models.verify_secret", lambda *a, **k: calls.append(a) or True
    )
    assert backend.authenticate_secret_key(token) is not None
    assert calls == []
    backend.revoke_api_key(key.id, None, USER)
    backend.delete_api_key(key.id)
    assert backend.authenticate_secret_key(token) is None
    backend.reset_caches()
    assert len(backend._verified) == 0


def test_publishable_key_cannot_authenticate_as_secret(backend):
    _, token = backend.create_api_key("Web", "publishable", USER)
    assert backend.authenticate_secret_key(token) is None


# -- revoke -------------------------------------------------------------------------------------------


def test_revoke_now_and_revoke_in(backend):
    key, _ = backend.create_api_key("CI", "secret", USER)
    scheduled = backend.revoke_api_key(key.id, 3600, USER)
    assert scheduled.revoked_at == NOW + timedelta(seconds=3600)
    assert scheduled.revoked_by == USER and scheduled.updated_at == NOW
    # fractions are cut like Date.setSeconds does; zero and negative mean now
    assert backend.revoke_api_key(key.id, 1.9, "apk_X").revoked_at == NOW + timedelta(seconds=1)
    other, _ = backend.create_api_key("CI 2", "publishable", USER)
    assert backend.revoke_api_key(other.id, 0, USER).revoked_at == NOW
    third, _ = backend.create_api_key("CI 3", "publishable", USER)
    assert backend.revoke_api_key(third.id, -5, USER).revoked_at == NOW


def test_re_revoke_rules(backend):
    secret, _ = backend.create_api_key("CI", "secret", USER)
    backend.revoke_api_key(secret.id, 3600, USER)
    again = backend.revoke_api_key(secret.id, 10, "apk_OTHER")  # future revoke: overwritten
    assert again.revoked_at == NOW + timedelta(seconds=10) and again.revoked_by == "apk_OTHER"
    backend.revoke_api_key(secret.id, None, USER)  # now in effect
    with pytest.raises(SecretKeysAlreadyRevoked) as error:
        backend.revoke_api_key(secret.id, None, USER)
    assert error.value.status == 400
    assert error.value.body == {
        "type": "invalid_data",
        "message": "There are 1 secret keys that are already revoked.",
    }

    publishable, _ = backend.create_api_key("Web", "publishable", USER)
    backend.revoke_api_key(publishable.id, None, USER)
    backend.clock.advance(5)
    later = backend.revoke_api_key(publishable.id, None, USER)
    assert later.revoked_at == NOW + timedelta(seconds=5)


def test_revoke_in_far_beyond_the_calendar_is_clamped(backend):
    key, _ = backend.create_api_key("CI", "secret", USER)
    revoked = backend.revoke_api_key(key.id, 1e300, USER)
    assert revoked.revoked_at.year == 9999


def test_unknown_ids_are_404_in_the_contract(backend):
    for call in (
        lambda: backend.get_api_key("apk_nope"),
        lambda: backend.update_api_key("apk_nope", "t"),
        lambda: backend.revoke_api_key("apk_nope", None, USER),
        lambda: backend.delete_api_key("apk_nope"),
        lambda: backend.link_sales_channels("apk_nope", [], []),
    ):
        with pytest.raises(ApiKeyNotFound) as error:
            call()
        assert error.value.status == 404
        assert error.value.body == {"type": "not_found", "message": "API Key with id: apk_nope was not found"}


def test_unknown_ids_in_the_medusa_profile():
    backend = make_backend("medusa-2.21")
    assert backend.update_api_key("apk_nope", "t") is None
    assert backend.revoke_api_key("apk_nope", None, USER) is None
    assert backend.delete_api_key("apk_nope") is None
    with pytest.raises(UnknownError):
        backend.link_sales_channels("apk_nope", [], [])
    with pytest.raises(ApiKeyNotFound):
        backend.get_api_key("apk_nope")  # retrieve stays a 404


# -- delete -------------------------------------------------------------------------------------------


def test_delete_needs_a_revocation_in_effect(backend):
    key, _ = backend.create_api_key("CI", "secret", USER)
    with pytest.raises(KeysNotRevoked) as error:
        backend.delete_api_key(key.id)
    assert error.value.body == {
        "type": "not_allowed",
        "message": f"Cannot delete api keys that are not revoked - {key.id}",
    }
    backend.revoke_api_key(key.id, 30, USER)
    with pytest.raises(KeysNotRevoked):
        backend.delete_api_key(key.id)  # scheduled, not yet in effect
    backend.clock.advance(30)
    backend.delete_api_key(key.id)
    assert backend.store.get(API_KEYS, key.id) is None  # hard delete


# -- update ---------------------------------------------------------------------------------------------


def test_update_renames_even_revoked_keys(backend):
    key, _ = backend.create_api_key("CI", "secret", USER)
    backend.revoke_api_key(key.id, None, USER)
    backend.clock.advance(1)
    renamed = backend.update_api_key(key.id, "old CI")
    assert renamed.title == "old CI" and renamed.updated_at == NOW + timedelta(seconds=1)


# -- sales channels --------------------------------------------------------------------------------------


def test_sales_channel_links(backend):
    web = backend.create_sales_channel("Web", None, False)
    pos = backend.create_sales_channel("POS", "shop", False)
    key, _ = backend.create_api_key("Web", "publishable", USER)
    linked = backend.link_sales_channels(key.id, [web.id, pos.id, web.id], [])
    assert linked.sales_channel_ids == (web.id, pos.id)
    assert backend.link_sales_channels(key.id, [], [web.id, "sc_unknown"]).sales_channel_ids == (pos.id,)
    assert backend.link_sales_channels(key.id, [web.id], [web.id]).sales_channel_ids == (pos.id, web.id)
    with pytest.raises(SalesChannelsMissing) as error:
        backend.link_sales_channels(key.id, ["sc_a", web.id, "sc_b"], [])
    assert error.value.body["message"] == "Sales channels with IDs sc_a, sc_b do not exist"
    secret, _ = backend.create_api_key("CI", "secret", USER)
    with pytest.raises(SalesChannelsNeedPublishableKey):
        backend.link_sales_channels(secret.id, [web.id], [])
    backend.revoke_api_key(key.id, None, USER)
    assert backend.link_sales_channels(key.id, [], [pos.id]).sales_channel_ids == (web.id,)
    with pytest.raises(SalesChannelNotFound):
        backend.get_sales_channel("sc_nope")


def test_delete_removes_the_links(backend):
    web = backend.create_sales_channel("Web", None, False)
    key, _ = backend.create_api_key("Web", "publishable", USER)
    backend.link_sales_channels(key.id, [web.id], [])
    assert backend.store.find(API_KEYS, "sales_channel_ids", web.id)
    backend.revoke_api_key(key.id, None, USER)
    backend.delete_api_key(key.id)
    assert backend.store.find(API_KEYS, "sales_channel_ids", web.id) == []


# -- store -------------------------------------------------------------------------------------------------


def test_store_key_checks(backend):
    info = seed(backend)
    keys = {k["title"]: k for k in info["api_keys"]}
    with pytest.raises(PublishableKeyRequired):
        backend.publishable_key_for_store(None)
    with pytest.raises(PublishableKeyRequired):
        backend.publishable_key_for_store("")
    for token in ("pk_" + "0" * 64, keys["CI deploy key"]["token"], keys["Retired storefront"]["token"]):
        with pytest.raises(PublishableKeyInvalid):
            backend.publishable_key_for_store(token)
    scheduled = backend.publishable_key_for_store(keys["Expiring storefront"]["token"])
    assert scheduled.title == "Expiring storefront"
    unlinked = backend.publishable_key_for_store(keys["Unlinked storefront"]["token"])
    with pytest.raises(PublishableKeyWithoutSalesChannel):
        backend.store_products(unlinked)


def test_store_products_follow_the_key_channels(backend):
    info = seed(backend)
    keys = {k["title"]: k for k in info["api_keys"]}
    channels = {c["name"]: c["id"] for c in info["sales_channels"]}
    default = backend.publishable_key_for_store(keys["Default Publishable API Key"]["token"])
    products, count = backend.store_products(default)
    expected = [
        p["id"]
        for p in info["products"]
        if channels["Default Sales Channel"] in p["sales_channels"] and p["status"] == "published"
    ]
    assert [p.id for p in products] == sorted(expected) and count == len(expected)
    draft = next(p for p in info["products"] if p["status"] == "draft")
    with pytest.raises(ProductNotFound):
        backend.store_product(default, draft["id"])
    wholesale_only = next(p for p in info["products"] if p["sales_channels"] == [channels["Wholesale"]])
    with pytest.raises(ProductNotFound):
        backend.store_product(default, wholesale_only["id"])
    backend.link_products(channels["Default Sales Channel"], [wholesale_only["id"], "prod_unknown"], [])
    assert backend.store_product(default, wholesale_only["id"]).id == wholesale_only["id"]
    backend.link_products(channels["Default Sales Channel"], [], [wholesale_only["id"]])
    product = backend.store.get(PRODUCTS, wholesale_only["id"])
    assert product.sales_channel_ids == (channels["Wholesale"],)


# -- users and tokens --------------------------------------------------------------------------------------


def test_login_and_jwt_expiry_by_the_mock_clock(backend):
    info = seed(backend)
    token = backend.login("admin@medusa-test.com", "supersecret")
    claims = backend.decode_jwt(token)
    assert list(claims) == [
        "actor_id", "actor_type", "auth_identity_id", "auth_provider", "mfa_enabled",
        "mfa_challenge_completed_at", "app_metadata", "user_metadata", "iat", "exp",
    ]  # fmt: skip
    assert claims["actor_id"] == info["admin"]["user_id"]
    assert claims["app_metadata"] == {"user_id": info["admin"]["user_id"]}
    assert claims["exp"] - claims["iat"] == 86400
    assert claims["iat"] == int(NOW.timestamp())
    backend.clock.advance(86399)
    assert backend.decode_jwt(token) is not None
    backend.clock.advance(1)
    assert backend.decode_jwt(token) is None
    for email, password in (("admin@medusa-test.com", "wrong"), ("nobody@example.com", "supersecret")):
        with pytest.raises(InvalidEmailOrPassword):
            backend.login(email, password)
    assert backend.decode_jwt("not-a-jwt") is None


def test_sessions(backend):
    seed(backend)
    user = backend.user_by_email("admin@medusa-test.com")
    session, cookie = backend.open_session(backend.auth_context_for(user))
    assert cookie.startswith("s%3A")
    assert backend.session_from_cookie(cookie).id == session.id
    assert backend.session_from_cookie(cookie.replace("s%3A", "s%3AX")) is None
    assert backend.session_from_cookie("garbage") is None
    backend.clock.advance(10 * 3600)
    assert backend.session_from_cookie(cookie) is None  # 10 h, by the mock clock
    session, cookie = backend.open_session(backend.auth_context_for(user))
    backend.close_session(session.id)
    assert backend.session_from_cookie(cookie) is None


# -- lists --------------------------------------------------------------------------------------------------


def test_list_filters_and_order(backend):
    seed(backend)
    keys, count = backend.list_api_keys()
    assert count == 8 and [k.id for k in keys] == sorted(k.id for k in keys)
    secrets, count = backend.list_api_keys(key_type="secret")
    assert count == 3 and {k.type for k in secrets} == {"secret"}
    by_title, _ = backend.list_api_keys(order="title")
    assert [k.title for k in by_title] == sorted(k.title for k in by_title)
    newest, _ = backend.list_api_keys(order="-created_at", limit=1)
    assert newest[0].title == "Rotating integration"
    revoked, _ = backend.list_api_keys(revoked_at={"$gt": datetime(2000, 1, 1, tzinfo=UTC)})
    assert {k.title for k in revoked} == {
        "Retired storefront", "Expiring storefront", "Old integration", "Rotating integration",
    }  # fmt: skip
    never, _ = backend.list_api_keys(revoked_at={"$null": True})
    assert len(never) == 4
    assert [k.title for k in backend.list_api_keys(q="WHOLESALE")[0]] == ["Wholesale storefront"]
    assert len(backend.list_api_keys(q="pk_")[0]) == 5  # matches `redacted`
    page, count = backend.list_api_keys(offset=100)
    assert page == [] and count == 8
    with pytest.raises(InvalidOrderField):
        backend.list_api_keys(order="nosuch")


def test_matches_date_is_sql_like():
    at = datetime(2026, 1, 1, tzinfo=UTC)
    assert matches_date(None, None)
    assert not matches_date(None, {"$ne": at})
    assert matches_date(at, {"$gte": at, "$lt": at + timedelta(seconds=1)})
    assert matches_date(None, {"$null": True}) and not matches_date(at, {"$null": True})


# -- seed ----------------------------------------------------------------------------------------------------


def test_seed_is_deterministic_and_complete():
    first, second = make_backend(), make_backend()
    a, b = seed(first), seed(second)
    a["admin"].pop("token"), b["admin"].pop("token")  # signed at the clock's now
    assert a == b
    assert a["admin"]["email"] == "admin@medusa-test.com" and a["admin"]["password"] == "supersecret"
    states = {(k["type"], k["state"]) for k in a["api_keys"]}
    assert states == {
        (t, s) for t in ("publishable", "secret") for s in ("active", "revoked", "revoke_scheduled")
    }
    default = a["api_keys"][0]
    assert default["title"] == "Default Publishable API Key"
    stored: ApiKey = first.store.get(API_KEYS, default["id"])
    assert stored.created_by == ""
    assert [c["name"] for c in a["sales_channels"]] == ["Default Sales Channel", "Wholesale"]
    assert default["sales_channels"] == [a["sales_channels"][0]["id"]]
    assert all(p["id"].startswith("prod_") and len(p["id"]) == 31 for p in a["products"])
    user = first.user_by_email("admin@medusa-test.com")
    assert user.password_hash != "supersecret" and verify_secret(
        "supersecret", user.password_salt, user.password_hash, n=N
    )
    for key in a["api_keys"]:
        record = first.store.get(API_KEYS, key["id"])
        if key["type"] == "secret":
            assert record.token != key["token"] and verify_secret(
                key["token"], record.salt, record.token, n=N
            )
        else:
            assert record.token == key["token"]
    assert seed(make_backend(), 8)["api_keys"][0]["token"] != default["token"]
