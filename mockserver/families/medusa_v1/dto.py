"""Request validation in Medusa 1.20's words: class-validator over qs-parsed queries and JSON bodies.

The engine checks each request against the spec and hands over ``Violation`` records; Medusa's
answer to the same request depends on things a JSON Schema error does not carry (the DTO's
property order, which rules a property has, ``@IsOptional`` letting ``null`` through, routes that
never look at their query string). So when the engine reports a problem, this module re-runs the
route's DTO the way ``utils/validator.ts`` does (``whitelist`` + ``forbidNonWhitelisted``, messages
of a property's constraints before its children's, all joined with ``", "``) over the request the
family saw in ``authenticate``, and only falls back to describing the raw violations when the spec
is stricter than Medusa's validator.

No Flask here: the request arrives as the engine's ``Call``.
"""

from __future__ import annotations

import email.utils
import math
import re
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from werkzeug.http import dump_cookie

from ...engine import Call
from ...errors import ApiError
from ...validation import Violation
from .exceptions import InvalidData, Passthrough, UnknownError, ValidationFailed

FLAG_LIST_500 = "list_query_errors_are_500"
FLAG_NUL_500 = "nul_character_fails_in_database"
FLAG_CHANNEL_ID_ARRAY = "sales_channel_id_must_be_an_array"


class _Undefined:
    def __repr__(self) -> str:
        return "undefined"


UNDEFINED: Any = _Undefined()
INVALID_DATE: Any = type("InvalidDate", (), {"__repr__": lambda self: "Invalid Date"})()

# -- JavaScript semantics the validators rely on ---------------------------------------------

# Unambiguous (no two ways to split a digit run), so a long run of digits fails in linear time.
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_RADIX = {"0x": 16, "0o": 8, "0b": 2}


def js_number(text: str) -> float:
    """``Number(text)`` for a string."""
    value = text.strip()
    if value == "":
        return 0.0
    if _DECIMAL.fullmatch(value):
        return float(value)
    prefix = value[:2].lower()
    if prefix in _RADIX:
        try:
            return float(int(value[2:], _RADIX[prefix]))
        except ValueError:
            return math.nan
    if value in ("Infinity", "+Infinity"):
        return math.inf
    if value == "-Infinity":
        return -math.inf
    return math.nan


_ISO_DATE = re.compile(
    r"(?P<y>[+-]\d{6}|\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d+))?)?"
    r"(?P<z>Z|[+-]\d{2}:?\d{2})?)?"
)


def js_date(text: str) -> datetime | None:
    """``Date.parse`` for the forms a client sends: ISO 8601 dates and times, or RFC 2822."""
    match = _ISO_DATE.fullmatch(text.strip())
    if match:
        g = match.groupdict()
        try:
            moment = datetime(
                int(g["y"]),
                int(g["m"] or 1),
                int(g["d"] or 1),
                int(g["H"] or 0),
                int(g["M"] or 0),
                int(g["S"] or 0),
                int((g["f"] or "0")[:6].ljust(6, "0")),
                tzinfo=UTC,
            )
        except ValueError:
            return None
        zone = g["z"]
        if zone and zone != "Z":
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            offset = sign * (int(digits[:2]) * 60 + int(digits[2:]))
            moment -= timedelta(minutes=offset)
        return moment
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def transform_date(value: Any) -> Any:
    """Medusa's ``transformDate``: a parseable date string, else the string as Unix seconds."""
    if not isinstance(value, str):
        return INVALID_DATE
    parsed = js_date(value)
    if parsed is not None:
        return parsed
    seconds = js_number(value)
    if math.isfinite(seconds) and abs(seconds) < 8.64e12:
        return datetime.fromtimestamp(seconds, UTC)
    return INVALID_DATE


def to_number(value: Any) -> Any:
    """``@Type(() => Number)``: strings go through ``Number()``; arrays map element-wise."""
    return js_number(value) if isinstance(value, str) else value


_ARRAY_INDEX = re.compile(r"0|[1-9]\d*")


def js_keys(obj: dict[str, Any]) -> list[str]:
    """``Object.keys`` order: array-index-like keys ascending first, then insertion order."""
    indexes = sorted((k for k in obj if _ARRAY_INDEX.fullmatch(k) and int(k) < 2**32 - 1), key=int)
    return [*indexes, *(k for k in obj if k not in indexes)]


# -- qs ------------------------------------------------------------------------------------------

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def qs_parse(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Express's ``qs`` reading of a query string: ``a[b]=1`` nests, ``a[]=1`` and repeats make lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        parts = [key] if match is None else [match.group(1), *_SEGMENT.findall(match.group(2))]
        _assign(root, parts[:6], value)
    return root


def _assign(container: dict[str, Any] | list[Any], parts: list[str], value: str) -> None:
    head, rest = parts[0], parts[1:]
    if isinstance(container, list):
        if head == "" or (head.isdigit() and int(head) <= 20):
            if not rest:
                container.append(value)
                return
            index = int(head) if head else len(container)
            while len(container) <= index:
                container.append({})
            child = container[index]
            if not isinstance(child, dict | list):
                child = container[index] = {}
            _assign(child, rest, value)
            return
        return  # a named key inside a list: qs would turn the list into an object; not modelled
    if not rest:
        existing = container.get(head, UNDEFINED)
        if existing is UNDEFINED:
            container[head] = value
        elif isinstance(existing, list):
            existing.append(value)
        elif isinstance(existing, dict):
            existing[str(len(existing))] = value
        else:
            container[head] = [existing, value]
        return
    child = container.get(head)
    if not isinstance(child, dict | list):
        wants_list = rest[0] == "" or (rest[0].isdigit() and int(rest[0]) <= 20)
        child = [] if wants_list else {}
        if head in container:  # a scalar seen first keeps its place as element "0"
            child = [container[head]] if wants_list else {"0": container[head]}
        container[head] = child
    elif isinstance(child, list) and not (rest[0] == "" or rest[0].isdigit()):
        child = container[head] = {str(i): v for i, v in enumerate(child)}
    _assign(child, rest, value)


# -- DTOs ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One class-validator constraint: its message (``{p}`` = property name) and its test."""

    message: str
    ok: Callable[[Any], bool]
    contract_only: bool = False  # a rule the contract adds and Medusa 1.20 does not have


@dataclass(frozen=True)
class Prop:
    name: str
    checks: tuple[Check, ...] = ()
    optional: bool = False  # @IsOptional: null and undefined skip every rule
    nested: Dto | None = None  # @ValidateNested + @Type
    each: bool = False
    transform: Callable[[Any], Any] | None = None
    not_null: tuple[str, str] | None = None  # (column, table) when null reaches a NOT NULL column
    default: Any = UNDEFINED  # the DTO's property initializer: what a missing property reads as


@dataclass(frozen=True)
class Dto:
    name: str
    props: tuple[Prop, ...] = ()

    def prop(self, name: str) -> Prop | None:
        return next((p for p in self.props if p.name == name), None)


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
)

IS_STRING = Check("{p} must be a string", lambda v: isinstance(v, str))
IS_NOT_EMPTY = Check("{p} should not be empty", lambda v: v not in ("", None, UNDEFINED))
IS_EMAIL = Check("{p} must be an email", lambda v: isinstance(v, str) and _EMAIL.fullmatch(v) is not None)
IS_BOOLEAN = Check("{p} must be a boolean value", lambda v: isinstance(v, bool))
IS_NUMBER = Check("{p} must be a number conforming to the specified constraints", _is_number)
NOT_NEGATIVE = Check("{p} must not be less than 0", lambda v: not _is_number(v) or v >= 0, contract_only=True)
IS_ARRAY = Check("{p} must be an array", lambda v: isinstance(v, list))
IS_DATE = Check("{p} must be a Date instance", lambda v: isinstance(v, datetime))
# GET /store/products: qs gives a lone value as a string; the contract takes it as a list of one.
IS_ID_LIST = Check(
    "{p} must be an array",
    lambda v: isinstance(v, str) or (isinstance(v, list) and all(isinstance(i, str) for i in v)),
)


def _string(name: str, **kw: Any) -> Prop:
    return Prop(name, (IS_STRING,), optional=True, **kw)


def _number(name: str) -> Prop:
    return Prop(name, (IS_NUMBER, NOT_NEGATIVE), optional=True, transform=to_number)


DATE_COMPARISON = Dto(
    "DateComparisonOperator",
    tuple(Prop(op, (IS_DATE,), optional=True, transform=transform_date) for op in ("lt", "gt", "gte", "lte")),
)


def _dates(name: str) -> Prop:
    return Prop(name, optional=True, nested=DATE_COMPARISON)


def _batch(name: str, item: str) -> Dto:
    return Dto(name, (Prop(name, (IS_ARRAY,), nested=Dto(item, (Prop("id", (IS_STRING,)),)), each=True),))


AUTH = Dto(
    "AdminPostAuthReq", (Prop("email", (IS_NOT_EMPTY, IS_EMAIL)), Prop("password", (IS_NOT_EMPTY, IS_STRING)))
)
CREATE_KEY = Dto("AdminPostPublishableApiKeysReq", (Prop("title", (IS_STRING,)),))
UPDATE_KEY = Dto(
    "AdminPostPublishableApiKeysPublishableApiKeyReq",
    (_string("title", not_null=("title", "publishable_api_key")),),
)
KEY_CHANNELS_BATCH = _batch("sales_channel_ids", "ProductBatchSalesChannel")
# GetPublishableApiKeysParams: its own properties first, then the mixin's (class-validator order).
LIST_KEYS = Dto(
    "GetPublishableApiKeysParams",
    (
        _string("q"),
        _string("order"),
        _dates("created_at"),
        _dates("updated_at"),
        _dates("revoked_at"),
        _string("expand"),
        _string("fields"),
        _number("offset"),
        _number("limit"),
    ),
)
KEY_CHANNELS_QUERY = Dto("GetPublishableApiKeySalesChannelsParams", (_string("q"),))
LIST_CHANNELS = Dto("AdminGetSalesChannelsParams", (_string("q"), _number("offset"), _number("limit")))
CREATE_CHANNEL = Dto(
    "AdminPostSalesChannelsReq",
    (
        Prop("name", (IS_STRING,)),
        _string("description"),
        Prop("is_disabled", (IS_BOOLEAN,), optional=True, not_null=("is_disabled", "sales_channel")),
    ),
)
UPDATE_CHANNEL = Dto(
    "AdminPostSalesChannelsSalesChannelReq",
    (
        _string("name", not_null=("name", "sales_channel")),
        _string("description"),
        Prop("is_disabled", (IS_BOOLEAN,), optional=True, not_null=("is_disabled", "sales_channel")),
    ),
)
PRODUCTS_BATCH = _batch("product_ids", "ProductBatchProductItem")
LIST_PRODUCTS = Dto(
    "StoreGetProductsParams",
    (
        _string("q"),
        Prop("sales_channel_id", (IS_ID_LIST,), optional=True),
        _number("offset"),
        _number("limit"),
    ),
)
NO_QUERY = Dto("EmptyQueryParams")
CREATE_CART = Dto("StorePostCartReq", (_string("region_id"), _string("sales_channel_id")))


@dataclass(frozen=True)
class RouteValidation:
    body: Dto | None = None
    query: Dto | None = None  # None: the route never reads its query string
    list_columns: tuple[str, ...] = ()  # columns `order` and `fields` may name (admin key list)
    paged: bool = False


KEY_COLUMNS = ("id", "title", "created_at", "updated_at", "created_by", "revoked_by", "revoked_at")

ROUTES: dict[str, RouteValidation] = {
    "PostAuth": RouteValidation(body=AUTH),
    "PostToken": RouteValidation(body=AUTH),
    "GetPublishableApiKeys": RouteValidation(query=LIST_KEYS, list_columns=KEY_COLUMNS, paged=True),
    "PostPublishableApiKeys": RouteValidation(body=CREATE_KEY),
    "PostPublishableApiKysPublishableApiKey": RouteValidation(body=UPDATE_KEY),
    "GetPublishableApiKeySalesChannels": RouteValidation(query=KEY_CHANNELS_QUERY),
    "PostPublishableApiKeySalesChannelsChannelsBatch": RouteValidation(body=KEY_CHANNELS_BATCH),
    "DeletePublishableApiKeySalesChannelsChannelsBatch": RouteValidation(body=KEY_CHANNELS_BATCH),
    "GetSalesChannels": RouteValidation(query=LIST_CHANNELS, paged=True),
    "PostSalesChannels": RouteValidation(body=CREATE_CHANNEL),
    "PostSalesChannelsSalesChannel": RouteValidation(body=UPDATE_CHANNEL),
    "PostSalesChannelsChannelProductsBatch": RouteValidation(body=PRODUCTS_BATCH),
    "DeleteSalesChannelProductsBatch": RouteValidation(body=PRODUCTS_BATCH),
    "GetProducts": RouteValidation(query=LIST_PRODUCTS, paged=True),
    "GetProductsProduct": RouteValidation(query=NO_QUERY),
    "PostCart": RouteValidation(body=CREATE_CART),
}
_NOTHING = RouteValidation()


# The routes Medusa's v1 admin calls around the keys (frontend.py): find-params DTOs.
def _find_params(name: str, *own: Prop) -> Dto:
    return Dto(name, (*own, _string("expand"), _string("fields"), _number("offset"), _number("limit")))


PRODUCT_STATUSES = ("draft", "proposed", "published", "rejected")
IS_PRODUCT_STATUS = Check(
    "{p} must be one of the following values: " + ", ".join(PRODUCT_STATUSES), lambda v: v in PRODUCT_STATUSES
)
IS_OBJECT = Check("{p} must be an object", lambda v: isinstance(v, dict))
IS_STRING_EACH = Check(
    "each value in {p} must be a string",
    lambda v: not isinstance(v, list) or all(isinstance(i, str) for i in v),
)
# AdminPostProductsReq, the fields revokit models (variants, options, tags, type and categories
# are refused as unknown properties). sales_channels is checked for existence before this runs.
CREATE_PRODUCT = Dto(
    "AdminPostProductsReq",
    (
        Prop("title", (IS_STRING,)),
        _string("subtitle"),
        _string("description"),
        Prop("is_giftcard", (IS_BOOLEAN,), optional=True),
        Prop("discountable", (IS_BOOLEAN,), optional=True),
        Prop("images", (IS_ARRAY, IS_STRING_EACH), optional=True),
        _string("thumbnail"),
        _string("handle"),
        Prop("status", (IS_PRODUCT_STATUS,), optional=True),
        Prop(
            "sales_channels",
            (IS_ARRAY,),
            optional=True,
            nested=Dto("ProductSalesChannelReq", (Prop("id", (IS_STRING,)),)),
            each=True,
        ),
        _string("collection_id"),
        *(Prop(name, (IS_NUMBER,), optional=True) for name in ("weight", "length", "height", "width")),
        *(_string(name) for name in ("hs_code", "origin_country", "mid_code", "material")),
        Prop("metadata", (IS_OBJECT,), optional=True),
    ),
)

ROUTES.update(
    {
        "GetStore": RouteValidation(query=Dto("AdminGetStoreParams", (_string("expand"), _string("fields")))),
        "GetBatchJobs": RouteValidation(
            query=_find_params("AdminGetBatchParams", _string("order"), _dates("created_at")), paged=True
        ),
        "GetUsers": RouteValidation(query=_find_params("AdminGetUsersParams", _string("q")), paged=True),
        "GetRegions": RouteValidation(query=_find_params("AdminGetRegionsParams", _string("q")), paged=True),
        "GetOrders": RouteValidation(query=_find_params("AdminGetOrdersParams", _string("q")), paged=True),
        "PostProducts": RouteValidation(body=CREATE_PRODUCT),
        "PostAnalyticsConfig": RouteValidation(
            body=Dto(
                "AdminPostAnalyticsConfigReq",
                (Prop("opt_out", (IS_BOOLEAN,)), Prop("anonymize", (IS_BOOLEAN,), default=False)),
            )
        ),
        "PostAnalyticsConfigUpdate": RouteValidation(
            body=Dto(
                "AdminPostAnalyticsConfigAnalyticsConfigReq",
                (
                    Prop("opt_out", (IS_BOOLEAN,), optional=True),
                    Prop("anonymize", (IS_BOOLEAN,), optional=True),
                ),
            )
        ),
    }
)


def route(operation_id: str) -> RouteValidation:
    return ROUTES.get(operation_id, _NOTHING)


# -- class-validator -----------------------------------------------------------------------------


def execute(dto: Dto, obj: dict[str, Any], strict: bool) -> list[str]:
    """``validate(plainToInstance(Dto, obj), {whitelist, forbidNonWhitelisted})``, flattened."""
    messages = [f"property {k} should not exist" for k in js_keys(obj) if dto.prop(k) is None]
    for prop in dto.props:
        messages.extend(_property(prop, obj.get(prop.name, prop.default), strict))
    return messages


def _property(prop: Prop, raw: Any, strict: bool) -> list[str]:
    value = prop.transform(raw) if prop.transform is not None and raw is not UNDEFINED else raw
    if prop.optional and (value is None or value is UNDEFINED):
        return []
    constraints = [
        c.message.format(p=prop.name)
        for c in prop.checks
        if (strict or not c.contract_only) and not c.ok(value)
    ]
    children: list[str] = []
    if prop.nested is not None and value is not UNDEFINED:
        if isinstance(value, list):
            for item in value:
                children.extend(_nested_item(prop, item, strict))
        elif isinstance(value, dict):
            children.extend(execute(prop.nested, value, strict))
        else:
            constraints.append(_nested_message(prop))
    return constraints + children


def _nested_item(prop: Prop, item: Any, strict: bool) -> list[str]:
    assert prop.nested is not None
    if isinstance(item, list):
        return [m for sub in item for m in _nested_item(prop, sub, strict)]
    if isinstance(item, dict):
        return execute(prop.nested, item, strict)
    return [_nested_message(prop)]


def _nested_message(prop: Prop) -> str:
    return (
        "each value in " if prop.each else ""
    ) + f"nested property {prop.name} must be either object or array"


def body_messages(dto: Dto, body: Any, strict: bool) -> list[str]:
    if isinstance(body, dict):
        return execute(dto, body, strict)
    if isinstance(body, list):
        # plainToInstance maps an array element-wise; the array itself has no metadata, so only the
        # whitelist speaks (its indexes are unknown properties). An empty one reads as no fields.
        if body:
            return [f"property {i} should not exist" for i in range(len(body))]
        return execute(dto, {}, strict)
    return []


def request_messages(operation_id: str, call: Call, strict: bool) -> list[str]:
    rules = route(operation_id)
    messages: list[str] = []
    if rules.query is not None:
        messages.extend(execute(rules.query, qs_parse(call.raw_query.items(multi=True)), strict))
    if rules.body is not None:
        messages.extend(body_messages(rules.body, call.body, strict))
    return messages


# -- what Medusa does after validation, before the database answers ------------------------------


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def nul_error(call: Call, profile: Any) -> ApiError | None:
    """1.20 hands a path id or body value holding NUL to PostgreSQL, which stores no NUL in text."""
    if not profile.enabled(FLAG_NUL_500):
        return None
    # A revoke reads no body: what it was sent never reaches the database.
    body_stored = (
        call.body_sent and call.operation.operation_id != "PostPublishableApiKeysPublishableApiKeyRevoke"
    )
    if _has_nul(call.path) or (body_stored and _has_nul(call.body)):
        return UnknownError()
    return None


def release_query_error(call: Call, profile: Any) -> ApiError | None:
    """The store's product list in 1.20 wants ``sales_channel_id`` as a real array."""
    if profile.enabled(FLAG_CHANNEL_ID_ARRAY) and call.operation.operation_id == "GetProducts":
        # qs makes `sales_channel_id=x` a string; only repeats or brackets make it an array. An
        # empty value passes unless a key's scope fills the filter in.
        plain = [v for k, v in call.raw_query.items(multi=True) if k == "sales_channel_id"]
        if len(plain) == 1 and (plain[0] or call.headers.get("x-publishable-api-key")):
            return InvalidData("sales_channel_id must be an array")
    return None


def list_query_error(operation_id: str, call: Call, profile: Any) -> ApiError | None:
    """Paging and column names the database (1.20) or the contract's allow-lists refuse."""
    release_error = release_query_error(call, profile)
    if release_error is not None:
        return release_error
    rules = route(operation_id)
    if not rules.paged:
        return None
    query = qs_parse(call.raw_query.items(multi=True))
    reaches_database = profile.enabled(FLAG_LIST_500)
    problems: list[ApiError] = []
    columns = rules.list_columns
    if columns:
        fields = query.get("fields")
        if isinstance(fields, str) and fields:
            bad = [f for f in fields.split(",") if f not in columns]
            if bad:
                problems.append(InvalidData(f"Fields [{', '.join(bad)}] are not valid"))
        expand = query.get("expand")
        if isinstance(expand, str) and expand:
            problems.append(InvalidData(f"Relations [{', '.join(expand.split(','))}] are not valid"))
        order = query.get("order")
        if isinstance(order, str) and order:
            column = order[1:] if order.startswith("-") else order
            if column not in columns:
                problems.append(InvalidData(f"Order field {column} is not valid"))
    if reaches_database:
        for name in ("offset", "limit"):
            raw = query.get(name)
            if isinstance(raw, str) and js_number(raw) < 0:
                return UnknownError()
        return UnknownError() if problems else None
    return problems[0] if problems else None


# -- the engine's violations, answered the way Medusa answers the request ------------------------

_CURRENT: ContextVar[tuple[Any, Call] | None] = ContextVar("revokit_medusa_v1_request", default=None)


def remember(backend: Any, call: Call) -> None:
    """Called by ``authenticate``, which the engine runs right before it validates the request."""
    _CURRENT.set((backend, call))


def check_request(backend: Any, call: Call) -> None:
    """What ``transformBody``/``transformQuery`` refuse that the spec lets through (``q=a&q=b``)."""
    operation_id = call.operation.operation_id
    messages = request_messages(operation_id, call, strict=not backend.profile.enabled(FLAG_LIST_500))
    if messages:
        raise ValidationFailed(messages)
    error = list_query_error(operation_id, call, backend.profile)
    if error is not None:
        raise error


def resolve_violations(violations: Sequence[Violation], operation_id: str) -> ApiError:
    current = _CURRENT.get()
    if current is None or current[1].operation.operation_id != operation_id:
        return ValidationFailed(fallback_messages(violations))
    backend, call = current
    strict = not backend.profile.enabled(FLAG_LIST_500)
    messages = request_messages(operation_id, call, strict)
    if messages:
        return ValidationFailed(messages)
    error = list_query_error(operation_id, call, backend.profile)
    if error is not None:
        return error
    rules = route(operation_id)
    remaining = [v for v in violations if not _medusa_accepts(v, rules)]
    if remaining:
        return ValidationFailed(fallback_messages(remaining))
    return _passthrough(backend, call)


def _medusa_accepts(v: Violation, rules: RouteValidation) -> bool:
    if v.location == "query" and v.kind == "unknown" and rules.query is None:
        return True  # the route never reads req.query
    if v.location == "body" and v.kind == "type" and v.value is None and rules.body is not None:
        prop = rules.body.prop(v.field)
        return prop is not None and prop.optional  # @IsOptional lets null through to the service
    return False


def _passthrough(backend: Any, call: Call) -> ApiError:
    from . import FAMILY

    reply = FAMILY.handlers[call.operation.operation_id](backend, call)
    headers = dict(reply.headers)
    for cookie in reply.cookies:
        headers["Set-Cookie"] = dump_cookie(**cookie)
    return Passthrough(reply.body, reply.status, headers, reply.content_type)


_TYPE_WORDS = {
    "string": "{p} must be a string",
    "integer": "{p} must be an integer number",
    "number": "{p} must be a number conforming to the specified constraints",
    "boolean": "{p} must be a boolean value",
    "array": "{p} must be an array",
    "object": "nested property {p} must be either object or array",
}


def _first_type(expected: Any) -> str:
    names = expected if isinstance(expected, list) else [expected]
    return next((str(n) for n in names if n != "null"), "string")


def fallback_messages(violations: Sequence[Violation]) -> list[str]:
    """class-validator-style sentences for violations Medusa's own DTOs would not have caught."""
    out: list[str] = []
    for v in violations:
        for message in _describe(v):
            if message not in out:
                out.append(message)
    return out or ["The request is not valid"]


def _describe(v: Violation) -> list[str]:
    leaf = v.field.rsplit(".", 1)[-1] if v.field else ""
    kind = v.kind
    if kind == "unknown":
        return [f"property {v.field} should not exist"]
    if kind in ("additionalProperties", "unevaluatedProperties"):
        return [f"property {name} should not exist" for name in v.names]
    if not leaf:
        return ["The request body must be a JSON object"]
    if kind in ("required", "missing"):
        return [f"{leaf} should not be empty"]
    if kind in ("type", "cast"):
        return [_TYPE_WORDS.get(_first_type(v.expected), "{p} is not valid").format(p=leaf)]
    if kind in ("minimum", "exclusiveMinimum"):
        return [f"{leaf} must not be less than {v.expected}"]
    if kind in ("maximum", "exclusiveMaximum"):
        return [f"{leaf} must not be greater than {v.expected}"]
    if kind == "minLength":
        return [
            f"{leaf} should not be empty"
            if v.expected == 1
            else f"{leaf} must be longer than or equal to {v.expected} characters"
        ]
    if kind == "maxLength":
        return [f"{leaf} must be shorter than or equal to {v.expected} characters"]
    if kind == "format":
        if v.expected == "email":
            return [f"{leaf} must be an email"]
        if v.expected in ("date", "date-time"):
            return [f"{leaf} must be a Date instance"]
        return [f"{leaf} must be a valid {v.expected}"]
    if kind in ("anyOf", "oneOf") and "format" in str(v.expected):
        return [f"{leaf} must be a Date instance"]
    if kind == "pattern":
        return [f"{leaf} must match {v.expected} regular expression"]
    if kind in ("enum", "const"):
        allowed = v.expected if isinstance(v.expected, list) else [v.expected]
        return [f"{leaf} must be one of the following values: {', '.join(map(str, allowed))}"]
    return [f"{leaf} is not valid"]


def as_datetime(value: Any) -> datetime | None:
    """A spec-typed date filter bound (``date`` or ``datetime``) as an aware instant."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        return js_date(value)
    return None
