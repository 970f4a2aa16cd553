"""The one validation layer: requests and responses checked against the family's spec.

openapi-core does the checking. Its findings are turned into ``Violation`` records (what was
wrong, where, and with which value) that know nothing of any family's wording; each family's
``exceptions`` module renders them in the words its real system uses.

Security is deliberately not openapi-core's job here: each family authenticates before validation
(Medusa answers 401 before it looks at a body), so openapi-core is told every scheme is satisfied.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from openapi_core import Config, OpenAPI
from openapi_core.casting.schemas.exceptions import CastError
from openapi_core.datatypes import RequestParameters
from openapi_core.deserializing.exceptions import DeserializeError
from openapi_core.security.factories import SecurityProviderFactory
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.validation.request.exceptions import (
    InvalidRequestBody,
    MissingRequestBody,
    MissingRequiredParameter,
    MissingRequiredRequestBody,
    ParameterValidationError,
    SecurityValidationError,
)
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue
from werkzeug.datastructures import Headers, ImmutableMultiDict

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


class _AlwaysSatisfied:
    def __init__(self, scheme: Any) -> None:
        self.scheme = scheme

    def __call__(self, parameters: RequestParameters) -> Any:
        return None


class _FamilyAuthenticates(SecurityProviderFactory):
    def create(self, scheme: Any) -> Any:
        return _AlwaysSatisfied(scheme)


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
    ) -> None:
        self.method = method.lower()
        self.path = path
        self.host_url = host_url
        self.body = body
        self.content_type = content_type
        self.parameters = RequestParameters(
            query=query, header=headers, cookie=cookies, path=dict(path_params)
        )


class OpenAPIResponse:
    def __init__(self, status_code: int, data: bytes, content_type: str, headers: Headers) -> None:
        self.status_code = status_code
        self.data = data
        self.content_type = content_type
        self.headers = headers


class SpecValidator:
    """Validates requests and responses of one spec with openapi-core."""

    def __init__(self, spec: dict[str, Any]) -> None:
        # The bundled specs are validated once by `revokit specs` and the test suite; re-validating
        # the whole document on every app build cost 60-240 ms of start-up.
        self.api = OpenAPI.from_dict(
            spec, config=Config(security_provider_factory=_FamilyAuthenticates(), spec_validator_cls=None)
        )
        self.declared_query: dict[tuple[str, str], frozenset[str]] = {}
        for template, item in spec.get("paths", {}).items():
            shared = item.get("parameters", [])
            for method, op in item.items():
                if method in ("parameters", "summary", "description", "servers"):
                    continue
                params = [*shared, *op.get("parameters", [])]
                names = {p["name"] for p in (_deref(spec, p) for p in params) if p["in"] == "query"}
                self.declared_query[(template, method.upper())] = frozenset(names)

    def validate_request(self, request: OpenAPIRequest, template: str) -> ValidatedRequest:
        result = ValidatedRequest()
        declared = self.declared_query.get((template, request.method.upper()), frozenset())
        for name in request.parameters.query:
            # qs-style names (created_at[lt], id[]) belong to the parameter before the bracket.
            base = name.split("[", 1)[0]
            if name not in declared and base not in declared:
                value = request.parameters.query.get(name)
                result.violations.append(
                    Violation("query", base, "unknown", f"unknown query parameter {base!r}", value)
                )
        unmarshalled = self.api.unmarshal_request(request)
        for error in unmarshalled.errors:
            result.violations.extend(_violations_from(error, request))
        result.query = dict(unmarshalled.parameters.query or {})
        return result

    def response_errors(self, request: OpenAPIRequest, response: OpenAPIResponse) -> list[str]:
        return [_describe(e) for e in self.api.iter_response_errors(request, response)]


def _deref(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _describe(error: BaseException) -> str:
    cause = error.__cause__
    if isinstance(cause, InvalidSchemaValue):
        details = "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in cause.schema_errors
        )
        return f"{error}: {details}"
    return f"{error}" + (f": {cause}" if cause else "")


def _violations_from(error: BaseException, request: OpenAPIRequest) -> list[Violation]:
    if isinstance(error, SecurityValidationError | PathError):
        return []  # authentication is the family's; routing is Flask's
    if isinstance(error, MissingRequestBody) and not isinstance(error, MissingRequiredRequestBody):
        return []
    if isinstance(error, MissingRequiredRequestBody):
        return [Violation("body", "", "missing", "request body is required")]
    if isinstance(error, MissingRequiredParameter):
        return [Violation(error.location, error.name, "missing", f"{error.name} is required")]
    if isinstance(error, ParameterValidationError):
        return _schema_violations(error.location, error.name, error.__cause__, _param_value(request, error))
    if isinstance(error, InvalidRequestBody):
        return _schema_violations("body", "", error.__cause__, _body_value(request))
    return [Violation("body", "", "invalid", str(error))]


def _param_value(request: OpenAPIRequest, error: ParameterValidationError) -> Any:
    source = getattr(request.parameters, error.location, {})
    try:
        if isinstance(source, ImmutableMultiDict):
            values = source.getlist(error.name)
            return values[0] if len(values) == 1 else (values or MISSING)
        return source.get(error.name, MISSING)
    except Exception:  # a header or cookie container without getlist
        return MISSING


def _body_value(request: OpenAPIRequest) -> Any:
    try:
        return json.loads(request.body or b"")
    except ValueError:
        return MISSING


def _schema_violations(location: str, prefix: str, cause: BaseException | None, raw: Any) -> list[Violation]:
    if isinstance(cause, CastError):
        return [Violation(location, prefix, "cast", str(cause), cause.value, cause.type)]
    if isinstance(cause, DeserializeError):
        return [Violation(location, prefix, "cast", str(cause), raw)]
    if not isinstance(cause, InvalidSchemaValue):
        return [Violation(location, prefix, "invalid", str(cause), raw)]
    out: list[Violation] = []
    for err in cause.schema_errors:
        path = ".".join(str(p) for p in err.absolute_path)
        dotted = ".".join(p for p in (prefix, path) if p)
        kind = str(err.validator)
        if kind == "required":
            present = err.instance if isinstance(err.instance, dict) else {}
            for name in err.validator_value:
                if name not in present:
                    child = ".".join(p for p in (dotted, name) if p)
                    out.append(Violation(location, child, "required", err.message, MISSING, name))
            continue
        if kind in ("additionalProperties", "unevaluatedProperties") and isinstance(err.instance, dict):
            known = set((err.schema or {}).get("properties", {}))
            extras = tuple(k for k in err.instance if k not in known)
            out.append(Violation(location, dotted, kind, err.message, err.instance, None, extras))
            continue
        out.append(Violation(location, dotted, kind, err.message, err.instance, err.validator_value))
    # jsonschema reports a missing property once per `required` error; name each field once.
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for v in out:
        if (v.location, v.field, v.kind) not in seen or v.kind != "required":
            seen.add((v.location, v.field, v.kind))
            unique.append(v)
    return unique
