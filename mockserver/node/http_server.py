"""Node's HTTP server in front of Express: how large a request's headers may be, and what it
answers beyond that (before any Express code runs)."""

from __future__ import annotations

from ..errors import ApiError

#: Node's default --max-http-header-size: 16 KiB of header section (the mock counts the header
#: lines; Node's count differs by a few bytes around the limit).
MAX_HEADER_BYTES = 16 * 1024


def headers_too_large() -> ApiError:
    """431 with no body, what Node writes itself. (Node also closes the connection; a WSGI app
    may not send the hop-by-hop Connection header, so the mock's stays open.)"""
    return ApiError("", status=431, content_type=None)
