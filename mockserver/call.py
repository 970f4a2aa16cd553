"""One request as the engine hands it on: the spec operation it matched and its parsed parts.

Kept apart from the engine so that the error hooks (``errors.py``) can name the request they
answer without importing the engine that calls them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import Headers, MultiDict


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str  # upper case
    template: str  # OpenAPI path template, e.g. /api/v1/applications/{id}
    rule: str  # Flask rule, e.g. /api/v1/applications/<id>
    security: tuple[tuple[str, ...], ...]  # alternatives, each a tuple of scheme names; () = public
    has_body: bool

    @property
    def is_public(self) -> bool:
        return not self.security


@dataclass
class Call:
    """One request as a family handler sees it: already parsed, authenticated and validated."""

    operation: Operation
    path: dict[str, str]
    query: dict[str, Any]  # parameters as the spec types them (integers, arrays, objects)
    raw_query: MultiDict
    headers: Headers
    cookies: Mapping[str, str]
    body: Any  # parsed JSON, or the family's ``missing_body`` when none was sent
    body_sent: bool
    principal: Any = None
    # The body as the JSON parser saw it (inflated, re-encoded to UTF-8), else as it was sent:
    # what a parser's error message quotes.
    raw_body: bytes = b""
