"""The plugin's building blocks without a pytest run: option parsing, the HTTP client, import cost."""

from __future__ import annotations

import base64
import os
import subprocess
import sys

import pytest
from flask import Flask

from revokit import FAMILIES
from revokit.testing_http import (
    FIXTURE_HEADER,
    Client,
    MockSpecViolation,
    RevokitRequestError,
    basic_auth,
    expect_status,
)
from revokit.testing_server import LiveServer
from revokit.testing_settings import SettingsError, build_settings


def settings(**options):
    base = {"cli_families": None, "ini_families": "", "cli_profile": None, "ini_profile": ""}
    return build_settings(**{**base, **options})


def test_defaults_serve_every_family_on_the_contract():
    s = settings()
    assert s.families == FAMILIES and s.profile == "contract"
    assert not any(s.is_real(f) for f in FAMILIES)


def test_command_line_beats_ini_and_names_are_checked():
    s = settings(cli_families="app-keys, xclade-v2", ini_families="medusa-v1", ini_profile="medusa-2.21")
    assert s.families == ("app-keys", "xclade-v2") and s.families_from == "--revokit-families"
    assert s.profile == "medusa-2.21" and s.profile_from == "ini revokit_profile"
    assert settings(ini_families="medusa-v1\napp-keys").families == ("medusa-v1", "app-keys")
    with pytest.raises(SettingsError, match=r"--revokit-families: unknown family medusa-v3; choose from"):
        settings(cli_families="medusa-v3")


def test_base_urls_per_family_or_for_the_only_family():
    s = settings(
        base_urls=["xclade-v2=https://shop.example/", "app-keys=http://127.0.0.1:1/x?a=b"],
        tokens=["app-keys=jwt", "sk_other"],
    )
    assert s.base_url("xclade-v2") == "https://shop.example/" and s.base_url("medusa-v1") is None
    assert s.base_url("app-keys") == "http://127.0.0.1:1/x?a=b"
    assert s.option("tokens", "app-keys") == "jwt" and s.option("tokens", "xclade-v2") == "sk_other"
    only = settings(cli_families="app-keys", base_urls=["http://h:1/?x=1"])
    assert only.base_url("app-keys") == "http://h:1/?x=1"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"base_urls": ["http://h:1"]}, "has no FAMILY= prefix, so it would serve every revokit family"),
        ({"base_urls": ["ftp://h"], "cli_families": "app-keys"}, "is not an http"),
        (
            {"base_urls": ["medusa-v1=http://h"], "cli_families": "app-keys"},
            "names medusa-v1, which is not among the revokit families",
        ),
    ],
)
def test_base_url_mistakes_are_usage_errors(options, message):
    with pytest.raises(SettingsError, match=message):
        settings(**options)


@pytest.fixture(scope="module")
def echo() -> LiveServer:
    app = Flask("echo")

    @app.route("/<path:path>", methods=["GET", "POST", "DELETE"])
    def echo_view(path: str):
        from flask import jsonify, request

        if path == "broken":
            return "", 500, {"X-Revokit-Spec-Violation": "GET /broken -> 500: bad"}
        return jsonify(path=path, headers=dict(request.headers), body=request.get_json(silent=True))

    server = LiveServer(app, name="echo")
    yield server
    server.stop()


def test_client_merges_and_removes_headers(echo: LiveServer):
    client = Client(echo.url + "/", {"Authorization": "Bearer t", "X-A": "1"}, name="demo")
    seen = client.post("/api/x", json={"n": 1}, headers={"X-B": "2", "X-A": None}).json()
    assert seen["path"] == "api/x" and seen["body"] == {"n": 1}
    assert seen["headers"]["Authorization"] == "Bearer t" and seen["headers"]["X-B"] == "2"
    assert "X-A" not in seen["headers"]
    derived = client.with_headers({"Authorization": None}, **{FIXTURE_HEADER: "setup"})
    headers = derived.get("api/y").json()["headers"]
    assert "Authorization" not in headers and headers[FIXTURE_HEADER] == "setup"
    assert client.headers == {"Authorization": "Bearer t", "X-A": "1"}  # the original is untouched
    assert repr(client) == f"<revokit Client demo {echo.url}>"
    client.close()
    derived.close()


def test_client_reports_mock_spec_violations_and_failed_setup_calls(echo: LiveServer):
    with Client(echo.url) as client:
        with pytest.raises(MockSpecViolation, match="broke its own spec"):
            client.get("/broken")
        response = client.get("/fine")
    assert expect_status(response, 200, doing="x") is response
    with pytest.raises(
        RevokitRequestError, match=r"making a key: GET http://127\.0\.0\.1:\d+/fine answered 200"
    ):
        expect_status(response, 201, doing="making a key")


def test_basic_auth_is_the_key_as_user_name():
    value = basic_auth("sk_test123")
    assert value == "Basic c2tfdGVzdDEyMzo="
    assert base64.b64decode(value.split()[1]) == b"sk_test123:"


def test_importing_the_plugin_stays_light():
    code = (
        "import sys, revokit.pytest_plugin\n"
        "heavy = [m for m in ('requests', 'flask', 'werkzeug', 'schemathesis', 'openapi_core', 'yaml',"
        " 'revokit.mockserver', 'revokit.testing_session') if m in sys.modules]\n"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def _plugin_conftest(config: pytest.Config):
    return next(
        plugin
        for plugin in config.pluginmanager.get_plugins()
        if str(getattr(plugin, "__file__", "")).endswith(os.path.join("tests", "plugin", "conftest.py"))
    )


def test_a_family_whose_mock_cannot_be_built_fails_the_tests_that_need_it(request, monkeypatch):
    conftest = _plugin_conftest(request.config)
    assert conftest.family_problem("no-such-family") is not None
    monkeypatch.setattr(conftest, "family_problem", lambda family: "RuntimeError: broken on purpose")

    class NeedsMedusa:
        def iter_markers(self, name: str):
            return (
                [pytest.mark.plugin_needs_family("medusa-v1").mark] if name == "plugin_needs_family" else []
            )

    with pytest.raises(pytest.fail.Exception, match="medusa-v1 mock cannot be built: RuntimeError: broken"):
        conftest.pytest_runtest_setup(NeedsMedusa())
