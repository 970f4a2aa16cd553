"""What the pytest plugin's fixtures hand out: the per-test ``Revokit`` handle and its helpers.

The plugin module stays import-light; this module (and ``requests``) is imported the first time a
test asks for a revokit fixture.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from .testing_http import FIXTURE_HEADER, Client, expect_status
from .testing_server import LiveServer, MockServers, MockStartError
from .testing_settings import Settings

if TYPE_CHECKING:
    from .testing_kits import Kit

CONTROL_PREFIX = "/__revokit"


def fail(message: str) -> NoReturn:
    """Fail the current test (or its fixture set-up) with ``message`` and no traceback noise."""
    pytest.fail(message, pytrace=False)


@dataclass(frozen=True)
class Credentials:
    """Who the ready clients log in as: admin email/password, and a token whose meaning is the
    family's (medusa-v1: the admin's API token; xclade-v2: a secret key; app-keys: a user JWT)."""

    email: str | None = None
    password: str | None = None
    token: str | None = None


class RevokitSession:
    """The session-scoped state: settings, the live mocks, and what was learnt from them."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.servers = MockServers()
        self._seeds: dict[str, dict[str, Any]] = {}

    def close(self) -> None:
        self.servers.stop_all()

    def url(self, family: str, profile: str | None = None) -> str:
        """``family``'s base URL for the session: the real backend's, or its live mock's."""
        real = self.settings.base_url(family)
        if real is not None:
            return real.rstrip("/")
        return self.server(family, profile or self.settings.profile).url

    def server(self, family: str, profile: str) -> LiveServer:
        try:
            return self.servers.get(family, profile)
        except MockStartError as exc:
            problem = str(exc)
            if problem.startswith("unknown profile"):
                problem += f" (profile chosen by {self._profile_source(profile)})"
        fail(problem)

    def _profile_source(self, profile: str) -> str:
        if profile == self.settings.profile:
            return self.settings.profile_from
        return "the test module's `revokit_profile`"

    def seed_of(self, server: LiveServer) -> dict[str, Any]:
        seed = self._seeds.get(server.url)
        if seed is None:
            with Client(server.url) as control:
                response = control.get(f"{CONTROL_PREFIX}/seed")
            seed = self._seeds[server.url] = expect_status(
                response, 200, doing="reading the mock's seed"
            ).json()
        return seed


class Revokit:
    """The per-test handle (the ``revokit`` fixture): which families and profile this test uses,
    where each family lives (a live mock, or the real backend given by ``--revokit-base-url``),
    ready clients, seed data and the mock's control plane."""

    def __init__(self, session: RevokitSession, families: Sequence[str], profile: str, *, where: str) -> None:
        self.session = session
        self.families: tuple[str, ...] = tuple(families)
        self.profile = profile
        self.where = where  # how the families were chosen, for messages
        self._clients: list[Client] = []
        self._kits: dict[str, Kit] = {}

    def __repr__(self) -> str:
        places = ", ".join(f"{f}={self.url(f) if self.is_real(f) else 'mock'}" for f in self.families)
        return f"<Revokit profile={self.profile} {places}>"

    # -- where things are ------------------------------------------------------------------------

    def is_real(self, family: str) -> bool:
        """Whether ``family`` runs against a real backend (``--revokit-base-url``)."""
        return self.session.settings.base_url(family) is not None

    @property
    def is_mock(self) -> bool:
        """True when every family of this test is served by a revokit mock."""
        return not any(self.is_real(f) for f in self.families)

    def require_family(self, family: str) -> None:
        """Skip the test when ``family`` is not among the families this test serves."""
        if family not in self.families:
            pytest.skip(
                f"{family} is not among the revokit families ({', '.join(self.families)}; {self.where})"
            )

    def server(self, family: str) -> LiveServer:
        """The live mock serving ``family`` (started now if this is its first use)."""
        self.require_family(family)
        if self.is_real(family):
            fail(
                f"revokit: {family} runs against a real backend "
                f"(--revokit-base-url {self.session.settings.base_url(family)}), not a mock"
            )
        return self.session.server(family, self.profile)

    def url(self, family: str) -> str:
        """The base URL of ``family``: the real backend's, or the live mock's."""
        real = self.session.settings.base_url(family)
        if real is not None:
            return real.rstrip("/")
        return self.server(family).url

    # -- the control plane -----------------------------------------------------------------------

    def require_control_plane(self, what: str, families: Sequence[str] | None = None) -> None:
        """Fail clearly when any of ``families`` (default: this test's) runs against a real backend."""
        real = [f for f in (families or self.families) if self.is_real(f)]
        if real:
            urls = ", ".join(f"{f} at {self.session.settings.base_url(f)}" for f in real)
            fail(
                f"{what} needs the revokit mock's control plane ({CONTROL_PREFIX}), but this test runs "
                f"{urls} (--revokit-base-url): a real backend has no control plane. Run without "
                "--revokit-base-url, narrow the module's `revokit_families`, or mark the test "
                "@pytest.mark.revokit_mock_only to skip it against real backends."
            )

    def control(self, family: str) -> Client:
        """A client for ``family``'s control plane (``/__revokit``); mock only."""
        self.require_control_plane(f"revokit.control({family!r})", [family])
        return self._track(Client(self.server(family).url + CONTROL_PREFIX, name=f"{family} control"))

    def seed(self, family: str) -> dict[str, Any]:
        """What the mock seeded for ``family`` (``GET /__revokit/seed``): credentials, ids, keys."""
        self.require_control_plane(f"revokit.seed({family!r})", [family])
        return self.session.seed_of(self.server(family))

    def _started_mocks(self) -> list[tuple[str, LiveServer]]:
        started = []
        for family in self.families:
            if self.is_real(family):
                continue
            server = self._peek(family)
            if server is not None:
                started.append((family, server))
        return started

    def _peek(self, family: str) -> LiveServer | None:
        from .specs import profile_for

        try:
            effective = profile_for(family, self.profile).name
        except KeyError:
            return None
        return self.session.servers.started().get((family, effective))

    def reset(self) -> None:
        """Back to the seed: state, clock and journal of every mock this test uses."""
        self.require_control_plane("revokit.reset()")
        self.reset_mocks()

    def reset_mocks(self) -> None:
        """Reset the mocks this test uses that are already running; real backends are left alone."""
        for _, server in self._started_mocks():
            server.runtime.reset()

    # -- clients ---------------------------------------------------------------------------------

    def client(self, family: str, headers: Mapping[str, str] | None = None, *, name: str = "") -> Client:
        """A plain client for ``family`` (no credentials unless ``headers`` carry some)."""
        return self._track(Client(self.url(family), headers, name=name or family))

    def _track(self, client: Client) -> Client:
        self._clients.append(client)
        return client

    def fixture_client(self, family: str, headers: Mapping[str, str] | None = None) -> Client:
        """A client whose requests are marked as revokit's own (logins, factories)."""
        return self.client(family, {**(headers or {}), FIXTURE_HEADER: "setup"}, name=f"{family} setup")

    def credentials(self, family: str) -> Credentials:
        """The credentials the ready clients use: the options first, else (mocks) what the
        family's kit finds in the seed."""
        settings = self.session.settings
        given = Credentials(
            settings.option("emails", family),
            settings.option("passwords", family),
            settings.option("tokens", family),
        )
        if self.is_real(family):
            return given
        seeded = self.kit(family).seeded_credentials()
        return Credentials(
            given.email or seeded.email, given.password or seeded.password, given.token or seeded.token
        )

    def kit(self, family: str) -> Kit:
        """``family``'s kit (its ready clients and key factory), the one its descriptor names."""
        kit = self._kits.get(family)
        if kit is None:
            from .registry import family as descriptor_of
            from .registry import load_object

            descriptor = descriptor_of(family)
            if descriptor.kit is None:
                fail(f"revokit: the {family} family has no pytest kit (its descriptor names none)")
            kit = self._kits[family] = load_object(descriptor.kit)(self)
        return kit

    def __getattr__(self, name: str) -> Any:
        # ``rk.medusa_v1`` is ``rk.kit("medusa-v1")``: a family's kit under its Python name.
        if name.startswith("_"):
            raise AttributeError(name)
        from .registry import family_names

        family = name.replace("_", "-")
        if family not in family_names():
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return self.kit(family)

    def close(self) -> None:
        for client in self._clients:
            client.close()
        self._clients.clear()


def _parse_instant(value: str) -> datetime:
    instant = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def _isoformat(instant: datetime | str) -> str:
    if isinstance(instant, str):
        instant = _parse_instant(instant)
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    return instant.astimezone(UTC).isoformat().replace("+00:00", "Z")


class ClockControl:
    """The mock's clock (the ``revokit_clock`` fixture), driven through the control plane.

    Every family's mock in a session shares one clock, so setting it once moves them all. A reset
    (every test starts with one) puts the clock back on real time.
    """

    def __init__(self, rk: Revokit) -> None:
        rk.require_control_plane("revokit_clock")
        if not rk.families:
            pytest.skip(f"revokit_clock: this test has no revokit family ({rk.where})")
        self._rk = rk
        self._control = rk.control(rk.families[0])

    def _state(self, response: Any) -> dict[str, Any]:
        return expect_status(response, 200, doing="driving the mock's clock").json()

    def now(self) -> datetime:
        """The mock's current time."""
        return _parse_instant(self._state(self._control.get("/clock"))["now"])

    @property
    def frozen(self) -> bool:
        return bool(self._state(self._control.get("/clock"))["frozen"])

    def set(self, instant: datetime | str, *, frozen: bool = True) -> datetime:
        """Jump to ``instant`` (naive means UTC); frozen by default, else time keeps ticking from it."""
        body = {"now": _isoformat(instant), "frozen": frozen}
        return _parse_instant(self._state(self._control.put("/clock", json=body))["now"])

    def freeze(self, instant: datetime | str | None = None) -> datetime:
        """Stop time at ``instant`` (default: now)."""
        return self.set(self.now() if instant is None else instant, frozen=True)

    def unfreeze(self) -> datetime:
        """Let time tick again from where it stands."""
        return self.set(self.now(), frozen=False)

    def advance(
        self,
        seconds: float | timedelta = 0,
        *,
        minutes: float = 0,
        hours: float = 0,
        days: float = 0,
    ) -> datetime:
        """Move time forward (``advance(90)``, ``advance(hours=2)``, ``advance(timedelta(...))``)."""
        base = seconds.total_seconds() if isinstance(seconds, timedelta) else float(seconds)
        total = base + minutes * 60 + hours * 3600 + days * 86400
        return _parse_instant(
            self._state(self._control.post("/clock/advance", json={"seconds": total}))["now"]
        )


class JournalEntry(dict):
    """One request a mock served: ``method``, ``path``, ``query``, ``headers``, ``body``,
    ``status``, ``operation_id``, ``at``, ``seq`` and ``family`` (a dict, with a few helpers)."""

    def header(self, name: str, default: str | None = None) -> str | None:
        """A request header, looked up case-insensitively."""
        wanted = name.lower()
        for key, value in self.get("headers", {}).items():
            if key.lower() == wanted:
                return value
        return default

    @property
    def method(self) -> str:
        return self["method"]

    @property
    def path(self) -> str:
        return self["path"]

    @property
    def body(self) -> Any:
        return self.get("body")

    @property
    def status(self) -> int:
        return self["status"]

    @property
    def from_fixture(self) -> bool:
        """Made by revokit's own fixtures (a login, a key factory) rather than the test's code."""
        return self.header(FIXTURE_HEADER) is not None


class JournalView:
    """The requests the mocks served during this test (the ``revokit_journal`` fixture).

    ``entries()`` leaves out the requests revokit's own fixtures made (logins, key factories), so
    what remains is what the code under test sent; ``include_fixtures=True`` shows everything.
    """

    def __init__(self, rk: Revokit) -> None:
        rk.require_control_plane("revokit_journal")
        self._rk = rk

    def entries(
        self,
        family: str | None = None,
        *,
        method: str | None = None,
        path: str | None = None,
        include_fixtures: bool = False,
    ) -> list[JournalEntry]:
        """Requests served, oldest first, per family in the order of this test's families."""
        families = [family] if family else list(self._rk.families)
        found: list[JournalEntry] = []
        for name in families:
            if not family and self._rk._peek(name) is None:
                continue  # never started: it served nothing
            control = self._rk.control(name)
            response = expect_status(control.get("/journal"), 200, doing="reading the mock's journal")
            for raw in response.json()["entries"]:
                entry = JournalEntry(raw, family=name)
                if not include_fixtures and entry.from_fixture:
                    continue
                if method and entry["method"] != method.upper():
                    continue
                if path and entry["path"] != path:
                    continue
                found.append(entry)
        return found

    def last(self, family: str | None = None, **filters: Any) -> JournalEntry:
        """The most recent matching request; fails the test when there is none."""
        entries = self.entries(family, **filters)
        if not entries:
            described = ", ".join(f"{k}={v!r}" for k, v in filters.items()) or "any request"
            raise AssertionError(f"the revokit journal holds no request matching {described}")
        return entries[-1]

    def clear(self, family: str | None = None) -> None:
        """Forget what was recorded so far (one family, or every family of this test)."""
        for name in [family] if family else self._rk.families:
            if family or self._rk._peek(name) is not None:
                expect_status(self._rk.control(name).delete("/journal"), 200, doing="clearing the journal")

    def __iter__(self) -> Iterator[JournalEntry]:
        return iter(self.entries())

    def __len__(self) -> int:
        return len(self.entries())


class Conformance:
    """Runs the conformance suites of ``revokit.contracts`` inside the user's test session.

    ``revokit_conformance("xclade-v2")`` runs the family's suite against the family's base URL
    (the live mock, or the backend of ``--revokit-base-url``) with the session's credentials and
    returns what the suites return. ``revokit.contracts`` is imported only on that call.
    """

    def __init__(self, rk: Revokit) -> None:
        self._rk = rk

    def __call__(self, family: str, **options: Any) -> Any:
        """Run ``family``'s suite; ``app=`` checks a WSGI app in-process instead of the session's
        backend, other options go to ``revokit.contracts.run_conformance`` as they are."""
        from .contracts import run_conformance as run

        if options.get("app") is not None:
            return run(family, **options)
        self._rk.require_family(family)
        credentials = self._rk.credentials(family)
        token = options.pop("token", credentials.token)
        if token is None and not self._rk.is_real(family):
            # A suite may need credentials no login gives (app-keys: two users' JWTs); the kit
            # has the mock make them.
            minted = self._rk.kit(family).conformance_tokens()
            token = minted.pop("token", None)
            for name, value in minted.items():
                options.setdefault(name, value)
        return run(
            family,
            base_url=options.pop("base_url", None) or self._rk.url(family),
            profile=options.pop("profile", self._rk.profile),
            email=options.pop("email", credentials.email),
            password=options.pop("password", credentials.password),
            token=token,
            **options,
        )
