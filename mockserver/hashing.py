"""Salted hashing of secret tokens, as the real systems store them.

Medusa v2 stores ``scrypt(token, salt, 64)``; revokit does the same for v2 secret keys and for
application keys. Comparison is constant-time. The scrypt cost is a parameter so the pytest plugin
can seed quickly; the mock's default matches Node's ``crypto.scrypt`` defaults (N=16384, r=8, p=1).
"""

from __future__ import annotations

import hashlib
import hmac
import os

DEFAULT_SCRYPT_N = 2**14


def new_salt() -> str:
    return os.urandom(16).hex()


def hash_secret(token: str, salt: str, *, n: int = DEFAULT_SCRYPT_N) -> str:
    digest = hashlib.scrypt(token.encode(), salt=salt.encode(), n=n, r=8, p=1, dklen=64, maxmem=2**27)
    return digest.hex()


def verify_secret(token: str, salt: str, stored_hash: str, *, n: int = DEFAULT_SCRYPT_N) -> bool:
    return hmac.compare_digest(hash_secret(token, salt, n=n), stored_hash)
