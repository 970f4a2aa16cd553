"""`session_ttl_seconds` (`revokit mock --session-ttl`): how long a Medusa session lasts, as the
releases' `ttl` session option sets it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from revokit.cli import build_parser
from revokit.mockserver import MockConfig, create_app
from revokit_testing import TEST_SCRYPT_N

ADMIN = {"email": "admin@medusa-test.com", "password": "supersecret"}


def _open_session(family: str, client) -> str:
    if family == "medusa-v1":
        return client.post("/admin/auth", json=ADMIN).headers["Set-Cookie"]
    token = client.post("/auth/user/emailpass", json=ADMIN).get_json()["token"]
    return client.post("/auth/session", headers={"Authorization": f"Bearer {token}"}).headers["Set-Cookie"]


@pytest.mark.parametrize(("family", "read"), [("medusa-v1", "/admin/auth"), ("xclade-v2", "/admin/api-keys")])
def test_a_session_lasts_the_configured_ttl(family, read):
    config = MockConfig(
        family=family,
        scrypt_n=TEST_SCRYPT_N,
        session_ttl_seconds=5,
        frozen_at=datetime(2026, 6, 1, tzinfo=UTC),
    )
    app = create_app(config)
    clock = app.extensions["revokit"].clock
    client = app.test_client()
    set_cookie = _open_session(family, client)
    assert "Expires=Mon, 01 Jun 2026 00:00:05 GMT" in set_cookie
    clock.advance(4.9)
    assert client.get(read).status_code == 200
    # 1.20.11 renews a session at every use (express-session's touch); 2.21.2's mock keeps the first expiry.
    clock.advance(5.0 if family == "medusa-v1" else 0.1)
    assert client.get(read).status_code == 401


def test_the_cli_takes_seconds_and_refuses_nonsense(capsys):
    parser = build_parser()
    assert parser.parse_args(["mock", "--session-ttl", "2.5"]).session_ttl == 2.5
    assert parser.parse_args(["mock"]).session_ttl is None  # MockConfig's default: 10 hours
    for bad in ("0", "-1", "soon", "nan"):
        with pytest.raises(SystemExit):
            parser.parse_args(["mock", "--session-ttl", bad])
    assert "--session-ttl" in capsys.readouterr().err
