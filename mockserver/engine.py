"""The spec-driven engine: routes come from a family's OpenAPI document, behaviour from its handlers.

For every operation in the spec the engine registers one Flask rule whose view runs the same
pipeline: read and parse the body, let the family authenticate the caller, validate parameters and
body against the spec, call the family's handler for that ``operationId``, and (when asked)
validate the response against the spec. A family supplies a ``FamilyDefinition``; it never
touches Flask routing, and a spec operation without a handler (or a handler without an operation)
stops the mock from starting.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from faker import Faker
from werkzeug.datastructures import Headers, MultiDict

from ..specs import Profile
from .clock import Clock
from .errors import JSON, ApiError, FamilyErrors
from .ids import IdFactory
from .store import IndexSpec, StateStore

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_TEMPLATE_PARAM = re.compile(r"{([^}/]+)}")


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str  # upper case
    template: str  # OpenAPI path template, e.g. /api/v1/applications/{id}
    rule: str  # Flask rule, e.g. /api/v1/applications/<id>
    security: tuple[tuple[str, ...], ...]  # alternatives, each a tuple of scheme names; () = public
    has_body: bool

    @property
    def is_public(self) -> bool:
        return not self.security


@dataclass
class Call:
    """One request as a family handler sees it: already parsed, authenticated and validated."""

    operation: Operation
    path: dict[str, str]
    query: dict[str, Any]  # parameters as the spec types them (integers, arrays, objects)
    raw_query: MultiDict
    headers: Headers
    cookies: Mapping[str, str]
    body: Any  # parsed JSON, or the family's ``missing_body`` when none was sent
    body_sent: bool
    principal: Any = None


@dataclass
class Reply:
    body: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = JSON
    cookies: list[dict[str, Any]] = field(default_factory=list)  # kwargs for Response.set_cookie


@dataclass(frozen=True)
class Settings:
    """Knobs shared by all families (passed in from ``MockConfig``)."""

    jwt_secret: str
    scrypt_n: int
    token_ttl_seconds: int = 86400


@dataclass
class BackendContext:
    store: StateStore
    clock: Clock
    profile: Profile
    settings: Settings
    ids: IdFactory = field(default_factory=IdFactory)


@dataclass
class SeedContext:
    seed: int
    fixture: dict[str, Any]
    rng: random.Random
    faker: Faker
    ids: IdFactory
    epoch: datetime  # seeded records are timestamped from here, so the seed is the same every run


Handler = Callable[[Any, Call], Reply]


@dataclass(frozen=True)
class FamilyDefinition:
    name: str  # medusa-v1 | xclade-v2 | app-keys
    errors: FamilyErrors
    handlers: Mapping[str, Handler]  # operationId -> handler(backend, call)
    create_backend: Callable[[BackendContext], Any]
    authenticate: Callable[[Any, Call], Any]  # returns the principal or raises the family's 401
    seed: Callable[[Any, SeedContext], dict[str, Any]]  # fills the store, returns banner facts
    indexes: IndexSpec = field(default_factory=dict)
    # kind -> record dataclass: what a persistent store needs to read records back.
    record_types: Mapping[str, type] = field(default_factory=dict)
    # What a handler sees when no body was sent: Express-based systems parse that as {}.
    missing_body: Any = None
    # POST /__revokit/tokens: a signed token for a seeded user, without a login flow.
    issue_token: Callable[[Any, str], dict[str, Any]] | None = None
    # A request no operation routes (unknown path or method): the family's own answer, e.g. its
    # middleware's 401 before the framework's 404; None keeps route_not_found/method_not_allowed.
    unrouted: Callable[[Any, Call], ApiError | None] | None = None
    # Express routes /a/b/ as /a/b (non-strict routing); a real Medusa admin asks for /admin/store/.
    trailing_slash_matches: bool = False


def flask_rule(template: str) -> str:
    return _TEMPLATE_PARAM.sub(r"<\1>", template)


def operations_of(spec: dict[str, Any]) -> list[Operation]:
    global_security = spec.get("security", [])
    ops: list[Operation] = []
    for template, item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            op = item.get(method)
            if op is None:
                continue
            security = op.get("security", global_security)
            alternatives = tuple(tuple(req) for req in security if req)
            ops.append(
                Operation(
                    operation_id=op["operationId"],
                    method=method.upper(),
                    template=template,
                    rule=flask_rule(template),
                    security=alternatives,
                    has_body="requestBody" in op,
                )
            )
    return ops


def check_handlers(family: FamilyDefinition, operations: list[Operation]) -> None:
    """The spec and the handlers must describe the same API."""
    spec_ids = {op.operation_id for op in operations}
    missing = sorted(spec_ids - set(family.handlers))
    extra = sorted(set(family.handlers) - spec_ids)
    if missing or extra:
        raise RuntimeError(
            f"{family.name}: spec and handlers disagree; no handler for {missing}, no operation for {extra}"
        )


def render(error_or_reply: ApiError | Reply) -> tuple[bytes, int, list[tuple[str, str]], str | None]:
    """Body bytes, status, headers and content type of an error or a reply."""
    body = error_or_reply.body
    if body is None:
        data = b""
    elif isinstance(body, str):
        data = body.encode("utf-8")
    elif isinstance(body, bytes):
        data = body
    else:
        data = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    return data, error_or_reply.status, list(error_or_reply.headers.items()), error_or_reply.content_type
