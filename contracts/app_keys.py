"""The ``app-keys`` conformance suite: per-application keys, bearer-JWT management, ``X-API-Key`` use.

Login is the bearer JWT given with ``--token`` (the API has no login route). Setup creates one
application and the keys each scenario needs, through the API; teardown revokes every key the run
created (applications cannot be deleted through this API).

The contract (``specs/app-keys.yaml``): revoking a key takes effect at once (the next request that
presents it answers 401) and touches no sibling; a revoked key is gone (reading or revoking it
again answers 404, it is never listed); the plaintext is shown only in the creating response; every
error answers ``{error, message, code}`` (+ ``details`` on 400) with the spec's exact words.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from revokit.specs import error_body, load_spec

from .forged_tokens import DROP, ForgedCase, judge_forged_tokens, time_claim_cases
from .http import Client, Exchange, OperationIndex
from .scenarios import ScenarioContext, ScenarioRegistry, expect_not_allowed, look_alike
from .schemathesis_run import Created
from .suite import Credentials, FamilySuite, SetupFailed, UsageError

SPEC = load_spec("app-keys")
OPERATIONS = OperationIndex(SPEC)

APPS = "/api/v1/applications"
KEY_INFO = "/api/v1/key-info"

OP_LIST_APPS = "GET /api/v1/applications"
OP_CREATE_APP = "POST /api/v1/applications"
OP_GET_APP = "GET /api/v1/applications/{id}"
OP_LIST_KEYS = "GET /api/v1/applications/{id}/api-keys"
OP_CREATE_KEY = "POST /api/v1/applications/{id}/api-keys"
OP_GET_KEY = "GET /api/v1/applications/{id}/api-keys/{keyId}"
OP_REVOKE_KEY = "DELETE /api/v1/applications/{id}/api-keys/{keyId}"
OP_KEY_INFO = "GET /api/v1/key-info"
MANAGEMENT = "management routes"


# The exact bodies, from the family's message catalogue (specs/app-keys.messages.yaml), which the
# mock's errors read too.
UNAUTHORIZED = error_body("app-keys", "unauthorized")
FORBIDDEN = error_body("app-keys", "forbidden")
NOT_FOUND = error_body("app-keys", "not_found")
BAD_REQUEST = error_body("app-keys", "bad_request")
PAYLOAD_TOO_LARGE = error_body("app-keys", "payload_too_large")
METHOD_NOT_ALLOWED = error_body("app-keys", "method_not_allowed")
UNSUPPORTED_MEDIA_TYPE = error_body("app-keys", "unsupported_media_type")
#: A body no server of this API takes (the mock's limit is 1 MiB, common proxies' 1 MB).
OVERSIZED_BYTES = 8 * 1024 * 1024
# The one 400 whose `details` words the spec fixes (its example for a path id that is no uuid).
NOT_A_UUID = SPEC["components"]["responses"]["BadRequest"]["content"]["application/json"]["examples"][
    "notAUuid"
]["value"]

KEY_PATTERN = re.compile(SPEC["components"]["schemas"]["CreatedApiKey"]["properties"]["key"]["pattern"])
REDACTED_PATTERN = re.compile(SPEC["components"]["schemas"]["ApiKey"]["properties"]["redacted"]["pattern"])

scenario = ScenarioRegistry()


# -- helpers ------------------------------------------------------------------------------------


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _user(ctx: ScenarioContext) -> dict[str, str]:
    return _bearer(ctx.state["token"])


def _keys_path(app_id: str, key_id: str = "") -> str:
    return f"{APPS}/{app_id}/api-keys" + (f"/{key_id}" if key_id else "")


def _make_key(ctx: ScenarioContext, name: str) -> dict[str, Any]:
    """Create a key in the run's application (a precondition: a refusal fails the scenario)."""
    exchange = ctx.client.post(_keys_path(ctx.state["app_id"]), json_body={"name": name}, headers=_user(ctx))
    return ctx.expect(exchange, 201, shape=_created_key_problem, why="creating a key")


def _created_key_problem(body: Any) -> str | None:
    if not isinstance(body, dict):
        return "the created key is not a JSON object"
    for name in ("id", "application_id", "key"):
        if not isinstance(body.get(name), str):
            return f"the created key has no string `{name}`"
    return None


def _use(ctx: ScenarioContext, key: str) -> Exchange:
    return ctx.client.get(KEY_INFO, headers={"X-API-Key": key})


def _revoke(
    ctx: ScenarioContext, key: Mapping[str, Any], headers: Mapping[str, str] | None = None
) -> Exchange:
    return ctx.client.delete(_keys_path(key["application_id"], key["id"]), headers=headers or _user(ctx))


def _revoke_ok(ctx: ScenarioContext, key: Mapping[str, Any]) -> None:
    ctx.expect(_revoke(ctx, key), 200, {}, why="revoking the key")


def _listed_ids(ctx: ScenarioContext, app_id: str) -> tuple[Exchange, list[str]]:
    exchange = ctx.client.get(_keys_path(app_id), headers=_user(ctx), params={"limit": 100})
    body = ctx.expect(exchange, 200, shape=_list_problem, why="listing the keys")
    return exchange, [item.get("id") for item in body["data"] if isinstance(item, dict)]


def _key_count(ctx: ScenarioContext, app_id: str) -> Any:
    """The application's key count (the list's `total`)."""
    listed = ctx.client.get(_keys_path(app_id), headers=_user(ctx), params={"limit": 1})
    return ctx.expect(listed, 200, shape=_list_problem, why="counting the application's keys")["total"]


def _list_problem(body: Any) -> str | None:
    if not isinstance(body, dict) or not isinstance(body.get("data"), list):
        return "the list has no `data` array"
    return None


def _named(field: str):
    """A shape check for a 400: the spec's exact words, and `details` naming ``field``."""

    def problem(body: Any) -> str | None:
        if not isinstance(body, dict):
            return "the error body is not a JSON object"
        for name, value in BAD_REQUEST.items():
            if body.get(name) != value:
                return f"`{name}` is {json.dumps(body.get(name))}, the contract says {json.dumps(value)}"
        extra = set(body) - {"error", "message", "code", "details"}
        if extra:
            return f"the error body has properties the contract does not allow: {', '.join(sorted(extra))}"
        details = body.get("details")
        if not isinstance(details, list) or not details:
            return "`details` must be a non-empty list naming each invalid field"
        for item in details:
            if (
                not isinstance(item, dict)
                or set(item) != {"field", "message"}
                or not all(isinstance(v, str) for v in item.values())
            ):
                return (
                    f"every `details` item must be exactly {{field, message}} strings, got {json.dumps(item)}"
                )
        fields = [item["field"] for item in details]
        # The field by its name, or by its place and name (`body.name`, `query.limit`).
        if not any(f == field or f in {f"{place}.{field}" for place in _PLACES} for f in fields):
            return f"`details` does not name the invalid field `{field}` (it names {', '.join(fields)})"
        return None

    return problem


_PLACES = ("body", "query", "path", "params")


def _shape_400(field: str) -> str:
    return json.dumps({**BAD_REQUEST, "details": [{"field": field, "message": "..."}, "..."]})


def _fixed_uuid(ctx: ScenarioContext, salt: str) -> str:
    """An id no backend has: fixed by the seed, so a rerun sends the same request."""
    rng = random.Random(f"{ctx.state['seed']}:{salt}")
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _management_calls(ctx: ScenarioContext, victim: Mapping[str, Any]) -> list[tuple[str, str, Any]]:
    """Every management operation once: (method, path, json body or None)."""
    app_id = ctx.state["app_id"]
    return [
        ("GET", APPS, None),
        ("POST", APPS, {"name": "must be refused"}),
        ("GET", f"{APPS}/{app_id}", None),
        ("GET", _keys_path(app_id), None),
        ("POST", _keys_path(app_id), {"name": "must be refused"}),
        ("GET", _keys_path(app_id, victim["id"]), None),
        ("DELETE", _keys_path(app_id, victim["id"]), None),
    ]


def _call(ctx: ScenarioContext, method: str, path: str, body: Any, headers: Mapping[str, str]) -> Exchange:
    if body is None:
        return ctx.client.request(method, path, headers=headers)
    return ctx.client.request(method, path, headers=headers, json_body=body)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


_MAX_EXISTING = 5000  # applications read before the run; more is beyond a test backend


def _existing_application_ids(client: Client, token: str) -> list[str]:
    """The ids of every application the token's user has before the run (page by page)."""
    ids: list[str] = []
    while len(ids) < _MAX_EXISTING:
        page = client.get(APPS, headers=_bearer(token), params={"limit": 100, "offset": len(ids)})
        body = page.json
        if page.status != 200 or not isinstance(body, dict) or not isinstance(body.get("data"), list):
            raise SetupFailed("listing applications did not answer 200 with `data`", page, "200")
        found = [a["id"] for a in body["data"] if isinstance(a, dict) and isinstance(a.get("id"), str)]
        ids += found
        if len(found) < 100:
            break
    return ids


def wrong_credentials(token: str, key: str) -> list[tuple[str, dict[str, str]]]:
    """Credentials a management route must refuse, each with what it is."""
    variants: list[tuple[str, dict[str, str]]] = [
        ("a garbled bearer token", _bearer("not-a-jwt")),
        ("the token under the Basic scheme", {"Authorization": f"Basic {token}"}),
        ("an application key instead of a user token", {"X-API-Key": key}),
        ("an application key as the bearer token", _bearer(key)),
    ]
    parts = token.split(".")
    if len(parts) == 3:
        header, payload, _ = parts
        # Signed under a key of our own: well-formed, wrong, and (unlike a flipped character of
        # the real signature) printing it in a report reveals nothing of the real token.
        forged = hmac.new(b"revokit: not the backend's key", f"{header}.{payload}".encode(), hashlib.sha256)
        variants.append(
            ("the token with a forged signature", _bearer(f"{header}.{payload}.{_b64url(forged.digest())}"))
        )
        unsigned = _b64url(json.dumps({"alg": "none", "typ": "JWT"}).encode())
        variants.append(("the token's claims unsigned (alg none)", _bearer(f"{unsigned}.{payload}.")))
    return variants


# -- the scenarios, in the order they run -------------------------------------------------------


@scenario(
    "new_key_authenticates",
    OP_KEY_INFO,
    "a key works on GET /api/v1/key-info from its creation, describing itself and its application",
)
def new_key_authenticates(ctx: ScenarioContext) -> None:
    key = _make_key(ctx, "revokit: new key")

    def describes_key(body: Any) -> str | None:
        if not isinstance(body, dict):
            return "the body is not a JSON object"
        if body.get("key_id") != key["id"]:
            return f"`key_id` is {json.dumps(body.get('key_id'))}, not the key's id {key['id']}"
        if body.get("application_id") != key["application_id"]:
            return (
                f"`application_id` is {json.dumps(body.get('application_id'))}, not {key['application_id']}"
            )
        return None

    ctx.expect(
        _use(ctx, key["key"]),
        200,
        shape=describes_key,
        shape_text=json.dumps({"key_id": key["id"], "application_id": key["application_id"], "...": "..."}),
        why="using a new key",
    )


@scenario(
    "revoked_key_refused",
    OP_KEY_INFO,
    "the very next request that presents a revoked key is refused with the exact 401 body",
)
def revoked_key_refused(ctx: ScenarioContext) -> None:
    key = _make_key(ctx, "revokit: to revoke")
    ctx.expect(_use(ctx, key["key"]), 200, why="using the key before the revoke")
    _revoke_ok(ctx, key)
    ctx.expect(_use(ctx, key["key"]), 401, UNAUTHORIZED, why="using the key right after its revoke")


@scenario(
    "sibling_key_keeps_working",
    OP_KEY_INFO,
    "revoking one key leaves every other key of the application working, readable and listed",
)
def sibling_key_keeps_working(ctx: ScenarioContext) -> None:
    # Keys on both sides of the revoked one in age, plus the run's setup key (the oldest): a
    # revoke that also takes the newest, the oldest or any other sibling is seen.
    oldest = _make_key(ctx, "revokit: older sibling")
    revoked = _make_key(ctx, "revokit: revoked sibling")
    newest = _make_key(ctx, "revokit: newer sibling")
    siblings = [ctx.state["anchor"], oldest, newest]
    for key in (*siblings, revoked):
        ctx.expect(_use(ctx, key["key"]), 200, why="using every key before the revoke")
    _, before = _listed_ids(ctx, revoked["application_id"])
    _revoke_ok(ctx, revoked)

    for sibling in siblings:

        def is_sibling(body: Any, sibling: Mapping[str, Any] = sibling) -> str | None:
            if not isinstance(body, dict) or body.get("key_id") != sibling["id"]:
                return f"the answer does not describe the sibling key {sibling['id']}"
            return None

        ctx.expect(_use(ctx, sibling["key"]), 200, shape=is_sibling, why="using a sibling after the revoke")
        ctx.expect(
            ctx.client.get(_keys_path(sibling["application_id"], sibling["id"]), headers=_user(ctx)),
            200,
            why="reading a sibling after the revoke",
        )
    exchange, after = _listed_ids(ctx, revoked["application_id"])
    missing = [key_id for key_id in before if key_id != revoked["id"] and key_id not in after]
    if missing:
        ctx.fail(
            f"keys listed before another key's revoke are missing after it: {', '.join(missing)}",
            exchange,
            expected_status="200",
            expected_body=f'{{"data": [... every key of {before} but {revoked["id"]} ...], ...}}',
        )


@scenario(
    "revoke_again_not_found",
    OP_REVOKE_KEY,
    "revoking a revoked key answers 404 with the exact body (the key no longer exists)",
)
def revoke_again_not_found(ctx: ScenarioContext) -> None:
    key = _make_key(ctx, "revokit: revoke twice")
    _revoke_ok(ctx, key)
    ctx.expect(_revoke(ctx, key), 404, NOT_FOUND, why="revoking the key a second time")


@scenario(
    "revoked_key_reads_not_found",
    OP_GET_KEY,
    "reading a revoked key answers 404 with the exact body",
)
def revoked_key_reads_not_found(ctx: ScenarioContext) -> None:
    key = _make_key(ctx, "revokit: read after revoke")
    _revoke_ok(ctx, key)
    exchange = ctx.client.get(_keys_path(key["application_id"], key["id"]), headers=_user(ctx))
    ctx.expect(exchange, 404, NOT_FOUND, why="reading the revoked key")


@scenario(
    "revoked_key_not_listed",
    OP_LIST_KEYS,
    "a revoked key is never listed among the application's keys",
)
def revoked_key_not_listed(ctx: ScenarioContext) -> None:
    key = _make_key(ctx, "revokit: list after revoke")
    _, before = _listed_ids(ctx, key["application_id"])
    if key["id"] not in before:
        ctx.fail(
            "a new key is missing from its application's key list",
            ctx.client.history[-1],
            expected_status="200",
            expected_body=f'{{"data": [... {{"id": "{key["id"]}", ...}} ...], ...}}',
        )
    _revoke_ok(ctx, key)
    exchange, after = _listed_ids(ctx, key["application_id"])
    if key["id"] in after:
        ctx.fail(
            "the revoked key is still listed",
            exchange,
            expected_status="200",
            expected_body=f"a list without the revoked key {key['id']}",
        )


@scenario(
    "secret_shown_once",
    OP_CREATE_KEY,
    "the key's plaintext is in the creating response only; reads, lists and key use never show it",
)
def secret_shown_once(ctx: ScenarioContext) -> None:
    key = _make_key(ctx, "revokit: shown once")
    created = ctx.client.history[-1]
    plaintext = key["key"]
    if not KEY_PATTERN.match(plaintext):
        ctx.fail(
            "the created key's plaintext does not have the documented form",
            created,
            expected_status="201",
            expected_body=f'{{"key": "<matching {KEY_PATTERN.pattern}>", ...}}',
        )
    redacted = key.get("redacted")
    if not isinstance(redacted, str) or not REDACTED_PATTERN.match(redacted):
        ctx.fail(
            "`redacted` does not have the documented form",
            created,
            expected_status="201",
            expected_body=f'{{"redacted": "<matching {REDACTED_PATTERN.pattern}>", ...}}',
        )
    head, _, tail = redacted.partition("...")
    if not (plaintext.startswith(head) and plaintext.endswith(tail)):
        ctx.fail(
            "`redacted` is not the key's first characters and its last four",
            created,
            expected_status="201",
            expected_body=f'{{"redacted": "{plaintext[:11]}...{plaintext[-4:]}", ...}}',
        )

    def hides_plaintext(body: Any) -> str | None:
        if isinstance(body, dict) and "key" in body:
            return "the response has a `key` property: the plaintext must only be shown at creation"
        if plaintext in json.dumps(body):
            return "the response contains the key's plaintext"
        return None

    app_id = key["application_id"]
    for exchange, what in (
        (ctx.client.get(_keys_path(app_id, key["id"]), headers=_user(ctx)), "reading the key"),
        (ctx.client.get(_keys_path(app_id), headers=_user(ctx), params={"limit": 100}), "listing the keys"),
        (_use(ctx, plaintext), "using the key"),
    ):
        ctx.expect(exchange, 200, shape=hides_plaintext, shape_text="a body without the plaintext", why=what)


@scenario(
    "error_body_400",
    OP_GET_APP,
    "an invalid request answers 400 with the exact words and `details` naming each invalid field",
)
def error_body_400(ctx: ScenarioContext) -> None:
    app_id = ctx.state["app_id"]
    cases = [
        (
            "id",
            lambda: ctx.client.get(f"{APPS}/not-a-uuid", headers=_user(ctx)),
            "a path id that is not a uuid",
        ),
        ("name", lambda: ctx.client.post(APPS, json_body={}, headers=_user(ctx)), "a body without `name`"),
        (
            "unexpected",
            lambda: ctx.client.post(
                _keys_path(app_id), json_body={"name": "x", "unexpected": True}, headers=_user(ctx)
            ),
            "a body with an undocumented property",
        ),
        ("limit", lambda: ctx.client.get(APPS, headers=_user(ctx), params={"limit": 0}), "limit=0"),
    ]
    for field, send, what in cases:
        if field == "id":
            ctx.expect(send(), 400, NOT_A_UUID, why=what)
        else:
            ctx.expect(send(), 400, shape=_named(field), shape_text=_shape_400(field), why=what)


@scenario(
    "error_body_413",
    OP_CREATE_KEY,
    "a body larger than the server takes answers 413 with the exact body, and makes nothing",
)
def error_body_413(ctx: ScenarioContext) -> None:
    app_id = ctx.state["app_id"]
    before = _key_count(ctx, app_id)
    oversized = json.dumps({"name": "x" * OVERSIZED_BYTES})
    for path, what in ((APPS, "an application"), (_keys_path(app_id), "a key")):
        exchange = ctx.client.post(
            path, data=oversized, headers={**_user(ctx), "Content-Type": "application/json"}
        )
        ctx.expect(
            exchange, 413, PAYLOAD_TOO_LARGE, why=f"creating {what} from an {OVERSIZED_BYTES}-byte body"
        )
    if _key_count(ctx, app_id) != before:
        ctx.fail("a refused oversized body made a key", ctx.client.history[-1], expected_status="200")


@scenario(
    "error_body_415",
    OP_CREATE_KEY,
    "a body in an encoding or charset the server cannot read answers the exact 415 and makes nothing",
)
def error_body_415(ctx: ScenarioContext) -> None:
    app_id = ctx.state["app_id"]
    before = _key_count(ctx, app_id)
    for extra, what in (
        ({"Content-Encoding": "br"}, "a br-encoded body"),
        ({"Content-Type": "application/json; charset=latin1"}, "a latin1 body"),
    ):
        headers = {**_user(ctx), "Content-Type": "application/json", **extra}
        exchange = ctx.client.post(_keys_path(app_id), data='{"name": "must be refused"}', headers=headers)
        ctx.expect(exchange, 415, UNSUPPORTED_MEDIA_TYPE, why=f"creating a key from {what}")
    if _key_count(ctx, app_id) != before:
        ctx.fail("a refused body made a key", ctx.client.history[-1], expected_status="200")


@scenario(
    "unsupported_method_answers_405",
    OP_LIST_APPS,
    "a method a route does not serve answers the exact 405 with an Allow header naming the ones it does",
)
def unsupported_method_answers_405(ctx: ScenarioContext) -> None:
    app_id = ctx.state["app_id"]
    for method, path, served in (
        ("PUT", APPS, {"GET", "POST"}),
        ("PATCH", _keys_path(app_id), {"GET", "POST"}),
    ):
        exchange = ctx.client.request(method, path, headers=_user(ctx), json_body={})
        expect_not_allowed(ctx, exchange, served, METHOD_NOT_ALLOWED)


@scenario(
    "error_body_401",
    OP_LIST_APPS,
    "a request without credentials answers 401 with the exact body",
)
def error_body_401(ctx: ScenarioContext) -> None:
    ctx.expect(ctx.client.get(APPS), 401, UNAUTHORIZED, why="listing applications without a token")


@scenario(
    "error_body_403",
    OP_GET_APP,
    "another user's application answers 403 with the exact body",
)
def error_body_403(ctx: ScenarioContext) -> None:
    other = ctx.state.get("other_token")
    if not other:
        ctx.skip("needs a second user's token (--other-token)")
    exchange = ctx.client.get(f"{APPS}/{ctx.state['app_id']}", headers=_bearer(other))
    ctx.expect(exchange, 403, FORBIDDEN, why="reading another user's application")
    # And the other way round: ownership is not an ordering of user ids.
    listed = ctx.client.get(APPS, headers=_bearer(other), params={"limit": 1})
    body = ctx.expect(listed, 200, shape=_list_problem, why="the other user listing their applications")
    foreign = [a["id"] for a in body["data"] if isinstance(a, dict) and isinstance(a.get("id"), str)]
    for app_id in foreign:
        for path, what in (
            (f"{APPS}/{app_id}", "reading the other user's application"),
            (_keys_path(app_id), "listing the keys of the other user's application"),
        ):
            ctx.expect(ctx.client.get(path, headers=_user(ctx)), 403, FORBIDDEN, why=what)


@scenario(
    "error_body_404",
    OP_GET_APP,
    "an unknown application or key answers 404 with the exact body",
)
def error_body_404(ctx: ScenarioContext) -> None:
    unknown_app = _fixed_uuid(ctx, "application")
    unknown_key = _fixed_uuid(ctx, "key")
    app_id = ctx.state["app_id"]
    for path, what in (
        (f"{APPS}/{unknown_app}", "reading an unknown application"),
        (_keys_path(unknown_app), "listing the keys of an unknown application"),
        (_keys_path(app_id, unknown_key), "reading an unknown key"),
    ):
        ctx.expect(ctx.client.get(path, headers=_user(ctx)), 404, NOT_FOUND, why=what)
    ctx.expect(
        ctx.client.delete(_keys_path(app_id, unknown_key), headers=_user(ctx)),
        404,
        NOT_FOUND,
        why="revoking an unknown key",
    )


@scenario(
    "other_users_keys_refused",
    OP_REVOKE_KEY,
    "another user can neither read, list, create nor revoke an application's keys (403), "
    "and the key keeps working",
)
def other_users_keys_refused(ctx: ScenarioContext) -> None:
    other = ctx.state.get("other_token")
    if not other:
        ctx.skip("needs a second user's token (--other-token)")
    key = _make_key(ctx, "revokit: other user's target")
    app_id = key["application_id"]
    for method, path, body, what in (
        ("GET", _keys_path(app_id), None, "listing"),
        ("POST", _keys_path(app_id), {"name": "intruder"}, "creating a key"),
        ("GET", _keys_path(app_id, key["id"]), None, "reading the key"),
        ("DELETE", _keys_path(app_id, key["id"]), None, "revoking the key"),
    ):
        exchange = _call(ctx, method, path, body, _bearer(other))
        ctx.expect(exchange, 403, FORBIDDEN, why=f"another user {what}")
    ctx.expect(_use(ctx, key["key"]), 200, why="using the key after another user tried to revoke it")


@scenario(
    "admin_routes_refuse_missing_credentials",
    MANAGEMENT,
    "every management route answers 401 with the exact body when no token is sent",
)
def admin_routes_refuse_missing_credentials(ctx: ScenarioContext) -> None:
    victim = _make_key(ctx, "revokit: missing credentials target")
    for method, path, body in _management_calls(ctx, victim):
        ctx.expect(_call(ctx, method, path, body, {}), 401, UNAUTHORIZED, why="no credentials")
    ctx.expect(_use(ctx, victim["key"]), 200, why="using the key after unauthenticated revoke attempts")


@scenario(
    "admin_routes_refuse_wrong_credentials",
    MANAGEMENT,
    "every management route answers 401 with the exact body to a garbled, tampered, unsigned or "
    "misplaced credential",
)
def admin_routes_refuse_wrong_credentials(ctx: ScenarioContext) -> None:
    victim = _make_key(ctx, "revokit: wrong credentials target")
    for what, headers in wrong_credentials(ctx.state["token"], victim["key"]):
        for method, path, body in _management_calls(ctx, victim):
            ctx.expect(_call(ctx, method, path, body, headers), 401, UNAUTHORIZED, why=what)
    ctx.expect(
        _use(ctx, victim["key"]), 200, why="using the key after revoke attempts with wrong credentials"
    )


@scenario(
    "key_use_refuses_bad_keys",
    OP_KEY_INFO,
    "GET /api/v1/key-info answers 401 with the exact body to a missing, garbled or unknown key "
    "and to a user token",
)
def key_use_refuses_bad_keys(ctx: ScenarioContext) -> None:
    unknown = "ak_" + random.Random(f"{ctx.state['seed']}:unknown-key").randbytes(32).hex()
    live = _make_key(ctx, "revokit: key whose look-alike is refused")["key"]
    for what, headers in (
        ("no key", {}),
        ("a garbled key", {"X-API-Key": "not-a-key"}),
        ("a well-formed key that was never issued", {"X-API-Key": unknown}),
        (
            "a key redacted like a live key's but not it",
            {"X-API-Key": look_alike(live, random.Random(f"{ctx.state['seed']}:look-alike"), 11, 4)},
        ),
        ("a user's token instead of a key", _user(ctx)),
    ):
        ctx.expect(ctx.client.get(KEY_INFO, headers=headers), 401, UNAUTHORIZED, why=what)
    ctx.expect(_use(ctx, live), 200, why="using the live key after its look-alike was refused")


@scenario(
    "revoke_hits_named_key_only",
    OP_REVOKE_KEY,
    "a key is reached only under its own application: read or revoke under another one answers "
    "the exact 404 and the key keeps working",
)
def revoke_hits_named_key_only(ctx: ScenarioContext) -> None:
    key = _make_key(ctx, "revokit: exact key target")
    listed = ctx.client.get(APPS, headers=_user(ctx), params={"limit": 100})
    body = ctx.expect(listed, 200, shape=_list_problem, why="listing the user's applications")
    others = [
        a["id"]
        for a in body["data"]
        if isinstance(a, dict) and isinstance(a.get("id"), str) and a["id"] != key["application_id"]
    ]
    if not others:
        ctx.skip("the user has no other application to name the key under")
    # A backend that compares application ids by order, not equality, errs only when the wrong
    # id lies on one side of the key's own. The run's application may hold the smallest or the
    # largest id of all, so when it does, a second key in the other extreme application is named
    # under the run's: between them, a wrong id on each side of a key's own is tried.
    targets = [(key, dict.fromkeys((min(others), max(others))))]
    own = key["application_id"]
    extreme = min(others) if own > max(others) else max(others) if own < min(others) else None
    if extreme is not None:
        made = ctx.client.post(
            _keys_path(extreme), json_body={"name": "revokit: exact key target"}, headers=_user(ctx)
        )
        targets.append((ctx.expect(made, 201, shape=_created_key_problem, why="creating a key"), {own: None}))
    for target, wrongs in targets:
        for wrong in wrongs:
            ctx.expect(
                ctx.client.get(_keys_path(wrong, target["id"]), headers=_user(ctx)),
                404,
                NOT_FOUND,
                why="reading the key under another application of its user",
            )
            ctx.expect(
                ctx.client.delete(_keys_path(wrong, target["id"]), headers=_user(ctx)),
                404,
                NOT_FOUND,
                why="revoking the key under another application of its user",
            )
        ctx.expect(
            _use(ctx, target["key"]), 200, why="using the key after a revoke named another application"
        )
        ctx.expect(
            ctx.client.get(_keys_path(target["application_id"], target["id"]), headers=_user(ctx)),
            200,
            why="reading the key under its own application",
        )
    for target, _ in targets[1:]:  # the key made outside the run's application is not left live
        _revoke_ok(ctx, target)


@scenario(
    "forged_tokens_judged",
    OP_LIST_APPS,
    "user JWTs signed with the backend's own secret are refused with the exact 401 when expired, "
    "not yet valid, without exp or sub, for another audience or issuer, or of no user (needs "
    "--jwt-secret)",
)
def forged_tokens_judged(ctx: ScenarioContext) -> None:
    unknown = _fixed_uuid(ctx, "unknown user")
    cases = [
        *time_claim_cases(401, UNAUTHORIZED),
        ForgedCase("without exp", {"exp": DROP}, 401, UNAUTHORIZED),
        ForgedCase("without sub", {"sub": DROP}, 401, UNAUTHORIZED),
        ForgedCase("for another audience", {"aud": "another-service"}, 401, UNAUTHORIZED),
        ForgedCase("from another issuer", {"iss": "https://elsewhere.example"}, 401, UNAUTHORIZED),
        ForgedCase("of a user that does not exist", {"sub": unknown}, 401, UNAUTHORIZED),
    ]

    def list_applications(token: str) -> Exchange:
        return ctx.client.get(APPS, headers=_bearer(token), params={"limit": 1})

    judge_forged_tokens(ctx, ctx.state["token"], cases, list_applications)


@scenario(
    "lists_page_consistently",
    OP_LIST_KEYS,
    "`limit`/`offset` pages of the applications and of the keys add up to the whole list, "
    "with a `total` that counts it",
)
def lists_page_consistently(ctx: ScenarioContext) -> None:
    for _ in range(3):
        _make_key(ctx, "revokit: paged key")
    for path, what in ((_keys_path(ctx.state["app_id"]), "keys"), (APPS, "applications")):
        whole = ctx.client.get(path, headers=_user(ctx), params={"limit": 100})
        body = ctx.expect(whole, 200, shape=_list_problem, why=f"listing the {what}")
        ids = [item.get("id") for item in body["data"] if isinstance(item, dict)]
        if what == "applications" and ctx.state["app_id"] not in ids[:100]:
            ctx.fail("the run's application is missing from its user's list", whole, expected_status="200")
        if len(ids) < 100 and body.get("total") != len(ids):
            ctx.fail(
                f"`total` is {json.dumps(body.get('total'))} for a list of {len(ids)} {what}",
                whole,
                expected_status="200",
                expected_body=f'{{"data": [...], "total": {len(ids)}, ...}}',
            )
        paged: list[Any] = []
        for offset in range(min(len(ids), 4)):
            page = ctx.client.get(path, headers=_user(ctx), params={"limit": 1, "offset": offset})
            page_body = ctx.expect(page, 200, shape=_list_problem, why=f"listing one of the {what}")
            paged += [item.get("id") for item in page_body["data"] if isinstance(item, dict)]
            if (page_body.get("limit"), page_body.get("offset"), page_body.get("total")) != (
                1,
                offset,
                body.get("total"),
            ):
                ctx.fail(
                    "a page does not echo its `limit` and `offset` with the list's `total`",
                    page,
                    expected_status="200",
                    expected_body=json.dumps({"limit": 1, "offset": offset, "total": body.get("total")}),
                )
        if paged != ids[: len(paged)]:
            ctx.fail(
                f"pages of one {what[:-1]} (offset 0, 1, ...) list {paged}, the whole list starts {ids[:4]}",
                ctx.client.history[-1],
                expected_status="200",
            )


# -- the suite ----------------------------------------------------------------------------------


def _jwt_subject(token: str) -> str | None:
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except ValueError:
        return None
    subject = claims.get("sub") if isinstance(claims, dict) else None
    return str(subject) if subject is not None else None


class AppKeysSuite(FamilySuite):
    family = "app-keys"
    spec_name = "app-keys"
    scenarios = scenario

    def validate_credentials(self, credentials: Credentials) -> None:
        if not credentials.token:
            raise UsageError(
                "app-keys needs --token: a user's bearer JWT (the API has no login route; "
                "against `revokit mock` get one from POST /__revokit/tokens)"
            )
        if credentials.email or credentials.password:
            raise UsageError("app-keys logs in with --token only; --email/--password do not apply")
        subject = _jwt_subject(credentials.token)
        if (
            credentials.other_token
            and subject is not None
            and _jwt_subject(credentials.other_token) == subject
        ):
            raise UsageError("--other-token must belong to another user than --token")

    def prepare(self, client: Client, credentials: Credentials, seed: int) -> dict[str, Any]:
        token = credentials.token or ""
        listed = client.get(APPS, headers=_bearer(token))
        if listed.status in (401, 403):
            raise UsageError(f"the backend refused --token: {listed.summary()}")
        if listed.status != 200:
            raise SetupFailed("listing applications with --token did not answer 200", listed, "200")
        existing = _existing_application_ids(client, token)
        if credentials.other_token:
            other = client.get(APPS, headers=_bearer(credentials.other_token))
            if other.status in (401, 403):
                raise UsageError(f"the backend refused --other-token: {other.status}")

        created = client.post(
            APPS,
            json_body={"name": "revokit check", "description": f"made by revokit check (seed {seed})"},
            headers=_bearer(token),
        )
        app = created.json
        if created.status != 201 or not isinstance(app, dict) or not isinstance(app.get("id"), str):
            raise SetupFailed("creating the run's application did not answer 201 with an id", created, "201")
        anchor = client.post(
            _keys_path(app["id"]),
            json_body={"name": "revokit check: generated requests"},
            headers=_bearer(token),
        )
        key = anchor.json
        if anchor.status != 201 or not isinstance(key, dict) or not isinstance(key.get("key"), str):
            raise SetupFailed("creating a key did not answer 201 with the key", anchor, "201")
        return {
            "token": token,
            "other_token": credentials.other_token,
            "seed": seed,
            "app_id": app["id"],
            "anchor": key,
            # Generated requests must not revoke keys of applications the run did not make, nor
            # the anchor key every generated key-use request carries.
            "untouchable": [*existing, key["id"]] if isinstance(key.get("id"), str) else existing,
        }

    def untouchable_ids(self, state: Mapping[str, Any]) -> list[str]:
        return list(state["untouchable"])

    def schemathesis_headers(self, state: Mapping[str, Any]) -> dict[str, str]:
        # The key-use route takes X-API-Key; management routes ignore it.
        return {**_bearer(state["token"]), "X-API-Key": state["anchor"]["key"]}

    def teardown(self, client: Client, state: Mapping[str, Any], created: Sequence[Created]) -> list[str]:
        # Every key any request of the run created, including ones a defective backend should
        # have refused to create (an unauthenticated or foreign create answered 201).
        bodies = [e.json for e in client.history if e.operation == OP_CREATE_KEY and e.status == 201]
        bodies += [item.body for item in created if item.operation == OP_CREATE_KEY]
        keys = []
        for body in bodies:
            if isinstance(body, dict):
                app_id, key_id = body.get("application_id"), body.get("id")
                if isinstance(app_id, str) and isinstance(key_id, str):
                    keys.append((app_id, key_id))
        failed = 0
        for app_id, key_id in dict.fromkeys(keys):
            exchange = client.delete(_keys_path(app_id, key_id), headers=_bearer(state["token"]))
            if exchange.status not in (200, 404):
                failed += 1
        apps = 1 + sum(1 for item in created if item.operation == OP_CREATE_APP)
        notes = [
            f"teardown revoked the keys this run created; {apps} application(s) it created remain "
            "(the API cannot delete applications)"
        ]
        if failed:
            notes.append(f"teardown could not revoke {failed} key(s)")
        return notes


SUITE = AppKeysSuite()
