"""The xclade / Medusa v2 domain: admin users and sessions, API keys, sales channels, products.

Pure Python: no Flask, no HTTP. The rules are those of ``@medusajs/api-key@2.21.2`` and the
admin routes around it (the contract is ``specs/xclade-v2.yaml``):

* secret keys (``sk_`` + 64 hex) are stored only as ``scrypt(token, salt)``; publishable keys
  (``pk_`` + 64 hex) are public and stored as they are;
* a revocation takes effect at ``revoked_at``, which may lie in the future (``revoke_in``); until
  then the key works everywhere;
* a secret key whose revocation is in effect cannot be revoked again; any other key can, and the
  new time and revoker replace the old ones;
* only keys whose revocation is in effect can be deleted, and deletion is for good;
* only publishable keys have sales channels, and a store request sees the products of its key's
  channels.

Deviations of the ``medusa-2.21`` profile from the documented contract are checked here with
``profile.enabled(flag)``; the flags are listed in ``specs/profiles/medusa-2.21.yaml``.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from ...clock import isoformat_ms_or_none
from ...engine import BackendContext, SeedContext, key_row
from ...hashing import VerifiedTokens, hash_secret, seed_hash, verify_secret
from ...jwt_claims import not_yet_valid
from ...node.express_session import new_session_id, session_id_from_cookie, signed_cookie
from ...store import Bound, within
from .exceptions import (
    ApiKeyNotFound,
    InvalidEmailOrPassword,
    InvalidOrderField,
    KeysNotRevoked,
    ProductHandleTaken,
    ProductNotFound,
    ProductOptionsMissing,
    PublishableKeyInvalid,
    PublishableKeyRequired,
    PublishableKeyWithoutSalesChannel,
    RevokedByRequired,
    SalesChannelNotFound,
    SalesChannelsMissing,
    SalesChannelsNeedPublishableKey,
    SalesChannelToUpdateNotFound,
    SecretKeysAlreadyRevoked,
    UnknownError,
    UserNotFound,
)

USERS = "users"
SESSIONS = "sessions"
SALES_CHANNELS = "sales_channels"
PRODUCTS = "products"
API_KEYS = "api_keys"
INDEXES = {
    USERS: ["email"],
    API_KEYS: ["redacted", "token", "sales_channel_ids", "type"],
    PRODUCTS: ["sales_channel_ids"],
}

SECRET = "secret"
PUBLISHABLE = "publishable"
KEY_TYPES = (PUBLISHABLE, SECRET)
_TOKEN_PREFIX = {SECRET: "sk_", PUBLISHABLE: "pk_"}

JWT_ALGORITHM = "HS256"
SESSION_COOKIE = "connect.sid"
LATEST_INSTANT = datetime(9999, 12, 31, 23, 59, 59, 999000, tzinfo=UTC)

# Behaviour-profile flags (specs/profiles/medusa-2.21.yaml).
SALES_CHANNEL_EDITABLE = ("name", "description", "is_disabled", "metadata")

FLAG_UPDATE_UNKNOWN = "update_unknown_key_returns_empty"
FLAG_REVOKE_UNKNOWN = "revoke_unknown_key_returns_empty"
FLAG_DELETE_UNKNOWN = "delete_unknown_key_reports_deleted"
FLAG_DELETE_UNKNOWN_CHANNEL = "delete_unknown_channel_reports_deleted"
FLAG_PAGING_PARSE_INT = "paging_parsed_leniently"
FLAG_AUTOMATIC_OPTIONS = "automatic_options_answer"
FLAG_SALES_CHANNELS_UNKNOWN = "sales_channels_unknown_key_fails"
FLAG_ORDER_UNKNOWN_COLUMN = "order_unknown_column_fails"
FLAG_NEGATIVE_PAGING = "negative_paging_fails"
FLAG_STORE_PAGING = "store_paging_unchecked"
FLAG_DATE_FILTER = "date_filter_fails_in_database"
FLAG_DATE_OPERATOR_IGNORED = "unknown_date_operator_ignored"
FLAG_DELETE_QUERY_UNCHECKED = "delete_query_unchecked"
FLAG_PROTOTYPE_FIELDS = "fields_naming_object_prototype_fail"
FLAG_UNSAFE_PAGING = "unsafe_integer_paging_ignored"
FLAG_REVOKE_IN_RANGE = "revoke_in_beyond_last_year_fails"
FLAG_NUL = "nul_character_fails_in_database"
FLAG_CHANNEL_PRODUCTS_UNKNOWN = "channel_products_unknown_channel_returns_empty"
FLAG_DUPLICATE_LINK = "duplicate_link_ids_fail"
FLAG_EXPRESS_404 = "unrouted_requests_express_not_found"
FLAG_JWT_USER_NOT_LOOKED_UP = "jwt_user_not_looked_up"

# Fields a list may be ordered by (the table's columns); anything else is refused (see parse_order).
API_KEY_COLUMNS = (
    "id", "title", "token", "salt", "redacted", "type", "last_used_at", "created_by",
    "created_at", "updated_at", "revoked_by", "revoked_at", "deleted_at",
)  # fmt: skip
SALES_CHANNEL_COLUMNS = (
    "id", "name", "description", "is_disabled", "metadata", "created_at", "updated_at", "deleted_at",
)  # fmt: skip
# What ``q`` searches in a key (its plain token never: a secret's is not stored).
KEY_SEARCH_FIELDS = ("title", "redacted")
PRODUCT_COLUMNS = ("id", "title", "handle", "status", "description", "created_at", "updated_at")


# -- records ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    id: str
    email: str
    first_name: str | None
    last_name: str | None
    auth_identity_id: str
    password_salt: str
    password_hash: str  # scrypt(password, salt); the password itself is never stored
    created_at: datetime


@dataclass(frozen=True)
class Session:
    id: str
    auth_context: dict[str, Any]  # the decoded JWT the session was opened with
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class Actor:
    """Who made an admin call: a user (JWT or session) or a secret key."""

    actor_id: str
    actor_type: str  # user | api-key
    auth_context: dict[str, Any] | None = None
    session_id: str | None = None


@dataclass(frozen=True)
class SalesChannel:
    id: str
    name: str
    description: str | None
    is_disabled: bool
    metadata: dict[str, Any] | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class Product:
    id: str
    title: str
    handle: str
    status: str  # draft | proposed | published | rejected
    description: str | None
    sales_channel_ids: tuple[str, ...]
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)  # slots: a store may hold 100,000 of them
class ApiKey:
    id: str
    title: str
    type: str  # publishable | secret
    token: str  # the full pk_ token, or scrypt(sk_ token, salt) for secret keys
    salt: str  # "" for publishable keys
    redacted: str
    created_by: str
    created_at: datetime
    updated_at: datetime
    last_used_at: datetime | None = None  # never written by 2.21.2
    revoked_at: datetime | None = None
    revoked_by: str | None = None
    deleted_at: datetime | None = None
    sales_channel_ids: tuple[str, ...] = ()

    def revoked_by_time(self, now: datetime) -> bool:
        """The revocation has taken effect (a future ``revoked_at`` has not)."""
        return self.revoked_at is not None and self.revoked_at <= now


def redact(token: str) -> str:
    return f"{token[:6]}***{token[-3:]}"


@dataclass(frozen=True)
class KeySelector:
    """Which keys a revoke applies to: the workflow's ``selector`` (``FilterableApiKeyProps``:
    ``q``, ``id``, ``token``, ``title``, ``type``, ``revoked_at``, ``$and``/``$or``), plus the
    ``created_by`` column and the sales channels a key is linked to.

    Every condition given must hold. ``None`` leaves a field free; an empty tuple matches no key,
    as ``IN ()`` does in SQL. An empty selector matches every key.
    """

    q: str | None = None
    ids: tuple[str, ...] | None = None
    tokens: tuple[str, ...] | None = None
    titles: tuple[str, ...] | None = None
    key_type: str | None = None
    created_by: tuple[str, ...] | None = None
    revoked_at: DateFilter | None = None
    sales_channel_ids: tuple[str, ...] | None = None
    all_of: tuple[KeySelector, ...] = ()
    any_of: tuple[KeySelector, ...] | None = None

    def matches(self, key: ApiKey) -> bool:
        return (
            (not self.q or contains(key.title, self.q) or contains(key.redacted, self.q))
            and (self.ids is None or key.id in self.ids)
            and (self.tokens is None or key.token in self.tokens)
            and (self.titles is None or key.title in self.titles)
            and (self.key_type is None or key.type == self.key_type)
            and (self.created_by is None or key.created_by in self.created_by)
            and matches_date(key.revoked_at, self.revoked_at)
            and (
                self.sales_channel_ids is None
                or any(cid in self.sales_channel_ids for cid in key.sales_channel_ids)
            )
            and all(part.matches(key) for part in self.all_of)
            and (self.any_of is None or any(part.matches(key) for part in self.any_of))
        )


@dataclass(frozen=True)
class KeyRevoke:
    """The workflow's ``revoke``: who revokes, and in how many seconds (none, 0 or less: now)."""

    revoked_by: str | None
    revoke_in: float | None = None


# -- list helpers -------------------------------------------------------------------------------


DateFilter = Mapping[str, datetime | bool | None]  # operator -> bound; "$null" -> IS [NOT] NULL
DATE_OPERATORS: dict[str, Callable[[datetime, datetime], bool]] = {
    "$eq": lambda a, b: a == b,
    "$ne": lambda a, b: a != b,
    "$gt": lambda a, b: a > b,
    "$gte": lambda a, b: a >= b,
    "$lt": lambda a, b: a < b,
    "$lte": lambda a, b: a <= b,
}


def matches_date(value: datetime | None, condition: DateFilter | None) -> bool:
    """SQL semantics: a NULL column matches no comparison; ``{"$null": True}`` is ``IS NULL`` and
    ``{"$null": False}`` is ``IS NOT NULL`` (either may come with comparisons)."""
    if condition is None:
        return True
    comparisons = {op: bound for op, bound in condition.items() if op != "$null"}
    if "$null" in condition and (value is None) != bool(condition["$null"]):
        return False
    if value is None:
        return not comparisons
    # A comparison with NULL (the medusa-2.21 profile reads "null" so) is never true.
    return all(bound is not None and DATE_OPERATORS[op](value, bound) for op, bound in comparisons.items())


def date_bounds(condition: DateFilter) -> tuple[Bound | None, Bound | None] | None:
    """The range a date filter selects, as store bounds; ``None`` when it is no plain range
    (``$null``, ``$ne``, a null bound: those take the full scan)."""
    lower: Bound | None = None
    upper: Bound | None = None
    for op, bound in condition.items():
        if not isinstance(bound, datetime) or op not in ("$eq", "$gt", "$gte", "$lt", "$lte"):
            return None
        if op in ("$eq", "$gt", "$gte"):
            candidate = (bound, op != "$gt")
            if lower is None or candidate[0] > lower[0] or (candidate[0] == lower[0] and not candidate[1]):
                lower = candidate
        if op in ("$eq", "$lt", "$lte"):
            candidate = (bound, op != "$lt")
            if upper is None or candidate[0] < upper[0] or (candidate[0] == upper[0] and not candidate[1]):
                upper = candidate
    return lower, upper


def contains(text: str | None, needle: str) -> bool:
    return text is not None and needle.lower() in text.lower()


def parse_order(
    order: str | None, columns: Sequence[str], *, unknown_fails_in_database: bool = False
) -> list[tuple[str, bool]]:
    """``title`` / ``-created_at`` -> [(field, descending)]: one column, ``-`` for descending.

    Anything else names no column (2.21.2 takes ``type,created_at``, ``+type`` and `` type`` whole,
    as one field): the contract refuses it with 400; 2.21.2 passes it to Postgres, which fails
    (500): ``unknown_fails_in_database``, the medusa-2.21 profile.
    """
    if not order:
        return []
    descending = order.startswith("-")
    name = order[1:] if descending else order
    if name not in columns:
        if unknown_fails_in_database:
            raise UnknownError()  # Postgres: column does not exist -> 500
        raise InvalidOrderField(name)
    return [(name, descending)]


def sort_records(records: list[Any], order: list[tuple[str, bool]]) -> list[Any]:
    """Default order is ``id`` ascending; NULLs sort last ascending and first descending."""
    items = sorted(records, key=lambda r: r.id)
    for name, descending in reversed(order):
        items.sort(key=lambda r, n=name: _sort_key(getattr(r, n)), reverse=descending)
    return items


def _sort_key(value: Any) -> tuple[bool, Any]:
    if value is None:
        return (True, 0)
    if isinstance(value, dict):
        return (False, repr(sorted(value.items())))
    return (False, value)


def page(records: list[Any], offset: int | float, limit: int | float) -> list[Any]:
    """One page; ``offset`` and ``limit`` are what ``paging_reaches_database`` let through."""
    return records[int(offset) : int(offset + limit)]


MAX_SAFE_INTEGER = 2**53 - 1


def paging_reaches_database(
    offset: int | float, limit: int | float, unsafe_ignored: bool
) -> tuple[int | float, int | float | None]:
    """The offset and limit the admin query runs with (``None``: no LIMIT).

    Only the medusa-2.21 profile lets a negative one past validation (negative_paging_fails):
    Postgres refuses it (500). There too, one beyond JavaScript's safe integers is left out of
    the query altogether (unsafe_integer_paging_ignored; the answer still echoes it).
    """
    safe_offset = offset if not unsafe_ignored or abs(offset) <= MAX_SAFE_INTEGER else 0
    safe_limit = limit if not unsafe_ignored or abs(limit) <= MAX_SAFE_INTEGER else None
    if safe_offset < 0 or (safe_limit is not None and safe_limit < 0):
        raise UnknownError()
    return safe_offset, safe_limit


# -- the backend --------------------------------------------------------------------------------


class XcladeBackend:
    def __init__(self, ctx: BackendContext) -> None:
        self.store = ctx.store
        self.clock = ctx.clock
        self.ids = ctx.ids
        self.settings = ctx.settings
        self.profile = ctx.profile
        self._verified = VerifiedTokens()
        self._known = ctx.known_tokens

    @property
    def _unsafe_paging_ignored(self) -> bool:
        return self.profile.enabled(FLAG_UNSAFE_PAGING)

    @property
    def _order_fails_in_database(self) -> bool:
        return self.profile.enabled(FLAG_ORDER_UNKNOWN_COLUMN)

    def reset_caches(self) -> None:
        self._verified.clear()

    def now(self) -> datetime:
        return self.clock.now()

    def key_overview(self) -> list[dict[str, Any]]:
        """Every key not deleted, with its sales channels, for the state page (redacted tokens)."""
        now = self.clock.now()
        channels = {c.id: c.name for c in self.store.all(SALES_CHANNELS)}
        keys: list[ApiKey] = sorted(
            (k for k in self.store.all(API_KEYS) if k.deleted_at is None), key=lambda k: (k.created_at, k.id)
        )
        return [
            key_row(
                key_id=k.id,
                name=k.title,
                kind=k.type,
                shown=k.redacted,
                revoked_at=k.revoked_at,
                now=now,
                scope_label="sales channels",
                scope=[channels.get(c, c) for c in k.sales_channel_ids] if k.type == PUBLISHABLE else [],
            )
            for k in keys
        ]

    # -- users, JWTs and sessions -----------------------------------------------------------------

    def get_user(self, user_id: str) -> User:
        user = self.store.get(USERS, user_id)
        if user is None:
            raise UserNotFound(user_id)
        return user

    def seed_refs(self) -> dict[str, Any]:
        """Seeded values the seed answers (fixtures/xclade-v2-answers.yaml) refer to by name."""
        channels = sorted(self.store.all(SALES_CHANNELS), key=lambda c: (c.created_at, c.id))
        # The store's default channel is the one created first, at install time.
        return {"default_sales_channel_id": channels[0].id if channels else None}

    def user_by_email(self, email: str) -> User | None:
        found = self.store.find(USERS, "email", email)
        return found[0] if found else None

    def login(self, email: str, password: str) -> str:
        """``POST /auth/user/emailpass``: a JWT for the user, or 401 for any mismatch."""
        user = self.user_by_email(email)
        if user is None or not verify_secret(
            password, user.password_salt, user.password_hash, n=self.settings.scrypt_n
        ):
            raise InvalidEmailOrPassword()
        return self.issue_jwt(user)

    def auth_context_for(self, user: User) -> dict[str, Any]:
        return {
            "actor_id": user.id,
            "actor_type": "user",
            "auth_identity_id": user.auth_identity_id,
            "auth_provider": "emailpass",
            "mfa_enabled": False,
            "mfa_challenge_completed_at": None,
            "app_metadata": {"user_id": user.id},
            "user_metadata": {},
        }

    def issue_jwt(self, user: User) -> str:
        return self.sign(self.auth_context_for(user))

    def sign(self, auth_context: Mapping[str, Any]) -> str:
        """A fresh HS256 JWT for an auth context, valid ``token_ttl_seconds`` from the mock's now."""
        now = int(self.now().timestamp())
        claims = {k: v for k, v in auth_context.items() if k not in ("iat", "exp")}
        claims.update(iat=now, exp=now + self.settings.token_ttl_seconds)
        return jwt.encode(claims, self.settings.jwt_secret, algorithm=JWT_ALGORITHM)

    def decode_jwt(self, token: str) -> dict[str, Any] | None:
        """The payload of a JWT this mock signed and that has not expired by the mock's clock."""
        try:
            claims = jwt.decode(
                token,
                self.settings.jwt_secret,
                algorithms=[JWT_ALGORITHM],
                options={"verify_exp": False, "verify_iat": False, "verify_nbf": False},
            )
        except jwt.PyJWTError:
            return None
        now = self.now().timestamp()
        # jsonwebtoken judges exp only when the token has one (2.21.2 accepts a token without it).
        exp = claims.get("exp")
        if "exp" in claims and (isinstance(exp, bool) or not isinstance(exp, int | float) or exp <= now):
            return None
        if not_yet_valid(claims, now):
            return None
        if not isinstance(claims.get("actor_id"), str) or not isinstance(claims.get("actor_type"), str):
            return None
        # The contract wants the token's user to exist; 2.21.2 trusts the signed auth context.
        if not self.profile.enabled(FLAG_JWT_USER_NOT_LOOKED_UP) and (
            claims["actor_type"] != "user" or self.store.get(USERS, claims["actor_id"]) is None
        ):
            return None
        return claims

    def refresh_jwt(self, auth_context: Mapping[str, Any]) -> str:
        return self.sign(auth_context)

    def open_session(self, auth_context: Mapping[str, Any]) -> tuple[Session, str]:
        """A server-side session and its ``connect.sid`` cookie value (express-session format)."""
        now = self.now()
        sid = new_session_id(self.ids)
        session = Session(sid, dict(auth_context), now, now + self.settings.session_ttl)
        self.store.put(SESSIONS, session)
        return session, signed_cookie(sid, self.settings.jwt_secret)

    def session_from_cookie(self, cookie: str | None) -> Session | None:
        sid = session_id_from_cookie(cookie, self.settings.jwt_secret)
        if sid is None:
            return None
        session = self.store.get(SESSIONS, sid)
        if session is None or session.expires_at <= self.now():
            return None
        return session

    def close_session(self, session_id: str) -> None:
        self.store.delete(SESSIONS, session_id)

    # -- secret keys as credentials ---------------------------------------------------------------

    def authenticate_secret_key(self, token: str) -> ApiKey | None:
        """The secret key behind ``token`` if it exists and its revocation is not in effect."""
        if not token.startswith("sk_"):
            return None
        key_id = self._verified.get(token)
        if key_id is None:
            now = self.now()
            for candidate in self.store.find(API_KEYS, "redacted", redact(token)):
                if candidate.type != SECRET or candidate.revoked_by_time(now):
                    continue
                if self._token_matches(candidate, token):
                    key_id = candidate.id
                    break
            if key_id is None:
                return None
            self._verified.remember(token, key_id)
        key = self.store.get(API_KEYS, key_id)
        if key is None or key.type != SECRET or key.revoked_by_time(self.now()):
            return None
        return key

    def _token_matches(self, key: ApiKey, token: str) -> bool:
        """By digest for a key this process knows; by scrypt (once) for one made before a restart."""
        known = self._known.matches(key.id, token)
        if known is not None:
            return known
        if not verify_secret(token, key.salt, key.token, n=self.settings.scrypt_n):
            return False
        self._known.learn(key.id, token)
        return True

    # -- API keys ----------------------------------------------------------------------------------

    def list_api_keys(
        self,
        *,
        q: str | None = None,
        ids: Sequence[str] = (),
        titles: Sequence[str] = (),
        tokens: Sequence[str] = (),
        key_type: str | None = None,
        created_at: DateFilter | None = None,
        updated_at: DateFilter | None = None,
        revoked_at: DateFilter | None = None,
        order: str | None = None,
        offset: int = 0,
        limit: int = 20,
    ) -> tuple[list[ApiKey], int]:
        sort = parse_order(order, API_KEY_COLUMNS, unknown_fails_in_database=self._order_fails_in_database)
        offset, query_limit = paging_reaches_database(offset, limit, self._unsafe_paging_ignored)
        limit = query_limit if query_limit is not None else self.store.count(API_KEYS)
        unfiltered = not (q or ids or titles or tokens or sort) and key_type is None
        if unfiltered and created_at is None and updated_at is None and revoked_at is None:
            # The default listing (by id): one page from the store's sorted index, whatever the total.
            return self.store.ordered(API_KEYS, "id", False, offset, limit), self.store.count(API_KEYS)
        if not (q or ids or titles or tokens or sort):
            listed = self._list_by_index(key_type, created_at, updated_at, revoked_at, offset, limit)
            if listed is not None:
                return listed
        no_other_filter = not (ids or titles or tokens) and all(
            f is None for f in (key_type, created_at, updated_at, revoked_at)
        )
        if no_other_filter and offset >= 0 and limit >= 0:
            # A page from the store's search column or a sorted index: the cost follows the keys,
            # not the attribute look-ups and sorts of the scan below (issue 18's 100,000 keys).
            everyone = self.store.count(API_KEYS)
            start, size = min(int(offset), everyone), min(int(limit), everyone)
            if q and not sort:
                return self.store.search(API_KEYS, KEY_SEARCH_FIELDS, q, start, size)
            if len(sort) == 1 and not q:
                ((field, descending),) = sort
                return self.store.ordered(API_KEYS, field, descending, start, size, id_ties=True), everyone
        keys = [
            k
            for k in self.store.all(API_KEYS)
            if (not q or any(contains(getattr(k, f), q) for f in KEY_SEARCH_FIELDS))
            and (not ids or k.id in ids)
            and (not titles or k.title in titles)
            and (not tokens or k.token in tokens)
            and (key_type is None or k.type == key_type)
            and matches_date(k.created_at, created_at)
            and matches_date(k.updated_at, updated_at)
            and matches_date(k.revoked_at, revoked_at)
        ]
        keys = sort_records(keys, sort)
        return page(keys, offset, limit), len(keys)

    def _list_by_index(
        self,
        key_type: str | None,
        created_at: DateFilter | None,
        updated_at: DateFilter | None,
        revoked_at: DateFilter | None,
        offset: int,
        limit: int,
    ) -> tuple[list[ApiKey], int] | None:
        """A page in id order filtered by exactly one of ``type`` or a date range, from the
        store's indexes, so its cost follows the page and the matches, not the store; ``None``
        when the filters need the full scan (several at once, ``$null``, ``$ne``...)."""
        given = [f for f in (key_type, created_at, updated_at, revoked_at) if f is not None]
        if len(given) != 1 or offset < 0 or limit < 0:
            return None
        if key_type is not None:
            total = self.store.count_of(API_KEYS, "type", key_type)
            return self.store.ordered_where(API_KEYS, "id", "type", key_type, offset, limit), total
        field, condition = next(
            (f, c)
            for f, c in (("created_at", created_at), ("updated_at", updated_at), ("revoked_at", revoked_at))
            if c is not None
        )
        bounds = date_bounds(condition)
        if bounds is None:
            return None
        lower, upper = bounds
        total = self.store.count_between(API_KEYS, field, lower, upper)

        wanted = offset + limit
        if total == 0 or offset >= total:
            return [], total
        everyone = self.store.count(API_KEYS)
        # Walking the id order visits about wanted * everyone / total keys; sorting the matches
        # costs about total * log(total): take the cheaper.
        if wanted * everyone / total <= total * max(1, total.bit_length()) // 4:
            found: list[ApiKey] = []
            position = 0
            chunk = max(64, min(4096, 2 * wanted * everyone // total))
            while len(found) < wanted and position < everyone:
                batch = self.store.ordered(API_KEYS, "id", False, position, chunk)
                # The range test of the count above (a plain range: date_bounds said so), not
                # matches_date's general one, whose operator table costs ~4x per key walked.
                found.extend(k for k in batch if within(getattr(k, field), lower, upper))
                position += chunk
            return found[offset:wanted], total
        return page(sort_records(self.store.between(API_KEYS, field, lower, upper), []), offset, limit), total

    def create_api_key(self, title: str, key_type: str, created_by: str) -> tuple[ApiKey, str]:
        """A new key and its plain token (the only time a secret's plain token exists)."""
        token = _TOKEN_PREFIX[key_type] + self.ids.token_hex(32)
        now = self.now()
        if key_type == SECRET:
            salt = self.ids.token_hex(16)
            stored = hash_secret(token, salt, n=self.settings.scrypt_n)
        else:
            salt, stored = "", token
        key = ApiKey(
            id=self.ids.prefixed_ulid("apk", now),
            title=title,
            type=key_type,
            token=stored,
            salt=salt,
            redacted=redact(token),
            created_by=created_by,
            created_at=now,
            updated_at=now,
        )
        self.store.put(API_KEYS, key)
        if key_type == SECRET:
            self._known.learn(key.id, token)
        return key, token

    def get_api_key(self, key_id: str) -> ApiKey:
        key = self.store.get(API_KEYS, key_id)
        if key is None:
            raise ApiKeyNotFound(key_id)
        return key

    def _missing_key(self, key_id: str, flag: str) -> None:
        """An id that names no key: the contract says 404; 2.21.2 answers per ``flag``."""
        if not self.profile.enabled(flag):
            raise ApiKeyNotFound(key_id)

    def update_api_key(self, key_id: str, title: str) -> ApiKey | None:
        """Rename a key (revoked ones too). ``None``: no such key, and the profile says 200 ``{}``."""
        with self.store.transaction():
            key = self.store.get(API_KEYS, key_id)
            if key is None:
                self._missing_key(key_id, FLAG_UPDATE_UNKNOWN)
                return None
            updated = dataclasses.replace(key, title=title, updated_at=self.now())
            self.store.put(API_KEYS, updated)
        return updated

    def revoke_api_keys(self, selector: KeySelector, revoke: KeyRevoke) -> list[ApiKey]:
        """``revokeApiKeysWorkflow``: revoke every key ``selector`` matches, all or nothing.

        Nothing matched is no error (an empty list). Otherwise the module's checks run first:
        ``revoked_by`` is required, and if any matched secret key's revocation is already in
        effect, nothing changes and the 400 counts those keys. Publishable keys are never
        checked, and a revocation still ahead is overwritten: every matched key gets the same new
        ``revoked_at`` and ``revoked_by``. Returned in the module's order (by id).
        """
        with self.store.transaction():
            if selector.ids is not None:
                found = (self.store.get(API_KEYS, key_id) for key_id in dict.fromkeys(selector.ids))
                candidates = [k for k in found if k is not None]
            else:
                candidates = self.store.all(API_KEYS)
            keys = sort_records([k for k in candidates if selector.matches(k)], [])
            if not keys:
                return []
            if not revoke.revoked_by:
                raise RevokedByRequired()
            now = self.now()
            limit = (LATEST_INSTANT - now).total_seconds()
            if (
                revoke.revoke_in is not None
                and revoke.revoke_in > limit
                and self.profile.enabled(FLAG_REVOKE_IN_RANGE)
            ):
                raise UnknownError()  # 2.21.2 writes a year past 9999, which Postgres refuses
            # 2.21.2 counts `revoked_at < now`; a key revoked at this very millisecond no longer
            # authenticates either (`revoked_at > now` is required), so it counts here too.
            already = sum(1 for k in keys if k.type == SECRET and k.revoked_by_time(now))
            if already:
                raise SecretKeysAlreadyRevoked(already)
            revoked_at = revocation_time(now, revoke.revoke_in)
            revoked = [
                dataclasses.replace(k, revoked_at=revoked_at, revoked_by=revoke.revoked_by, updated_at=now)
                for k in keys
            ]
            for key in revoked:
                self.store.put(API_KEYS, key)
        return revoked

    def revoke_api_key(self, key_id: str, revoke_in: float | None, revoked_by: str) -> ApiKey | None:
        """``POST /admin/api-keys/{id}/revoke``: the workflow with the selector ``{id}``.

        ``None``: no such key, and the profile says 200 ``{}`` (the contract answers 404).
        """
        revoked = self.revoke_api_keys(KeySelector(ids=(key_id,)), KeyRevoke(revoked_by, revoke_in))
        if not revoked:
            self._missing_key(key_id, FLAG_REVOKE_UNKNOWN)
            return None
        return revoked[0]

    def delete_api_key(self, key_id: str) -> None:
        """Delete a key whose revocation is in effect, with its sales-channel links."""
        with self.store.transaction():
            key = self.store.get(API_KEYS, key_id)
            if key is None:
                self._missing_key(key_id, FLAG_DELETE_UNKNOWN)
                return
            if not key.revoked_by_time(self.now()):
                raise KeysNotRevoked([key.id])
            self.store.delete(API_KEYS, key.id)

    def link_sales_channels(self, key_id: str, add: Sequence[str], remove: Sequence[str]) -> ApiKey:
        """Unlink ``remove`` then link ``add`` (every id of which must exist) on a publishable key.

        Revoked publishable keys are not refused. Unknown ids in ``remove`` are ignored.
        """
        with self.store.transaction():
            key = self.store.get(API_KEYS, key_id)
            if key is None:
                if self.profile.enabled(FLAG_SALES_CHANNELS_UNKNOWN):
                    raise UnknownError()  # 2.21.2 reads .type of an undefined key: a TypeError
                raise ApiKeyNotFound(key_id)
            if key.type != PUBLISHABLE:
                raise SalesChannelsNeedPublishableKey()
            wanted = list(dict.fromkeys(add))
            missing = [cid for cid in wanted if self.store.get(SALES_CHANNELS, cid) is None]
            if missing:
                raise SalesChannelsMissing(missing)
            self._duplicate_links(add)
            linked = [cid for cid in key.sales_channel_ids if cid not in set(remove)]
            linked.extend(cid for cid in wanted if cid not in linked)
            updated = dataclasses.replace(key, sales_channel_ids=tuple(linked))
            self.store.put(API_KEYS, updated)
        return updated

    def _duplicate_links(self, add: Sequence[str]) -> None:
        """2.21.2 inserts one link row per listed id: the second insert of the same pair breaks
        the link table's primary key, and the workflow fails with 500 (duplicate_link_ids_fail)."""
        if len(set(add)) < len(add) and self.profile.enabled(FLAG_DUPLICATE_LINK):
            raise UnknownError()

    def sales_channels_of(self, key: ApiKey) -> list[SalesChannel]:
        channels = (self.store.get(SALES_CHANNELS, cid) for cid in key.sales_channel_ids)
        return [c for c in channels if c is not None]

    # -- sales channels ----------------------------------------------------------------------------

    def list_sales_channels(
        self,
        *,
        q: str | None = None,
        ids: Sequence[str] = (),
        names: Sequence[str] = (),
        is_disabled: bool | None = None,
        publishable_key_ids: Sequence[str] = (),
        order: str | None = None,
        offset: int = 0,
        limit: int = 20,
    ) -> tuple[list[SalesChannel], int]:
        linked: set[str] | None = None
        if publishable_key_ids:
            # The channels linked to any of these keys; an unknown id links none.
            keys = (self.store.get(API_KEYS, key_id) for key_id in publishable_key_ids)
            linked = {c for k in keys if k is not None for c in k.sales_channel_ids}
        sort = parse_order(
            order, SALES_CHANNEL_COLUMNS, unknown_fails_in_database=self._order_fails_in_database
        )
        offset, query_limit = paging_reaches_database(offset, limit, self._unsafe_paging_ignored)
        limit = query_limit if query_limit is not None else self.store.count(SALES_CHANNELS)
        channels = [
            c
            for c in self.store.all(SALES_CHANNELS)
            if (not q or contains(c.name, q) or contains(c.description, q))
            and (not ids or c.id in ids)
            and (not names or c.name in names)
            and (is_disabled is None or c.is_disabled == is_disabled)
            and (linked is None or c.id in linked)
        ]
        channels = sort_records(channels, sort)
        return page(channels, offset, limit), len(channels)

    def create_sales_channel(
        self,
        name: str,
        description: str | None,
        is_disabled: bool,
        metadata: Mapping[str, Any] | None = None,
    ) -> SalesChannel:
        now = self.now()
        channel = SalesChannel(
            id=self.ids.prefixed_ulid("sc", now),
            name=name,
            description=description,
            is_disabled=is_disabled,
            metadata=dict(metadata) if metadata is not None else None,
            created_at=now,
            updated_at=now,
        )
        self.store.put(SALES_CHANNELS, channel)
        return channel

    def update_sales_channel(self, channel_id: str, changes: Mapping[str, Any]) -> SalesChannel:
        """Set the given fields (``name``, ``description``, ``is_disabled``, ``metadata``); an
        empty change answers the channel untouched (``updated_at`` too)."""
        with self.store.transaction():
            channel = self.store.get(SALES_CHANNELS, channel_id)
            if channel is None:
                raise SalesChannelToUpdateNotFound(channel_id)
            allowed = {k: v for k, v in changes.items() if k in SALES_CHANNEL_EDITABLE}
            if not allowed:
                return channel
            if "metadata" in allowed and allowed["metadata"] is not None:
                allowed["metadata"] = dict(allowed["metadata"])
            updated = dataclasses.replace(channel, **allowed, updated_at=self.now())
            self.store.put(SALES_CHANNELS, updated)
        return updated

    def delete_sales_channel(self, channel_id: str) -> None:
        """Delete a channel and every key's and product's link to it. An unknown id: 404, or in
        the medusa-2.21 profile nothing (delete_unknown_channel_reports_deleted)."""
        with self.store.transaction():
            if self.store.get(SALES_CHANNELS, channel_id) is None:
                if self.profile.enabled(FLAG_DELETE_UNKNOWN_CHANNEL):
                    return
                raise SalesChannelNotFound(channel_id)
            for key in self.store.find(API_KEYS, "sales_channel_ids", channel_id):
                kept = tuple(c for c in key.sales_channel_ids if c != channel_id)
                self.store.put(API_KEYS, dataclasses.replace(key, sales_channel_ids=kept))
            for product in self.store.find(PRODUCTS, "sales_channel_ids", channel_id):
                kept = tuple(c for c in product.sales_channel_ids if c != channel_id)
                self.store.put(PRODUCTS, dataclasses.replace(product, sales_channel_ids=kept))
            self.store.delete(SALES_CHANNELS, channel_id)

    def get_sales_channel(self, channel_id: str) -> SalesChannel:
        channel = self.store.get(SALES_CHANNELS, channel_id)
        if channel is None:
            raise SalesChannelNotFound(channel_id)
        return channel

    def link_products(
        self, channel_id: str, add: Sequence[str], remove: Sequence[str]
    ) -> SalesChannel | None:
        """Take products out of (``remove``) and put them in (``add``) a channel. Link creation does
        not check the product ids, so unknown ones change nothing. ``None``: no such channel, and
        the profile says 200 ``{}`` (2.21.2 links without looking the channel up, then refetches
        nothing)."""
        with self.store.transaction():
            self._duplicate_links(add)
            channel = self.store.get(SALES_CHANNELS, channel_id)
            if channel is None:
                if self.profile.enabled(FLAG_CHANNEL_PRODUCTS_UNKNOWN):
                    return None
                raise SalesChannelNotFound(channel_id)
            removing, adding = set(remove), list(dict.fromkeys(add))
            for product_id in dict.fromkeys([*remove, *add]):
                product = self.store.get(PRODUCTS, product_id)
                if product is None:
                    continue
                linked = [
                    c for c in product.sales_channel_ids if not (c == channel_id and product_id in removing)
                ]
                if product_id in adding and channel_id not in linked:
                    linked.append(channel_id)
                if tuple(linked) != product.sales_channel_ids:
                    self.store.put(PRODUCTS, dataclasses.replace(product, sales_channel_ids=tuple(linked)))
        return channel

    # -- products (the admin's create and delete) ------------------------------------------------------

    def create_product(
        self,
        title: str,
        *,
        options: Sequence[Mapping[str, Any]],
        status: str | None = None,
        description: str | None = None,
        handle: str | None = None,
        sales_channel_ids: Sequence[str] = (),
    ) -> Product:
        """``createProductsWorkflow`` for one product: at least one option, a free handle.

        Channel ids are linked as given, without a look-up (2.21.2 does not check them either).
        """
        if not options:
            raise ProductOptionsMissing(title)
        handle = handle if handle is not None else product_handle(title)
        with self.store.transaction():
            if any(p.handle == handle for p in self.store.all(PRODUCTS)):
                raise ProductHandleTaken(handle)
            now = self.now()
            product = Product(
                id=self.ids.prefixed_ulid("prod", now),
                title=title,
                handle=handle,
                status=status or "draft",
                description=description,
                sales_channel_ids=tuple(dict.fromkeys(sales_channel_ids)),
                created_at=now,
                updated_at=now,
            )
            self.store.put(PRODUCTS, product)
        return product

    def delete_product(self, product_id: str) -> None:
        """Delete by id; an unknown id is no error (2.21.2 answers the same confirmation)."""
        with self.store.transaction():
            if self.store.get(PRODUCTS, product_id) is not None:
                self.store.delete(PRODUCTS, product_id)

    def product_channels(self, product: Product) -> list[SalesChannel | None]:
        """The product's channels in link order; ``None`` for a linked id that names no channel."""
        return [self.store.get(SALES_CHANNELS, cid) for cid in product.sales_channel_ids]

    # -- the store ----------------------------------------------------------------------------------

    def publishable_key_for_store(self, header: str | None) -> ApiKey:
        """The key in ``x-publishable-api-key``: present, publishable, revocation not in effect."""
        if not header:
            raise PublishableKeyRequired()
        key = next((k for k in self.store.find(API_KEYS, "token", header) if k.type == PUBLISHABLE), None)
        if key is None or key.revoked_by_time(self.now()):
            raise PublishableKeyInvalid()
        return key

    def store_channel_ids(self, key: ApiKey) -> tuple[str, ...]:
        if not key.sales_channel_ids:
            raise PublishableKeyWithoutSalesChannel()
        return key.sales_channel_ids

    def _visible_products(self, channel_ids: Iterable[str]) -> list[Product]:
        seen: dict[str, Product] = {}
        for cid in channel_ids:
            for product in self.store.find(PRODUCTS, "sales_channel_ids", cid):
                if product.status == "published":
                    seen[product.id] = product
        return list(seen.values())

    def store_products(
        self, key: ApiKey, *, q: str | None = None, offset: int | float = 0, limit: int | float = 50
    ) -> tuple[list[Product], int]:
        channel_ids = self.store_channel_ids(key)
        if not any(self.store.find(PRODUCTS, "sales_channel_ids", cid) for cid in channel_ids):
            # With no product linked to the key's channels (whatever its status), 2.21.2 answers
            # an empty page before any query, so paging the medusa-2.21 profile lets through
            # (store_paging_unchecked: negative ones) is only echoed.
            return [], 0
        visible = self._visible_products(channel_ids)
        offset, query_limit = paging_reaches_database(offset, limit, self._unsafe_paging_ignored)
        products = [
            p
            for p in visible
            # 2.21.2 searches a product's title, subtitle and description, not its handle.
            if not q or contains(p.title, q) or contains(p.description, q)
        ]
        products = sort_records(products, [])
        limit = query_limit if query_limit is not None else len(products)
        return page(products, offset, limit), len(products)

    def store_product(self, key: ApiKey, product_id: str) -> Product:
        for product in self._visible_products(self.store_channel_ids(key)):
            if product.id == product_id:
                return product
        raise ProductNotFound(product_id)

    # -- seed -----------------------------------------------------------------------------------------

    def seed(self, ctx: SeedContext) -> dict[str, Any]:
        """Fill the store from ``fixtures/xclade-v2.yaml``; return the facts the banner prints."""
        fixture = ctx.fixture
        at = ctx.epoch
        n = self.settings.scrypt_n

        admin = fixture["admin"]
        salt = ctx.ids.token_hex(16)
        user = User(
            id=ctx.ids.prefixed_ulid("user", at),
            email=admin["email"],
            first_name=admin.get("first_name"),
            last_name=admin.get("last_name"),
            auth_identity_id=ctx.ids.prefixed_ulid("authid", at),
            password_salt=salt,
            password_hash=seed_hash(admin["password"], salt, n=n),
            created_at=at,
        )
        self.store.put(USERS, user)

        channels: dict[str, SalesChannel] = {}
        for spec in fixture.get("sales_channels", []):
            at += timedelta(minutes=1)
            description = spec["description"] if "description" in spec else ctx.faker.catch_phrase()
            channel = SalesChannel(
                id=ctx.ids.prefixed_ulid("sc", at),
                name=spec["name"],
                description=description,
                is_disabled=bool(spec.get("is_disabled", False)),
                metadata=None,
                created_at=at,
                updated_at=at,
            )
            self.store.put(SALES_CHANNELS, channel)
            channels[channel.name] = channel

        keys_out: list[dict[str, Any]] = []
        for spec in fixture.get("api_keys", []):
            at += timedelta(minutes=3)
            key, token = self._seed_key(ctx, spec, at, user, channels)
            self.store.put(API_KEYS, key)
            keys_out.append(
                {
                    "id": key.id,
                    "title": key.title,
                    "type": key.type,
                    "state": spec.get("state", "active"),
                    "token": token,
                    "redacted": key.redacted,
                    "revoked_at": isoformat_ms_or_none(key.revoked_at),
                    "sales_channels": list(key.sales_channel_ids),
                }
            )

        products_out: list[dict[str, Any]] = []
        nouns = fixture.get("product_nouns") or ["T-Shirt"]
        for spec in fixture.get("products", []):
            at += timedelta(minutes=2)
            title = f"{ctx.faker.color_name()} {ctx.rng.choice(nouns)}"
            product_id = ctx.ids.prefixed_ulid("prod", at)
            handle = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") + "-" + product_id[-4:].lower()
            product = Product(
                id=product_id,
                title=title,
                handle=handle,
                status=spec.get("status", "published"),
                description=ctx.faker.sentence(nb_words=10),
                sales_channel_ids=tuple(channels[name].id for name in spec.get("sales_channels", [])),
                created_at=at,
                updated_at=at,
            )
            self.store.put(PRODUCTS, product)
            products_out.append(
                {
                    "id": product.id,
                    "title": product.title,
                    "status": product.status,
                    "sales_channels": list(product.sales_channel_ids),
                }
            )

        return {
            "admin": {
                "email": user.email,
                "password": admin["password"],
                "user_id": user.id,
                "auth_identity_id": user.auth_identity_id,
                "token": self.issue_jwt(user),
            },
            "sales_channels": [{"id": c.id, "name": c.name} for c in channels.values()],
            "api_keys": keys_out,
            "products": products_out,
        }

    def _seed_key(
        self,
        ctx: SeedContext,
        spec: Mapping[str, Any],
        at: datetime,
        user: User,
        channels: Mapping[str, SalesChannel],
    ) -> tuple[ApiKey, str]:
        key_type = spec["type"]
        token = _TOKEN_PREFIX[key_type] + ctx.ids.token_hex(32)
        if key_type == SECRET:
            salt = ctx.ids.token_hex(16)
            stored = seed_hash(token, salt, n=self.settings.scrypt_n)
        else:
            salt, stored = "", token
        state = spec.get("state", "active")
        revoked_at = None
        if state == "revoked":
            revoked_at = at + timedelta(days=1)
        elif state == "revoke_scheduled":
            # Far enough ahead to be "in the future" for as long as this mock is in use.
            revoked_at = ctx.epoch + timedelta(days=365 * 50)
        created_by = spec.get("created_by", user.id)
        key = ApiKey(
            id=ctx.ids.prefixed_ulid("apk", at),
            title=spec["title"],
            type=key_type,
            token=stored,
            salt=salt,
            redacted=redact(token),
            created_by=created_by,
            created_at=at,
            updated_at=revoked_at if state == "revoked" and revoked_at else at,
            revoked_at=revoked_at,
            revoked_by=user.id if revoked_at else None,
            sales_channel_ids=tuple(channels[name].id for name in spec.get("sales_channels", [])),
        )
        if key_type == SECRET:
            self._known.learn(key.id, token)
        return key, token


def product_handle(title: str) -> str:
    """The default handle: lower case, every run of characters other than letters and digits one
    hyphen (2.21.2: "3D Mug" -> "3d-mug", "a  b__c" -> "a-b-c", "Café!" -> "café")."""
    return "-".join(part for part in re.split(r"[\W_]+", title.lower()) if part)


def revocation_time(now: datetime, revoke_in: float | None) -> datetime:
    """Now, or ``revoke_in`` whole seconds later (like ``Date.setSeconds``), at most the last
    instant a date can hold."""
    if revoke_in is None or not revoke_in > 0:  # NaN too: `revoke_in > 0` is false in JavaScript
        return now
    if revoke_in >= (LATEST_INSTANT - now).total_seconds():  # infinity included
        return LATEST_INSTANT
    return now + timedelta(seconds=int(revoke_in))
