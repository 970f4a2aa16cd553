"""The request pipeline every spec operation runs (``dispatch``), and how answers become responses.

For every request the pipeline reads and parses the body, lets the family authenticate the
caller, runs the operation's declared rules (the family framework's own validator), validates
parameters and body against the spec (minus the violations the operation tolerates), calls the
family's handler for that ``operationId``, and (when asked) validates the response against the
spec. Every failure on the way is rendered by the family's error hooks, told what the pipeline
knows of the request so far (``ErrorContext``).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Request, Response
from flask import request as _request_proxy
from werkzeug.datastructures import ImmutableMultiDict

from .body_encoding import InflatedTooLarge, UndecodableBody, UnsupportedBody, inflate, json_text
from .call import Call, Operation
from .engine import render
from .errors import ApiError
from .journal import JOURNAL_BODY
from .json_body import (
    LONE_SURROGATE,
    JsonTooDeep,
    has_lone_surrogate,
    non_finite_numbers,
    overflowed,
    parse_json,
    replace_lone_surrogates,
)
from .runtime import MockRuntime, runtime
from .validation import OpenAPIRequest, OpenAPIResponse

log = logging.getLogger("revokit.mock")

# Release profiles: the database driver stores a lone surrogate as U+FFFD (profile yaml explains).
FLAG_SURROGATES_REPLACED = "lone_surrogates_stored_replaced"


class ResponseSpecViolation(AssertionError):
    """The mock produced a response its own spec forbids: always a revokit bug."""


def view_of(op: Operation):
    """The Flask view of one spec operation: the pipeline, for the app serving the request."""

    def view(**path_params: str) -> Response:
        return dispatch(runtime(), op, path_params, current_request())

    view.__name__ = op.operation_id
    return view


def current_request() -> Request:
    """The request of Flask's current request context, resolved once: the ``request`` proxy looks
    the context up again on every attribute read."""
    return _request_proxy._get_current_object()  # type: ignore[attr-defined]


def dispatch(rt: MockRuntime, op: Operation, path_params: dict[str, str], request: Request) -> Response:
    errors = rt.family.errors
    call = Call(
        operation=op,
        path=dict(path_params),
        query={},
        raw_query=request.args,
        headers=request.headers,
        cookies=cookies_of(request),
        body=None,
        body_sent=False,
    )
    raw = call.raw_body = request.get_data(cache=True)
    if len(raw) > rt.max_body_bytes:
        raise errors.body_too_large(rt.error_context(call), rt.max_body_bytes)
    # An operation without a request body ignores whatever body was sent, as real servers do.
    if op.has_body and raw.strip():
        if request.mimetype == "application/json" or request.mimetype.endswith("+json"):
            text = _json_text(rt, raw, request, call)
            try:
                body = parse_json(text)
            except JsonTooDeep as exc:
                raise errors.json_too_deep(rt.error_context(call), str(exc)) from None
            except ValueError as exc:
                raise errors.malformed_json(rt.error_context(call), str(exc)) from None
            call.body = body
            infinite = non_finite_numbers(body) if overflowed(text) else []
            if infinite:
                # 1e400 is valid JSON that no double holds: JavaScript reads Infinity, which
                # a number validator refuses (zod: "Expected type: 'number' ... 'Infinity'").
                raise errors.validation_failed(rt.error_context(call), infinite)
            if b"\\u" in text and has_lone_surrogate(body):
                # Valid JSON, but no UTF-8 form: stored as is, no answer could ever render it.
                if not rt.profile.enabled(FLAG_SURROGATES_REPLACED):
                    raise errors.bad_request(rt.error_context(call), LONE_SURROGATE)
                call.body = body = replace_lone_surrogates(body)
            request.environ[JOURNAL_BODY] = body
            call.body_sent = True
        else:
            refusal = errors.non_json_body(rt.error_context(call), request.content_type or "")
            if refusal is not None:
                raise refusal
    if not call.body_sent and op.has_body and rt.family.missing_body is not None:
        call.body = rt.family.missing_body
    call.principal = rt.family.authenticate(rt.backend, call)
    rules = rt.rules[op.operation_id]
    if rules.validate is not None:
        refusal = rules.validate(rt.backend, call)
        if refusal is not None:
            raise refusal
    oa_request = openapi_request(request, path_params, call.body, op.template)
    validated = rt.validator.validate_request(oa_request, op.template)
    violations = validated.violations
    if violations and rules.tolerances:
        violations = [
            v for v in violations if not any(t.accepts(v, call, rt.profile) for t in rules.tolerances)
        ]
    if violations:
        raise errors.validation_failed(rt.error_context(call), violations)
    call.query = validated.query
    reply = rt.family.handlers[op.operation_id](rt.backend, call)
    response = to_response(reply)
    for cookie in reply.cookies:
        response.set_cookie(**cookie)
    # HEAD is served by the GET view; its (bodiless) answer is not an operation of the spec.
    if rt.config.validate_responses and request.method != "HEAD":
        check_response(rt, request, oa_request, response)
    return response


def _json_text(rt: MockRuntime, raw: bytes, request: Request, call: Call) -> bytes:
    """A JSON body as UTF-8 bytes: inflated (gzip, deflate) and decoded from its charset."""
    errors = rt.family.errors
    try:
        inflated = inflate(raw, request.headers.get("Content-Encoding", ""), rt.max_body_bytes)
        text = json_text(inflated, request.mimetype_params.get("charset"))
    except UnsupportedBody as exc:
        raise errors.unsupported_body(rt.error_context(call), str(exc)) from None
    except UndecodableBody as exc:
        raise errors.undecodable_body(rt.error_context(call), str(exc)) from None
    except InflatedTooLarge:
        raise errors.body_too_large(rt.error_context(call), rt.max_body_bytes) from None
    call.raw_body = text  # what a parser's error message quotes
    return text


_NO_COOKIES: ImmutableMultiDict[str, str] = ImmutableMultiDict()


def cookies_of(request: Request) -> ImmutableMultiDict[str, str]:
    """The request's cookies; without a Cookie header, none, and no parser run to say so."""
    return request.cookies if "HTTP_COOKIE" in request.environ else _NO_COOKIES


def openapi_request(
    request: Request, path_params: dict[str, str], body: Any, template: str | None
) -> OpenAPIRequest:
    # The parsed body travels as is; it is serialised again only if openapi-core reads it.
    # HEAD is served by the GET view, so it is validated as that GET (defaults included).
    return OpenAPIRequest(
        method="GET" if request.method == "HEAD" else request.method,
        path=request.path,
        query=request.args,
        headers=request.headers,
        cookies=cookies_of(request),
        path_params=path_params,
        body=None,
        json_body=body,
        content_type="application/json" if body is not None else (request.content_type or ""),
        template=template,
    )


def check_response(rt: MockRuntime, request: Request, oa_request: OpenAPIRequest, response: Response) -> None:
    problems = rt.validator.response_errors(
        oa_request,
        OpenAPIResponse(
            response.status_code,
            response.get_data(),
            response.mimetype or "",
            response.headers,
        ),
    )
    if problems:
        raise ResponseSpecViolation(
            f"{request.method} {request.full_path} -> {response.status_code}: " + " | ".join(problems)
        )


# Refusals of the transport (a body too large or unreadable, headers too large) come before any
# route in the real servers, so no operation has to list them: they are not held to the spec.
TRANSPORT_STATUSES = frozenset({413, 415, 431})


def error_response(rt: MockRuntime, request: Request, error: ApiError, testing: bool) -> Response:
    response = to_response(error)
    rule = request.url_rule
    if (
        rt.config.validate_responses
        and request.method != "HEAD"
        and error.status not in TRANSPORT_STATUSES
        and rule is not None
        and rule.endpoint.startswith("family.")
    ):
        try:
            template = rt._templates.get(rule.endpoint.split(".", 1)[-1])
            oa_request = openapi_request(request, request.view_args or {}, None, template)
            check_response(rt, request, oa_request, response)
        except ResponseSpecViolation as violation:
            return spec_violation_response(rt, violation, testing)
    return response


def spec_violation_response(rt: MockRuntime, violation: ResponseSpecViolation, testing: bool) -> Response:
    """A 500 in the family's error body; in a testing app the violation itself is raised."""
    if testing:
        raise violation
    log.error("response breaks the spec: %s", violation)
    response = to_response(rt.family.errors.internal_error(rt.error_context()))
    response.headers["X-Revokit-Spec-Violation"] = str(violation)[:1000].replace("\n", " ")
    return response


def to_response(item: Any) -> Response:
    data, status, headers, content_type = render(item)
    # One constructor call: building a default text/html response and then rewriting its headers
    # cost a tenth of a fast request.
    response = Response(data, status=status, headers=headers or None, content_type=content_type)
    if content_type is None:
        del response.headers["Content-Type"]
    return response
