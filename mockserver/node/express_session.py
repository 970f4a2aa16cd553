"""express-session's ``connect.sid`` cookie, which both Medusa releases use for admin sessions.

The cookie value is ``s:<session id>.<signature>`` URL-encoded, the signature being cookie-signature's
HMAC-SHA256 of the id under the session secret, base64 without padding. Real clients (medusa-js, the
JS SDK, browsers) hand the cookie back as they got it, so the format has to be the real one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote, unquote

from ..ids import IdFactory


def new_session_id(ids: IdFactory) -> str:
    """A session id shaped like uid-safe's (24 random bytes, URL-safe base64)."""
    return base64.urlsafe_b64encode(bytes.fromhex(ids.token_hex(24))).decode().rstrip("=")


def _signature(session_id: str, secret: str) -> str:
    mac = hmac.new(secret.encode(), session_id.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()
    return base64.b64encode(mac).decode().rstrip("=")


def signed_cookie(session_id: str, secret: str) -> str:
    """The ``connect.sid`` value that names ``session_id``."""
    return quote(f"s:{session_id}.{_signature(session_id, secret)}", safe="")


def session_id_from_cookie(cookie: str | None, secret: str) -> str | None:
    """The session id a ``connect.sid`` value names, or ``None`` when it is absent, malformed or
    its signature does not match (compared in constant time)."""
    if not cookie:
        return None
    value = unquote(cookie)
    if not value.startswith("s:") or "." not in value:
        return None
    session_id, _, signature = value[2:].rpartition(".")
    # Bytes, not str: compare_digest refuses str with non-ASCII characters (a %FF in the cookie).
    expected = _signature(session_id, secret).encode()
    if not hmac.compare_digest(signature.encode("utf-8", "surrogatepass"), expected):
        return None
    return session_id
