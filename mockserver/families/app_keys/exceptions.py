"""Every error the per-application keys API sends: ``{error, message, code}`` (+ ``details`` on 400)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ....specs import error_body
from ...errors import ApiError, ErrorContext, FamilyErrors
from ...validation import Violation

FAMILY = "app-keys"  # the words of its errors: specs/app-keys.messages.yaml


class AppKeysError(ApiError):
    catalogue = "internal_error"  # the entry of the message catalogue this error sends

    def __init__(self, extra: dict[str, Any] | None = None) -> None:
        super().__init__({**error_body(FAMILY, self.catalogue), **(extra or {})})


class BadRequest(AppKeysError):
    status = 400
    catalogue = "bad_request"

    def __init__(self, details: Sequence[dict[str, str]]) -> None:
        super().__init__({"details": list(details)})


class Unauthorized(AppKeysError):
    status = 401
    catalogue = "unauthorized"


class Forbidden(AppKeysError):
    status = 403
    catalogue = "forbidden"


class NotFound(AppKeysError):
    status = 404
    catalogue = "not_found"


class MethodNotAllowed(AppKeysError):
    status = 405
    catalogue = "method_not_allowed"


class PayloadTooLarge(AppKeysError):
    status = 413
    catalogue = "payload_too_large"


class UnsupportedMediaType(AppKeysError):
    status = 415
    catalogue = "unsupported_media_type"


class InternalError(AppKeysError):
    status = 500


_TYPE_NAMES = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "object": "an object",
    "array": "an array",
    "boolean": "a boolean",
    "null": "null",
}


def _expected_type(expected: Any) -> str:
    names = expected if isinstance(expected, list) else [expected]
    return " or ".join(_TYPE_NAMES.get(str(n), str(n)) for n in names)


def detail_for(v: Violation) -> list[dict[str, str]]:
    """The ``details`` entries for one violation, each naming one field."""
    if v.kind == "required" or v.kind == "missing":
        return [{"field": v.field or "body", "message": "is required"}]
    if v.kind in ("additionalProperties", "unevaluatedProperties"):
        prefix = f"{v.field}." if v.field else ""
        return [{"field": f"{prefix}{name}", "message": "is not allowed"} for name in v.names]
    if v.kind == "unknown":
        return [{"field": v.field, "message": "is not a recognized query parameter"}]
    if v.kind == "format" and v.expected == "uuid":
        message = "must be a valid UUID"
    elif v.kind == "format":
        message = f"must be a valid {v.expected}"
    elif v.kind == "type":
        message = f"must be {_expected_type(v.expected)}"
    elif v.kind == "cast":
        message = f"must be {_expected_type(v.expected or 'integer')}"
    elif v.kind == "minLength":
        message = f"must be at least {v.expected} characters long"
    elif v.kind == "maxLength":
        message = f"must be at most {v.expected} characters long"
    elif v.kind == "minimum":
        message = f"must be greater than or equal to {v.expected}"
    elif v.kind == "maximum":
        message = f"must be less than or equal to {v.expected}"
    elif v.kind == "enum":
        message = "must be one of " + ", ".join(map(str, v.expected or ()))
    else:
        message = "is invalid"
    return [{"field": v.field or "body", "message": message}]


class AppKeysErrors(FamilyErrors):
    def validation_failed(self, ctx: ErrorContext, violations: Sequence[Violation]) -> ApiError:
        details: list[dict[str, str]] = []
        for v in violations:
            for d in detail_for(v):
                if d not in details:
                    details.append(d)
        return BadRequest(details)

    def malformed_json(self, ctx: ErrorContext, detail: str) -> ApiError:
        return BadRequest([{"field": "body", "message": "must be well-formed JSON"}])

    def non_json_body(self, ctx: ErrorContext, content_type: str) -> ApiError | None:
        return BadRequest([{"field": "Content-Type", "message": "must be application/json"}])

    def body_too_large(self, ctx: ErrorContext, limit: int) -> ApiError:
        return PayloadTooLarge()

    def route_not_found(self, ctx: ErrorContext, method: str, path: str) -> ApiError:
        return NotFound()

    def method_not_allowed(
        self, ctx: ErrorContext, method: str, path: str, allowed: Sequence[str]
    ) -> ApiError:
        return MethodNotAllowed()

    def bad_request(self, ctx: ErrorContext, detail: str) -> ApiError:
        return BadRequest([{"field": "request", "message": "could not be parsed"}])

    def internal_error(self, ctx: ErrorContext) -> ApiError:
        return InternalError()

    def unsupported_body(self, ctx: ErrorContext, detail: str) -> ApiError:
        return UnsupportedMediaType()
