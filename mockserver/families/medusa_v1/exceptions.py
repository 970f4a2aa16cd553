"""Every error body Medusa 1.20 sends on the routes revokit mocks, and the engine-failure renderer.

Medusa's error handler writes ``{code?, type, message}`` (``code`` only for a few types), its
pre-handler ``req.errors`` path writes ``{errors: [str], message}``, passport's refusal is the bare
text ``Unauthorized``, and a failed login is ``res.sendStatus(401)``. Each has a class here, so
the domain raises ``KeyNotFound(key_id)`` and never builds a body.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from ....specs import Profile, error_body, error_message
from ...errors import TEXT, ApiError, ErrorContext, FamilyErrors
from ...node.body_parser import TOO_LARGE_MESSAGE
from ...node.class_validator import fallback_messages
from ...node.express_pages import HTML, PAGE_HEADERS, page
from ...node.http_server import headers_too_large
from ...node.json_parse import position_message
from ...validation import Violation

# Flags of the medusa-1.20 profile that change how an error looks (see specs/profiles).
FLAG_NO_CONTENT_TYPE_401 = "unauthorized_without_content_type"
FLAG_MALFORMED_JSON_HTML = "malformed_json_html"
FLAG_BODY_PARSER_ERRORS_HTML = "body_parser_errors_html"
FLAG_EXPRESS_404 = "unrouted_requests_get_express_404"

FAMILY = "medusa-v1"  # the words of its errors: specs/medusa-v1.messages.yaml


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
        super().__init__(error_message(FAMILY, "unknown_error"))


class ValidationFailed(InvalidData):
    """class-validator's messages, joined the way ``utils/validator.ts`` joins them."""

    def __init__(self, messages: Sequence[str]) -> None:
        super().__init__(", ".join(messages))
        self.messages = list(messages)


class NullValue(InvalidData):
    """Postgres 23502 (NOT NULL) as ``formatException`` words it."""

    def __init__(self, column: str, table: str) -> None:
        super().__init__(error_message(FAMILY, "null_value", column=column, table=table))


class Duplicate(MedusaError):
    """Postgres 23505 (unique violation) as ``formatException`` words it."""

    status = 422
    error_type = "duplicate_error"
    code = "invalid_request_error"


class ProductHandleTaken(Duplicate):
    def __init__(self, handle: str) -> None:
        super().__init__(error_message(FAMILY, "product_handle_taken", handle=handle))


class ProductChannelLinkTwice(Duplicate):
    def __init__(self, product_id: str, channel_id: str) -> None:
        super().__init__(
            error_message(FAMILY, "product_channel_link_twice", product_id=product_id, channel_id=channel_id)
        )


def sales_channels_missing(ids: Sequence[str]) -> ScopeErrors:
    """validateSalesChannelsExist, a pre-handler middleware: it writes ``req.errors``."""
    return ScopeErrors(error_body(FAMILY, "sales_channels_missing", ids=", ".join(ids)))


class KeyNotFound(NotFound):
    def __init__(self, key_id: str) -> None:
        super().__init__(error_message(FAMILY, "key_not_found", id=key_id))


class AlreadyRevoked(NotAllowed):
    def __init__(self) -> None:
        super().__init__(error_message(FAMILY, "already_revoked"))


class SalesChannelNotFound(NotFound):
    def __init__(self, channel_id: str) -> None:
        super().__init__(error_message(FAMILY, "channel_not_found", id=channel_id))


class DefaultChannelUndeletable(NotAllowed):
    def __init__(self) -> None:
        super().__init__(error_message(FAMILY, "default_channel_undeletable"))


class DisabledSalesChannel(NotAllowed):
    def __init__(self, name: str) -> None:
        super().__init__(error_message(FAMILY, "disabled_sales_channel", name=name))


class ProductNotFound(NotFound):
    def __init__(self, product_id: str) -> None:
        super().__init__(error_message(FAMILY, "product_not_found", id=product_id))


class ForeignKeyMissing(NotFound):
    """Postgres 23503 as ``formatException`` words it (an insert naming a row that is not there)."""

    def __init__(self, table: str, column: str, value: str) -> None:
        super().__init__(
            error_message(
                FAMILY,
                "foreign_key_missing",
                table=f"{table[:1].upper()}{table[1:]}",
                column=column,
                value=value,
            )
        )


class JwtSecretMissing(NotFound):
    def __init__(self) -> None:
        super().__init__(error_message(FAMILY, "jwt_secret_missing"))


class InvalidPublishableKey(NotAllowed):
    """Contract profile only: the wording is Medusa 2's; 1.20 never refuses a key."""

    def __init__(self) -> None:
        super().__init__(error_message(FAMILY, "invalid_publishable_key"))


class MultipleChannels(UnexpectedState):
    def __init__(self) -> None:
        super().__init__(error_message(FAMILY, "multiple_channels"))


class ScopeErrors(ApiError):
    """The ``req.errors`` answer of ``await-middleware``: plain sentences, not objects."""

    status = 400

    def __init__(self, body: dict[str, Any]) -> None:
        super().__init__(body)


def channel_out_of_scope(channel_ids: str | Sequence[str]) -> ScopeErrors:
    # The middleware interpolates what the request sent; a JS array renders comma-joined.
    shown = channel_ids if isinstance(channel_ids, str) else ",".join(channel_ids)
    return ScopeErrors(error_body(FAMILY, "channel_out_of_scope", ids=shown))


def products_missing(product_ids: Sequence[str]) -> ScopeErrors:
    return ScopeErrors(error_body(FAMILY, "products_missing", ids=", ".join(product_ids)))


def product_out_of_scope(product_id: str) -> ScopeErrors:
    return ScopeErrors(error_body(FAMILY, "product_out_of_scope", id=product_id))


class Unauthorized(ApiError):
    """passport's ``allFailed``: 401 with the bare status text.

    The real middleware sends no Content-Type (``res.end``); the contract declares text/plain, so
    only the medusa-1.20 profile drops the header.
    """

    status = 401
    content_type = TEXT

    def __init__(self, *, with_content_type: bool = True) -> None:
        super().__init__(error_body(FAMILY, "unauthorized"), content_type=TEXT if with_content_type else None)


class IncorrectCredentials(ApiError):
    """``res.sendStatus(401)`` after a failed login: always text/plain."""

    status = 401
    content_type = TEXT

    def __init__(self) -> None:
        super().__init__(error_body(FAMILY, "unauthorized"))


class BadRequestText(ApiError):
    """``res.sendStatus(400)`` (GET /admin/auth when the user behind a credential is gone)."""

    status = 400
    content_type = TEXT

    def __init__(self) -> None:
        super().__init__(error_body(FAMILY, "bad_request_text"))


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
        super().__init__(TOO_LARGE_MESSAGE)


def express_html_error(message: str, status: int = 400, name: str | None = "SyntaxError") -> ApiError:
    """Express's ``finalhandler`` page for an error (development mode), or for no route at all
    (``name=None``: ``Cannot GET /path``)."""
    text = f"{name}: {message}" if name else message
    return ApiError(page(html.escape(text)), status=status, headers=dict(PAGE_HEADERS), content_type=HTML)


def body_parser_error(message: str, status: int, name: str, profile: Profile) -> ApiError:
    """An encoding or charset body-parser refuses (415), or a body that does not inflate (400)."""
    if profile.enabled(FLAG_BODY_PARSER_ERRORS_HTML):
        return express_html_error(message, status=status, name=name)
    error = InvalidData(message)
    error.status = status
    return error


def strict_json_error(profile: Profile) -> ApiError:
    """``bodyParser.json()`` is strict: a bare string, number or ``null`` is a SyntaxError."""
    return malformed_json_error("Unexpected token in JSON at position 0", profile)


def malformed_json_error(message: str, profile: Profile) -> ApiError:
    if profile.enabled(FLAG_MALFORMED_JSON_HTML):
        return express_html_error(message)
    return InvalidData(message)


class MedusaV1Errors(FamilyErrors):
    def validation_failed(self, ctx: ErrorContext, violations: Sequence[Violation]) -> ApiError:
        # class-validator's own findings were answered before the spec's (dto.check_request):
        # these are the spec's, which the DTOs would not have caught, in class-validator's words.
        return ValidationFailed(fallback_messages(violations))

    def malformed_json(self, ctx: ErrorContext, detail: str) -> ApiError:
        return malformed_json_error(position_message(detail), ctx.profile)

    def json_too_deep(self, ctx: ErrorContext, detail: str) -> ApiError:
        # No JSON.parse wording applies to the engine's depth limit.
        return malformed_json_error(detail, ctx.profile)

    def non_json_body(self, ctx: ErrorContext, content_type: str) -> ApiError | None:
        return None  # Express's JSON parser skips other content types: the body reads as {}

    def body_too_large(self, ctx: ErrorContext, limit: int) -> ApiError:
        if ctx.profile.enabled(FLAG_BODY_PARSER_ERRORS_HTML):
            return express_html_error(TOO_LARGE_MESSAGE, status=413, name="PayloadTooLargeError")
        return PayloadTooLarge()

    def route_not_found(self, ctx: ErrorContext, method: str, path: str) -> ApiError:
        return RouteNotFound(method, path)

    def method_not_allowed(
        self, ctx: ErrorContext, method: str, path: str, allowed: Sequence[str]
    ) -> ApiError:
        return MethodNotAllowed(method, path)

    def bad_request(self, ctx: ErrorContext, detail: str) -> ApiError:
        return InvalidData(detail)

    def unsupported_body(self, ctx: ErrorContext, detail: str) -> ApiError:
        return body_parser_error(detail, 415, "UnsupportedMediaTypeError", ctx.profile)

    def undecodable_body(self, ctx: ErrorContext, detail: str) -> ApiError:
        return body_parser_error(detail, 400, "Error", ctx.profile)

    def headers_too_large(self, ctx: ErrorContext, limit: int) -> ApiError:
        return headers_too_large()  # Node answers, before Express

    def internal_error(self, ctx: ErrorContext) -> ApiError:
        return UnknownError()
