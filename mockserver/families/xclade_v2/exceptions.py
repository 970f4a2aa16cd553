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
import math
from collections.abc import Sequence
from functools import lru_cache
from typing import Any
from urllib.parse import quote

from ....specs import error_message, load_spec
from ...errors import ApiError, FamilyErrors
from ...validation import MISSING, Violation
from .jsonerrors import body_parser_error

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
    content_type = "text/html; charset=utf-8"

    def __init__(self, method: str, path: str) -> None:
        shown = html.escape(quote(path, safe="!#$&'()*+,/:;=?@[]~%"), quote=False)
        page = (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n'
            f"</head>\n<body>\n<pre>Cannot {method} {shown}</pre>\n</body>\n</html>\n"
        )
        super().__init__(
            page,
            headers={"Content-Security-Policy": "default-src 'none'", "X-Content-Type-Options": "nosniff"},
        )


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


# -- zod wording --------------------------------------------------------------------------------


def js_string(value: Any) -> str:
    """``String(value)`` in JavaScript, which is how the zod helpers print a received value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _js_number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return ",".join("" if v is None else js_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def _js_number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        sign = "-" if exponent.startswith("-") else "+"
        text = f"{mantissa}e{sign}{int(exponent.lstrip('+-'))}"
    return text


_ZOD_TYPES = {
    "integer": "number",
    "number": "number",
    "string": "string",
    "boolean": "boolean",
    "array": "array",
    "object": "object",
    "null": "null",
}


def _zod_type(expected: Any) -> str:
    names = [n for n in (expected if isinstance(expected, list) else [expected]) if n != "null"] or ["null"]
    return _ZOD_TYPES.get(str(names[0]), str(names[0]))


def _path(field: str) -> str:
    return ", ".join(part for part in field.split(".")) if field else ""


@lru_cache(maxsize=1)
def _field_positions() -> dict[str, dict[str, dict[str, int]]]:
    """operationId -> location -> top-level field -> position, so issues come out in zod's order
    (the order of the validator's shape, which the spec follows)."""
    spec = load_spec(FAMILY)

    def deref(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    out: dict[str, dict[str, dict[str, int]]] = {}
    for item in spec.get("paths", {}).values():
        shared = item.get("parameters", [])
        for method, op in item.items():
            if not isinstance(op, dict) or "operationId" not in op or method == "parameters":
                continue
            params = [deref(p) for p in [*shared, *op.get("parameters", [])]]
            query = [p["name"] for p in params if p["in"] == "query"]
            body_schema = (
                deref(op.get("requestBody", {})).get("content", {}).get("application/json", {}).get("schema")
            )
            body = list(deref(body_schema).get("properties", {})) if body_schema else []
            out[op["operationId"]] = {
                "query": {name: i for i, name in enumerate(query)},
                "body": {name: i for i, name in enumerate(body)},
            }
    return out


@lru_cache(maxsize=1)
def _zod_kinds() -> dict[str, dict[tuple[str, str], str]]:
    """operationId -> (location, top-level field) -> what zod calls it where the JSON Schema type
    alone does not say: ``record`` for a free-form object (no ``properties``), ``union`` for a
    parameter the spec marks ``x-zod-union``."""
    spec = load_spec(FAMILY)

    def deref(node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    out: dict[str, dict[tuple[str, str], str]] = {}
    for item in spec.get("paths", {}).values():
        for method, op in item.items():
            if not isinstance(op, dict) or "operationId" not in op or method == "parameters":
                continue
            kinds: dict[tuple[str, str], str] = {}
            for param in (deref(p) for p in [*item.get("parameters", []), *op.get("parameters", [])]):
                if param.get("x-zod-union"):
                    kinds[(param["in"], param["name"])] = "union"
            body = deref(op.get("requestBody", {})).get("content", {}).get("application/json", {})
            properties = deref(body["schema"]).get("properties", {}) if "schema" in body else {}
            for name, schema in properties.items():
                schema = deref(schema)
                types = schema.get("type")
                if "object" in (types if isinstance(types, list) else [types]) and "properties" not in schema:
                    kinds[("body", name)] = "record"
            out[op["operationId"]] = kinds
    return out


_UNRECOGNIZED = ("unknown", "additionalProperties", "unevaluatedProperties")


def _issue(v: Violation, operation_id: str = "") -> str | None:
    """One zod issue in Medusa's words; ``None`` for an unrecognized-keys finding (merged later)."""
    path = _path(v.field)
    if v.kind in _UNRECOGNIZED:
        return None
    zod_kind = _zod_kinds().get(operation_id, {}).get((v.location, v.field))
    if zod_kind == "union":
        return "Invalid input"
    if zod_kind == "record" and v.kind == "type":
        return f"Expected type: 'record' for field '{path}', got: '{js_string(v.value)}'"
    if v.kind in ("required", "missing") or (v.kind == "type" and not v.field):
        return f"Field '{path}' is required"
    if v.kind in ("type", "cast"):
        return f"Expected type: '{_zod_type(v.expected or 'string')}' for field '{path}', got: '{js_string(v.value)}'"
    if v.kind == "enum":
        options = ", ".join(js_string(o) for o in (v.expected or ()))
        return f"Expected: '{options}' for field '{path}', but got: '{js_string(v.value)}'"
    if v.kind in ("minimum", "exclusiveMinimum", "minLength", "minItems"):
        return f"Value for field '{path}' too small, expected at least: '{js_string(v.expected)}'"
    if v.kind in ("maximum", "exclusiveMaximum", "maxLength", "maxItems"):
        return f"Value for field '{path}' too big, expected at most: '{js_string(v.expected)}'"
    if v.kind == "format":
        return f"Expected type: 'date' for field '{path}', got: '{js_string(v.value)}'"
    shown = "" if v.value is MISSING else f", got: '{js_string(v.value)}'"
    return f"Invalid value for field '{path}'{shown}"


def zod_message_parts(violations: Sequence[Violation], operation_id: str) -> list[str]:
    """The issues zod would report, in its order, at most three.

    Medusa validates the body before the query, and each failure stops the request, so only the
    body's issues are reported when it has any. Unknown keys form one issue per object.
    """
    body = [v for v in violations if v.location == "body"]
    # zod reports one issue per field; jsonschema may report several (type and enum, or the same
    # missing property once per "required" error). Keep one, the enum one when there is one.
    per_field: dict[tuple[str, str, bool], Violation] = {}
    for v in body or violations:
        slot = (v.location, v.field, v.kind in _UNRECOGNIZED)
        if slot not in per_field or (v.kind == "enum" and per_field[slot].kind != "enum"):
            per_field[slot] = v
    chosen = list(per_field.values())
    positions = _field_positions().get(operation_id, {})
    issues: list[tuple[int, int, str]] = []
    unknown: dict[str, list[str]] = {}
    for index, v in enumerate(chosen):
        text = _issue(v, operation_id)
        if text is None:
            names = v.names or ((v.field,) if v.kind == "unknown" else ())
            bucket = unknown.setdefault("" if v.kind == "unknown" else v.field, [])
            bucket.extend(n for n in names if n not in bucket)
            continue
        top = v.field.split(".", 1)[0]
        rank = positions.get(v.location, {}).get(top, len(positions.get(v.location, {})))
        issues.append((rank, index, text))
    issues.sort()
    parts = [text for _, _, text in issues]
    parts.extend(f"Unrecognized fields: '{', '.join(names)}'" for names in unknown.values() if names)
    return (parts or ["Invalid input"])[:3]


# -- body-parser wording -------------------------------------------------------------------------


def _raw_request_body() -> bytes | None:
    # The engine hands malformed_json only Python's message; Node's wording needs the body itself.
    # (Engine wish: pass the raw body to FamilyErrors.malformed_json.)
    try:
        from flask import has_request_context, request
    except ImportError:  # pragma: no cover - Flask is a dependency
        return None
    if not has_request_context():
        return None
    from flask import g

    # The body as the parser saw it: inflated and re-encoded from its charset by the engine.
    decoded = g.get("revokit_json_text")
    return decoded if decoded is not None else request.get_data(cache=True)


class XcladeErrors(FamilyErrors):
    def validation_failed(self, violations: Sequence[Violation], operation_id: str) -> ApiError:
        body = [v for v in violations if v.location == "body"]
        if len(body) == 1 and not body[0].field and body[0].kind == "type":
            value = body[0].value
            if value is not MISSING and not isinstance(value, list | dict):
                # A bare JSON scalar never reaches a route: body-parser's strict mode refuses it.
                raw = _raw_request_body() or json.dumps(value).encode()
                return self.malformed_json_text(body_parser_error(raw))
        if operation_id == EMAILPASS_OPERATION:
            # The emailpass provider checks the credentials itself and answers 401, password first.
            fields = {v.field.split(".", 1)[0] for v in body}
            if "password" in fields or "" in fields or "email" not in fields:
                return CredentialNotString("password")
            return CredentialNotString("email")
        return InvalidRequest(zod_message_parts(violations, operation_id))

    def malformed_json_text(self, message: str) -> ApiError:
        return HttpError(400, message, "invalid_data")

    def json_too_deep(self, detail: str) -> ApiError:
        # Node would parse it, so no V8 wording applies (and the recursive port of V8's parser
        # could not follow it anyway).
        return self.malformed_json_text(detail)

    def malformed_json(self, detail: str) -> ApiError:
        raw = _raw_request_body()
        message = body_parser_error(raw) if raw is not None else "Unexpected end of JSON input"
        return self.malformed_json_text(message)

    def non_json_body(self, content_type: str, operation_id: str) -> ApiError | None:
        # Express's JSON parser skips other content types; the route then sees no body. Admin
        # routes refuse that (after authentication) with zod's "Field '' is required"; see
        # responses.reject_unparsed_body.
        return None

    def body_too_large(self, limit: int) -> ApiError:
        return HttpError(413, "request entity too large", "unknown_error")

    def route_not_found(self, method: str, path: str) -> ApiError:
        return NotFound(f"Cannot {method} {path}")

    def method_not_allowed(self, method: str, path: str, allowed: Sequence[str]) -> ApiError:
        error = NotAllowed(f"Cannot {method} {path}")
        error.status = 405
        return error

    def bad_request(self, detail: str) -> ApiError:
        return HttpError(400, detail, "invalid_data")

    def unsupported_body(self, detail: str) -> ApiError:
        return HttpError(415, detail, "unknown_error")  # body-parser's 415 has no MedusaError type

    def internal_error(self) -> ApiError:
        return UnknownError()
