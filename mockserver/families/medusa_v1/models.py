"""The Medusa 1.20 domain revokit mocks: admin users and their credentials, publishable API keys,
sales channels, products, carts, and how a publishable key scopes the store.

Pure Python: no Flask, no HTTP. Rules are the ones the 1.20 services apply (the contract is
``specs/medusa-v1.yaml``); where the ``medusa-1.20`` profile departs from the contract,
the code asks ``self.profile.enabled(flag)``. Errors are the family's exceptions.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

from ...engine import BackendContext, SeedContext, key_row
from ...hashing import seed_hash, verify_secret
from ...jwt_claims import not_yet_valid
from ...like import ilike
from ...node.express_session import new_session_id, session_id_from_cookie, signed_cookie
from ...node.passport_jwt import bearer_token
from .database_errors import postgres_round
from .exceptions import (
    AlreadyRevoked,
    DefaultChannelUndeletable,
    DisabledSalesChannel,
    ForeignKeyMissing,
    IncorrectCredentials,
    InvalidPublishableKey,
    JwtSecretMissing,
    KeyNotFound,
    MultipleChannels,
    NullValue,
    ProductChannelLinkTwice,
    ProductHandleTaken,
    ProductNotFound,
    SalesChannelNotFound,
    channel_out_of_scope,
    product_out_of_scope,
    products_missing,
)

USERS = "users"
SESSIONS = "sessions"
STORE = "store"
CHANNELS = "sales_channels"
KEYS = "publishable_api_keys"
KEY_LINKS = "publishable_api_key_sales_channels"
PRODUCTS = "products"
CARTS = "carts"
INDEXES = {
    USERS: ["email", "api_token"],
    KEY_LINKS: ["key_id", "sales_channel_id"],
    PRODUCTS: ["sales_channel_ids"],
}

STORE_ID = "store"
SESSION_COOKIE = "connect.sid"
JWT_ALGORITHM = "HS256"
JWT_TTL = timedelta(hours=24)

# medusa-1.20 profile flags read by the domain (descriptions in specs/profiles/medusa-1.20.yaml)
FLAG_STORE_ACCEPTS_INVALID_KEYS = "store_accepts_invalid_keys"
FLAG_UNKNOWN_KEY_CHANNELS_EMPTY = "unknown_key_sales_channels_empty"
FLAG_JWT_USER_NOT_LOOKED_UP = "jwt_user_not_looked_up"
FLAG_DELETE_UNKNOWN_CHANNEL = "delete_unknown_channel_reports_deleted"
FLAG_STORE_PRODUCT_ANY_STATUS = "store_product_any_status"
FLAG_STORE_DEFAULT_CHANNEL = "store_list_without_key_default_channel"

UNSET: Any = type("Unset", (), {"__repr__": lambda self: "UNSET"})()


def millis(instant: datetime) -> datetime:
    """Timestamps are kept to the millisecond, like the JavaScript Dates clients see."""
    return instant.replace(microsecond=instant.microsecond // 1000 * 1000)


# -- records ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class User:
    id: str
    email: str
    first_name: str | None
    last_name: str | None
    role: str
    api_token: str | None
    password_salt: str
    password_hash: str  # scrypt(password, salt); never rendered
    created_at: datetime
    updated_at: datetime
    metadata: dict[str, Any] | None = None
    deleted_at: datetime | None = None


@dataclass(frozen=True)
class Session:
    id: str  # the express-session id inside the signed connect.sid cookie
    user_id: str
    expires_at: datetime


@dataclass(frozen=True)
class StoreSettings:
    id: str
    default_sales_channel_id: str


@dataclass(frozen=True)
class SalesChannel:
    id: str
    name: str
    description: str | None
    is_disabled: bool
    created_at: datetime
    updated_at: datetime
    metadata: dict[str, Any] | None = None
    deleted_at: datetime | None = None  # soft delete


@dataclass(frozen=True)
class PublishableApiKey:
    id: str  # pk_<ULID>: also the value a storefront sends in x-publishable-api-key
    title: str
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    revoked_by: str | None = None
    revoked_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True)
class KeyChannelLink:
    """A row of publishable_api_key_sales_channel: no foreign keys, so either side may be gone."""

    id: str  # pksc_<ULID>
    key_id: str
    sales_channel_id: str
    created_at: datetime


@dataclass(frozen=True)
class ProductImage:
    id: str  # img_<ULID>
    url: str


@dataclass(frozen=True)
class Product:
    id: str
    title: str
    handle: str | None
    status: str
    description: str | None
    sales_channel_ids: tuple[str, ...]
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None = None
    subtitle: str | None = None
    is_giftcard: bool = False
    discountable: bool = True
    thumbnail: str | None = None
    images: tuple[ProductImage, ...] = ()
    collection_id: str | None = None
    weight: float | None = None
    length: float | None = None
    height: float | None = None
    width: float | None = None
    hs_code: str | None = None
    origin_country: str | None = None
    mid_code: str | None = None
    material: str | None = None
    metadata: dict[str, Any] | None = None


# POST /admin/products: the body fields stored as they come.
PRODUCT_PLAIN_FIELDS = (
    "subtitle", "description", "thumbnail", "collection_id", "weight", "length", "height", "width",
    "hs_code", "origin_country", "mid_code", "material", "metadata",
)  # fmt: skip


@dataclass(frozen=True)
class Cart:
    id: str
    sales_channel_id: str | None
    region_id: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class AdminPrincipal:
    """``req.user``: ``{userId}`` for a session or JWT, the full user for an API token."""

    user_id: str
    via: str  # session | jwt | api_token
    session_id: str | None = None


@dataclass(frozen=True)
class StoreScope:
    """``req.publishableApiKeyScopes``: the key's linked channel ids (dangling ones included)."""

    key_id: str | None
    sales_channel_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Page:
    items: list[Any]
    count: int


# -- query helpers ---------------------------------------------------------------------------------


_COMPARATORS: dict[str, Callable[[datetime, datetime], bool]] = {
    "lt": lambda a, b: a < b,
    "gt": lambda a, b: a > b,
    "lte": lambda a, b: a <= b,
    "gte": lambda a, b: a >= b,
}


def matches_dates(record: Any, filters: dict[str, dict[str, datetime]]) -> bool:
    for column, bounds in filters.items():
        value = getattr(record, column)
        for op, bound in bounds.items():
            if value is None or not _COMPARATORS[op](value, bound):
                return False  # SQL: a comparison with NULL is never true
    return True


def order_records(records: list[Any], column: str, descending: bool) -> list[Any]:
    """ORDER BY column [DESC]: Postgres puts NULLs last ascending and first descending."""
    present = [r for r in records if getattr(r, column) is not None]
    missing = [r for r in records if getattr(r, column) is None]
    present.sort(key=lambda r: getattr(r, column), reverse=descending)
    return missing + present if descending else present + missing


def paginate(records: list[Any], limit: int | None, offset: int) -> list[Any]:
    """One page: ``limit`` rows from ``offset`` on, every row when ``limit`` is None."""
    window = records[offset:]
    return window if limit is None else window[:limit]


def typeorm_window(limit: float, offset: float) -> tuple[int | None, int]:
    """The LIMIT (None: none) and OFFSET a find with ``take``/``skip`` runs: TypeORM leaves a falsy
    take or skip out (``take: 0`` lists every row, and Medusa 1.20 echoes ``limit: 0``), and
    Postgres rounds a fractional one half away from zero (``0.5`` is 1, ``-0.4`` is 0)."""
    return (postgres_round(limit) if limit else None), (postgres_round(offset) if offset else 0)


# -- the backend -----------------------------------------------------------------------------------


class MedusaV1Backend:
    def __init__(self, ctx: BackendContext) -> None:
        self.store = ctx.store
        self.clock = ctx.clock
        self.ids = ctx.ids
        self.settings = ctx.settings
        self.profile = ctx.profile
        self.json_texts = ctx.json_texts

    def now(self) -> datetime:
        return millis(self.clock.now())

    def key_overview(self) -> list[dict[str, Any]]:
        """Every publishable key with its sales channels, for the state page (keys are public)."""
        now = self.clock.now()
        channels = {c.id: c.name for c in self.store.all(CHANNELS)}
        keys: list[PublishableApiKey] = sorted(self.store.all(KEYS), key=lambda k: (k.created_at, k.id))
        return [
            key_row(
                key_id=k.id,
                name=k.title,
                kind="publishable",
                shown=k.id,
                revoked_at=k.revoked_at,
                now=now,
                scope_label="sales channels",
                scope=[
                    channels.get(link.sales_channel_id, link.sales_channel_id)
                    for link in self.store.find(KEY_LINKS, "key_id", k.id)
                ],
            )
            for k in keys
        ]

    # -- admin users and credentials --------------------------------------------------------

    def user(self, user_id: str) -> User | None:
        return self.store.get(USERS, user_id)

    def user_by_email(self, email: str) -> User | None:
        found = self.store.find(USERS, "email", email.lower())
        return next((u for u in found if u.deleted_at is None), None)

    def user_by_api_token(self, token: str) -> User | None:
        if not token:
            return None
        found = self.store.find(USERS, "api_token", token)
        return next((u for u in found if u.deleted_at is None), None)

    def login(self, email: str, password: str) -> User:
        """``AuthService.authenticate``: the email is matched lower-cased, the password by scrypt."""
        user = self.user_by_email(email)
        if user is None or not verify_secret(
            password, user.password_salt, user.password_hash, n=self.settings.scrypt_n
        ):
            raise IncorrectCredentials()
        return user

    # sessions: express-session ids in a cookie signed like cookie-signature does it

    def open_session(self, user: User) -> tuple[Session, str]:
        """A new session for ``user`` and the ``connect.sid`` cookie value that names it."""
        session_id = new_session_id(self.ids)
        session = Session(session_id, user.id, self.now() + self.settings.session_ttl)
        self.store.put(SESSIONS, session)
        return session, signed_cookie(session_id, self.settings.jwt_secret)

    def session_from_cookie(self, cookie: str | None) -> Session | None:
        session_id = session_id_from_cookie(cookie, self.settings.jwt_secret)
        if session_id is None:
            return None
        with self.store.transaction():
            session = self.store.get(SESSIONS, session_id)
            if session is None:
                return None
            now = self.now()
            if session.expires_at <= now:
                self.store.delete(SESSIONS, session_id)
                return None
            # resave: true + the default rolling cookie: every use starts a new maxAge window
            touched = dataclasses.replace(session, expires_at=now + self.settings.session_ttl)
            self.store.put(SESSIONS, touched)
        return touched

    def close_session(self, session_id: str | None) -> None:
        if session_id:
            self.store.delete(SESSIONS, session_id)

    # JWTs: jwt.sign({user_id, domain: "admin"}, jwt_secret, {expiresIn: "24h"})

    def issue_jwt(self, user: User) -> str:
        if not self.settings.jwt_secret:
            raise JwtSecretMissing()
        now = self.clock.now()
        claims = {
            "user_id": user.id,
            "domain": "admin",
            "iat": int(now.timestamp()),
            "exp": int((now + JWT_TTL).timestamp()),
        }
        return jwt.encode(claims, self.settings.jwt_secret, algorithm=JWT_ALGORITHM)

    def jwt_user_id(self, token: str) -> str | None:
        """passport-jwt's admin-bearer strategy: signature, expiry (by the mock's clock) and domain.

        The contract wants the token's user to exist; 1.20 does not look it up, so a well-signed
        token of a removed user still passes there (``jwt_user_not_looked_up``).
        """
        if not self.settings.jwt_secret:
            return None
        try:
            claims = jwt.decode(
                token,
                self.settings.jwt_secret,
                algorithms=[JWT_ALGORITHM],
                options={"verify_exp": False, "verify_nbf": False},
            )
        except jwt.PyJWTError:
            return None
        now = self.clock.now().timestamp()
        exp = claims.get("exp")
        if exp is not None and (not isinstance(exp, int | float) or exp <= now):
            return None
        if not_yet_valid(claims, now):
            return None
        user_id = claims.get("user_id")
        if claims.get("domain") != "admin" or not isinstance(user_id, str) or not user_id:
            return None
        if not self.profile.enabled(FLAG_JWT_USER_NOT_LOOKED_UP):
            user = self.user(user_id)
            if user is None or user.deleted_at is not None:
                return None
        return user_id

    def authenticate_admin(
        self, session_cookie: str | None, authorization: str | None, api_token: str | None
    ) -> AdminPrincipal | None:
        """``passport.authenticate(["admin-session", "admin-bearer", "admin-api-token"])``:
        the strategies in order, the first that succeeds wins."""
        session = self.session_from_cookie(session_cookie)
        if session is not None:
            return AdminPrincipal(session.user_id, "session", session.id)
        token = bearer_token(authorization)
        if token is not None:
            user_id = self.jwt_user_id(token)
            if user_id is not None:
                return AdminPrincipal(user_id, "jwt")
        if api_token:
            user = self.user_by_api_token(api_token)
            if user is not None:
                return AdminPrincipal(user.id, "api_token")
        return None

    # -- publishable API keys ---------------------------------------------------------------

    def create_key(self, title: str | None, created_by: str | None) -> PublishableApiKey:
        if title is None:  # only an empty array body gets here without one (array_body_skips_dto)
            raise NullValue("title", "publishable_api_key")
        now = self.now()
        key = PublishableApiKey(self.ids.prefixed_ulid("pk", now), title, created_by, now, now)
        self.store.put(KEYS, key)
        return key

    def get_key(self, key_id: str) -> PublishableApiKey:
        key = self.store.get(KEYS, key_id)
        if key is None:
            raise KeyNotFound(key_id)
        return key

    def list_keys(
        self,
        *,
        limit: int | None,
        offset: int,
        q: str | None = None,
        order: str | None = None,
        dates: dict[str, dict[str, datetime]] | None = None,
    ) -> Page:
        if not q and not dates and not order:
            # The default listing (newest first): one page from the store's sorted index.
            window = self.store.ordered(KEYS, "created_at", True, offset, limit)
            return Page(window, self.store.count(KEYS))
        keys: list[PublishableApiKey] = self.store.all(KEYS)
        if q:
            match = ilike(q)
            keys = [k for k in keys if match(k.title)]
        if dates:
            keys = [k for k in keys if matches_dates(k, dates)]
        column, descending = ("created_at", True) if not order else (order.lstrip("-"), order.startswith("-"))
        keys = order_records(keys, column, descending)
        return Page(paginate(keys, limit, offset), len(keys))

    def update_key(self, key_id: str, title: Any = UNSET) -> PublishableApiKey:
        with self.store.transaction():
            key = self.get_key(key_id)
            if title is UNSET or title == key.title:
                return key
            if title is None:
                raise NullValue("title", "publishable_api_key")
            updated = dataclasses.replace(key, title=title, updated_at=self.now())
            self.store.put(KEYS, updated)
        return updated

    def delete_key(self, key_id: str) -> None:
        """A hard delete; like 1.20 the key's channel links stay in the link table."""
        with self.store.transaction():
            self.get_key(key_id)
            self.store.delete(KEYS, key_id)

    def revoke_key(self, key_id: str, revoked_by: str) -> PublishableApiKey:
        return self.revoke_keys(revoked_by, ids=[key_id])[0]

    def revoke_keys(
        self,
        revoked_by: str | None,
        *,
        ids: Sequence[str] | None = None,
        sales_channel_ids: Sequence[str] | None = None,
        only_live: bool = False,
    ) -> list[PublishableApiKey]:
        """Revoke keys by the single revoke's rules, all or nothing.

        The keys are those named by ``ids`` (each must exist: 404 for the first that does not)
        and, when ``sales_channel_ids`` is given, linked to one of those channels (each must
        exist); ``only_live`` drops the keys already revoked. A key revoked before refuses the
        whole revoke, as the route refuses revoking it twice. Returned in the order of ``ids``,
        else by id.
        """
        with self.store.transaction():
            if ids is not None:
                keys = [self.get_key(key_id) for key_id in dict.fromkeys(ids)]
            else:
                keys = sorted(self.store.all(KEYS), key=lambda k: k.id)
            if sales_channel_ids is not None:
                linked = {
                    link.key_id
                    for channel_id in sales_channel_ids
                    for link in self.store.find(
                        KEY_LINKS, "sales_channel_id", self.get_channel(channel_id).id
                    )
                }
                keys = [k for k in keys if k.id in linked]
            if only_live:
                keys = [k for k in keys if not k.revoked]
            if any(k.revoked for k in keys):
                raise AlreadyRevoked()
            now = self.now()
            revoked = [
                dataclasses.replace(k, revoked_at=now, revoked_by=revoked_by, updated_at=now) for k in keys
            ]
            for key in revoked:
                self.store.put(KEYS, key)
        return revoked

    def _links(self, key_id: str) -> list[KeyChannelLink]:
        return self.store.find(KEY_LINKS, "key_id", key_id)

    def add_key_channels(self, key_id: str, channel_ids: Sequence[str]) -> PublishableApiKey:
        """INSERT ... ON CONFLICT DO NOTHING: duplicates skipped, channel ids never checked.

        1.20 inserts first and reads the key afterwards, inside one transaction; an unknown key
        therefore answers 404 and leaves no rows behind.
        """
        with self.store.transaction():
            key = self.get_key(key_id)
            linked = {link.sales_channel_id for link in self._links(key_id)}
            now = self.now()
            for channel_id in channel_ids:
                if channel_id in linked:
                    continue
                linked.add(channel_id)
                self.store.put(
                    KEY_LINKS, KeyChannelLink(self.ids.prefixed_ulid("pksc", now), key_id, channel_id, now)
                )
        return key

    def remove_key_channels(self, key_id: str, channel_ids: Sequence[str]) -> PublishableApiKey:
        with self.store.transaction():
            key = self.get_key(key_id)
            doomed = set(channel_ids)
            for link in self._links(key_id):
                if link.sales_channel_id in doomed:
                    self.store.delete(KEY_LINKS, link.id)
        return key

    def key_channels(self, key_id: str, q: str | None = None) -> list[SalesChannel]:
        """The raw join of links and channels: no ORDER BY, soft-deleted channels included,
        dangling links dropped. 1.20 never looks the key up; the contract answers 404."""
        with self.store.transaction():
            if not self.profile.enabled(FLAG_UNKNOWN_KEY_CHANNELS_EMPTY):
                self.get_key(key_id)
            channels = [self.store.get(CHANNELS, link.sales_channel_id) for link in self._links(key_id)]
        found = [c for c in channels if c is not None]
        if q:
            match = ilike(q)
            found = [c for c in found if match(c.description) or match(c.name)]
        return found

    # -- store scoping ---------------------------------------------------------------------

    def store_scope(self, key_id: str | None) -> StoreScope:
        """``extendRequestParams``: the key's links, looked up by id.

        1.20 never checks that the key exists or is live; the contract refuses both.
        """
        if not key_id:
            return StoreScope(None)
        with self.store.transaction():
            if not self.profile.enabled(FLAG_STORE_ACCEPTS_INVALID_KEYS):
                key = self.store.get(KEYS, key_id)
                if key is None or key.revoked:
                    raise InvalidPublishableKey()
            channel_ids = tuple(link.sales_channel_id for link in self._links(key_id))
        return StoreScope(key_id, channel_ids)

    @staticmethod
    def check_channel_param(scope: StoreScope, requested: str | Sequence[str] | None) -> None:
        """``validateSalesChannelParam``: every requested channel must be one of the key's."""
        if scope.key_id is None or not requested or not scope.sales_channel_ids:
            return
        wanted = [requested] if isinstance(requested, str) else list(requested)
        if not all(channel_id in scope.sales_channel_ids for channel_id in wanted):
            raise channel_out_of_scope(requested)

    def list_store_products(
        self,
        scope: StoreScope,
        *,
        limit: int | None,
        offset: int,
        q: str | None,
        channel_ids: str | Sequence[str] | None,
    ) -> Page:
        """``channel_ids`` as qs read it: a lone value is a string, repeated values a list."""
        self.check_channel_param(scope, channel_ids)
        requested = [channel_ids] if isinstance(channel_ids, str) else list(channel_ids or ())
        wanted = requested or list(scope.sales_channel_ids)
        if not wanted and scope.key_id is None and self.profile.enabled(FLAG_STORE_DEFAULT_CHANNEL):
            wanted = [self.default_channel_id()]  # 1.20.11's withDefaultSalesChannel
        products: list[Product] = [
            p for p in self.store.all(PRODUCTS) if p.status == "published" and p.deleted_at is None
        ]
        if wanted:
            allowed = set(wanted)
            products = [p for p in products if allowed.intersection(p.sales_channel_ids)]
        if q:
            match = ilike(q)
            products = [p for p in products if match(p.description) or match(p.title)]
        products = order_records(products, "created_at", True)
        return Page(paginate(products, limit, offset), len(products))

    def get_store_product(self, scope: StoreScope, product_id: str) -> Product:
        product = self.store.get(PRODUCTS, product_id)
        hidden = product is not None and product.status != "published"
        if hidden and self.profile.enabled(FLAG_STORE_PRODUCT_ANY_STATUS):
            hidden = False  # 1.20.11's retrieve never looks at the status (its list does)
        if product is None or product.deleted_at is not None or hidden:
            raise ProductNotFound(product_id)
        if scope.sales_channel_ids and not set(scope.sales_channel_ids).intersection(
            product.sales_channel_ids
        ):
            raise product_out_of_scope(product_id)
        return product

    def create_cart(self, scope: StoreScope, sales_channel_id: str | None, region_id: str | None) -> Cart:
        """``POST /store/carts``: an explicit channel wins, else the key's only channel, else the
        store's default; a key with several channels and no explicit one is an error."""
        self.check_channel_param(scope, sales_channel_id)
        if not sales_channel_id and scope.sales_channel_ids:
            if len(scope.sales_channel_ids) > 1:
                raise MultipleChannels()
            sales_channel_id = scope.sales_channel_ids[0]
        with self.store.transaction():
            if sales_channel_id:
                channel = self.get_channel(sales_channel_id)
            else:
                channel = self.get_channel(self.default_channel_id())
            if channel.is_disabled:
                raise DisabledSalesChannel(channel.name)
            now = self.now()
            cart = Cart(self.ids.prefixed_ulid("cart", now), channel.id, region_id, now, now)
            self.store.put(CARTS, cart)
        return cart

    # -- sales channels -----------------------------------------------------------------------

    def default_channel_id(self) -> str:
        settings: StoreSettings = self.store.get(STORE, STORE_ID)
        return settings.default_sales_channel_id

    def get_channel(self, channel_id: str) -> SalesChannel:
        channel = self.store.get(CHANNELS, channel_id)
        if channel is None or channel.deleted_at is not None:
            raise SalesChannelNotFound(channel_id)
        return channel

    def list_channels(self, *, limit: int | None, offset: int, q: str | None = None) -> Page:
        channels = [c for c in self.store.all(CHANNELS) if c.deleted_at is None]
        if q:
            match = ilike(q)
            channels = [c for c in channels if match(c.name) or match(c.description)]
        channels = order_records(channels, "created_at", True)
        return Page(paginate(channels, limit, offset), len(channels))

    def create_channel(
        self, name: str, description: str | None = None, is_disabled: Any = False
    ) -> SalesChannel:
        if is_disabled is None:
            raise NullValue("is_disabled", "sales_channel")
        now = self.now()
        channel = SalesChannel(
            self.ids.prefixed_ulid("sc", now), name, description, bool(is_disabled), now, now
        )
        self.store.put(CHANNELS, channel)
        return channel

    def update_channel(self, channel_id: str, changes: dict[str, Any]) -> SalesChannel:
        with self.store.transaction():
            channel = self.get_channel(channel_id)
            for column in ("name", "is_disabled"):
                if column in changes and changes[column] is None:
                    raise NullValue(column, "sales_channel")
            fields = {k: v for k, v in changes.items() if k in ("name", "description", "is_disabled")}
            if all(getattr(channel, k) == v for k, v in fields.items()):
                return channel
            updated = dataclasses.replace(channel, **fields, updated_at=self.now())
            self.store.put(CHANNELS, updated)
        return updated

    def delete_channel(self, channel_id: str) -> None:
        with self.store.transaction():
            existing = self.store.get(CHANNELS, channel_id)
            if self.profile.enabled(FLAG_DELETE_UNKNOWN_CHANNEL) and (
                existing is None or existing.deleted_at is not None
            ):
                return  # 1.20 soft-deletes by id without reading the channel first
            channel = self.get_channel(channel_id)
            if channel.id == self.default_channel_id():
                raise DefaultChannelUndeletable()
            now = self.now()
            self.store.put(CHANNELS, dataclasses.replace(channel, deleted_at=now, updated_at=now))

    def add_channel_products(self, channel_id: str, product_ids: Sequence[str]) -> SalesChannel:
        with self.store.transaction():
            # Medusa's validateProductsExist middleware runs first and answers with req.errors.
            missing = [p for p in product_ids if self.store.get(PRODUCTS, p) is None]
            if missing:
                raise products_missing(missing)
            products = [self.store.get(PRODUCTS, p) for p in product_ids]
            if products and self.store.get(CHANNELS, channel_id) is None:
                # The links are inserted before the channel is read: the product_sales_channel
                # foreign key refuses them, as formatException words a 23503.
                raise ForeignKeyMissing("sales_channel", "sales_channel_id", channel_id)
            channel = self.get_channel(channel_id)
            for product in products:
                current = self.store.get(PRODUCTS, product.id)
                if channel_id not in current.sales_channel_ids:
                    self.store.put(
                        PRODUCTS,
                        dataclasses.replace(
                            current, sales_channel_ids=(*current.sales_channel_ids, channel_id)
                        ),
                    )
        return channel

    def remove_channel_products(self, channel_id: str, product_ids: Sequence[str]) -> SalesChannel:
        with self.store.transaction():
            channel = self.get_channel(channel_id)
            for product_id in dict.fromkeys(product_ids):
                product = self.store.get(PRODUCTS, product_id)
                if product is not None and channel_id in product.sales_channel_ids:
                    remaining = tuple(c for c in product.sales_channel_ids if c != channel_id)
                    self.store.put(PRODUCTS, dataclasses.replace(product, sales_channel_ids=remaining))
        return channel

    def create_product(self, body: dict[str, Any]) -> Product:
        """``POST /admin/products``: the handle defaults to the title in kebab case and must be
        unique; with no sales channel the product goes to the store's default one."""
        requested = body.get("sales_channels") or []
        with self.store.transaction():
            now = self.now()
            product_id = self.ids.prefixed_ulid("prod", now)
            channel_ids = [c["id"] for c in requested] or [self.default_channel_id()]
            for index, channel_id in enumerate(channel_ids):
                if channel_id in channel_ids[:index]:
                    raise ProductChannelLinkTwice(product_id, channel_id)
            handle = body["handle"] if body.get("handle") is not None else _handle(body["title"])
            if any(p.handle == handle and p.deleted_at is None for p in self.store.all(PRODUCTS)):
                raise ProductHandleTaken(handle)
            if "status" in body and body["status"] is None:
                raise NullValue("status", "product")
            is_giftcard = bool(body.get("is_giftcard"))
            urls = body.get("images") or ()
            images = tuple(ProductImage(self.ids.prefixed_ulid("img", now), url) for url in urls)
            product = Product(
                id=product_id,
                title=body["title"],
                handle=handle,
                status=body.get("status") or "draft",
                sales_channel_ids=tuple(channel_ids),
                created_at=now,
                updated_at=now,
                is_giftcard=is_giftcard,
                # A gift card is never discountable, whatever the request says.
                discountable=False if is_giftcard else body.get("discountable", True) is not False,
                images=images,
                **{name: body.get(name) for name in PRODUCT_PLAIN_FIELDS if name != "thumbnail"},
                # Without a thumbnail of its own, the product shows its first image.
                thumbnail=body.get("thumbnail") or (urls[0] if urls else None),
            )
            self.store.put(PRODUCTS, product)
        return product

    def delete_product(self, product_id: str) -> None:
        """``DELETE /admin/products/{id}``: a soft delete by id; an unknown or deleted id is no
        error (1.20.11 deletes without reading the product first)."""
        with self.store.transaction():
            product = self.store.get(PRODUCTS, product_id)
            if product is not None and product.deleted_at is None:
                now = self.now()
                self.store.put(PRODUCTS, dataclasses.replace(product, deleted_at=now, updated_at=now))

    def missing_channels(self, requested: Any) -> list[str] | None:
        """The ids of ``sales_channels`` that name no channel (JavaScript's join: an item without
        an id counts as ``""``), or ``None`` when the value is not a list to check."""
        if not isinstance(requested, list):
            return None
        ids = [
            str(item["id"]) if isinstance(item, dict) and item.get("id") is not None else ""
            for item in requested
        ]
        return [
            i for i in ids if self.store.get(CHANNELS, i) is None or self.store.get(CHANNELS, i).deleted_at
        ]

    def channel_names(self, channel_ids: Iterable[str]) -> list[SalesChannel]:
        channels = [self.store.get(CHANNELS, c) for c in channel_ids]
        return [c for c in channels if c is not None and c.deleted_at is None]

    # -- seed ---------------------------------------------------------------------------------

    def seed(self, ctx: SeedContext) -> dict[str, Any]:
        fixture = ctx.fixture
        at = ctx.epoch
        step = timedelta(minutes=5)

        admin_spec = fixture["admin"]
        salt = ctx.ids.token_hex(16)
        admin = User(
            id=ctx.ids.prefixed_ulid("usr", at),
            email=admin_spec["email"].lower(),
            first_name=admin_spec.get("first_name"),
            last_name=admin_spec.get("last_name"),
            role=admin_spec.get("role", "admin"),
            api_token=admin_spec.get("api_token") or ctx.ids.token_hex(24),
            password_salt=salt,
            password_hash=seed_hash(admin_spec["password"], salt, n=self.settings.scrypt_n),
            created_at=at,
            updated_at=at,
        )
        self.store.put(USERS, admin)

        channels: dict[str, SalesChannel] = {}
        channels_out = []
        default_ref = None
        for spec in fixture.get("sales_channels", []):
            at += step
            channel = SalesChannel(
                id=ctx.ids.prefixed_ulid("sc", at),
                name=spec["name"],
                description=spec.get("description"),
                is_disabled=bool(spec.get("is_disabled", False)),
                created_at=at,
                updated_at=at,
            )
            self.store.put(CHANNELS, channel)
            channels[spec["ref"]] = channel
            if spec.get("default"):
                default_ref = spec["ref"]
            channels_out.append(
                {
                    "ref": spec["ref"],
                    "id": channel.id,
                    "name": channel.name,
                    "default": bool(spec.get("default")),
                }
            )
        if default_ref is None:
            raise ValueError("fixtures/medusa-v1.yaml: one sales channel must be the default")
        self.store.put(STORE, StoreSettings(STORE_ID, channels[default_ref].id))

        products_out = []
        for spec in fixture.get("products", []):
            at += step
            channel_ids = tuple(channels[ref].id for ref in spec.get("sales_channels", []))
            product = Product(
                id=ctx.ids.prefixed_ulid("prod", at),
                title=spec["title"],
                handle=spec.get("handle") or _handle(spec["title"]),
                status=spec.get("status", "published"),
                description=spec.get("description") or ctx.faker.sentence(nb_words=10),
                sales_channel_ids=channel_ids,
                created_at=at,
                updated_at=at,
            )
            self.store.put(PRODUCTS, product)
            products_out.append(
                {
                    "id": product.id,
                    "title": product.title,
                    "handle": product.handle,
                    "sales_channel_ids": list(channel_ids),
                }
            )

        keys_out = []
        for spec in fixture.get("publishable_api_keys", []):
            at += step
            key = PublishableApiKey(ctx.ids.prefixed_ulid("pk", at), spec["title"], admin.id, at, at)
            for ref in spec.get("sales_channels", []):
                link_id = ctx.ids.prefixed_ulid("pksc", at)
                self.store.put(KEY_LINKS, KeyChannelLink(link_id, key.id, channels[ref].id, at))
            state = spec.get("state", "active")
            if state == "revoked":
                revoked_at = at + timedelta(days=1)
                key = dataclasses.replace(
                    key, revoked_at=revoked_at, revoked_by=admin.id, updated_at=revoked_at
                )
            self.store.put(KEYS, key)
            keys_out.append(
                {
                    "ref": spec["ref"],
                    "id": key.id,
                    "title": key.title,
                    "state": state,
                    "sales_channel_ids": [channels[ref].id for ref in spec.get("sales_channels", [])],
                }
            )

        return {
            "admin": {
                "id": admin.id,
                "email": admin.email,
                "password": admin_spec["password"],
                "api_token": admin.api_token,
                "token": self.issue_jwt(admin),  # as POST /admin/auth/token would give
            },
            "default_sales_channel_id": channels[default_ref].id,
            "sales_channels": channels_out,
            "products": products_out,
            "publishable_api_keys": keys_out,
        }


_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def _handle(title: str) -> str:
    """lodash's ``kebabCase`` (Medusa's default handle), for Latin text: accents dropped, words
    split at case changes and between letters and digits (``3D-Print`` is ``3-d-print``)."""
    plain = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return "-".join(word.lower() for word in _WORD.findall(plain))
