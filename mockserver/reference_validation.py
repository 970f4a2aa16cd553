"""The reference validator: openapi-core walks the spec for every call.

It defines what the mock accepts and how a refusal is explained: ``CompiledValidator`` hands it
every request or response its compiled schemas refuse, and ``MockConfig(validator="openapi-core")``
selects it for everything. It lives apart from ``validation`` because importing openapi-core takes
about 0.7 s, which ``revokit mock`` should not pay before it answers.

Security is deliberately not openapi-core's job here: each family authenticates before validation
(Medusa answers 401 before it looks at a body), so openapi-core is told every scheme is satisfied.
"""

from __future__ import annotations

import json
from typing import Any

from openapi_core import Config, OpenAPI
from openapi_core.casting.schemas.exceptions import CastError
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
from werkzeug.datastructures import ImmutableMultiDict

from .validation import (
    MISSING,
    OpenAPIRequest,
    OpenAPIResponse,
    SpecValidator,
    ValidatedRequest,
    Violation,
)


class _AlwaysSatisfied:
    def __init__(self, scheme: Any) -> None:
        self.scheme = scheme

    def __call__(self, parameters: Any) -> Any:
        return None


class _FamilyAuthenticates(SecurityProviderFactory):
    def create(self, scheme: Any) -> Any:
        return _AlwaysSatisfied(scheme)


class OpenAPICoreValidator(SpecValidator):
    """openapi-core walks the spec for every call: the reference semantics, slow (3-8 ms)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__(spec)
        # The bundled specs are validated once by `revokit specs` and the test suite; re-validating
        # the whole document on every app build cost 60-240 ms of start-up.
        self.api = OpenAPI.from_dict(
            spec, config=Config(security_provider_factory=_FamilyAuthenticates(), spec_validator_cls=None)
        )

    def _validate_request(self, request: OpenAPIRequest, template: str) -> ValidatedRequest:
        result = ValidatedRequest(violations=self.unknown_query(request, template))
        unmarshalled = self.api.unmarshal_request(request)
        for error in unmarshalled.errors:
            result.violations.extend(violations_from(error, request))
        result.query = dict(unmarshalled.parameters.query or {})
        return result

    def response_errors(self, request: OpenAPIRequest, response: OpenAPIResponse) -> list[str]:
        return [_describe(e) for e in self.api.iter_response_errors(request, response)]


def _describe(error: BaseException) -> str:
    """One openapi-core response error as a line of text."""
    cause = error.__cause__
    if isinstance(cause, InvalidSchemaValue):
        details = "; ".join(
            f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in cause.schema_errors
        )
        return f"{error}: {details}"
    return f"{error}" + (f": {cause}" if cause else "")


def violations_from(error: BaseException, request: OpenAPIRequest) -> list[Violation]:
    """The ``Violation``s one openapi-core request error stands for."""
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
