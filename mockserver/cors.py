"""CORS for the family routes, as the ``cors`` middleware in front of Medusa answers it: any origin,
echoed (not ``*``) so that browsers send credentials. The control plane gets no CORS at all: no
other origin may read or drive it."""

from __future__ import annotations

from flask import Request, Response

PREFLIGHT_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS"


def preflight_answer(request: Request) -> Response | None:
    """The 204 answer to a preflight (OPTIONS with Access-Control-Request-Method), else None."""
    if request.method != "OPTIONS" or "Access-Control-Request-Method" not in request.headers:
        return None
    response = Response(status=204)
    del response.headers["Content-Type"]  # the cors middleware's 204 has no body and no type
    response.headers["Access-Control-Allow-Methods"] = PREFLIGHT_METHODS
    requested = request.headers.get("Access-Control-Request-Headers")
    if requested:
        response.headers["Access-Control-Allow-Headers"] = requested
    response.headers["Access-Control-Max-Age"] = "600"
    return response


def add_cors_headers(request: Request, response: Response) -> None:
    """What an answer to a request from another origin carries."""
    origin = request.environ.get("HTTP_ORIGIN")  # headers.get raises and catches when absent
    if origin:
        # Echo the origin (not "*") so browsers allow credentials: cookies and Authorization.
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
        response.headers["Access-Control-Expose-Headers"] = "Set-Cookie, Allow"
        response.vary.add("Origin")
