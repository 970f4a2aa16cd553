"""Identifiers and tokens, generated the way each family's real system generates them.

Seed data uses a seeded ``random.Random`` so the mock starts with the same ids and tokens every
time; everything created at run time draws from the operating system's CSPRNG.
"""

from __future__ import annotations

import os
import random
import uuid
from datetime import datetime

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class IdFactory:
    """Makes ULIDs, UUIDs and random hex; deterministic when given a ``random.Random``."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng

    def _bytes(self, n: int) -> bytes:
        if self._rng is None:
            return os.urandom(n)
        return self._rng.randbytes(n)

    def ulid(self, at: datetime) -> str:
        millis = int(at.timestamp() * 1000)
        value = (millis << 80) | int.from_bytes(self._bytes(10), "big")
        chars = []
        for _ in range(26):
            chars.append(_CROCKFORD[value & 31])
            value >>= 5
        return "".join(reversed(chars))

    def prefixed_ulid(self, prefix: str, at: datetime) -> str:
        return f"{prefix}_{self.ulid(at)}"

    def uuid4(self) -> str:
        return str(uuid.UUID(bytes=self._bytes(16), version=4))

    def token_hex(self, nbytes: int) -> str:
        return self._bytes(nbytes).hex()
