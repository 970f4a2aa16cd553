"""Every error body Medusa 1.20 sends on the routes revokit mocks, and the engine-failure renderer.

Medusa's error handler writes ``{code?, type, message}`` (``code`` only for a few types), its
pre-handler ``req.errors`` path writes ``{errors: [str], message}``, passport's refusal is the bare
text ``Unauthorized``, and a failed login is ``res.sendStatus(401)``. Each has a class here, so
the domain raises ``KeyNotFound(key_id)`` and never builds a body.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from ...errors import TEXT, ApiError, FamilyErrors
from ...validation import Violation

HTML = "text/html; charset=utf-8"

# Flags of the medusa-1.20 profile that change how an error looks (see specs/profiles).
FLAG_NO_CONTENT_TYPE_401 = "unauthorized_without_content_type"
FLAG_MALFORMED_JSON_HTML = "malformed_json_html"
FLAG_BODY_PARSER_ERRORS_HTML = "body_parser_errors_html"
FLAG_EXPRESS_404 = "unrouted_requests_get_express_404"

SCOPE_ERRORS_MESSAGE = "Provided request body contains errors. Please check the data and retry the request"


class MedusaError(ApiError):
    """A ``MedusaError`` that went through Medusa's error handler: ``{code?, type, message}``."""

    error_type = "unknown_error"
    code: str | None = None

    def __init__(self, message: str) -> None:
        body: dict[str, Any] = {}
        if self.code is not None:
            body["code"] = self.code
        body["type"] = self.error_type
        body["message"] = message
        super().__init__(body)
        self.message = message


class InvalidData(MedusaError):
    status = 400
    error_type = "invalid_data"


class NotAllowed(MedusaError):
    status = 400
    error_type = "not_allowed"


class NotFound(MedusaError):
    status = 404
    error_type = "not_found"


class UnexpectedState(MedusaError):
    status = 500
    error_type = "unexpected_state"


class UnknownError(MedusaError):
    """Anything the error handler does not recognise (TypeORM failures included)."""

    status = 500
    code = "unknown_error"

    def __init__(self) -> None:
        super().__init__("An unknown error occurred.")


class ValidationFailed(InvalidData):
    """class-validator's messages, joined the way ``utils/validator.ts`` joins them."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__(", ".join(messages))
        self.messages = list(messages)


class NullValue(InvalidData):
    """Postgres 23502 (NOT NULL) as ``formatException`` words it."""

    def __init__(self, column: str, table: str) -> None:
        super().__init__(f"Can't insert null value in field {column} on insert in table {table}")


class Duplicate(MedusaError):
    """Postgres 23505 (unique violation) as ``formatException`` words it."""

    status = 422
    error_type = "duplicate_error"
    code = "invalid_request_error"


class ProductHandleTaken(Duplicate):
    def __init__(self, handle: str) -> None:
        super().__init__(f"Product with handle {handle} already exists.")


class ProductChannelLinkTwice(Duplicate):
    def __init__(self, product_id: str, channel_id: str) -> None:
        super().__init__(
            f"Product_sales_channel with product_id, sales_channel_id {product_id}, {channel_id} already exists."
        )


def sales_channels_missing(ids: Sequence[str]) -> ScopeErrors:
    """validateSalesChannelsExist, a pre-handler middleware: it writes ``req.errors``."""
    return ScopeErrors([f"Sales Channels {', '.join(ids)} do not exist"])


class KeyNotFound(NotFound):
    def __init__(self, key_id: str) -> None:
        super().__init__(f"Publishable key with id: {key_id} was not found")


class AlreadyRevoked(NotAllowed):
    def __init__(self) -> None:
        super().__init__("PublishableApiKey has already been revoked.")


class SalesChannelNotFound(NotFound):
    def __init__(self, channel_id: str) -> None:
        super().__init__(f"Sales channel with id: {channel_id} was not found")


class DefaultChannelUndeletable(NotAllowed):
    def __init__(self) -> None:
        super().__init__("You cannot delete the default sales channel")


class DisabledSalesChannel(NotAllowed):
    def __init__(self, name: str) -> None:
        super().__init__(f'Unable to assign the cart to a disabled Sales Channel "{name}"')


class ProductNotFound(NotFound):
    def __init__(self, product_id: str) -> None:
        super().__init__(f"Product with id: {product_id} was not found")


class ForeignKeyMissing(NotFound):
    """Postgres 23503 as ``formatException`` words it (an insert naming a row that is not there)."""

    def __init__(self, table: str, column: str, value: str) -> None:
        super().__init__(f"{table[:1].upper()}{table[1:]} with {column} {value} does not exist.")


class JwtSecretMissing(NotFound):
    def __init__(self) -> None:
        super().__init__("Please configure jwt_secret in your environment")


class InvalidPublishableKey(NotAllowed):
    """Contract profile only: the wording is Medusa 2's; 1.20 never refuses a key."""

    def __init__(self) -> None:
        super().__init__("A valid publishable key is required to proceed with the request")


class MultipleChannels(UnexpectedState):
    def __init__(self) -> None:
        super().__init__(
            "The PublishableApiKey provided in the request header has multiple associated sales channels."
        )


class ScopeErrors(ApiError):
    """The ``req.errors`` answer of ``await-middleware``: plain sentences, not objects."""

    status = 400

    def __init__(self, errors: Sequence[str]) -> None:
        super().__init__({"errors": list(errors), "message": SCOPE_ERRORS_MESSAGE})


def channel_out_of_scope(channel_ids: str | Sequence[str]) -> ScopeErrors:
    # The middleware interpolates what the request sent; a JS array renders comma-joined.
    shown = channel_ids if isinstance(channel_ids, str) else ",".join(channel_ids)
    return ScopeErrors(
        [
            f"Provided sales channel id param: {shown} is not associated with the Publishable API Key "
            "passed in the header of the request."
        ]
    )


def products_missing(product_ids: Sequence[str]) -> ScopeErrors:
    return ScopeErrors([f"Products {', '.join(product_ids)} do not exist"])


def product_out_of_scope(product_id: str) -> ScopeErrors:
    return ScopeErrors(
        [
            f"Product with id: {product_id} is not associated with sales channels defined by the "
            "Publishable API Key passed in the header of the request."
        ]
    )


class Unauthorized(ApiError):
    """passport's ``allFailed``: 401 with the bare status text.

    The real middleware sends no Content-Type (``res.end``); the contract declares text/plain, so
    only the medusa-1.20 profile drops the header.
    """

    status = 401
    content_type = TEXT

    def __init__(self, *, with_content_type: bool = True) -> None:
        super().__init__("Unauthorized", content_type=TEXT if with_content_type else None)


class IncorrectCredentials(ApiError):
    """``res.sendStatus(401)`` after a failed login: always text/plain."""

    status = 401
    content_type = TEXT

    def __init__(self) -> None:
        super().__init__("Unauthorized")


class BadRequestText(ApiError):
    """``res.sendStatus(400)`` (GET /admin/auth when the user behind a credential is gone)."""

    status = 400
    content_type = TEXT

    def __init__(self) -> None:
        super().__init__("Bad Request")


class RouteNotFound(NotFound):
    def __init__(self, method: str, path: str) -> None:
        super().__init__(f"Cannot {method} {path}")


class MethodNotAllowed(MedusaError):
    status = 405
    error_type = "not_allowed"

    def __init__(self, method: str, path: str) -> None:
        super().__init__(f"Cannot {method} {path}")


class PayloadTooLarge(MedusaError):
    """body-parser's ``PayloadTooLargeError`` keeps its own ``type`` and message."""

    status = 413
    error_type = "entity.too.large"

    def __init__(self) -> None:
        super().__init__("request entity too large")


class Passthrough(ApiError):
    """A handler's successful reply carried through ``validation_failed``.

    The engine rejects every undeclared query parameter and every body the spec forbids; where
    Medusa 1.20 accepts the request (it ignores the query string of most routes, and its validator
    lets ``null`` through ``@IsOptional`` fields), the family answers as the handler would.
    """

    def __init__(self, body: Any, status: int, headers: dict[str, str], content_type: str | None) -> None:
        super().__init__(body, status=status, headers=headers, content_type=content_type)


_JSON_POSITION = re.compile(r"\(char (\d+)\)")


def json_syntax_message(detail: str) -> str:
    """body-parser's SyntaxError message, as close as Python's decoder detail allows."""
    match = _JSON_POSITION.search(detail)
    if match is None:
        return "Unexpected end of JSON input"
    return f"Unexpected token in JSON at position {match.group(1)}"


def express_html_error(message: str, status: int = 400, name: str | None = "SyntaxError") -> ApiError:
    """Express's ``finalhandler`` page for an error (development mode), or for no route at all
    (``name=None``: ``Cannot GET /path``)."""
    text = f"{name}: {message}" if name else message
    page = (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n'
        f"</head>\n<body>\n<pre>{html.escape(text)}</pre>\n</body>\n</html>\n"
    )
    headers = {"Content-Security-Policy": "default-src 'none'", "X-Content-Type-Options": "nosniff"}
    return ApiError(page, status=status, headers=headers, content_type=HTML)


def body_parser_error(message: str, status: int, name: str) -> ApiError:
    """An encoding or charset body-parser refuses (415), or a body that does not inflate (400)."""
    profile = _active_profile()
    if profile is not None and profile.enabled(FLAG_BODY_PARSER_ERRORS_HTML):
        return express_html_error(message, status=status, name=name)
    error = InvalidData(message)
    error.status = status
    return error


def unrouted_request(method: str, path: str) -> ApiError | None:
    """Medusa 1.20 has no 405 and no JSON 404: a request no route takes falls through to
    Express's 404 page, and under ``/admin`` only after the authentication middleware, which
    every admin request without a valid credential meets first. ``None`` under the contract."""
    try:
        from ...app import runtime

        rt = runtime()
    except (ImportError, RuntimeError, KeyError):
        return None
    if not rt.profile.enabled(FLAG_EXPRESS_404):
        return None
    from flask import request

    if path.lower().startswith("/admin") and (
        rt.backend.authenticate_admin(
            request.cookies.get("connect.sid"),
            request.headers.get("Authorization"),
            request.headers.get("x-medusa-access-token"),
        )
        is None
    ):
        return Unauthorized(with_content_type=not rt.profile.enabled(FLAG_NO_CONTENT_TYPE_401))
    return express_html_error(f"Cannot {method} {path}", status=404, name=None)


def strict_json_error(profile: Any) -> ApiError:
    """``bodyParser.json()`` is strict: a bare string, number or ``null`` is a SyntaxError."""
    return malformed_json_error("Unexpected token in JSON at position 0", profile)


def malformed_json_error(message: str, profile: Any) -> ApiError:
    if profile is not None and profile.enabled(FLAG_MALFORMED_JSON_HTML):
        return express_html_error(message)
    return InvalidData(message)


def _active_profile() -> Any:
    """The profile of the mock serving this request.

    ``malformed_json`` is called before the family sees the request (no backend, no call), and the
    engine passes no profile to ``FamilyErrors``; the engine's ``runtime()`` accessor is the only
    way to it. Outside a request (unit tests) there is none and the contract applies.
    """
    try:
        from ...app import runtime

        return runtime().profile
    except (ImportError, RuntimeError, KeyError):
        return None


class MedusaV1Errors(FamilyErrors):
    def validation_failed(self, violations: Sequence[Violation], operation_id: str) -> ApiError:
        from .dto import resolve_violations

        return resolve_violations(violations, operation_id)

    def malformed_json(self, detail: str) -> ApiError:
        return malformed_json_error(json_syntax_message(detail), _active_profile())

    def json_too_deep(self, detail: str) -> ApiError:
        # No JSON.parse wording applies to the engine's depth limit.
        return malformed_json_error(detail, _active_profile())

    def non_json_body(self, content_type: str, operation_id: str) -> ApiError | None:
        return None  # Express's JSON parser skips other content types: the body reads as {}

    def body_too_large(self, limit: int) -> ApiError:
        return PayloadTooLarge()

    def route_not_found(self, method: str, path: str) -> ApiError:
        return unrouted_request(method, path) or RouteNotFound(method, path)

    def method_not_allowed(self, method: str, path: str, allowed: Sequence[str]) -> ApiError:
        return unrouted_request(method, path) or MethodNotAllowed(method, path)

    def bad_request(self, detail: str) -> ApiError:
        return InvalidData(detail)

    def unsupported_body(self, detail: str) -> ApiError:
        return body_parser_error(detail, 415, "UnsupportedMediaTypeError")

    def undecodable_body(self, detail: str) -> ApiError:
        return body_parser_error(detail, 400, "Error")

    def internal_error(self) -> ApiError:
        return UnknownError()
