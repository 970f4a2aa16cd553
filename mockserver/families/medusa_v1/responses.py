"""HTTP glue for Medusa 1.20: ``authenticate``, one handler per spec operationId, JSON renderers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import unquote

from werkzeug.datastructures import Headers

from ....fixtures import load_answers
from ...clock import isoformat_ms_or_none
from ...control_input import BadControlInput, fields_of, optional_string, string_list
from ...engine import Call, Reply, list_text
from ...errors import TEXT, ApiError
from ...node.javascript import js_date, js_number, js_value
from ...node.qs import qs_parse
from .database_errors import FLAG_PAGING_NUMBERS, nul_error
from .exceptions import (
    FLAG_EXPRESS_404,
    FLAG_NO_CONTENT_TYPE_401,
    BadRequestText,
    Unauthorized,
    UnknownError,
    express_html_error,
    strict_json_error,
)
from .models import (
    SESSION_COOKIE,
    UNSET,
    AdminPrincipal,
    Cart,
    MedusaV1Backend,
    Product,
    PublishableApiKey,
    SalesChannel,
    StoreScope,
    User,
    typeorm_window,
)

PUBLISHABLE_KEY_HEADER = "x-publishable-api-key"
API_TOKEN_HEADER = "x-medusa-access-token"


# -- renderers ---------------------------------------------------------------------------------


def user_json(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "api_token": user.api_token,
        "metadata": user.metadata,
        "created_at": isoformat_ms_or_none(user.created_at),
        "updated_at": isoformat_ms_or_none(user.updated_at),
        "deleted_at": isoformat_ms_or_none(user.deleted_at),
    }


def key_json(key: PublishableApiKey, fields: list[str] | None = None) -> dict[str, Any]:
    full = {
        "id": key.id,
        "created_at": isoformat_ms_or_none(key.created_at),
        "updated_at": isoformat_ms_or_none(key.updated_at),
        "created_by": key.created_by,
        "revoked_by": key.revoked_by,
        "revoked_at": isoformat_ms_or_none(key.revoked_at),
        "title": key.title,
    }
    if not fields:
        return full
    selected = {*fields, "id", "created_at"}  # getQueryConfig always adds these two
    return {column: value for column, value in full.items() if column in selected}


def channel_json(channel: SalesChannel) -> dict[str, Any]:
    return {
        "id": channel.id,
        "created_at": isoformat_ms_or_none(channel.created_at),
        "updated_at": isoformat_ms_or_none(channel.updated_at),
        "deleted_at": isoformat_ms_or_none(channel.deleted_at),
        "name": channel.name,
        "description": channel.description,
        "is_disabled": channel.is_disabled,
        "metadata": channel.metadata,
    }


SHIPPING_PROFILES = load_answers("medusa-v1")["GetShippingProfiles"]["body"]["shipping_profiles"]


def _shipping_profile(product: Product) -> dict[str, Any]:
    kind = "gift_card" if product.is_giftcard else "default"
    return next(p for p in SHIPPING_PROFILES if p["type"] == kind)


def product_json(
    backend: MedusaV1Backend, product: Product, *, channels: bool = True, profile: bool = False
) -> dict[str, Any]:
    """The product as 1.20.11 serializes it: the admin and a key-scoped store list with
    ``sales_channels`` (full channels), other store answers without; only the admin adds ``profile``."""
    shipping = _shipping_profile(product)
    created = isoformat_ms_or_none(product.created_at)
    body: dict[str, Any] = {
        "id": product.id,
        "created_at": created,
        "updated_at": isoformat_ms_or_none(product.updated_at),
        "deleted_at": isoformat_ms_or_none(product.deleted_at),
        "title": product.title,
        "subtitle": product.subtitle,
        "description": product.description,
        "handle": product.handle,
        "is_giftcard": product.is_giftcard,
        "status": product.status,
        "thumbnail": product.thumbnail,
        "weight": product.weight,
        "length": product.length,
        "height": product.height,
        "width": product.width,
        "hs_code": product.hs_code,
        "origin_country": product.origin_country,
        "mid_code": product.mid_code,
        "material": product.material,
        "type_id": None,
        "discountable": product.discountable,
        "external_id": None,
        "metadata": product.metadata,
        "collection": None,
        "collection_id": product.collection_id,
        "images": [
            {
                "id": i.id,
                "created_at": created,
                "updated_at": created,
                "deleted_at": None,
                "url": i.url,
                "metadata": None,
            }
            for i in product.images
        ],
        "options": [],
        "profiles": [shipping],
    }
    if profile:
        body["profile"] = shipping
    body["profile_id"] = shipping["id"]
    if channels:
        body["sales_channels"] = [channel_json(c) for c in backend.channel_names(product.sales_channel_ids)]
    body.update({"tags": [], "type": None, "variants": []})
    return body


def cart_json(cart: Cart) -> dict[str, Any]:
    return {
        "id": cart.id,
        "sales_channel_id": cart.sales_channel_id,
        "region_id": cart.region_id,
        "items": [],
        "created_at": isoformat_ms_or_none(cart.created_at),
        "updated_at": isoformat_ms_or_none(cart.updated_at),
    }


def _key_reply(key: PublishableApiKey) -> Reply:
    return Reply({"publishable_api_key": key_json(key)})


def _channel_reply(channel: SalesChannel) -> Reply:
    return Reply({"sales_channel": channel_json(channel)})


def page_bounds(
    backend: MedusaV1Backend, call: Call, default_limit: int = 0
) -> tuple[Any, Any, int | None, int]:
    """``limit`` and ``offset`` as the answer echoes them, then the LIMIT (None: none) and OFFSET the
    list runs with. In the medusa-1.20 profile they are the Numbers ``Number()`` made of the query
    (paging_read_as_numbers: ``""`` is 0, ``1e2`` is 100, fractions stay), which TypeORM and
    Postgres turn into a window (``typeorm_window``); otherwise the spec's integers."""
    echoed = []
    for name, default in (("limit", default_limit), ("offset", 0)):
        raw = call.raw_query.get(name)
        if raw is not None and backend.profile.enabled(FLAG_PAGING_NUMBERS):
            echoed.append(js_value(js_number(raw)))
        else:  # the spec's integer, or its default, or the route's own default
            echoed.append(call.query.get(name, default))
    limit, offset = echoed
    take, skip = typeorm_window(limit, offset)
    return limit, offset, take, skip


def seed_list_paging(backend: MedusaV1Backend, call: Call, default_limit: int) -> tuple[Any, Any, slice]:
    """The seed-answer lists page as the keys' list does."""
    limit, offset, take, skip = page_bounds(backend, call, default_limit)
    return offset, limit, slice(skip, None if take is None else skip + take)


def as_datetime(value: Any) -> datetime | None:
    """A spec-typed date filter bound (``date`` or ``datetime``) as an aware instant."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str):
        return js_date(value)
    return None


def _ids(items: Any) -> list[str]:
    return [item["id"] for item in items]


def body_fields(call: Call) -> dict[str, Any]:
    """The body's fields. An empty array only gets here when the profile lets it past the DTO
    (array_body_skips_dto), and a spread of it gives no fields at all."""
    return dict(call.body) if isinstance(call.body, dict) else {}


def _batch_ids(call: Call, name: str) -> list[str]:
    items = body_fields(call).get(name)
    if items is None:  # an empty array let past the DTO: 1.20.11's `.map` of undefined throws
        raise UnknownError()
    return _ids(items)


# -- authentication ----------------------------------------------------------------------------


def authenticate(backend: MedusaV1Backend, call: Call) -> Any:
    """Admin routes: session cookie, then Bearer JWT, then API token (passport's order).
    Store routes: the publishable key's scope. Auth routes: nobody yet."""
    if call.body_sent and not isinstance(call.body, dict | list):
        raise strict_json_error(backend.profile)
    if call.operation.is_public:
        if call.operation.template.startswith("/store/"):
            return backend.store_scope(call.headers.get(PUBLISHABLE_KEY_HEADER) or None)
        return None
    principal = backend.authenticate_admin(
        call.cookies.get(SESSION_COOKIE),
        call.headers.get("Authorization"),
        call.headers.get(API_TOKEN_HEADER),
    )
    if principal is None:
        raise Unauthorized(with_content_type=not backend.profile.enabled(FLAG_NO_CONTENT_TYPE_401))
    database_error = nul_error(call, backend.profile)
    if database_error is not None:
        raise database_error
    return principal


def unrouted(
    backend: MedusaV1Backend,
    method: str,
    path: str,
    headers: Headers,
    cookies: Mapping[str, str],
    served: Sequence[str],
) -> ApiError | None:
    """Medusa 1.20 has no 405 and no JSON 404 (unrouted_requests_get_express_404): a request no
    route takes falls through to Express's 404 page, and under ``/admin`` only after the
    authentication middleware, which every admin request without a valid credential meets first.
    ``None`` under the contract: the engine's route_not_found / method_not_allowed answer."""
    if not backend.profile.enabled(FLAG_EXPRESS_404):
        return None
    shown = unquote(path, errors="replace")
    if shown.lower().startswith("/admin") and (
        backend.authenticate_admin(
            cookies.get(SESSION_COOKIE), headers.get("Authorization"), headers.get(API_TOKEN_HEADER)
        )
        is None
    ):
        return Unauthorized(with_content_type=not backend.profile.enabled(FLAG_NO_CONTENT_TYPE_401))
    return express_html_error(f"Cannot {method} {shown}", status=404, name=None)


# -- auth --------------------------------------------------------------------------------------


def post_auth(backend: MedusaV1Backend, call: Call) -> Reply:
    user = backend.login(call.body["email"], call.body["password"])
    session, cookie = backend.open_session(user)
    session_cookie = {
        "key": SESSION_COOKIE,
        "value": cookie,
        "path": "/",
        "httponly": True,
        "max_age": int(backend.settings.session_ttl.total_seconds()),
        "expires": session.expires_at,  # by the mock's clock (werkzeug would take the wall clock's)
    }
    return Reply({"user": user_json(user)}, cookies=[session_cookie])


def get_auth(backend: MedusaV1Backend, call: Call) -> Reply:
    principal: AdminPrincipal = call.principal
    user = backend.user(principal.user_id)
    if user is None or user.deleted_at is not None:
        raise BadRequestText()
    return Reply({"user": user_json(user)})


def delete_auth(backend: MedusaV1Backend, call: Call) -> Reply:
    principal: AdminPrincipal = call.principal
    backend.close_session(principal.session_id)
    return Reply("OK", content_type=TEXT)


def post_token(backend: MedusaV1Backend, call: Call) -> Reply:
    user = backend.login(call.body["email"], call.body["password"])
    return Reply({"access_token": backend.issue_jwt(user)})


# -- publishable API keys ------------------------------------------------------------------------


def list_keys(backend: MedusaV1Backend, call: Call) -> Reply:
    query = call.query
    limit, offset, take, skip = page_bounds(backend, call)
    dates: dict[str, dict[str, Any]] = {}
    for column in ("created_at", "updated_at", "revoked_at"):
        bounds = query.get(column)
        if isinstance(bounds, dict):
            parsed = {op: as_datetime(value) for op, value in bounds.items()}
            dates[column] = {op: value for op, value in parsed.items() if value is not None}
    page = backend.list_keys(
        limit=take, offset=skip, q=query.get("q") or None, order=query.get("order") or None, dates=dates
    )
    fields = [f for f in (query.get("fields") or "").split(",") if f]
    return Reply(
        {
            "publishable_api_keys": [key_json(k, fields) for k in page.items],
            "count": page.count,
            "limit": limit,
            "offset": offset,
        }
    )


def create_key(backend: MedusaV1Backend, call: Call) -> Reply:
    principal: AdminPrincipal = call.principal
    return _key_reply(backend.create_key(body_fields(call).get("title"), principal.user_id))


def get_key(backend: MedusaV1Backend, call: Call) -> Reply:
    return _key_reply(backend.get_key(call.path["id"]))


def update_key(backend: MedusaV1Backend, call: Call) -> Reply:
    return _key_reply(backend.update_key(call.path["id"], body_fields(call).get("title", UNSET)))


def delete_key(backend: MedusaV1Backend, call: Call) -> Reply:
    key_id = call.path["id"]
    backend.delete_key(key_id)
    return Reply({"id": key_id, "object": "publishable_api_key", "deleted": True})


def revoke_key(backend: MedusaV1Backend, call: Call) -> Reply:
    principal: AdminPrincipal = call.principal
    return _key_reply(backend.revoke_key(call.path["id"], principal.user_id))


def list_key_channels(backend: MedusaV1Backend, call: Call) -> Reply:
    channels = backend.key_channels(call.path["id"], call.query.get("q") or None)
    return Reply({"sales_channels": [channel_json(c) for c in channels]})


def add_key_channels(backend: MedusaV1Backend, call: Call) -> Reply:
    return _key_reply(backend.add_key_channels(call.path["id"], _batch_ids(call, "sales_channel_ids")))


def remove_key_channels(backend: MedusaV1Backend, call: Call) -> Reply:
    return _key_reply(backend.remove_key_channels(call.path["id"], _batch_ids(call, "sales_channel_ids")))


# -- sales channels ------------------------------------------------------------------------------


def list_channels(backend: MedusaV1Backend, call: Call) -> Reply:
    limit, offset, take, skip = page_bounds(backend, call)
    page = backend.list_channels(limit=take, offset=skip, q=call.query.get("q") or None)
    return Reply(
        {
            "sales_channels": [channel_json(c) for c in page.items],
            "count": page.count,
            "offset": offset,
            "limit": limit,
        }
    )


def create_channel(backend: MedusaV1Backend, call: Call) -> Reply:
    if call.body == []:
        # 1.20.11 hands the array to TypeORM's create/save, which make and save no entity at all.
        return Reply({"sales_channel": []})
    body = call.body
    channel = backend.create_channel(body["name"], body.get("description"), body.get("is_disabled", False))
    return _channel_reply(channel)


def get_channel(backend: MedusaV1Backend, call: Call) -> Reply:
    return _channel_reply(backend.get_channel(call.path["id"]))


def update_channel(backend: MedusaV1Backend, call: Call) -> Reply:
    return _channel_reply(backend.update_channel(call.path["id"], body_fields(call)))


def delete_channel(backend: MedusaV1Backend, call: Call) -> Reply:
    channel_id = call.path["id"]
    backend.delete_channel(channel_id)
    return Reply({"id": channel_id, "object": "sales-channel", "deleted": True})


def add_channel_products(backend: MedusaV1Backend, call: Call) -> Reply:
    return _channel_reply(backend.add_channel_products(call.path["id"], _batch_ids(call, "product_ids")))


def remove_channel_products(backend: MedusaV1Backend, call: Call) -> Reply:
    return _channel_reply(backend.remove_channel_products(call.path["id"], _batch_ids(call, "product_ids")))


# -- store ---------------------------------------------------------------------------------------


def list_products(backend: MedusaV1Backend, call: Call) -> Reply:
    scope: StoreScope = call.principal
    limit, offset, take, skip = page_bounds(backend, call)
    requested = qs_parse(call.raw_query.items(multi=True)).get("sales_channel_id")
    page = backend.list_store_products(
        scope, limit=take, offset=skip, q=call.query.get("q") or None, channel_ids=requested or None
    )
    # 1.20.11 joins the sales channels only when a key scopes the list to some.
    with_channels = bool(scope.sales_channel_ids)

    def product_text(p: Product) -> str:
        # A product's text follows from the product and the channels it shows, nothing else.
        shown = backend.channel_names(p.sales_channel_ids) if with_channels else []
        return backend.json_texts.text(
            (p, with_channels, *shown), lambda: product_json(backend, p, channels=with_channels)
        )

    return Reply(
        list_text(
            "products",
            [product_text(p) for p in page.items],
            {"count": page.count, "offset": offset, "limit": limit},
        )
    )


def get_product(backend: MedusaV1Backend, call: Call) -> Reply:
    product = backend.get_store_product(call.principal, call.path["id"])
    return Reply({"product": product_json(backend, product, channels=False)})


def create_cart(backend: MedusaV1Backend, call: Call) -> Reply:
    body = call.body if isinstance(call.body, dict) else {}
    cart = backend.create_cart(
        call.principal, body.get("sales_channel_id") or None, body.get("region_id") or None
    )
    return Reply({"cart": cart_json(cart)})


HANDLERS = {
    "PostAuth": post_auth,
    "GetAuth": get_auth,
    "DeleteAuth": delete_auth,
    "PostToken": post_token,
    "GetPublishableApiKeys": list_keys,
    "PostPublishableApiKeys": create_key,
    "GetPublishableApiKeysPublishableApiKey": get_key,
    "PostPublishableApiKysPublishableApiKey": update_key,
    "DeletePublishableApiKeysPublishableApiKey": delete_key,
    "PostPublishableApiKeysPublishableApiKeyRevoke": revoke_key,
    "GetPublishableApiKeySalesChannels": list_key_channels,
    "PostPublishableApiKeySalesChannelsChannelsBatch": add_key_channels,
    "DeletePublishableApiKeySalesChannelsChannelsBatch": remove_key_channels,
    "GetSalesChannels": list_channels,
    "PostSalesChannels": create_channel,
    "GetSalesChannelsSalesChannel": get_channel,
    "PostSalesChannelsSalesChannel": update_channel,
    "DeleteSalesChannelsSalesChannel": delete_channel,
    "PostSalesChannelsChannelProductsBatch": add_channel_products,
    "DeleteSalesChannelProductsBatch": remove_channel_products,
    "GetProducts": list_products,
    "GetProductsProduct": get_product,
    "PostCart": create_cart,
}


# -- the control plane: POST /__revokit/revoke-keys ---------------------------------------------


def revoke_keys(backend: MedusaV1Backend, body: Mapping[str, Any]) -> dict[str, Any]:
    """``POST /__revokit/revoke-keys``: ``{"selector": {"id": [...]} | {"sales_channel_id": ...},
    "revoke": {"revoked_by": ...}}``; ``"revoked_at": null`` in the selector keeps live keys only."""
    data = fields_of(body, "body", ("selector", "revoke"))
    selector = fields_of(data.get("selector"), "selector", ("id", "sales_channel_id", "revoked_at"))
    if "id" not in selector and "sales_channel_id" not in selector:
        raise BadControlInput("'selector' needs 'id' (one or many) or 'sales_channel_id' (one or many)")
    if selector.get("revoked_at", None) is not None:
        raise BadControlInput("'selector.revoked_at' can only be null (the keys not revoked yet)")
    revoke = fields_of(data.get("revoke", {}), "revoke", ("revoked_by",))
    keys = backend.revoke_keys(
        optional_string(revoke.get("revoked_by"), "revoke.revoked_by"),
        ids=string_list(selector["id"], "selector.id") if "id" in selector else None,
        sales_channel_ids=(
            string_list(selector["sales_channel_id"], "selector.sales_channel_id")
            if "sales_channel_id" in selector
            else None
        ),
        only_live="revoked_at" in selector,
    )
    return {"publishable_api_keys": [key_json(k) for k in keys]}


def issue_token(backend: MedusaV1Backend, email: str) -> dict[str, Any] | None:
    """POST /__revokit/tokens: an admin JWT (and the API token) for a seeded user."""
    user = backend.user_by_email(email)
    if user is None:
        return None
    return {
        "token": backend.issue_jwt(user),
        "api_token": user.api_token,
        "user_id": user.id,
        "email": user.email,
    }


def banner_lines(seed: dict[str, Any]) -> list[tuple[str, str]]:
    """What ``revokit mock`` prints for medusa-v1: the admin's login, API token and a store key."""
    admin = seed["admin"]
    store_key = next(
        k for k in seed["publishable_api_keys"] if k["state"] == "active" and k["sales_channel_ids"]
    )
    return [
        ("admin", f"{admin['email']} / {admin['password']}  (POST /admin/auth, /admin/auth/token)"),
        ("API token", f"x-medusa-access-token: {admin['api_token']}"),
        ("store key", f"x-publishable-api-key: {store_key['id']}"),
    ]


def docs_credentials(seed: dict[str, Any]) -> dict[str, Any]:
    """The docs page's "try it out" acts as the seeded admin, through the API token."""
    return {"api_token": seed["admin"]["api_token"]}
