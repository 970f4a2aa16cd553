"""The per-application keys domain: users, their applications, and the applications' keys.

Pure Python: no Flask, no HTTP. Errors are the family's exceptions, raised where a rule is broken.
A revoked key keeps its record (with ``revoked_at``) so the state can be audited, but for the API
it is gone: every look-up treats it as missing.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt

from ...engine import BackendContext, SeedContext, key_row
from ...hashing import VerifiedTokens, hash_secret, seed_hash, verify_secret
from ...jwt_claims import not_yet_valid
from .exceptions import Forbidden, NotFound, Unauthorized

USERS = "users"
APPLICATIONS = "applications"
KEYS = "api_keys"
INDEXES = {USERS: ["email"], APPLICATIONS: ["owner_id"], KEYS: ["application_id", "lookup"]}

TOKEN_PREFIX = "ak_"
JWT_AUDIENCE = "app-keys"
JWT_ISSUER = "revokit"
JWT_ALGORITHM = "HS256"


@dataclass(frozen=True)
class User:
    id: str
    email: str
    name: str
    created_at: datetime


@dataclass(frozen=True)
class Application:
    id: str
    owner_id: str
    name: str
    description: str | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class ApplicationKey:
    id: str
    application_id: str
    name: str
    lookup: str  # the token's first 11 characters: narrows the hash comparisons to one or two
    redacted: str
    salt: str
    token_hash: str  # scrypt(token, salt); the plaintext is never stored
    created_at: datetime
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


def redact(token: str) -> str:
    return f"{token[:11]}...{token[-4:]}"


_KEY_SHAPE = re.compile(re.escape(TOKEN_PREFIX) + "[0-9a-f]{64}")


def is_key_shaped(token: str) -> bool:
    return _KEY_SHAPE.fullmatch(token) is not None


class AppKeysBackend:
    def __init__(self, ctx: BackendContext) -> None:
        self.store = ctx.store
        self.clock = ctx.clock
        self.ids = ctx.ids
        self.settings = ctx.settings
        self.profile = ctx.profile
        self._verified = VerifiedTokens()
        self._known = ctx.known_tokens

    def reset_caches(self) -> None:
        self._verified.clear()

    def key_overview(self) -> list[dict[str, Any]]:
        """Every key with its application, for the state page (the redacted token, no secret)."""
        now = self.clock.now()
        apps = {a.id: a.name for a in self.store.all(APPLICATIONS)}
        keys: list[ApplicationKey] = sorted(self.store.all(KEYS), key=lambda k: (k.created_at, k.id))
        return [
            key_row(
                key_id=k.id,
                name=k.name,
                kind="application key",
                shown=k.redacted,
                revoked_at=k.revoked_at,
                now=now,
                scope_label="application",
                scope=[apps.get(k.application_id, k.application_id)],
            )
            for k in keys
        ]

    # -- users and tokens -------------------------------------------------------------------

    def user_by_email(self, email: str) -> User | None:
        found = self.store.find(USERS, "email", email.lower())
        return found[0] if found else None

    def issue_token(self, user: User, ttl_seconds: int | None = None) -> str:
        now = self.clock.now()
        ttl = ttl_seconds if ttl_seconds is not None else self.settings.token_ttl_seconds
        claims = {
            "sub": user.id,
            "email": user.email,
            "aud": JWT_AUDIENCE,
            "iss": JWT_ISSUER,
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(seconds=ttl)).timestamp()),
        }
        return jwt.encode(claims, self.settings.jwt_secret, algorithm=JWT_ALGORITHM)

    def authenticate_user(self, token: str) -> User:
        try:
            claims = jwt.decode(
                token,
                self.settings.jwt_secret,
                algorithms=[JWT_ALGORITHM],
                audience=JWT_AUDIENCE,
                issuer=JWT_ISSUER,
                options={
                    "require": ["exp", "sub", "aud", "iss"],
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.PyJWTError:
            raise Unauthorized() from None
        # Expiry is judged by the mock's clock, so tests can age a token without sleeping.
        now = self.clock.now().timestamp()
        if not isinstance(claims.get("exp"), int) or claims["exp"] <= now or not_yet_valid(claims, now):
            raise Unauthorized()
        user = self.store.get(USERS, str(claims["sub"]))
        if user is None:
            raise Unauthorized()
        return user

    # -- applications -----------------------------------------------------------------------

    def list_applications(self, user: User, limit: int, offset: int) -> tuple[list[Application], int]:
        apps = self.store.find(APPLICATIONS, "owner_id", user.id)
        return apps[offset : offset + limit], len(apps)

    def create_application(self, user: User, name: str, description: str | None) -> Application:
        now = self.clock.now()
        app = Application(self.ids.uuid4(), user.id, name, description, now, now)
        self.store.put(APPLICATIONS, app)
        return app

    def get_application(self, user: User, application_id: str) -> Application:
        app = self.store.get(APPLICATIONS, application_id)
        if app is None:
            raise NotFound()
        if app.owner_id != user.id:
            raise Forbidden()
        return app

    # -- keys -------------------------------------------------------------------------------

    def _live_keys(self, application_id: str) -> list[ApplicationKey]:
        return [k for k in self.store.find(KEYS, "application_id", application_id) if not k.revoked]

    def list_keys(
        self, user: User, application_id: str, limit: int, offset: int
    ) -> tuple[list[ApplicationKey], int]:
        self.get_application(user, application_id)
        keys = self._live_keys(application_id)
        return keys[offset : offset + limit], len(keys)

    def create_key(self, user: User, application_id: str, name: str) -> tuple[ApplicationKey, str]:
        self.get_application(user, application_id)
        token = TOKEN_PREFIX + self.ids.token_hex(32)
        salt = self.ids.token_hex(16)
        key = self._new_key(
            application_id, name, token, salt, hash_secret(token, salt, n=self.settings.scrypt_n)
        )
        self.store.put(KEYS, key)
        self._known.learn(key.id, token)
        return key, token

    def _new_key(
        self, application_id: str, name: str, token: str, salt: str, token_hash: str
    ) -> ApplicationKey:
        now = self.clock.now()
        return ApplicationKey(
            id=self.ids.uuid4(),
            application_id=application_id,
            name=name,
            lookup=token[:11],
            redacted=redact(token),
            salt=salt,
            token_hash=token_hash,
            created_at=now,
        )

    def get_key(self, user: User, application_id: str, key_id: str) -> ApplicationKey:
        self.get_application(user, application_id)
        key = self.store.get(KEYS, key_id)
        if key is None or key.application_id != application_id or key.revoked:
            raise NotFound()
        return key

    def revoke_key(self, user: User, application_id: str, key_id: str) -> ApplicationKey:
        """Revoke one key; its siblings are untouched. A second revoke finds nothing (404)."""
        with self.store.transaction():
            self.get_application(user, application_id)
            return self.revoke_application_keys(application_id, [key_id])[0]

    def revoke_application_keys(
        self, application_id: str, key_ids: Sequence[str] | None = None
    ) -> list[ApplicationKey]:
        """Revoke every live key of an application, or those of ``key_ids``, all or nothing.

        An unknown application, or a key id that names no live key of it (revoked keys are gone),
        is a 404 and nothing changes. Returned in the order of ``key_ids``, else of creation.
        """
        with self.store.transaction():
            if self.store.get(APPLICATIONS, application_id) is None:
                raise NotFound()
            if key_ids is None:
                keys = self._live_keys(application_id)
            else:
                keys = [self.store.get(KEYS, key_id) for key_id in dict.fromkeys(key_ids)]
                if any(k is None or k.application_id != application_id or k.revoked for k in keys):
                    raise NotFound()
            now = self.clock.now()
            revoked = [dataclasses.replace(k, revoked_at=now) for k in keys]
            for key in revoked:
                self.store.put(KEYS, key)
        return revoked

    def authenticate_key(self, token: str) -> ApplicationKey:
        if not is_key_shaped(token):
            raise Unauthorized()
        key_id = self._verified.get(token)
        if key_id is None:
            for candidate in self.store.find(KEYS, "lookup", token[:11]):
                if not candidate.revoked and self._token_matches(candidate, token):
                    key_id = candidate.id
                    break
            if key_id is None:
                raise Unauthorized()
            self._verified.remember(token, key_id)
        # Judge and touch the key in one transaction, so a revoke answered before this point
        # is always seen, and a concurrent revoke is never overwritten by the last_used_at update.
        with self.store.transaction():
            key = self.store.get(KEYS, key_id)
            if key is None or key.revoked:
                raise Unauthorized()
            used = dataclasses.replace(key, last_used_at=self.clock.now())
            self.store.put(KEYS, used)
        return used

    def _token_matches(self, key: ApplicationKey, token: str) -> bool:
        """By digest for a key this process knows; by scrypt (once) for one made before a restart."""
        known = self._known.matches(key.id, token)
        if known is not None:
            return known
        if not verify_secret(token, key.salt, key.token_hash, n=self.settings.scrypt_n):
            return False
        self._known.learn(key.id, token)
        return True

    # -- seed ---------------------------------------------------------------------------------

    def seed(self, ctx: SeedContext) -> dict[str, Any]:
        users_out: list[dict[str, Any]] = []
        at = ctx.epoch
        for spec in ctx.fixture.get("users", []):
            user = User(ctx.ids.uuid4(), spec["email"].lower(), spec.get("name") or ctx.faker.name(), at)
            self.store.put(USERS, user)
            apps_out = []
            for app_spec in spec.get("applications", []):
                at += timedelta(minutes=7)
                description = app_spec.get("description") or ctx.faker.catch_phrase()
                app = Application(ctx.ids.uuid4(), user.id, app_spec["name"], description, at, at)
                self.store.put(APPLICATIONS, app)
                keys_out = []
                for key_spec in app_spec.get("keys", []):
                    at += timedelta(minutes=3)
                    token = TOKEN_PREFIX + ctx.ids.token_hex(32)
                    salt = ctx.ids.token_hex(16)
                    key = dataclasses.replace(
                        self._new_key(
                            app.id,
                            key_spec["name"],
                            token,
                            salt,
                            seed_hash(token, salt, n=self.settings.scrypt_n),
                        ),
                        id=ctx.ids.uuid4(),
                        created_at=at,
                    )
                    state = key_spec.get("state", "active")
                    if state == "revoked":
                        key = dataclasses.replace(key, revoked_at=at + timedelta(days=1))
                    self.store.put(KEYS, key)
                    self._known.learn(key.id, token)
                    keys_out.append({"id": key.id, "name": key.name, "state": state, "key": token})
                apps_out.append({"id": app.id, "name": app.name, "keys": keys_out})
            users_out.append(
                {
                    "id": user.id,
                    "email": user.email,
                    "name": user.name,
                    "token": self.issue_token(user),
                    "applications": apps_out,
                }
            )
        return {"users": users_out}
