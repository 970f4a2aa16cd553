"""Which operations of a spec a suite's rules apply to, read from the spec itself, so a route the
spec gains is covered without anyone listing it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")

Selector = Callable[[Mapping[str, Any], Mapping[str, Any], Mapping[str, Any]], bool]


def operations_where(spec: Mapping[str, Any], keep: Selector) -> tuple[str, ...]:
    """Labels (``"GET /admin/x"``) of the operations that ``keep(spec, path item, operation)``
    selects, in spec order."""
    return tuple(
        f"{method.upper()} {path}"
        for path, item in (spec.get("paths") or {}).items()
        for method, operation in item.items()
        if method in METHODS and keep(spec, item, operation)
    )


def parameters_of(
    spec: Mapping[str, Any], item: Mapping[str, Any], operation: Mapping[str, Any]
) -> list[dict]:
    """The operation's parameters and its path item's, shared ones (``$ref``) resolved."""
    shared = spec.get("components", {}).get("parameters", {})
    return [
        shared[p["$ref"].rsplit("/", 1)[-1]] if "$ref" in p else p
        for p in [*item.get("parameters", []), *operation.get("parameters", [])]
    ]


def has_body(spec: Mapping[str, Any], item: Mapping[str, Any], operation: Mapping[str, Any]) -> bool:
    return "requestBody" in operation


def is_paged(spec: Mapping[str, Any], item: Mapping[str, Any], operation: Mapping[str, Any]) -> bool:
    """A list: it takes a ``limit`` or ``offset`` query parameter."""
    return any(
        p.get("in") == "query" and p.get("name") in ("limit", "offset")
        for p in parameters_of(spec, item, operation)
    )
