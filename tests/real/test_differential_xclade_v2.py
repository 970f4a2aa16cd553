"""xclade-v2: Medusa 2.21.2 against `revokit mock xclade-v2 --profile medusa-2.21`, request by request.

Every operation of specs/xclade-v2.yaml with its error cases, malformed and oddly encoded bodies,
unknown routes and methods, every credential the admin routes take (JWT bearer, session cookie,
secret key as HTTP Basic in its three spellings) and wrong ones, then generated cases (seeded, so
a run repeats). The profile promises to reproduce the release, so every difference fails the
test, except the classes listed in ``KNOWN_ELSEWHERE`` (hardening work tracked in issue 14),
which are reported but not counted against the profile; the figures are printed either way.
"""

from __future__ import annotations

import base64
import random
import string
import uuid
from collections.abc import Iterator

import pytest
import requests

from revokit.contracts.xclade_v2 import PAGED_OPERATIONS
from revokit_differential import Differential, RealRelease, Side, Step, json_of_size
from revokit_testing import LiveMock

LOGIN = "/auth/user/emailpass"
KEYS = "/admin/api-keys"
CHANNELS = "/admin/sales-channels"
STORE = "/store/products"
UNKNOWN_KEY = "apk_01M83RZZZZZZZZZZZZZZZZZZZZ"
UNKNOWN_CHANNEL = "sc_01M83RZZZZZZZZZZZZZZZZZZZZ"
UNKNOWN_PRODUCT = "prod_01M83RZZZZZZZZZZZZZZZZZZZZ"
JSON_TYPE = {"Content-Type": "application/json"}
GENERATED_SEED = 20261206
RUN = uuid.uuid4().hex[:8]  # in product titles, so handles are new on the release each run

# Objects the spec models only in part (StoreProduct: "A full Medusa backend returns many more"):
# the mock's fields must be the release's, the release may send more.
PARTIAL = frozenset({"products", "product"})

# Steps whose difference belongs to a class another issue (14) hardens in the mock: encodings,
# charsets, lone surrogates. They are compared and printed, and counted in the figures, but do
# not fail this test (issue 14 decides how the mock answers them).
KNOWN_ELSEWHERE = {
    "invalid UTF-8": "issue 14: 2.21.2 decodes invalid UTF-8 as U+FFFD and goes on",
    "UTF-8 with BOM": "issue 14: 2.21.2 skips a UTF-8 byte order mark",
}
# Differences the mock keeps on purpose or has not reproduced yet, each with its reason; printed,
# counted in the figures, not failing the test. Keep this list short: each entry is a known gap.
NOT_REPRODUCED = {
    "deep JSON": "the engine refuses JSON nested deeper than 64 levels (a guard every family shares)",
    "login, unknown provider": "2.21.2 serves POST /auth/{actor}/{provider} for every provider; the spec has emailpass only",
    "form-encoded body": "2.21.2 also parses application/x-www-form-urlencoded bodies; the mock reads JSON only",
    "upper-case path": "Express routes case-insensitively; the engine's routes are case-sensitive",
    "double slash": "Werkzeug redirects // (308) before any route; Express answers its 404",
}


def _key(answer: dict) -> str:
    return answer["api_key"]["id"]


def _token(answer: dict) -> str:
    return answer["api_key"]["token"]


def _channel(answer: dict) -> str:
    return answer["sales_channel"]["id"]


def _basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


def _side(name: str, url: str, email: str, password: str) -> Side:
    """Log in, then open a session and make a secret and a publishable key outside the compared
    steps: the named credentials of the admin routes, and wrong ones built from them."""
    side = Side(name, url)
    login = requests.post(f"{url}{LOGIN}", json={"email": email, "password": password}, timeout=20)
    login.raise_for_status()
    jwt = login.json()["token"]
    bearer = {"Authorization": f"Bearer {jwt}"}
    # Production mode: express-session sends its Secure cookie only behind https.
    session = requests.post(
        f"{url}/auth/session", headers={**bearer, "X-Forwarded-Proto": "https"}, timeout=20
    )
    session.raise_for_status()
    cookie = session.cookies.get("connect.sid") or ""
    secret = requests.post(
        f"{url}{KEYS}", json={"title": "differential admin key", "type": "secret"}, headers=bearer, timeout=20
    )
    secret.raise_for_status()
    sk = _token(secret.json())
    header, payload, signature = jwt.split(".")
    unsigned = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    side.credentials.update(
        {
            "none": {},
            "jwt": bearer,
            "jwt_lower_scheme": {"Authorization": f"bearer {jwt}"},
            "session": {"Cookie": f"connect.sid={cookie}"},
            "sk_raw": {"Authorization": f"Basic {sk}"},
            "sk_b64": {"Authorization": _basic(f"{sk}:")},
            "sk_b64_no_colon": {"Authorization": _basic(sk)},
            "sk_bearer": {"Authorization": f"Bearer {sk}"},
            "sk_access_token": {"x-medusa-access-token": sk},
            "garbled_jwt": {"Authorization": "Bearer not.a.jwt"},
            "tampered_jwt": {"Authorization": f"Bearer {header}.{payload}.{signature[::-1]}"},
            "unsigned_jwt": {"Authorization": f"Bearer {unsigned}.{payload}."},
            "wrong_sk": {"Authorization": _basic("sk_" + "0" * 64 + ":")},
            "email_password_basic": {"Authorization": _basic(f"{email}:{password}")},
            "forged_cookie": {"Cookie": "connect.sid=s%3Aforged.c2lnbmF0dXJl"},
        }
    )
    side.values.update(
        {"email": email, "password": password, "admin_key": _key(secret.json()), "sk": sk, "jwt": jwt}
    )
    return side


def _mock_side(mock: LiveMock) -> Side:
    url = mock.url("xclade-v2")
    requests.post(f"{url}/__revokit/reset", timeout=10).raise_for_status()
    seed = requests.get(f"{url}/__revokit/seed", timeout=10).json()
    return _side("mock", url, seed["admin"]["email"], seed["admin"]["password"])


@pytest.fixture(scope="module")
def differential(real_medusa_v2: RealRelease, mock_xclade_v2_221: LiveMock) -> Iterator[Differential]:
    run = Differential(
        "xclade-v2",
        _side("release", real_medusa_v2.url, real_medusa_v2.email, real_medusa_v2.password),
        _mock_side(mock_xclade_v2_221),
        PARTIAL,
    )
    yield run
    # Leave the release as tidy as the API allows: revoke and delete every key the run made.
    values = run.release.values
    headers = run.release.credentials["jwt"]
    for key_id in [values["admin_key"], *(v for k, v in values.items() if k.startswith("key_"))]:
        requests.post(f"{run.release.url}{KEYS}/{key_id}/revoke", headers=headers, timeout=20)
        requests.delete(f"{run.release.url}{KEYS}/{key_id}", headers=headers, timeout=20)
    for channel_id in (v for k, v in values.items() if k.startswith("channel")):
        requests.delete(f"{run.release.url}{CHANNELS}/{channel_id}", headers=headers, timeout=20)
    for product_id in (v for k, v in values.items() if k.startswith("product_")):
        requests.delete(f"{run.release.url}/admin/products/{product_id}", headers=headers, timeout=20)


def auth_steps() -> list[Step]:
    return [
        Step("login", "POST", LOGIN, json={"email": "{email}", "password": "{password}"}),
        Step("login, wrong password", "POST", LOGIN, json={"email": "{email}", "password": "wrong"}),
        Step("login, unknown user", "POST", LOGIN, json={"email": "nobody@example.com", "password": "x"}),
        Step("login, empty body", "POST", LOGIN, json={}),
        Step("login, no password", "POST", LOGIN, json={"email": "{email}"}),
        Step("login, no email", "POST", LOGIN, json={"password": "x"}),
        Step("login, password not a string", "POST", LOGIN, json={"email": "{email}", "password": 5}),
        Step("login, unknown provider", "POST", "/auth/user/nosuch", json={"email": "{email}"}),
        Step("session, no bearer", "POST", "/auth/session"),
        Step("session, garbled bearer", "POST", "/auth/session", "garbled_jwt"),
        Step("session from the JWT", "POST", "/auth/session", "jwt", headers={"X-Forwarded-Proto": "https"}),
        Step("token refresh, JWT", "POST", "/auth/token/refresh", "jwt"),
        Step("token refresh, no credentials", "POST", "/auth/token/refresh"),
        Step("token refresh, session", "POST", "/auth/token/refresh", "session"),
        Step("logout, no session", "DELETE", "/auth/session"),
    ]


def credential_steps() -> list[Step]:
    steps = []
    for auth in (
        "none",
        "jwt",
        "jwt_lower_scheme",
        "session",
        "sk_raw",
        "sk_b64",
        "sk_b64_no_colon",
        "sk_bearer",
        "sk_access_token",
        "garbled_jwt",
        "tampered_jwt",
        "unsigned_jwt",
        "wrong_sk",
        "email_password_basic",
        "forged_cookie",
    ):
        steps.append(Step(f"list keys as {auth}", "GET", f"{KEYS}?limit=1", auth))
        steps.append(Step(f"create with invalid body as {auth}", "POST", KEYS, auth, json={"x": 1}))
        steps.append(Step(f"read a channel as {auth}", "GET", f"{CHANNELS}/{UNKNOWN_CHANNEL}", auth))
    steps.append(
        Step("publishable key as admin credential", "GET", KEYS, headers={"x-publishable-api-key": "{pk}"})
    )
    return steps


def key_steps() -> list[Step]:
    a = "jwt"
    save = {"key_pk": _key, "pk": _token}
    return [
        Step(
            "create publishable", "POST", KEYS, a, json={"title": "diff pk", "type": "publishable"}, save=save
        ),
        Step(
            "create secret",
            "POST",
            KEYS,
            a,
            json={"title": "diff sk", "type": "secret"},
            save={"key_sk": _key, "sk2": _token},
        ),
        Step(
            "create, fields ignored",
            "POST",
            f"{KEYS}?fields=title",
            a,
            json={"title": "diff fields", "type": "publishable"},
            save={"key_fields": _key},
        ),
        Step("create, empty body", "POST", KEYS, a, json={}),
        Step("create, no type", "POST", KEYS, a, json={"title": "x"}),
        Step("create, bad type", "POST", KEYS, a, json={"title": "x", "type": "foo"}),
        Step("create, title a number", "POST", KEYS, a, json={"title": 123, "type": "secret"}),
        Step("create, extra field", "POST", KEYS, a, json={"title": "x", "type": "secret", "foo": 1}),
        Step("create, four problems", "POST", KEYS, a, json={"title": 1, "type": 2, "a": 3, "b": 4}),
        Step(
            "create, empty title",
            "POST",
            KEYS,
            a,
            json={"title": "", "type": "publishable"},
            save={"key_empty": _key},
        ),
        Step("create, unknown query parameter", "POST", f"{KEYS}?foo=1", a, json={"title": "x", "type": "x"}),
        Step("read", "GET", f"{KEYS}/{{key_pk}}", a),
        Step("read secret", "GET", f"{KEYS}/{{key_sk}}", a),
        Step("read, fields=title", "GET", f"{KEYS}/{{key_pk}}?fields=title", a),
        Step("read, fields empty", "GET", f"{KEYS}/{{key_pk}}?fields=", a),
        Step("read, +deleted_at", "GET", f"{KEYS}/{{key_pk}}?fields=%2Bdeleted_at", a),
        Step("read, -sales_channels", "GET", f"{KEYS}/{{key_pk}}?fields=-sales_channels", a),
        Step("read, unknown field", "GET", f"{KEYS}/{{key_pk}}?fields=%2Bnosuch", a),
        Step("read, salt", "GET", f"{KEYS}/{{key_pk}}?fields=salt", a),
        Step("read, unknown query parameter", "GET", f"{KEYS}/{{key_pk}}?foo=1", a),
        Step("read, fields=__proto__", "GET", f"{KEYS}/{{key_pk}}?fields=__proto__", a),
        Step("list, fields=constructor", "GET", f"{KEYS}?fields=constructor", a),
        Step("list channels, fields=+toString", "GET", f"{CHANNELS}?fields=%2BtoString", a),
        Step(
            "read channel, fields=constructor", "GET", f"{CHANNELS}/{UNKNOWN_CHANNEL}?fields=constructor", a
        ),
        Step("read unknown", "GET", f"{KEYS}/{UNKNOWN_KEY}", a),
        Step("read a malformed id", "GET", f"{KEYS}/not-an-id", a),
        Step("list", "GET", f"{KEYS}?id={{key_pk}}", a),
        Step("list, q", "GET", f"{KEYS}?q=diff&fields=id,title", a),
        Step("list, q on redacted", "GET", f"{KEYS}?q=pk_&fields=id,type", a),
        Step("list, type", "GET", f"{KEYS}?type=secret&limit=2&fields=id,type,token", a),
        Step("list, bad type", "GET", f"{KEYS}?type=bad", a),
        Step("list, limit not a number", "GET", f"{KEYS}?limit=abc", a),
        Step("list, limit 0", "GET", f"{KEYS}?limit=0", a),
        Step("list, limit -1", "GET", f"{KEYS}?limit=-1", a),
        Step("list, offset -1", "GET", f"{KEYS}?offset=-1", a),
        Step("list, offset past the end", "GET", f"{KEYS}?offset=100000", a),
        Step("list, unknown parameter", "GET", f"{KEYS}?foo=bar", a),
        Step("list, q twice", "GET", f"{KEYS}?q=a&q=b", a),
        Step("list, type twice", "GET", f"{KEYS}?type=secret&type=publishable", a),
        Step("list, fields twice", "GET", f"{KEYS}?fields=id&fields=title", a),
        Step("list, title twice", "GET", f"{KEYS}?title=a&title=b&fields=id", a),
        Step("list channels, q twice", "GET", f"{CHANNELS}?q=a&q=b", a),
        Step("list stores, q twice", "GET", "/admin/stores?q=a&q=b", a),
        Step("list orders, q twice", "GET", "/admin/orders?q=a&q=b", a),
        Step("list, order title", "GET", f"{KEYS}?order=title&limit=3&fields=id,title", a),
        Step("list, order -created_at", "GET", f"{KEYS}?order=-created_at&limit=3&fields=id", a),
        Step("list, unknown order", "GET", f"{KEYS}?order=nosuch", a),
        # One column only: 2.21.2 takes a list, a `+` or a blank as part of the field's name.
        Step("list, two order columns", "GET", f"{KEYS}?order=type,created_at", a),
        Step("list, order with +", "GET", f"{KEYS}?order=%2Btype", a),
        Step("list, order with a blank", "GET", f"{KEYS}?order=%20type", a),
        Step("list, order of a bare -", "GET", f"{KEYS}?order=-", a),
        Step("list, id[]", "GET", f"{KEYS}?id[]={{key_pk}}&id[]={{key_sk}}", a),
        Step("list, id comma", "GET", f"{KEYS}?id={{key_pk}},{{key_sk}}", a),
        Step(
            "list, revoked_at $gt",
            "GET",
            f"{KEYS}?revoked_at[$gt]=2000-01-01T00:00:00Z&limit=2&fields=id,revoked_at",
            a,
        ),
        Step("list, revoked_at null", "GET", f"{KEYS}?revoked_at=null&limit=2&fields=id,revoked_at", a),
        Step("list, created_at not a date", "GET", f"{KEYS}?created_at[$lte]=abc", a),
        Step("list, created_at empty", "GET", f"{KEYS}?created_at[$gt]=", a),
        Step("list, unknown operator", "GET", f"{KEYS}?created_at[$foo]=2000-01-01T00:00:00Z&fields=id", a),
        Step("list, with_deleted", "GET", f"{KEYS}?with_deleted=true&limit=1&fields=id", a),
        Step("list, fields=id", "GET", f"{KEYS}?fields=id&limit=2", a),
        Step("list, limit 1.5", "GET", f"{KEYS}?limit=1.5&fields=id", a),
        Step("list, limit 2e3", "GET", f"{KEYS}?limit=2e3&fields=id", a),
        Step("list, limit with blanks", "GET", f"{KEYS}?limit=%202&fields=id", a),
        Step("list, limit empty", "GET", f"{KEYS}?limit=&fields=id", a),
        Step("list, limit twice", "GET", f"{KEYS}?limit=1&limit=2&fields=id", a),
        Step("list, offset -2x", "GET", f"{KEYS}?offset=-2x", a),
        Step("rename", "POST", f"{KEYS}/{{key_pk}}", a, json={"title": "diff pk renamed"}),
        Step("rename, empty body", "POST", f"{KEYS}/{{key_pk}}", a, json={}),
        Step("rename, extra field", "POST", f"{KEYS}/{{key_pk}}", a, json={"title": "x", "type": "secret"}),
        Step("rename, title null", "POST", f"{KEYS}/{{key_pk}}", a, json={"title": None}),
        Step("rename unknown", "POST", f"{KEYS}/{UNKNOWN_KEY}", a, json={"title": "x"}),
        Step("rename unknown, invalid", "POST", f"{KEYS}/{UNKNOWN_KEY}", a, json={}),
        Step("rename, fields=title", "POST", f"{KEYS}/{{key_pk}}?fields=title", a, json={"title": "t"}),
    ]


def channel_steps() -> list[Step]:
    a = "jwt"
    p = f"{CHANNELS}/{{channel}}/products"
    return [
        Step(
            "create channel",
            "POST",
            CHANNELS,
            a,
            json={"name": "diff channel", "description": "made by the differential test"},
            save={"channel": _channel},
        ),
        Step(
            "create channel with metadata",
            "POST",
            CHANNELS,
            a,
            json={"name": "diff meta", "metadata": {"a": 1}, "is_disabled": True},
            save={"channel_meta": _channel},
        ),
        Step("create channel, no name", "POST", CHANNELS, a, json={}),
        Step("create channel, name null", "POST", CHANNELS, a, json={"name": None}),
        Step("create channel, extra field", "POST", CHANNELS, a, json={"name": "x", "foo": 1}),
        Step(
            "create channel, is_disabled a string",
            "POST",
            CHANNELS,
            a,
            json={"name": "x", "is_disabled": "x"},
        ),
        Step("read channel", "GET", f"{CHANNELS}/{{channel}}", a),
        Step("read channel, fields", "GET", f"{CHANNELS}/{{channel}}?fields=name", a),
        Step("read unknown channel", "GET", f"{CHANNELS}/{UNKNOWN_CHANNEL}", a),
        Step("list channels", "GET", f"{CHANNELS}?limit=3&fields=id,name", a),
        Step("list channels, q", "GET", f"{CHANNELS}?q=diff&fields=id,name", a),
        Step(
            "list channels, is_disabled",
            "GET",
            f"{CHANNELS}?is_disabled=true&limit=2&fields=id,is_disabled",
            a,
        ),
        Step("list channels, is_disabled not boolean", "GET", f"{CHANNELS}?is_disabled=maybe", a),
        Step("list channels, limit -1", "GET", f"{CHANNELS}?limit=-1", a),
        Step("list channels, offset -1", "GET", f"{CHANNELS}?offset=-1", a),
        Step("list channels, unknown order", "GET", f"{CHANNELS}?order=nosuch", a),
        Step("list channels, two order columns", "GET", f"{CHANNELS}?order=name,created_at", a),
        Step("list channels, unknown parameter", "GET", f"{CHANNELS}?foo=1", a),
        Step("update channel", "POST", f"{CHANNELS}/{{channel}}", a, json={"description": "changed"}),
        Step("update channel, empty body", "POST", f"{CHANNELS}/{{channel}}", a, json={}),
        Step("update channel, no body", "POST", f"{CHANNELS}/{{channel}}", a),
        Step(
            "update channel, metadata null",
            "POST",
            f"{CHANNELS}/{{channel_meta}}",
            a,
            json={"metadata": None},
        ),
        Step("update channel, metadata a list", "POST", f"{CHANNELS}/{{channel}}", a, json={"metadata": []}),
        Step("update channel, name null", "POST", f"{CHANNELS}/{{channel}}", a, json={"name": None}),
        Step(
            "update channel, three problems",
            "POST",
            f"{CHANNELS}/{{channel}}",
            a,
            json={"a": 1, "name": 1, "is_disabled": 3},
        ),
        Step("update unknown channel", "POST", f"{CHANNELS}/{UNKNOWN_CHANNEL}", a, json={"name": "x"}),
        Step("update channel, fields", "POST", f"{CHANNELS}/{{channel}}?fields=id", a, json={"name": "diff"}),
        Step("products, add unknown product", "POST", p, a, json={"add": [UNKNOWN_PRODUCT]}),
        Step("products, remove unknown product", "POST", p, a, json={"remove": [UNKNOWN_PRODUCT]}),
        Step("products, empty body", "POST", p, a, json={}),
        Step("products, add not a list", "POST", p, a, json={"add": "x"}),
        Step("products, extra field", "POST", p, a, json={"foo": []}),
        Step("products, same id twice", "POST", p, a, json={"add": ["prod_twice", "prod_twice"]}),
        Step("products, unknown channel", "POST", f"{CHANNELS}/{UNKNOWN_CHANNEL}/products", a, json={}),
        Step("products, fields", "POST", f"{p}?fields=name", a, json={}),
        Step(
            "create a channel to delete",
            "POST",
            CHANNELS,
            a,
            json={"name": "diff doomed"},
            save={"channel_doomed": _channel},
        ),
        Step("delete channel", "DELETE", f"{CHANNELS}/{{channel_doomed}}", a),
        Step("read deleted channel", "GET", f"{CHANNELS}/{{channel_doomed}}", a),
        Step("delete channel again", "DELETE", f"{CHANNELS}/{{channel_doomed}}", a),
        Step("delete unknown channel", "DELETE", f"{CHANNELS}/{UNKNOWN_CHANNEL}", a),
        Step("delete channel, no credentials", "DELETE", f"{CHANNELS}/{UNKNOWN_CHANNEL}"),
        Step("delete channel, unknown parameter", "DELETE", f"{CHANNELS}/{UNKNOWN_CHANNEL}?foo=1", a),
        Step("list channels, limit 2x", "GET", f"{CHANNELS}?limit=2x&fields=id", a),
        Step("list channels, offset 0x1", "GET", f"{CHANNELS}?offset=0x1&limit=1&fields=id", a),
    ]


def link_and_store_steps() -> list[Step]:
    a = "jwt"
    sc = f"{KEYS}/{{key_pk}}/sales-channels"
    store_key = {"x-publishable-api-key": "{pk}"}
    return [
        Step("store, key without channel", "GET", STORE, headers=store_key),
        Step("link a channel", "POST", sc, a, json={"add": ["{channel}"]}),
        Step("link it again", "POST", sc, a, json={"add": ["{channel}"]}),
        Step("link unknown channel", "POST", sc, a, json={"add": [UNKNOWN_CHANNEL]}),
        Step("link two unknown channels", "POST", sc, a, json={"add": ["sc_a", "sc_b"]}),
        Step(
            "link the same channel twice", "POST", sc, a, json={"add": ["{channel_meta}", "{channel_meta}"]}
        ),
        Step("link, add not a list", "POST", sc, a, json={"add": "x"}),
        Step("link, remove unknown", "POST", sc, a, json={"remove": [UNKNOWN_CHANNEL]}),
        Step("link, empty body", "POST", sc, a, json={}),
        Step("link, extra field", "POST", sc, a, json={"foo": 1}),
        Step(
            "link to a secret key",
            "POST",
            f"{KEYS}/{{key_sk}}/sales-channels",
            a,
            json={"add": ["{channel}"]},
        ),
        Step("link to an unknown key", "POST", f"{KEYS}/{UNKNOWN_KEY}/sales-channels", a, json={"add": []}),
        Step("store, no key", "GET", STORE),
        Step("store, empty key", "GET", STORE, headers={"x-publishable-api-key": ""}),
        Step("store, unknown key", "GET", STORE, headers={"x-publishable-api-key": "pk_" + "0" * 64}),
        Step("store, secret key as publishable", "GET", STORE, headers={"x-publishable-api-key": "{sk}"}),
        Step("store, linked key", "GET", STORE, headers=store_key),
        Step("store, limit -1", "GET", f"{STORE}?limit=-1", headers=store_key),
        Step("store, offset -1", "GET", f"{STORE}?offset=-1", headers=store_key),
        Step("store, offset not a number", "GET", f"{STORE}?offset=abc", headers=store_key),
        Step("store, unknown product", "GET", f"{STORE}/{UNKNOWN_PRODUCT}", headers=store_key),
        Step("store, bad bearer ignored", "GET", STORE, "garbled_jwt", headers=store_key),
    ]


STOREFRONT_LISTS = ("/store/regions", "/store/collections", "/store/product-categories", "/store/currencies")
STOREFRONT_READS = (
    "/store/regions/reg_01M83RZZZZZZZZZZZZZZZZZZZZ",
    "/store/collections/pcol_01M83RZZZZZZZZZZZZZZZZZZZZ",
    "/store/product-categories/pcat_01M83RZZZZZZZZZZZZZZZZZZZZ",
    "/store/currencies/xyz",
    "/store/currencies/EUR",
)


def storefront_steps() -> list[Step]:
    """The store routes a storefront calls before products: the same key checks as products, but a
    key without a sales channel is enough. Run while {pk} is linked to a channel."""
    linked = {"x-publishable-api-key": "{pk}"}
    steps = [
        Step(
            "create a key left without channel",
            "POST",
            KEYS,
            "jwt",
            json={"title": "diff storefront pk", "type": "publishable"},
            save={"key_nochannel": _key, "pk_nochannel": _token},
        )
    ]
    keys = {
        "no key": {},
        "empty key": {"x-publishable-api-key": ""},
        "unknown key": {"x-publishable-api-key": "pk_" + "0" * 64},
        "secret key": {"x-publishable-api-key": "{sk}"},
        "key without channel": {"x-publishable-api-key": "{pk_nochannel}"},
        "linked key": linked,
    }
    for path in (*STOREFRONT_LISTS, *STOREFRONT_READS):
        for name, headers in keys.items():
            steps.append(Step(f"{path}, {name}", "GET", path, headers=headers))
    for path in STOREFRONT_LISTS:
        for query in (
            "foo=1", "limit=abc", "limit=-1", "offset=-1", "limit=2x", "limit=0", "limit=2&offset=3",
            "fields=id", "q=eu", "id[]=x&id[]=y", "order=nosuch", "with_deleted=x", "with_deleted=true",
        ):  # fmt: skip
            steps.append(Step(f"{path}?{query}", "GET", f"{path}?{query}", headers=linked))
    for path, query in (
        ("/store/regions", "name=x"),
        ("/store/regions", "currency_code=eur"),
        ("/store/regions", "code=eur"),
        ("/store/regions", "order=-name"),
        ("/store/collections", "handle=x"),
        ("/store/collections", "name=x"),
        ("/store/collections", "order=name"),
        ("/store/collections", "order=-title"),
        ("/store/product-categories", "handle=x"),
        ("/store/product-categories", "parent_category_id=x"),
        ("/store/product-categories", "title=x"),
        ("/store/currencies", "code=eur"),
        ("/store/currencies", "code[]=eur&code[]=usd"),
        ("/store/currencies", "order=-code&limit=2"),
        ("/store/currencies", "fields=code,name&limit=2"),
        ("/store/currencies", "fields=-name&limit=1"),
        ("/store/currencies", "id=x"),
        ("/store/regions/reg_01M83RZZZZZZZZZZZZZZZZZZZZ", "foo=1"),
        ("/store/regions/reg_01M83RZZZZZZZZZZZZZZZZZZZZ", "q=1"),
        ("/store/currencies/eur", "fields=code"),
        ("/store/currencies/eur", "foo=1"),
    ):
        steps.append(Step(f"{path}?{query}", "GET", f"{path}?{query}", headers=linked))
    return steps


def frontend_admin_steps() -> list[Step]:
    """Admin reads the dashboard makes around the keys: users with fields, orders' paging."""
    steps = []
    for fields in ("id,email", "email", "first_name,last_name", "foo", "", "-email", "%2Bmetadata", "*"):
        steps.append(Step(f"users/me, fields={fields}", "GET", f"/admin/users/me?fields={fields}", "jwt"))
    for query in ("offset=-1", "limit=-1", "limit=2x", "foo=1", "offset=abc"):
        steps.append(Step(f"orders, {query}", "GET", f"/admin/orders?{query}", "jwt"))
    return steps


def _product(answer: dict) -> str:
    return answer["product"]["id"]


def product_steps() -> list[Step]:
    """Products made and deleted through the admin API, and what the store shows of them."""
    a = "jwt"
    products = "/admin/products"
    store_key = {"x-publishable-api-key": "{pk}"}
    option = [{"title": "Size", "values": ["One"]}]
    made = {"title": "diff published {run}", "status": "published", "options": option}
    return [
        Step(
            "create product in a channel",
            "POST",
            products,
            a,
            json={**made, "description": "d", "sales_channels": [{"id": "{channel}"}]},
            save={"product_published": _product},
        ),
        Step("create product, handle taken", "POST", products, a, json={**made, "sales_channels": []}),
        Step(
            "create draft in the channel",
            "POST",
            products,
            a,
            json={"title": "diff draft {run}", "options": option, "sales_channels": [{"id": "{channel}"}]},
            save={"product_draft": _product},
        ),
        Step(
            "create product, unknown channel linked",
            "POST",
            products,
            a,
            json={"title": "diff nowhere {run}", "options": option, "sales_channels": [{"id": UNKNOWN_CHANNEL}]},
            save={"product_nowhere": _product},
        ),
        Step(
            "create product, status null, handle given",
            "POST",
            products,
            a,
            json={"title": "x", "handle": "diff-handle-{run}", "status": None, "options": option},
            save={"product_handled": _product},
        ),
        Step("create product, empty body", "POST", products, a, json={}),
        Step("create product, title a number", "POST", products, a, json={"title": 1}),
        Step("create product, no options", "POST", products, a, json={"title": "diff none {run}"}),
        Step("create product, empty options", "POST", products, a, json={"title": "x", "options": []}),
        Step("create product, option without values", "POST", products, a, json={"title": "x", "options": [{"title": "a"}]}),
        Step("create product, bad status", "POST", products, a, json={"title": "x", "status": "gone", "options": option}),
        Step("create product, unknown field", "POST", products, a, json={"title": "x", "foo": 1, "options": option}),
        Step("create product, channel a string", "POST", products, a, json={"title": "x", "options": option, "sales_channels": ["sc_x"]}),
        Step("create product, array body", "POST", products, a, data="[]", headers=JSON_TYPE),
        Step("create product, no credentials", "POST", products, json={"title": "x", "options": option}),
        Step("store, lists the published product", "GET", f"{STORE}?q={{run}}", headers=store_key),
        Step("store, reads the published product", "GET", f"{STORE}/{{product_published}}", headers=store_key),
        Step("store, draft not readable", "GET", f"{STORE}/{{product_draft}}", headers=store_key),
        Step("delete product", "DELETE", f"{products}/{{product_published}}", a),
        Step("store, deleted product not readable", "GET", f"{STORE}/{{product_published}}", headers=store_key),
        Step("store, deleted product not listed", "GET", f"{STORE}?q={{run}}", headers=store_key),
        Step("delete product again", "DELETE", f"{products}/{{product_published}}", a),
        Step("delete unknown product", "DELETE", f"{products}/{UNKNOWN_PRODUCT}", a),
        Step("delete product, no credentials", "DELETE", f"{products}/{UNKNOWN_PRODUCT}"),
        Step("create product, handle of a deleted one", "POST", products, a, json={**made, "status": "draft"}, save={"product_reborn": _product}),
    ]  # fmt: skip


def paging_steps() -> list[Step]:
    """Every list of the spec (an operation with ``limit`` or ``offset``) with the paging 2.21.2
    reads leniently: fractions, trailing text, negatives, values beyond 2^53 and past 1e21."""
    linked = {"x-publishable-api-key": "{pk}"}
    steps = []
    for label in PAGED_OPERATIONS:
        path = label.partition(" ")[2]
        store = path.startswith("/store/")
        for query in (
            "limit=0.48", "limit=1abc&offset=2x", "limit=-1", "offset=-1", "limit=9007199254740993",
            "offset=-9007199254740993", "limit=99999999999999999999999", "limit=" + "9" * 400,
        ):  # fmt: skip
            steps.append(
                Step(f"{path}?{query[:40]}", "GET", f"{path}?{query}", "none" if store else "jwt",
                     headers=linked if store else {})
            )  # fmt: skip
    return steps


def revoke_steps() -> list[Step]:
    a = "jwt"
    store_key = {"x-publishable-api-key": "{pk}"}
    return [
        Step("delete an active key", "DELETE", f"{KEYS}/{{key_pk}}", a),
        Step("revoke in an hour", "POST", f"{KEYS}/{{key_pk}}/revoke", a, json={"revoke_in": 3600}),
        Step("store, revoked for later", "GET", STORE, headers=store_key),
        Step("delete a key revoked for later", "DELETE", f"{KEYS}/{{key_pk}}", a),
        Step("revoke now", "POST", f"{KEYS}/{{key_pk}}/revoke", a),
        Step("store, revoked key", "GET", STORE, headers=store_key),
        *(Step(f"{path}, revoked key", "GET", path, headers=store_key) for path in STOREFRONT_LISTS),
        Step("revoke publishable again", "POST", f"{KEYS}/{{key_pk}}/revoke", a, json={}),
        Step("link to a revoked key", "POST", f"{KEYS}/{{key_pk}}/sales-channels", a, json={"remove": []}),
        Step("rename a revoked key", "POST", f"{KEYS}/{{key_pk}}", a, json={"title": "revoked"}),
        Step("revoke_in a string", "POST", f"{KEYS}/{{key_sk}}/revoke", a, json={"revoke_in": "1"}),
        Step("revoke_in huge", "POST", f"{KEYS}/{{key_sk}}/revoke", a, json={"revoke_in": 1e12}),
        Step("revoke_in past year 9999", "POST", f"{KEYS}/{{key_sk}}/revoke", a, json={"revoke_in": 2.52e11}),
        Step("revoke, extra field", "POST", f"{KEYS}/{{key_sk}}/revoke", a, json={"now": True}),
        Step("revoke secret", "POST", f"{KEYS}/{{key_sk}}/revoke", a, json={"revoke_in": -5}),
        Step("revoke secret again", "POST", f"{KEYS}/{{key_sk}}/revoke", a),
        Step("revoke secret again, later", "POST", f"{KEYS}/{{key_sk}}/revoke", a, json={"revoke_in": 60}),
        Step("revoked secret key as credential", "GET", KEYS, headers={"Authorization": _basic_template()}),
        Step("revoke unknown", "POST", f"{KEYS}/{UNKNOWN_KEY}/revoke", a),
        Step("delete revoked", "DELETE", f"{KEYS}/{{key_pk}}", a),
        Step("read deleted", "GET", f"{KEYS}/{{key_pk}}", a),
        Step("delete deleted", "DELETE", f"{KEYS}/{{key_pk}}", a),
        Step("revoke deleted", "POST", f"{KEYS}/{{key_pk}}/revoke", a),
        Step("store, deleted key", "GET", STORE, headers=store_key),
        Step("delete unknown", "DELETE", f"{KEYS}/{UNKNOWN_KEY}", a),
        Step("delete with a body", "DELETE", f"{KEYS}/{UNKNOWN_KEY}", a, json={"x": 1}),
    ]


def _basic_template() -> str:
    # The second secret key, revoked above, as `Basic <token>` (filled per side).
    return "Basic {sk2}"


def malformed_steps() -> list[Step]:
    a = "jwt"
    return [
        Step("malformed JSON", "POST", KEYS, a, data='{"title": }', headers=JSON_TYPE),
        Step("truncated JSON", "POST", KEYS, a, data='{"title": "x"', headers=JSON_TYPE),
        Step("malformed JSON on login", "POST", LOGIN, data="{", headers=JSON_TYPE),
        # Node's header limit (16 KiB; both sides count a few bytes differently, so well clear of it).
        Step("headers of 15,000 bytes", "GET", KEYS, a, headers={"X-Padding": "a" * 15000}),
        Step("headers of 20,000 bytes", "GET", KEYS, a, headers={"X-Padding": "a" * 20000}),
        # body-parser's limit ("100kb"): read up to it, 413 one byte beyond.
        Step(
            "body of 100 KB",
            "POST",
            KEYS,
            a,
            data=json_of_size(102400, '"type":"secret",'),
            headers=JSON_TYPE,
        ),
        Step(
            "body over 100 KB",
            "POST",
            KEYS,
            a,
            data=json_of_size(102401, '"type":"secret",'),
            headers=JSON_TYPE,
        ),
        Step("malformed JSON, no credentials", "POST", KEYS, data="{", headers=JSON_TYPE),
        Step("JSON array body", "POST", KEYS, a, data="[1, 2]", headers=JSON_TYPE),
        Step("JSON string body", "POST", KEYS, a, data='"title"', headers=JSON_TYPE),
        Step("JSON number body", "POST", KEYS, a, data="5", headers=JSON_TYPE),
        Step("JSON null body", "POST", KEYS, a, data="null", headers=JSON_TYPE),
        Step("empty JSON body", "POST", KEYS, a, data="", headers=JSON_TYPE),
        Step("whitespace JSON body", "POST", KEYS, a, data="  \n", headers=JSON_TYPE),
        Step(
            "form-encoded body",
            "POST",
            KEYS,
            a,
            data="title=form&type=secret",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        ),
        Step("text body", "POST", KEYS, a, data="title", headers={"Content-Type": "text/plain"}),
        Step("JSON without content type", "POST", KEYS, a, data='{"title": "x", "type": "secret"}'),
        Step(
            "vendor JSON type", "POST", KEYS, a, data="{}", headers={"Content-Type": "application/vnd.x+json"}
        ),
        Step("NUL in a title", "POST", KEYS, a, json={"title": "a\u0000b", "type": "publishable"}),
        Step("NUL in a channel name", "POST", CHANNELS, a, json={"name": "a\u0000b"}),
        Step("NUL in a query", "GET", f"{KEYS}?q=%00", a),
        Step("NUL in fields", "GET", f"{KEYS}?fields=%00&limit=1", a),
        Step("NUL in a path id", "GET", f"{KEYS}/apk_%00", a),
        Step("NUL in an invalid body", "POST", KEYS, a, json={"title": "a\u0000", "type": "bad"}),
        Step(
            "duplicate keys",
            "POST",
            CHANNELS,
            a,
            data='{"name": "first", "name": "second"}',
            headers=JSON_TYPE,
            save={"channel_dup": _channel},
        ),
        Step(
            "emoji title",
            "POST",
            KEYS,
            a,
            json={"title": "🔑 ключ", "type": "publishable"},
            save={"key_emoji": _key},
        ),
    ]


def hardening_steps() -> list[Step]:
    """Encodings and nesting: the classes issue 14 hardens in the mock (see ``KNOWN_ELSEWHERE``).
    Run last: a lone surrogate the mock stores would break every later listing."""
    a = "jwt"
    return [
        Step("invalid UTF-8", "POST", KEYS, a, data=b'{"title": "\xff\xfe"}', headers=JSON_TYPE),
        Step("UTF-8 with BOM", "POST", KEYS, a, data=b'\xef\xbb\xbf{"title": "bom"}', headers=JSON_TYPE),
        Step(
            "UTF-16 declared",
            "POST",
            CHANNELS,
            a,
            data='{"name": "x"}'.encode("utf-16"),
            headers={"Content-Type": "application/json; charset=utf-16"},
        ),
        Step(
            "latin-1 declared",
            "POST",
            CHANNELS,
            a,
            data='{"name": "caf\xe9"}'.encode("latin-1"),
            headers={"Content-Type": "application/json; charset=iso-8859-1"},
        ),
        Step(
            "unknown charset",
            "POST",
            KEYS,
            a,
            data='{"title": "x"}',
            headers={"Content-Type": "application/json; charset=klingon"},
        ),
        Step(
            "lone surrogate in a channel name",
            "POST",
            CHANNELS,
            a,
            data='{"name": "a\\ud959b"}',
            headers=JSON_TYPE,
        ),
        Step(
            "lone surrogate in a title",
            "POST",
            KEYS,
            a,
            data='{"title": "\\udc00", "type": "publishable"}',
            headers=JSON_TYPE,
            save={"key_surrogate": _key},
        ),
        Step(
            "deep JSON", "POST", KEYS, a, data='{"title": ' + "[" * 200 + "]" * 200 + "}", headers=JSON_TYPE
        ),
    ]


def routing_steps() -> list[Step]:
    a = "jwt"
    return [
        Step("unknown admin route", "GET", "/admin/nothing-here", a),
        Step("unknown admin route, no credentials", "GET", "/admin/nothing-here"),
        Step("unknown store route", "GET", "/store/nothing-here"),
        Step(
            "unknown store route with a key",
            "GET",
            "/store/nothing-here",
            headers={"x-publishable-api-key": "x"},
        ),
        Step("unknown auth route", "GET", "/auth/nothing-here"),
        Step("unknown top-level route", "GET", "/nothing-here"),
        Step("PUT on keys", "PUT", KEYS, a, json={"title": "x"}),
        Step("PATCH on a key", "PATCH", f"{KEYS}/{UNKNOWN_KEY}", a, json={"title": "x"}),
        Step("DELETE on keys", "DELETE", KEYS, a),
        Step("TRACE on keys", "TRACE", KEYS, a),
        Step("PUT on keys, no credentials", "PUT", KEYS),
        Step("GET on revoke", "GET", f"{KEYS}/{UNKNOWN_KEY}/revoke", a),
        Step("DELETE on a channel's products", "DELETE", f"{CHANNELS}/{UNKNOWN_CHANNEL}/products", a),
        Step("PUT on store products", "PUT", STORE),
        Step("GET on the session", "GET", "/auth/session"),
        Step("trailing slash", "GET", f"{KEYS}/", a),
        Step("double slash", "GET", "/admin//api-keys", a),
        Step("upper-case path", "GET", "/ADMIN/API-KEYS", a),
        Step("encoded path", "TRACE", f"{KEYS}/%3Cb%3E", a),
        Step("HEAD on keys", "HEAD", KEYS, a),
        Step("OPTIONS on keys", "OPTIONS", KEYS, a),
        Step("OPTIONS on a key", "OPTIONS", f"{KEYS}/{UNKNOWN_KEY}", a),
        Step("OPTIONS on a channel", "OPTIONS", f"{CHANNELS}/{UNKNOWN_CHANNEL}", a),
        Step("OPTIONS on keys, no credentials", "OPTIONS", KEYS),
        Step("OPTIONS on the session", "OPTIONS", "/auth/session"),
        Step("OPTIONS on store products", "OPTIONS", STORE),
        Step(
            "CORS preflight",
            "OPTIONS",
            KEYS,
            headers={"Origin": "http://example.com", "Access-Control-Request-Method": "POST"},
        ),
    ]


def generated_steps(count: int = 100) -> list[Step]:
    """Seeded random cases: paging, titles and names, ids, odd query values and revoke delays."""
    rng = random.Random(GENERATED_SEED)
    alphabet = string.ascii_letters + string.digits + " -_.~!*'()éß漢🙂"
    steps = []
    for index in range(count):
        kind = index % 5
        if kind == 0:
            limit, offset = (
                rng.choice(["0", "1", "2", "50", "1000", "-5", "1.5", "abc"]),
                rng.choice(["0", "1", "3", "10000", "-1", "x"]),
            )
            path = rng.choice([KEYS, CHANNELS])
            query = f"limit={limit}&offset={offset}&fields=id"  # the ids only: the data differ
            steps.append(Step(f"generated {index}: paging", "GET", f"{path}?{query}", "jwt"))
        elif kind == 1:
            title = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
            key_type = rng.choice(["publishable", "secret", "Secret", ""])
            steps.append(
                Step(
                    f"generated {index}: title",
                    "POST",
                    KEYS,
                    "jwt",
                    json={"title": title, "type": key_type},
                    save={f"key_generated_{index}": _key},
                )
            )
        elif kind == 2:
            noise = "".join(
                rng.choice(string.ascii_letters + string.digits) for _ in range(rng.randint(1, 30))
            )
            method, path = rng.choice(
                [
                    ("GET", f"{KEYS}/{noise}"),
                    ("GET", f"{CHANNELS}/{noise}"),
                    ("POST", f"{KEYS}/{noise}"),
                    ("DELETE", f"{KEYS}/{noise}"),
                    ("POST", f"{KEYS}/{noise}/revoke"),
                    ("POST", f"{CHANNELS}/{noise}"),
                ]
            )
            body = {"title": noise} if method == "POST" and not path.endswith("revoke") else None
            if path.startswith(CHANNELS) and method == "POST":
                body = {"name": noise}
            step = Step(f"generated {index}: id", method, path, "jwt")
            if body is not None:
                step.json = body
            steps.append(step)
        elif kind == 3:
            value = rng.choice(["", "true", "[]", "%00", "a,b", "null", "-1", "%FF", "2020", "2020-01-01"])
            name = rng.choice(
                ["q", "order", "limit", "fields", "created_at[$gt]", "title", "id", "type", "with_deleted"]
            )
            fields = "" if name == "fields" else "&fields=id"
            steps.append(Step(f"generated {index}: query", "GET", f"{KEYS}?{name}={value}{fields}", "jwt"))
        else:
            delay = rng.choice([0, 1, 59.5, -3, 1e3, 1e9, 1e15, "5", None, True])
            body = {} if delay is None else {"revoke_in": delay}
            steps.append(
                Step(
                    f"generated {index}: revoke a new key",
                    "POST",
                    KEYS,
                    "jwt",
                    json={"title": f"generated revoke {index}", "type": "publishable"},
                    save={"key_revoke": _key},
                )
            )
            steps.append(
                Step(
                    f"generated {index}: revoke_in", "POST", f"{KEYS}/{{key_revoke}}/revoke", "jwt", json=body
                )
            )
    return steps


def all_steps() -> list[Step]:
    return [
        *auth_steps(),
        *key_steps(),
        *channel_steps(),
        *link_and_store_steps(),
        *product_steps(),
        *storefront_steps(),
        *frontend_admin_steps(),
        *paging_steps(),
        *credential_steps(),
        *revoke_steps(),
        *malformed_steps(),
        *routing_steps(),
        *generated_steps(),
        *hardening_steps(),
    ]


def test_mock_in_profile_medusa_221_answers_as_medusa_2_21_2(differential: Differential) -> None:
    for side in (differential.release, differential.mock):
        side.values["run"] = RUN
    differential.run(all_steps())
    report = differential.report()
    print(report)
    for title, reasons in (("left to issue 14", KNOWN_ELSEWHERE), ("not reproduced", NOT_REPRODUCED)):
        found = [
            f"{c.step.name}: {reasons[c.step.name]}"
            for c in differential.disagreements()
            if c.step.name in reasons
        ]
        if found:
            print(f"differences {title}:\n  " + "\n  ".join(found))
    assert differential.steps_compared >= 300
    differing = {c.step.name for c in differential.disagreements()}
    known = KNOWN_ELSEWHERE.keys() | NOT_REPRODUCED.keys()
    unexplained = sorted(differing - known)
    assert not unexplained, f"differences no profile flag or known entry explains: {unexplained}\n{report}"
    stale = sorted(known - differing)
    assert not stale, f"known differences that now agree (remove them): {stale}"
