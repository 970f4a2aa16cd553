"""The limit on the size of a request's headers (Node's ``--max-http-header-size`` counterpart)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# The environ keys of headers without HTTP_, and the HTTP_ forms of them that EnvironHeaders skips.
CONTENT_KEYS = ("CONTENT_TYPE", "CONTENT_LENGTH")
_HTTP_CONTENT = ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH")


def header_bytes(environ: Mapping[str, Any]) -> int:
    """The size of ``request.headers.items()``, read from the environ (HTTP_X_API_KEY is X-Api-Key)
    without building the headers."""
    return sum(
        len(k) - (5 if k[0] == "H" else 0) + len(v) + 4
        for k, v in environ.items()
        if (k.startswith("HTTP_") and k not in _HTTP_CONTENT) or (k in CONTENT_KEYS and v)
    )
