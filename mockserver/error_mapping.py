"""What the app answers when a request fails outside a handler: Werkzeug's HTTP errors (no route,
wrong method, body too large, unparsable request) and unexpected exceptions, each in the family's
error body (or the control plane's), and a family's ``ApiError``.

Each takes the request explicitly: Flask's error handlers (app.py) pass the one of its request
context, the operation lane (operation_lane.py) the one it built.
"""

from __future__ import annotations

import logging

from flask import Request, Response
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from .config import CONTROL_PREFIX
from .control import control_error
from .errors import ApiError
from .pipeline import ResponseSpecViolation, error_response, spec_violation_response, to_response
from .runtime import MockRuntime

log = logging.getLogger("revokit.mock")


def api_error(rt: MockRuntime, request: Request, error: ApiError, testing: bool) -> Response:
    return error_response(rt, request, error, testing)


def http_error(rt: MockRuntime, request: Request, error: HTTPException) -> Response:
    if request.path.startswith(CONTROL_PREFIX):
        return control_error(error.code or 500, error.name, error.description or "")
    errors = rt.family.errors
    ctx = rt.error_context()
    if error.code in (404, 405) and rt.family.unrouted is not None:
        raw_path = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.path
        served = sorted(error.valid_methods or ()) if isinstance(error, MethodNotAllowed) else []
        try:
            answer = rt.family.unrouted(
                rt.backend,
                request.method,
                raw_path.split("?", 1)[0],
                request.headers,
                request.cookies,
                served,
            )
        except ApiError as refusal:  # e.g. the 401 of the prefix's authentication
            answer = refusal
        if answer is not None:
            return to_response(answer)
    if error.code == 404:
        family_error = errors.route_not_found(ctx, request.method, request.path)
    elif error.code == 405 and isinstance(error, MethodNotAllowed):
        allowed = sorted(set(error.valid_methods or ()))
        family_error = errors.method_not_allowed(ctx, request.method, request.path, allowed)
        if family_error.status == 405:  # a family may answer as its framework does instead (404)
            family_error.headers["Allow"] = ", ".join(allowed)
    elif error.code == 413:
        family_error = errors.body_too_large(ctx, rt.max_body_bytes)
    elif error.code is not None and 400 <= error.code < 500:
        family_error = errors.bad_request(ctx, error.description or error.name)
    else:
        family_error = errors.internal_error(ctx)
    return to_response(family_error)


def unexpected(rt: MockRuntime, request: Request, error: Exception, testing: bool) -> Response:
    if isinstance(error, ResponseSpecViolation):
        return spec_violation_response(rt, error, testing)
    log.exception("unhandled error in the %s mock", rt.config.family)
    if request.path.startswith(CONTROL_PREFIX):
        return control_error(500, "Internal Server Error", "unexpected error")
    return to_response(rt.family.errors.internal_error(rt.error_context()))
