"""The tally family's mock: state and rules, HTTP glue, and app-keys' error bodies."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, replace
from typing import Any

from revokit.mockserver.engine import BackendContext, Call, FamilyDefinition, Reply, SeedContext
from revokit.mockserver.families.app_keys.exceptions import AppKeysErrors, NotFound, Unauthorized

KEYS = "keys"
ADMINS = "admins"


@dataclass(frozen=True)
class Admin:
    id: str
    token: str


@dataclass(frozen=True)
class TallyKey:
    id: str
    name: str
    token: str
    revoked: bool = False


class TallyBackend:
    def __init__(self, ctx: BackendContext) -> None:
        self.store = ctx.store

    def create(self, name: str) -> TallyKey:
        with self.store.transaction():
            number = self.store.count(KEYS) + 1
            key = TallyKey(f"key_{number}", name, f"tk_{number:04d}_{name}")
            self.store.put(KEYS, key)
        return key

    def revoke(self, key_id: str) -> TallyKey:
        with self.store.transaction():
            key = self.store.get(KEYS, key_id)
            if key is None or key.revoked:
                raise NotFound()
            key = replace(key, revoked=True)
            self.store.put(KEYS, key)
        return key

    def key_for(self, token: str) -> TallyKey:
        for key in self.store.all(KEYS):
            if not key.revoked and hmac.compare_digest(key.token, token):
                return key
        raise Unauthorized()

    def is_admin(self, token: str) -> bool:
        admin = self.store.get(ADMINS, "admin")
        return admin is not None and hmac.compare_digest(admin.token, token)

    def seed(self, ctx: SeedContext) -> dict[str, Any]:
        self.store.put(ADMINS, Admin("admin", ctx.fixture["admin_token"]))
        keys = [self.create(entry["name"]) for entry in ctx.fixture["keys"]]
        return {
            "admin_token": ctx.fixture["admin_token"],
            "keys": [{"id": k.id, "key": k.token} for k in keys],
        }


def authenticate(backend: TallyBackend, call: Call) -> Any:
    schemes = {name for alternative in call.operation.security for name in alternative}
    if "keyAuth" in schemes:
        return backend.key_for(call.headers.get("X-Tally-Key", ""))
    if not backend.is_admin(call.headers.get("X-Admin-Token", "")):
        raise Unauthorized()
    return "admin"


def create_key(backend: TallyBackend, call: Call) -> Reply:
    key = backend.create(call.body["name"])
    return Reply({"id": key.id, "name": key.name, "key": key.token}, status=201)


def revoke_key(backend: TallyBackend, call: Call) -> Reply:
    return Reply({"id": backend.revoke(call.path["id"]).id, "revoked": True})


def whoami(backend: TallyBackend, call: Call) -> Reply:
    return Reply({"id": call.principal.id, "name": call.principal.name})


def _seed(backend: TallyBackend, ctx: SeedContext) -> dict[str, Any]:
    return backend.seed(ctx)


FAMILY = FamilyDefinition(
    name="tally",
    errors=AppKeysErrors(),
    handlers={"createKey": create_key, "revokeKey": revoke_key, "whoami": whoami},
    create_backend=TallyBackend,
    authenticate=authenticate,
    seed=_seed,
    record_types={KEYS: TallyKey, ADMINS: Admin},
    secret_fields={KEYS: ("token",), ADMINS: ("token",)},
)
