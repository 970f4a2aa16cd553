"""What every request passes through around its handling, whichever way it is served: the header
limit and the CORS preflight before it, CORS headers and the journal after it.

Flask's ``before_request`` and ``after_request`` hooks (app.py) call these for the requests Flask
serves; the operation lane (operation_lane.py) calls them for the spec operations it serves.
"""

from __future__ import annotations

from flask import Request, Response

from .config import CONTROL_PREFIX
from .cors import add_cors_headers, preflight_answer
from .header_limit import header_bytes
from .journal import JOURNALED
from .journal_entry import journal_entry
from .runtime import MockRuntime


def before(rt: MockRuntime, request: Request) -> Response | None:
    """The header limit's refusal (raised) or a preflight's answer; None to go on."""
    if request.path.startswith(CONTROL_PREFIX):
        return None  # no header limit, and no CORS at all, on the control plane
    if header_bytes(request.environ) > rt.max_header_bytes:
        raise rt.family.errors.headers_too_large(rt.error_context(), rt.max_header_bytes)
    return preflight_answer(request)


def after(rt: MockRuntime, request: Request, response: Response, unjournaled: tuple[str, ...]) -> Response:
    """CORS headers on family answers, and the journal's entry (not for ``unjournaled`` prefixes)."""
    is_control = request.path.startswith(CONTROL_PREFIX)
    if not is_control:
        add_cors_headers(request, response)
    # Control routes stay out of the journal, except those that mark themselves (a bulk revoke).
    journaled = not is_control or request.environ.get(JOURNALED, False)
    if journaled and not request.path.startswith(unjournaled) and request.method != "OPTIONS":
        rt.journal.record(journal_entry(rt, request, response))
    return response
