"""class-validator (with class-transformer) as Medusa 1.20 runs it: ``validate(plainToInstance(Dto,
obj), {whitelist: true, forbidNonWhitelisted: true})``, its messages flattened in its order (a
property's own constraints before its children's), and the same wording for the spec violations
a DTO would not have caught.

A DTO is data: ``Dto`` of ``Prop`` of ``Check``; a family declares its DTOs with these and
``execute`` runs them.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..validation import Violation
from .javascript import UNDEFINED, js_keys, js_number


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
    # Medusa's @IsType([Dto]): the value is validated as ``nested`` by a validate() call of its
    # own, whose failure aborts the whole validation (see OneOfTypesFailed).
    is_type: bool = False
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


def is_number(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
)


IS_STRING = Check("{p} must be a string", lambda v: isinstance(v, str))
IS_NOT_EMPTY = Check("{p} should not be empty", lambda v: v not in ("", None, UNDEFINED))
IS_EMAIL = Check("{p} must be an email", lambda v: isinstance(v, str) and _EMAIL.fullmatch(v) is not None)
IS_BOOLEAN = Check("{p} must be a boolean value", lambda v: isinstance(v, bool))
IS_NUMBER = Check("{p} must be a number conforming to the specified constraints", is_number)
IS_ARRAY = Check("{p} must be an array", lambda v: isinstance(v, list))
IS_DATE = Check("{p} must be a Date instance", lambda v: isinstance(v, datetime))


def to_number(value: Any) -> Any:
    """class-transformer's ``@Type(() => Number)``: strings go through ``Number()``."""
    return js_number(value) if isinstance(value, str) else value


class OneOfTypesFailed(Exception):
    """Medusa's ``@IsType([...])`` constraint validates a value against its types with a
    validate() call of its own and throws when none fits: the request's validation stops there
    with one invalid_data whose message is a JSON text naming the property, the types tried and
    their messages (joined with ", " and split again at every comma, as the constraint does)."""

    def __init__(self, prop: str, type_name: str, messages: Sequence[str]) -> None:
        details = ", ".join(messages).split(",")
        text = json.dumps(
            {"message": f"{prop} must be one of: {type_name}", "details": {type_name: details}},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        super().__init__(text)
        self.message = text


UNKNOWN_VALUE = "an unknown value was passed to the validate function"


def _check_is_type(prop: Prop, dto: Dto, value: Any, strict: bool) -> None:
    messages = execute(dto, value, strict) if isinstance(value, dict) else [UNKNOWN_VALUE]
    if messages:
        raise OneOfTypesFailed(prop.name, dto.name, messages)


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
    if prop.is_type and prop.nested is not None:
        _check_is_type(prop, prop.nested, value, strict)
        return constraints
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


def array_body_messages(body: list[Any], forbid_unknown_values: bool) -> list[str]:
    """class-validator on a JSON array, as Medusa 1.20 runs it: ``plainToInstance`` maps the array
    element-wise, so no DTO rule applies. With ``forbidUnknownValues`` (the routes that call
    ``validator()`` themselves) any array is refused; otherwise only the whitelist speaks, and an
    empty array passes as no fields at all."""
    if forbid_unknown_values:
        return ["an unknown value was passed to the validate function"]
    return [f"property {i} should not exist" for i in range(len(body))]


def body_messages(dto: Dto, body: Any, strict: bool) -> list[str]:
    if isinstance(body, dict):
        return execute(dto, body, strict)
    if isinstance(body, list):
        # plainToInstance maps an array element-wise; the array itself has no metadata, so only the
        # whitelist speaks (its indexes are unknown properties). An empty one reads as no fields.
        if body:
            return array_body_messages(body, forbid_unknown_values=False)
        return execute(dto, {}, strict)
    return []


# -- spec violations in class-validator's words ---------------------------------------------------

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
