"""The xclade-v2 clients and key factory, used directly (this session has the plugin too)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.plugin_needs_family("xclade-v2")
revokit_families = ["xclade-v2"]


def test_ready_clients_are_authenticated(
    xclade_v2_admin, xclade_v2_session, xclade_v2_secret, revokit_journal
):
    for client in (xclade_v2_admin, xclade_v2_session, xclade_v2_secret):
        assert client.get("/admin/api-keys").status_code == 200, client
    admin, session, secret = revokit_journal.entries()
    assert admin.header("Authorization").startswith("Bearer ey")
    assert session.header("Cookie").startswith("connect.sid=") and session.header("Authorization") is None
    assert secret.header("Authorization").startswith("Basic ")
    setup = [(e.method, e.path) for e in revokit_journal.entries(include_fixtures=True) if e.from_fixture]
    assert ("POST", "/auth/user/emailpass") in setup and ("POST", "/auth/session") in setup
    assert ("POST", "/admin/api-keys") in setup  # the secret client's key, made through the API


@pytest.mark.parametrize("key_type", ["publishable", "secret"])
def test_keys_in_every_state(xclade_v2_admin, xclade_v2_key_factory, revokit_clock, key_type):
    now = revokit_clock.freeze()
    made = {
        state: xclade_v2_key_factory(state, type=key_type, revoke_in=600)
        for state in xclade_v2_key_factory.states
    }
    assert all(k.type == key_type and k.token.startswith(key_type[0] + "k_") for k in made.values())

    def revoked_at(key):
        response = xclade_v2_admin.get(f"/admin/api-keys/{key.id}")
        assert response.status_code == 200, response.text
        value = response.json()["api_key"]["revoked_at"]
        return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00"))

    assert revoked_at(made["active"]) is None
    assert revoked_at(made["revoked"]) == now
    assert revoked_at(made["scheduled"]) == now + timedelta(seconds=600)
    assert xclade_v2_admin.get(f"/admin/api-keys/{made['deleted'].id}").status_code == 404
    assert made["deleted"].data["deleted"] is True
    assert now.tzinfo == UTC


def test_secret_key_use_follows_its_state(xclade_v2_key_factory, revokit_clock):
    revokit_clock.freeze()
    active = xclade_v2_key_factory.secret()
    scheduled = xclade_v2_key_factory.secret("scheduled", revoke_in=60)
    revoked = xclade_v2_key_factory.secret("revoked")

    def status(key):
        return xclade_v2_key_factory.secret_client(key).get("/admin/api-keys").status_code

    assert (status(active), status(scheduled), status(revoked)) == (200, 200, 401)
    revokit_clock.advance(61)
    assert (status(active), status(scheduled)) == (200, 401)


def test_publishable_keys_and_sales_channels(
    revokit, xclade_v2_admin, xclade_v2_key_factory, xclade_v2_store
):
    assert xclade_v2_store.get("/store/products").status_code == 200
    linked = xclade_v2_key_factory.publishable(sales_channels=2)
    listed = xclade_v2_admin.get(f"/admin/api-keys/{linked.id}").json()["api_key"]["sales_channels"]
    assert sorted(c["id"] for c in listed) == sorted(linked.sales_channel_ids)
    default = revokit.seed("xclade-v2")["sales_channels"][0]["id"]
    scoped = xclade_v2_key_factory.store_client(xclade_v2_key_factory.publishable(sales_channels=[default]))
    assert scoped.get("/store/products").json()["count"] > 0
    revoked = xclade_v2_key_factory.publishable("revoked", sales_channels=[default])
    assert xclade_v2_key_factory.store_client(revoked).get("/store/products").status_code == 400
    with pytest.raises(ValueError, match="publishable keys only"):
        xclade_v2_key_factory.secret(sales_channels=1)
    with pytest.raises(ValueError, match="not 'expired'"):
        xclade_v2_key_factory("expired")


def test_secret_client_uses_the_given_key(pytester: pytest.Pytester, run, revokit):
    seeded = next(
        k for k in revokit.seed("xclade-v2")["api_keys"] if k["type"] == "secret" and k["state"] == "active"
    )
    pytester.makepyfile(
        """
        def test_secret(xclade_v2_secret, revokit_journal):
            assert xclade_v2_secret.get("/admin/api-keys").status_code == 200
            # no key had to be made: the first request is the test's own
            assert [e.path for e in revokit_journal.entries(include_fixtures=True)] == ["/admin/api-keys"]
        """
    )
    run("--revokit-families=xclade-v2", f"--revokit-token=xclade-v2={seeded['token']}").assert_outcomes(
        passed=1
    )
    result = run("--revokit-families=xclade-v2", "--revokit-token=xclade-v2=eyJhbGciOi.x.y")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["--revokit-token xclade-v2=... must be a secret key (sk_...)*"])
