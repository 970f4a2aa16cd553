"""Planted defects for the xclade-v2 conformance suite: each builds a broken Medusa 2.21 mock.

A defect wraps the family definition of one in-process app (a handler, ``authenticate`` or the
error renderer); the mock's own code paths stay untouched and no configuration of a normal run can
reach them. Each entry names exactly the scenario checks that must catch it.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import jwt as pyjwt
from contracts_defects import (
    Defect,
    Patch,
    build_defective_app,
    seeded_admin,
    serve,
    with_authenticate,
    with_handlers,
)
from flask import Flask

from revokit.mockserver.engine import Call, FamilyDefinition, Reply
from revokit.mockserver.errors import ErrorContext
from revokit.mockserver.families.xclade_v2.exceptions import (
    NotFound,
    ProductNotFound,
    UnknownError,
    UserNotFound,
    XcladeErrors,
)
from revokit.mockserver.families.xclade_v2.models import API_KEYS, PUBLISHABLE, SECRET, USERS, Actor, redact
from revokit.mockserver.families.xclade_v2.responses import api_key_json

FAMILY = "xclade-v2"

__all__ = ["DEFECTS", "FAMILY", "Defect", "credentials", "defective_app", "serve"]


def _fields(call: Call) -> str | None:
    return call.query.get("fields")


def _revoke_in(call: Call) -> float | None:
    body = call.body if isinstance(call.body, dict) else {}
    return body.get("revoke_in")


def _basic_secret(call: Call) -> str | None:
    scheme, _, credentials = call.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    credentials = credentials.strip()
    if credentials.startswith("sk_"):
        return credentials
    try:
        decoded = base64.b64decode(credentials).decode()
    except (binascii.Error, ValueError):
        return None
    return decoded.rstrip(":") if decoded.startswith("sk_") else None


# -- the defects --------------------------------------------------------------------------------


def revoke_does_not_stick(family: FamilyDefinition) -> FamilyDefinition:
    """Revoke answers 200 with a revoked-looking key, but nothing is stored."""

    def revoke(backend, call: Call) -> Reply:
        key = backend.get_api_key(call.path["id"])
        now = backend.now()
        revoke_in = _revoke_in(call)
        at = now + timedelta(seconds=int(revoke_in)) if revoke_in and revoke_in > 0 else now
        shown = dataclasses.replace(key, revoked_at=at, revoked_by=call.principal.actor_id, updated_at=now)
        return Reply({"api_key": api_key_json(backend, shown, _fields(call))})

    return with_handlers(family, PostApiKeysIdRevoke=revoke)


def revoked_secret_key_cached(family: FamilyDefinition) -> FamilyDefinition:
    """Admin auth trusts a cache of secret keys it verified once, so a later revoke is not seen."""
    verified: dict[str, Actor] = {}
    authenticate = family.authenticate

    def cached(backend, call: Call):
        token = _basic_secret(call)
        if token and token in verified:
            return verified[token]
        actor = authenticate(backend, call)
        if token and isinstance(actor, Actor) and actor.actor_type == "api-key":
            verified[token] = actor
        return actor

    return with_authenticate(family, cached)


def secret_key_matched_by_redacted_form(family: FamilyDefinition) -> FamilyDefinition:
    """Admin auth finds a secret key by its redacted form and trusts the first live one without
    comparing the hidden characters."""
    authenticate = family.authenticate

    def lenient(backend, call: Call):
        token = _basic_secret(call)
        if token:
            for key in backend.store.find(API_KEYS, "redacted", redact(token)):
                if key.type == SECRET and not key.revoked_by_time(backend.now()):
                    return Actor(key.id, "api-key")
        return authenticate(backend, call)

    return with_authenticate(family, lenient)


def deleted_secret_key_still_works(family: FamilyDefinition) -> FamilyDefinition:
    """Admin auth keeps the secret keys it verified once; a key deleted since is still trusted."""
    verified: dict[str, Actor] = {}
    authenticate = family.authenticate

    def cached(backend, call: Call):
        token = _basic_secret(call)
        if token in verified and backend.store.get(API_KEYS, verified[token].actor_id) is None:
            return verified[token]
        actor = authenticate(backend, call)
        if token and isinstance(actor, Actor) and actor.actor_type == "api-key":
            verified[token] = actor
        return actor

    return with_authenticate(family, cached)


def jwt_without_actor_type_is_a_user(family: FamilyDefinition) -> FamilyDefinition:
    """A well-signed bearer JWT without ``actor_type`` is taken for a user's."""
    authenticate = family.authenticate

    def lenient(backend, call: Call):
        scheme, _, token = call.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and not token.startswith("sk_"):
            try:
                claims = pyjwt.decode(token, backend.settings.jwt_secret, algorithms=["HS256"])
            except pyjwt.PyJWTError:
                claims = {}
            actor_id = claims.get("actor_id")
            if "actor_type" not in claims and backend.store.get(USERS, str(actor_id)) is not None:
                return Actor(actor_id, "user", {**claims, "actor_type": "user"})
        return authenticate(backend, call)

    return with_authenticate(family, lenient)


def revoke_in_one_is_now(family: FamilyDefinition) -> FamilyDefinition:
    """A revoke_in of a second or less is taken as "now"."""
    original = family.handlers["PostApiKeysIdRevoke"]

    def revoke(backend, call: Call) -> Reply:
        seconds = _revoke_in(call)
        if isinstance(seconds, int | float) and seconds <= 1:
            call = dataclasses.replace(call, body={k: v for k, v in call.body.items() if k != "revoke_in"})
        return original(backend, call)

    return with_handlers(family, PostApiKeysIdRevoke=revoke)


def store_product_found_by_order(family: FamilyDefinition) -> FamilyDefinition:
    """The store reads the first visible product whose id sorts at or after the one asked for."""
    original = family.handlers["GetProductsId"]

    def read(backend, call: Call) -> Reply:
        try:
            return original(backend, call)
        except ProductNotFound:
            visible = backend._visible_products(backend.store_channel_ids(call.principal))
            later = sorted(p.id for p in visible if p.id >= call.path["id"])
            if not later:
                raise
            return original(backend, dataclasses.replace(call, path={**call.path, "id": later[0]}))

    return with_handlers(family, GetProductsId=read)


def users_by_id_not_found(family: FamilyDefinition) -> FamilyDefinition:
    """GET /admin/users/{id} answers 404 for every user."""

    def read(backend, call: Call) -> Reply:
        raise UserNotFound(call.path["id"])

    return with_handlers(family, GetUsersId=read)


def revoke_takes_a_sibling(family: FamilyDefinition) -> FamilyDefinition:
    """Revoking a secret key also revokes the newest other live secret key (a bulk-revoke bug)."""
    original = family.handlers["PostApiKeysIdRevoke"]

    def revoke(backend, call: Call) -> Reply:
        reply = original(backend, call)
        target = backend.store.get(API_KEYS, call.path["id"])
        if target is not None and target.type == SECRET:
            now = backend.now()
            live = [
                k
                for k in backend.store.all(API_KEYS)
                if k.type == SECRET and k.id != target.id and k.revoked_at is None
            ]
            if live:
                newest = max(live, key=lambda k: k.id)
                backend.store.put(API_KEYS, dataclasses.replace(newest, revoked_at=now, revoked_by="defect"))
        return reply

    return with_handlers(family, PostApiKeysIdRevoke=revoke)


def _oldest_other_live_secret(backend, key_id: str):
    live = [
        k for k in backend.store.all(API_KEYS) if k.type == SECRET and k.id != key_id and k.revoked_at is None
    ]
    return min(live, key=lambda k: (k.created_at, k.id), default=None)


def revoke_takes_oldest_sibling(family: FamilyDefinition) -> FamilyDefinition:
    """Revoking a secret key also revokes the *oldest* other live secret key: the variation of
    ``revoke_takes_a_sibling`` that a check watching only the siblings it just made misses."""
    original = family.handlers["PostApiKeysIdRevoke"]

    def revoke(backend, call: Call) -> Reply:
        reply = original(backend, call)
        target = backend.store.get(API_KEYS, call.path["id"])
        if target is not None and target.type == SECRET:
            oldest = _oldest_other_live_secret(backend, target.id)
            if oldest is not None:
                now = backend.now()
                backend.store.put(API_KEYS, dataclasses.replace(oldest, revoked_at=now, revoked_by="defect"))
        return reply

    return with_handlers(family, PostApiKeysIdRevoke=revoke)


def revoke_hits_another_key(family: FamilyDefinition) -> FamilyDefinition:
    """Revoking a live secret key answers it as revoked but revokes the oldest other live secret
    key instead."""
    original = family.handlers["PostApiKeysIdRevoke"]

    def revoke(backend, call: Call) -> Reply:
        key = backend.get_api_key(call.path["id"])
        victim = _oldest_other_live_secret(backend, key.id)
        if key.type != SECRET or key.revoked_at is not None or victim is None:
            return original(backend, call)
        now = backend.now()
        backend.store.put(API_KEYS, dataclasses.replace(victim, revoked_at=now, revoked_by="defect"))
        shown = dataclasses.replace(key, revoked_at=now, revoked_by=call.principal.actor_id, updated_at=now)
        return Reply({"api_key": api_key_json(backend, shown, _fields(call))})

    return with_handlers(family, PostApiKeysIdRevoke=revoke)


def secret_revoked_twice(family: FamilyDefinition) -> FamilyDefinition:
    """A secret key whose revocation is in effect can be revoked again (200, the time moves)."""
    original = family.handlers["PostApiKeysIdRevoke"]

    def revoke(backend, call: Call) -> Reply:
        key = backend.store.get(API_KEYS, call.path["id"])
        if key is not None and key.type == SECRET and key.revoked_by_time(backend.now()):
            now = backend.now()
            moved = dataclasses.replace(
                key, revoked_at=now, revoked_by=call.principal.actor_id, updated_at=now
            )
            backend.store.put(API_KEYS, moved)
            return Reply({"api_key": api_key_json(backend, moved, _fields(call))})
        return original(backend, call)

    return with_handlers(family, PostApiKeysIdRevoke=revoke)


def store_ignores_revocation(family: FamilyDefinition) -> FamilyDefinition:
    """The store accepts a revoked publishable key (the revocation time is never compared)."""
    authenticate = family.authenticate

    def lenient(backend, call: Call):
        if call.operation.template.startswith("/store/"):
            token = call.headers.get("x-publishable-api-key")
            for key in backend.store.find(API_KEYS, "token", token or ""):
                if key.type == PUBLISHABLE:
                    return key
        return authenticate(backend, call)

    return with_authenticate(family, lenient)


def revoke_in_ignored(family: FamilyDefinition) -> FamilyDefinition:
    """``revoke_in`` is dropped: every revoke takes effect at once."""
    original = family.handlers["PostApiKeysIdRevoke"]

    def revoke(backend, call: Call) -> Reply:
        return original(backend, dataclasses.replace(call, body={}))

    return with_handlers(family, PostApiKeysIdRevoke=revoke)


def delete_skips_revoke_check(family: FamilyDefinition) -> FamilyDefinition:
    """An active key can be deleted."""
    original = family.handlers["DeleteApiKeysId"]

    def delete(backend, call: Call) -> Reply:
        key = backend.store.get(API_KEYS, call.path["id"])
        if key is not None and not key.revoked_by_time(backend.now()):
            backend.store.delete(API_KEYS, key.id)
            return Reply({"id": key.id, "object": "api_key", "deleted": True})
        return original(backend, call)

    return with_handlers(family, DeleteApiKeysId=delete)


def secret_shown_twice(family: FamilyDefinition) -> FamilyDefinition:
    """Reading a secret key shows its token again (kept since its creation)."""
    tokens: dict[str, str] = {}
    create, get = family.handlers["PostApiKeys"], family.handlers["GetApiKeysId"]

    def create_key(backend, call: Call) -> Reply:
        reply = create(backend, call)
        tokens[reply.body["api_key"]["id"]] = reply.body["api_key"]["token"]
        return reply

    def get_key(backend, call: Call) -> Reply:
        reply = get(backend, call)
        key = reply.body["api_key"]
        if key["id"] in tokens and "token" in key:
            key["token"] = tokens[key["id"]]
        return reply

    return with_handlers(family, PostApiKeys=create_key, GetApiKeysId=get_key)


def not_found_in_other_words(family: FamilyDefinition) -> FamilyDefinition:
    """Retrieving an unknown key answers 404 with words of its own."""
    original = family.handlers["GetApiKeysId"]

    def get_key(backend, call: Call) -> Reply:
        try:
            return original(backend, call)
        except NotFound:
            return Reply({"type": "not_found", "message": "API key not found"}, status=404)

    return with_handlers(family, GetApiKeysId=get_key)


def key_list_without_auth(family: FamilyDefinition) -> FamilyDefinition:
    """Listing keys without an Authorization header answers as the admin (a debug leftover)."""
    authenticate = family.authenticate

    def leaky(backend, call: Call):
        if call.operation.operation_id == "GetApiKeys" and "Authorization" not in call.headers:
            return Actor("user_debug", "user")
        return authenticate(backend, call)

    return with_authenticate(family, leaky)


class _CrashingOnBadKeyType(XcladeErrors):
    """The create route's validation of ``type`` crashes (500) instead of answering 400."""

    def validation_failed(self, ctx: ErrorContext, violations: Sequence[Any]):
        if ctx.operation_id == "PostApiKeys" and any(v.field == "type" for v in violations):
            return UnknownError()
        return super().validation_failed(ctx, violations)


def server_error_on_bad_key_type(family: FamilyDefinition) -> FamilyDefinition:
    """Creating a key with a missing or unknown ``type`` answers 500 unknown_error."""
    return dataclasses.replace(family, errors=_CrashingOnBadKeyType())


def list_without_count(family: FamilyDefinition) -> FamilyDefinition:
    """The key list drops its `count`."""
    original = family.handlers["GetApiKeys"]

    def list_keys(backend, call: Call) -> Reply:
        reply = original(backend, call)
        reply.body.pop("count", None)
        return reply

    return with_handlers(family, GetApiKeys=list_keys)


def logout_keeps_session(family: FamilyDefinition) -> FamilyDefinition:
    """DELETE /auth/session answers success but the session stays open."""

    def delete_session(backend, call: Call) -> Reply:
        return Reply(
            {"success": True}, cookies=[{"key": "connect.sid", "value": "", "path": "/", "expires": 0}]
        )

    return with_handlers(family, DeleteSession=delete_session)


DEFECTS: list[Defect] = [
    Defect(
        "deleted_secret_key_still_works",
        deleted_secret_key_still_works,
        frozenset({"delete_requires_revoke"}),
    ),
    Defect("revoke_in_one_is_now", revoke_in_one_is_now, frozenset({"scheduled_revoke_brought_forward"})),
    Defect(
        "jwt_without_actor_type_is_a_user",
        jwt_without_actor_type_is_a_user,
        frozenset({"forged_tokens_judged"}),
    ),
    Defect(
        "store_product_found_by_order",
        store_product_found_by_order,
        frozenset({"publishable_keys_scope_store"}),
    ),
    Defect("users_by_id_not_found", users_by_id_not_found, frozenset({"login_reads_its_user"})),
    Defect(
        "secret_key_matched_by_redacted_form",
        secret_key_matched_by_redacted_form,
        frozenset({"admin_routes_refuse_wrong_credentials"}),
    ),
    Defect(
        "revoke_does_not_stick",
        revoke_does_not_stick,
        frozenset(
            {
                "key_filters_select_exactly",
                "revoked_secret_key_refused",
                "revoked_publishable_key_refused",
                "revoke_again_secret_refused",
                "revoke_again_publishable_allowed",
                "scheduled_revoke_brought_forward",
                "revoke_in_honoured",
                "revoke_in_capped_at_last_instant",
                "delete_requires_revoke",
                "unknown_key_delete_not_found",  # its key cannot be deleted after the revoke
                "admin_routes_refuse_wrong_credentials",  # the revoked secret key still works
            }
        ),
    ),
    Defect(
        "revoked_secret_key_cached",
        revoked_secret_key_cached,
        # Only where the key was used before its revocation took effect (the deleted key too).
        frozenset(
            {
                "revoked_secret_key_refused",
                "scheduled_revoke_brought_forward",
                "revoke_in_honoured",
                "delete_requires_revoke",
            }
        ),
    ),
    Defect(
        "revoke_takes_a_sibling",
        revoke_takes_a_sibling,
        # The wrong-credentials check revokes a key of its own, and its victim is the newest.
        frozenset(
            {
                "key_filters_select_exactly",
                "sibling_keys_keep_working",
                "admin_routes_refuse_wrong_credentials",
            }
        ),
    ),
    Defect(
        "revoke_takes_oldest_sibling", revoke_takes_oldest_sibling, frozenset({"sibling_keys_keep_working"})
    ),
    Defect(
        "revoke_hits_another_key",
        revoke_hits_another_key,
        frozenset(
            {
                "key_filters_select_exactly",
                "revoked_secret_key_refused",
                "sibling_keys_keep_working",
                "revoke_again_secret_refused",
                "scheduled_revoke_brought_forward",
                "revoke_in_honoured",
                "revoke_in_capped_at_last_instant",
                "delete_requires_revoke",
                "admin_routes_refuse_wrong_credentials",
            }
        ),
    ),
    Defect("secret_revoked_twice", secret_revoked_twice, frozenset({"revoke_again_secret_refused"})),
    Defect(
        "store_ignores_revocation",
        store_ignores_revocation,
        frozenset(
            {"revoked_publishable_key_refused", "revoke_again_publishable_allowed", "revoke_in_honoured"}
        ),
    ),
    Defect(
        "revoke_in_ignored",
        revoke_in_ignored,
        frozenset(
            {
                "scheduled_revoke_brought_forward",
                "revoke_in_honoured",
                "revoke_in_capped_at_last_instant",
                "delete_requires_revoke",
            }
        ),
    ),
    Defect("delete_skips_revoke_check", delete_skips_revoke_check, frozenset({"delete_requires_revoke"})),
    Defect("secret_shown_twice", secret_shown_twice, frozenset({"secret_shown_once"})),
    Defect(
        "not_found_in_other_words",
        not_found_in_other_words,
        frozenset({"error_body_404", "delete_requires_revoke"}),  # reading the deleted key
    ),
    Defect(
        "key_list_without_auth",
        key_list_without_auth,
        # The publishable-key-only and forged-cookie variants, and the cookie of a closed
        # session, send no Authorization either.
        frozenset(
            {
                "error_body_401",
                "admin_routes_refuse_missing_credentials",
                "admin_routes_refuse_wrong_credentials",
                "session_ends_with_logout",
            }
        ),
    ),
    Defect("server_error_on_bad_key_type", server_error_on_bad_key_type, frozenset({"error_body_400"})),
    Defect(
        "list_without_count",
        list_without_count,
        frozenset({"key_filters_select_exactly", "delete_requires_revoke", "lists_filter_and_page"}),
    ),
    Defect("logout_keeps_session", logout_keeps_session, frozenset({"session_ends_with_logout"})),
]


# -- serving ------------------------------------------------------------------------------------


def defective_app(patch: Patch | None = None, profile: str = "contract") -> Flask:
    """A Medusa 2.21 mock with ``patch`` applied (see ``contracts_defects.build_defective_app``)."""
    return build_defective_app(FAMILY, patch, profile)


#: The seeded admin's e-mail and password: the suite logs in with them.
credentials = seeded_admin
