"""Ready clients and key factories for each API family, all working through the real API routes.

Nothing here touches the mock's internals: logins, keys, sales channels and revokes are made with
the routes of ``specs/<family>.yaml``, so the same fixtures work against a real backend
(``--revokit-base-url``). The only mock-specific call is minting an ``app-keys`` user JWT through
``POST /__revokit/tokens`` (that API has no login route); against a real backend the JWT comes
from ``--revokit-token``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .testing_http import FIXTURE_HEADER, Client, RevokitRequestError, basic_auth, expect_status
from .testing_session import Credentials, fail

if TYPE_CHECKING:
    from .testing_revoke import RevokedKeys
    from .testing_session import Revokit

#: Medusa's demo admin, which both Medusa mocks seed.
DEMO_ADMIN_EMAIL = "admin@medusa-test.com"
DEMO_ADMIN_PASSWORD = "supersecret"
_COOKIE = re.compile(r"connect\.sid=([^;,\s]+)")
_counter = itertools.count(1)


def _label(kind: str) -> str:
    return f"revokit {kind} {next(_counter)}"


@dataclass
class MadeKey:
    """A key a factory made through the API.

    ``token`` is what a client sends: the key id for medusa-v1 (``x-publishable-api-key``), the
    ``pk_``/``sk_`` token for xclade-v2, the ``ak_`` plaintext for app-keys. ``data`` is the key as
    the API last returned it. ``siblings`` are the other keys made in the same application.
    """

    family: str
    id: str
    token: str
    type: str  # publishable | secret | application
    state: str  # active | revoked | scheduled | deleted
    title: str
    sales_channel_ids: list[str] = field(default_factory=list)
    application_id: str | None = None
    siblings: list[MadeKey] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


def _find_key(data: Any, key: str) -> Any:
    """The first value stored under ``key`` anywhere in a JSON document (depth first)."""
    if isinstance(data, Mapping):
        if key in data:
            return data[key]
        values: Any = data.values()
    elif isinstance(data, list):
        values = data
    else:
        return None
    for value in values:
        found = _find_key(value, key)
        if found is not None:
            return found
    return None


def _check_state(family: str, state: str, allowed: Sequence[str], why: str = "") -> str:
    state = {"revoke_scheduled": "scheduled"}.get(state, state)
    if state not in allowed:
        extra = f" ({why})" if why else ""
        raise ValueError(f"{family} keys can be {', '.join(allowed)}; not {state!r}{extra}")
    return state


def _session_cookie(response: Any, doing: str) -> str:
    match = _COOKIE.search(response.headers.get("Set-Cookie", ""))
    if match is None:
        raise AssertionError(f"{doing}: the answer set no connect.sid cookie")
    return match.group(1)


def _logged_in(response: Any, doing: str) -> Any:
    """The JSON of a successful login; a failed one fails the test with the message alone, so no
    traceback shows the frames (and arguments) that held the password."""
    try:
        return expect_status(response, 200, doing=doing).json()
    except RevokitRequestError as exc:
        problem = str(exc)
    fail(problem)


def _key_of(key: MadeKey | str) -> str:
    return key.token if isinstance(key, MadeKey) else str(key)


class Kit:
    """A family's part of the pytest plugin: its ready clients and key factory, made through the
    family's API. The family's descriptor (``revokit.registry``) names the kit and the methods
    that become fixtures (``clients``, each called without arguments, and ``key_factory``)."""

    family = ""
    # What ``revokit_revoke_keys`` needs: where the control plane's answer lists the revoked keys
    # (empty: the kit revokes nothing in bulk), and which revoke options the family has.
    revoked_keys_field = ""
    scheduled_revokes = False
    records_revoked_by = False

    def __init__(self, rk: Revokit) -> None:
        self.rk = rk
        self._tokens: dict[tuple[str, str], str] = {}

    def revoke_on_real(self, selector: dict[str, Any], revoke_in: float | None) -> RevokedKeys:
        """Against a real backend: resolve ``selector`` through the API and revoke key by key."""
        raise ValueError(f"revokit_revoke_keys: the {self.family} kit cannot revoke on a real backend")

    def seeded_credentials(self) -> Credentials:
        """On a mock: the credentials its seed offers, for what no option gave (none by default)."""
        return Credentials()

    def conformance_tokens(self) -> dict[str, str]:
        """On a mock, when no token was given: the tokens the family's conformance suite needs
        that no login gives (``token``, ``other_token``); none by default."""
        return {}

    def key_factory(self) -> Any:
        raise NotImplementedError(f"the {self.family} kit makes no keys")

    def _login_pair(self, email: str | None, password: str | None) -> tuple[str, str]:
        creds = self.rk.credentials(self.family)
        email, password = email or creds.email, password or creds.password
        if not email or not password:
            fail(
                f"the {self.family} admin clients log in with an email and a password: pass "
                f"--revokit-email and --revokit-password (or {self.family}=... prefixed values) "
                "with --revokit-base-url"
            )
        return email, password  # type: ignore[return-value]

    def _setup(self, headers: Mapping[str, str] | None = None) -> Client:
        return self.rk.fixture_client(self.family, headers)


# -- medusa-v1 ----------------------------------------------------------------------------------


class _MedusaKit(Kit):
    """What both Medusa families share: an e-mail/password login route that answers a JWT."""

    login_path: str = ""
    token_field: str = ""
    records_revoked_by = True

    def seeded_credentials(self) -> Credentials:
        seed = self.rk.seed(self.family)
        admin = seed.get("admin") if isinstance(seed.get("admin"), Mapping) else {}
        return Credentials(
            admin.get("email") or DEMO_ADMIN_EMAIL, admin.get("password") or DEMO_ADMIN_PASSWORD
        )

    def jwt(self, email: str | None = None, password: str | None = None) -> str:
        email, password = self._login_pair(email, password)
        token = self._tokens.get((email, password))
        if token is None:
            doing = f"{self.family}: logging in as {email} (POST {self.login_path})"
            response = self._setup().post(self.login_path, json={"email": email, "password": password})
            token = self._tokens[(email, password)] = _logged_in(response, doing)[self.token_field]
        return token

    def admin(self, email: str | None = None, password: str | None = None) -> Client:
        """The admin API with ``Authorization: Bearer <JWT from the login route>``."""
        return self.rk.client(
            self.family,
            {"Authorization": f"Bearer {self.jwt(email, password)}"},
            name=f"{self.family} admin (jwt)",
        )


class MedusaV1Kit(_MedusaKit):
    """Clients for Medusa v1 (1.20): admin by JWT, session cookie or API token; the store API."""

    family = "medusa-v1"
    login_path = "/admin/auth/token"
    token_field = "access_token"
    revoked_keys_field = "publishable_api_keys"

    def revoke_on_real(self, selector: dict[str, Any], revoke_in: float | None) -> RevokedKeys:
        from .testing_revoke import revoke_medusa_v1

        return revoke_medusa_v1(self.rk, selector, revoke_in)

    def seeded_credentials(self) -> Credentials:
        admin = super().seeded_credentials()
        return Credentials(admin.email, admin.password, _find_key(self.rk.seed(self.family), "api_token"))

    def session(self, email: str | None = None, password: str | None = None) -> Client:
        """The admin API with the ``connect.sid`` session cookie of ``POST /admin/auth``."""
        email, password = self._login_pair(email, password)
        doing = f"medusa-v1: logging in as {email} (POST /admin/auth)"
        response = self._setup().post("/admin/auth", json={"email": email, "password": password})
        _logged_in(response, doing)
        cookie = _session_cookie(response, doing)
        return self.rk.client(
            self.family, {"Cookie": f"connect.sid={cookie}"}, name="medusa-v1 admin (session)"
        )

    def api_token(self, token: str | None = None) -> Client:
        """The admin API with the user's API token in ``x-medusa-access-token``."""
        token = token or self.rk.credentials(self.family).token
        if not token:
            fail(
                "the medusa-v1 API-token client needs the admin user's API token: pass --revokit-token "
                "(the mock's seed has none to offer)"
                if self.rk.is_real(self.family)
                else "the medusa-v1 mock's seed (GET /__revokit/seed) has no api_token; pass --revokit-token"
            )
        return self.rk.client(
            self.family, {"x-medusa-access-token": str(token)}, name="medusa-v1 admin (api token)"
        )

    def store(self, publishable_key: MadeKey | str | None = None) -> Client:
        """The store API, scoped by ``x-publishable-api-key`` when a key is given."""
        headers = {"x-publishable-api-key": _key_of(publishable_key)} if publishable_key else {}
        return self.rk.client(self.family, headers, name="medusa-v1 store")

    def key_factory(self, admin: Client | None = None) -> MedusaV1KeyFactory:
        admin = admin or self.admin()
        return MedusaV1KeyFactory(self, admin.with_headers({FIXTURE_HEADER: "factory"}))


class _MedusaKeyFactory:
    """What both Medusa key factories share: the admin client, sales channels, the store client."""

    family: str = ""

    def __init__(self, kit: MedusaV1Kit | XcladeV2Kit, admin: Client) -> None:
        self.kit = kit
        self.admin = admin

    def sales_channel(self, name: str | None = None, description: str | None = None) -> dict[str, Any]:
        """A new sales channel (``POST /admin/sales-channels``), as the API returns it."""
        body: dict[str, Any] = {"name": name or _label("channel")}
        if description is not None:
            body["description"] = description
        response = self.admin.post("/admin/sales-channels", json=body)
        return expect_status(response, 200, doing=f"{self.family}: creating a sales channel").json()[
            "sales_channel"
        ]

    def _channels(self, sales_channels: int | Sequence[str]) -> list[str]:
        """``n`` new channels, or the given channel ids."""
        if isinstance(sales_channels, int):
            return [self.sales_channel()["id"] for _ in range(sales_channels)]
        return [str(c) for c in sales_channels]

    def store_client(self, key: MadeKey | str) -> Client:
        """The store API with ``x-publishable-api-key`` set to ``key``."""
        return self.kit.store(key)


class MedusaV1KeyFactory(_MedusaKeyFactory):
    """Publishable keys of medusa-v1 in any state, with or without sales channels.

    ``factory()`` is an active key; ``factory("revoked", sales_channels=2)`` a revoked key linked
    to two new channels; ``sales_channels=["sc_..."]`` links existing ones. v1 has neither secret
    keys nor scheduled revokes.
    """

    family = "medusa-v1"
    states = ("active", "revoked", "deleted")

    def __call__(
        self,
        state: str = "active",
        *,
        title: str | None = None,
        sales_channels: int | Sequence[str] = 0,
        type: str = "publishable",
    ) -> MadeKey:
        if type != "publishable":
            raise ValueError("medusa-v1 has only publishable keys (secret keys are a v2 feature)")
        state = _check_state(self.family, state, self.states, "revoke_in is a v2 feature")
        title = title if title is not None else _label(f"{state} key")
        base = "/admin/publishable-api-keys"
        response = self.admin.post(base, json={"title": title})
        data = expect_status(response, 200, doing="medusa-v1: creating a publishable key").json()
        data = data["publishable_api_key"]
        key_id = data["id"]
        channels = self._channels(sales_channels)
        if channels:
            body = {"sales_channel_ids": [{"id": c} for c in channels]}
            response = self.admin.post(f"{base}/{key_id}/sales-channels/batch", json=body)
            data = expect_status(response, 200, doing="medusa-v1: linking sales channels").json()[
                "publishable_api_key"
            ]
        if state == "revoked":
            response = self.admin.post(f"{base}/{key_id}/revoke", json={})
            data = expect_status(response, 200, doing="medusa-v1: revoking a key").json()[
                "publishable_api_key"
            ]
        elif state == "deleted":
            expect_status(self.admin.delete(f"{base}/{key_id}"), 200, doing="medusa-v1: deleting a key")
            data = {**data, "deleted": True}
        return MadeKey(self.family, key_id, key_id, "publishable", state, title, channels, data=data)

    def active(self, **options: Any) -> MadeKey:
        return self("active", **options)

    def revoked(self, **options: Any) -> MadeKey:
        return self("revoked", **options)

    def deleted(self, **options: Any) -> MadeKey:
        return self("deleted", **options)


# -- xclade-v2 ----------------------------------------------------------------------------------


class XcladeV2Kit(_MedusaKit):
    """Clients for xclade / Medusa v2 (2.21): admin by JWT, session or secret key; the store API."""

    family = "xclade-v2"
    login_path = "/auth/user/emailpass"
    token_field = "token"
    revoked_keys_field = "api_keys"
    scheduled_revokes = True

    def revoke_on_real(self, selector: dict[str, Any], revoke_in: float | None) -> RevokedKeys:
        from .testing_revoke import revoke_xclade_v2

        return revoke_xclade_v2(self.rk, selector, revoke_in)

    def session(self, email: str | None = None, password: str | None = None) -> Client:
        """The admin API with the ``connect.sid`` cookie of ``POST /auth/session``."""
        jwt = self.jwt(email, password)
        doing = "xclade-v2: opening a session (POST /auth/session)"
        response = self._setup({"Authorization": f"Bearer {jwt}"}).post("/auth/session")
        _logged_in(response, doing)
        cookie = _session_cookie(response, doing)
        return self.rk.client(
            self.family, {"Cookie": f"connect.sid={cookie}"}, name="xclade-v2 admin (session)"
        )

    def secret(self, key: MadeKey | str | None = None) -> Client:
        """The admin API authenticated by a secret key with HTTP Basic: ``key``, else
        ``--revokit-token`` (an ``sk_`` key), else a new secret key made through the admin API."""
        token = _key_of(key) if key else None
        if token is None:
            explicit = self.rk.session.settings.tokens.get(self.family)
            if explicit and not explicit.startswith("sk_"):
                fail(
                    "--revokit-token xclade-v2=... must be a secret key (sk_...): the secret client sends it with HTTP Basic"
                )
            given = self.rk.credentials(self.family).token
            # an unprefixed --revokit-token may be meant for another family (an app-keys JWT)
            token = given if given and given.startswith("sk_") else None
        if token is None:
            token = self.key_factory().secret().token
        return self.rk.client(
            self.family, {"Authorization": basic_auth(token)}, name="xclade-v2 admin (secret key)"
        )

    def store(self, publishable_key: MadeKey | str | None = None) -> Client:
        """The store API with ``x-publishable-api-key``: ``publishable_key``, else a new
        publishable key linked to an existing sales channel (v2 store routes need one)."""
        if publishable_key is None:
            factory = self.key_factory()
            existing = factory.sales_channels(limit=1)
            publishable_key = factory.publishable(sales_channels=[existing[0]["id"]] if existing else 1)
        return self.rk.client(
            self.family, {"x-publishable-api-key": _key_of(publishable_key)}, name="xclade-v2 store"
        )

    def key_factory(self, admin: Client | None = None) -> XcladeV2KeyFactory:
        admin = admin or self.admin()
        return XcladeV2KeyFactory(self, admin.with_headers({FIXTURE_HEADER: "factory"}))


class XcladeV2KeyFactory(_MedusaKeyFactory):
    """Secret and publishable keys of xclade-v2 in any state.

    ``factory()`` is an active publishable key; ``factory("scheduled", type="secret",
    revoke_in=600)`` a secret key whose revoke takes effect in ten minutes (of the mock's clock);
    ``factory("deleted")`` is revoked then deleted (v2 deletes only revoked keys);
    ``sales_channels=2`` (publishable only) links two new channels, ``["sc_..."]`` existing ones.
    """

    family = "xclade-v2"
    states = ("active", "revoked", "scheduled", "deleted")
    kit: XcladeV2Kit

    def sales_channels(self, **params: Any) -> list[dict[str, Any]]:
        """Existing sales channels (``GET /admin/sales-channels``)."""
        response = self.admin.get("/admin/sales-channels", params=params)
        return expect_status(response, 200, doing="xclade-v2: listing sales channels").json()[
            "sales_channels"
        ]

    def __call__(
        self,
        state: str = "active",
        *,
        type: str = "publishable",
        title: str | None = None,
        sales_channels: int | Sequence[str] = 0,
        revoke_in: float = 3600,
    ) -> MadeKey:
        state = _check_state(self.family, state, self.states)
        if type not in ("publishable", "secret"):
            raise ValueError(f"xclade-v2 keys are publishable or secret, not {type!r}")
        if type == "secret" and sales_channels:
            raise ValueError("xclade-v2 links sales channels to publishable keys only")
        title = title if title is not None else _label(f"{state} {type} key")
        response = self.admin.post("/admin/api-keys", json={"title": title, "type": type})
        data = expect_status(response, 200, doing=f"xclade-v2: creating a {type} key").json()["api_key"]
        key_id, token = data["id"], data["token"]
        channels = self._channels(sales_channels)
        if channels:
            response = self.admin.post(f"/admin/api-keys/{key_id}/sales-channels", json={"add": channels})
            data = expect_status(response, 200, doing="xclade-v2: linking sales channels").json()["api_key"]
        if state in ("revoked", "deleted", "scheduled"):
            body = {"revoke_in": revoke_in} if state == "scheduled" else {}
            response = self.admin.post(f"/admin/api-keys/{key_id}/revoke", json=body)
            data = expect_status(response, 200, doing="xclade-v2: revoking a key").json()["api_key"]
        if state == "deleted":
            expect_status(
                self.admin.delete(f"/admin/api-keys/{key_id}"), 200, doing="xclade-v2: deleting a key"
            )
            data = {**data, "deleted": True}
        return MadeKey(self.family, key_id, token, type, state, title, channels, data=data)

    def publishable(self, state: str = "active", **options: Any) -> MadeKey:
        return self(state, type="publishable", **options)

    def secret(self, state: str = "active", **options: Any) -> MadeKey:
        return self(state, type="secret", **options)

    def secret_client(self, key: MadeKey | str) -> Client:
        """The admin API authenticated by the secret ``key`` (HTTP Basic)."""
        return self.kit.secret(key)


# -- app-keys -----------------------------------------------------------------------------------


class AppKeysKit(Kit):
    """Clients for the per-application keys API: a user's bearer JWT, or an application key."""

    family = "app-keys"
    revoked_keys_field = "api_keys"

    def revoke_on_real(self, selector: dict[str, Any], revoke_in: float | None) -> RevokedKeys:
        from .testing_revoke import revoke_app_keys

        return revoke_app_keys(self.rk, selector, revoke_in)

    def user_token(self, email: str | None = None) -> str:
        creds = self.rk.credentials(self.family)
        if self.rk.is_real(self.family):
            if email is not None or not creds.token:
                fail(
                    "app-keys has no login route: against a real backend the user client needs a "
                    "user's JWT in --revokit-token"
                )
            return str(creds.token)
        if email is None and creds.token:
            return creds.token
        if email is None:
            email = creds.email or self.rk.seed(self.family)["users"][0]["email"]
        cached = self._tokens.get((email, ""))
        if cached is None:
            control = self.rk.control(self.family)
            response = control.post("/tokens", json={"email": email})
            doing = f"app-keys: minting a JWT for {email} (POST /__revokit/tokens)"
            cached = self._tokens[(email, "")] = _logged_in(response, doing)["token"]
        return cached

    def user(self, email: str | None = None) -> Client:
        """The management API as a user (default: the first seeded user, or ``--revokit-token``)."""
        token = self.user_token(email)
        return self.rk.client(self.family, {"Authorization": f"Bearer {token}"}, name="app-keys user (jwt)")

    def key_client(self, key: MadeKey | str) -> Client:
        """A client that authenticates with an application key in ``X-API-Key``."""
        return self.rk.client(self.family, {"X-API-Key": _key_of(key)}, name="app-keys application key")

    def conformance_tokens(self) -> dict[str, str]:
        # The app-keys suite needs two users' JWTs (its 403 checks); the mock mints them.
        users = self.rk.seed(self.family)["users"]
        return {
            "token": self.user_token(users[0]["email"]),
            "other_token": self.user_token(users[1]["email"]),
        }

    def key_factory(self, user: Client | None = None) -> AppKeysKeyFactory:
        user = user or self.user()
        return AppKeysKeyFactory(self, user.with_headers({FIXTURE_HEADER: "factory"}))


class AppKeysKeyFactory:
    """Application keys, active or revoked, each in a new application unless one is given.

    ``factory(siblings=2)`` makes a key plus two other active keys in the same application
    (``key.siblings``): revoke one and check the others keep working. A revoked app-keys key is
    gone (the API has no separate delete), so the states are ``active`` and ``revoked``.
    """

    family = "app-keys"
    states = ("active", "revoked")

    def __init__(self, kit: AppKeysKit, user: Client) -> None:
        self.kit = kit
        self.user = user

    def application(self, name: str | None = None, description: str | None = None) -> dict[str, Any]:
        """A new application of the user (``POST /api/v1/applications``)."""
        body: dict[str, Any] = {"name": name or _label("application")}
        if description is not None:
            body["description"] = description
        response = self.user.post("/api/v1/applications", json=body)
        return expect_status(response, 201, doing="app-keys: creating an application").json()

    def _create(self, application_id: str, name: str, state: str) -> MadeKey:
        base = f"/api/v1/applications/{application_id}/api-keys"
        response = self.user.post(base, json={"name": name})
        data = expect_status(response, 201, doing="app-keys: creating a key").json()
        if state == "revoked":
            response = self.user.delete(f"{base}/{data['id']}")
            expect_status(response, 200, doing="app-keys: revoking a key")
        return MadeKey(
            self.family,
            data["id"],
            data["key"],
            "application",
            state,
            name,
            application_id=application_id,
            data=data,
        )

    def __call__(
        self,
        state: str = "active",
        *,
        name: str | None = None,
        application: Mapping[str, Any] | str | None = None,
        siblings: int = 0,
    ) -> MadeKey:
        state = _check_state(
            self.family, state, self.states, "a revoked app-keys key is already gone: use 'revoked'"
        )
        if application is None:
            application_id = self.application()["id"]
        elif isinstance(application, Mapping):
            application_id = str(application["id"])
        else:
            application_id = str(application)
        made = self._create(application_id, name or _label(f"{state} key"), state)
        made.siblings = [
            self._create(application_id, _label("sibling key"), "active") for _ in range(siblings)
        ]
        return made

    def active(self, **options: Any) -> MadeKey:
        return self("active", **options)

    def revoked(self, **options: Any) -> MadeKey:
        return self("revoked", **options)

    def client_for(self, key: MadeKey | str) -> Client:
        """A client that sends ``key`` in ``X-API-Key``."""
        return self.kit.key_client(key)
