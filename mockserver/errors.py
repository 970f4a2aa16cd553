"""The error type every family raises, and the hooks the engine calls to render its own failures.

A family's ``exceptions`` module subclasses ``ApiError`` once per error its real system sends (so
a domain model raises ``KeyNotFound(key_id)`` and never builds a body) and implements
``FamilyErrors`` for the failures the engine detects before a handler runs. Every hook gets an
``ErrorContext``: the request as far as the engine got with it, so a family words its answer from
what was sent and which behaviour profile is active, never by reaching back into the app.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..specs import Profile, contract_profile
from .call import Call
from .validation import Violation

JSON = "application/json; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


class ApiError(Exception):
    """An error answer: status, body (dict/list -> JSON, str -> text) and extra headers.

    ``content_type=None`` sends no Content-Type at all (Medusa v1's passport 401 does that).
    """

    status: int = 500
    content_type: str | None = JSON

    def __init__(
        self,
        body: Any,
        status: int | None = None,
        headers: dict[str, str] | None = None,
        content_type: str | type[Ellipsis] | None = ...,
    ) -> None:
        super().__init__(body if isinstance(body, str) else repr(body))
        self.body = body
        if status is not None:
            self.status = status
        if content_type is not ...:
            self.content_type = content_type  # type: ignore[assignment]
        self.headers = dict(headers or {})


@dataclass
class ErrorContext:
    """What the engine knows of the request an error hook answers.

    ``call`` is the request as far as the engine got: ``None`` before a route matched; its
    ``body`` is still unset while the body is being parsed. ``backend`` is the family's backend.
    """

    profile: Profile = field(default_factory=contract_profile)
    call: Call | None = None
    backend: Any = None

    @property
    def raw_body(self) -> bytes | None:
        """The body as the JSON parser saw it (inflated, re-encoded to UTF-8), else as sent."""
        return self.call.raw_body if self.call is not None else None

    @property
    def operation_id(self) -> str:
        return self.call.operation.operation_id if self.call is not None else ""

    def enabled(self, flag: str) -> bool:
        return self.profile.enabled(flag)


class FamilyErrors(ABC):
    """How a family answers the failures found before its handlers run."""

    @abstractmethod
    def validation_failed(self, ctx: ErrorContext, violations: Sequence[Violation]) -> ApiError: ...

    @abstractmethod
    def malformed_json(self, ctx: ErrorContext, detail: str) -> ApiError: ...

    def json_too_deep(self, ctx: ErrorContext, detail: str) -> ApiError:
        """A body nested deeper than the engine parses (``detail`` says how deep). It is no syntax
        error, so a family that words syntax errors like its parser does overrides this."""
        return self.malformed_json(ctx, detail)

    @abstractmethod
    def body_too_large(self, ctx: ErrorContext, limit: int) -> ApiError: ...

    @abstractmethod
    def route_not_found(self, ctx: ErrorContext, method: str, path: str) -> ApiError: ...

    @abstractmethod
    def method_not_allowed(
        self, ctx: ErrorContext, method: str, path: str, allowed: Sequence[str]
    ) -> ApiError: ...

    @abstractmethod
    def bad_request(self, ctx: ErrorContext, detail: str) -> ApiError:
        """A request the HTTP layer could not even parse (bad headers, bad encoding)."""

    @abstractmethod
    def internal_error(self, ctx: ErrorContext) -> ApiError: ...

    def headers_too_large(self, ctx: ErrorContext, limit: int) -> ApiError:
        """Request headers over ``limit`` bytes: refused before anything else."""
        return self.bad_request(ctx, f"request headers exceed {limit} bytes")

    def unsupported_body(self, ctx: ErrorContext, detail: str) -> ApiError:
        """A JSON body in a content encoding or charset the server does not read: 415."""
        error = self.bad_request(ctx, detail)
        error.status = 415
        return error

    def undecodable_body(self, ctx: ErrorContext, detail: str) -> ApiError:
        """A JSON body that does not inflate or decode from its declared encoding: 400."""
        return self.bad_request(ctx, detail)

    def non_json_body(self, ctx: ErrorContext, content_type: str) -> ApiError | None:
        """A body sent with a non-JSON content type. ``None`` means: treat it as no body at all
        (what Express's JSON body parser does); the default refuses it as malformed."""
        return self.malformed_json(ctx, f"unsupported content type {content_type or '(none)'}")
