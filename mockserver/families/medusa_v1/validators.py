"""Medusa 1.20's request validators, declared per operation: the class-validator DTOs of its
routes (``transformQuery`` / ``transformBody``), which spec violations it lets through, and the
list-query refusals of its database; run by the engine (``operation_rules``) before the spec's
checks. The DTO rules' wording comes from ``node.class_validator``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ...engine import Call, Operation, OperationRules, Tolerance
from ...errors import ApiError
from ...node.class_validator import (
    IS_ARRAY,
    IS_BOOLEAN,
    IS_DATE,
    IS_EMAIL,
    IS_NOT_EMPTY,
    IS_NUMBER,
    IS_STRING,
    Check,
    Dto,
    OneOfTypesFailed,
    Prop,
    array_body_messages,
    body_messages,
    execute,
    is_number,
    to_number,
)
from ...node.javascript import INVALID_DATE, js_date, js_number
from ...node.qs import qs_parse
from .database_errors import FLAG_LIST_500, FLAG_PAGING_NUMBERS, list_query_error
from .exceptions import InvalidData, ValidationFailed, sales_channels_missing

NOT_NEGATIVE = Check("{p} must not be less than 0", lambda v: not is_number(v) or v >= 0, contract_only=True)
# GET /store/products: qs gives a lone value as a string; the contract takes it as a list of one.
IS_ID_LIST = Check(
    "{p} must be an array",
    lambda v: isinstance(v, str) or (isinstance(v, list) and all(isinstance(i, str) for i in v)),
)


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


# A JSON array as the body: class-validator maps it element-wise, so a route's DTO never sees it.
# transformBody routes let an empty one through as no fields at all; the routes that call
# `validator()` in their handler refuse any array (forbidUnknownValues).
FLAG_ARRAY_BODY = "array_body_skips_dto"


@dataclass(frozen=True)
class RouteValidation:
    body: Dto | None = None
    # The handler validates the body itself with `validator()`, not the transformBody middleware.
    validated_in_handler: bool = False
    query: Dto | None = None  # None: the route never reads its query string
    list_columns: tuple[str, ...] = ()  # columns `order` and `fields` may name (admin key list)
    paged: bool = False
    # A middleware the route runs before its DTO (it answers its own error, or None to go on).
    middleware: Callable[[Any, Call], ApiError | None] | None = None


KEY_COLUMNS = ("id", "title", "created_at", "updated_at", "created_by", "revoked_by", "revoked_at")

ROUTES: dict[str, RouteValidation] = {
    "PostAuth": RouteValidation(body=AUTH, validated_in_handler=True),
    "PostToken": RouteValidation(body=AUTH, validated_in_handler=True),
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


def sales_channels_exist(backend: Any, call: Call) -> ApiError | None:
    """validateSalesChannelsExist in front of POST /admin/products: unknown channels are refused
    before the DTO runs. (1.20.11 crashes its process when sales_channels is present but not an
    array, `.map is not a function`; the mock lets the DTO answer that instead.)"""
    body = call.body if isinstance(call.body, dict) else {}
    missing = backend.missing_channels(body.get("sales_channels"))
    return sales_channels_missing(missing) if missing else None


ROUTES.update(
    {
        "GetStore": RouteValidation(query=Dto("AdminGetStoreParams", (_string("expand"), _string("fields")))),
        "GetBatchJobs": RouteValidation(
            query=_find_params(
                "AdminGetBatchParams",
                _string("order"),
                # @IsType([DateComparisonOperator]), not @ValidateNested: its failure is one JSON
                # message (1.20.11: created_at[x]=... names DateComparisonOperator and its findings).
                Prop("created_at", optional=True, nested=DATE_COMPARISON, is_type=True),
            ),
            paged=True,
        ),
        "GetUsers": RouteValidation(query=_find_params("AdminGetUsersParams", _string("q")), paged=True),
        "GetRegions": RouteValidation(query=_find_params("AdminGetRegionsParams", _string("q")), paged=True),
        "GetOrders": RouteValidation(query=_find_params("AdminGetOrdersParams", _string("q")), paged=True),
        "PostProducts": RouteValidation(
            body=CREATE_PRODUCT, middleware=sales_channels_exist, validated_in_handler=True
        ),
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


def request_messages(operation_id: str, call: Call, strict: bool, arrays_skip_dto: bool = False) -> list[str]:
    rules = route(operation_id)
    messages: list[str] = []
    if rules.query is not None:
        messages.extend(execute(rules.query, qs_parse(call.raw_query.items(multi=True)), strict))
    if rules.body is not None:
        if arrays_skip_dto and isinstance(call.body, list):
            messages.extend(array_body_messages(call.body, rules.validated_in_handler))
        else:
            messages.extend(body_messages(rules.body, call.body, strict))
    return messages


def check_request(backend: Any, call: Call) -> ApiError | None:
    """What ``transformBody``/``transformQuery`` refuse, then what the database refuses in a list
    query: run by the engine before the spec's checks (class-validator's findings come first)."""
    rules = route(call.operation.operation_id)
    if rules.middleware is not None:
        refusal = rules.middleware(backend, call)
        if refusal is not None:
            return refusal
    try:
        messages = request_messages(
            call.operation.operation_id,
            call,
            strict=not backend.profile.enabled(FLAG_LIST_500),
            arrays_skip_dto=backend.profile.enabled(FLAG_ARRAY_BODY),
        )
    except OneOfTypesFailed as failure:
        return InvalidData(failure.message)
    if messages:
        return ValidationFailed(messages)
    return list_query_error(call, backend.profile, paged=rules.paged, columns=rules.list_columns)


def tolerances(rules: RouteValidation) -> tuple[Tolerance, ...]:
    """The spec violations Medusa 1.20 goes on from: a route without a query DTO never reads
    ``req.query``, and ``@IsOptional`` lets ``null`` through to the service."""
    accepted: list[Tolerance] = []
    if rules.query is None:
        accepted.append(Tolerance("query", frozenset({"unknown"})))
    if rules.paged:
        # @Type(() => Number) and @IsNumber: any finite Number() passes (paging_read_as_numbers).
        accepted.append(
            Tolerance(
                "query",
                frozenset({"type", "cast"}),
                _PAGING,
                flag=FLAG_PAGING_NUMBERS,
                read_as=_finite_number,
            )
        )
    if rules.body is not None:
        optional = frozenset(p.name for p in rules.body.props if p.optional)
        if optional:
            accepted.append(Tolerance("body", frozenset({"type"}), optional, null_only=True))
        if not rules.validated_in_handler:
            # An empty array passes transformBody and reaches the route (array_body_skips_dto).
            accepted.append(
                Tolerance(
                    "body", frozenset({"type"}), frozenset({""}), flag=FLAG_ARRAY_BODY, value_is=_empty_array
                )
            )
    return tuple(accepted)


_PAGING = frozenset({"limit", "offset"})


def _finite_number(text: str) -> float | None:
    number = js_number(text)
    return number if math.isfinite(number) else None


def _empty_array(value: Any) -> bool:
    return isinstance(value, list) and not value


def operation_rules(operation: Operation) -> OperationRules:
    return OperationRules(validate=check_request, tolerances=tolerances(route(operation.operation_id)))
