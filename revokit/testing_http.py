"""The one small HTTP client every revokit fixture hands out.

A ``Client`` knows its base URL and its default headers, keeps a ``requests.Session`` (so
connections are reused) and returns ``requests.Response`` objects as they are: asserting on the
status is the test's business. Imported only when a fixture needs it (``requests`` is not free).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import requests

from .hosts import is_loopback

#: Requests that revokit's own fixtures make (logins, key factories) carry this header, so the
#: journal fixture can leave them out of what "the code under test" sent.
FIXTURE_HEADER = "X-Revokit-Fixture"
#: A mock that produced a response its own spec forbids answers 500 with this header.
SPEC_VIOLATION_HEADER = "X-Revokit-Spec-Violation"

DEFAULT_TIMEOUT = 10.0
_NO_JSON = object()


class RevokitRequestError(AssertionError):
    """A request made by a revokit fixture (login, key factory) did not get the answer it needs."""


class MockSpecViolation(AssertionError):
    """The revokit mock answered with a response its own spec forbids: a revokit bug."""


def _is_loopback(url: str) -> bool:
    return is_loopback(urlsplit(url).hostname or "")


def basic_auth(username: str, password: str = "") -> str:
    """An ``Authorization`` value for HTTP Basic (a v2 secret key is ``basic_auth("sk_...")``)."""
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode("ascii")


class Client:
    """An HTTP client bound to ``base_url`` with default ``headers``; returns responses.

    ``client.get("/admin/api-keys", params={"limit": 5})``, ``client.post(path, json={...})``;
    ``headers=`` on a call adds to (or, with ``None`` values, removes from) the defaults for that
    call. ``with_headers`` derives a new client. Paths are relative to ``base_url``.
    """

    def __init__(
        self,
        base_url: str,
        headers: Mapping[str, str] | None = None,
        *,
        timeout: float = DEFAULT_TIMEOUT,
        name: str = "",
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.headers: dict[str, str] = dict(headers or {})
        self.timeout = timeout
        self.name = name
        self.session = requests.Session()
        # The mock on 127.0.0.1 must not go through a proxy (or pick up .netrc credentials).
        self.session.trust_env = not _is_loopback(self.base_url)

    def __repr__(self) -> str:
        label = f" {self.name}" if self.name else ""
        return f"<revokit Client{label} {self.base_url}>"

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.session.close()

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}"

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = _NO_JSON,
        params: Any = None,
        data: Any = None,
        headers: Mapping[str, str | None] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        merged: dict[str, str | None] = {**self.headers, **(headers or {})}
        sent = {name: value for name, value in merged.items() if value is not None}
        if json is not _NO_JSON:
            kwargs["json"] = json
        kwargs.setdefault("timeout", self.timeout)
        response = self.session.request(
            method.upper(), self.url(path), params=params, data=data, headers=sent, **kwargs
        )
        violation = response.headers.get(SPEC_VIOLATION_HEADER)
        if violation:
            raise MockSpecViolation(f"the revokit mock broke its own spec (a revokit bug): {violation}")
        return response

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)

    def head(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("HEAD", path, **kwargs)

    def options(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("OPTIONS", path, **kwargs)

    def with_headers(self, headers: Mapping[str, str | None] | None = None, **more: str | None) -> Client:
        """A new client with these headers added (a ``None`` value removes a default header)."""
        merged: dict[str, str | None] = {**self.headers, **(headers or {}), **more}
        clone = Client(
            self.base_url,
            {k: v for k, v in merged.items() if v is not None},
            timeout=self.timeout,
            name=self.name,
        )
        clone.session.cookies.update(self.session.cookies)
        return clone


def expect_status(response: requests.Response, *statuses: int, doing: str) -> requests.Response:
    """Return ``response`` if its status is one of ``statuses``, else fail saying what was tried."""
    __tracebackhide__ = True
    if response.status_code in statuses:
        return response
    request = response.request
    body = response.text
    if len(body) > 600:
        body = body[:600] + "..."
    wanted = " or ".join(str(s) for s in statuses)
    raise RevokitRequestError(
        f"{doing}: {request.method} {request.url} answered {response.status_code} (wanted {wanted}): {body}"
    )
