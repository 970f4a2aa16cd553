"""User projects that use the fixtures against the live mocks the plugin starts (app-keys)."""

from __future__ import annotations

import pytest

APP_KEYS_ONLY = "[pytest]\nrevokit_families = app-keys\n"


def test_every_test_starts_from_the_seed(pytester: pytest.Pytester, run):
    pytester.makeini(APP_KEYS_ONLY)
    pytester.makepyfile(
        """
        def test_changes_state(app_keys_user):
            assert app_keys_user.post("/api/v1/applications", json={"name": "extra"}).status_code == 201
            assert app_keys_user.get("/api/v1/applications").json()["total"] == 3

        def test_sees_the_seed_again(app_keys_user, revokit):
            assert app_keys_user.get("/api/v1/applications").json()["total"] == 2
            assert revokit.families == ("app-keys",) and revokit.profile == "contract" and revokit.is_mock
            seed = revokit.seed("app-keys")
            assert seed["users"][0]["email"] == "alice@example.com"
            assert revokit.url("app-keys").startswith("http://127.0.0.1:")

        def test_reset_mid_test(app_keys_user, revokit_reset):
            app_keys_user.post("/api/v1/applications", json={"name": "extra"})
            revokit_reset()
            assert app_keys_user.get("/api/v1/applications").json()["total"] == 2
        """
    )
    run().assert_outcomes(passed=3)


def test_key_factory_makes_keys_through_the_api(pytester: pytest.Pytester, run):
    pytester.makeini(APP_KEYS_ONLY)
    pytester.makepyfile(
        """
        import pytest

        def test_active_key_with_siblings(app_keys_user, app_keys_key_factory):
            key = app_keys_key_factory(siblings=2)
            assert key.state == "active" and key.token.startswith("ak_") and len(key.siblings) == 2
            assert {s.application_id for s in key.siblings} == {key.application_id}
            listed = app_keys_user.get(f"/api/v1/applications/{key.application_id}/api-keys").json()
            assert listed["total"] == 3
            client = app_keys_key_factory.client_for(key)
            assert client.get("/api/v1/key-info").json()["key_id"] == key.id
            # revoke it through the API: it stops at once, its siblings keep working
            path = f"/api/v1/applications/{key.application_id}/api-keys/{key.id}"
            assert app_keys_user.delete(path).status_code == 200
            assert client.get("/api/v1/key-info").status_code == 401
            for sibling in key.siblings:
                assert app_keys_key_factory.client_for(sibling).get("/api/v1/key-info").status_code == 200

        def test_revoked_key_in_a_given_application(app_keys_user, app_keys_key_factory):
            app = app_keys_key_factory.application(name="Shop")
            key = app_keys_key_factory.revoked(application=app, siblings=1)
            assert key.application_id == app["id"] and key.state == "revoked"
            assert app_keys_key_factory.client_for(key).get("/api/v1/key-info").status_code == 401
            path = f"/api/v1/applications/{app['id']}/api-keys/{key.id}"
            assert app_keys_user.get(path).status_code == 404

        def test_states_the_family_does_not_have(app_keys_key_factory):
            with pytest.raises(ValueError, match="app-keys keys can be active, revoked; not 'deleted'"):
                app_keys_key_factory("deleted")
            with pytest.raises(ValueError, match="not 'scheduled'"):
                app_keys_key_factory("revoke_scheduled")

        def test_another_seeded_user(revokit):
            bob = revokit.app_keys.user("bob@example.com")
            assert [a["name"] for a in bob.get("/api/v1/applications").json()["data"]] == ["Bob Mobile App"]
        """
    )
    run().assert_outcomes(passed=4)


def test_journal_shows_what_the_code_under_test_sent(pytester: pytest.Pytester, run):
    pytester.makeini(APP_KEYS_ONLY)
    pytester.makepyfile(
        """
        import requests

        from revokit.mockserver.redaction import redacted

        def test_sdk_call(revokit, app_keys_key_factory, revokit_journal):
            key = app_keys_key_factory()
            # "the SDK under test": any HTTP client pointed at the mock
            requests.get(revokit.url("app-keys") + "/api/v1/key-info",
                         headers={"X-API-Key": key.token, "X-Trace": "t-1"}, timeout=5)
            requests.post(revokit.url("app-keys") + f"/api/v1/applications/{key.application_id}/api-keys",
                          params={"limit": 5}, json={"name": "from-sdk"}, timeout=5)
            sent = revokit_journal.entries()
            assert [(e.method, e.path, e.status) for e in sent] == [
                ("GET", "/api/v1/key-info", 200),
                ("POST", f"/api/v1/applications/{key.application_id}/api-keys", 401),
            ]
            first = sent[0]
            # The journal redacts credentials: the key shows as its redacted form only.
            assert first.header("x-api-key") == redacted(key.token) != key.token
            assert first.header("X-TRACE") == "t-1"
            assert first["family"] == "app-keys" and sent[1]["query"] == {"limit": "5"}
            assert revokit_journal.last(method="POST").body == {"name": "from-sdk"}
            everything = revokit_journal.entries(include_fixtures=True)
            assert len(everything) == 4 and everything[0].from_fixture  # 2 factory calls first
            assert len(revokit_journal.entries("app-keys", path="/api/v1/key-info")) == 1
            revokit_journal.clear()
            assert len(revokit_journal) == 0

        def test_each_test_gets_an_empty_journal(revokit_journal):
            assert revokit_journal.entries(include_fixtures=True) == []
        """
    )
    run().assert_outcomes(passed=2)


def test_clock_moves_the_mock_time(pytester: pytest.Pytester, run):
    pytester.makeini(APP_KEYS_ONLY)
    pytester.makepyfile(
        """
        from datetime import UTC, datetime, timedelta

        def test_set_and_advance(revokit_clock, app_keys_user):
            start = revokit_clock.set(datetime(2020, 1, 1))
            assert start == datetime(2020, 1, 1, tzinfo=UTC) and revokit_clock.frozen
            assert revokit_clock.advance(90) == start + timedelta(seconds=90)
            assert revokit_clock.advance(timedelta(minutes=1), hours=1) == start + timedelta(seconds=3750)
            created = app_keys_user.post("/api/v1/applications", json={"name": "then"}).json()
            assert created["created_at"].startswith("2020-01-01T01:02:30")

        def test_tokens_age_with_the_mock_clock(revokit, revokit_clock):
            user = revokit.app_keys.user()  # minted now, valid for a day of mock time
            assert user.get("/api/v1/applications").status_code == 200
            revokit_clock.advance(days=2)
            assert user.get("/api/v1/applications").status_code == 401

        def test_the_clock_is_back_on_real_time(revokit_clock):
            assert not revokit_clock.frozen
            assert abs((revokit_clock.now() - datetime.now(UTC)).total_seconds()) < 60
            frozen = revokit_clock.freeze()
            assert revokit_clock.now() == frozen
            revokit_clock.unfreeze()
            assert not revokit_clock.frozen
        """
    )
    run().assert_outcomes(passed=3)


def test_module_narrows_the_families(pytester: pytest.Pytester, run):
    pytester.makepyfile(
        test_narrow="""
        revokit_families = ["app-keys"]

        def test_only_app_keys(revokit):
            assert revokit.families == ("app-keys",)

        def test_other_family_is_skipped(medusa_v1_admin):
            raise AssertionError("not reached")
        """,
        test_wrong="""
        revokit_families = "app-keys, medusa-v9"

        def test_unknown(revokit):
            pass
        """,
    )
    result = run("-rs")
    result.assert_outcomes(passed=1, skipped=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "test_wrong.revokit_families: unknown family medusa-v9; choose from medusa-v1, xclade-v2, app-keys",
            "*medusa-v1 is not among the revokit families (app-keys; default: every family, narrowed by "
            "the module's revokit_families)*",
        ]
    )


def test_command_line_beats_ini(pytester: pytest.Pytester, run):
    pytester.makeini("[pytest]\nrevokit_families = app-keys\nrevokit_profile = medusa-2.21\n")
    pytester.makepyfile(
        """
        def test_settings(revokit, request):
            expected = request.config.getoption("revokit_families") or "app-keys"
            assert ",".join(revokit.families) == expected
            assert revokit.profile == (request.config.getoption("revokit_profile") or "medusa-2.21")
        """
    )
    run().assert_outcomes(passed=1)
    run("--revokit-families", "xclade-v2,app-keys", "--revokit-profile", "contract").assert_outcomes(passed=1)


def test_options_are_checked_up_front(pytester: pytest.Pytester, run):
    pytester.makepyfile("def test_nothing(): pass")
    result = run("--revokit-families", "app-keys,nope")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*--revokit-families: unknown family nope; choose from medusa-v1, xclade-v2, app-keys*"]
    )
    result = run("--revokit-profile", "medusa-9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--revokit-profile: unknown profile 'medusa-9'; known: contract*"])
    result = run("--revokit-base-url", "http://127.0.0.1:9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        ["*choose the family with --revokit-families, or write --revokit-base-url FAMILY=URL*"]
    )


def test_help_lists_the_options(pytester: pytest.Pytester):
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(
        [
            "revokit: live API-key mocks, ready clients and key factories:",
            "  --revokit-families=FAMILY?,FAMILY?",
            "*--revokit-profile=PROFILE*",
            "*--revokit-base-url=?FAMILY=?URL*",
            "*--revokit-email=?FAMILY=?EMAIL*",
            "*--revokit-password=?FAMILY=?PASSWORD*",
            "*--revokit-token=?FAMILY=?TOKEN*",
            "*revokit_families (string)*",
            "*revokit_profile (string)*",
        ]
    )


def test_conformance_helper_calls_the_contracts_entry_point(pytester: pytest.Pytester, run, monkeypatch):
    import revokit.contracts

    calls = []
    monkeypatch.setattr(
        revokit.contracts,
        "run_conformance",
        lambda family, **kw: calls.append((family, kw)) or "ok",
        raising=False,
    )
    pytester.makeini(APP_KEYS_ONLY)
    pytester.makepyfile(
        """
        def test_conformance(revokit_conformance, revokit):
            assert revokit_conformance("app-keys", checks="all") == "ok"
        """
    )
    run().assert_outcomes(passed=1)
    family, options = calls[0]
    assert family == "app-keys" and options["base_url"].startswith("http://127.0.0.1:")
    assert options["profile"] == "contract" and options["checks"] == "all"


def test_conformance_runs_the_suite_against_the_session_mock_and_an_app(pytester: pytest.Pytester, run):
    pytester.makeini(APP_KEYS_ONLY)
    pytester.makepyfile(
        """
        from revokit.mockserver import MockConfig, create_app

        def test_session_mock_conforms(revokit_conformance):
            report = revokit_conformance("app-keys", phases=["scenarios"])
            report.raise_for_failures()
            names = {r.name for r in report.results if r.outcome == "passed"}
            assert {"revoked_key_refused", "error_body_403", "other_users_keys_refused"} <= names

        def test_my_own_app_conforms(revokit_conformance):
            app = create_app(MockConfig(family="app-keys", scrypt_n=2))
            users = app.extensions["revokit"].seed_info["users"]
            report = revokit_conformance("app-keys", app=app, token=users[0]["token"], phases=["scenarios"])
            assert report.exit_code == 0 and report.base_url != ""
        """
    )
    run().assert_outcomes(passed=2)
