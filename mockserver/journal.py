"""A bounded journal of the requests a mock served, for tests that assert what a client sent."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any

MAX_BODY_CHARS = 64 * 1024

# What a request's handling leaves for its journal entry, in its WSGI environ (which lives exactly
# as long as the request, whichever way it was served): the body as parsed, and the mark of a
# control call that is journaled like a family request (a bulk revoke).
JOURNAL_BODY = "revokit.journal_body"
JOURNALED = "revokit.journaled"


class Journal:
    def __init__(self, size: int = 500) -> None:
        self._entries: deque[tuple[int, Any]] = deque(maxlen=size)
        self._lock = threading.Lock()
        self._sequence = 0

    def record(self, entry: dict[str, Any] | Callable[[], dict[str, Any]]) -> None:
        """Keep ``entry``; a callable is turned into its dict only when the journal is read, which
        keeps the formatting off the request path."""
        with self._lock:
            self._sequence += 1
            self._entries.append((self._sequence, entry))

    def entries(self, limit: int | None = None) -> list[dict[str, Any]]:
        with self._lock:
            items = list(self._entries)
        items = items[-limit:] if limit else items
        return [{"seq": seq, **(entry() if callable(entry) else entry)} for seq, entry in items]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
