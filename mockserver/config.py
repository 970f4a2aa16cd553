"""How a mock is configured: ``MockConfig``, passed in to ``create_app``, and where the control
plane lives."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .hashing import DEFAULT_SCRYPT_N

CONTROL_PREFIX = "/__revokit"
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
DEFAULT_MAX_HEADER_BYTES = 32 * 1024
DEFAULT_SESSION_TTL_SECONDS = 10 * 60 * 60  # both Medusa releases' default session `ttl`


@dataclass(frozen=True)
class MockConfig:
    family: str = "app-keys"
    profile: str = "contract"
    seed: int = 20261123
    validate_responses: bool = False
    # The largest request body read (413 beyond). None: the family's own limit (the Medusa
    # families: body-parser's 100 KB), else DEFAULT_MAX_BODY_BYTES.
    max_body_bytes: int | None = None
    # The largest request header section read. None: the family's own limit (the Medusa
    # families: Node's 16 KiB), else DEFAULT_MAX_HEADER_BYTES.
    max_header_bytes: int | None = None
    control_token: str | None = None
    # Signs JWTs and session cookies. None: a random secret per mock, so no token can be forged
    # from the source; set one only when tokens must outlive the process (or be made elsewhere).
    jwt_secret: str | None = None
    scrypt_n: int = DEFAULT_SCRYPT_N
    # How long a Medusa session (connect.sid) lasts: both releases' `ttl` session option, whose
    # default is 10 hours. A short one lets a test (or `revokit check`) see a session expire.
    session_ttl_seconds: float = DEFAULT_SESSION_TTL_SECONDS
    journal_size: int = 500
    frozen_at: datetime | None = None  # start with a frozen clock (tests); None follows real time
    state_path: str | None = None  # keep the state in this SQLite file across restarts
    # /__revokit/state and the journal show credentials redacted unless this is set.
    show_secrets: bool = False
    # "compiled" (schemas compiled at start-up) or "openapi-core" (the reference, slow): same answers.
    validator: str = "compiled"
    # A built admin frontend (index.html + assets) to serve at /app on the mock's origin.
    admin_dir: str | None = None
