"""Live revokit mocks in threads, for the pytest plugin (and anyone who wants one in a script).

``LiveServer(app)`` serves one WSGI app (a mock's Flask app, or a user's app that
``revokit.contracts.run_conformance(app=...)`` checks) on a free port of 127.0.0.1 with Werkzeug's
threaded server. ``MockServers`` is what the plugin keeps for a test session: one live server per family
and behaviour profile, started the first time a test needs it, every one sharing one clock (as
``revokit mock`` does), all stopped at the end of the session.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .mockserver import Clock, MockRuntime

WSGIApp = Callable[..., Any]

#: Seeding hashes every seeded secret with scrypt; fixtures use a cheap cost to start fast.
FIXTURE_SCRYPT_N = 2**10


class LiveServer:
    """One app served from a daemon thread on ``127.0.0.1:<free port>`` until ``stop()`` (or the
    end of a ``with`` block)."""

    def __init__(self, app: WSGIApp, *, host: str = "127.0.0.1", name: str = "revokit-mock") -> None:
        from werkzeug.serving import make_server

        self.app = app
        # Port 0: the OS picks a free port while binding, so there is no find-then-bind race.
        self.server = make_server(host, 0, app, threaded=True)
        self.host = host
        self.port: int = self.server.server_port
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, name=name, daemon=True
        )
        self._thread.start()

    @property
    def runtime(self) -> MockRuntime:
        """The mock's runtime (when the app is a revokit mock)."""
        return self.app.extensions["revokit"]

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LiveServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"<LiveServer {getattr(self.app, 'name', 'app')} {self.url}>"


class MockStartError(RuntimeError):
    """A family's mock could not be built (unknown profile, family not implemented, ...)."""


class MockServers:
    """Live mocks for a test session, keyed by family and effective profile, started lazily."""

    def __init__(self, *, scrypt_n: int = FIXTURE_SCRYPT_N) -> None:
        self.scrypt_n = scrypt_n
        self._servers: dict[tuple[str, str], LiveServer] = {}
        self._lock = threading.Lock()
        self._clock: Clock | None = None

    def get(self, family: str, profile: str) -> LiveServer:
        """The live server for ``family`` under ``profile``, started on first use."""
        from .specs import profile_for

        try:
            effective = profile_for(family, profile).name
        except KeyError as exc:
            raise MockStartError(str(exc.args[0]) if exc.args else str(exc)) from None
        key = (family, effective)
        with self._lock:
            server = self._servers.get(key)
            if server is None:
                server = self._servers[key] = self._start(family, profile)
            return server

    def _start(self, family: str, profile: str) -> LiveServer:
        from .mockserver import Clock, MockConfig, create_app

        if self._clock is None:
            self._clock = Clock()
        config = MockConfig(family=family, profile=profile, scrypt_n=self.scrypt_n, validate_responses=True)
        try:
            app = create_app(config, clock=self._clock)
        except Exception as exc:
            raise MockStartError(
                f"revokit could not start the {family} mock (profile {profile}): {type(exc).__name__}: {exc}"
            ) from exc
        return LiveServer(app, name=f"revokit-{family}")

    def started(self) -> dict[tuple[str, str], LiveServer]:
        with self._lock:
            return dict(self._servers)

    def stop_all(self) -> None:
        with self._lock:
            servers, self._servers = list(self._servers.values()), {}
        for server in servers:
            server.stop()
