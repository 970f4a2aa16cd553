"""What a family gives the engine and gets from it: ``FamilyDefinition`` (its errors, handlers,
backend, seed, per-operation rules and hooks), the ``Reply`` a handler returns, the contexts a
backend and a seed are built with, and the operations read from a spec.

Routes come from the family's OpenAPI document (``operations_of``), behaviour from its handlers:
a spec operation without a handler, or a handler without an operation, stops the mock from
starting (``check_handlers``). The pipeline that runs a request through all this is
``pipeline.py``; a family never touches Flask routing.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from faker import Faker
from werkzeug.datastructures import Headers

from ..specs import Profile
from .call import Call, Operation
from .clock import Clock
from .config import DEFAULT_SESSION_TTL_SECONDS
from .errors import JSON, ApiError, FamilyErrors
from .hashing import KnownTokens
from .ids import IdFactory
from .store import IndexSpec, StateStore
from .validation import Violation

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
_TEMPLATE_PARAM = re.compile(r"{([^}/]+)}")


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
    session_ttl_seconds: float = DEFAULT_SESSION_TTL_SECONDS

    @property
    def session_ttl(self) -> timedelta:
        """How long a Medusa session lasts: express-session's cookie maxAge, the releases' `ttl`."""
        return timedelta(seconds=self.session_ttl_seconds)


class JsonTexts:
    """The JSON text of parts of answers, each kept with the records it was made from and used
    again while those are the very same objects. Records are immutable (a change stores a new
    object), so the same objects make the same text: a list of unchanged records is joined from
    texts instead of being built and encoded again. A persistent store reads new objects every
    time and never hits. Bounded: the whole memo is dropped when full."""

    def __init__(self, size: int = 4096) -> None:
        self._texts: dict[tuple[int, ...], tuple[tuple[object, ...], str]] = {}
        self._size = size

    def text(self, sources: tuple[object, ...], make: Callable[[], Any]) -> str:
        """The JSON text of ``make()``, a function of ``sources`` (compared by identity) only."""
        key = tuple(map(id, sources))
        kept = self._texts.get(key)
        # Identity, not id(): the memo holds its sources, so their ids cannot be reused while kept.
        if kept is not None and all(a is b for a, b in zip(kept[0], sources, strict=True)):
            return kept[1]
        text = _JSON.encode(make())
        if len(self._texts) >= self._size:
            self._texts.clear()
        self._texts[key] = (sources, text)
        return text


def list_text(name: str, items: Sequence[str], rest: Mapping[str, Any]) -> str:
    """The JSON text of ``{name: [items...], **rest}`` from the JSON text of each item, exactly as
    encoding the whole object would write it."""
    tail = _JSON.encode(dict(rest))
    head = "{" + _JSON.encode(name) + ":[" + ",".join(items) + "]"
    return head + ("," + tail[1:] if rest else "}")


@dataclass
class BackendContext:
    store: StateStore
    clock: Clock
    profile: Profile
    settings: Settings
    ids: IdFactory = field(default_factory=IdFactory)
    # Shared by the seed's backend and the serving one, so seeded secrets are known to both.
    known_tokens: KnownTokens = field(default_factory=KnownTokens)
    json_texts: JsonTexts = field(default_factory=JsonTexts)


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
class Tolerance:
    """One kind of spec violation a real release accepts and goes on from: the request reaches its
    handler as if the spec allowed it. Declared per operation by the family, as data."""

    location: str  # query | body | ...
    kinds: frozenset[str]  # Violation kinds
    fields: frozenset[str] | None = None  # None: any field
    flag: str | None = None  # a behaviour-profile flag that must be on; None: under every profile
    null_only: bool = False  # only a null value (class-validator's @IsOptional lets null through)
    value_is: Callable[[Any], bool] | None = None  # only a value this accepts
    # The release reads the parameter's one raw value with this (e.g. JavaScript's parseInt): the
    # violation passes when it reads a value (not None) from it.
    read_as: Callable[[str], Any] | None = None

    def accepts(self, violation: Violation, call: Call, profile: Profile) -> bool:
        if violation.location != self.location or violation.kind not in self.kinds:
            return False
        if self.fields is not None and violation.field not in self.fields:
            return False
        if self.flag is not None and not profile.enabled(self.flag):
            return False
        if self.null_only and violation.value is not None:
            return False
        if self.value_is is not None and not self.value_is(violation.value):
            return False
        if self.read_as is not None:
            raw = call.raw_query.getlist(violation.field)
            return len(raw) == 1 and self.read_as(raw[0]) is not None
        return True


@dataclass(frozen=True)
class OperationRules:
    """What the framework in front of a real release checks on one operation besides the spec.

    ``validate`` is the framework's own validator (Medusa 1.20's class-validator DTOs), run by the
    engine after authentication and before the spec's checks; it answers the family's error or
    None. ``tolerances`` are the spec violations the release lets through.
    """

    validate: Callable[[Any, Call], ApiError | None] | None = None
    tolerances: tuple[Tolerance, ...] = ()


NO_RULES = OperationRules()


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
    # The largest body the family's framework reads (413 beyond); None: MockConfig's default.
    max_body_bytes: int | None = None
    # The largest header section its server reads (errors.headers_too_large beyond); None: MockConfig's.
    max_header_bytes: int | None = None
    # kind -> fields holding a credential in the clear (an API token, a session id): what the
    # control plane's state snapshot redacts. Hashes and salts are not listed: they are no secret.
    secret_fields: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # POST /__revokit/tokens: a signed token for a seeded user, without a login flow.
    issue_token: Callable[[Any, str], dict[str, Any]] | None = None
    # operation -> what the family's framework checks besides the spec, and which violations its
    # release lets through (see OperationRules); the engine runs them for every request.
    rules: Callable[[Operation], OperationRules] | None = None
    # A request no route of the spec serves: (backend, method, raw path, headers, cookies, the
    # methods the path does serve) -> the answer, or None for the engine's route_not_found /
    # method_not_allowed.
    unrouted: (
        Callable[[Any, str, str, Headers, Mapping[str, str], Sequence[str]], ApiError | Reply | None] | None
    ) = None
    # POST /__revokit/revoke-keys: revoke the keys a selector picks, all or nothing, by the
    # family's rules; gets the JSON body, answers the JSON reply or raises BadControlInput.
    revoke_keys: Callable[[Any, Mapping[str, Any]], dict[str, Any]] | None = None
    # The start-up banner's few lines (label, text) from the seed facts: how to authenticate.
    banner: Callable[[dict[str, Any]], list[tuple[str, str]]] | None = None
    # The state page: every key as ``key_row`` describes it (backend -> rows, no secrets).
    key_overview: Callable[[Any], list[dict[str, Any]]] | None = None
    # The docs page's "try it out": security scheme -> a seeded credential (a string, or
    # [user, password] for HTTP Basic), chosen so no two schemes fill the same header.
    docs_credentials: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    # Express routes /a/b/ as /a/b (non-strict routing); a real Medusa admin asks for /admin/store/.
    trailing_slash_matches: bool = False


def key_row(
    *,
    key_id: str,
    name: str,
    kind: str,
    shown: str,
    revoked_at: datetime | None,
    now: datetime,
    scope_label: str,
    scope: list[str],
) -> dict[str, Any]:
    """One key as the state page shows it: ``shown`` is what may be displayed (an id or a
    redacted token, never a secret); a ``revoked_at`` still ahead makes the key ``scheduled``."""
    if revoked_at is None:
        state, seconds_left = "active", None
    elif revoked_at > now:
        state, seconds_left = "scheduled", int((revoked_at - now).total_seconds())
    else:
        state, seconds_left = "revoked", None
    return {
        "id": key_id,
        "name": name,
        "kind": kind,
        "shown": shown,
        "state": state,
        "revoked_at": revoked_at.isoformat() if revoked_at else None,
        "seconds_left": seconds_left,
        "scope_label": scope_label,
        "scope": scope,
    }


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


# JSON.stringify's form. One encoder for every answer (json.dumps with options builds one per call);
# no circular check: bodies are trees built per request or parsed from JSON, never cyclic.
_JSON = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)


def render(error_or_reply: ApiError | Reply) -> tuple[bytes, int, list[tuple[str, str]], str | None]:
    """Body bytes, status, headers and content type of an error or a reply."""
    body = error_or_reply.body
    if body is None:
        data = b""
    elif isinstance(body, str):
        data = body.encode("utf-8", "backslashreplace")
    elif isinstance(body, bytes):
        data = body
    else:
        # A lone surrogate has no UTF-8 form; "backslashreplace" writes it as the JSON escape
        # \ud800, as JavaScript's JSON.stringify does, so no answer can fail to render.
        data = _JSON.encode(body).encode("utf-8", "backslashreplace")
    return data, error_or_reply.status, list(error_or_reply.headers.items()), error_or_reply.content_type
