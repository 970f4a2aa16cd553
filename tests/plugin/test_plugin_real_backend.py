"""``--revokit-base-url``: the same fixtures against a "real" backend (a mock started apart, in a
thread, whose control plane the plugin must not use)."""

from __future__ import annotations

import pytest

from revokit.mockserver.redaction import redacted
from revokit.testing_server import LiveServer


@pytest.fixture
def backend(separate_app_keys: LiveServer) -> LiveServer:
    separate_app_keys.runtime.reset()
    return separate_app_keys


def alice_token(server: LiveServer) -> str:
    return server.runtime.seed_info["users"][0]["token"]


def real_options(server: LiveServer) -> list[str]:
    return ["--revokit-base-url", f"app-keys={server.url}", "--revokit-token", alice_token(server)]


def test_clients_and_factories_use_the_real_api(pytester: pytest.Pytester, run, backend: LiveServer):
    pytester.makeini("[pytest]\nrevokit_families = app-keys\n")
    pytester.makepyfile(
        f"""
        def test_against_the_backend(revokit, app_keys_user, app_keys_key_factory):
            assert not revokit.is_mock and revokit.is_real("app-keys")
            assert revokit.url("app-keys") == "{backend.url}"
            assert app_keys_user.get("/api/v1/applications").json()["total"] == 2
            key = app_keys_key_factory(siblings=1)
            client = app_keys_key_factory.client_for(key)
            assert client.get("/api/v1/key-info").status_code == 200
            revoked = app_keys_key_factory.revoked(application=key.application_id)
            assert app_keys_key_factory.client_for(revoked).get("/api/v1/key-info").status_code == 401

        def test_nothing_was_reset(app_keys_user):
            # a real backend keeps what earlier tests made
            assert app_keys_user.get("/api/v1/applications").json()["total"] == 3
        """
    )
    run(*real_options(backend)).assert_outcomes(passed=2)
    # every request went to the backend, through its API routes
    sent = [(e["method"], e["operation_id"]) for e in backend.runtime.journal.entries()]
    assert ("POST", "createApplication") in sent and ("DELETE", "revokeApiKey") in sent
    sent_auth = backend.runtime.journal.entries()[0]["headers"]["Authorization"]
    assert sent_auth == f"Bearer {redacted(alice_token(backend))}"  # the journal redacts credentials


def test_control_plane_fixtures_fail_clearly(pytester: pytest.Pytester, run, backend: LiveServer):
    pytester.makepyfile(
        """
        import pytest

        def test_clock(revokit_clock):
            pass

        def test_journal(revokit_journal):
            pass

        def test_reset(revokit_reset):
            pass

        def test_seed(revokit):
            revokit.seed("app-keys")

        @pytest.mark.revokit_mock_only
        def test_mock_only(revokit_clock):
            pass
        """
    )
    result = run("--revokit-families", "app-keys", *real_options(backend), "-rs")
    result.assert_outcomes(errors=3, failed=1, skipped=1)
    message = (
        "needs the revokit mock's control plane (/__revokit), but this test runs app-keys at "
        f"{backend.url} (--revokit-base-url): a real backend has no control plane. Run without "
        "--revokit-base-url*"
    )
    for what in ("revokit_clock", "revokit_journal", "revokit_reset", "revokit.seed('app-keys')"):
        result.stdout.fnmatch_lines([f"{what} {message}"])
    result.stdout.fnmatch_lines(
        ["*revokit_mock_only: app-keys runs against a real backend (--revokit-base-url)"]
    )


def test_credentials_are_asked_for_by_name(pytester: pytest.Pytester, run, backend: LiveServer):
    pytester.makepyfile(
        """
        def test_user(app_keys_user):
            pass
        """
    )
    result = run("--revokit-families", "app-keys", "--revokit-base-url", backend.url)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "app-keys has no login route: against a real backend the user client needs a user's JWT in --revokit-token"
        ]
    )


def test_mixed_session_keeps_the_other_families_on_mocks(pytester: pytest.Pytester, run, backend: LiveServer):
    pytester.makepyfile(
        test_mixed="""
        revokit_families = ["app-keys"]

        def test_app_keys_is_real(revokit):
            assert revokit.is_real("app-keys")
        """,
        test_mocked="""
        revokit_families = ["xclade-v2"]

        def test_journal_still_works_for_a_mocked_family(revokit, revokit_journal):
            assert revokit.is_mock and revokit_journal.entries() == []
        """,
    )
    run("--revokit-families", "app-keys,xclade-v2", *real_options(backend)).assert_outcomes(passed=2)


@pytest.mark.plugin_needs_family("xclade-v2")
def test_xclade_v2_against_a_backend(pytester: pytest.Pytester, run, separate_mock):
    server = separate_mock("xclade-v2")
    pytester.makepyfile(
        """
        def test_keys(xclade_v2_admin, xclade_v2_key_factory, xclade_v2_secret, xclade_v2_store):
            assert xclade_v2_admin.get("/admin/api-keys").status_code == 200
            assert xclade_v2_secret.get("/admin/api-keys").status_code == 200
            assert xclade_v2_store.get("/store/products").status_code == 200
            key = xclade_v2_key_factory("scheduled", type="secret", revoke_in=600)
            assert key.data["revoked_at"] is not None

        def test_missing_password(revokit):
            revokit.xclade_v2.admin(email="someone@example.com", password="pass-9f3e")
        """
    )
    result = run(
        "--revokit-families",
        "xclade-v2",
        "--revokit-base-url",
        server.url,
        "--revokit-email",
        "admin@medusa-test.com",
        "--revokit-password",
        "supersecret",
    )
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*xclade-v2: logging in as someone@example.com (POST /auth/user/emailpass): "
            f"POST {server.url}/auth/user/emailpass answered 401 (wanted 200)*"
        ]
    )
    assert "pass-9f3e" not in result.stdout.str()
    assert all(not e["path"].startswith("/__revokit") for e in server.runtime.journal.entries())
    result = run("--revokit-families", "xclade-v2", "--revokit-base-url", server.url, "-k", "keys")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        [
            "the xclade-v2 admin clients log in with an email and a password: pass --revokit-email and --revokit-password*"
        ]
    )


@pytest.mark.plugin_needs_family("medusa-v1")
def test_medusa_v1_against_a_backend(pytester: pytest.Pytester, run, separate_mock):
    server = separate_mock("medusa-v1")
    api_token = server.runtime.seed_info["admin"]["api_token"]
    pytester.makepyfile(
        """
        def test_clients(medusa_v1_admin, medusa_v1_session, medusa_v1_api_token, medusa_v1_key_factory):
            for client in (medusa_v1_admin, medusa_v1_session, medusa_v1_api_token):
                assert client.get("/admin/publishable-api-keys").status_code == 200, client
            key = medusa_v1_key_factory("revoked", sales_channels=1)
            assert key.data["revoked_at"] is not None
        """
    )
    run(
        "--revokit-families=medusa-v1",
        f"--revokit-base-url=medusa-v1={server.url}",
        "--revokit-email=admin@medusa-test.com",
        "--revokit-password=supersecret",
        f"--revokit-token={api_token}",
    ).assert_outcomes(passed=1)
