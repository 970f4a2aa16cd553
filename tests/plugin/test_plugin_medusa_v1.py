"""The medusa-v1 clients and key factory, used directly and under a module's profile."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.plugin_needs_family("medusa-v1")
revokit_families = ["medusa-v1"]


def test_ready_clients_are_authenticated(
    medusa_v1_admin, medusa_v1_session, medusa_v1_api_token, revokit_journal
):
    for client in (medusa_v1_admin, medusa_v1_session, medusa_v1_api_token):
        assert client.get("/admin/publishable-api-keys").status_code == 200, client
    admin, session, token = revokit_journal.entries()
    assert admin.header("Authorization").startswith("Bearer ey")
    assert session.header("Cookie").startswith("connect.sid=")
    assert token.header("x-medusa-access-token")


def test_keys_in_every_state(revokit, medusa_v1_admin, medusa_v1_key_factory):
    base = "/admin/publishable-api-keys"
    active = medusa_v1_key_factory()
    assert active.token == active.id and active.token.startswith("pk_")
    assert medusa_v1_admin.get(f"{base}/{active.id}").json()["publishable_api_key"]["revoked_at"] is None
    revoked = medusa_v1_key_factory.revoked(sales_channels=2)
    assert medusa_v1_admin.get(f"{base}/{revoked.id}").json()["publishable_api_key"]["revoked_at"]
    channels = medusa_v1_admin.get(f"{base}/{revoked.id}/sales-channels").json()["sales_channels"]
    assert sorted(c["id"] for c in channels) == sorted(revoked.sales_channel_ids)
    deleted = medusa_v1_key_factory.deleted()
    assert medusa_v1_admin.get(f"{base}/{deleted.id}").status_code == 404
    default = revokit.seed("medusa-v1")["default_sales_channel_id"]
    scoped = medusa_v1_key_factory(sales_channels=[default], title="Web")
    assert scoped.title == "Web" and scoped.sales_channel_ids == [default]
    assert medusa_v1_key_factory.store_client(scoped).get("/store/products").json()["count"] > 0
    with pytest.raises(ValueError, match="revoke_in is a v2 feature"):
        medusa_v1_key_factory("scheduled")
    with pytest.raises(ValueError, match="only publishable keys"):
        medusa_v1_key_factory(type="secret")


def test_module_profile_overrides_the_session(pytester: pytest.Pytester, run):
    pytester.makepyfile(
        test_release="""
        revokit_profile = "medusa-1.20"

        def test_revoked_key_still_scopes_the_store(revokit, medusa_v1_key_factory):
            assert revokit.profile == "medusa-1.20"
            health = revokit.control("medusa-v1").get("/health").json()
            assert health["profile"] == "medusa-1.20"
            revoked = medusa_v1_key_factory.revoked(sales_channels=1)
            assert medusa_v1_key_factory.store_client(revoked).get("/store/products").status_code == 200
        """,
        test_contract="""
        def test_revoked_key_is_refused(revokit, medusa_v1_key_factory):
            assert revokit.control("medusa-v1").get("/health").json()["profile"] == "contract"
            revoked = medusa_v1_key_factory.revoked(sales_channels=1)
            assert medusa_v1_key_factory.store_client(revoked).get("/store/products").status_code == 400
        """,
        test_unknown="""
        revokit_profile = "medusa-0.1"

        def test_unknown_profile(medusa_v1_admin):
            pass
        """,
    )
    result = run("--revokit-families", "medusa-v1")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(
        ["*unknown profile 'medusa-0.1'*(profile chosen by the test module's `revokit_profile`)"]
    )
