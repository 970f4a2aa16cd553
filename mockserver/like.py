"""SQL ``ILIKE`` matching without a regular expression.

A ``q`` search parameter is user input; turning it into a backtracking regular expression (``%``
as ``.*``) lets a few ``%`` and a non-matching tail stall the process for many seconds. Here the
pattern is split at its ``%`` wildcards into segments (made of literal characters and ``_``, one
any-character); the first segment must match the start of the text, the last its end, and every
segment between is searched leftmost-first from where the previous one ended. Taking the leftmost
occurrence is always safe for ``%``-separated segments, so nothing is ever retried. A literal
segment is found with ``str.find``, one with ``_`` by a bit-parallel (shift-and) scan: each text
character is read once per segment, so the cost is linear in the text, whatever the pattern.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

ANY = None  # a ``_`` in a segment: any one character


def _segments(pattern: str) -> list[tuple[str | None, ...]]:
    """The ``%``-separated segments of a lower-cased LIKE pattern; backslash escapes the next
    character (a trailing lone backslash is itself literal, as in Postgres)."""
    segments: list[tuple[str | None, ...]] = []
    current: list[str | None] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern):
            current.append(pattern[i + 1])
            i += 2
            continue
        if char == "%":
            segments.append(tuple(current))
            current = []
        else:
            current.append(ANY if char == "_" else char)
        i += 1
    segments.append(tuple(current))
    return segments


class _Segment:
    """One ``%``-free piece of the pattern, ready to be found in a text in linear time."""

    def __init__(self, chars: Sequence[str | None]) -> None:
        self.chars = tuple(chars)
        self.length = len(self.chars)
        self.literal = None if ANY in self.chars else "".join(self.chars)  # type: ignore[arg-type]
        self.any_mask = 0
        self.masks: dict[str, int] | None = None  # built on the first scan that needs them

    def _tables(self) -> dict[str, int]:
        """Shift-and (bit-parallel) tables for a segment with ``_``: bit k of a character's mask
        is set when the segment's k-th position accepts that character."""
        if self.masks is None:
            self.any_mask = sum(1 << k for k, c in enumerate(self.chars) if c is ANY)
            masks: dict[str, int] = {}
            for k, c in enumerate(self.chars):
                if c is not ANY:
                    masks[c] = masks.get(c, self.any_mask) | (1 << k)
            self.masks = masks
        return self.masks

    def matches_at(self, text: str, at: int) -> bool:
        if at < 0 or at + self.length > len(text):
            return False
        if self.literal is not None:
            return text.startswith(self.literal, at)
        return all(c is ANY or text[at + k] == c for k, c in enumerate(self.chars))

    def find(self, text: str, start: int, end: int) -> int:
        """The leftmost position in ``[start, end - length]`` where the segment matches, or -1."""
        if self.literal is not None:
            return text.find(self.literal, start, end)
        if end - start < self.length:
            return -1
        if all(c is ANY for c in self.chars):
            return start  # only ``_``: any position with enough characters left
        masks = self._tables()
        state, done, any_mask = 0, 1 << (self.length - 1), self.any_mask
        for j in range(start, end):
            state = ((state << 1) | 1) & masks.get(text[j], any_mask)
            if state & done:
                return j - self.length + 1
        return -1


def _match(text: str, segments: Sequence[_Segment]) -> bool:
    if len(segments) == 1:
        return len(text) == segments[0].length and segments[0].matches_at(text, 0)
    first, *middle, last = segments
    end = len(text) - last.length
    if end < first.length or not first.matches_at(text, 0) or not last.matches_at(text, end):
        return False
    position = first.length
    for segment in middle:
        found = segment.find(text, position, end)
        if found == -1:
            return False
        position = found + segment.length
    return True


def ilike(needle: str) -> Callable[[str | None], bool]:
    """``column ILIKE '%needle%'`` with Postgres's wildcards (``%``, ``_``) and backslash escapes."""
    segments = [_Segment(s) for s in _segments(f"%{needle}%".lower())]
    return lambda text: text is not None and _match(text.lower(), segments)
