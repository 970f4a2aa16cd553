"""What Medusa 1.20 does after validation, before the database answers: list queries whose paging
or column names its database refuses (list_query_errors_are_500) or the contract's allow-lists
refuse, a plain ``sales_channel_id`` on the store's product list, and text holding NUL, which
PostgreSQL stores nowhere."""

from __future__ import annotations

import math
from typing import Any

from ...engine import Call
from ...errors import ApiError
from ...node.javascript import js_number
from ...node.qs import qs_parse
from .exceptions import InvalidData, UnknownError

FLAG_LIST_500 = "list_query_errors_are_500"
FLAG_NUL_500 = "nul_character_fails_in_database"
FLAG_CHANNEL_ID_ARRAY = "sales_channel_id_must_be_an_array"
# limit/offset are Number()s (class-transformer), not integers: 1.20.11 lists with 0.5, 1e2, "".
FLAG_PAGING_NUMBERS = "paging_read_as_numbers"


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


def postgres_round(value: float) -> int:
    """A numeric LIMIT or OFFSET as Postgres makes it a bigint: rounded half away from zero."""
    return int(math.copysign(math.floor(abs(value) + 0.5), value))


def list_query_error(call: Call, profile: Any, *, paged: bool, columns: tuple[str, ...]) -> ApiError | None:
    """Paging and column names the database (1.20) or the contract's allow-lists refuse."""
    release_error = release_query_error(call, profile)
    if release_error is not None:
        return release_error
    if not paged:
        return None
    query = qs_parse(call.raw_query.items(multi=True))
    reaches_database = profile.enabled(FLAG_LIST_500)
    problems: list[ApiError] = []
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
            # Postgres rounds a fractional LIMIT/OFFSET first: -0.4 is 0, -0.5 is -1 (refused).
            if (
                isinstance(raw, str)
                and math.isfinite(number := js_number(raw))
                and postgres_round(number) < 0
            ):
                return UnknownError()
        return UnknownError() if problems else None
    return problems[0] if problems else None
