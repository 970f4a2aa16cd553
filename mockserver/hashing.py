"""Salted hashing of secret tokens, as the real systems store them.

Medusa v2 stores ``scrypt(token, salt, 64)``; revokit does the same for v2 secret keys and for
application keys. Comparison is constant-time. The scrypt cost is a parameter so the pytest plugin
can seed quickly; the mock's default matches Node's ``crypto.scrypt`` defaults (N=16384, r=8, p=1).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading

DEFAULT_SCRYPT_N = 2**14


def new_salt() -> str:
    return os.urandom(16).hex()


def hash_secret(token: str, salt: str, *, n: int = DEFAULT_SCRYPT_N) -> str:
    digest = hashlib.scrypt(token.encode(), salt=salt.encode(), n=n, r=8, p=1, dklen=64, maxmem=2**27)
    return digest.hex()


def verify_secret(token: str, salt: str, stored_hash: str, *, n: int = DEFAULT_SCRYPT_N) -> bool:
    return hmac.compare_digest(hash_secret(token, salt, n=n), stored_hash)


class VerifiedTokens:
    """Tokens whose salted hash already matched once, mapped (by their sha256) to the record id.

    It only spares the expensive scrypt on the next request with the same token: callers still
    read the record's current state (revoked? deleted?) every time, so it can never keep a
    revoked key alive.
    """

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._ids: dict[str, str] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def get(self, token: str) -> str | None:
        with self._lock:
            return self._ids.get(self._digest(token))

    def remember(self, token: str, record_id: str) -> None:
        with self._lock:
            if len(self._ids) >= self._size:
                self._ids.clear()
            self._ids[self._digest(token)] = record_id

    def clear(self) -> None:
        with self._lock:
            self._ids.clear()

    def __len__(self) -> int:
        return len(self._ids)
