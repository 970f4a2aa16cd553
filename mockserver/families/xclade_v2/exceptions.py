"""Every error body an xclade / Medusa 2.21.2 backend sends for the API-key routes.

Medusa's error handler answers ``{type, message}`` (plus ``code`` when the thrower set one); its
auth middleware answers a bare ``{message}``; body-parser failures come back as ``{message, type}``
(that key order). Request validation is zod: ``Invalid request: <at most three issues>``, in the
wording of ``@medusajs/framework``'s zod helpers, which ``XcladeErrors`` reproduces from the
engine's ``Violation`` records.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ....specs import error_message, load_spec
from ...errors import ApiError, ErrorContext, FamilyErrors
from ...node.body_parser import body_parser_error
from ...node.express_pages import HTML, PAGE_HEADERS, encode_url, page
from ...node.http_server import headers_too_large
from ...node.zod import NO_SHAPE, ZodShape, zod_issues, zod_shapes
from ...validation import MISSING, Violation

FAMILY = "xclade-v2"
EMAILPASS_OPERATION = "PostAuthUserEmailpass"
# The words of its errors: specs/xclade-v2.messages.yaml.
UNAUTHORIZED_MESSAGE = error_message(FAMILY, "unauthorized")
SECRET_KEY_AS_BEARER_MESSAGE = error_message(FAMILY, "secret_key_as_bearer")
UNKNOWN_ERROR_MESSAGE = error_message(FAMILY, "unknown_error")


class MedusaError(ApiError):
    """``{"type": ..., "message": ...}`` (and ``code`` when given), the error handler's shape."""

    type = "unknown_error"

    def __init__(self, message: str, code: str | None = None) -> None:
        body: dict[str, Any] = {"code": code} if code else {}
        body.update({"type": self.type, "message": message})
        super().__init__(body)


class InvalidData(MedusaError):
    status = 400
    type = "invalid_data"


class NotAllowed(MedusaError):
    status = 400
    type = "not_allowed"


class NotFound(MedusaError):
    status = 404
    type = "not_found"


class UserNotFound(NotFound):
    def __init__(self, user_id: str) -> None:
        super().__init__(error_message(FAMILY, "user_not_found", id=user_id))


class LoginFailed(MedusaError):
    """A 401 from the auth provider (login), which goes through the error handler."""

    status = 401
    type = "unauthorized"


class UnknownError(MedusaError):
    status = 500
    type = "unknown_error"

    def __init__(self) -> None:
        super().__init__(UNKNOWN_ERROR_MESSAGE, code="unknown_error")


class Unauthorized(ApiError):
    """The authentication middleware's own 401: ``{"message": ...}``, nothing else."""

    status = 401

    def __init__(self, message: str = UNAUTHORIZED_MESSAGE) -> None:
        super().__init__({"message": message})


class SecretKeyAsBearer(Unauthorized):
    def __init__(self) -> None:
        super().__init__(SECRET_KEY_AS_BEARER_MESSAGE)


class HttpError(ApiError):
    """An http-errors failure (body-parser, routing): ``{"message": ..., "type": ...}``."""

    def __init__(self, status: int, message: str, type_: str) -> None:
        super().__init__({"message": message, "type": type_}, status=status)


class ExpressNotFound(ApiError):
    """Express's final handler for a request no route serves: an HTML page, 404."""

    status = 404
    content_type = HTML

    def __init__(self, method: str, path: str) -> None:
        shown = html.escape(encode_url(path), quote=False)
        super().__init__(page(f"Cannot {method} {shown}"), headers=dict(PAGE_HEADERS))


# -- domain errors, one class per message -------------------------------------------------------


class ApiKeyNotFound(NotFound):
    def __init__(self, key_id: str) -> None:
        super().__init__(error_message(FAMILY, "api_key_not_found", id=key_id))


class SalesChannelNotFound(NotFound):
    def __init__(self, channel_id: str) -> None:
        super().__init__(error_message(FAMILY, "sales_channel_not_found", id=channel_id))


class SalesChannelToUpdateNotFound(NotFound):
    """The update workflow's own wording, with quotes and without the colon of the read route."""

    def __init__(self, channel_id: str) -> None:
        super().__init__(error_message(FAMILY, "sales_channel_to_update_not_found", id=channel_id))


class ProductNotFound(NotFound):
    def __init__(self, product_id: str) -> None:
        super().__init__(error_message(FAMILY, "product_not_found", id=product_id))


class ProductOptionsMissing(InvalidData):
    """The create workflow's check, after the body's schema: a product needs an option."""

    def __init__(self, title: str) -> None:
        super().__init__(error_message(FAMILY, "product_options_missing", title=title))


class ProductHandleTaken(InvalidData):
    def __init__(self, handle: str) -> None:
        super().__init__(error_message(FAMILY, "product_handle_taken", handle=handle))


class SecretKeysAlreadyRevoked(InvalidData):
    def __init__(self, count: int) -> None:
        super().__init__(error_message(FAMILY, "secret_keys_already_revoked", count=count))


class RevokedByRequired(InvalidData):
    """The module's check of a revoke without ``revoked_by`` (the HTTP route always supplies it)."""

    def __init__(self) -> None:
        super().__init__(error_message(FAMILY, "revoked_by_required"))


class InvalidOrderField(InvalidData):
    """The contract's answer to ``order`` naming a column the list does not have (2.21.2: 500)."""

    def __init__(self, name: str) -> None:
        super().__init__(error_message(FAMILY, "invalid_order_field", name=name))


class KeysNotRevoked(NotAllowed):
    def __init__(self, key_ids: Sequence[str]) -> None:
        super().__init__(error_message(FAMILY, "keys_not_revoked", ids=", ".join(key_ids)))


class SalesChannelsNeedPublishableKey(InvalidData):
    def __init__(self) -> None:
        super().__init__(error_message(FAMILY, "sales_channels_need_publishable_key"))


class SalesChannelsMissing(InvalidData):
    def __init__(self, channel_ids: Sequence[str]) -> None:
        super().__init__(error_message(FAMILY, "sales_channels_missing", ids=", ".join(channel_ids)))


class PublishableKeyRequired(NotAllowed):
    def __init__(self) -> None:
        super().__init__(error_message(FAMILY, "publishable_key_required"))


class PublishableKeyInvalid(NotAllowed):
    def __init__(self) -> None:
        super().__init__(error_message(FAMILY, "publishable_key_invalid"))


class PublishableKeyWithoutSalesChannel(InvalidData):
    def __init__(self) -> None:
        super().__init__(error_message(FAMILY, "publishable_key_without_sales_channel"))


class InvalidEmailOrPassword(LoginFailed):
    def __init__(self) -> None:
        super().__init__(error_message(FAMILY, "invalid_email_or_password"))


class CredentialNotString(LoginFailed):
    def __init__(self, field: str) -> None:
        super().__init__(error_message(FAMILY, "credential_not_string", field=field.capitalize()))


class InvalidRequest(InvalidData):
    """A zod validation failure."""

    def __init__(self, parts: Sequence[str]) -> None:
        super().__init__("Invalid request: " + "; ".join(parts))


BODY_NOT_AN_OBJECT = "Field '' is required"


def body_not_an_object() -> InvalidRequest:
    """What zod says about a body that is not an object (a JSON array, or nothing parsed)."""
    return InvalidRequest([BODY_NOT_AN_OBJECT])


def zod_message_parts(violations: Sequence[Violation], operation_id: str) -> list[str]:
    """zod's issues for a request to ``operation_id``, in the order of its validator's shape."""
    return zod_issues(violations, _shapes().get(operation_id, NO_SHAPE))


@lru_cache(maxsize=1)
def _shapes() -> dict[str, ZodShape]:
    return zod_shapes(load_spec(FAMILY))


# -- body-parser wording -------------------------------------------------------------------------


def body_parser_refusal(raw: bytes) -> ApiError:
    """body-parser's 400 for a body ``JSON.parse`` (strict mode: objects and arrays only) refuses."""
    return HttpError(400, body_parser_error(raw), "invalid_data")


CREATE_PRODUCT_OPERATION = "PostProducts"
NO_OPTIONS = ("required", "missing", "minItems")


class XcladeErrors(FamilyErrors):
    def validation_failed(self, ctx: ErrorContext, violations: Sequence[Violation]) -> ApiError:
        body = [v for v in violations if v.location == "body"]
        if len(body) == 1 and not body[0].field and body[0].kind == "type":
            value = body[0].value
            if value is not MISSING and not isinstance(value, list | dict):
                # A bare JSON scalar never reaches a route: body-parser's strict mode refuses it.
                return body_parser_refusal(ctx.raw_body or json.dumps(value).encode())
        if ctx.operation_id == EMAILPASS_OPERATION:
            # The emailpass provider checks the credentials itself and answers 401, password first.
            fields = {v.field.split(".", 1)[0] for v in body}
            if "password" in fields or "" in fields or "email" not in fields:
                return CredentialNotString("password")
            return CredentialNotString("email")
        if ctx.operation_id == CREATE_PRODUCT_OPERATION:
            # zod lets a missing or empty `options` through; the create workflow refuses it after.
            violations = [v for v in violations if not (v.field == "options" and v.kind in NO_OPTIONS)]
            if not violations:
                body = ctx.call.body if ctx.call is not None and isinstance(ctx.call.body, dict) else {}
                return ProductOptionsMissing(str(body.get("title", "")))
        return InvalidRequest(zod_message_parts(violations, ctx.operation_id))

    def json_too_deep(self, ctx: ErrorContext, detail: str) -> ApiError:
        # Node would parse it, so no V8 wording applies (and the recursive port of V8's parser
        # could not follow it anyway).
        return HttpError(400, detail, "invalid_data")

    def malformed_json(self, ctx: ErrorContext, detail: str) -> ApiError:
        return body_parser_refusal(ctx.raw_body or b"")

    def non_json_body(self, ctx: ErrorContext, content_type: str) -> ApiError | None:
        # Express's JSON parser skips other content types; the route then sees no body. Admin
        # routes refuse that (after authentication) with zod's "Field '' is required"; see
        # responses.reject_unparsed_body.
        return None

    def body_too_large(self, ctx: ErrorContext, limit: int) -> ApiError:
        return HttpError(413, error_message(FAMILY, "payload_too_large"), "unknown_error")

    def route_not_found(self, ctx: ErrorContext, method: str, path: str) -> ApiError:
        return NotFound(f"Cannot {method} {path}")

    def method_not_allowed(
        self, ctx: ErrorContext, method: str, path: str, allowed: Sequence[str]
    ) -> ApiError:
        error = NotAllowed(f"Cannot {method} {path}")
        error.status = 405
        return error

    def bad_request(self, ctx: ErrorContext, detail: str) -> ApiError:
        return HttpError(400, detail, "invalid_data")

    def unsupported_body(self, ctx: ErrorContext, detail: str) -> ApiError:
        return HttpError(415, detail, "unknown_error")  # body-parser's 415 has no MedusaError type

    def headers_too_large(self, ctx: ErrorContext, limit: int) -> ApiError:
        return headers_too_large()  # Node answers, before Express

    def internal_error(self, ctx: ErrorContext) -> ApiError:
        return UnknownError()
