"""How a request becomes an entry of the journal: copied at once, formatted only when read."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Request, Response
from werkzeug.datastructures import EnvironHeaders
from werkzeug.exceptions import HTTPException

from .clock import isoformat_ms
from .control import CONTROL_TOKEN_HEADER
from .header_limit import CONTENT_KEYS
from .journal import JOURNAL_BODY, MAX_BODY_CHARS
from .redaction import redacted_body, redacted_headers
from .runtime import MockRuntime

_CONTROL_TOKEN_ENVIRON = "HTTP_" + CONTROL_TOKEN_HEADER.upper().replace("-", "_")


def journal_entry(rt: MockRuntime, request: Request, response: Response) -> Callable[[], dict[str, Any]]:
    """The journal's record of this request, formatted only if someone reads the journal."""
    body: Any = request.environ.get(JOURNAL_BODY)
    if body is None:
        try:
            raw = request.get_data(cache=True)
        except HTTPException:  # e.g. over MAX_CONTENT_LENGTH: the body was never read
            raw, body = b"", "<body not read>"
        if raw:
            # Not parsed by the pipeline (refused before, or not JSON): keep it as text.
            body = raw[:MAX_BODY_CHARS].decode("utf-8", "replace")
    # Copy what the entry needs, not the request (which holds the raw body): the header entries
    # of the environ now, their names (HTTP_X_API_KEY -> X-Api-Key) when the journal is read.
    # The control token of a journaled control call (a bulk revoke) is a secret: never recorded.
    environ = {
        k: v
        for k, v in request.environ.items()
        if (k.startswith("HTTP_") or k in CONTENT_KEYS) and k != _CONTROL_TOKEN_ENVIRON
    }
    method, path, args, rule = request.method, request.path, request.args, request.url_rule
    at, status = rt.clock.now(), response.status_code

    show_secrets = rt.config.show_secrets

    def entry() -> dict[str, Any]:
        headers = dict(EnvironHeaders(environ).items())
        return {
            "at": isoformat_ms(at),
            "method": method,
            "path": path,
            "query": {k: v if len(v) > 1 else v[0] for k, v in args.lists()},
            "headers": headers if show_secrets else redacted_headers(headers),
            "body": body if show_secrets else redacted_body(body),
            "status": status,
            "operation_id": rule.endpoint.split(".", 1)[-1] if rule else None,
        }

    return entry
