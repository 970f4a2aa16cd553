"""Validation with schemas compiled once per operation: openapi-core's answers at a fraction of the cost.

At start-up every operation's parameters, JSON request body and response bodies (per status;
JSON and ``text/plain``) are compiled with ``jsonschema_rs`` (Draft 2020-12, the dialect of
OpenAPI 3.1). A request or a response that the compiled schemas accept is done with in
microseconds. Anything they refuse is handed to the reference, ``OpenAPICoreValidator``, which
produces the ``Violation``s (or the response error lines): refusals are rare and explained by
exactly the code that defines them, so the family error bodies cannot drift. The reference also
handles every construct this module does not reproduce: present boolean, deepObject and
format-typed parameters (openapi-core casts and unmarshals those into its own values), parameters
with ``content`` or in cookies, other styles, non-JSON request bodies, responses that declare
headers. Operations or parts handed over entirely are listed in ``fallbacks``.

Where openapi-core's checking differs from plain JSON Schema, the compiled schemas are made to
agree with it:
- formats are checked by the same ``FormatChecker`` openapi-core uses (``email`` is "has an @",
  ``date-time`` is RFC 3339, ...), called from the compiled validator and memoised;
- Python's ``re.search`` lets ``$`` match before a final newline, so a pattern's closing ``$``
  becomes ``\\n?$``.

openapi-core is imported (0.7 s) and built by the first refusal that needs it, in that request. ``disagreements`` counts the calls where the compiled schemas refused what the
reference then accepted (the reference's answer wins); the differential test asserts it stays 0.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from ..specs import resolve_ref
from .openapi_core_adapter import unmarshal_body, unmarshal_parameter
from .validation import (
    MISSING,
    OpenAPIRequest,
    OpenAPIResponse,
    SpecValidator,
    ValidatedRequest,
    Violation,
)

if TYPE_CHECKING:
    from .reference_validation import OpenAPICoreValidator

# Booleans have openapi-core's own spellings (yes/on/1...): the reference casts them.
_FAST_TYPES = ("string", "integer", "number")
# Response media types read here as openapi-core reads them: JSON parsed, text/plain decoded UTF-8.
_COMPILED_MIMETYPES = ("application/json", "text/plain")
_VERDICTS_KEPT = 256  # per response shape; bodies over 8 KiB are not remembered


class _Unsupported(Exception):
    """A construct this module does not reproduce; the reference handles it."""


class _AskReference(Exception):
    """This value needs the reference's verdict (a refusal, or a cast only it knows)."""


@dataclass
class _Param:
    name: str
    location: str  # path | query | header
    required: bool
    style: str
    explode: bool
    schema_type: str  # string | integer | number | boolean | array
    item_type: str | None  # for arrays
    check: Any  # compiled jsonschema_rs validator
    spec_parts: tuple[Any, ...]  # where the parameter is in the spec, for the reference
    default: Any = MISSING
    presence: re.Pattern[str] | None = None  # deepObject: a key that makes the parameter present
    by_reference: bool = False  # present values are always handed to the reference
    allow_empty: bool = False  # allowEmptyValue: an empty query value is a value, not an error


@dataclass
class _ResponseShape:
    by_reference: bool  # headers or non-JSON content: the reference checks it
    content: dict[str, Any] = field(default_factory=dict)  # mimetype -> compiled schema or None
    verdicts: dict[tuple[str, bytes], bool] = field(default_factory=dict)  # recent bodies checked


@dataclass
class _CompiledOperation:
    params: list[_Param]
    spec_parts: tuple[Any, ...]  # where the operation is in the spec, for the reference
    body_check: Any = None
    body_required: bool = False
    has_body: bool = False
    body_by_reference: bool = False
    responses: dict[str, _ResponseShape] = field(default_factory=dict)
    param_fallback: bool = False  # a parameter that cannot be checked here at all


class CompiledValidator(SpecValidator):
    """``SpecValidator`` over schemas compiled at start-up; refusals are explained by the reference."""

    def __init__(self, spec: dict[str, Any]) -> None:
        super().__init__(spec)
        self._reference: OpenAPICoreValidator | None = None
        self._reference_lock = threading.Lock()
        self.disagreements = 0
        self.disagreement_log: list[str] = []  # the first few, for whoever has to fix them
        self.fallbacks: list[str] = []  # "<operationId>: <what>" handed to the reference
        self._formats = _format_checks(spec)
        self._components = _python_patterns(spec.get("components", {}))
        self._ops: dict[tuple[str, str], _CompiledOperation] = {}
        for template, item in spec.get("paths", {}).items():
            for method, op in item.items():
                if not isinstance(op, dict) or "operationId" not in op:
                    continue
                self._ops[(template, method.upper())] = self._compile_operation(op, item, (template, method))
        # The reference is built by the first refusal that needs it, never in a background thread:
        # CPython 3.11's compiler keeps its recursion depth in shared state, so importing
        # openapi-core beside another thread's compile() (pytest rewriting a test module) can
        # fail that compile with "AST constructor recursion depth mismatch".

    @property
    def reference(self) -> OpenAPICoreValidator:
        """openapi-core over the same spec, built on first use (its import alone takes ~0.7 s)."""
        if self._reference is None:
            with self._reference_lock:
                if self._reference is None:
                    from .reference_validation import OpenAPICoreValidator

                    self._reference = OpenAPICoreValidator(self.spec)
        return self._reference

    def _spec_path(self, *parts: Any) -> Any:
        """openapi-core's SchemaPath to ``parts`` of the spec."""
        node = self.reference.api.spec
        for part in parts:
            node = node / part
        return node

    # -- start-up ----------------------------------------------------------------------------

    def _compile(self, schema: Any) -> Any:
        if isinstance(schema, dict):
            # The components the schema refers to ride along so that "#/components/..."
            # references resolve; only those: the compiler reads all it is given, and every
            # component with every schema was most of the mock's start-up.
            document = {**_python_patterns(schema), "components": _referenced(schema, self._components)}
        else:
            document = schema
        return jsonschema_rs.Draft202012Validator(document, validate_formats=True, formats=self._formats)

    def _deref(self, node: Any) -> Any:
        return resolve_ref(self.spec, node)

    def _compile_operation(
        self, op: dict[str, Any], item: dict[str, Any], where: tuple[str, str]
    ) -> _CompiledOperation:
        op_id = op["operationId"]
        template, method = where
        compiled = _CompiledOperation(params=[], spec_parts=("paths", template, method))
        # openapi-core's order: the operation's parameters, then the path item's, first one wins.
        seen: set[tuple[str, str]] = set()
        for raw_params, base in (
            (op.get("parameters", []), ("paths", template, method)),
            (item.get("parameters", []), ("paths", template)),
        ):
            for index, raw in enumerate(raw_params):
                param = self._deref(raw)
                key = (param["name"], param["in"])
                if key in seen:
                    continue
                seen.add(key)
                try:
                    compiled.params.append(self._compile_param(param, (*base, "parameters", index)))
                except _Unsupported as why:
                    compiled.param_fallback = True
                    self.fallbacks.append(f"{op_id}: parameter {param['name']} ({why})")
        if "requestBody" in op:
            body = self._deref(op["requestBody"])
            compiled.has_body = True
            compiled.body_required = bool(body.get("required", False))
            content = body.get("content", {})
            media = content.get("application/json")
            if list(content) != ["application/json"] or media is None or "schema" not in media:
                compiled.body_by_reference = True
                self.fallbacks.append(f"{op_id}: request body content {sorted(content)}")
            else:
                compiled.body_check = self._compile(media["schema"])
        for status, raw_response in op.get("responses", {}).items():
            response = self._deref(raw_response)
            shape = _ResponseShape(by_reference=bool(response.get("headers")))
            for mimetype, media in response.get("content", {}).items():
                if mimetype in _COMPILED_MIMETYPES:
                    shape.content[mimetype] = self._compile(media["schema"]) if "schema" in media else None
                else:
                    shape.by_reference = True
            if shape.by_reference:
                self.fallbacks.append(f"{op_id}: response {status} (headers or non-JSON content)")
            compiled.responses[str(status)] = shape
        return compiled

    def _compile_param(self, param: dict[str, Any], spec_parts: tuple[Any, ...]) -> _Param:
        location = param["in"]
        if location not in ("path", "query", "header"):
            raise _Unsupported(f"in: {location}")
        if "content" in param or "schema" not in param:
            raise _Unsupported("content instead of schema")
        schema = self._deref(param["schema"])
        style = param.get("style", "simple" if location in ("path", "header") else "form")
        explode = param.get("explode", style == "form")
        schema_type = schema.get("type")
        item_type = None
        by_reference = False
        presence = None
        if _has_keyword(schema, "format", self._deref) or _has_keyword(
            schema, "default", self._deref, top=False
        ):
            # openapi-core unmarshals formats (date-time -> datetime, ...): its values, its work.
            by_reference = True
        if style == "deepObject" and explode and schema_type == "object" and location == "query":
            presence = re.compile(rf"{param['name']}\[\w+\]")
            by_reference = True
        elif schema_type == "array" and style == "form" and explode and location == "query":
            item_type = self._deref(schema.get("items", {})).get("type")
            if item_type not in _FAST_TYPES:
                by_reference = True
        elif schema_type in (*_FAST_TYPES, "boolean") and (
            (style == "form" and location == "query")
            or (style == "simple" and location in ("path", "header"))
        ):
            by_reference = by_reference or schema_type == "boolean"
        else:
            raise _Unsupported(f"style {style}, explode {explode}, type {schema_type}")
        compiled = _Param(
            name=param["name"],
            location=location,
            required=bool(param.get("required", False)),
            style=style,
            explode=explode,
            schema_type=schema_type,
            item_type=item_type,
            check=self._compile(schema),
            spec_parts=spec_parts,
            presence=presence,
            by_reference=by_reference,
            allow_empty=bool(param.get("allowEmptyValue", False)),
        )
        if "default" in schema:
            # openapi-core validates and unmarshals the default as if it had been sent.
            if not compiled.check.is_valid(schema["default"]) or by_reference:
                raise _Unsupported("a default the reference must unmarshal")
            compiled.default = schema["default"]
        return compiled

    # -- requests ----------------------------------------------------------------------------

    def _validate_request(self, request: OpenAPIRequest, template: str) -> ValidatedRequest:
        op = self._ops.get((template, request.method.upper()))
        if op is None or op.param_fallback:
            return self.reference.validate_request(request, template)
        result = ValidatedRequest(violations=self.unknown_query(request, template))
        sources: Mapping[str, Any] = {
            "path": request.parameters.path,
            "query": request.parameters.query,
            "header": request.parameters.header,
        }
        query = result.query
        for param in op.params:
            source = sources[param.location]
            if not self._present(param, source):
                if param.default is not MISSING:
                    value = param.default
                    if isinstance(value, list | dict):
                        value = json.loads(json.dumps(value))  # a fresh copy per request
                    if param.location == "query":
                        query[param.name] = value
                elif param.required:
                    result.violations.append(
                        Violation(param.location, param.name, "missing", f"{param.name} is required")
                    )
                continue
            try:
                if param.by_reference:
                    raise _AskReference
                value = _cast(param, source)
                if not param.check.is_valid(value):
                    raise _AskReference
            except _AskReference:
                found, value, violations = self._reference_param(request, op, param)
                result.violations.extend(violations)
                if not found:
                    continue
            if param.location == "query":
                query[param.name] = value
        if op.has_body:
            result.violations.extend(self._body_violations(request, op))
        return result

    @staticmethod
    def _present(param: _Param, source: Any) -> bool:
        if param.presence is not None:
            return param.presence.search(" ".join(source.keys())) is not None
        return param.name in source

    def _reference_param(
        self, request: OpenAPIRequest, op: _CompiledOperation, param: _Param
    ) -> tuple[bool, Any, list[Violation]]:
        from openapi_core.validation.request.exceptions import MissingParameter, ParameterValidationError

        from .reference_validation import violations_from

        unmarshaller = self.reference.api.request_unmarshaller
        try:
            value = unmarshal_parameter(unmarshaller, request.parameters, self._spec_path(*param.spec_parts))
        except MissingParameter:
            return False, None, []
        except ParameterValidationError as error:
            return False, None, violations_from(error, request)
        if not param.by_reference:
            self._disagree(
                f"{request.method.upper()} {request.template} {param.location} {param.name}={value!r}"
            )
        return True, value, []

    def _body_violations(self, request: OpenAPIRequest, op: _CompiledOperation) -> list[Violation]:
        raw = request.sent_body
        value = request.json_body
        if raw is None and (value is MISSING or value is None):
            if op.body_required:
                return [Violation("body", "", "missing", "request body is required")]
            return []
        if not op.body_by_reference and request.content_type == "application/json":
            if value is MISSING:
                try:
                    value = json.loads(raw or b"")
                except ValueError:
                    value = MISSING
            if value is not MISSING and op.body_check.is_valid(value):
                return []
        from openapi_core.validation.request.exceptions import MissingRequestBody, RequestBodyValidationError

        from .reference_validation import violations_from

        unmarshaller = self.reference.api.request_unmarshaller
        try:
            unmarshal_body(unmarshaller, request.body, request.content_type, self._spec_path(*op.spec_parts))
        except MissingRequestBody as error:
            return violations_from(error, request)
        except RequestBodyValidationError as error:
            return violations_from(error, request)
        if not op.body_by_reference:
            self._disagree(f"{request.method.upper()} {request.template} body {request.body!r}")
        return []

    # -- responses ---------------------------------------------------------------------------

    def response_errors(self, request: OpenAPIRequest, response: OpenAPIResponse) -> list[str]:
        op = self._ops.get((request.template, request.method.upper())) if request.template else None
        if op is not None and self._response_matches(op, response):
            return []
        problems = self.reference.response_errors(request, response)
        if not problems and op is not None:
            self._disagree(
                f"{request.method.upper()} {request.template} -> {response.status_code} {response.data!r}"
            )
        return problems

    def _disagree(self, what: str) -> None:
        self.disagreements += 1
        if len(self.disagreement_log) < 20:
            self.disagreement_log.append(what)

    @staticmethod
    def _response_matches(op: _CompiledOperation, response: OpenAPIResponse) -> bool:
        status = str(response.status_code)
        shape = op.responses.get(status) or op.responses.get(f"{status[0]}XX") or op.responses.get("default")
        if shape is None or shape.by_reference:
            return False
        if not shape.content:
            return True
        if not response.data or response.content_type not in shape.content:
            return False
        check = shape.content[response.content_type]
        if check is None:
            return True
        # A verdict is a pure function of schema and bytes, and a mock answers the same bytes
        # again and again (the same key, the same page): remember the recent ones.
        memo = shape.verdicts
        data = response.data
        verdict = memo.get((response.content_type, data))
        if verdict is None:
            try:
                if response.content_type == "text/plain":
                    value: Any = data.decode("utf-8")
                else:
                    value = json.loads(data)
            except ValueError:  # UnicodeDecodeError included: the reference has its own fallback
                return False
            verdict = check.is_valid(value)
            if len(data) <= 8192:
                if len(memo) >= _VERDICTS_KEPT:
                    memo.clear()
                memo[(response.content_type, data)] = verdict
        return verdict


def _cast(param: _Param, source: Any) -> Any:
    """openapi-core's style deserialisation and casting for the simple cases, or ``_AskReference``."""
    if param.schema_type == "array":
        return [_cast_primitive(param.item_type, raw) for raw in source.getlist(param.name)]
    raw = source[param.name]
    if param.location == "query" and raw == "" and not param.allow_empty:
        raise _AskReference  # openapi-core refuses empty query values with its own error
    return _cast_primitive(param.schema_type, raw)


def _cast_primitive(schema_type: str | None, raw: Any) -> Any:
    if schema_type == "string":
        return raw
    try:
        if schema_type == "integer":
            return int(raw)
        if schema_type == "number":
            return float(raw)
    except (ValueError, TypeError, AttributeError):
        raise _AskReference from None
    raise _AskReference


def _has_keyword(schema: Any, keyword: str, deref: Callable[[Any], Any], top: bool = True) -> bool:
    """Whether ``keyword`` appears anywhere in ``schema`` (below the top when ``top`` is false)."""
    seen: set[int] = set()

    def walk(node: Any, depth: int) -> bool:
        node = deref(node)
        if isinstance(node, dict):
            if id(node) in seen:
                return False
            seen.add(id(node))
            if keyword in node and (top or depth > 0):
                return True
            return any(walk(v, depth + 1) for v in node.values())
        if isinstance(node, list):
            return any(walk(v, depth) for v in node)
        return False

    return walk(schema, 0)


def _referenced(schema: Any, components: dict[str, Any]) -> dict[str, Any]:
    """The part of ``components`` that ``schema`` reaches through ``$ref``s, transitively (all of
    them when a reference points elsewhere, which this cannot follow)."""
    needed: dict[str, dict[str, Any]] = {}
    pending = [schema]
    while pending:
        for ref in _refs(pending.pop()):
            parts = [p.replace("~1", "/").replace("~0", "~") for p in ref.split("/")]
            if len(parts) < 4 or parts[:2] != ["#", "components"]:
                return components
            kind, name = parts[2], parts[3]
            if name in needed.get(kind, {}):
                continue
            target = components.get(kind, {}).get(name)
            if target is None:
                return components  # let the compiler report the dangling reference
            needed.setdefault(kind, {})[name] = target
            pending.append(target)
    return needed


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _python_patterns(node: Any) -> Any:
    """A copy of ``node`` whose ``pattern``s end the way Python's ``re.search`` ends them.

    jsonschema (Python) matches ``$`` before a final newline; the compiled regexes do not.
    """
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if (
                key == "pattern"
                and isinstance(value, str)
                and value.endswith("$")
                and not value.endswith("\\$")
            ):
                out[key] = value[:-1] + "\\n?$"
            elif key in ("properties", "patternProperties", "$defs", "schemas"):
                out[key] = (
                    {k: _python_patterns(v) for k, v in value.items()} if isinstance(value, dict) else value
                )
            else:
                out[key] = _python_patterns(value)
        return out
    if isinstance(node, list):
        return [_python_patterns(v) for v in node]
    return node


def _format_checks(spec: dict[str, Any]) -> dict[str, Callable[[str], bool]]:
    """The formats of the spec, checked by the FormatChecker openapi-core validates with.

    A format that checker does not know is accepted, as openapi-core accepts it. The checker is
    imported on the first check (jsonschema takes 0.3 s to import; start-up does not wait for it).
    """
    used: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("format"), str):
                used.add(node["format"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    checks = {}
    for name in sorted(used):
        # Memoised: the same timestamps and ids are checked on every response that shows them.
        @lru_cache(maxsize=8192)
        def conforms(value: str, name: str = name) -> bool:
            checker = _openapi_format_checker()
            return name not in checker.checkers or checker.conforms(value, name)

        checks[name] = conforms
    return checks


def warm_up() -> None:
    """Import now what the first value with a format would import on its request's path: the format
    checker (jsonschema, ~0.26 s), which otherwise stalls the first answers that carry a date-time
    and every request queued behind them (issue 18's write tails)."""
    _openapi_format_checker()


@lru_cache(maxsize=1)
def _openapi_format_checker() -> Any:
    # openapi-core checks OpenAPI 3.1 formats with this checker (see its oas31 validators factory).
    from openapi_schema_validator import OAS30ReadValidator

    return OAS30ReadValidator.FORMAT_CHECKER
