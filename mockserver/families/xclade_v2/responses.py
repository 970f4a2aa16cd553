"""HTTP glue for xclade / Medusa v2: authentication, then one handler per spec ``operationId``.

Handlers turn a validated ``Call`` into backend calls and shape the replies: key order, default
fields and ``fields`` selection as Medusa 2.21.2 serializes them.
"""

from __future__ import annotations

import base64
import binascii
import functools
import math
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from werkzeug.datastructures import Headers, MultiDict

from ...clock import isoformat_ms_or_none, parse_instant
from ...control_input import BadControlInput, fields_of, optional_seconds, optional_string, string_list
from ...engine import Call, Handler, Operation, OperationRules, Reply, Tolerance
from ...errors import ApiError
from ...node.body_parser import is_json_mimetype
from ...node.javascript import js_parse_int
from .exceptions import (
    ExpressNotFound,
    InvalidData,
    InvalidRequest,
    SecretKeyAsBearer,
    Unauthorized,
    UnknownError,
    body_not_an_object,
    body_parser_refusal,
)
from .fields import parse_fields, project
from .models import (
    DATE_OPERATORS,
    FLAG_AUTOMATIC_OPTIONS,
    FLAG_DATE_FILTER,
    FLAG_DATE_OPERATOR_IGNORED,
    FLAG_DELETE_QUERY_UNCHECKED,
    FLAG_EXPRESS_404,
    FLAG_NEGATIVE_PAGING,
    FLAG_NUL,
    FLAG_PAGING_PARSE_INT,
    FLAG_PROTOTYPE_FIELDS,
    FLAG_STORE_PAGING,
    KEY_TYPES,
    SECRET,
    SESSION_COOKIE,
    Actor,
    ApiKey,
    KeyRevoke,
    KeySelector,
    Product,
    SalesChannel,
    XcladeBackend,
)

API_KEY_DEFAULT_FIELDS = (
    "id", "title", "token", "redacted", "type", "last_used_at", "updated_at", "created_at",
    "created_by", "revoked_at", "revoked_by", "sales_channels.id", "sales_channels.name",
)  # fmt: skip
API_KEY_FIELDS = (
    "id", "title", "token", "redacted", "type", "last_used_at", "updated_at", "created_at",
    "created_by", "revoked_at", "revoked_by", "deleted_at",
)  # fmt: skip
SALES_CHANNEL_DEFAULT_FIELDS = (
    "id", "name", "description", "is_disabled", "created_at", "updated_at", "deleted_at", "metadata",
)  # fmt: skip
PRODUCT_FIELDS = (
    "id",
    "title",
    "status",
    "description",
    "handle",
    "created_at",
    "updated_at",
)  # 2.21.2's order
# The store answers no `status` unless asked (it shows published products only); the admin does.
STORE_PRODUCT_DEFAULT_FIELDS = tuple(f for f in PRODUCT_FIELDS if f != "status")
STORE_PRODUCTS_DEFAULT_LIMIT = 50

PUBLISHABLE_KEY_HEADER = "x-publishable-api-key"
_STORE_SCHEME = "publishable_api_key"
_ADMIN_SCHEMES = ("api_key", "cookie_auth", "jwt_token")


# -- serialization ---------------------------------------------------------------------------------


def sales_channel_record(channel: SalesChannel) -> dict[str, Any]:
    return {
        "id": channel.id,
        "name": channel.name,
        "description": channel.description,
        "is_disabled": channel.is_disabled,
        "created_at": isoformat_ms_or_none(channel.created_at),
        "updated_at": isoformat_ms_or_none(channel.updated_at),
        "deleted_at": isoformat_ms_or_none(channel.deleted_at),
        "metadata": channel.metadata,
    }


def api_key_record(key: ApiKey) -> dict[str, Any]:
    """Every readable field of a key; the token of a secret key reads as ``""`` (omitToken)."""
    return {
        "id": key.id,
        "title": key.title,
        "token": "" if key.type == "secret" else key.token,
        "redacted": key.redacted,
        "type": key.type,
        "last_used_at": isoformat_ms_or_none(key.last_used_at),
        "updated_at": isoformat_ms_or_none(key.updated_at),
        "created_at": isoformat_ms_or_none(key.created_at),
        "created_by": key.created_by,
        "revoked_at": isoformat_ms_or_none(key.revoked_at),
        "revoked_by": key.revoked_by,
        "deleted_at": isoformat_ms_or_none(key.deleted_at),
    }


def api_key_json(backend: XcladeBackend, key: ApiKey, fields: str | None) -> dict[str, Any]:
    selected = parse_fields(fields, API_KEY_DEFAULT_FIELDS)
    channels = [sales_channel_record(c) for c in backend.sales_channels_of(key)]
    return project(
        api_key_record(key),
        selected,
        API_KEY_FIELDS,
        {"sales_channels": (SALES_CHANNEL_DEFAULT_FIELDS, channels)},
    )


def created_api_key_json(key: ApiKey, token: str) -> dict[str, Any]:
    """The create response: the module's storage layout with the plain token, once."""
    return {
        "id": key.id,
        "token": token,
        "redacted": key.redacted,
        "title": key.title,
        "type": key.type,
        "last_used_at": isoformat_ms_or_none(key.last_used_at),
        "created_by": key.created_by,
        "revoked_by": key.revoked_by,
        "revoked_at": isoformat_ms_or_none(key.revoked_at),
        "created_at": isoformat_ms_or_none(key.created_at),
        "updated_at": isoformat_ms_or_none(key.updated_at),
        "deleted_at": isoformat_ms_or_none(key.deleted_at),
    }


def revoked_api_key_json(key: ApiKey) -> dict[str, Any]:
    """A key as ``revokeApiKeysWorkflow`` returns it: the module's layout, token omitted
    (``""`` for a secret key), no salt, no sales channels."""
    return created_api_key_json(key, "" if key.type == SECRET else key.token)


def sales_channel_json(channel: SalesChannel, fields: str | None) -> dict[str, Any]:
    selected = parse_fields(fields, SALES_CHANNEL_DEFAULT_FIELDS)
    return project(sales_channel_record(channel), selected, SALES_CHANNEL_DEFAULT_FIELDS)


def product_json(
    product: Product, fields: str | None, defaults: Sequence[str] = STORE_PRODUCT_DEFAULT_FIELDS
) -> dict[str, Any]:
    record = {
        "id": product.id,
        "title": product.title,
        "handle": product.handle,
        "status": product.status,
        "description": product.description,
        "created_at": isoformat_ms_or_none(product.created_at),
        "updated_at": isoformat_ms_or_none(product.updated_at),
    }
    return project(record, parse_fields(fields, defaults), PRODUCT_FIELDS)


# -- authentication ----------------------------------------------------------------------------------


def _secret_from_basic(credentials: str) -> str | None:
    """``Basic sk_...``, ``Basic base64("sk_...:")`` or ``Basic base64("sk_...")`` -> the key."""
    if credentials.startswith("sk_"):
        return credentials
    try:
        decoded = base64.b64decode(credentials + "=" * (-len(credentials) % 4)).decode("utf-8")
    except (binascii.Error, ValueError):
        return None
    if decoded.endswith(":"):
        decoded = decoded[:-1]
    return decoded if decoded.startswith("sk_") else None


def _admin_actor(backend: XcladeBackend, call: Call, schemes: set[str]) -> Actor:
    """Medusa's ``authenticate(actor, ["bearer", "session", "api-key"])``: a secret key first,
    then the session cookie, then a Bearer JWT; 401 when none of the allowed ones applies."""
    users_only = call.operation.template.startswith("/admin")  # /auth/* routes accept any actor
    scheme, _, credentials = call.headers.get("Authorization", "").strip().partition(" ")
    scheme, credentials = scheme.lower(), credentials.strip()

    if "api_key" in schemes and scheme == "basic":
        token = _secret_from_basic(credentials)
        key = backend.authenticate_secret_key(token) if token else None
        if key is not None:
            return Actor(key.id, "api-key")

    if "cookie_auth" in schemes:
        session = backend.session_from_cookie(call.cookies.get(SESSION_COOKIE))
        if session is not None and (not users_only or session.auth_context.get("actor_type") == "user"):
            context = session.auth_context
            return Actor(context["actor_id"], context["actor_type"], context, session.id)

    if "jwt_token" in schemes and scheme == "bearer" and credentials:
        if credentials.startswith("sk_"):
            raise SecretKeyAsBearer()
        claims = backend.decode_jwt(credentials)
        if claims is not None and (not users_only or claims["actor_type"] == "user"):
            return Actor(claims["actor_id"], claims["actor_type"], claims)

    raise Unauthorized()


def reject_unparsed_body(call: Call) -> None:
    """A body Express's JSON parser skipped (another content type) reaches zod as ``undefined``.

    The engine hands such requests over as "no body"; refusing them here keeps Medusa's order
    (authentication first, then validation).
    """
    if not call.operation.has_body or call.body_sent:
        return
    if "Content-Type" not in call.headers:
        return  # no parser ran; Express leaves the body as {}
    if is_json_mimetype(call.headers.get("Content-Type", "")):
        return
    length = call.headers.get("Content-Length", "0").strip()
    if (length and length != "0") or "Transfer-Encoding" in call.headers:
        raise body_not_an_object()


def _whitespace_json(call: Call) -> bool:
    """A JSON-typed body of only whitespace: the engine hands it over as no body, but body-parser
    parses it (and fails) before any route runs."""
    if not call.operation.has_body or call.body_sent:
        return False
    if not is_json_mimetype(call.headers.get("Content-Type", "")):
        return False
    length = call.headers.get("Content-Length", "0").strip()
    return (bool(length) and length != "0") or "Transfer-Encoding" in call.headers


def authenticate(backend: XcladeBackend, call: Call) -> Any:
    """Store routes need a valid publishable key; admin and session routes an admin actor."""
    if _whitespace_json(call):
        raise body_parser_refusal(call.raw_body)
    if call.operation.has_body and call.body_sent and call.body is None:
        # A bare JSON `null`: body-parser's strict mode refuses it like any other scalar, before
        # any route (the engine hands it over as "no body", which optional-body routes accepted).
        raise body_parser_refusal(call.raw_body)
    schemes = {name for alternative in call.operation.security for name in alternative}
    if not schemes:
        return None
    if _STORE_SCHEME in schemes:
        return backend.publishable_key_for_store(call.headers.get(PUBLISHABLE_KEY_HEADER))
    actor = _admin_actor(backend, call, schemes & set(_ADMIN_SCHEMES))
    reject_unparsed_body(call)
    return actor


# The store's product list has its own paging rule (store_paging_unchecked); every other list
# hands a negative limit or offset to Postgres (negative_paging_fails).
_STORE_PRODUCTS = "GetProducts"
_ALL_ADMIN_SCHEMES = tuple((scheme,) for scheme in _ADMIN_SCHEMES)


_PAGING = frozenset({"limit", "offset"})
_BELOW_MINIMUM = frozenset({"minimum", "exclusiveMinimum"})


def operation_rules(operation: Operation) -> OperationRules:
    """What the medusa-2.21 profile lets past validation. createFindParams reads ``limit`` and
    ``offset`` with ``parseInt`` (paging_parsed_leniently: ``2x`` is 2, ``0x10`` is 16) and sets
    no minimum, so a negative one reaches the query; the delete routes have no query validator."""
    tolerances = [
        Tolerance(
            "query",
            frozenset({"cast", "type"}),
            _PAGING,
            flag=FLAG_PAGING_PARSE_INT,
            read_as=_zod_paging_number,
        )
    ]
    if operation.method == "DELETE":
        tolerances.append(Tolerance("query", frozenset({"unknown"}), flag=FLAG_DELETE_QUERY_UNCHECKED))
    if operation.operation_id == _STORE_PRODUCTS:
        tolerances.append(Tolerance("query", _BELOW_MINIMUM, _PAGING, flag=FLAG_STORE_PAGING))
    elif operation.method == "GET":
        tolerances.append(Tolerance("query", _BELOW_MINIMUM, _PAGING, flag=FLAG_NEGATIVE_PAGING))
    return OperationRules(tolerances=tuple(tolerances))


_EXPRESS_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


def unrouted(
    backend: XcladeBackend,
    method: str,
    path: str,
    headers: Headers,
    cookies: Mapping[str, str],
    served: Sequence[str],
) -> ApiError | Reply | None:
    """The medusa-2.21 profile: the prefix's middlewares still run (admin authentication, the
    store's publishable key), then Express answers an OPTIONS on a served path with the list of
    its methods (automatic_options_answer) and anything else with its HTML 404
    (unrouted_requests_express_not_found)."""
    options = method == "OPTIONS" and bool(served) and backend.profile.enabled(FLAG_AUTOMATIC_OPTIONS)
    if not options and not backend.profile.enabled(FLAG_EXPRESS_404):
        return None
    if path.startswith("/admin"):
        operation = Operation("", method, path, path, _ALL_ADMIN_SCHEMES, False)
        call = Call(operation, {}, {}, MultiDict(), headers, cookies, None, False)
        _admin_actor(backend, call, set(_ADMIN_SCHEMES))
    elif path.startswith("/store"):
        backend.publishable_key_for_store(headers.get(PUBLISHABLE_KEY_HEADER))
    if options:
        allow = ",".join(m for m in _EXPRESS_METHOD_ORDER if m in served)
        return Reply(allow, headers={"Allow": allow}, content_type="text/html; charset=utf-8")
    return ExpressNotFound(method, path)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


_OBJECT_PROTOTYPE = frozenset(
    {
        "constructor", "__proto__", "toString", "toLocaleString", "valueOf", "hasOwnProperty",
        "isPrototypeOf", "propertyIsEnumerable", "__defineGetter__", "__defineSetter__",
        "__lookupGetter__", "__lookupSetter__",
    }
)  # fmt: skip


def _prototype_field_error(call: Call) -> ApiError | None:
    """medusa-2.21 (fields_naming_object_prototype_fail): a ``fields`` entry that names a property
    of JavaScript's Object.prototype is looked up on a plain object while the admin query is
    built, and what it finds there reaches the database as a column."""
    if not call.operation.template.startswith("/admin") or call.operation.operation_id == "PostApiKeys":
        return None
    for entry in (call.raw_query.get("fields") or "").split(","):
        name = entry.lstrip("+- *")
        if name not in _OBJECT_PROTOTYPE:
            continue
        if name == "__proto__":
            return InvalidData('column "undefined" does not exist')
        if name == "constructor":
            alias = "a0" if call.operation.template.startswith("/admin/api-keys") else "s0"
            return InvalidData(f"column {alias}.Object does not exist")
        return UnknownError()
    return None


def reaches_database(handler: Handler) -> Handler:
    """A handler whose input Postgres reads: in the medusa-2.21 profile (nul_character_fails_in_
    database) a U+0000 in a path parameter, a query value (``fields`` aside: it selects columns in
    JavaScript) or a body string fails there with 500, after validation passed."""

    @functools.wraps(handler)
    def wrapped(backend: XcladeBackend, call: Call) -> Reply:
        if backend.profile.enabled(FLAG_NUL):
            texts = [
                *call.path.values(),
                *(v for k, v in call.raw_query.items(multi=True) if k != "fields"),
                *_strings(call.body),
            ]
            if any("\x00" in text for text in texts):
                raise UnknownError()
        refusal = _prototype_field_error(call) if backend.profile.enabled(FLAG_PROTOTYPE_FIELDS) else None
        if refusal is not None and call.operation.method == "GET":
            raise refusal  # the read is that query: it fails before any "not found"
        reply = handler(backend, call)
        if refusal is not None:
            raise refusal  # a write has happened by the time its refetch fails
        return reply

    return wrapped


# -- query helpers -------------------------------------------------------------------------------------


def _many(call: Call, name: str) -> list[str]:
    """An array filter given as ``name=a&name=b``, ``name[]=a`` or ``name[0]=a`` (qs syntax)."""
    values = list(call.query.get(name) or [])
    for raw_name, raw_values in call.raw_query.lists():
        if raw_name == f"{name}[]" or (
            raw_name.startswith(f"{name}[") and raw_name[len(name) + 1 : -1].isdigit()
        ):
            values.extend(raw_values)
    return list(dict.fromkeys(values))


def _date_filter(backend: XcladeBackend, call: Call, name: str) -> dict[str, Any] | None:
    """``name[$gte]=<date-time>&name[$lt]=...`` (or ``name=null``: never set).

    Read from the raw query: openapi-core's deepObject parser only matches ``name[word]`` keys, so it
    does not see ``$``-operators; they are checked here, in zod's words.
    """
    if call.raw_query.get(name) == "null":
        return {"$null": True}
    prefix = f"{name}["
    operators: dict[str, str] = {}
    for raw_name, value in call.raw_query.items(multi=True):
        if raw_name.startswith(prefix) and raw_name.endswith("]"):
            operators.setdefault(raw_name[len(prefix) : -1], value)
    unknown = [op for op in operators if op not in DATE_OPERATORS]
    if unknown and backend.profile.enabled(FLAG_DATE_OPERATOR_IGNORED):
        for op in unknown:  # zod's operator map is not strict: it drops what it does not know
            del operators[op]
    elif unknown:
        raise InvalidRequest([f"Unrecognized fields: '{', '.join(unknown)}'"])
    bounds: dict[str, datetime | None] = {}
    bad: list[str] = []
    for op, value in operators.items():
        if value == "null" and backend.profile.enabled(FLAG_DATE_FILTER):
            bounds[op] = None  # qs reads "null" as null: a comparison with NULL (see matches_date)
            continue
        try:
            bounds[op] = parse_instant(value)
        except ValueError:
            bad.append(f"Expected type: 'date' for field '{name}, {op}', got: '{value}'")
    if bad:
        if backend.profile.enabled(FLAG_DATE_FILTER):
            raise UnknownError()  # 2.21.2 hands the text to Postgres, which cannot read it as a time
        raise InvalidRequest(bad[:3])
    return bounds or None


def _zod_paging_number(text: str) -> int | float | None:
    """createFindParams' reading of ``limit``/``offset``: parseInt, then zod's number, which
    refuses NaN and the infinities (a run of digits past the double range)."""
    value = js_parse_int(text)
    return value if value is not None and math.isfinite(value) else None


def paging(backend: XcladeBackend, call: Call, default_limit: int) -> tuple[int | float, int | float]:
    """``offset`` and ``limit`` as the answer echoes them. In the medusa-2.21 profile they are read
    from the raw query as 2.21.2 reads them (paging_parsed_leniently), so a negative one (let past
    validation by negative_paging_fails) or one beyond 2^53 arrives as the Number JavaScript holds."""
    lenient = backend.profile.enabled(FLAG_PAGING_PARSE_INT)
    values = []
    for name, default in (("offset", 0), ("limit", default_limit)):
        given = call.raw_query.getlist(name)
        if len(given) > 1:  # qs makes an array of a repeated name, and zod wants one number
            raise InvalidRequest([f"Expected type: 'number' for field '{name}', got: '{','.join(given)}'"])
        if not given:
            values.append(default)
        elif lenient:
            value = _zod_paging_number(given[0])
            if value is None:  # a run of digits past the double range: Infinity, which zod refuses
                raise InvalidRequest([f"Expected type: 'number' for field '{name}', got: '{given[0]}'"])
            values.append(value)
        else:
            values.append(call.query[name])
    return values[0], values[1]


def _fields(call: Call) -> str | None:
    value = call.query.get("fields")
    if value is None and "fields" in call.raw_query:
        value = call.raw_query.get("fields", "")
    return value


def _body(call: Call) -> Mapping[str, Any]:
    return call.body if isinstance(call.body, Mapping) else {}


# -- auth routes ---------------------------------------------------------------------------------------


def post_auth_user_emailpass(backend: XcladeBackend, call: Call) -> Reply:
    body = _body(call)
    return Reply({"token": backend.login(body["email"], body["password"])})


def post_session(backend: XcladeBackend, call: Call) -> Reply:
    actor: Actor = call.principal
    session, cookie_value = backend.open_session(actor.auth_context or {})
    secure = call.headers.get("X-Forwarded-Proto", "").lower() == "https"
    cookie = {
        "key": SESSION_COOKIE,
        "value": cookie_value,
        "path": "/",
        "expires": session.expires_at,
        "max_age": None,
        "httponly": True,
        "secure": secure,
        "samesite": "Lax",
    }
    return Reply({"user": session.auth_context}, cookies=[cookie])


def delete_session(backend: XcladeBackend, call: Call) -> Reply:
    actor: Actor = call.principal
    if actor.session_id is not None:
        backend.close_session(actor.session_id)
    cookie = {"key": SESSION_COOKIE, "value": "", "path": "/", "expires": 0}
    return Reply({"success": True}, cookies=[cookie])


def post_token_refresh(backend: XcladeBackend, call: Call) -> Reply:
    actor: Actor = call.principal
    return Reply({"token": backend.refresh_jwt(actor.auth_context or {})})


# -- API keys ----------------------------------------------------------------------------------------------


def get_api_keys(backend: XcladeBackend, call: Call) -> Reply:
    query = call.query
    offset, limit = paging(backend, call, 20)
    keys, count = backend.list_api_keys(
        q=query.get("q"),
        ids=_many(call, "id"),
        titles=_many(call, "title"),
        tokens=_many(call, "token"),
        key_type=query.get("type"),
        created_at=_date_filter(backend, call, "created_at"),
        updated_at=_date_filter(backend, call, "updated_at"),
        revoked_at=_date_filter(backend, call, "revoked_at"),
        order=query.get("order"),
        offset=offset,
        limit=limit,
    )
    fields = _fields(call)
    return Reply(
        {
            "api_keys": [api_key_json(backend, k, fields) for k in keys],
            "count": count,
            "offset": offset,
            "limit": limit,
        }
    )


def post_api_keys(backend: XcladeBackend, call: Call) -> Reply:
    body = _body(call)
    key, token = backend.create_api_key(body["title"], body["type"], call.principal.actor_id)
    return Reply({"api_key": created_api_key_json(key, token)})  # 200, and `fields` is ignored


def get_api_key(backend: XcladeBackend, call: Call) -> Reply:
    key = backend.get_api_key(call.path["id"])
    return Reply({"api_key": api_key_json(backend, key, _fields(call))})


def _key_or_empty(backend: XcladeBackend, key: ApiKey | None, call: Call) -> Reply:
    # 2.21.2 refetches nothing for an unknown id and answers res.json({api_key: undefined}): {}.
    if key is None:
        return Reply({})
    return Reply({"api_key": api_key_json(backend, key, _fields(call))})


def post_api_key(backend: XcladeBackend, call: Call) -> Reply:
    key = backend.update_api_key(call.path["id"], _body(call)["title"])
    return _key_or_empty(backend, key, call)


def delete_api_key(backend: XcladeBackend, call: Call) -> Reply:
    key_id = call.path["id"]
    backend.delete_api_key(key_id)
    return Reply({"id": key_id, "object": "api_key", "deleted": True})


def post_api_key_revoke(backend: XcladeBackend, call: Call) -> Reply:
    revoke_in = _body(call).get("revoke_in")
    key = backend.revoke_api_key(call.path["id"], revoke_in, call.principal.actor_id)
    return _key_or_empty(backend, key, call)


def post_api_key_sales_channels(backend: XcladeBackend, call: Call) -> Reply:
    body = _body(call)
    key = backend.link_sales_channels(call.path["id"], body.get("add") or [], body.get("remove") or [])
    return Reply({"api_key": api_key_json(backend, key, _fields(call))})


# -- sales channels ---------------------------------------------------------------------------------------


def get_sales_channels(backend: XcladeBackend, call: Call) -> Reply:
    query = call.query
    offset, limit = paging(backend, call, 20)
    channels, count = backend.list_sales_channels(
        q=query.get("q"),
        ids=_many(call, "id"),
        names=_many(call, "name"),
        is_disabled=query.get("is_disabled"),
        publishable_key_ids=_many(call, "publishable_key_id"),
        order=query.get("order"),
        offset=offset,
        limit=limit,
    )
    fields = _fields(call)
    return Reply(
        {
            "sales_channels": [sales_channel_json(c, fields) for c in channels],
            "count": count,
            "offset": offset,
            "limit": limit,
        }
    )


def post_sales_channels(backend: XcladeBackend, call: Call) -> Reply:
    body = _body(call)
    channel = backend.create_sales_channel(
        body["name"], body.get("description"), bool(body.get("is_disabled", False)), body.get("metadata")
    )
    return Reply({"sales_channel": sales_channel_json(channel, _fields(call))})


def post_sales_channel(backend: XcladeBackend, call: Call) -> Reply:
    channel = backend.update_sales_channel(call.path["id"], _body(call))
    return Reply({"sales_channel": sales_channel_json(channel, _fields(call))})


def delete_sales_channel(backend: XcladeBackend, call: Call) -> Reply:
    channel_id = call.path["id"]
    backend.delete_sales_channel(channel_id)
    return Reply({"id": channel_id, "object": "sales-channel", "deleted": True})


def get_sales_channel(backend: XcladeBackend, call: Call) -> Reply:
    channel = backend.get_sales_channel(call.path["id"])
    return Reply({"sales_channel": sales_channel_json(channel, _fields(call))})


def post_sales_channel_products(backend: XcladeBackend, call: Call) -> Reply:
    body = _body(call)
    channel = backend.link_products(call.path["id"], body.get("add") or [], body.get("remove") or [])
    if channel is None:
        return Reply({})  # the medusa-2.21 profile: an unknown channel is refetched as undefined
    return Reply({"sales_channel": sales_channel_json(channel, _fields(call))})


def post_products(backend: XcladeBackend, call: Call) -> Reply:
    body = _body(call)
    product = backend.create_product(
        body["title"],
        options=body.get("options") or [],
        status=body.get("status"),
        description=body.get("description"),
        handle=body.get("handle"),
        sales_channel_ids=[link["id"] for link in body.get("sales_channels") or []],
    )
    channels = [sales_channel_json(c, None) if c else None for c in backend.product_channels(product)]
    return Reply({"product": {**product_json(product, None, PRODUCT_FIELDS), "sales_channels": channels}})


def delete_product(backend: XcladeBackend, call: Call) -> Reply:
    product_id = call.path["id"]
    backend.delete_product(product_id)
    return Reply({"id": product_id, "object": "product", "deleted": True})


# -- store -----------------------------------------------------------------------------------------------------


def get_store_products(backend: XcladeBackend, call: Call) -> Reply:
    query = call.query
    offset, limit = paging(backend, call, STORE_PRODUCTS_DEFAULT_LIMIT)
    products, count = backend.store_products(call.principal, q=query.get("q"), offset=offset, limit=limit)
    fields = _fields(call)
    return Reply(
        {
            "products": [product_json(p, fields) for p in products],
            "count": count,
            "offset": offset,
            "limit": limit,
        }
    )


def get_store_product(backend: XcladeBackend, call: Call) -> Reply:
    product = backend.store_product(call.principal, call.path["id"])
    return Reply({"product": product_json(product, _fields(call))})


HANDLERS: dict[str, Handler] = {
    "PostAuthUserEmailpass": reaches_database(post_auth_user_emailpass),
    "PostSession": reaches_database(post_session),
    "DeleteSession": reaches_database(delete_session),
    "PostAdminAuthTokenRefresh": reaches_database(post_token_refresh),
    "GetApiKeys": reaches_database(get_api_keys),
    "PostApiKeys": reaches_database(post_api_keys),
    "GetApiKeysId": reaches_database(get_api_key),
    "PostApiKeysId": reaches_database(post_api_key),
    "DeleteApiKeysId": reaches_database(delete_api_key),
    "PostApiKeysIdRevoke": reaches_database(post_api_key_revoke),
    "PostApiKeysIdSalesChannels": reaches_database(post_api_key_sales_channels),
    "GetSalesChannels": reaches_database(get_sales_channels),
    "PostSalesChannels": reaches_database(post_sales_channels),
    "GetSalesChannelsId": reaches_database(get_sales_channel),
    "PostSalesChannelsId": reaches_database(post_sales_channel),
    "DeleteSalesChannelsId": reaches_database(delete_sales_channel),
    "PostSalesChannelsIdProducts": reaches_database(post_sales_channel_products),
    "PostProducts": reaches_database(post_products),
    "DeleteProductsId": reaches_database(delete_product),
    "GetProducts": reaches_database(get_store_products),
    "GetProductsId": reaches_database(get_store_product),
}


# -- the control plane: POST /__revokit/revoke-keys ------------------------------------------------

SELECTOR_FIELDS = (
    "q", "id", "token", "title", "type", "created_by", "revoked_at", "sales_channel_id", "$and", "$or",
)  # fmt: skip
REVOKE_FIELDS = ("revoke_in", "revoked_by")
MAX_SELECTOR_DEPTH = 8


def key_selector_from_json(value: Any, where: str = "selector", depth: int = 0) -> KeySelector:
    """The workflow's ``selector`` as JSON: ``{"type": "secret", "revoked_at": null}``,
    ``{"id": ["apk_1", "apk_2"]}``, ``{"sales_channel_id": "sc_1"}``, ``{"$or": [...]}``."""
    if depth > MAX_SELECTOR_DEPTH:
        raise BadControlInput(f"'{where}' nests $and/$or deeper than {MAX_SELECTOR_DEPTH} levels")
    data = fields_of(value, where, SELECTOR_FIELDS)

    def strings(name: str) -> tuple[str, ...] | None:
        return string_list(data[name], f"{where}.{name}") if name in data else None

    key_type = data.get("type")
    if key_type is not None and key_type not in KEY_TYPES:
        raise BadControlInput(f"'{where}.type' must be one of {', '.join(KEY_TYPES)}")

    def nested(name: str) -> tuple[KeySelector, ...] | None:
        if name not in data:
            return None
        parts = data[name]
        if not isinstance(parts, list) or not parts:
            raise BadControlInput(f"'{where}.{name}' must be a non-empty list of selectors")
        return tuple(
            key_selector_from_json(p, f"{where}.{name}[{i}]", depth + 1) for i, p in enumerate(parts)
        )

    return KeySelector(
        q=optional_string(data.get("q"), f"{where}.q"),
        ids=strings("id"),
        tokens=strings("token"),
        titles=strings("title"),
        key_type=key_type,
        created_by=strings("created_by"),
        revoked_at=_date_condition(data["revoked_at"], f"{where}.revoked_at")
        if "revoked_at" in data
        else None,
        sales_channel_ids=strings("sales_channel_id"),
        all_of=nested("$and") or (),
        any_of=nested("$or"),
    )


def _date_condition(value: Any, where: str) -> dict[str, Any]:
    """``null`` (IS NULL), an instant (equals), or an operator map such as
    ``{"$lt": "2026-01-01T00:00:00Z"}``; ``{"$eq": null}`` / ``{"$ne": null}`` test for NULL."""
    if value is None:
        return {"$null": True}
    operators = {"$eq": value} if isinstance(value, str) else value
    if not isinstance(operators, Mapping) or not operators:
        raise BadControlInput(f"'{where}' must be null, an ISO-8601 instant or an operator object")
    condition: dict[str, Any] = {}
    for op, bound in operators.items():
        if op not in DATE_OPERATORS:
            raise BadControlInput(
                f"'{where}' has an unknown operator {op!r}; known: {', '.join(DATE_OPERATORS)}"
            )
        if bound is None and op in ("$eq", "$ne"):
            condition["$null"] = op == "$eq"
            continue
        try:
            condition[op] = parse_instant(bound)
        except (TypeError, ValueError, AttributeError):
            raise BadControlInput(f"'{where}.{op}' must be an ISO-8601 instant") from None
    return condition


def revoke_keys(backend: XcladeBackend, body: Mapping[str, Any]) -> dict[str, Any]:
    """``POST /__revokit/revoke-keys``: ``revokeApiKeysWorkflow`` with ``{selector, revoke}``."""
    data = fields_of(body, "body", ("selector", "revoke"))
    if "selector" not in data:
        raise BadControlInput("'selector' is required (an object; {} selects every key)")
    selector = key_selector_from_json(data["selector"])
    revoke = fields_of(data.get("revoke", {}), "revoke", REVOKE_FIELDS)
    keys = backend.revoke_api_keys(
        selector,
        KeyRevoke(
            revoked_by=optional_string(revoke.get("revoked_by"), "revoke.revoked_by"),
            revoke_in=optional_seconds(revoke.get("revoke_in"), "revoke.revoke_in"),
        ),
    )
    return {"api_keys": [revoked_api_key_json(k) for k in keys]}


def issue_token(backend: XcladeBackend, email: str) -> dict[str, Any] | None:
    """``POST /__revokit/tokens``: a ready JWT for a seeded admin user."""
    user = backend.user_by_email(email)
    if user is None:
        return None
    return {"token": backend.issue_jwt(user), "user_id": user.id, "email": user.email}


def banner_lines(seed: dict[str, Any]) -> list[tuple[str, str]]:
    """What ``revokit mock`` prints for xclade-v2: the admin's login, a secret and a store key."""
    admin = seed["admin"]
    active = [k for k in seed["api_keys"] if k["state"] == "active"]
    secret = next(k for k in active if k["type"] == "secret")
    store_key = next(k for k in active if k["type"] == "publishable" and k["sales_channels"])
    return [
        ("admin", f"{admin['email']} / {admin['password']}  (POST /auth/user/emailpass)"),
        ("secret key", f"{secret['token']}  (HTTP Basic)"),
        ("store key", store_key["token"]),
        ("", "send it as x-publishable-api-key on every /store request"),
    ]


def docs_credentials(seed: dict[str, Any]) -> dict[str, Any]:
    """The docs page's "try it out": the admin's JWT (one scheme per Authorization header) and a
    publishable key with a sales channel for the /store routes."""
    store_key = next(
        k
        for k in seed["api_keys"]
        if k["state"] == "active" and k["type"] == "publishable" and k["sales_channels"]
    )
    return {"jwt_token": seed["admin"]["token"], "publishable_api_key": store_key["token"]}
