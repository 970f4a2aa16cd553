"""The mock's notion of "now".

Every timestamp the mock writes and every revoke rule it applies reads this clock, so tests can
move time forward (``revoke_in`` expiry, token expiry) through the control plane instead of sleeping.
"""

from __future__ import annotations

import math
import threading
from datetime import UTC, datetime, timedelta
from functools import lru_cache

# The span the mock's clock may be set to. Every deadline the mock computes (a session's 10 hours,
# a token's day) must still be a datetime, so the clock stops a year short of datetime's end; the
# ULIDs the mock mints need a time after the Unix epoch.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9998, 12, 31, 23, 59, 59, tzinfo=UTC)


class ClockOutOfRange(ValueError):
    """A clock change that would leave ``[EARLIEST, LATEST]``; the clock is left as it was."""


def _in_range(instant: datetime) -> datetime:
    if not EARLIEST <= instant <= LATEST:
        raise ClockOutOfRange(f"the clock must stay between {EARLIEST.isoformat()} and {LATEST.isoformat()}")
    return instant


def utc_now() -> datetime:
    return datetime.now(UTC)


class Clock:
    """A wall clock that can be frozen at an instant or shifted by an offset.

    ``reset()`` returns it to how it was constructed, so a mock reset also resets time.
    """

    def __init__(self, frozen_at: datetime | None = None) -> None:
        self._initial = frozen_at
        self._lock = threading.Lock()
        self._frozen_at = frozen_at
        self._offset = timedelta(0)

    def now(self) -> datetime:
        frozen = self._frozen_at
        if frozen is not None:
            return frozen
        return utc_now() + self._offset

    @property
    def frozen(self) -> bool:
        return self._frozen_at is not None

    def set(self, instant: datetime, *, frozen: bool = True) -> datetime:
        """Jump to ``instant``; a frozen clock stays there, an unfrozen one keeps ticking from it."""
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=UTC)
        _in_range(instant)
        with self._lock:
            if frozen:
                self._frozen_at = instant
                self._offset = timedelta(0)
            else:
                self._frozen_at = None
                self._offset = instant - utc_now()
        return self.now()

    def advance(self, seconds: float) -> datetime:
        if not math.isfinite(seconds):
            raise ClockOutOfRange("the clock advances by a finite number of seconds")
        with self._lock:
            try:
                delta = timedelta(seconds=seconds)
                _in_range(self.now() + delta)
            except OverflowError:
                raise ClockOutOfRange(
                    f"the clock must stay between {EARLIEST.isoformat()} and {LATEST.isoformat()}"
                ) from None
            if self._frozen_at is not None:
                self._frozen_at += delta
            else:
                self._offset += delta
        return self.now()

    def reset(self) -> None:
        with self._lock:
            self._frozen_at = self._initial
            self._offset = timedelta(0)


@lru_cache(maxsize=8192)
def isoformat_ms(instant: datetime) -> str:
    """ISO-8601 in UTC with milliseconds and a ``Z``, the way JavaScript's ``Date.toJSON`` writes it.

    Memoised: a listing writes the same records' timestamps on every call (a product list, 14 per
    request), and equal instants (whatever their zone) always format alike.
    """
    instant = instant.astimezone(UTC)
    if instant.year < 1000:  # strftime's %Y does not pad; keep its answer for such years
        return instant.strftime("%Y-%m-%dT%H:%M:%S.") + f"{instant.microsecond // 1000:03d}Z"
    # Formatting the fields directly is 3x faster than strftime; responses carry many timestamps.
    return (
        f"{instant.year:04d}-{instant.month:02d}-{instant.day:02d}T{instant.hour:02d}:"
        f"{instant.minute:02d}:{instant.second:02d}.{instant.microsecond // 1000:03d}Z"
    )


def isoformat_ms_or_none(instant: datetime | None) -> str | None:
    """``isoformat_ms``, with JSON's null for a time that is not set (a key never revoked)."""
    return isoformat_ms(instant) if instant is not None else None


def parse_instant(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=UTC)
