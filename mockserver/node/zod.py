"""zod's validation issues in the words of Medusa 2's ``@medusajs/framework`` zod helpers
(``Invalid request: <at most three issues>``), from the engine's spec ``Violation`` records.

zod reports in the order of its validator's shape and calls some fields by names the JSON Schema
type alone does not give (``record`` for a free-form object, a union); ``zod_shapes`` reads both
from a spec, in which the shape order is the spec's property order and ``x-zod-union`` marks a
union parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ...specs import resolve_ref
from ..validation import MISSING, Violation
from .javascript import js_string


@dataclass(frozen=True)
class ZodShape:
    """One operation's validators: field positions per location (query | body), and the zod kind
    of a top-level field where it is not its JSON Schema type: (location, field) -> kind."""

    positions: dict[str, dict[str, int]] = field(default_factory=dict)
    kinds: dict[tuple[str, str], str] = field(default_factory=dict)


NO_SHAPE = ZodShape()


def zod_shapes(spec: dict[str, Any]) -> dict[str, ZodShape]:
    """operationId -> its ``ZodShape``, read from an OpenAPI document."""

    def deref(node: dict[str, Any]) -> dict[str, Any]:
        return resolve_ref(spec, node)

    out: dict[str, ZodShape] = {}
    for item in spec.get("paths", {}).values():
        shared = item.get("parameters", [])
        for method, op in item.items():
            if not isinstance(op, dict) or "operationId" not in op or method == "parameters":
                continue
            params = [deref(p) for p in [*shared, *op.get("parameters", [])]]
            kinds: dict[tuple[str, str], str] = {
                (p["in"], p["name"]): "union" for p in params if p.get("x-zod-union")
            }
            query = [p["name"] for p in params if p["in"] == "query"]
            body = deref(op.get("requestBody", {})).get("content", {}).get("application/json", {})
            properties = deref(body["schema"]).get("properties", {}) if "schema" in body else {}
            for name, schema in properties.items():
                schema = deref(schema)
                types = schema.get("type")
                if "object" in (types if isinstance(types, list) else [types]) and "properties" not in schema:
                    kinds[("body", name)] = "record"
            out[op["operationId"]] = ZodShape(
                positions={
                    "query": {name: i for i, name in enumerate(query)},
                    "body": {name: i for i, name in enumerate(properties)},
                },
                kinds=kinds,
            )
    return out


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


_UNRECOGNIZED = ("unknown", "additionalProperties", "unevaluatedProperties")


def _issue(v: Violation, shape: ZodShape) -> str | None:
    """One zod issue in Medusa's words; ``None`` for an unrecognized-keys finding (merged later)."""
    path = _path(v.field)
    if v.kind in _UNRECOGNIZED:
        return None
    zod_kind = shape.kinds.get((v.location, v.field))
    if zod_kind == "union":
        return "Invalid input"
    if zod_kind == "record" and v.kind == "type":
        return f"Expected type: 'record' for field '{path}', got: '{js_string(v.value)}'"
    # Medusa words an object that is something else as missing: "Field '' is required" for an
    # array body, "Field 'sales_channels, 0' is required" for a string item (2.21.2).
    if v.kind in ("required", "missing") or (
        v.kind == "type" and (not v.field or _zod_type(v.expected) == "object")
    ):
        return f"Field '{path}' is required"
    if v.kind in ("type", "cast"):
        return f"Expected type: '{_zod_type(v.expected or 'string')}' for field '{path}', got: '{js_string(v.value)}'"
    if v.kind == "enum":
        # A nullable enum names only its options (zod's .nullish() around z.enum).
        options = ", ".join(js_string(o) for o in (v.expected or ()) if o is not None)
        return f"Expected: '{options}' for field '{path}', but got: '{js_string(v.value)}'"
    if v.kind in ("minimum", "exclusiveMinimum", "minLength", "minItems"):
        return f"Value for field '{path}' too small, expected at least: '{js_string(v.expected)}'"
    if v.kind in ("maximum", "exclusiveMaximum", "maxLength", "maxItems"):
        return f"Value for field '{path}' too big, expected at most: '{js_string(v.expected)}'"
    if v.kind == "format":
        return f"Expected type: 'date' for field '{path}', got: '{js_string(v.value)}'"
    shown = "" if v.value is MISSING else f", got: '{js_string(v.value)}'"
    return f"Invalid value for field '{path}'{shown}"


def zod_issues(violations: Sequence[Violation], shape: ZodShape) -> list[str]:
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
    positions = shape.positions
    issues: list[tuple[int, int, str]] = []
    unknown: dict[str, list[str]] = {}
    for index, v in enumerate(chosen):
        text = _issue(v, shape)
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
