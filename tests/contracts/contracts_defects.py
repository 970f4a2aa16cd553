"""Planted defects for the app-keys conformance suite: each builds a broken app-keys mock.

A defect wraps the family definition of one in-process app (handlers or ``authenticate``); the
mock's own code paths stay untouched. Each entry names the checks that must catch it.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass

import jwt as pyjwt
from flask import Flask

from revokit.contracts import serve_wsgi as serve  # noqa: F401  (the defect modules' server)
from revokit.contracts.suite import Credentials
from revokit.mockserver import MockConfig, create_app
from revokit.mockserver.engine import Call, FamilyDefinition, Reply
from revokit.mockserver.families.app_keys.exceptions import NotFound
from revokit.mockserver.families.app_keys.models import KEYS, USERS, is_key_shaped
from revokit_testing import TEST_SCRYPT_N

Patch = Callable[[FamilyDefinition], FamilyDefinition]


# -- what every family's defects module uses -------------------------------------------------


def with_handlers(family: FamilyDefinition, **handlers: Callable) -> FamilyDefinition:
    """``family`` with some operations answered by other handlers."""
    return dataclasses.replace(family, handlers={**family.handlers, **handlers})


def with_authenticate(family: FamilyDefinition, authenticate: Callable) -> FamilyDefinition:
    """``family`` with another authentication step."""
    return dataclasses.replace(family, authenticate=authenticate)


def build_defective_app(family: str, patch: Patch | None = None, profile: str = "contract") -> Flask:
    """A mock of ``family`` (responses not validated, so a broken body is served as a real
    backend would serve it) with ``patch`` applied to its family definition."""
    app = create_app(MockConfig(family=family, profile=profile, scrypt_n=TEST_SCRYPT_N))
    if patch is not None:
        runtime = app.extensions["revokit"]
        runtime.family = patch(runtime.family)
    return app


def seeded_admin(app: Flask) -> Credentials:
    """A Medusa mock's seeded admin e-mail and password: the Medusa suites log in with them."""
    runtime = app.extensions["revokit"]
    admin = runtime.seed_info["admin"]
    return Credentials(
        email=admin["email"], password=admin["password"], jwt_secret=runtime.settings.jwt_secret
    )


# -- the defects --------------------------------------------------------------------------------


def revoke_does_not_stick(family: FamilyDefinition) -> FamilyDefinition:
    """DELETE answers 200 {} but the key stays live."""

    def revoke(backend, call: Call) -> Reply:
        backend.get_key(call.principal, call.path["id"], call.path["keyId"])
        return Reply({})

    return with_handlers(family, revokeApiKey=revoke)


def revoke_takes_siblings(family: FamilyDefinition) -> FamilyDefinition:
    """Revoking one key revokes every key of its application."""

    def revoke(backend, call: Call) -> Reply:
        backend.revoke_key(call.principal, call.path["id"], call.path["keyId"])
        for key in backend._live_keys(call.path["id"]):
            backend.revoke_key(call.principal, call.path["id"], key.id)
        return Reply({})

    return with_handlers(family, revokeApiKey=revoke)


def _oldest_other_live_key(backend, application_id: str, key_id: str):
    others = [k for k in backend._live_keys(application_id) if k.id != key_id]
    return min(others, key=lambda k: k.created_at, default=None)


def revoke_takes_oldest_sibling(family: FamilyDefinition) -> FamilyDefinition:
    """Revoking a key also revokes the oldest other live key of its application (not the newest,
    which a check that only watches the sibling it just created would see)."""

    def revoke(backend, call: Call) -> Reply:
        app_id, key_id = call.path["id"], call.path["keyId"]
        backend.revoke_key(call.principal, app_id, key_id)
        victim = _oldest_other_live_key(backend, app_id, key_id)
        if victim is not None:
            backend.revoke_key(call.principal, app_id, victim.id)
        return Reply({})

    return with_handlers(family, revokeApiKey=revoke)


def revoke_hits_another_key(family: FamilyDefinition) -> FamilyDefinition:
    """The revoke answers 200 for the named key but revokes the oldest other live key instead."""

    def revoke(backend, call: Call) -> Reply:
        app_id, key_id = call.path["id"], call.path["keyId"]
        backend.get_key(call.principal, app_id, key_id)
        victim = _oldest_other_live_key(backend, app_id, key_id)
        backend.revoke_key(call.principal, app_id, victim.id if victim is not None else key_id)
        return Reply({})

    return with_handlers(family, revokeApiKey=revoke)


def second_revoke_succeeds(family: FamilyDefinition) -> FamilyDefinition:
    """Revoking a revoked key answers 200 again (an "idempotent" revoke)."""
    original = family.handlers["revokeApiKey"]

    def revoke(backend, call: Call) -> Reply:
        key = backend.store.get(KEYS, call.path["keyId"])
        if key is not None and key.revoked and key.application_id == call.path["id"]:
            return Reply({})
        return original(backend, call)

    return with_handlers(family, revokeApiKey=revoke)


def wrong_not_found_body(family: FamilyDefinition) -> FamilyDefinition:
    """Key routes answer 404 with their own words instead of the contract's."""

    def wrapped(handler: Callable) -> Callable:
        def handle(backend, call: Call) -> Reply:
            try:
                return handler(backend, call)
            except NotFound:
                return Reply({"error": "Not Found", "message": "API key not found", "code": 404}, status=404)

        return handle

    return with_handlers(
        family,
        getApiKey=wrapped(family.handlers["getApiKey"]),
        revokeApiKey=wrapped(family.handlers["revokeApiKey"]),
    )


def plaintext_shown_again(family: FamilyDefinition) -> FamilyDefinition:
    """Reading a key shows its plaintext again (kept since its creation)."""
    plaintexts: dict[str, str] = {}
    create, get = family.handlers["createApiKey"], family.handlers["getApiKey"]

    def create_key(backend, call: Call) -> Reply:
        reply = create(backend, call)
        plaintexts[reply.body["id"]] = reply.body["key"]
        return reply

    def get_key(backend, call: Call) -> Reply:
        reply = get(backend, call)
        if reply.body["id"] in plaintexts:
            reply.body["key"] = plaintexts[reply.body["id"]]
        return reply

    return with_handlers(family, createApiKey=create_key, getApiKey=get_key)


def revoked_key_cached(family: FamilyDefinition) -> FamilyDefinition:
    """Key use trusts a cache of keys it verified once, so a revoke is not seen."""
    verified: dict[str, object] = {}
    authenticate = family.authenticate

    def cached(backend, call: Call):
        token = call.headers.get("X-API-Key", "")
        if token and token in verified and call.operation.operation_id == "getKeyInfo":
            return verified[token]
        principal = authenticate(backend, call)
        if call.operation.operation_id == "getKeyInfo":
            verified[token] = principal
        return principal

    return with_authenticate(family, cached)


def foreign_revoke_allowed(family: FamilyDefinition) -> FamilyDefinition:
    """Revoke checks no ownership: any user can revoke any application's key."""
    original = family.handlers["revokeApiKey"]

    def revoke(backend, call: Call) -> Reply:
        key = backend.store.get(KEYS, call.path["keyId"])
        if key is None or key.revoked or key.application_id != call.path["id"]:
            return original(backend, call)
        backend.store.put(KEYS, dataclasses.replace(key, revoked_at=backend.clock.now()))
        return Reply({})

    return with_handlers(family, revokeApiKey=revoke)


def unsigned_token_accepted(family: FamilyDefinition) -> FamilyDefinition:
    """A JWT with ``alg: none`` is trusted (its claims are read without a signature)."""
    authenticate = family.authenticate

    def lenient(backend, call: Call):
        scheme, _, token = call.headers.get("Authorization", "").partition(" ")
        parts = token.split(".")
        if scheme.lower() == "bearer" and len(parts) == 3:
            try:
                header = json.loads(base64.urlsafe_b64decode(parts[0] + "=" * (-len(parts[0]) % 4)))
                claims = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
            except ValueError:
                header, claims = {}, {}
            if header.get("alg") == "none":
                user = backend.store.get(USERS, str(claims.get("sub")))
                if user is not None:
                    return user
        return authenticate(backend, call)

    return with_authenticate(family, lenient)


def expired_token_accepted(family: FamilyDefinition) -> FamilyDefinition:
    """A well-signed user JWT is trusted without looking at its expiry."""
    authenticate = family.authenticate

    def lenient(backend, call: Call):
        scheme, _, token = call.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and call.operation.template.startswith("/api/v1/applications"):
            try:
                claims = pyjwt.decode(
                    token,
                    backend.settings.jwt_secret,
                    algorithms=["HS256"],
                    audience="app-keys",
                    options={"verify_exp": False},
                )
            except pyjwt.PyJWTError:
                claims = {}
            user = backend.store.get(USERS, str(claims.get("sub")))
            if user is not None:
                return user
        return authenticate(backend, call)

    return with_authenticate(family, lenient)


def missing_token_lists_first_user(family: FamilyDefinition) -> FamilyDefinition:
    """Listing applications without a token answers as the first user (a debug leftover)."""
    authenticate = family.authenticate

    def leaky(backend, call: Call):
        if call.operation.operation_id == "listApplications" and "Authorization" not in call.headers:
            return backend.store.all(USERS)[0]
        return authenticate(backend, call)

    return with_authenticate(family, leaky)


def key_matched_by_prefix(family: FamilyDefinition) -> FamilyDefinition:
    """Key use finds keys by their visible prefix and trusts the first live one without comparing
    the rest of the token (anyone who saw a redacted key can forge it)."""
    authenticate = family.authenticate

    def by_prefix(backend, call: Call):
        token = call.headers.get("X-API-Key", "")
        if call.operation.operation_id == "getKeyInfo" and is_key_shaped(token):
            live = [k for k in backend.store.find(KEYS, "lookup", token[:11]) if not k.revoked]
            if live:
                return live[0]
        return authenticate(backend, call)

    return with_authenticate(family, by_prefix)


@dataclass(frozen=True)
class Defect:
    name: str
    patch: Patch
    caught_by: frozenset[str]  # exactly the scenario checks that fail


DEFECTS = [
    Defect(
        "revoke_does_not_stick",
        revoke_does_not_stick,
        frozenset(
            {
                "revoked_key_refused",
                "revoke_again_not_found",
                "revoked_key_reads_not_found",
                "revoked_key_not_listed",
            }
        ),
    ),
    Defect("revoke_takes_siblings", revoke_takes_siblings, frozenset({"sibling_key_keeps_working"})),
    Defect(
        "revoke_takes_oldest_sibling", revoke_takes_oldest_sibling, frozenset({"sibling_key_keeps_working"})
    ),
    Defect(
        "revoke_hits_another_key",
        revoke_hits_another_key,
        frozenset(
            {
                "revoked_key_refused",
                "sibling_key_keeps_working",
                "revoke_again_not_found",
                "revoked_key_reads_not_found",
                "revoked_key_not_listed",
            }
        ),
    ),
    Defect("second_revoke_succeeds", second_revoke_succeeds, frozenset({"revoke_again_not_found"})),
    Defect(
        "wrong_not_found_body",
        wrong_not_found_body,
        frozenset(
            {
                "revoke_again_not_found",
                "revoked_key_reads_not_found",
                "error_body_404",
                "revoke_hits_named_key_only",
            }
        ),
    ),
    Defect("plaintext_shown_again", plaintext_shown_again, frozenset({"secret_shown_once"})),
    Defect("revoked_key_cached", revoked_key_cached, frozenset({"revoked_key_refused"})),
    Defect("foreign_revoke_allowed", foreign_revoke_allowed, frozenset({"other_users_keys_refused"})),
    Defect(
        "unsigned_token_accepted",
        unsigned_token_accepted,
        frozenset({"admin_routes_refuse_wrong_credentials"}),
    ),
    Defect("key_matched_by_prefix", key_matched_by_prefix, frozenset({"key_use_refuses_bad_keys"})),
    Defect("expired_token_accepted", expired_token_accepted, frozenset({"forged_tokens_judged"})),
    Defect(
        "missing_token_lists_first_user",
        missing_token_lists_first_user,
        # The key-instead-of-token variant sends no Authorization either.
        frozenset(
            {
                "admin_routes_refuse_missing_credentials",
                "admin_routes_refuse_wrong_credentials",
                "error_body_401",
            }
        ),
    ),
]


# -- serving ------------------------------------------------------------------------------------


FAMILY = "app-keys"


def defective_app(patch: Patch | None = None, profile: str = "contract") -> Flask:
    """An app-keys mock with ``patch`` applied (see :func:`build_defective_app`)."""
    return build_defective_app(FAMILY, patch, profile)


def tokens(app: Flask) -> tuple[str, str]:
    """Bearer tokens of the two seeded users (alice, bob)."""
    users = app.extensions["revokit"].seed_info["users"]
    return users[0]["token"], users[1]["token"]


def credentials(app: Flask) -> Credentials:
    """What ``revokit check app-keys`` needs against ``app``: both users' tokens and its secret."""
    alice, bob = tokens(app)
    secret = app.extensions["revokit"].settings.jwt_secret
    return Credentials(token=alice, other_token=bob, jwt_secret=secret)
