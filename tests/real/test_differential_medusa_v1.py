"""medusa-v1: Medusa 1.20.11 against `revokit mock medusa-v1 --profile medusa-1.20`, request by request.

Every operation of specs/medusa-v1.yaml with its error cases, malformed and oddly encoded bodies,
unknown routes and methods, every credential the admin routes take (and wrong ones), then
generated cases (seeded, so a run repeats). The profile promises to reproduce the release, so
every difference fails the test; the figures are printed either way.
"""

from __future__ import annotations

import base64
import random
import string
import uuid
from collections.abc import Iterator

import pytest
import requests

from revokit.contracts.medusa_v1 import PAGED_OPERATIONS
from revokit_differential import Differential, RealRelease, Side, Step, json_of_size
from revokit_testing import LiveMock

KEYS = "/admin/publishable-api-keys"
CHANNELS = "/admin/sales-channels"
UNKNOWN_KEY = "pk_01H0000000000000000000000Z"
UNKNOWN_CHANNEL = "sc_01H0000000000000000000000Z"
UNKNOWN_PRODUCT = "prod_01H0000000000000000000000Z"
JSON_TYPE = {"Content-Type": "application/json"}
GENERATED_SEED = 20261206
RUN = uuid.uuid4().hex[:8]  # in titles, so handles are new on the release each run

# Objects the spec models only in part: the mock's fields must be the release's, the release may
# send more. (Products are compared in full: the mock answers 1.20.11's whole product object.)
PARTIAL = frozenset({"cart"})


def _key_id(answer: dict) -> str:
    return answer["publishable_api_key"]["id"]


def _channel_id(answer: dict) -> str:
    return answer["sales_channel"]["id"]


def _login(side: Side, email: str, password: str, api_token: str) -> None:
    """Named credentials: the three the admin routes take, and wrong ones built from them."""
    answer = requests.post(
        f"{side.url}/admin/auth/token", json={"email": email, "password": password}, timeout=20
    )
    answer.raise_for_status()
    jwt = answer.json()["access_token"]
    header, payload, signature = jwt.split(".")
    unsigned_header = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    side.credentials.update(
        {
            "none": {},
            "jwt": {"Authorization": f"Bearer {jwt}"},
            "api_token": {"x-medusa-access-token": api_token},
            "garbled_jwt": {"Authorization": "Bearer not.a.jwt"},
            "tampered_jwt": {"Authorization": f"Bearer {header}.{payload}.{signature[::-1]}"},
            "unsigned_jwt": {"Authorization": f"Bearer {unsigned_header}.{payload}."},
            "wrong_api_token": {"x-medusa-access-token": "not-the-token"},
            "jwt_as_api_token": {"x-medusa-access-token": jwt},
            "api_token_as_bearer": {"Authorization": f"Bearer {api_token}"},
            "basic": {"Authorization": "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()},
            "forged_cookie": {"Cookie": "connect.sid=s%3Aforged.c2lnbmF0dXJl"},
            # passport-jwt reads the header's first two words: a trailing one is ignored (200),
            # a word before the scheme, another scheme or a lone scheme carry no token (401).
            "jwt_trailing_word": {"Authorization": f"Bearer {jwt} trailing"},
            "jwt_tab_upper_case": {"Authorization": f"BEARER\t{jwt}"},
            "jwt_after_a_word": {"Authorization": f"x Bearer {jwt}"},
            "jwt_basic_scheme": {"Authorization": f"Basic {jwt}"},
            "bearer_alone": {"Authorization": "Bearer"},
        }
    )
    side.values.update({"email": email, "password": password})


def _release_side(release: RealRelease) -> Side:
    side = Side("release", release.url)
    _login(side, release.email, release.password, release.api_token or "")
    # The spec has no route to create a product: make one on the release through its admin API,
    # published, in no channel yet (the mock's seeded "Medusa Coffee Mug" is the same).
    answer = requests.post(
        f"{release.url}/admin/products",
        json={
            "title": f"revokit differential {uuid.uuid4().hex[:12]}",
            "description": "made by the differential test",
            "status": "published",
            "sales_channels": [],
        },
        headers=side.credentials["api_token"],
        timeout=30,
    )
    answer.raise_for_status()
    side.values["product"] = answer.json()["product"]["id"]
    return side


def _mock_side(mock: LiveMock) -> Side:
    url = mock.url("medusa-v1")
    requests.post(f"{url}/__revokit/reset", timeout=10).raise_for_status()
    seed = requests.get(f"{url}/__revokit/seed", timeout=10).json()
    side = Side("mock", url)
    _login(side, seed["admin"]["email"], seed["admin"]["password"], seed["admin"]["api_token"])
    side.values["product"] = next(p["id"] for p in seed["products"] if not p["sales_channel_ids"])
    return side


@pytest.fixture(scope="module")
def differential(real_medusa_v1: RealRelease, mock_medusa_v1_120: LiveMock) -> Iterator[Differential]:
    run = Differential("medusa-v1", _release_side(real_medusa_v1), _mock_side(mock_medusa_v1_120), PARTIAL)
    yield run
    for side in (run.release, run.mock):  # leave the release as tidy as the API allows
        headers = side.credentials["api_token"]
        made = [name for name in side.values if name.startswith("generated_")]
        for name in ("key", "key_b", "key_deleted", *made):
            if name in side.values:
                requests.delete(f"{side.url}{KEYS}/{side.values[name]}", headers=headers, timeout=20)
        for name in ("channel", "channel_b"):
            if name in side.values:
                requests.delete(f"{side.url}{CHANNELS}/{side.values[name]}", headers=headers, timeout=20)
    headers = run.release.credentials["api_token"]
    made = [v for k, v in run.release.values.items() if k == "product" or k.startswith("product_")]
    for product_id in made:
        requests.delete(f"{run.release.url}/admin/products/{product_id}", headers=headers, timeout=20)


def auth_steps() -> list[Step]:
    steps = [
        Step("login, wrong password", "POST", "/admin/auth", json={"email": "{email}", "password": "wrong"}),
        Step(
            "login, unknown user",
            "POST",
            "/admin/auth",
            json={"email": "nobody@example.com", "password": "x"},
        ),
        Step("login, no password", "POST", "/admin/auth", json={"email": "{email}"}),
        Step("login, email not a string", "POST", "/admin/auth", json={"email": 5, "password": "x"}),
        Step(
            "token, wrong password",
            "POST",
            "/admin/auth/token",
            json={"email": "{email}", "password": "wrong"},
        ),
        Step("token, no body", "POST", "/admin/auth/token", json={}),
        Step(
            "token, extra field",
            "POST",
            "/admin/auth/token",
            json={"email": "{email}", "password": "{password}", "x": 1},
        ),
        Step("token", "POST", "/admin/auth/token", json={"email": "{email}", "password": "{password}"}),
    ]
    for auth in (
        "none", "jwt", "api_token", "garbled_jwt", "tampered_jwt", "unsigned_jwt", "wrong_api_token",
        "jwt_as_api_token", "api_token_as_bearer", "basic", "forged_cookie", "jwt_trailing_word",
        "jwt_tab_upper_case", "jwt_after_a_word", "jwt_basic_scheme", "bearer_alone",
    ):  # fmt: skip
        steps.append(Step(f"who am I, {auth}", "GET", "/admin/auth", auth=auth))
        steps.append(Step(f"list keys, {auth}", "GET", KEYS, auth=auth))
        steps.append(Step(f"create key, {auth}", "POST", KEYS, auth=auth, json={"title": "auth probe"}))
    steps += [
        Step(
            "session: log in",
            "POST",
            "/admin/auth",
            json={"email": "{email}", "password": "{password}"},
            cookies=True,
        ),
        Step("session: who am I", "GET", "/admin/auth", cookies=True),
        Step("session: list keys", "GET", KEYS, cookies=True),
        Step("session: log out", "DELETE", "/admin/auth", cookies=True),
        Step("session: after the log-out", "GET", "/admin/auth", cookies=True),
        Step("log out without a session", "DELETE", "/admin/auth"),
    ]
    return steps


def key_steps() -> list[Step]:
    a = "api_token"
    key = f"{KEYS}/{{key}}"
    return [
        Step(
            "create channel",
            "POST",
            CHANNELS,
            a,
            json={"name": "diff A", "description": "d"},
            save={"channel": _channel_id},
        ),
        Step(
            "create channel B", "POST", CHANNELS, a, json={"name": "diff B"}, save={"channel_b": _channel_id}
        ),
        Step("create key", "POST", KEYS, a, json={"title": "diff key"}, save={"key": _key_id}),
        Step("create key B", "POST", KEYS, a, json={"title": "diff key B"}, save={"key_b": _key_id}),
        Step("create key, no title", "POST", KEYS, a, json={}),
        Step("create key, title not a string", "POST", KEYS, a, json={"title": 5}),
        Step("create key, unknown field", "POST", KEYS, a, json={"title": "x", "colour": "red"}),
        Step("create key, empty title", "POST", KEYS, a, json={"title": ""}),
        Step("read key", "GET", key, a),
        Step("read unknown key", "GET", f"{KEYS}/{UNKNOWN_KEY}", a),
        Step("read key, not an id", "GET", f"{KEYS}/not-an-id", a),
        Step("update key", "POST", key, a, json={"title": "renamed"}),
        Step("update key, revoked_at", "POST", key, a, json={"revoked_at": "2026-01-01T00:00:00Z"}),
        Step("update key, no body", "POST", key, a, json={}),
        Step("update unknown key", "POST", f"{KEYS}/{UNKNOWN_KEY}", a, json={"title": "x"}),
        Step("list keys", "GET", KEYS, a),
        Step("list keys, q", "GET", f"{KEYS}?q=renamed", a),
        Step("list keys, limit 1 offset 1", "GET", f"{KEYS}?limit=1&offset=1", a),
        Step("list keys, limit -1", "GET", f"{KEYS}?limit=-1", a),
        Step("list keys, offset -1", "GET", f"{KEYS}?offset=-1", a),
        Step("list keys, limit abc", "GET", f"{KEYS}?limit=abc", a),
        Step("list keys, expand", "GET", f"{KEYS}?expand=sales_channels", a),
        Step("list keys, order by title", "GET", f"{KEYS}?order=-title", a),
        Step("list keys, order unknown", "GET", f"{KEYS}?order=colour", a),
        Step("list keys, fields", "GET", f"{KEYS}?fields=title", a),
        Step("list keys, unknown parameter", "GET", f"{KEYS}?colour=red", a),
        Step("key channels, none yet", "GET", f"{key}/sales-channels", a),
        Step("key channels, unknown key", "GET", f"{KEYS}/{UNKNOWN_KEY}/sales-channels", a),
        Step(
            "add channel",
            "POST",
            f"{key}/sales-channels/batch",
            a,
            json={"sales_channel_ids": [{"id": "{channel}"}]},
        ),
        Step(
            "add channel again",
            "POST",
            f"{key}/sales-channels/batch",
            a,
            json={"sales_channel_ids": [{"id": "{channel}"}]},
        ),
        Step(
            "add channel B to key B",
            "POST",
            f"{KEYS}/{{key_b}}/sales-channels/batch",
            a,
            json={"sales_channel_ids": [{"id": "{channel_b}"}]},
        ),
        Step(
            "add unknown channel",
            "POST",
            f"{key}/sales-channels/batch",
            a,
            json={"sales_channel_ids": [{"id": UNKNOWN_CHANNEL}]},
        ),
        Step("add channel, no list", "POST", f"{key}/sales-channels/batch", a, json={}),
        Step(
            "add channel, empty list",
            "POST",
            f"{key}/sales-channels/batch",
            a,
            json={"sales_channel_ids": []},
        ),
        Step(
            "add channel, ids as strings",
            "POST",
            f"{key}/sales-channels/batch",
            a,
            json={"sales_channel_ids": ["{channel}"]},
        ),
        Step(
            "add channel, unknown key",
            "POST",
            f"{KEYS}/{UNKNOWN_KEY}/sales-channels/batch",
            a,
            json={"sales_channel_ids": [{"id": "{channel}"}]},
        ),
        Step("key channels", "GET", f"{key}/sales-channels", a),
        Step("key channels, q", "GET", f"{key}/sales-channels?q=diff", a),
        Step(
            "remove channel B (not linked)",
            "DELETE",
            f"{key}/sales-channels/batch",
            a,
            json={"sales_channel_ids": [{"id": "{channel_b}"}]},
        ),
        Step("remove channel, no list", "DELETE", f"{key}/sales-channels/batch", a, json={}),
        Step(
            "remove channel, unknown key",
            "DELETE",
            f"{KEYS}/{UNKNOWN_KEY}/sales-channels/batch",
            a,
            json={"sales_channel_ids": [{"id": "{channel}"}]},
        ),
    ]


def channel_steps() -> list[Step]:
    a = "api_token"
    channel = f"{CHANNELS}/{{channel}}"
    return [
        Step("create channel, no name", "POST", CHANNELS, a, json={}),
        Step("create channel, unknown field", "POST", CHANNELS, a, json={"name": "x", "colour": "red"}),
        Step(
            "create channel, disabled",
            "POST",
            CHANNELS,
            a,
            json={"name": "diff disabled", "is_disabled": True},
            save={"channel_disabled": _channel_id},
        ),
        Step("read channel", "GET", channel, a),
        Step("read unknown channel", "GET", f"{CHANNELS}/{UNKNOWN_CHANNEL}", a),
        Step("update channel", "POST", channel, a, json={"description": "changed"}),
        Step("update channel, unknown field", "POST", channel, a, json={"colour": "red"}),
        Step("update unknown channel", "POST", f"{CHANNELS}/{UNKNOWN_CHANNEL}", a, json={"name": "x"}),
        Step("list channels", "GET", CHANNELS, a),
        Step("list channels, q", "GET", f"{CHANNELS}?q=diff", a),
        Step("list channels, limit -1", "GET", f"{CHANNELS}?limit=-1", a),
        Step("list channels, order unknown", "GET", f"{CHANNELS}?order=colour", a),
        Step("list channels, expand", "GET", f"{CHANNELS}?expand=products", a),
        Step(
            "add product to channel",
            "POST",
            f"{channel}/products/batch",
            a,
            json={"product_ids": [{"id": "{product}"}]},
        ),
        Step(
            "add product again",
            "POST",
            f"{channel}/products/batch",
            a,
            json={"product_ids": [{"id": "{product}"}]},
        ),
        Step(
            "add unknown product",
            "POST",
            f"{channel}/products/batch",
            a,
            json={"product_ids": [{"id": UNKNOWN_PRODUCT}]},
        ),
        Step("add product, no list", "POST", f"{channel}/products/batch", a, json={}),
        Step(
            "add product, unknown channel",
            "POST",
            f"{CHANNELS}/{UNKNOWN_CHANNEL}/products/batch",
            a,
            json={"product_ids": [{"id": "{product}"}]},
        ),
        Step(
            "remove product, unknown channel",
            "DELETE",
            f"{CHANNELS}/{UNKNOWN_CHANNEL}/products/batch",
            a,
            json={"product_ids": [{"id": "{product}"}]},
        ),
        Step(
            "remove unknown product",
            "DELETE",
            f"{channel}/products/batch",
            a,
            json={"product_ids": [{"id": UNKNOWN_PRODUCT}]},
        ),
        Step("delete unknown channel", "DELETE", f"{CHANNELS}/{UNKNOWN_CHANNEL}", a),
        Step("delete disabled channel", "DELETE", f"{CHANNELS}/{{channel_disabled}}", a),
        Step("delete it again", "DELETE", f"{CHANNELS}/{{channel_disabled}}", a),
    ]


def store_steps() -> list[Step]:
    return [
        Step("store products, no key", "GET", "/store/products"),
        Step("store products, key", "GET", "/store/products", headers={"x-publishable-api-key": "{key}"}),
        Step("store products, key B", "GET", "/store/products", headers={"x-publishable-api-key": "{key_b}"}),
        Step(
            "store products, unknown key",
            "GET",
            "/store/products",
            headers={"x-publishable-api-key": UNKNOWN_KEY},
        ),
        Step("store products, empty key", "GET", "/store/products", headers={"x-publishable-api-key": ""}),
        Step(
            "store products, key and its channel",
            "GET",
            "/store/products?sales_channel_id[]={channel}",
            headers={"x-publishable-api-key": "{key}"},
        ),
        Step(
            "store products, key and another channel",
            "GET",
            "/store/products?sales_channel_id[]={channel_b}",
            headers={"x-publishable-api-key": "{key}"},
        ),
        Step(
            "store products, one channel as a plain value",
            "GET",
            "/store/products?sales_channel_id={channel}",
        ),
        Step(
            "store products, two channels",
            "GET",
            "/store/products?sales_channel_id={channel}&sales_channel_id={channel_b}",
        ),
        Step("store products, limit -1", "GET", "/store/products?limit=-1"),
        Step(
            "store products, q",
            "GET",
            "/store/products?q=revokit",
            headers={"x-publishable-api-key": "{key}"},
        ),
        Step(
            "store product, in the key's channel",
            "GET",
            "/store/products/{product}",
            headers={"x-publishable-api-key": "{key}"},
        ),
        Step(
            "store product, outside key B's channels",
            "GET",
            "/store/products/{product}",
            headers={"x-publishable-api-key": "{key_b}"},
        ),
        Step("store product, unknown", "GET", f"/store/products/{UNKNOWN_PRODUCT}"),
        Step("store product, no key", "GET", "/store/products/{product}"),
        Step("cart, key B", "POST", "/store/carts", json={}, headers={"x-publishable-api-key": "{key_b}"}),
        Step("cart, unknown channel", "POST", "/store/carts", json={"sales_channel_id": UNKNOWN_CHANNEL}),
        Step(
            "cart, channel outside the key",
            "POST",
            "/store/carts",
            json={"sales_channel_id": "{channel}"},
            headers={"x-publishable-api-key": "{key_b}"},
        ),
    ]


def _product_id(answer: dict) -> str:
    return answer["product"]["id"]


def product_steps() -> list[Step]:
    """Creating products in sales channels through the admin API, then seeing them on the store.
    (Never a sales_channels that is not a list: 1.20.11's process crashes on it.)"""
    a = "api_token"
    products = "/admin/products"
    title = "diff product {run}"
    scoped = {"x-publishable-api-key": "{key}"}
    return [
        Step(
            "create product in a channel",
            "POST",
            products,
            a,
            json={"title": title, "status": "published", "sales_channels": [{"id": "{channel}"}]},
            save={"product_in_channel": _product_id},
        ),
        Step("create product, handle taken", "POST", products, a, json={"title": title}),
        Step(
            "create product, default channel",
            "POST",
            products,
            a,
            json={"title": "diff draft {run}", "subtitle": "s", "weight": 3, "metadata": {"a": 1}},
            save={"product_draft": _product_id},
        ),
        Step(
            "create gift card",
            "POST",
            products,
            a,
            json={"title": "diff gift {run}", "is_giftcard": True, "images": ["https://example.com/a.png"]},
            save={"product_gift": _product_id},
        ),
        Step("create product, empty body", "POST", products, a, json={}),
        Step("create product, title null", "POST", products, a, json={"title": None}),
        Step("create product, bad status", "POST", products, a, json={"title": "x", "status": "gone"}),
        Step("create product, status null", "POST", products, a, json={"title": "x {run}", "status": None}),
        Step("create product, unknown fields", "POST", products, a, json={"title": "x", "foo": 1, "bar": 2}),
        Step("create product, type_id", "POST", products, a, json={"title": "x", "type_id": None}),
        Step("create product, handle a number", "POST", products, a, json={"title": "x", "handle": 5}),
        Step(
            "create product, unknown channel",
            "POST",
            products,
            a,
            json={"title": "x", "sales_channels": [{"id": UNKNOWN_CHANNEL}]},
        ),
        Step(
            "create product, channels without ids",
            "POST",
            products,
            a,
            json={"title": "x", "sales_channels": [{}, {"id": "sc_a"}]},
        ),
        Step(
            "create product, channel item with a name",
            "POST",
            products,
            a,
            json={"title": "x", "sales_channels": [{"id": "{channel}", "name": "x"}]},
        ),
        Step(
            "create product, channel twice",
            "POST",
            products,
            a,
            json={"title": "diff twice {run}", "sales_channels": [{"id": "{channel}"}, {"id": "{channel}"}]},
        ),
        Step("create product, no credentials", "POST", products, json={"title": "x"}),
        Step(
            "store, created product through its channel's key",
            "GET",
            "/store/products?q={run}",
            headers=scoped,
        ),
        Step("store, created product read", "GET", "/store/products/{product_in_channel}", headers=scoped),
        Step("store, draft not visible", "GET", "/store/products/{product_draft}"),
        Step("store, no key: another channel's product not listed", "GET", "/store/products?q={run}"),
        Step(
            "store, no key, that channel named", "GET", "/store/products?q={run}&sales_channel_id[]={channel}"
        ),
        Step(
            "create product to delete",
            "POST",
            products,
            a,
            json={
                "title": "diff doomed {run}",
                "status": "published",
                "sales_channels": [{"id": "{channel}"}],
            },
            save={"product_doomed": _product_id},
        ),
        Step("delete product", "DELETE", "/admin/products/{product_doomed}", a),
        Step("store, deleted product read", "GET", "/store/products/{product_doomed}", headers=scoped),
        Step("store, deleted product not listed", "GET", "/store/products?q=doomed {run}", headers=scoped),
        Step("delete product again", "DELETE", "/admin/products/{product_doomed}", a),
        Step("delete product, unknown id", "DELETE", "/admin/products/prod_unknown", a),
        Step("delete product, query ignored", "DELETE", "/admin/products/prod_unknown?foo=1", a),
        Step("delete product, no credentials", "DELETE", "/admin/products/{product_doomed}"),
        Step(
            "create product, handle of a deleted one",
            "POST",
            products,
            a,
            json={"title": "diff doomed {run}", "status": "draft"},
            save={"product_reborn": _product_id},
        ),
        Step("shipping profiles", "GET", "/admin/shipping-profiles", a),
        Step("shipping profiles, query ignored", "GET", "/admin/shipping-profiles?foo=1", a),
        Step("shipping profiles, no credentials", "GET", "/admin/shipping-profiles"),
    ]


def analytics_steps() -> list[Step]:
    """The admin's analytics prompt. A config is created first, so the release's admin (which may
    have answered before) and the mock's read alike; the delete removes only the oldest."""
    a = "api_token"
    configs = "/admin/analytics-configs"
    return [
        Step("analytics, create", "POST", configs, a, json={"opt_out": True, "anonymize": False}),
        Step("analytics, create without anonymize", "POST", configs, a, json={"opt_out": True}),
        Step("analytics, create without opt_out", "POST", configs, a, json={"anonymize": True}),
        Step("analytics, create with nulls", "POST", configs, a, json={"opt_out": None, "anonymize": None}),
        Step("analytics, create with strings", "POST", configs, a, json={"opt_out": "yes", "anonymize": 1}),
        Step("analytics, read", "GET", configs, a),
        Step("analytics, read with a query", "GET", f"{configs}?foo=1", a),
        Step("analytics, update nothing", "POST", f"{configs}/update", a, json={}),
        Step("analytics, update", "POST", f"{configs}/update", a, json={"opt_out": True, "anonymize": None}),
        Step("analytics, update a string", "POST", f"{configs}/update", a, json={"opt_out": "x"}),
        Step("analytics, update unknown field", "POST", f"{configs}/update", a, json={"foo": 1}),
        Step("analytics, delete the oldest", "DELETE", configs, a),
        Step("analytics, read after delete", "GET", configs, a),
        Step("analytics, no credentials", "GET", configs),
    ]


def revoke_steps() -> list[Step]:
    a = "api_token"
    key = f"{KEYS}/{{key}}"
    return [
        Step("revoke key", "POST", f"{key}/revoke", a),
        Step("revoke it again", "POST", f"{key}/revoke", a),
        Step("revoke unknown key", "POST", f"{KEYS}/{UNKNOWN_KEY}/revoke", a),
        Step("read revoked key", "GET", key, a),
        Step("update revoked key", "POST", key, a, json={"title": "after revoke"}),
        Step(
            "store products, revoked key",
            "GET",
            "/store/products",
            headers={"x-publishable-api-key": "{key}"},
        ),
        Step(
            "store product, revoked key",
            "GET",
            "/store/products/{product}",
            headers={"x-publishable-api-key": "{key}"},
        ),
        Step(
            "cart, revoked key", "POST", "/store/carts", json={}, headers={"x-publishable-api-key": "{key}"}
        ),
        Step(
            "remove product from channel",
            "DELETE",
            f"{CHANNELS}/{{channel}}/products/batch",
            a,
            json={"product_ids": [{"id": "{product}"}]},
        ),
        Step(
            "remove channel from key",
            "DELETE",
            f"{key}/sales-channels/batch",
            a,
            json={"sales_channel_ids": [{"id": "{channel}"}]},
        ),
        Step("delete revoked key", "DELETE", key, a),
        Step("delete it again", "DELETE", key, a),
        Step("read deleted key", "GET", key, a),
        Step("revoke deleted key", "POST", f"{key}/revoke", a),
        Step(
            "store products, deleted key",
            "GET",
            "/store/products",
            headers={"x-publishable-api-key": "{key}"},
        ),
        Step("delete live key B", "DELETE", f"{KEYS}/{{key_b}}", a),
        Step("delete channel B", "DELETE", f"{CHANNELS}/{{channel_b}}", a),
        Step("delete default channel", "DELETE", f"{CHANNELS}/{{default_channel}}", a),
    ]


def paging_steps() -> list[Step]:
    """Every list of the spec with paging that Number() reads but the spec's integers refuse."""
    steps = []
    for label in PAGED_OPERATIONS:
        path = label.partition(" ")[2]
        auth, headers = (
            ("none", {"x-publishable-api-key": "{key}"}) if path.startswith("/store/") else ("api_token", {})
        )
        for query in (
            "limit=", "limit=0.5", "limit=-6.0535420759448985e-30", "limit=1e2", "limit=0x10", "offset=0.5",
            "offset=-0.0", "offset=-0.5", "limit=-0.4", "limit=Infinity",
        ):  # fmt: skip
            steps.append(Step(f"{path}?{query}", "GET", f"{path}?{query}", auth, headers=headers))
    return steps


def array_body_steps() -> list[Step]:
    """A JSON array, empty and not, as the body of every route that reads one (its DTO never sees
    it: array_body_skips_dto)."""
    a = "api_token"
    routes = (
        ("POST", KEYS), ("POST", f"{KEYS}/{{key}}"), ("POST", f"{KEYS}/{{key}}/sales-channels/batch"),
        ("DELETE", f"{KEYS}/{{key}}/sales-channels/batch"), ("POST", CHANNELS), ("POST", f"{CHANNELS}/{{channel}}"),
        ("POST", f"{CHANNELS}/{{channel}}/products/batch"), ("DELETE", f"{CHANNELS}/{{channel}}/products/batch"),
        ("POST", "/admin/auth/token"), ("POST", "/admin/products"), ("POST", "/admin/analytics-configs"),
        ("POST", "/admin/analytics-configs/update"),
    )  # fmt: skip
    steps = [
        Step(f"array body [] on {method} {path}", method, path, a, data="[]", headers=JSON_TYPE)
        for method, path in routes
    ]
    steps += [
        Step(f"array body [1] on {method} {path}", method, path, a, data="[1]", headers=JSON_TYPE)
        for method, path in routes
    ]
    steps.append(Step("array body [] on login", "POST", "/admin/auth", data="[]", headers=JSON_TYPE))
    steps.append(Step("array body [] on a cart", "POST", "/store/carts", data="[]", headers=JSON_TYPE))
    return steps


def malformed_steps() -> list[Step]:
    a = "api_token"
    return [
        Step("malformed JSON", "POST", KEYS, a, data='{"title": }', headers=JSON_TYPE),
        Step("truncated JSON", "POST", KEYS, a, data='{"title": "x"', headers=JSON_TYPE),
        Step("malformed JSON on login", "POST", "/admin/auth", data="{", headers=JSON_TYPE),
        # Node's header limit (16 KiB; both sides count a few bytes differently, so well clear of it).
        Step("headers of 15,000 bytes", "GET", KEYS, a, headers={"X-Padding": "a" * 15000}),
        Step("headers of 20,000 bytes", "GET", KEYS, a, headers={"X-Padding": "a" * 20000}),
        # body-parser's limit ("100kb"): read up to it, 413 one byte beyond.
        Step("body of 100 KB", "POST", KEYS, a, data=json_of_size(102400), headers=JSON_TYPE),
        Step("body over 100 KB", "POST", KEYS, a, data=json_of_size(102401), headers=JSON_TYPE),
        Step("malformed JSON, no credentials", "POST", KEYS, data="{", headers=JSON_TYPE),
        Step("JSON array body", "POST", KEYS, a, data="[1, 2]", headers=JSON_TYPE),
        Step("JSON string body", "POST", KEYS, a, data='"title"', headers=JSON_TYPE),
        Step("JSON null body", "POST", KEYS, a, data="null", headers=JSON_TYPE),
        Step("empty JSON body", "POST", KEYS, a, data="", headers=JSON_TYPE),
        Step(
            "form-encoded body",
            "POST",
            KEYS,
            a,
            data="title=form",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        Step("text body", "POST", KEYS, a, data="title", headers={"Content-Type": "text/plain"}),
        Step("JSON without content type", "POST", KEYS, a, data='{"title": "no type"}'),
        Step("invalid UTF-8", "POST", KEYS, a, data=b'{"title": "\xff\xfe"}', headers=JSON_TYPE),
        Step("UTF-8 with BOM", "POST", KEYS, a, data=b'\xef\xbb\xbf{"title": "bom"}', headers=JSON_TYPE),
        Step(
            "UTF-16 declared",
            "POST",
            KEYS,
            a,
            data='{"title": "x"}'.encode("utf-16"),
            headers={"Content-Type": "application/json; charset=utf-16"},
        ),
        Step(
            "unknown charset",
            "POST",
            KEYS,
            a,
            data='{"title": "x"}',
            headers={"Content-Type": "application/json; charset=klingon"},
        ),
        Step("NUL in a title", "POST", KEYS, a, json={"title": "a\u0000b"}),
        Step("NUL in a path id", "GET", f"{KEYS}/pk_%00", a),
        Step(
            "NUL in a channel id",
            "POST",
            f"{KEYS}/{UNKNOWN_KEY}/sales-channels/batch",
            a,
            json={"sales_channel_ids": [{"id": "a\u0000"}]},
        ),
        Step(
            "deep JSON", "POST", KEYS, a, data='{"title": ' + "[" * 200 + "]" * 200 + "}", headers=JSON_TYPE
        ),
        Step(
            "duplicate keys", "POST", KEYS, a, data='{"title": "first", "title": "second"}', headers=JSON_TYPE
        ),
        Step("emoji title", "POST", KEYS, a, json={"title": "🔑 ключ"}),
    ]


def routing_steps() -> list[Step]:
    a = "api_token"
    return [
        Step("unknown admin route", "GET", "/admin/nothing-here", a),
        Step("unknown admin route, no credentials", "GET", "/admin/nothing-here"),
        Step("unknown store route", "GET", "/store/nothing-here"),
        Step("PUT on keys", "PUT", KEYS, a, json={"title": "x"}),
        Step("PATCH on a key", "PATCH", f"{KEYS}/{UNKNOWN_KEY}", a, json={"title": "x"}),
        Step("DELETE on keys", "DELETE", KEYS, a),
        Step("TRACE on keys", "TRACE", KEYS, a),
        Step("PUT on store products", "PUT", "/store/products"),
        Step("GET on carts", "GET", "/store/carts"),
        Step("GET on revoke", "GET", f"{KEYS}/{UNKNOWN_KEY}/revoke", a),
        Step("trailing slash", "GET", f"{KEYS}/", a),
        Step("double slash", "GET", "/admin//publishable-api-keys", a),
        Step("upper-case path", "GET", "/ADMIN/PUBLISHABLE-API-KEYS", a),
        Step("HEAD on keys", "HEAD", KEYS, a),
        Step(
            "OPTIONS on keys",
            "OPTIONS",
            KEYS,
            headers={"Origin": "http://example.com", "Access-Control-Request-Method": "POST"},
        ),
    ]


def generated_steps(count: int = 40) -> list[Step]:
    """Seeded random cases: list paging, titles, ids and odd query strings."""
    rng = random.Random(GENERATED_SEED)
    alphabet = string.ascii_letters + string.digits + " -_.~!*'()éß漢🙂"
    steps = []
    for index in range(count):
        kind = index % 4
        if kind == 0:
            limit, offset = rng.choice([0, 1, 2, 50, 1000, -5]), rng.choice([0, 1, 3, 10000])
            path = rng.choice([KEYS, CHANNELS, "/store/products"])
            steps.append(
                Step(
                    f"generated {index}: paging", "GET", f"{path}?limit={limit}&offset={offset}", "api_token"
                )
            )
        elif kind == 1:
            title = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
            steps.append(
                Step(
                    f"generated {index}: title",
                    "POST",
                    KEYS,
                    "api_token",
                    json={"title": title},
                    save={f"generated_{index}": _key_id},
                )
            )
        elif kind == 2:
            noise = "".join(
                rng.choice(string.ascii_letters + string.digits) for _ in range(rng.randint(1, 30))
            )
            path = rng.choice(
                [
                    f"{KEYS}/{noise}",
                    f"{CHANNELS}/{noise}",
                    f"{KEYS}/{noise}/sales-channels",
                    f"/store/products/{noise}",
                ]
            )
            steps.append(Step(f"generated {index}: id", "GET", path, "api_token"))
        else:
            value = rng.choice(["", "true", "[]", "%00", "a,b", "null", "-1", "%FF"])
            name = rng.choice(["q", "order", "limit", "expand", "fields", "created_at[gt]", "title"])
            steps.append(Step(f"generated {index}: query", "GET", f"{KEYS}?{name}={value}", "api_token"))
    return steps


def all_steps() -> list[Step]:
    return [
        *auth_steps(),
        *key_steps(),
        *channel_steps(),
        *store_steps(),
        *product_steps(),
        *analytics_steps(),
        *array_body_steps(),
        *paging_steps(),
        *revoke_steps(),
        *malformed_steps(),
        *routing_steps(),
        *generated_steps(),
    ]


_BODY_DECODING = "body-parser decodes through iconv (BOM, charset, invalid UTF-8, 415 for unknown charsets): not modelled yet"
_EXPRESS_ROUTING = (
    "Express matches paths case-insensitively, with a trailing slash or doubled slash: not modelled yet"
)

#: Differences the mock does not reproduce yet, each with why: step name -> reason. The test fails
#: on any other difference, and on an entry here that no longer differs (so the list shrinks).
KNOWN_DIFFERENCES = {
    "list channels, order unknown": "the channel list's order/expand/fields (1.20 takes them) are not modelled yet",
    "list channels, expand": "the channel list's order/expand/fields (1.20 takes them) are not modelled yet",
    **dict.fromkeys(
        ("cart, key B", "array body [] on a cart"),
        "the mock has no regions, so a cart's region_id is null (the release picks its only region)",
    ),
    **dict.fromkeys(("invalid UTF-8", "UTF-8 with BOM"), _BODY_DECODING),
    "deep JSON": "the mock refuses JSON nested deeper than 64 levels on purpose (bounded work); Node parses on",
    **dict.fromkeys(("double slash", "upper-case path"), _EXPRESS_ROUTING),
}


def test_mock_in_profile_medusa_120_answers_as_medusa_1_20_11(differential: Differential) -> None:
    for side in (differential.release, differential.mock):
        channels = requests.get(
            f"{side.url}{CHANNELS}", headers=side.credentials["api_token"], timeout=20
        ).json()
        side.values["default_channel"] = next(
            c["id"] for c in channels["sales_channels"] if c["name"] == "Default Sales Channel"
        )
        side.values["run"] = RUN
    differential.run(all_steps())
    report = differential.report()
    print(report)
    differing = {c.step.name for c in differential.disagreements()}
    print(f"known differences not reproduced yet: {len(differing & KNOWN_DIFFERENCES.keys())}")
    assert differential.steps_compared >= 200
    unexplained = sorted(differing - KNOWN_DIFFERENCES.keys())
    assert not unexplained, f"differences no profile flag or known entry explains: {unexplained}\n{report}"
    stale = sorted(KNOWN_DIFFERENCES.keys() - differing)
    assert not stale, f"known differences that now agree (remove them): {stale}"
