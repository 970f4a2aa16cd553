"""The app factory: one Flask app serves one API family plus the ``/__revokit`` control plane.

Families are served by separate apps (and ports) because their paths overlap: both Medusa
versions have ``/store/products``. Nothing here is module-level state; everything an app needs
hangs off ``app.extensions["revokit"]`` (a ``MockRuntime``).
"""

from __future__ import annotations

import json
import logging
import math
import random
import re
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from faker import Faker
from flask import Flask, Request, Response, current_app, g, request
from flask import request as _request_proxy
from werkzeug.datastructures import EnvironHeaders
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from .. import fixtures as fixture_data
from ..specs import load_spec, profile_for
from .admin_static import ADMIN_PREFIX, admin_blueprint
from .body_encoding import InflatedTooLarge, UndecodableBody, UnsupportedBody, inflate, json_text
from .clock import Clock, isoformat_ms
from .control import CONTROL_TOKEN_HEADER, control_blueprint, control_error
from .engine import (
    NO_RULES,
    BackendContext,
    Call,
    FamilyDefinition,
    Operation,
    SeedContext,
    Settings,
    check_handlers,
    operations_of,
    render,
)
from .errors import ApiError, ErrorContext
from .families import get_family
from .hashing import DEFAULT_SCRYPT_N, KnownTokens
from .ids import IdFactory
from .journal import MAX_BODY_CHARS, Journal
from .pages import swagger_assets_blueprint
from .redaction import redacted_body, redacted_headers
from .sqlite_store import SQLiteStore
from .store import InMemoryStore, StateStore
from .validation import OpenAPIRequest, OpenAPIResponse, Violation, build_validator

log = logging.getLogger("revokit.mock")

CONTROL_PREFIX = "/__revokit"
_CONTENT = ("CONTENT_TYPE", "CONTENT_LENGTH")  # the environ keys of headers without HTTP_
_HTTP_CONTENT = ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH")  # what EnvironHeaders skips
_CONTROL_TOKEN_ENVIRON = "HTTP_" + CONTROL_TOKEN_HEADER.upper().replace("-", "_")
SEED_EPOCH = datetime(2026, 1, 5, 9, 0, 0, tzinfo=UTC)


@dataclass(frozen=True)
class MockConfig:
    family: str = "app-keys"
    profile: str = "contract"
    seed: int = 20261123
    validate_responses: bool = False
    max_body_bytes: int = 1024 * 1024
    max_header_bytes: int = 32 * 1024
    control_token: str | None = None
    # Signs JWTs and session cookies. None: a random secret per mock, so no token can be forged
    # from the source; set one only when tokens must outlive the process (or be made elsewhere).
    jwt_secret: str | None = None
    scrypt_n: int = DEFAULT_SCRYPT_N
    journal_size: int = 500
    frozen_at: datetime | None = None  # start with a frozen clock (tests); None follows real time
    state_path: str | None = None  # keep the state in this SQLite file across restarts
    # /__revokit/state and the journal show credentials redacted unless this is set.
    show_secrets: bool = False
    # "compiled" (schemas compiled at start-up) or "openapi-core" (the reference, slow): same answers.
    validator: str = "compiled"
    # A built admin frontend (index.html + assets) to serve at /app on the mock's origin.
    admin_dir: str | None = None


class ResponseSpecViolation(AssertionError):
    """The mock produced a response its own spec forbids: always a revokit bug."""


class MockRuntime:
    """Everything one mock app owns: the family's backend, its store, clock, journal and seed."""

    def __init__(self, config: MockConfig, clock: Clock | None = None, store: StateStore | None = None):
        self.config = config
        self.family: FamilyDefinition = get_family(config.family)
        self.profile = profile_for(config.family, config.profile)
        self.clock = clock or Clock(config.frozen_at)
        self.journal = Journal(config.journal_size)
        self.spec = load_spec(config.family)
        self.operations = operations_of(self.spec)
        self._templates = {op.operation_id: op.template for op in self.operations}
        self.rules = {
            op.operation_id: self.family.rules(op) if self.family.rules else NO_RULES
            for op in self.operations
        }
        check_handlers(self.family, self.operations)
        self.validator = build_validator(self.spec, config.validator)
        jwt_secret = config.jwt_secret or secrets.token_urlsafe(32)
        self.settings = Settings(jwt_secret=jwt_secret, scrypt_n=config.scrypt_n)
        self.known_tokens = KnownTokens()
        # The seed is always made in memory; a persistent store is filled from it only when it
        # holds no state yet, and a reset restores it either way.
        seed_store = InMemoryStore(self.family.indexes)
        seed_backend = self._backend(seed_store)
        with seed_store.transaction():
            self.seed_info = self.family.seed(seed_backend, self._seed_context())
        self._seed_snapshot = seed_store.snapshot()
        if store is None and config.state_path:
            store = SQLiteStore(
                config.state_path, config.family, self.family.record_types, self.family.indexes
            )
        if store is None:
            store = seed_store
        elif not (isinstance(store, SQLiteStore) and store.has_state):
            store.restore(self._seed_snapshot)
            if isinstance(store, SQLiteStore):
                store.mark_seeded()
        self.store = store
        self.backend = seed_backend if self.store is seed_store else self._backend(self.store)

    def _backend(self, store: StateStore) -> Any:
        return self.family.create_backend(
            BackendContext(store, self.clock, self.profile, self.settings, IdFactory(), self.known_tokens)
        )

    def _seed_context(self) -> SeedContext:
        rng = random.Random(self.config.seed)
        faker = Faker()
        faker.seed_instance(self.config.seed)
        return SeedContext(
            seed=self.config.seed,
            fixture=fixture_data.load_fixture(self.config.family),
            rng=rng,
            faker=faker,
            ids=IdFactory(rng),
            epoch=SEED_EPOCH,
        )

    def reset(self) -> None:
        with self.store.transaction():
            self.store.restore(self._seed_snapshot)
            reset_caches = getattr(self.backend, "reset_caches", None)
            if reset_caches is not None:
                reset_caches()
        self.clock.reset()
        self.journal.clear()

    # -- the request pipeline -------------------------------------------------------------

    def error_context(self, call: Call | None = None) -> ErrorContext:
        """What an error hook is told about the request being answered (see ``ErrorContext``)."""
        return ErrorContext(self.profile, call, self.backend)

    def dispatch(self, op: Operation, path_params: dict[str, str]) -> Response:
        errors = self.family.errors
        # The proxy resolves the request context on every attribute read; resolve it once.
        request: Request = _request_proxy._get_current_object()  # type: ignore[attr-defined]
        call = Call(
            operation=op,
            path=dict(path_params),
            query={},
            raw_query=request.args,
            headers=request.headers,
            cookies=request.cookies,
            body=None,
            body_sent=False,
        )
        raw = call.raw_body = request.get_data(cache=True)
        if len(raw) > self.config.max_body_bytes:
            raise errors.body_too_large(self.error_context(call), self.config.max_body_bytes)
        # An operation without a request body ignores whatever body was sent, as real servers do.
        if op.has_body and raw.strip():
            if request.mimetype == "application/json" or request.mimetype.endswith("+json"):
                text = self._json_text(raw, request, call)
                try:
                    body = parse_json(text)
                except JsonTooDeep as exc:
                    raise errors.json_too_deep(self.error_context(call), str(exc)) from None
                except ValueError as exc:
                    raise errors.malformed_json(self.error_context(call), str(exc)) from None
                call.body = body
                infinite = non_finite_numbers(body) if overflowed(text) else []
                if infinite:
                    # 1e400 is valid JSON that no double holds: JavaScript reads Infinity, which
                    # a number validator refuses (zod: "Expected type: 'number' ... 'Infinity'").
                    raise errors.validation_failed(self.error_context(call), infinite)
                if b"\\u" in text and has_lone_surrogate(body):
                    # Valid JSON, but no UTF-8 form: stored as is, no answer could ever render it.
                    if not self.profile.enabled(FLAG_SURROGATES_REPLACED):
                        raise errors.bad_request(self.error_context(call), LONE_SURROGATE)
                    call.body = body = replace_lone_surrogates(body)
                g.revokit_body = body
                call.body_sent = True
            else:
                refusal = errors.non_json_body(self.error_context(call), request.content_type or "")
                if refusal is not None:
                    raise refusal
        if not call.body_sent and op.has_body and self.family.missing_body is not None:
            call.body = self.family.missing_body
        call.principal = self.family.authenticate(self.backend, call)
        rules = self.rules[op.operation_id]
        if rules.validate is not None:
            refusal = rules.validate(self.backend, call)
            if refusal is not None:
                raise refusal
        oa_request = self._openapi_request(request, path_params, call.body, op.template)
        validated = self.validator.validate_request(oa_request, op.template)
        violations = validated.violations
        if violations and rules.tolerances:
            violations = [
                v for v in violations if not any(t.accepts(v, call, self.profile) for t in rules.tolerances)
            ]
        if violations:
            raise errors.validation_failed(self.error_context(call), violations)
        call.query = validated.query
        reply = self.family.handlers[op.operation_id](self.backend, call)
        response = _to_response(reply)
        for cookie in reply.cookies:
            response.set_cookie(**cookie)
        # HEAD is served by the GET view; its (bodiless) answer is not an operation of the spec.
        if self.config.validate_responses and request.method != "HEAD":
            self.check_response(oa_request, response)
        return response

    def _json_text(self, raw: bytes, request: Request, call: Call) -> bytes:
        """A JSON body as UTF-8 bytes: inflated (gzip, deflate) and decoded from its charset."""
        errors = self.family.errors
        try:
            inflated = inflate(raw, request.headers.get("Content-Encoding", ""), self.config.max_body_bytes)
            text = json_text(inflated, request.mimetype_params.get("charset"))
        except UnsupportedBody as exc:
            raise errors.unsupported_body(self.error_context(call), str(exc)) from None
        except UndecodableBody as exc:
            raise errors.undecodable_body(self.error_context(call), str(exc)) from None
        except InflatedTooLarge:
            raise errors.body_too_large(self.error_context(call), self.config.max_body_bytes) from None
        call.raw_body = text  # what a parser's error message quotes
        return text

    def _openapi_request(
        self, request: Request, path_params: dict[str, str], body: Any, template: str | None
    ) -> OpenAPIRequest:
        # The parsed body travels as is; it is serialised again only if openapi-core reads it.
        # HEAD is served by the GET view, so it is validated as that GET (defaults included).
        return OpenAPIRequest(
            method="GET" if request.method == "HEAD" else request.method,
            path=request.path,
            query=request.args,
            headers=request.headers,
            cookies=request.cookies,
            path_params=path_params,
            body=None,
            json_body=body,
            content_type="application/json" if body is not None else (request.content_type or ""),
            template=template,
        )

    def check_response(self, oa_request: OpenAPIRequest, response: Response) -> None:
        problems = self.validator.response_errors(
            oa_request,
            OpenAPIResponse(
                response.status_code,
                response.get_data(),
                response.mimetype or "",
                response.headers,
            ),
        )
        if problems:
            raise ResponseSpecViolation(
                f"{request.method} {request.full_path} -> {response.status_code}: " + " | ".join(problems)
            )

    def error_response(self, error: ApiError) -> Response:
        response = _to_response(error)
        rule = request.url_rule
        if (
            self.config.validate_responses
            and request.method != "HEAD"
            and rule is not None
            and rule.endpoint.startswith("family.")
        ):
            try:
                template = self._templates.get(rule.endpoint.split(".", 1)[-1])
                oa_request = self._openapi_request(request, request.view_args or {}, None, template)
                self.check_response(oa_request, response)
            except ResponseSpecViolation as violation:
                return self.spec_violation_response(violation)
        return response

    def spec_violation_response(self, violation: ResponseSpecViolation) -> Response:
        if current_app.testing:
            raise violation
        log.error("response breaks the spec: %s", violation)
        response = _to_response(self.family.errors.internal_error(self.error_context()))
        response.headers["X-Revokit-Spec-Violation"] = str(violation)[:1000].replace("\n", " ")
        return response


MAX_JSON_DEPTH = 64
# Release profiles: the database driver stores a lone surrogate as U+FFFD (profile yaml explains).
FLAG_SURROGATES_REPLACED = "lone_surrogates_stored_replaced"
LONE_SURROGATE = "the body holds a lone UTF-16 surrogate (such as \\ud800), which has no UTF-8 form"


# json.loads joins a valid escaped pair into one character: any surrogate left is lone.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _strings_of(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_of(item)


def _has_surrogate(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def has_lone_surrogate(value: Any) -> bool:
    """Whether any string (or key) in parsed JSON holds a lone surrogate (``"\\ud800"``)."""
    return any(_has_surrogate(text) for text in _strings_of(value))


def replace_lone_surrogates(value: Any) -> Any:
    """``value`` with every lone surrogate turned into U+FFFD, as a UTF-8 encoder replaces it."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {replace_lone_surrogates(k): replace_lone_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_lone_surrogates(item) for item in value]
    return value


_LONG_EXPONENT = re.compile(rb"[eE][+-]?0*\d{3}|\d{300}")


def overflowed(raw: bytes) -> bool:
    """Whether the body may hold a number beyond a double's range (a cheap test on the bytes)."""
    return _LONG_EXPONENT.search(raw) is not None


def non_finite_numbers(value: Any, path: str = "") -> list[Violation]:
    """A violation for every number in parsed JSON that overflowed to infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        return [Violation("body", path, "type", f"{path or 'body'} must be a finite number", value, "number")]
    if isinstance(value, dict):
        return [
            v for k, item in value.items() for v in non_finite_numbers(item, f"{path}.{k}" if path else k)
        ]
    if isinstance(value, list):
        return [
            v
            for i, item in enumerate(value)
            for v in non_finite_numbers(item, f"{path}.{i}" if path else str(i))
        ]
    return []


def _refuse_constant(name: str) -> Any:
    # Python's json reads NaN, Infinity and -Infinity; JSON (and JavaScript's JSON.parse) does not.
    raise ValueError(f"{name} is not valid JSON")


class JsonTooDeep(ValueError):
    """Well-formed, perhaps, but nested deeper than ``MAX_JSON_DEPTH``: not a syntax error."""


def parse_json(raw: bytes) -> Any:
    """Strict UTF-8 JSON, refused (``ValueError``) when malformed or nested deeper than
    ``MAX_JSON_DEPTH``: deep nesting would otherwise exhaust the recursion of every later step."""
    depth = deepest = 0
    in_string = escaped = False
    # Fewer brackets than the limit cannot nest deeper than it: skip the byte scan (the usual case).
    scan = raw if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH else b""
    for byte in scan:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                raise JsonTooDeep(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        elif byte in (0x5D, 0x7D):
            depth -= 1
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, RecursionError) as exc:
        raise ValueError(str(exc)) from None


def _to_response(item: Any) -> Response:
    data, status, headers, content_type = render(item)
    # One constructor call: building a default text/html response and then rewriting its headers
    # cost a tenth of a fast request.
    response = Response(data, status=status, headers=headers or None, content_type=content_type)
    if content_type is None:
        del response.headers["Content-Type"]
    return response


def runtime() -> MockRuntime:
    return current_app.extensions["revokit"]


def create_app(config: MockConfig | None = None, *, clock: Clock | None = None) -> Flask:
    """Build the mock for ``config.family``; ``clock`` may be shared between several apps."""
    config = config or MockConfig()
    rt = MockRuntime(config, clock)
    app = Flask(f"revokit.{config.family}")
    app.config["MAX_CONTENT_LENGTH"] = config.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["revokit"] = rt
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    from flask import Blueprint

    family_bp = Blueprint("family", __name__)
    # Longest literal prefixes first, so /store/products/search-like literals win over {id}.
    for op in rt.operations:
        family_bp.add_url_rule(
            op.rule,
            endpoint=op.operation_id,
            view_func=_view(op),
            methods=[op.method],
            provide_automatic_options=False,
            strict_slashes=not rt.family.trailing_slash_matches,
        )
    app.register_blueprint(family_bp)
    app.register_blueprint(control_blueprint(CONTROL_PREFIX))
    app.register_blueprint(swagger_assets_blueprint(CONTROL_PREFIX, config.family))
    unjournaled: tuple[str, ...] = ()
    if config.admin_dir:
        app.register_blueprint(admin_blueprint(config.admin_dir))
        unjournaled += (ADMIN_PREFIX,)  # the frontend's files are not API calls

    @app.before_request
    def _header_limit() -> None:
        # The size of request.headers.items(), read from the environ: HTTP_X_API_KEY is X-Api-Key.
        size = sum(
            len(k) - (5 if k[0] == "H" else 0) + len(v) + 4
            for k, v in request.environ.items()
            if (k.startswith("HTTP_") and k not in _HTTP_CONTENT) or (k in _CONTENT and v)
        )
        if size > config.max_header_bytes and not request.path.startswith(CONTROL_PREFIX):
            raise rt.family.errors.bad_request(
                rt.error_context(), f"request headers exceed {config.max_header_bytes} bytes"
            )

    @app.before_request
    def _cors_preflight() -> Response | None:
        # The control plane gets no CORS at all: no other origin may read or drive it.
        if request.path.startswith(CONTROL_PREFIX):
            return None
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response = Response(status=204)
            del response.headers["Content-Type"]  # the cors middleware's 204 has no body and no type
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, PUT, PATCH, DELETE, OPTIONS"
            requested = request.headers.get("Access-Control-Request-Headers")
            if requested:
                response.headers["Access-Control-Allow-Headers"] = requested
            response.headers["Access-Control-Max-Age"] = "600"
            return response
        return None

    @app.after_request
    def _cors_and_journal(response: Response) -> Response:
        request: Request = _request_proxy._get_current_object()  # type: ignore[attr-defined]
        origin = request.environ.get("HTTP_ORIGIN")  # headers.get raises and catches when absent
        is_control = request.path.startswith(CONTROL_PREFIX)
        if origin and not is_control:
            # Echo the origin (not "*") so browsers allow credentials: cookies and Authorization.
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Credentials"] = "true"
            response.headers["Access-Control-Expose-Headers"] = "Set-Cookie, Allow"
            response.vary.add("Origin")
        # Control routes stay out of the journal, except those that mark themselves (a bulk revoke).
        journaled = not is_control or g.get("revokit_journal", False)
        if journaled and not request.path.startswith(unjournaled) and request.method != "OPTIONS":
            rt.journal.record(_journal_entry(rt, request, response))
        return response

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return rt.error_response(error)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        if request.path.startswith(CONTROL_PREFIX):
            return control_error(error.code or 500, error.name, error.description or "")
        errors = rt.family.errors
        ctx = rt.error_context()
        if error.code in (404, 405) and rt.family.unrouted is not None:
            raw_path = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or request.path
            served = sorted(error.valid_methods or ()) if isinstance(error, MethodNotAllowed) else []
            try:
                answer = rt.family.unrouted(
                    rt.backend,
                    request.method,
                    raw_path.split("?", 1)[0],
                    request.headers,
                    request.cookies,
                    served,
                )
            except ApiError as refusal:  # e.g. the 401 of the prefix's authentication
                answer = refusal
            if answer is not None:
                return _to_response(answer)
        if error.code == 404:
            api_error = errors.route_not_found(ctx, request.method, request.path)
        elif error.code == 405 and isinstance(error, MethodNotAllowed):
            allowed = sorted(set(error.valid_methods or ()))
            api_error = errors.method_not_allowed(ctx, request.method, request.path, allowed)
            if api_error.status == 405:  # a family may answer as its framework does instead (404)
                api_error.headers["Allow"] = ", ".join(allowed)
        elif error.code == 413:
            api_error = errors.body_too_large(ctx, config.max_body_bytes)
        elif error.code is not None and 400 <= error.code < 500:
            api_error = errors.bad_request(ctx, error.description or error.name)
        else:
            api_error = errors.internal_error(ctx)
        return _to_response(api_error)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        if isinstance(error, ResponseSpecViolation):
            return rt.spec_violation_response(error)
        log.exception("unhandled error in the %s mock", config.family)
        if request.path.startswith(CONTROL_PREFIX):
            return control_error(500, "Internal Server Error", "unexpected error")
        return _to_response(rt.family.errors.internal_error(rt.error_context()))

    return app


def _view(op: Operation):
    def view(**path_params: str) -> Response:
        return runtime().dispatch(op, path_params)

    view.__name__ = op.operation_id
    return view


def _journal_entry(rt: MockRuntime, request: Request, response: Response) -> Callable[[], dict[str, Any]]:
    """The journal's record of this request, formatted only if someone reads the journal."""
    body: Any = g.get("revokit_body")
    if body is None:
        try:
            raw = request.get_data(cache=True)
        except HTTPException:  # e.g. over MAX_CONTENT_LENGTH: the body was never read
            raw, body = b"", "<body not read>"
        if raw:
            # Not parsed by the pipeline (refused before, or not JSON): keep it as text.
            body = raw[:MAX_BODY_CHARS].decode("utf-8", "replace")
    # Copy what the entry needs, not the request (which holds the raw body): the header entries
    # of the environ now, their names (HTTP_X_API_KEY -> X-Api-Key) when the journal is read.
    # The control token of a journaled control call (a bulk revoke) is a secret: never recorded.
    environ = {
        k: v
        for k, v in request.environ.items()
        if (k.startswith("HTTP_") or k in _CONTENT) and k != _CONTROL_TOKEN_ENVIRON
    }
    method, path, args, rule = request.method, request.path, request.args, request.url_rule
    at, status = rt.clock.now(), response.status_code

    show_secrets = rt.config.show_secrets

    def entry() -> dict[str, Any]:
        headers = dict(EnvironHeaders(environ).items())
        return {
            "at": isoformat_ms(at),
            "method": method,
            "path": path,
            "query": {k: v if len(v) > 1 else v[0] for k, v in args.lists()},
            "headers": headers if show_secrets else redacted_headers(headers),
            "body": body if show_secrets else redacted_body(body),
            "status": status,
            "operation_id": rule.endpoint.split(".", 1)[-1] if rule else None,
        }

    return entry
