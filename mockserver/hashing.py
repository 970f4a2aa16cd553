"""Salted hashing of secret tokens, as the real systems store them.

Medusa v2 stores ``scrypt(token, salt, 64)``; revokit does the same for v2 secret keys and for
application keys. Comparison is constant-time. The scrypt cost is a parameter so the pytest plugin
can seed quickly; the mock's default matches Node's ``crypto.scrypt`` defaults (N=16384, r=8, p=1).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import threading

DEFAULT_SCRYPT_N = 2**14


def hash_secret(token: str, salt: str, *, n: int = DEFAULT_SCRYPT_N) -> str:
    digest = hashlib.scrypt(token.encode(), salt=salt.encode(), n=n, r=8, p=1, dklen=64, maxmem=2**27)
    return digest.hex()


# Seed data is deterministic, so the default seed's secrets, salts and therefore hashes are the
# same on every start; scrypt at the production cost is most of `revokit mock`'s start-up. The
# hashes are shipped (fixtures/seed_hashes.json, keyed by a digest of every input, so a changed
# seed or cost simply misses and is computed) and remembered for the process.
SEED_HASHES_FILE = "seed_hashes.json"
_seed_hashes: dict[str, str] | None = None
_seed_hashes_lock = threading.Lock()


def seed_hash_key(token: str, salt: str, n: int) -> str:
    return hashlib.sha256(f"{n}\x00{salt}\x00{token}".encode()).hexdigest()


def _shipped_seed_hashes() -> dict[str, str]:
    from importlib.resources import files

    try:
        return dict(json.loads(files("revokit.fixtures").joinpath(SEED_HASHES_FILE).read_text()))
    except (FileNotFoundError, ValueError):
        return {}


def seed_hash(token: str, salt: str, *, n: int = DEFAULT_SCRYPT_N) -> str:
    """``hash_secret`` for seed data: served from the shipped and remembered hashes when they
    hold this exact (token, salt, n), computed (and remembered) otherwise."""
    global _seed_hashes
    with _seed_hashes_lock:
        if _seed_hashes is None:
            _seed_hashes = _shipped_seed_hashes()
        known = _seed_hashes.get(seed_hash_key(token, salt, n))
    if known is not None:
        return known
    digest = hash_secret(token, salt, n=n)
    with _seed_hashes_lock:
        _seed_hashes[seed_hash_key(token, salt, n)] = digest
    return digest


def remembered_seed_hashes() -> dict[str, str]:
    """Every seed hash this process served (to regenerate the shipped file)."""
    with _seed_hashes_lock:
        return dict(_seed_hashes or {})


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


class KnownTokens:
    """A keyed digest of every secret token this process has held in the clear, by record id.

    A stored secret is checked with scrypt (~40 ms at the production cost), and candidates are
    found by the token's public prefix; so anyone who knows a key's redacted prefix could make
    every request pay one scrypt. A key made or seeded by this process, or verified once, is
    checked against its digest instead (HMAC-SHA256 under a random per-process key, a microsecond),
    so a wrong token costs scrypt only for a key made by an earlier process (``--state``) and
    not yet used since. The digests live in memory only; the state keeps only the salted hash.
    Entries are never dropped: an id names one token for good (a reset restores the same seed).
    """

    def __init__(self) -> None:
        self._key = os.urandom(32)
        self._digests: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def _digest(self, token: str) -> bytes:
        return hmac.new(self._key, token.encode("utf-8", "surrogatepass"), hashlib.sha256).digest()

    def learn(self, record_id: str, token: str) -> None:
        digest = self._digest(token)
        with self._lock:
            self._digests[record_id] = digest

    def matches(self, record_id: str, token: str) -> bool | None:
        """Whether ``token`` is the record's token; ``None`` when this process never held it."""
        with self._lock:
            known = self._digests.get(record_id)
        return None if known is None else hmac.compare_digest(known, self._digest(token))
