"""Planted defects for the medusa-v1 conformance suite: each builds a broken Medusa 1.20 mock.

A defect wraps the family definition of one in-process app (a handler or ``authenticate``); the
mock's own code paths stay untouched and no configuration of a normal run can reach them. Each
entry names exactly the scenario checks that must catch it.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Callable

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
from revokit.mockserver.families.medusa_v1.exceptions import KeyNotFound, UnknownError
from revokit.mockserver.families.medusa_v1.models import KEY_LINKS, KEYS, USERS, AdminPrincipal, StoreScope
from revokit.mockserver.families.medusa_v1.responses import PUBLISHABLE_KEY_HEADER, key_json

FAMILY = "medusa-v1"

__all__ = ["DEFECTS", "FAMILY", "Defect", "credentials", "defective_app", "serve"]


def _is_store(call: Call) -> bool:
    return call.operation.template.startswith("/store/")


def _claims(segment: str) -> dict:
    try:
        value = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# -- the defects --------------------------------------------------------------------------------


def revoke_does_not_stick(family: FamilyDefinition) -> FamilyDefinition:
    """Revoke answers 200 with a revoked-looking key, but nothing is stored."""

    def revoke(backend, call: Call) -> Reply:
        key = backend.get_key(call.path["id"])
        now = backend.now()
        shown = dataclasses.replace(key, revoked_at=now, revoked_by=call.principal.user_id, updated_at=now)
        return Reply({"publishable_api_key": key_json(shown)})

    return with_handlers(family, PostPublishableApiKeysPublishableApiKeyRevoke=revoke)


def revoked_key_accepted_on_store(family: FamilyDefinition) -> FamilyDefinition:
    """The store middleware checks that a key exists but forgets to check its revocation."""
    authenticate = family.authenticate

    def lenient(backend, call: Call):
        key_id = call.headers.get(PUBLISHABLE_KEY_HEADER)
        if _is_store(call) and key_id:
            key = backend.store.get(KEYS, key_id)
            if key is not None and key.revoked:
                links = backend.store.find(KEY_LINKS, "key_id", key_id)
                return StoreScope(key_id, tuple(link.sales_channel_id for link in links))
        return authenticate(backend, call)

    return with_authenticate(family, lenient)


def revoke_takes_siblings(family: FamilyDefinition) -> FamilyDefinition:
    """Revoking a key revokes every live key that shares one of its sales channels."""
    revoke_handler = family.handlers["PostPublishableApiKeysPublishableApiKeyRevoke"]

    def revoke(backend, call: Call) -> Reply:
        reply = revoke_handler(backend, call)
        channels = {
            link.sales_channel_id for link in backend.store.find(KEY_LINKS, "key_id", call.path["id"])
        }
        for link in backend.store.all(KEY_LINKS):
            sibling = backend.store.get(KEYS, link.key_id)
            if link.sales_channel_id in channels and sibling is not None and not sibling.revoked:
                backend.revoke_key(sibling.id, call.principal.user_id)
        return reply

    return with_handlers(family, PostPublishableApiKeysPublishableApiKeyRevoke=revoke)


def _oldest_other_live_key(backend, key_id: str):
    others = [k for k in backend.store.all(KEYS) if k.id != key_id and not k.revoked]
    return min(others, key=lambda k: k.created_at, default=None)


def revoke_takes_oldest_sibling(family: FamilyDefinition) -> FamilyDefinition:
    """Revoking a key also revokes the oldest other live key (not a sibling the check just made)."""
    revoke_handler = family.handlers["PostPublishableApiKeysPublishableApiKeyRevoke"]

    def revoke(backend, call: Call) -> Reply:
        reply = revoke_handler(backend, call)
        victim = _oldest_other_live_key(backend, call.path["id"])
        if victim is not None:
            backend.revoke_key(victim.id, call.principal.user_id)
        return reply

    return with_handlers(family, PostPublishableApiKeysPublishableApiKeyRevoke=revoke)


def revoke_hits_another_key(family: FamilyDefinition) -> FamilyDefinition:
    """The revoke answers the named key as revoked but revokes the oldest other live key instead."""

    def revoke(backend, call: Call) -> Reply:
        key = backend.get_key(call.path["id"])
        if key.revoked:
            return family.handlers["PostPublishableApiKeysPublishableApiKeyRevoke"](backend, call)
        victim = _oldest_other_live_key(backend, key.id)
        if victim is not None:
            backend.revoke_key(victim.id, call.principal.user_id)
        now = backend.now()
        shown = dataclasses.replace(key, revoked_at=now, revoked_by=call.principal.user_id, updated_at=now)
        return Reply({"publishable_api_key": key_json(shown)})

    return with_handlers(family, PostPublishableApiKeysPublishableApiKeyRevoke=revoke)


def second_revoke_succeeds(family: FamilyDefinition) -> FamilyDefinition:
    """Revoking a revoked key answers 200 and stamps it again (an "idempotent" revoke)."""
    original = family.handlers["PostPublishableApiKeysPublishableApiKeyRevoke"]

    def revoke(backend, call: Call) -> Reply:
        key = backend.store.get(KEYS, call.path["id"])
        if key is not None and key.revoked:
            now = backend.now()
            again = dataclasses.replace(
                key, revoked_at=now, revoked_by=call.principal.user_id, updated_at=now
            )
            backend.store.put(KEYS, again)
            return Reply({"publishable_api_key": key_json(again)})
        return original(backend, call)

    return with_handlers(family, PostPublishableApiKeysPublishableApiKeyRevoke=revoke)


def revoke_answer_lacks_revoked_by(family: FamilyDefinition) -> FamilyDefinition:
    """The revoke answer leaves out `revoked_by` (a missing field)."""
    original = family.handlers["PostPublishableApiKeysPublishableApiKeyRevoke"]

    def revoke(backend, call: Call) -> Reply:
        reply = original(backend, call)
        reply.body["publishable_api_key"].pop("revoked_by", None)
        return reply

    return with_handlers(family, PostPublishableApiKeysPublishableApiKeyRevoke=revoke)


def key_not_found_in_other_words(family: FamilyDefinition) -> FamilyDefinition:
    """Key routes answer 404 with their own words instead of Medusa's."""

    def wrapped(handler: Callable) -> Callable:
        def handle(backend, call: Call) -> Reply:
            try:
                return handler(backend, call)
            except KeyNotFound:
                return Reply({"type": "not_found", "message": "Publishable API key not found"}, status=404)

        return handle

    names = [
        "GetPublishableApiKeysPublishableApiKey",
        "DeletePublishableApiKeysPublishableApiKey",
        "PostPublishableApiKeysPublishableApiKeyRevoke",
    ]
    return with_handlers(family, **{name: wrapped(family.handlers[name]) for name in names})


def server_error_on_missing_title(family: FamilyDefinition) -> FamilyDefinition:
    """Creating a key without a string title crashes into a 500 before validation can answer 400."""
    authenticate = family.authenticate

    def crashing(backend, call: Call):
        principal = authenticate(backend, call)
        body = call.body
        if call.operation.operation_id == "PostPublishableApiKeys" and not (
            isinstance(body, dict) and isinstance(body.get("title"), str)
        ):
            raise UnknownError()
        return principal

    return with_authenticate(family, crashing)


def channel_list_without_auth(family: FamilyDefinition) -> FamilyDefinition:
    """GET /admin/sales-channels answers as the first admin when no admin credential is sent."""
    authenticate = family.authenticate

    def leaky(backend, call: Call):
        sent = call.headers.get("Authorization") or call.headers.get("x-medusa-access-token") or call.cookies
        if call.operation.operation_id == "GetSalesChannels" and not sent:
            return AdminPrincipal(backend.store.all(USERS)[0].id, "session")
        return authenticate(backend, call)

    return with_authenticate(family, leaky)


def api_token_accepted_as_bearer(family: FamilyDefinition) -> FamilyDefinition:
    """The pre-1.17 habit: a user's API token is also taken as `Authorization: Bearer`."""
    authenticate = family.authenticate

    def lenient(backend, call: Call):
        scheme, _, token = call.headers.get("Authorization", "").partition(" ")
        if not call.operation.is_public and scheme.lower() == "bearer":
            user = backend.user_by_api_token(token)
            if user is not None:
                return AdminPrincipal(user.id, "api_token")
        return authenticate(backend, call)

    return with_authenticate(family, lenient)


def unsigned_jwt_accepted(family: FamilyDefinition) -> FamilyDefinition:
    """A JWT with `alg: none` is trusted: its claims are read without a signature."""
    authenticate = family.authenticate

    def lenient(backend, call: Call):
        scheme, _, token = call.headers.get("Authorization", "").partition(" ")
        parts = token.split(".")
        if not call.operation.is_public and scheme.lower() == "bearer" and len(parts) == 3:
            claims = _claims(parts[1])
            if (
                _claims(parts[0]).get("alg") == "none"
                and backend.user(str(claims.get("user_id"))) is not None
            ):
                return AdminPrincipal(str(claims["user_id"]), "jwt")
        return authenticate(backend, call)

    return with_authenticate(family, lenient)


def store_ignores_key_channels(family: FamilyDefinition) -> FamilyDefinition:
    """The store checks the key but drops its sales channels: nothing is scoped."""
    authenticate = family.authenticate

    def unscoped(backend, call: Call):
        principal = authenticate(backend, call)
        if isinstance(principal, StoreScope) and principal.key_id is not None:
            return StoreScope(principal.key_id)
        return principal

    return with_authenticate(family, unscoped)


def batch_remove_drops_every_channel(family: FamilyDefinition) -> FamilyDefinition:
    """Batch remove unlinks all the key's channels, not only the ones listed."""

    def remove(backend, call: Call) -> Reply:
        key = backend.get_key(call.path["id"])
        for link in backend.store.find(KEY_LINKS, "key_id", key.id):
            backend.store.delete(KEY_LINKS, link.id)
        return Reply({"publishable_api_key": key_json(key)})

    return with_handlers(family, DeletePublishableApiKeySalesChannelsChannelsBatch=remove)


def delete_only_revokes(family: FamilyDefinition) -> FamilyDefinition:
    """Delete answers the deletion body but only revokes the key, which stays readable."""

    def delete(backend, call: Call) -> Reply:
        key = backend.get_key(call.path["id"])
        if not key.revoked:
            backend.revoke_key(key.id, call.principal.user_id)
        return Reply({"id": key.id, "object": "publishable_api_key", "deleted": True})

    return with_handlers(family, DeletePublishableApiKeysPublishableApiKey=delete)


def deleted_key_scopes_store(family: FamilyDefinition) -> FamilyDefinition:
    """The store trusts the link table alone: a deleted key whose links remain keeps scoping."""
    authenticate = family.authenticate

    def by_links(backend, call: Call):
        key_id = call.headers.get(PUBLISHABLE_KEY_HEADER)
        if _is_store(call) and key_id and backend.store.get(KEYS, key_id) is None:
            links = backend.store.find(KEY_LINKS, "key_id", key_id)
            if links:
                return StoreScope(key_id, tuple(link.sales_channel_id for link in links))
        return authenticate(backend, call)

    return with_authenticate(family, by_links)


def logout_keeps_session(family: FamilyDefinition) -> FamilyDefinition:
    """DELETE /admin/auth answers OK but the session stays open."""

    def logout(backend, call: Call) -> Reply:
        return Reply("OK", content_type="text/plain; charset=utf-8")

    return with_handlers(family, DeleteAuth=logout)


def date_bounds_ignored(family: FamilyDefinition) -> FamilyDefinition:
    """The key list drops its ``created_at``/``updated_at``/``revoked_at`` bounds."""
    original = family.handlers["GetPublishableApiKeys"]

    def list_keys(backend, call: Call) -> Reply:
        kept = {k: v for k, v in call.query.items() if k not in ("created_at", "updated_at", "revoked_at")}
        return original(backend, dataclasses.replace(call, query=kept))

    return with_handlers(family, GetPublishableApiKeys=list_keys)


def jwt_domain_unchecked(family: FamilyDefinition) -> FamilyDefinition:
    """An admin bearer JWT is trusted whatever its ``domain`` (a store token passes too)."""
    authenticate = family.authenticate

    def lenient(backend, call: Call):
        scheme, _, token = call.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer":
            try:
                claims = pyjwt.decode(token, backend.settings.jwt_secret, algorithms=["HS256"])
            except pyjwt.PyJWTError:
                claims = {}
            user_id = claims.get("user_id")
            if isinstance(user_id, str) and backend.store.get(USERS, user_id) is not None:
                return AdminPrincipal(user_id, "jwt")
        return authenticate(backend, call)

    return with_authenticate(family, lenient)


DEFECTS: list[Defect] = [
    Defect("jwt_domain_unchecked", jwt_domain_unchecked, frozenset({"forged_tokens_judged"})),
    Defect("date_bounds_ignored", date_bounds_ignored, frozenset({"lists_order_dates_and_limit"})),
    Defect(
        "revoke_does_not_stick",
        revoke_does_not_stick,
        frozenset({"revoked_key_refused_on_store", "revoke_again_refused"}),
    ),
    Defect(
        "revoked_key_accepted_on_store",
        revoked_key_accepted_on_store,
        frozenset({"revoked_key_refused_on_store"}),
    ),
    Defect("revoke_takes_siblings", revoke_takes_siblings, frozenset({"sibling_key_keeps_working"})),
    Defect(
        "revoke_takes_oldest_sibling", revoke_takes_oldest_sibling, frozenset({"sibling_key_keeps_working"})
    ),
    Defect(
        "revoke_hits_another_key",
        revoke_hits_another_key,
        frozenset({"revoked_key_refused_on_store", "revoke_again_refused", "sibling_key_keeps_working"}),
    ),
    Defect("second_revoke_succeeds", second_revoke_succeeds, frozenset({"revoke_again_refused"})),
    Defect(
        "revoke_answer_lacks_revoked_by",
        revoke_answer_lacks_revoked_by,
        # Every scenario that revokes checks the answer.
        frozenset(
            {
                "revoked_key_refused_on_store",
                "sibling_key_keeps_working",
                "revoke_again_refused",
                "delete_needs_no_revoke",
            }
        ),
    ),
    Defect(
        "key_not_found_in_other_words",
        key_not_found_in_other_words,
        frozenset({"deleted_key_is_gone", "error_body_404"}),
    ),
    Defect("server_error_on_missing_title", server_error_on_missing_title, frozenset({"error_body_400"})),
    Defect(
        "channel_list_without_auth",
        channel_list_without_auth,
        # The publishable key alone (its store header) is one of the wrong credentials.
        frozenset({"admin_routes_refuse_missing_credentials", "admin_routes_refuse_wrong_credentials"}),
    ),
    Defect(
        "api_token_accepted_as_bearer",
        api_token_accepted_as_bearer,
        frozenset({"admin_routes_refuse_wrong_credentials"}),
    ),
    Defect(
        "unsigned_jwt_accepted", unsigned_jwt_accepted, frozenset({"admin_routes_refuse_wrong_credentials"})
    ),
    Defect(
        "store_ignores_key_channels",
        store_ignores_key_channels,
        frozenset(
            {
                "key_scopes_store_products",
                "store_shows_published_products_only",
                "sibling_key_keeps_working",
                "sales_channel_batch",
                "error_body_store_scope",
                # The key's channels no longer choose the cart's either.
                "cart_takes_key_channel",
            }
        ),
    ),
    Defect(
        "batch_remove_drops_every_channel",
        batch_remove_drops_every_channel,
        frozenset({"sales_channel_batch"}),
    ),
    Defect(
        "delete_only_revokes",
        delete_only_revokes,
        # The revoke it does instead still makes the store refuse the key.
        frozenset({"deleted_key_is_gone"}),
    ),
    Defect("deleted_key_scopes_store", deleted_key_scopes_store, frozenset({"deleted_key_refused_on_store"})),
    Defect("logout_keeps_session", logout_keeps_session, frozenset({"logout_ends_session"})),
]


# -- serving ------------------------------------------------------------------------------------


def defective_app(patch: Patch | None = None, profile: str = "contract") -> Flask:
    """A Medusa 1.20 mock with ``patch`` applied (see ``contracts_defects.build_defective_app``)."""
    return build_defective_app(FAMILY, patch, profile)


#: The seeded admin's e-mail and password: the suite logs in with them.
credentials = seeded_admin
