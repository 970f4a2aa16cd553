"""What the control plane shows of secrets: a redacted form unless the mock was told otherwise.

``/__revokit/state`` and the request journal are snapshots a developer prints, pastes into a bug
report or keeps in CI logs, so by default they never carry a credential in the clear. What stays
is enough to assert on: the scheme of an ``Authorization`` header, cookie names, and a redacted
form of each value, the first six and last three characters around ``***`` (the form Medusa uses
for its own redacted keys), which ``redacted()`` computes from the value a test knows.

Publishable keys (``x-publishable-api-key``, v2's ``pk_`` tokens) are public identifiers, shipped
in every storefront's JavaScript and listed in full by the admin API: they are not redacted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

MASK = "***"
# Request headers that carry a credential (lower case). Authorization keeps its scheme.
SECRET_HEADERS = frozenset({"authorization", "x-api-key", "x-medusa-access-token", "cookie"})
# Body fields that carry a credential: shown as MASK alone (a password is too short to redact).
SECRET_BODY_FIELDS = frozenset({"password"})


def redacted(value: str) -> str:
    """``sk_1234***abc``: the first six and last three characters; short values are only MASK."""
    return value[:6] + MASK + value[-3:] if len(value) > 12 else MASK


def redacted_header(name: str, value: str) -> str:
    lowered = name.lower()
    if lowered not in SECRET_HEADERS:
        return value
    if lowered == "authorization":
        scheme, _, credentials = value.strip().partition(" ")
        return f"{scheme} {redacted(credentials.strip())}" if credentials else redacted(scheme)
    if lowered == "cookie":
        parts = []
        for pair in value.split(";"):
            cookie, sep, cookie_value = pair.strip().partition("=")
            parts.append(f"{cookie}={redacted(cookie_value)}" if sep else redacted(cookie))
        return "; ".join(parts)
    return redacted(value)


def redacted_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {name: redacted_header(name, value) for name, value in headers.items()}


def redacted_body(body: Any) -> Any:
    """A parsed JSON body with every ``password`` (at any depth) masked; a body kept as text
    (not parsed) that mentions a password is masked whole."""
    if isinstance(body, str):
        return MASK if "password" in body.lower() else body
    if isinstance(body, dict):
        return {
            k: MASK if k in SECRET_BODY_FIELDS and isinstance(v, str) else redacted_body(v)
            for k, v in body.items()
        }
    if isinstance(body, list):
        return [redacted_body(item) for item in body]
    return body


def redacted_state(
    state: Mapping[str, list[dict[str, Any]]], secret_fields: Mapping[str, Sequence[str]]
) -> dict[str, list[dict[str, Any]]]:
    """A state dump whose ``secret_fields`` (per record kind) are redacted."""
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, records in state.items():
        fields = secret_fields.get(kind, ())
        if not fields:
            out[kind] = list(records)
            continue
        out[kind] = [
            {k: redacted(v) if k in fields and isinstance(v, str) else v for k, v in record.items()}
            for record in records
        ]
    return out
