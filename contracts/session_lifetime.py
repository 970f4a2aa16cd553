"""Waiting out a session: how long a ``connect.sid`` cookie lasts, read from the ``Set-Cookie``
that opened it, and the check that the backend refuses it afterwards.

Both Medusa releases keep a session for their ``ttl`` session option (10 hours unless
configured). A check cannot wait that long, so it waits out only a short session: a backend
configured with a short ``ttl`` (the mock's ``--session-ttl``) gets the check, any other a skip
that says why.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http.cookies import CookieError, SimpleCookie

from .http import Exchange
from .scenarios import ScenarioContext

#: The longest session a check waits out.
WAIT_LIMIT_SECONDS = 10.0
#: Beyond the lifetime: Expires and Date are whole seconds, and the answer takes its time.
MARGIN_SECONDS = 1.5


def cookie_lifetime(opened: Exchange, name: str) -> float | None:
    """Seconds the cookie ``name`` set by ``opened`` lasts (Max-Age, else Expires less the
    answer's Date); ``None`` when it carries neither (a browser-session cookie)."""
    cookie: SimpleCookie = SimpleCookie()
    try:
        cookie.load(opened.response_headers.get("Set-Cookie", ""))
    except CookieError:
        return None
    morsel = cookie.get(name)
    if morsel is None:
        return None
    try:
        if morsel["max-age"]:
            return float(morsel["max-age"])
        if morsel["expires"]:
            date = opened.response_headers.get("Date")
            now = parsedate_to_datetime(date) if date else datetime.now(UTC)
            return (parsedate_to_datetime(morsel["expires"]) - now).total_seconds()
    except (TypeError, ValueError):
        return None
    return None


def expect_expiry(
    ctx: ScenarioContext,
    opened: Exchange,
    name: str,
    use: Callable[[], Exchange],
    refused: Callable[[Exchange], None],
) -> None:
    """Use the session once (it must work), wait out its lifetime without using it, and hand the
    next use to ``refused``, which fails the scenario unless the backend refused it."""
    lifetime = cookie_lifetime(opened, name)
    if lifetime is None:
        ctx.skip(f"the {name} cookie carries no Max-Age or Expires: its session has no lifetime to wait out")
    if lifetime > WAIT_LIMIT_SECONDS:
        ctx.skip(
            f"sessions last {lifetime:.0f} s on this backend; a check waits out at most "
            f"{WAIT_LIMIT_SECONDS:.0f} s (configure a short session ttl, e.g. `revokit mock --session-ttl 2`)"
        )
    ctx.expect(use(), 200, why="using the session before it expires")
    # Every use may renew the session (express-session's touch): wait from the last one.
    time.sleep(max(0.0, lifetime) + MARGIN_SECONDS)
    refused(use())
