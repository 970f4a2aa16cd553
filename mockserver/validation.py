"""The one validation layer: requests and responses checked against the family's spec.

``SpecValidator`` is the interface the engine talks to. Two implementations give the same
answers: ``CompiledValidator`` (mockserver/compiled_validation.py, the default) checks with
schemas compiled once per operation by ``jsonschema_rs``, and ``OpenAPICoreValidator``
(mockserver/reference_validation.py) lets openapi-core walk the spec on every call; it is the
reference semantics, the explanation of every refusal, and selectable with
``MockConfig(validator="openapi-core")``. Findings become
``Violation`` records (what was wrong, where, and with which value) that know nothing of any
family's wording; each family's ``exceptions`` module renders them in the words its real system
uses.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import Headers, ImmutableMultiDict

from ..specs import resolve_ref

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "MISSING"})()


@dataclass(frozen=True)
class Violation:
    """One reason a request does not match the spec.

    ``kind`` is a JSON Schema keyword (``type``, ``required``, ``enum``, ``format``, ``minimum``,
    ``additionalProperties``, ...) or one of ``unknown`` (an undeclared query parameter),
    ``missing`` (a required parameter or body is absent) and ``cast`` (a parameter string that
    cannot become the declared type).
    """

    location: str  # path | query | header | cookie | body
    field: str  # dotted path inside the location; "" for the whole body
    kind: str
    message: str
    value: Any = MISSING
    expected: Any = None
    names: tuple[str, ...] = ()  # the offending property names for additionalProperties


@dataclass
class ValidatedRequest:
    query: dict[str, Any] = field(default_factory=dict)
    violations: list[Violation] = field(default_factory=list)


@dataclass
class RequestParts:
    """A request's parameters by location, shaped as openapi-core reads them."""

    query: Any
    header: Any
    cookie: Any
    path: Any

    def __getitem__(self, location: str) -> Any:
        return getattr(self, location)


class OpenAPIRequest:
    """openapi-core's Request protocol over already-read request parts (no framework objects)."""

    def __init__(
        self,
        method: str,
        path: str,
        query: ImmutableMultiDict,
        headers: Headers,
        cookies: dict[str, str],
        path_params: dict[str, str],
        body: bytes | None,
        content_type: str,
        host_url: str = "http://localhost/",
        json_body: Any = MISSING,
        template: str | None = None,
    ) -> None:
        self.method = method.lower()
        self.template = template  # the spec path the router matched, when known
        self.path = path
        self.host_url = host_url
        # The engine hands over the body it already parsed (``json_body``); it is serialised
        # again only if openapi-core gets to read it.
        self._body = body
        self.json_body = json_body
        self.content_type = content_type
        self.parameters = RequestParts(query=query, header=headers, cookie=cookies, path=dict(path_params))

    @property
    def sent_body(self) -> bytes | None:
        """The body bytes as handed over (None when the engine passed the parsed body instead)."""
        return self._body

    @property
    def body(self) -> bytes | None:
        if self._body is None and self.json_body is not MISSING and self.json_body is not None:
            self._body = json.dumps(self.json_body).encode()
        return self._body


class OpenAPIResponse:
    def __init__(self, status_code: int, data: bytes, content_type: str, headers: Headers) -> None:
        self.status_code = status_code
        self.data = data
        self.content_type = content_type
        self.headers = headers


class SpecValidator(ABC):
    """Checks the requests and responses of one spec; every implementation answers alike."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        # None: the operation takes any query parameter (`x-revokit-open-query`, a real route that
        # does not validate its query).
        self.declared_query: dict[tuple[str, str], frozenset[str] | None] = {}
        # The query parameters that take one value, with the violation a repeated one is
        # (`enum` or `type`) and its expected value: the form style keeps only the first of
        # several values, where the real systems see an array and refuse it.
        self.single_query: dict[tuple[str, str], dict[str, tuple[str, Any]]] = {}
        for template, item in spec.get("paths", {}).items():
            shared = item.get("parameters", [])
            for method, op in item.items():
                if method in ("parameters", "summary", "description", "servers"):
                    continue
                params = [*shared, *op.get("parameters", [])]
                names = {p["name"] for p in (resolve_ref(spec, p) for p in params) if p["in"] == "query"}
                open_query = op.get("x-revokit-open-query", False)
                self.declared_query[(template, method.upper())] = None if open_query else frozenset(names)
                self.single_query[(template, method.upper())] = _single_valued(spec, params)

    def unknown_query(self, request: OpenAPIRequest, template: str) -> list[Violation]:
        """Query parameters the operation does not declare (openapi-core ignores them)."""
        declared = self.declared_query.get((template, request.method.upper()), frozenset())
        if declared is None:
            return []
        found = []
        for name in request.parameters.query:
            # qs-style names (created_at[lt], id[]) belong to the parameter before the bracket.
            base = name.split("[", 1)[0]
            if name not in declared and base not in declared:
                value = request.parameters.query.get(name)
                found.append(Violation("query", base, "unknown", f"unknown query parameter {base!r}", value))
        return found

    def repeated_query(self, request: OpenAPIRequest, template: str) -> list[Violation]:
        """Single-valued query parameters given more than once (openapi-core reads the first)."""
        single = self.single_query.get((template, request.method.upper()), {})
        found = []
        for name, (kind, expected) in single.items():
            values = request.parameters.query.getlist(name)
            if len(values) > 1:
                found.append(Violation("query", name, kind, f"{name} takes one value", values, expected))
        return found

    def validate_request(self, request: OpenAPIRequest, template: str) -> ValidatedRequest:
        """Typed query parameters and every violation of the operation's parameters and body."""
        result = self._validate_request(request, template)
        repeated = self.repeated_query(request, template)
        if repeated:
            # The repeated value is the violation; what the validator made of its first value is not.
            names = {v.field for v in repeated}
            kept = [v for v in result.violations if not (v.location == "query" and v.field in names)]
            result.violations = kept + repeated
            for name in names:
                result.query.pop(name, None)
        return result

    @abstractmethod
    def _validate_request(self, request: OpenAPIRequest, template: str) -> ValidatedRequest:
        """What the implementation finds, before the checks every implementation shares."""

    @abstractmethod
    def response_errors(self, request: OpenAPIRequest, response: OpenAPIResponse) -> list[str]:
        """What is wrong with a response to ``request``; empty when it matches the spec."""


def _single_valued(spec: dict[str, Any], params: list[dict[str, Any]]) -> dict[str, tuple[str, Any]]:
    single = {}
    for param in (resolve_ref(spec, p) for p in params):
        if param["in"] != "query":
            continue
        schema = resolve_ref(spec, param.get("schema", {}))
        types = schema.get("type")
        types = types if isinstance(types, list) else [types]
        if "enum" in schema:
            single[param["name"]] = ("enum", tuple(schema["enum"]))
        elif types[0] in ("string", "integer", "number", "boolean") and "array" not in types:
            single[param["name"]] = ("type", types[0])
    return single
