"""``revokit_revoke_keys``: on the mocks (used directly, this session has the plugin) and against
"real" backends (mocks started apart, reached with ``--revokit-base-url``), in all three families."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from revokit.testing_revoke import RevokeRefused


def test_v2_rotating_every_secret_key(revokit_revoke_keys, xclade_v2_key_factory, revokit_journal):
    secret = xclade_v2_key_factory.secret()
    scheduled = xclade_v2_key_factory.secret("scheduled", revoke_in=3600)
    publishable = xclade_v2_key_factory.publishable(sales_channels=1)
    admin = xclade_v2_key_factory.secret_client(secret)
    store = xclade_v2_key_factory.store_client(publishable)
    assert admin.get("/admin/api-keys").status_code == 200

    revoked = revokit_revoke_keys("xclade-v2", selector={"type": "secret", "revoked_at": None})
    assert revoked.atomic and secret.id in revoked.ids and scheduled.id not in revoked.ids
    assert {k["type"] for k in revoked} == {"secret"} and all(k["token"] == "" for k in revoked)
    assert admin.get("/admin/api-keys").status_code == 401
    assert store.get("/store/products").status_code == 200
    entry = revokit_journal.last(path="/__revokit/revoke-keys")
    assert entry.status == 200 and entry.body["selector"] == {"type": "secret", "revoked_at": None}


def test_v2_refusal_is_the_module_400_and_changes_nothing(
    revokit_revoke_keys, xclade_v2_key_factory, xclade_v2_admin
):
    live = xclade_v2_key_factory.secret()
    gone = xclade_v2_key_factory.secret("revoked")
    with pytest.raises(RevokeRefused) as refused:
        revokit_revoke_keys("xclade-v2", selector={"id": [live.id, gone.id]})
    assert refused.value.status == 400
    assert refused.value.body == {
        "type": "invalid_data",
        "message": "There are 1 secret keys that are already revoked.",
    }
    assert xclade_v2_admin.get(f"/admin/api-keys/{live.id}").json()["api_key"]["revoked_at"] is None


def test_v2_revoke_in_and_revoked_by(revokit_revoke_keys, xclade_v2_key_factory, revokit_clock, revokit):
    now = revokit_clock.freeze()
    key = xclade_v2_key_factory.secret()
    (answer,) = revokit_revoke_keys("xclade-v2", selector={"id": key.id}, revoke_in=600)
    assert answer["revoked_by"] == revokit.seed("xclade-v2")["admin"]["user_id"]
    assert datetime.fromisoformat(answer["revoked_at"].replace("Z", "+00:00")) == now + timedelta(seconds=600)
    client = xclade_v2_key_factory.secret_client(key)
    assert client.get("/admin/api-keys").status_code == 200  # the revoke is still ahead
    revokit_clock.advance(601)
    assert client.get("/admin/api-keys").status_code == 401
    # every condition of a selector must hold: this one picks nothing, and nothing is answered
    assert revokit_revoke_keys("xclade-v2", selector={"id": key.id, "title": "nobody"}) == []
    other = xclade_v2_key_factory.publishable()
    (mine,) = revokit_revoke_keys("xclade-v2", selector={"id": other.id}, revoked_by="user_ops")
    assert mine["revoked_by"] == "user_ops"


def test_bad_selectors_are_value_errors(revokit_revoke_keys):
    with pytest.raises(ValueError, match="unknown fields 'colour'"):
        revokit_revoke_keys("xclade-v2", selector={"colour": "red"})
    with pytest.raises(ValueError, match="medusa-v1 has no scheduled revokes"):
        revokit_revoke_keys("medusa-v1", selector={"id": "pk_x"}, revoke_in=5)
    with pytest.raises(ValueError, match="app-keys records no revoked_by"):
        revokit_revoke_keys("app-keys", selector={"application_id": "x"}, revoked_by="me")


def test_v1_every_key_of_a_sales_channel(revokit_revoke_keys, medusa_v1_key_factory):
    channel = medusa_v1_key_factory.sales_channel()
    inside = [medusa_v1_key_factory(sales_channels=[channel["id"]]) for _ in range(2)]
    outside = medusa_v1_key_factory(sales_channels=1)
    revoked = revokit_revoke_keys("medusa-v1", selector={"sales_channel_id": channel["id"]})
    assert sorted(revoked.ids) == sorted(k.id for k in inside)
    for key in inside:
        assert medusa_v1_key_factory.store_client(key).get("/store/products").status_code == 400
    assert medusa_v1_key_factory.store_client(outside).get("/store/products").status_code == 200
    with pytest.raises(RevokeRefused) as refused:  # v1 refuses to revoke a key twice
        revokit_revoke_keys("medusa-v1", selector={"id": [outside.id, inside[0].id]})
    assert refused.value.body == {
        "type": "not_allowed",
        "message": "PublishableApiKey has already been revoked.",
    }
    assert medusa_v1_key_factory.store_client(outside).get("/store/products").status_code == 200


def test_app_keys_every_key_of_an_application(revokit_revoke_keys, app_keys_key_factory):
    key = app_keys_key_factory(siblings=2)
    elsewhere = app_keys_key_factory()
    revoked = revokit_revoke_keys("app-keys", selector={"application_id": key.application_id})
    assert sorted(revoked.ids) == sorted([key.id, *(s.id for s in key.siblings)])
    for gone in (key, *key.siblings):
        assert app_keys_key_factory.client_for(gone).get("/api/v1/key-info").status_code == 401
    assert app_keys_key_factory.client_for(elsewhere).get("/api/v1/key-info").status_code == 200
    with pytest.raises(RevokeRefused) as refused:
        revokit_revoke_keys("app-keys", selector={"application_id": key.application_id, "id": key.id})
    assert refused.value.status == 404


# -- against "real" backends: list, check, then revoke key by key ---------------------------------------

REAL_BACKEND_TESTS = """
import pytest
from revokit.testing_revoke import RevokeRefused


def test_v2(revokit_revoke_keys, xclade_v2_key_factory):
    secret = xclade_v2_key_factory.secret()
    other = xclade_v2_key_factory.secret()
    publishable = xclade_v2_key_factory.publishable(sales_channels=1)
    gone = xclade_v2_key_factory.secret("revoked")
    with pytest.raises(RevokeRefused) as refused:
        revokit_revoke_keys("xclade-v2", selector={"id": [secret.id, gone.id]})
    assert refused.value.body["message"] == "There are 1 secret keys that are already revoked."
    assert xclade_v2_key_factory.secret_client(secret).get("/admin/api-keys").status_code == 200
    revoked = revokit_revoke_keys("xclade-v2", selector={"type": "secret", "revoked_at": None})
    assert not revoked.atomic and {secret.id, other.id} <= set(revoked.ids)
    assert xclade_v2_key_factory.secret_client(secret).get("/admin/api-keys").status_code == 401
    assert xclade_v2_key_factory.store_client(publishable).get("/store/products").status_code == 200
    with pytest.raises(ValueError, match="cannot be chosen"):
        revokit_revoke_keys("xclade-v2", selector={}, revoked_by="user_x")


def test_v1(revokit_revoke_keys, medusa_v1_key_factory):
    channel = medusa_v1_key_factory.sales_channel()
    inside = medusa_v1_key_factory(sales_channels=[channel["id"]])
    outside = medusa_v1_key_factory(sales_channels=1)
    revoked = revokit_revoke_keys("medusa-v1", selector={"sales_channel_id": channel["id"]})
    assert revoked.ids == [inside.id] and not revoked.atomic
    with pytest.raises(RevokeRefused) as refused:
        revokit_revoke_keys("medusa-v1", selector={"id": [outside.id, inside.id]})
    assert refused.value.status == 400
    with pytest.raises(RevokeRefused) as refused:
        revokit_revoke_keys("medusa-v1", selector={"id": ["pk_nope"]})
    assert refused.value.status == 404
    assert medusa_v1_key_factory.store_client(outside).get("/store/products").status_code == 200


def test_app_keys(revokit_revoke_keys, app_keys_key_factory):
    key = app_keys_key_factory(siblings=1)
    revoked = revokit_revoke_keys("app-keys", selector={"application_id": key.application_id})
    assert sorted(revoked.ids) == sorted([key.id, key.siblings[0].id]) and not revoked.atomic
    assert app_keys_key_factory.client_for(key).get("/api/v1/key-info").status_code == 401
    with pytest.raises(RevokeRefused) as refused:
        revokit_revoke_keys("app-keys", selector={"application_id": key.application_id, "id": key.id})
    assert refused.value.status == 404
"""


def test_against_real_backends_it_revokes_key_by_key(pytester: pytest.Pytester, run, separate_mock):
    servers = {family: separate_mock(family) for family in ("xclade-v2", "medusa-v1", "app-keys")}
    pytester.makepyfile(REAL_BACKEND_TESTS)
    options = [f"--revokit-base-url={family}={server.url}" for family, server in servers.items()]
    options += [
        "--revokit-email=admin@medusa-test.com",
        "--revokit-password=supersecret",
        f"--revokit-token=app-keys={servers['app-keys'].runtime.seed_info['users'][0]['token']}",
    ]
    run(*options).assert_outcomes(passed=3)
    for family, server in servers.items():
        paths = [e["path"] for e in server.runtime.journal.entries()]
        assert not any(p.startswith("/__revokit") for p in paths), family  # only the API was used
    revokes = [
        e
        for e in servers["xclade-v2"].runtime.journal.entries()
        if e["operation_id"] == "PostApiKeysIdRevoke"
    ]
    assert len(revokes) >= 3  # the factory's revoke, then one request per key of the bulk revoke
