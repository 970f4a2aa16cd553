"""Express's default HTML pages (the ``finalhandler`` package): ``Cannot GET /path`` for a request
no route serves (404), and an error's ``Name: message`` in development mode."""

from __future__ import annotations

from urllib.parse import quote

HTML = "text/html; charset=utf-8"
# finalhandler sends these with every page it writes.
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'none'", "X-Content-Type-Options": "nosniff"}


def page(escaped_text: str) -> str:
    """The page around a text already escaped for HTML."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n'
        f"</head>\n<body>\n<pre>{escaped_text}</pre>\n</body>\n</html>\n"
    )


def encode_url(path: str) -> str:
    """encodeurl: percent-encode what is not allowed in a URL, keep existing escapes."""
    return quote(path, safe="!#$&'()*+,/:;=?@[]~%")
