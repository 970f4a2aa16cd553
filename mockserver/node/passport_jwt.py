"""passport-jwt's bearer extractor (``ExtractJwt.fromAuthHeaderAsBearerToken``), which Medusa 1.20's
admin-bearer strategy reads the Authorization header with.

It matches ``(\\S+)\\s+(\\S+)`` anywhere in the header, unanchored: the first two words, whatever
follows them. So ``Bearer <jwt> trailing`` carries the JWT (1.20.11 answers 200), while
``x Bearer <jwt>`` or a lone ``Bearer`` carry none.
"""

from __future__ import annotations

import re

# JavaScript's \s (and so \S): ASCII whitespace, the Unicode space separators and the BOM. Not
# Python's: str.split() also splits on \x1c-\x1f and not on U+FEFF.
_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_AUTH_HEADER = re.compile(f"([^{_JS_SPACE}]+)[{_JS_SPACE}]+([^{_JS_SPACE}]+)")


def bearer_token(header: str | None) -> str | None:
    """The token of a ``Bearer`` Authorization header as passport-jwt reads it; ``None`` if none."""
    match = _AUTH_HEADER.search(header or "")
    if match is None or match.group(1).lower() != "bearer":
        return None
    return match.group(2)
