"""The ``medusa-v1`` conformance suite: Medusa 1.20 publishable API keys, sales channels, store scoping.

Login is the family's own: ``--email/--password`` open a ``connect.sid`` session (``POST
/admin/auth``) and fetch a JWT (``POST /admin/auth/token``); ``--token`` is a ready credential, a
JWT for ``Authorization: Bearer`` or a user's API token for ``x-medusa-access-token`` (whichever the
backend accepts). Setup creates two sales channels, its own products in them (RUN_PRODUCTS; two
existing published products are placed instead when the backend refuses POST /admin/products), and
one publishable key for the generated requests; every scenario creates its own keys. Teardown
deletes every key, channel and product the run created and takes borrowed products back out. What was on the backend before the run is never named in
a generated request's path (``untouchable_ids``).

The contract (``specs/medusa-v1.yaml``, ``contract`` profile): a revoked, deleted or unknown key is
refused on the store with the exact 400 ``not_allowed`` body while its siblings keep scoping; a
second revoke is 400 ``not_allowed``; deleting needs no revoke first and leaves a 404; a key limits
store products to its sales channels; admin errors are ``{type, message}`` with Medusa's words;
admin routes answer 401 ``Unauthorized`` (text/plain) to a missing or wrong credential.
"""

from __future__ import annotations

import base64
import http.cookiejar
import json
import random
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from revokit.specs import error_body, error_message, load_spec

from .forged_tokens import DROP, ForgedCase, judge_forged_tokens, time_claim_cases
from .http import Client, Exchange
from .products import (
    ADMIN_PRODUCTS,
    DESCRIPTION,
    delete_products,
    listing_problem,
    listing_text,
    made_products,
    make_products,
    product_deleted,
    product_title,
    product_word,
)
from .scenarios import ScenarioContext, ScenarioRegistry, invalid_data_problem
from .schemathesis_run import Created
from .session_lifetime import expect_expiry
from .spec_operations import has_body, is_paged, operations_where
from .suite import Credentials, FamilySuite, SetupFailed, UsageError

SPEC = load_spec("medusa-v1")

AUTH = "/admin/auth"
TOKEN = "/admin/auth/token"
KEYS = "/admin/publishable-api-keys"
CHANNELS = "/admin/sales-channels"
PRODUCTS = "/store/products"
#: The products setup makes (role: status, index of the run's channel). The store shows only the
#: published ones; the others, in channel A too, are there to be hidden.
RUN_PRODUCTS: dict[str, tuple[str, int]] = {
    "in_a": ("published", 0),
    "in_b": ("published", 1),
    "also_in_a": ("published", 0),
    "doomed": ("published", 0),
    "draft": ("draft", 0),
    "proposed": ("proposed", 0),
    "rejected": ("rejected", 0),
}
CARTS = "/store/carts"

SESSION_COOKIE = "connect.sid"
API_TOKEN_HEADER = "x-medusa-access-token"
PUBLISHABLE_KEY_HEADER = "x-publishable-api-key"

OP_LOGIN = "POST /admin/auth"
OP_WHO_AM_I = "GET /admin/auth"
OP_GET_KEY = "GET /admin/publishable-api-keys/{id}"
OP_CREATE_KEY = "POST /admin/publishable-api-keys"
OP_LIST_KEYS = "GET /admin/publishable-api-keys"
OP_DELETE_KEY = "DELETE /admin/publishable-api-keys/{id}"
OP_REVOKE_KEY = "POST /admin/publishable-api-keys/{id}/revoke"
OP_KEY_CHANNELS = "GET /admin/publishable-api-keys/{id}/sales-channels"
OP_ADD_KEY_CHANNELS = "POST /admin/publishable-api-keys/{id}/sales-channels/batch"
OP_REMOVE_KEY_CHANNELS = "DELETE /admin/publishable-api-keys/{id}/sales-channels/batch"
OP_CREATE_CHANNEL = "POST /admin/sales-channels"
OP_LIST_CHANNELS = "GET /admin/sales-channels"
OP_STORE_PRODUCTS = "GET /store/products"
OP_STORE_PRODUCT = "GET /store/products/{id}"
OP_CREATE_PRODUCT = "POST /admin/products"
ADMIN_ROUTES = "admin routes"

# The exact bodies of the contract, from the family's message catalogue (specs/medusa-v1.messages.yaml),
# which the mock's errors read too.
UNAUTHORIZED = error_body("medusa-v1", "unauthorized")
INVALID_STORE_KEY = error_body("medusa-v1", "invalid_publishable_key")
ALREADY_REVOKED = error_body("medusa-v1", "already_revoked")


def key_not_found(key_id: str) -> dict[str, str]:
    return error_body("medusa-v1", "key_not_found", id=key_id)


def channel_not_found(channel_id: str) -> dict[str, str]:
    return error_body("medusa-v1", "channel_not_found", id=channel_id)


def invalid_data(message: str) -> dict[str, str]:
    return {"type": "invalid_data", "message": message}


def channel_out_of_scope(channel_id: str) -> dict[str, Any]:
    return error_body("medusa-v1", "channel_out_of_scope", ids=channel_id)


def product_out_of_scope(product_id: str) -> dict[str, Any]:
    return error_body("medusa-v1", "product_out_of_scope", id=product_id)


#: Operations that read a JSON body (a malformed one is refused before the route runs).
BODY_OPERATIONS = operations_where(SPEC, has_body)
#: The four batch routes (add or remove a key's channels or a channel's products).
BATCH_OPERATIONS = tuple(op for op in BODY_OPERATIONS if op.endswith("/batch"))
#: List operations: their paging goes to the database as given.
PAGED_OPERATIONS = operations_where(SPEC, is_paged)

#: medusa-1.20 profile flag -> the (check, operation) failures that deviation causes in this suite.
#: A scenario's operation is the one of its first failing request.
PROFILE_DEVIATIONS: dict[str, list[tuple[str, str | None]]] = {
    # The store never looks a key up: revoked, deleted and unknown keys all answer 200.
    "store_accepts_invalid_keys": [
        ("revoked_key_refused_on_store", OP_STORE_PRODUCTS),
        ("deleted_key_refused_on_store", OP_STORE_PRODUCTS),
        ("unknown_key_refused_on_store", OP_STORE_PRODUCTS),
    ],
    # Listing the channels of an unknown key answers 200 [] instead of the 404, a deleted key's too
    # (Schemathesis's use_after_free meets it when its stateful phase deletes a key first).
    "unknown_key_sales_channels_empty": [
        ("error_body_404", OP_KEY_CHANNELS),
        ("use_after_free", OP_KEY_CHANNELS),
    ],
    # Negative paging, expand, unknown columns: 500 unknown_error from the database.
    "list_query_errors_are_500": [
        ("list_query_refused", OP_LIST_KEYS),
        *(("not_a_server_error", operation) for operation in PAGED_OPERATIONS),
    ],
    # passport's bare res.end("Unauthorized"): the 401 carries no Content-Type. GET /admin/auth is
    # the first route each of these checks calls without a working credential.
    # A well-signed admin JWT is trusted without looking its user up.
    "jwt_user_not_looked_up": [("forged_token_of_unknown_user_refused", OP_LIST_KEYS)],
    "unauthorized_without_content_type": [
        ("admin_routes_refuse_missing_credentials", "GET /admin/auth"),
        ("admin_routes_refuse_wrong_credentials", "GET /admin/auth"),
        ("logout_ends_session", "GET /admin/auth"),
        ("session_expires", "GET /admin/auth"),
    ],
    # Express's default error page (HTML) for a body that is not JSON: undocumented text/html.
    "malformed_json_html": [
        ("malformed_json_refused", OP_CREATE_KEY),
        *(("content_type_conformance", operation) for operation in BODY_OPERATIONS),
    ],
    # No route for the method: Express's HTML 404 where Schemathesis expects a 405 with Allow.
    "unrouted_requests_get_express_404": [("unsupported_method", None)],
    # Generated ids and titles with NUL reach PostgreSQL: 500 unknown_error.
    "nul_character_fails_in_database": [
        ("not_a_server_error", None),
        ("status_code_conformance", None),
        ("positive_data_acceptance", None),
    ],
    # No check deletes a channel that is not there (the differential test compares it).
    "delete_unknown_channel_reports_deleted": [],
    # A JSON array skips the DTO: an empty one reaches the route as no fields (200 where the spec
    # wants an object; {"sales_channel": []}; 500 from the batch routes' `.map`).
    "array_body_skips_dto": [
        *(("negative_data_rejection", operation) for operation in BODY_OPERATIONS),
        ("response_schema_conformance", OP_CREATE_CHANNEL),
        *(
            (check, operation)
            for operation in BATCH_OPERATIONS
            for check in ("not_a_server_error", "status_code_conformance")
        ),
    ],
    # limit/offset are any finite Number(): fractions, "", 1e2 listed (and a fraction echoed).
    "paging_read_as_numbers": [
        *(("negative_data_rejection", operation) for operation in PAGED_OPERATIONS),
        *(("response_schema_conformance", operation) for operation in PAGED_OPERATIONS),
    ],
    # `sales_channel_id=ID` (one plain value) is a string to qs: 400 "must be an array".
    # The store's retrieve shows a product of any status (its list shows published ones only).
    "store_product_any_status": [("store_shows_published_products_only", OP_STORE_PRODUCT)],
    # Without a key the store's list keeps to the default channel, where the run puts no product;
    # the one check that lists without a key stops earlier, at store_product_any_status.
    "store_list_without_key_default_channel": [],
    "sales_channel_id_must_be_an_array": [
        ("error_body_store_scope", OP_STORE_PRODUCTS),
        ("positive_data_acceptance", OP_STORE_PRODUCTS),
    ],
}

scenario = ScenarioRegistry()


# -- helpers ------------------------------------------------------------------------------------


def _admin(ctx: ScenarioContext) -> dict[str, str]:
    return dict(ctx.state["admin_headers"])


def _key_path(key_id: str, suffix: str = "") -> str:
    return f"{KEYS}/{key_id}{suffix}"


def _key_problem(body: Any) -> str | None:
    if not isinstance(body, dict) or not isinstance(body.get("publishable_api_key"), dict):
        return "the body has no `publishable_api_key` object"
    key = body["publishable_api_key"]
    for name in ("id", "title", "created_at", "updated_at"):
        if not isinstance(key.get(name), str):
            return f"the key has no string `{name}`"
    for name in ("created_by", "revoked_by", "revoked_at"):
        if name not in key:
            return f"the key has no `{name}`"
    return None


def _make_key(ctx: ScenarioContext, title: str, channels: Sequence[str] = ()) -> dict[str, Any]:
    """Create a key (and link it to ``channels``): preconditions, a refusal fails the scenario."""
    exchange = ctx.client.post(KEYS, json_body={"title": title}, headers=_admin(ctx))
    body = ctx.expect(exchange, 200, shape=_key_problem, why="creating a key")
    key = body["publishable_api_key"]
    if channels:
        _link(ctx, key["id"], channels)
    return key


def _batch(ids: Sequence[str]) -> dict[str, list[dict[str, str]]]:
    return {"sales_channel_ids": [{"id": channel_id} for channel_id in ids]}


def _link(ctx: ScenarioContext, key_id: str, channels: Sequence[str]) -> None:
    exchange = ctx.client.post(
        _key_path(key_id, "/sales-channels/batch"), json_body=_batch(channels), headers=_admin(ctx)
    )
    ctx.expect(exchange, 200, shape=_is_key(key_id), why="linking the key to the run's sales channels")


def _is_key(key_id: str, revoked: bool | None = None) -> Callable[[Any], str | None]:
    def problem(body: Any) -> str | None:
        shape = _key_problem(body)
        if shape:
            return shape
        key = body["publishable_api_key"]
        if key["id"] != key_id:
            return f"the body describes key {key['id']}, not {key_id}"
        if revoked is True and not (
            isinstance(key["revoked_at"], str) and isinstance(key["revoked_by"], str)
        ):
            return "the key is not revoked: `revoked_at` and `revoked_by` must be set"
        if revoked is False and (key["revoked_at"] is not None or key["revoked_by"] is not None):
            return "the key reads as revoked although it was never revoked"
        return None

    return problem


def _revoke(ctx: ScenarioContext, key_id: str) -> Exchange:
    return ctx.client.post(_key_path(key_id, "/revoke"), headers=_admin(ctx))


def _revoke_ok(ctx: ScenarioContext, key_id: str) -> dict[str, Any]:
    user_id = ctx.state["user_id"]
    check = _is_key(key_id, revoked=True)

    def revoked_by_caller(body: Any) -> str | None:
        problem = check(body)
        if problem:
            return problem
        if user_id and body["publishable_api_key"]["revoked_by"] != user_id:
            return f"`revoked_by` is {body['publishable_api_key']['revoked_by']!r}, not the caller {user_id}"
        return None

    body = ctx.expect(
        _revoke(ctx, key_id),
        200,
        shape=revoked_by_caller,
        shape_text=json.dumps(
            {
                "publishable_api_key": {
                    "id": key_id,
                    "revoked_at": "<ISO time>",
                    "revoked_by": user_id,
                    "...": "...",
                }
            }
        ),
        why="revoking the key",
    )
    return body["publishable_api_key"]


def _store(ctx: ScenarioContext, key_id: str | None, path: str = PRODUCTS, **params: Any) -> Exchange:
    headers = {PUBLISHABLE_KEY_HEADER: key_id} if key_id else {}
    return ctx.client.get(path, headers=headers, params={"limit": 100, **params})


def _product_ids(body: Any) -> set[str]:
    if not isinstance(body, dict) or not isinstance(body.get("products"), list):
        return set()
    return {p["id"] for p in body["products"] if isinstance(p, dict) and isinstance(p.get("id"), str)}


def _expect_scoped(
    ctx: ScenarioContext,
    key_id: str | None,
    inside: Sequence[str],
    outside: Sequence[str],
    why: str,
    **params: Any,
) -> None:
    """The store lists every product of ``inside`` and none of ``outside`` for this key."""
    ctx.expect(
        _store(ctx, key_id, **params),
        200,
        shape=listing_problem(inside, outside),
        shape_text=listing_text(inside, outside),
        why=why,
    )


def _needs_products(ctx: ScenarioContext) -> tuple[str, str]:
    products = ctx.state.get("products") or []
    if len(products) < 2:
        ctx.skip("needs two published products: the backend refused POST /admin/products and has fewer")
    return products[0], products[1]


def _fixed_id(ctx: ScenarioContext, prefix: str, salt: str) -> str:
    """An id no backend has, fixed by the seed so a rerun sends the same request."""
    rng = random.Random(f"{ctx.state['seed']}:{salt}")
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    return f"{prefix}_" + "".join(rng.choice(alphabet) for _ in range(26))


def _header(exchange: Exchange, name: str) -> str | None:
    return next((v for k, v in exchange.response_headers.items() if k.lower() == name.lower()), None)


def _expect_unauthorized(ctx: ScenarioContext, exchange: Exchange, why: str) -> None:
    """401 with the bare text ``Unauthorized`` and the text/plain type the contract declares."""
    ctx.expect(exchange, 401, UNAUTHORIZED, why=why)
    content_type = _header(exchange, "Content-Type")
    if not content_type or not content_type.lower().startswith("text/plain"):
        ctx.fail(
            f"{why}: the 401 has Content-Type {content_type or '(none)'}, the contract declares text/plain",
            exchange,
            expected_status="401",
            expected_body="Unauthorized (Content-Type: text/plain)",
        )


def _call(ctx: ScenarioContext, method: str, path: str, body: Any, headers: Mapping[str, str]) -> Exchange:
    if body is None:
        return ctx.client.request(method, path, headers=headers)
    return ctx.client.request(method, path, headers=headers, json_body=body)


def _admin_calls(ctx: ScenarioContext, victim: str) -> list[tuple[str, str, Any]]:
    """Every admin operation that needs a credential, once: (method, path, json body or None)."""
    channel = ctx.state["channels"][0]
    refused = {"title": "must be refused"}
    return [
        ("GET", AUTH, None),
        ("DELETE", AUTH, None),
        ("GET", KEYS, None),
        ("POST", KEYS, refused),
        ("GET", _key_path(victim), None),
        ("POST", _key_path(victim), refused),
        ("DELETE", _key_path(victim), None),
        ("POST", _key_path(victim, "/revoke"), None),
        ("GET", _key_path(victim, "/sales-channels"), None),
        ("POST", _key_path(victim, "/sales-channels/batch"), _batch([channel])),
        ("DELETE", _key_path(victim, "/sales-channels/batch"), _batch([channel])),
        ("GET", CHANNELS, None),
        ("POST", CHANNELS, {"name": "must be refused"}),
        ("GET", f"{CHANNELS}/{channel}", None),
        ("POST", f"{CHANNELS}/{channel}", {"name": "must be refused"}),
        ("DELETE", f"{CHANNELS}/{channel}", None),
        ("POST", f"{CHANNELS}/{channel}/products/batch", {"product_ids": []}),
        ("DELETE", f"{CHANNELS}/{channel}/products/batch", {"product_ids": []}),
    ]


def _victim_intact(ctx: ScenarioContext, key_id: str, why: str) -> None:
    ctx.expect(
        ctx.client.get(_key_path(key_id), headers=_admin(ctx)),
        200,
        shape=_is_key(key_id, revoked=False),
        why=why,
    )


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def wrong_credentials(state: Mapping[str, Any], publishable_key: str) -> list[tuple[str, dict[str, str]]]:
    """Credentials an admin route must refuse, each with what it is."""
    variants: list[tuple[str, dict[str, str]]] = [
        ("a garbled bearer token", {"Authorization": "Bearer not-a-jwt"}),
        ("a garbled API token", {API_TOKEN_HEADER: "not-an-api-token"}),
        ("a forged session cookie", {"Cookie": f"{SESSION_COOKIE}=s%3Aforged-session.bm90LWEtc2lnbmF0dXJl"}),
        ("the publishable key as the bearer token", {"Authorization": f"Bearer {publishable_key}"}),
        ("the publishable key as the API token", {API_TOKEN_HEADER: publishable_key}),
        ("the publishable key in its store header", {PUBLISHABLE_KEY_HEADER: publishable_key}),
    ]
    api_token = state.get("api_token")
    if api_token:
        # Since 1.17 the API token is only accepted in x-medusa-access-token.
        variants.append(("the API token as a bearer token", {"Authorization": f"Bearer {api_token}"}))
    jwt = state.get("jwt")
    if jwt and jwt.count(".") == 2:
        header, payload, signature = jwt.split(".")
        flipped = ("B" if signature[:1] == "A" else "A") + signature[1:]
        variants.append(
            ("the JWT with a tampered signature", {"Authorization": f"Bearer {header}.{payload}.{flipped}"})
        )
        unsigned = _b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        variants.append(
            ("the JWT's claims unsigned (alg none)", {"Authorization": f"Bearer {unsigned}.{payload}."})
        )
        try:
            claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        except ValueError:
            claims = None
        if isinstance(claims, dict):
            # The claims expired an hour before they were issued, under the original signature: a
            # backend that trusts unverified claims but checks expiry is caught here too.
            stale = {**claims, "exp": int(claims.get("iat", 1_700_000_000)) - 3600}
            forged = _b64url(json.dumps(stale, separators=(",", ":")).encode())
            variants.append(
                ("an expired copy of the JWT", {"Authorization": f"Bearer {header}.{forged}.{signature}"})
            )
        variants.append(("the JWT as the API token", {API_TOKEN_HEADER: jwt}))
        # The bearer strategy reads the Bearer scheme only, as the header's first word (1.20.11
        # answers 401 to each of these).
        variants.append(("the JWT under the Token scheme", {"Authorization": f"Token {jwt}"}))
        variants.append(("the JWT under the Basic scheme", {"Authorization": f"Basic {jwt}"}))
        variants.append(("the JWT after a word before Bearer", {"Authorization": f"x Bearer {jwt}"}))
    variants.append(("the Bearer scheme with no token", {"Authorization": "Bearer"}))
    return variants


# -- the scenarios, in the order they run -------------------------------------------------------


@scenario(
    "key_scopes_store_products",
    OP_STORE_PRODUCTS,
    "a publishable key limits GET /store/products to the products of its sales channels",
)
def key_scopes_store_products(ctx: ScenarioContext) -> None:
    inside, outside = _needs_products(ctx)
    channel_a, _ = ctx.state["channels"]
    key = _make_key(ctx, "revokit: scoped key", [channel_a])
    _expect_scoped(ctx, key["id"], [inside], [outside], "listing store products with the key")
    ctx.expect(
        ctx.client.get(f"{PRODUCTS}/{inside}", headers={PUBLISHABLE_KEY_HEADER: key["id"]}),
        200,
        why="reading a product of the key's channel",
    )


def product_not_found(product_id: str) -> dict[str, Any]:
    return error_body("medusa-v1", "product_not_found", id=product_id)


@scenario(
    "store_shows_published_products_only",
    OP_STORE_PRODUCT,
    "draft, proposed and rejected products in a key's channel are neither listed nor readable on the store",
)
def store_shows_published_products_only(ctx: ScenarioContext) -> None:
    made = made_products(ctx)
    channel_a, _ = ctx.state["channels"]
    key = _make_key(ctx, "revokit: status key", [channel_a])
    hidden = [made["draft"], made["proposed"], made["rejected"]]
    _expect_scoped(
        ctx,
        key["id"],
        [made["in_a"], made["also_in_a"]],
        [*hidden, made["in_b"]],
        "listing the key's channel",
    )
    for role in ("draft", "proposed", "rejected"):
        ctx.expect(
            ctx.client.get(f"{PRODUCTS}/{made[role]}", headers={PUBLISHABLE_KEY_HEADER: key["id"]}),
            404,
            product_not_found(made[role]),
            why=f"reading a {role} product of the key's channel",
        )
    _expect_scoped(
        ctx,
        None,
        [made["in_a"], made["in_b"]],
        hidden,
        "listing the store without a key",
        q=ctx.state["product_word"],
    )


@scenario(
    "store_search_and_channel_filter",
    OP_STORE_PRODUCTS,
    "q finds products by title, and sales_channel_id narrows a key's store to the channels named",
)
def store_search_and_channel_filter(ctx: ScenarioContext) -> None:
    made = made_products(ctx)
    channel_a, channel_b = ctx.state["channels"]
    key = _make_key(ctx, "revokit: search key", [channel_a, channel_b])
    word = ctx.state["product_word"]
    _expect_scoped(
        ctx, key["id"], [made["also_in_a"]], [made["in_a"], made["in_b"]],
        "searching the key's store for one product's title", q=f"{word} also_in_a",
    )  # fmt: skip
    _expect_scoped(
        ctx, key["id"], [made["in_b"]], [made["in_a"], made["also_in_a"]],
        "narrowing the key's store to its second channel", **{"sales_channel_id[]": channel_b},
    )  # fmt: skip
    _expect_scoped(
        ctx, key["id"], [made["in_a"], made["in_b"]], [],
        "naming both of the key's channels", **{"sales_channel_id[]": [channel_a, channel_b]},
    )  # fmt: skip


@scenario(
    "deleted_product_gone_from_store",
    OP_STORE_PRODUCT,
    "a product deleted through DELETE /admin/products/{id} leaves the store at once",
)
def deleted_product_gone_from_store(ctx: ScenarioContext) -> None:
    made = made_products(ctx)
    channel_a, _ = ctx.state["channels"]
    key = _make_key(ctx, "revokit: deleted product key", [channel_a])
    doomed = made["doomed"]
    _expect_scoped(ctx, key["id"], [doomed], [], "listing the key's channel before the delete")
    ctx.expect(
        ctx.client.delete(f"{ADMIN_PRODUCTS}/{doomed}", headers=_admin(ctx)),
        200,
        product_deleted(doomed),
        why="deleting the product",
    )
    _expect_scoped(ctx, key["id"], [made["in_a"]], [doomed], "listing the key's channel after the delete")
    ctx.expect(
        ctx.client.get(f"{PRODUCTS}/{doomed}", headers={PUBLISHABLE_KEY_HEADER: key["id"]}),
        404,
        product_not_found(doomed),
        why="reading the deleted product",
    )


@scenario(
    "revoked_key_refused_on_store",
    OP_STORE_PRODUCTS,
    "the very next store request that presents a revoked key is refused with the exact 400 not_allowed body",
)
def revoked_key_refused_on_store(ctx: ScenarioContext) -> None:
    channel_a, _ = ctx.state["channels"]
    key = _make_key(ctx, "revokit: to revoke", [channel_a])
    ctx.expect(_store(ctx, key["id"]), 200, why="using the key before the revoke")
    _revoke_ok(ctx, key["id"])
    ctx.expect(_store(ctx, key["id"]), 400, INVALID_STORE_KEY, why="listing products with the revoked key")
    products = ctx.state.get("products") or []
    if products:
        exchange = ctx.client.get(f"{PRODUCTS}/{products[0]}", headers={PUBLISHABLE_KEY_HEADER: key["id"]})
        ctx.expect(exchange, 400, INVALID_STORE_KEY, why="reading a product with the revoked key")


_MAX_LISTED_KEYS = 5000  # keys read to watch the siblings; more is beyond a test backend


def _live_key_ids(ctx: ScenarioContext) -> tuple[Exchange, set[str]]:
    """Every unrevoked key the backend lists (page by page), with the last page's exchange."""
    live: set[str] = set()
    offset = 0
    while True:
        exchange = ctx.client.get(KEYS, headers=_admin(ctx), params={"limit": 100, "offset": offset})

        def problem(body: Any) -> str | None:
            if not isinstance(body, dict) or not isinstance(body.get("publishable_api_keys"), list):
                return "the list has no `publishable_api_keys` array"
            return None

        body = ctx.expect(exchange, 200, shape=problem, why="listing every key")
        items = [k for k in body["publishable_api_keys"] if isinstance(k, dict)]
        live |= {k["id"] for k in items if isinstance(k.get("id"), str) and k.get("revoked_at") is None}
        offset += len(items)
        count = body.get("count")
        if not items or not isinstance(count, int) or offset >= min(count, _MAX_LISTED_KEYS):
            return exchange, live


@scenario(
    "sibling_key_keeps_working",
    OP_STORE_PRODUCTS,
    "revoking one key revokes exactly that key: its older and newer siblings on the same channel still "
    "scope the store and read unrevoked, and every other key live before is live after",
)
def sibling_key_keeps_working(ctx: ScenarioContext) -> None:
    channel_a, _ = ctx.state["channels"]
    products = ctx.state.get("products") or []
    older = _make_key(ctx, "revokit: older sibling", [channel_a])
    revoked = _make_key(ctx, "revokit: revoked sibling", [channel_a])
    newer = _make_key(ctx, "revokit: newer sibling", [channel_a])
    for key in (older, revoked, newer):
        ctx.expect(_store(ctx, key["id"]), 200, why="using every key before the revoke")
    _, live_before = _live_key_ids(ctx)
    _revoke_ok(ctx, revoked["id"])
    _, live_after = _live_key_ids(ctx)
    for sibling in (older, newer):
        if len(products) >= 2:
            _expect_scoped(
                ctx, sibling["id"], [products[0]], [products[1]], "using a sibling after the revoke"
            )
        else:
            ctx.expect(_store(ctx, sibling["id"]), 200, why="using a sibling after the revoke")
        ctx.expect(
            ctx.client.get(_key_path(sibling["id"]), headers=_admin(ctx)),
            200,
            shape=_is_key(sibling["id"], revoked=False),
            why="reading a sibling after the revoke",
        )
    # Keys the run did not make too: a revoke that takes the oldest key of the store is a
    # revoke of the wrong key. (Listed just before and just after the one revoke.)
    lost = sorted(live_before - live_after - {revoked["id"]})
    if lost:
        ctx.fail(
            f"keys live before another key's revoke are revoked or gone after it: {', '.join(lost)}",
            ctx.client.history[-1],
            expected_status="200",
            expected_body="every key live before the revoke, but the revoked one, still listed with revoked_at null",
        )


@scenario(
    "revoke_again_refused",
    OP_REVOKE_KEY,
    "revoking a revoked key answers the exact 400 not_allowed and leaves the first revocation as it was",
)
def revoke_again_refused(ctx: ScenarioContext) -> None:
    key = _make_key(ctx, "revokit: revoke twice")
    first = _revoke_ok(ctx, key["id"])
    ctx.expect(_revoke(ctx, key["id"]), 400, ALREADY_REVOKED, why="revoking the key a second time")

    def unchanged(body: Any) -> str | None:
        problem = _is_key(key["id"], revoked=True)(body)
        if problem:
            return problem
        now = body["publishable_api_key"]
        if (now["revoked_at"], now["revoked_by"]) != (first["revoked_at"], first["revoked_by"]):
            return "the second revoke changed `revoked_at`/`revoked_by`"
        return None

    ctx.expect(
        ctx.client.get(_key_path(key["id"]), headers=_admin(ctx)),
        200,
        shape=unchanged,
        shape_text=json.dumps({"publishable_api_key": {"revoked_at": first["revoked_at"], "...": "..."}}),
        why="reading the key after the second revoke",
    )


@scenario(
    "delete_needs_no_revoke",
    OP_DELETE_KEY,
    "a live key and a revoked key are both deleted with the exact body; nothing but the key's existence is required",
)
def delete_needs_no_revoke(ctx: ScenarioContext) -> None:
    live = _make_key(ctx, "revokit: delete live")
    revoked = _make_key(ctx, "revokit: delete revoked")
    _revoke_ok(ctx, revoked["id"])
    for key, what in ((live, "deleting a live key"), (revoked, "deleting a revoked key")):
        exchange = ctx.client.delete(_key_path(key["id"]), headers=_admin(ctx))
        ctx.expect(
            exchange, 200, {"id": key["id"], "object": "publishable_api_key", "deleted": True}, why=what
        )


@scenario(
    "deleted_key_is_gone",
    OP_GET_KEY,
    "a deleted key reads, revokes and deletes as the exact 404 and is never listed again",
)
def deleted_key_is_gone(ctx: ScenarioContext) -> None:
    key = _make_key(ctx, "revokit: deleted key")
    ctx.expect(ctx.client.delete(_key_path(key["id"]), headers=_admin(ctx)), 200, why="deleting the key")
    gone = key_not_found(key["id"])
    ctx.expect(ctx.client.get(_key_path(key["id"]), headers=_admin(ctx)), 404, gone, why="reading it")
    ctx.expect(_revoke(ctx, key["id"]), 404, gone, why="revoking it")
    ctx.expect(
        ctx.client.delete(_key_path(key["id"]), headers=_admin(ctx)), 404, gone, why="deleting it again"
    )

    def not_listed(body: Any) -> str | None:
        if not isinstance(body, dict) or not isinstance(body.get("publishable_api_keys"), list):
            return "the body has no `publishable_api_keys` array"
        if any(isinstance(k, dict) and k.get("id") == key["id"] for k in body["publishable_api_keys"]):
            return "the deleted key is still listed"
        return None

    # q narrows the list to the run's titles so the key would be on the first page.
    exchange = ctx.client.get(KEYS, headers=_admin(ctx), params={"q": "revokit: deleted key", "limit": 100})
    ctx.expect(
        exchange, 200, shape=not_listed, shape_text="a list without the deleted key", why="listing keys"
    )


@scenario(
    "deleted_key_refused_on_store",
    OP_STORE_PRODUCTS,
    "the store refuses a deleted key with the exact 400 not_allowed body, even though its channel links existed",
)
def deleted_key_refused_on_store(ctx: ScenarioContext) -> None:
    channel_a, _ = ctx.state["channels"]
    key = _make_key(ctx, "revokit: deleted on store", [channel_a])
    ctx.expect(_store(ctx, key["id"]), 200, why="using the key before the delete")
    ctx.expect(ctx.client.delete(_key_path(key["id"]), headers=_admin(ctx)), 200, why="deleting the key")
    ctx.expect(_store(ctx, key["id"]), 400, INVALID_STORE_KEY, why="listing products with the deleted key")


@scenario(
    "unknown_key_refused_on_store",
    OP_STORE_PRODUCTS,
    "the store refuses a key that never existed with the exact 400 not_allowed body",
)
def unknown_key_refused_on_store(ctx: ScenarioContext) -> None:
    unknown = _fixed_id(ctx, "pk", "unknown store key")
    ctx.expect(_store(ctx, unknown), 400, INVALID_STORE_KEY, why="listing products with an unknown key")


@scenario(
    "sales_channel_batch",
    OP_ADD_KEY_CHANNELS,
    "batch add and remove change exactly the listed links, answer with the key, and the store follows at once",
)
def sales_channel_batch(ctx: ScenarioContext) -> None:
    channel_a, channel_b = ctx.state["channels"]
    products = ctx.state.get("products") or []
    key = _make_key(ctx, "revokit: batch key", [channel_a])

    def channels_are(expected: set[str]) -> Callable[[Any], str | None]:
        def problem(body: Any) -> str | None:
            if not isinstance(body, dict) or not isinstance(body.get("sales_channels"), list):
                return "the body has no `sales_channels` array"
            listed = sorted(str(c.get("id")) for c in body["sales_channels"] if isinstance(c, dict))
            if listed != sorted(expected):  # a list, so a link added twice shows twice
                return f"the key's channels are {listed}, expected {sorted(expected)}"
            return None

        return problem

    def list_channels(expected: set[str], why: str, **params: str) -> None:
        ctx.expect(
            ctx.client.get(_key_path(key["id"], "/sales-channels"), headers=_admin(ctx), params=params),
            200,
            shape=channels_are(expected),
            shape_text=json.dumps({"sales_channels": [{"id": c, "...": "..."} for c in sorted(expected)]}),
            why=why,
        )

    list_channels({channel_a}, "listing the key's channels after the first add")
    batch_path = _key_path(key["id"], "/sales-channels/batch")
    # The linked channel first: skipping it must not end the batch.
    exchange = ctx.client.post(batch_path, json_body=_batch([channel_a, channel_b]), headers=_admin(ctx))
    ctx.expect(exchange, 200, shape=_is_key(key["id"]), why="adding the first channel again and a second")
    list_channels({channel_a, channel_b}, "listing the key's channels after adding the second")
    # q matches a channel's name or description: the run's channels differ only in their names.
    list_channels({channel_b}, "searching the key's channels by the second one's name", q="check B")
    ctx.expect(
        ctx.client.get(CHANNELS, headers=_admin(ctx), params={"q": "check B", "limit": 100}),
        200,
        shape=lambda body: _channel_listing_problem(body, channel_b, channel_a),
        why="searching the sales channels by the second one's name",
    )
    if len(products) >= 2:
        _expect_scoped(ctx, key["id"], products[:2], [], "listing store products with both channels linked")
    exchange = ctx.client.delete(batch_path, json_body=_batch([channel_a]), headers=_admin(ctx))
    ctx.expect(exchange, 200, shape=_is_key(key["id"]), why="removing the first channel")
    list_channels({channel_b}, "listing the key's channels after removing the first")
    if len(products) >= 2:
        _expect_scoped(
            ctx, key["id"], [products[1]], [products[0]], "listing store products after the removal"
        )


@scenario(
    "error_body_store_scope",
    OP_STORE_PRODUCT,
    "reaching outside the key's channels answers 400 with the exact {errors, message} body",
)
def error_body_store_scope(ctx: ScenarioContext) -> None:
    _, outside = _needs_products(ctx)
    channel_a, channel_b = ctx.state["channels"]
    key = _make_key(ctx, "revokit: scope errors", [channel_a])
    headers = {PUBLISHABLE_KEY_HEADER: key["id"]}
    ctx.expect(
        ctx.client.get(f"{PRODUCTS}/{outside}", headers=headers),
        400,
        product_out_of_scope(outside),
        why="reading a product outside the key's channels",
    )
    ctx.expect(
        _store(ctx, key["id"], sales_channel_id=channel_b),
        400,
        channel_out_of_scope(channel_b),
        why="asking for a sales channel outside the key's",
    )


@scenario(
    "error_body_400",
    OP_CREATE_KEY,
    "invalid requests answer 400 {type: invalid_data, message} with class-validator's exact words",
)
def error_body_400(ctx: ScenarioContext) -> None:
    key = _make_key(ctx, "revokit: validation target")
    cases = [
        (
            ctx.client.post(KEYS, json_body={}, headers=_admin(ctx)),
            "title must be a string",
            "a key without title",
        ),
        (
            ctx.client.post(KEYS, json_body={"title": "x", "foo": 1}, headers=_admin(ctx)),
            "property foo should not exist",
            "a key with an undocumented property",
        ),
        (
            ctx.client.post(_key_path(key["id"]), json_body={"revoked_at": None}, headers=_admin(ctx)),
            "property revoked_at should not exist",
            "un-revoking through an update",
        ),
        (
            ctx.client.post(_key_path(key["id"], "/sales-channels/batch"), json_body={}, headers=_admin(ctx)),
            "sales_channel_ids must be an array",
            "a batch without sales_channel_ids",
        ),
        (
            ctx.client.get(KEYS, headers=_admin(ctx), params={"foo": "x"}),
            "property foo should not exist",
            "an undocumented list parameter",
        ),
    ]
    for exchange, message, what in cases:
        ctx.expect(exchange, 400, invalid_data(message), why=what)


@scenario(
    "malformed_json_refused",
    OP_CREATE_KEY,
    "a body that is not JSON answers 400 with a JSON {type: invalid_data, message} body",
)
def malformed_json_refused(ctx: ScenarioContext) -> None:
    headers = {**_admin(ctx), "Content-Type": "application/json"}
    exchange = ctx.client.post(KEYS, data=b'{"title": "unterminated', headers=headers)

    def invalid_data_shape(body: Any) -> str | None:
        if not isinstance(body, dict) or set(body) != {"type", "message"}:
            return "the body is not a JSON {type, message} object"
        if body["type"] != "invalid_data" or not isinstance(body["message"], str):
            return "the error is not of type invalid_data with a message"
        return None

    ctx.expect(
        exchange,
        400,
        shape=invalid_data_shape,
        shape_text=json.dumps(invalid_data("<the parser's message>")),
        why="sending malformed JSON",
    )


@scenario(
    "list_query_refused",
    OP_LIST_KEYS,
    "paging and columns the key list cannot honour answer 400 invalid_data, never a 500",
)
def list_query_refused(ctx: ScenarioContext) -> None:
    for params, what in (
        ({"limit": -1}, "a negative limit"),
        ({"offset": -1}, "a negative offset"),
        ({"expand": "sales_channels"}, "an expand (keys have no relations)"),
        ({"order": "no_such_column"}, "an order on an unknown column"),
    ):
        exchange = ctx.client.get(KEYS, headers=_admin(ctx), params=params)
        ctx.expect(
            exchange, 400, shape=invalid_data_problem, shape_text=json.dumps(invalid_data("...")), why=what
        )


@scenario(
    "error_body_404",
    OP_KEY_CHANNELS,
    "unknown keys and sales channels answer 404 with the exact not_found body on every route",
)
def error_body_404(ctx: ScenarioContext) -> None:
    unknown_key = _fixed_id(ctx, "pk", "unknown key")
    unknown_channel = _fixed_id(ctx, "sc", "unknown channel")
    channel_a, _ = ctx.state["channels"]
    missing = key_not_found(unknown_key)
    for method, path, body, what in (
        ("GET", _key_path(unknown_key), None, "reading an unknown key"),
        ("POST", _key_path(unknown_key), {"title": "x"}, "renaming an unknown key"),
        ("POST", _key_path(unknown_key, "/revoke"), None, "revoking an unknown key"),
        ("DELETE", _key_path(unknown_key), None, "deleting an unknown key"),
        (
            "POST",
            _key_path(unknown_key, "/sales-channels/batch"),
            _batch([channel_a]),
            "linking an unknown key",
        ),
        ("GET", _key_path(unknown_key, "/sales-channels"), None, "listing an unknown key's channels"),
    ):
        ctx.expect(_call(ctx, method, path, body, _admin(ctx)), 404, missing, why=what)
    exchange = ctx.client.get(f"{CHANNELS}/{unknown_channel}", headers=_admin(ctx))
    ctx.expect(exchange, 404, channel_not_found(unknown_channel), why="reading an unknown sales channel")
    made = ctx.state.get("made_products")
    if made:
        # Known products, unknown channel: the database's foreign key refuses the links.
        exchange = ctx.client.post(
            f"{CHANNELS}/{unknown_channel}/products/batch",
            json_body={"product_ids": [{"id": made["in_a"]}]},
            headers=_admin(ctx),
        )
        refused = error_body(
            "medusa-v1",
            "foreign_key_missing",
            table="Sales_channel",
            column="sales_channel_id",
            value=unknown_channel,
        )
        ctx.expect(exchange, 404, refused, why="putting a product into an unknown sales channel")


@scenario(
    "product_handle_taken",
    OP_CREATE_PRODUCT,
    "a second product with a taken handle answers 422 with the exact duplicate_error body",
)
def product_handle_taken(ctx: ScenarioContext) -> None:
    made_products(ctx)  # skips when the backend refused to make products
    channel_a, _ = ctx.state["channels"]
    handle = f"revokit-check-{ctx.state['product_word']}-twice"
    body = {"title": "revokit: handle twice", "handle": handle, "sales_channels": [{"id": channel_a}]}
    first = ctx.client.post(ADMIN_PRODUCTS, json_body=body, headers=_admin(ctx))
    ctx.expect(first, 200, why="creating a draft product with its own handle")
    ctx.expect(
        ctx.client.post(ADMIN_PRODUCTS, json_body=body, headers=_admin(ctx)),
        422,
        error_body("medusa-v1", "product_handle_taken", handle=handle),
        why="creating another product with the same handle",
    )


@scenario(
    "login_refuses_wrong_password",
    OP_LOGIN,
    "a wrong password answers 401 Unauthorized on both login routes and opens no session",
)
def login_refuses_wrong_password(ctx: ScenarioContext) -> None:
    email = ctx.state.get("email")
    if not email:
        ctx.skip("needs --email (the admin user to try a wrong password for)")
    wrong = {"email": email, "password": "revokit-wrong-password-" + str(ctx.state["seed"])}
    session = Client(ctx.client.base_url, operations=ctx.client.operations, timeout=ctx.client.timeout)
    try:
        exchange = session.post(AUTH, json_body=wrong)
        ctx.client.history.append(exchange)
        ctx.expect(exchange, 401, UNAUTHORIZED, why="logging in with a wrong password")
        # Whatever cookie the refusal left in the jar must not be a session.
        after = session.get(AUTH)
        ctx.client.history.append(after)
        ctx.expect(after, 401, UNAUTHORIZED, why="using the cookies a refused login left behind")
    finally:
        session.close()
    ctx.expect(ctx.client.post(TOKEN, json_body=wrong), 401, UNAUTHORIZED, why="asking for a JWT with it")


@scenario(
    "admin_routes_refuse_missing_credentials",
    ADMIN_ROUTES,
    "every admin route answers 401 Unauthorized (text/plain) without a credential, and changes nothing",
)
def admin_routes_refuse_missing_credentials(ctx: ScenarioContext) -> None:
    victim = _make_key(ctx, "revokit: missing credentials target")
    for method, path, body in _admin_calls(ctx, victim["id"]):
        _expect_unauthorized(ctx, _call(ctx, method, path, body, {}), f"{method} {path} without a credential")
    _victim_intact(ctx, victim["id"], "reading the key after unauthenticated revoke and delete attempts")


@scenario(
    "admin_routes_refuse_wrong_credentials",
    ADMIN_ROUTES,
    "every admin route answers 401 Unauthorized to a garbled, tampered, unsigned, expired, forged or "
    "misplaced credential (a publishable key included)",
)
def admin_routes_refuse_wrong_credentials(ctx: ScenarioContext) -> None:
    victim = _make_key(ctx, "revokit: wrong credentials target")
    for what, headers in wrong_credentials(ctx.state, victim["id"]):
        for method, path, body in _admin_calls(ctx, victim["id"]):
            _expect_unauthorized(ctx, _call(ctx, method, path, body, headers), f"{method} {path} with {what}")
    _victim_intact(
        ctx, victim["id"], "reading the key after revoke and delete attempts with wrong credentials"
    )


def _list_keys_with(ctx: ScenarioContext) -> Callable[[str], Exchange]:
    return lambda token: ctx.client.get(
        KEYS, headers={"Authorization": f"Bearer {token}"}, params={"limit": 1}
    )


@scenario(
    "admin_credentials_each_authenticate",
    OP_WHO_AM_I,
    "each admin credential the run holds (the API token in x-medusa-access-token, the JWT as a "
    "bearer token) authenticates on its own as the run's user",
)
def admin_credentials_each_authenticate(ctx: ScenarioContext) -> None:
    held = [
        (what, headers)
        for what, value, headers in (
            ("the API token", ctx.state.get("api_token"), {API_TOKEN_HEADER: ctx.state.get("api_token")}),
            ("the JWT", ctx.state.get("jwt"), {"Authorization": f"Bearer {ctx.state.get('jwt')}"}),
        )
        if value
    ]
    if not held:
        ctx.skip("the run holds neither an API token nor a JWT (logged in by session only)")
    for what, headers in held:
        ctx.expect(
            ctx.client.get(AUTH, headers=headers),
            200,
            shape=_is_user(ctx.state["user_id"]),
            why=f"GET /admin/auth with {what} alone",
        )
        ctx.expect(
            ctx.client.get(KEYS, headers=headers, params={"limit": 1}), 200, why=f"listing keys with {what}"
        )


def _is_user(user_id: str) -> Callable[[Any], str | None]:
    def shape(body: Any) -> str | None:
        user = body.get("user") if isinstance(body, dict) else None
        if not isinstance(user, dict) or user.get("id") != user_id:
            return f"expected the run's user {user_id} under `user`"
        return None

    return shape


@scenario(
    "forged_tokens_judged",
    OP_LIST_KEYS,
    "admin JWTs signed with the backend's own secret are refused when expired, not yet valid or not "
    "an admin's (exact 401), and one without exp is accepted as 1.20.11 accepts it (needs "
    "--jwt-secret and a JWT from POST /admin/auth/token)",
)
def forged_tokens_judged(ctx: ScenarioContext) -> None:
    if not ctx.state.get("jwt"):
        ctx.skip("needs a JWT to take the claims from (POST /admin/auth/token answered none)")
    cases = [
        *time_claim_cases(401, UNAUTHORIZED),
        ForgedCase("of the store realm (domain store)", {"domain": "store"}, 401, UNAUTHORIZED),
        ForgedCase("without domain", {"domain": DROP}, 401, UNAUTHORIZED),
        ForgedCase("without user_id", {"user_id": DROP}, 401, UNAUTHORIZED),
        # jsonwebtoken checks exp only when the token has one, and Medusa signs every token with it.
        ForgedCase("without exp", {"exp": DROP}, 200),
    ]
    judge_forged_tokens(ctx, ctx.state["jwt"], cases, _list_keys_with(ctx))


@scenario(
    "forged_token_of_unknown_user_refused",
    OP_LIST_KEYS,
    "an admin JWT signed with the backend's own secret whose user_id names no user (or is no string) is refused with "
    "401 (needs --jwt-secret and a JWT from POST /admin/auth/token)",
)
def forged_token_of_unknown_user_refused(ctx: ScenarioContext) -> None:
    if not ctx.state.get("jwt"):
        ctx.skip("needs a JWT to take the claims from (POST /admin/auth/token answered none)")
    unknown = _fixed_id(ctx, "usr", "unknown user")
    cases = [
        ForgedCase("of a user that does not exist", {"user_id": unknown}, 401, UNAUTHORIZED),
        # No user has a list for an id (1.20.11 answers 200 here too: it looks no user up).
        ForgedCase("whose user_id is a list", {"user_id": [unknown]}, 401, UNAUTHORIZED),
    ]
    judge_forged_tokens(ctx, ctx.state["jwt"], cases, _list_keys_with(ctx))


@scenario(
    "logout_ends_session",
    "DELETE /admin/auth",
    "after DELETE /admin/auth the session cookie is refused with 401 while other credentials keep working",
)
def logout_ends_session(ctx: ScenarioContext) -> None:
    with _own_session(ctx, "end") as (_, jar_free):
        ctx.expect(ctx.client.get(AUTH, headers=jar_free), 200, why="using the session")
        ctx.expect(ctx.client.delete(AUTH, headers=jar_free), 200, "OK", why="logging out")
        _expect_unauthorized(
            ctx, ctx.client.get(AUTH, headers=jar_free), "using the session after the logout"
        )
        ctx.expect(
            ctx.client.get(AUTH, headers=_admin(ctx)), 200, why="the run's own credential after that logout"
        )


@scenario(
    "session_expires",
    "GET /admin/auth",
    "a session not used for its cookie's lifetime is refused with 401 (checked when the backend's "
    "sessions are short: a ttl of at most 10 s)",
)
def session_expires(ctx: ScenarioContext) -> None:
    with _own_session(ctx, "wait out") as (login, jar_free):
        try:
            expect_expiry(
                ctx,
                login,
                SESSION_COOKIE,
                lambda: ctx.client.get(AUTH, headers=jar_free),
                lambda late: _expect_unauthorized(ctx, late, "using the session after its lifetime"),
            )
        finally:
            ctx.client.delete(AUTH, headers=jar_free)  # a session not waited out is not left open


@contextmanager
def _own_session(ctx: ScenarioContext, purpose: str) -> Iterator[tuple[Exchange, dict[str, str]]]:
    """Log in with --email/--password on a client of its own (the run's client keeps no cookie):
    yields the login's answer and the session's Cookie header."""
    email, password = ctx.state.get("email"), ctx.state.get("password")
    if not (email and password):
        ctx.skip(f"needs --email/--password (a session of its own to {purpose})")
    session = Client(ctx.client.base_url, operations=ctx.client.operations, timeout=ctx.client.timeout)
    try:
        login = session.post(AUTH, json_body={"email": email, "password": password})
        cookie = session.session.cookies.get(SESSION_COOKIE)
        ctx.client.history.append(login)
        ctx.expect(login, 200, why="logging in for a session of this scenario")
        if not cookie:
            ctx.fail(
                "the login set no connect.sid cookie",
                login,
                expected_status="200",
                expected_body="Set-Cookie: connect.sid=...",
            )
        yield login, {"Cookie": f"{SESSION_COOKIE}={cookie}"}
    finally:
        session.close()


@scenario(
    "lists_filter_and_page",
    OP_LIST_KEYS,
    "`q` finds exactly the keys whose title matches, `limit`/`offset` pages add up to the matches "
    "with their `count`, and the run's sales channels are listed",
)
def lists_filter_and_page(ctx: ScenarioContext) -> None:
    channel_a, channel_b = ctx.state["channels"]
    marker = f"revokit list {channel_a}"  # the run's own channel id: no other key has this title
    # Titles with Postgres LIKE's wildcards in them: `q` is matched as ILIKE '%q%', where a
    # backslash escapes the next character (1.20 answers each case below as written).
    one = _make_key(ctx, f"{marker} one 100%")
    two = _make_key(ctx, f"{marker} two 1_x0")

    def listed(params: Mapping[str, Any], why: str) -> tuple[Exchange, list[str], Any]:
        exchange = ctx.client.get(KEYS, headers=_admin(ctx), params=params)

        def problem(body: Any) -> str | None:
            if not isinstance(body, dict) or not isinstance(body.get("publishable_api_keys"), list):
                return "the list has no `publishable_api_keys` array"
            return None

        body = ctx.expect(exchange, 200, shape=problem, why=why)
        ids = [k.get("id") for k in body["publishable_api_keys"] if isinstance(k, dict)]
        return exchange, ids, body.get("count")

    for q, wanted in (
        (marker, {one["id"], two["id"]}),
        (f"{marker} one", {one["id"]}),
        (f"{marker} one 100\\", {one["id"]}),  # a trailing backslash escapes the closing %
        (f"{marker} two 1\\_0", set()),  # an escaped _ is itself, not any one character
        (f"{marker} two 1\\_x0", {two["id"]}),
        (f"{marker} o 100", set()),  # only % and _ are wildcards: a space is a space
    ):
        exchange, ids, count = listed({"q": q}, f"searching the keys for {q!r}")
        if set(ids) != wanted or count != len(wanted):
            ctx.fail(
                f"q={q!r} listed {ids} (count {count}), the keys titled so are {sorted(wanted)}",
                exchange,
                expected_status="200",
                expected_body=f'{{"publishable_api_keys": [{len(wanted)} keys], "count": {len(wanted)}, ...}}',
            )
    paged: list[str] = []
    for offset in (0, 1):
        exchange, ids, count = listed({"q": marker, "limit": 1, "offset": offset}, "one page of the matches")
        paged += ids
        if len(ids) != 1 or count != 2:
            ctx.fail(
                f"limit=1&offset={offset} listed {ids} with count {count}, expected one key and count 2",
                exchange,
                expected_status="200",
            )
    if set(paged) != {one["id"], two["id"]}:
        ctx.fail(
            f"the two pages list {paged}, not both matches", ctx.client.history[-1], expected_status="200"
        )

    channels: set[str] = set()
    while True:
        exchange = ctx.client.get(
            CHANNELS, headers=_admin(ctx), params={"limit": 100, "offset": len(channels)}
        )

        def channels_problem(body: Any) -> str | None:
            if not isinstance(body, dict) or not isinstance(body.get("sales_channels"), list):
                return "the list has no `sales_channels` array"
            return None

        body = ctx.expect(exchange, 200, shape=channels_problem, why="listing the sales channels")
        found = {
            c["id"] for c in body["sales_channels"] if isinstance(c, dict) and isinstance(c.get("id"), str)
        }
        if not found - channels or len(channels | found) >= min(body.get("count") or 0, 5000):
            channels |= found
            break
        channels |= found
    missing = {channel_a, channel_b} - channels
    if missing:
        ctx.fail(
            f"the run's sales channels are not listed: {', '.join(sorted(missing))}",
            exchange,
            expected_status="200",
            expected_body=f'{{"sales_channels": [... {{"id": "{channel_a}", ...}} ...], ...}}',
        )


@scenario(
    "lists_order_dates_and_limit",
    OP_LIST_KEYS,
    "keys list newest first, `created_at[lt]`/`[gte]` bound the matches, `limit=0` lists them all "
    "and `limit=1` on the whole list answers one key",
)
def lists_order_dates_and_limit(ctx: ScenarioContext) -> None:
    marker = f"revokit order {ctx.state['channels'][0]}"  # no other key has this title
    older = _make_key(ctx, f"{marker} older")
    # Two creations a few milliseconds apart, so their created_at (to the millisecond) differ.
    time.sleep(0.005)
    newer = _make_key(ctx, f"{marker} newer")

    def listed(params: Mapping[str, Any], why: str) -> tuple[Exchange, list[str], Any]:
        exchange = ctx.client.get(KEYS, headers=_admin(ctx), params=params)

        def problem(body: Any) -> str | None:
            if not isinstance(body, dict) or not isinstance(body.get("publishable_api_keys"), list):
                return "the list has no `publishable_api_keys` array"
            return None

        body = ctx.expect(exchange, 200, shape=problem, why=why)
        return exchange, [k.get("id") for k in body["publishable_api_keys"] if isinstance(k, dict)], body

    def expect_ids(params: Mapping[str, Any], wanted: list[str], why: str) -> None:
        exchange, ids, body = listed(params, why)
        if ids != wanted or body.get("count") != len(wanted):
            ctx.fail(
                f"{why}: listed {ids} (count {body.get('count')}), expected {wanted}",
                exchange,
                expected_status="200",
                expected_body=f'{{"publishable_api_keys": {wanted}, "count": {len(wanted)}, ...}}',
            )

    expect_ids({"q": marker}, [newer["id"], older["id"]], "the matches, newest first")
    expect_ids({"q": marker, "limit": 0}, [newer["id"], older["id"]], "limit=0: every match")
    if str(older.get("created_at")) < str(newer.get("created_at")):
        # The database keeps microseconds, the answer shows milliseconds: `lt` the newer key's
        # shown time excludes it and keeps the older one; `gte` it keeps only the newer one.
        bound = newer["created_at"]
        expect_ids({"q": marker, "created_at[lt]": bound}, [older["id"]], "created_at[lt] the newer key")
        expect_ids({"q": marker, "created_at[gte]": bound}, [newer["id"]], "created_at[gte] the newer key")
        # Without `q` too (other keys may be newer: only these two are judged).
        exchange, ids, _ = listed({"created_at[gte]": bound, "limit": 100}, "created_at[gte] alone")
        if newer["id"] not in ids or older["id"] in ids:
            ctx.fail(
                f"created_at[gte]={bound} listed {ids}: expected {newer['id']} and not {older['id']}",
                exchange,
                expected_status="200",
            )
    exchange, _, body = listed({"order": "created_at", "limit": 2}, "the whole list, oldest first")
    times = [k.get("created_at") for k in body["publishable_api_keys"] if isinstance(k, dict)]
    if len(times) == 2 and all(isinstance(t, str) for t in times) and times[0] > times[1]:
        ctx.fail(
            f"order=created_at listed created_at {times}, newest first",
            exchange,
            expected_status="200",
            expected_body="keys in ascending created_at",
        )
    _expect_channels_newest_first(ctx)
    exchange, ids, body = listed({"limit": 1}, "one page of the whole list")
    if ids and ids != [newer["id"]]:
        ctx.fail(
            f"limit=1 of the whole list listed {ids}: expected the newest key, {newer['id']}",
            exchange,
            expected_status="200",
            expected_body=f'{{"publishable_api_keys": [{{"id": "{newer["id"]}", ...}}], ...}}',
        )
    if len(ids) != 1 or not isinstance(body.get("count"), int) or body["count"] < 2:
        ctx.fail(
            f"limit=1 listed {len(ids)} keys (count {body.get('count')}), expected one key and the count of all",
            exchange,
            expected_status="200",
            expected_body='{"publishable_api_keys": [1 key], "count": <at least 2>, "limit": 1, ...}',
        )


def _channel_listing_problem(body: Any, listed: str, not_listed: str) -> str | None:
    channels = body.get("sales_channels") if isinstance(body, dict) else None
    if not isinstance(channels, list):
        return "the body has no `sales_channels` array"
    ids = [c.get("id") for c in channels if isinstance(c, dict)]
    if listed not in ids or not_listed in ids:
        return f"listed {ids}: expected {listed} and not {not_listed}"
    return None


def _expect_channels_newest_first(ctx: ScenarioContext) -> None:
    """The run's second sales channel (made after the first) is listed before it."""
    first, second = ctx.state["channels"]
    exchange = ctx.client.get(CHANNELS, headers=_admin(ctx), params={"limit": 100})
    body = ctx.expect(exchange, 200, why="listing the sales channels")
    items = body.get("sales_channels") if isinstance(body, dict) else None
    if not isinstance(items, list):
        ctx.fail("the list has no `sales_channels` array", exchange, expected_status="200")
    made = {c.get("id"): (i, c.get("created_at")) for i, c in enumerate(items) if isinstance(c, dict)}
    if first not in made or second not in made or not str(made[first][1]) < str(made[second][1]):
        return  # beyond the first page, or made in the same millisecond: no order to judge
    if made[second][0] > made[first][0]:
        ctx.fail(
            f"sales channel {second} (made after {first}) is listed after it: the list is not newest first",
            exchange,
            expected_status="200",
            expected_body=f'{{"sales_channels": [... {second} ... {first} ...], ...}}',
        )


OP_CREATE_CART = "POST /store/carts"
NO_REGION = error_message("medusa-v1", "no_region")
MULTIPLE_CHANNELS = error_body("medusa-v1", "multiple_channels")


@scenario(
    "cart_takes_key_channel",
    OP_CREATE_CART,
    "a cart made with a one-channel key and no `sales_channel_id` is in the key's channel; with a "
    "two-channel key it is refused with 1.20's exact 500 `unexpected_state`",
)
def cart_takes_key_channel(ctx: ScenarioContext) -> None:
    channel_a, channel_b = ctx.state["channels"]
    single = _make_key(ctx, "revokit: one-channel cart key", [channel_a])
    exchange = ctx.client.post(CARTS, json_body={}, headers={PUBLISHABLE_KEY_HEADER: single["id"]})
    refusal = exchange.json if exchange.status == 400 and isinstance(exchange.json, dict) else {}
    if refusal.get("message") == NO_REGION:
        ctx.skip("the backend has no region, so it makes no cart (the checks do not create regions)")

    def in_channel_a(body: Any) -> str | None:
        cart = body.get("cart") if isinstance(body, dict) else None
        if not isinstance(cart, dict) or cart.get("sales_channel_id") != channel_a:
            found = cart.get("sales_channel_id") if isinstance(cart, dict) else None
            return f"the cart's `sales_channel_id` is {json.dumps(found)}, not the key's channel {channel_a}"
        return None

    ctx.expect(
        exchange,
        200,
        shape=in_channel_a,
        shape_text=f'{{"cart": {{"sales_channel_id": "{channel_a}", ...}}}}',
        why="creating a cart with a one-channel key",
    )
    both = _make_key(ctx, "revokit: two-channel cart key", [channel_a, channel_b])
    ctx.expect(
        ctx.client.post(CARTS, json_body={}, headers={PUBLISHABLE_KEY_HEADER: both["id"]}),
        500,
        MULTIPLE_CHANNELS,
        why="creating a cart with a two-channel key and no sales_channel_id",
    )


# -- the suite ----------------------------------------------------------------------------------


def _user_of(exchange: Exchange) -> dict[str, Any] | None:
    body = exchange.json
    if exchange.status == 200 and isinstance(body, dict) and isinstance(body.get("user"), dict):
        return body["user"]
    return None


class MedusaV1Suite(FamilySuite):
    family = "medusa-v1"
    spec_name = "medusa-v1"
    scenarios = scenario
    profile_deviations = PROFILE_DEVIATIONS

    def validate_credentials(self, credentials: Credentials) -> None:
        if credentials.other_token:
            raise UsageError("medusa-v1 has one admin identity per run; --other-token does not apply")
        has_login = bool(credentials.email or credentials.password)
        if has_login and not (credentials.email and credentials.password):
            raise UsageError("medusa-v1 needs both --email and --password to log in")
        if not has_login and not credentials.token:
            raise UsageError(
                "medusa-v1 needs --email/--password (an admin user) or --token (a JWT from "
                "POST /admin/auth/token, or a user's API token)"
            )

    def secret_variables(self, credentials: Credentials) -> dict[str, str | None]:
        return {"REVOKIT_TOKEN": credentials.token, "REVOKIT_PASSWORD": credentials.password}

    def obtained_secrets(self, state: Mapping[str, Any]) -> dict[str, str | None]:
        # What the login issued; a value that is --token itself already shows as $REVOKIT_TOKEN.
        issued = {
            "REVOKIT_JWT": state.get("jwt"),
            "REVOKIT_SESSION": state.get("session_cookie"),
            "REVOKIT_API_TOKEN": state.get("api_token"),
        }
        return {var: value for var, value in issued.items() if value and value != state.get("token")}

    def prepare(self, client: Client, credentials: Credentials, seed: int) -> dict[str, Any]:
        state: dict[str, Any] = {
            "seed": seed,
            "email": credentials.email,
            "password": credentials.password,
            "token": credentials.token,
        }
        try:
            return self._prepare(client, credentials, state)
        except SetupFailed as exc:
            exc.issued.update(self.obtained_secrets(state))
            raise

    def _prepare(self, client: Client, credentials: Credentials, state: dict[str, Any]) -> dict[str, Any]:
        seed = state["seed"]
        if credentials.email and credentials.password:
            self._login(client, credentials, state)
        else:
            self._take_token(client, credentials.token or "", state)
        # Medusa 1.20 sets a fresh connect.sid on every answer. The run's requests carry their
        # credentials explicitly, so the jar keeps none: a jar cookie would ride along unasked
        # (and show, unmasked, in the report's curl lines).
        client.session.cookies.clear()
        client.session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        who = client.get(AUTH, headers=state["admin_headers"])
        user = _user_of(who)
        if user is None:
            raise SetupFailed(
                "GET /admin/auth with the credential did not answer 200 with the user", who, "200"
            )
        state["user_id"] = user.get("id")
        state["api_token"] = state.get("api_token") or user.get("api_token")

        admin = state["admin_headers"]
        state["untouchable"] = self._existing_ids(client, admin, user)
        channels = []
        for label in ("A", "B"):
            made = client.post(
                CHANNELS,
                json_body={
                    "name": f"revokit check {label}",
                    "description": f"made by revokit check (seed {seed})",
                },
                headers=admin,
            )
            body = made.json
            if (
                made.status != 200
                or not isinstance(body, dict)
                or not isinstance(body.get("sales_channel"), dict)
            ):
                raise SetupFailed("creating a sales channel did not answer 200 with the channel", made, "200")
            channels.append(body["sales_channel"]["id"])
        state["channels"] = channels

        if not self._make_products(client, admin, channels, state):
            self._borrow_products(client, admin, channels, state)

        anchor = client.post(KEYS, json_body={"title": "revokit check: generated requests"}, headers=admin)
        body = anchor.json
        if (
            anchor.status != 200
            or not isinstance(body, dict)
            or not isinstance(body.get("publishable_api_key"), dict)
        ):
            raise SetupFailed("creating a publishable key did not answer 200 with the key", anchor, "200")
        state["anchor"] = body["publishable_api_key"]["id"]
        return state

    @staticmethod
    def _make_products(
        client: Client, admin: Mapping[str, str], channels: Sequence[str], state: dict[str, Any]
    ) -> bool:
        """Create the run's products (RUN_PRODUCTS); False if the backend refuses the first one,
        so that a backend without product routes can still be checked."""
        seed = state["seed"]
        bodies = {
            role: {
                "title": product_title(seed, role),
                "description": DESCRIPTION,
                "status": status,
                "sales_channels": [{"id": channels[channel]}],
            }
            for role, (status, channel) in RUN_PRODUCTS.items()
        }
        made = make_products(client, admin, bodies)
        if made is None:
            return False
        state["made_products"] = made
        state["product_word"] = product_word(seed)
        state["products"] = [made["in_a"], made["in_b"]]
        return True

    @staticmethod
    def _borrow_products(
        client: Client, admin: Mapping[str, str], channels: Sequence[str], state: dict[str, Any]
    ) -> None:
        """Place two existing published products, one per channel (taken back out at teardown)."""
        listed = client.get(PRODUCTS, params={"limit": 100})
        products = sorted(_product_ids(listed.json)) if listed.status == 200 else []
        chosen = products[:2]
        for channel_id, product_id in zip(channels, chosen, strict=False):
            placed = client.post(
                f"{CHANNELS}/{channel_id}/products/batch",
                json_body={"product_ids": [{"id": product_id}]},
                headers=admin,
            )
            if placed.status != 200:
                raise SetupFailed(
                    "placing a product in the run's sales channel did not answer 200", placed, "200"
                )
        state["products"] = chosen if len(chosen) == 2 else []
        state["borrowed_products"] = state["products"]

    @staticmethod
    def _existing_ids(client: Client, admin: Mapping[str, str], user: Mapping[str, Any]) -> list[str]:
        """Ids of what was on the backend before the run (and the admin user): generated
        requests never name them in a path, so nothing the run did not make is revoked,
        deleted or disabled (Schemathesis's stateful phase reuses ids seen in any response)."""
        ids = [user.get("id")]
        # limit=0 is "no limit" in Medusa 1.20's list routes.
        for path, field in ((KEYS, "publishable_api_keys"), (CHANNELS, "sales_channels")):
            body = client.get(path, headers=admin, params={"limit": 0}).json
            items = body.get(field) if isinstance(body, dict) else None
            ids += [item.get("id") for item in items or () if isinstance(item, dict)]
        ids += sorted(_product_ids(client.get(PRODUCTS, params={"limit": 0}).json))
        return [i for i in ids if isinstance(i, str)]

    @staticmethod
    def _login(client: Client, credentials: Credentials, state: dict[str, Any]) -> None:
        login = {"email": credentials.email, "password": credentials.password}
        session = client.post(AUTH, json_body=login)
        if session.status in (400, 401):
            raise UsageError(f"the backend refused --email/--password: {session.summary()}")
        if session.status != 200:
            raise SetupFailed("POST /admin/auth did not answer 200", session, "200")
        cookie = client.session.cookies.get(SESSION_COOKIE)
        # The run's requests carry their credentials explicitly, never the shared jar's cookie.
        client.session.cookies.clear()
        state["session_cookie"] = cookie
        token = client.post(TOKEN, json_body=login)
        body = token.json
        if token.status == 200 and isinstance(body, dict) and isinstance(body.get("access_token"), str):
            state["jwt"] = body["access_token"]
            state["admin_headers"] = {"Authorization": f"Bearer {state['jwt']}"}
        elif cookie:  # jwt_secret unset (404): the session is the credential
            state["admin_headers"] = {"Cookie": f"{SESSION_COOKIE}={cookie}"}
        else:
            raise SetupFailed("the login gave neither a session cookie nor a JWT", token, "200")

    @staticmethod
    def _take_token(client: Client, token: str, state: dict[str, Any]) -> None:
        for headers, kind in (
            ({"Authorization": f"Bearer {token}"}, "jwt"),
            ({API_TOKEN_HEADER: token}, "api_token"),
        ):
            if kind == "jwt" and token.count(".") != 2:
                continue
            if client.get(AUTH, headers=headers).status == 200:
                state["admin_headers"] = headers
                state[kind] = token
                return
        raise UsageError("the backend refused --token as a bearer JWT and as an x-medusa-access-token: 401")

    def untouchable_ids(self, state: Mapping[str, Any]) -> list[str]:
        # The run's own key too: the generated store requests carry it.
        return [*state["untouchable"], state["anchor"]]

    def schemathesis_headers(self, state: Mapping[str, Any]) -> dict[str, str]:
        # One admin credential; the store routes get the run's own key, which has no channels so
        # any generated sales_channel_id stays in scope.
        return {**state["admin_headers"], PUBLISHABLE_KEY_HEADER: state["anchor"]}

    def schemathesis_settings(self, state: Mapping[str, Any]) -> dict[str, Any]:
        return {
            # Every admin operation declares three alternative schemes, any one is enough: a value
            # generated for a scheme the run holds no credential for would ride along with the
            # working one, and `ignored_auth` would take the success for ignored auth. Without
            # generated ones it removes the run's credential and tries invalid ones per scheme.
            "generation": {"with-security-parameters": False},
            # Only ids the run creates: inferred links and values replayed from responses would
            # revoke, delete or disable what is already on the backend (its default sales
            # channel, keys storefronts use), and the refusals that follow say nothing about it.
            "phases": {
                **{
                    phase: {"extra-data-sources": {"responses": False}}
                    for phase in ("examples", "coverage", "fuzzing")
                },
                "stateful": {"inference": {"algorithms": []}},
            },
            "operations": [
                {
                    # Product ids that do not exist are refused before anything else with the
                    # documented `{errors, message}` 400 naming them (generated ids never exist),
                    # while the channel just created is there.
                    "include-name": "POST /admin/sales-channels/{id}/products/batch",
                    "checks": {
                        "ensure_resource_availability": {"enabled": False},
                        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "404"]},
                    },
                    # A U+0000 in a product id takes Medusa 1.20.11's whole process down (asked of
                    # it: no answer, an uncaught QueryFailedError ends Node), and the run would end
                    # there; NUL is still sent to every other route, DELETE of this one included.
                    "generation": {"allow-x00": False},
                },
                {
                    # The setup makes the run's products itself. Generated bodies stay away: a
                    # `sales_channels` that is not an array takes Medusa 1.20.11's process down
                    # (asked of it), which would end the run against the release.
                    "include-name": "POST /admin/products",
                    "enabled": False,
                },
                {
                    # The spec's RevokeAgain link revokes twice on purpose: Medusa answers the
                    # already-revoked key with the documented 400 not_allowed (no 409 in v1).
                    "include-name": OP_REVOKE_KEY,
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "404"]}
                    },
                },
            ],
        }

    def teardown(self, client: Client, state: Mapping[str, Any], created: Sequence[Created]) -> list[str]:
        admin = state["admin_headers"]
        keys = [state["anchor"]]
        channels = list(state.get("channels") or [])
        bodies = [(e.operation, e.json) for e in client.history if e.status == 200]
        bodies += [(item.operation, item.body) for item in created]
        for operation, body in bodies:
            if not isinstance(body, dict):
                continue
            if operation == OP_CREATE_KEY and isinstance(body.get("publishable_api_key"), dict):
                keys.append(body["publishable_api_key"].get("id"))
            elif operation == OP_CREATE_CHANNEL and isinstance(body.get("sales_channel"), dict):
                channels.append(body["sales_channel"].get("id"))
        failed = 0
        for key_id in dict.fromkeys(k for k in keys if isinstance(k, str)):
            if client.delete(_key_path(key_id), headers=admin).status not in (200, 404):
                failed += 1
        # The run's own products, and any a scenario created on the way.
        products = list((state.get("made_products") or {}).values())
        for exchange in client.history:
            body = (
                exchange.json if exchange.operation == OP_CREATE_PRODUCT and exchange.status == 200 else None
            )
            product = body.get("product") if isinstance(body, dict) else None
            if isinstance(product, dict) and isinstance(product.get("id"), str):
                products.append(product["id"])
        failed += delete_products(client, admin, products)
        for channel_id, product_id in zip(
            state.get("channels") or [], state.get("borrowed_products") or [], strict=False
        ):
            client.delete(
                f"{CHANNELS}/{channel_id}/products/batch",
                json_body={"product_ids": [{"id": product_id}]},
                headers=admin,
            )
        for channel_id in dict.fromkeys(c for c in channels if isinstance(c, str)):
            if client.delete(f"{CHANNELS}/{channel_id}", headers=admin).status not in (200, 404):
                failed += 1
        if state.get("session_cookie"):
            client.delete(AUTH, headers={"Cookie": f"{SESSION_COOKIE}={state['session_cookie']}"})
        notes = [
            "teardown deleted the publishable keys, sales channels and products this run created and logged out"
        ]
        if failed:
            notes.append(f"teardown could not delete {failed} key(s), channel(s) or product(s)")
        return notes


SUITE = MedusaV1Suite()
