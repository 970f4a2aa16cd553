"""Tokens signed with the backend's own secret (``revokit check --jwt-secret``).

Without the signing secret a black-box check can only show that a backend refuses tokens it did
not sign. With it, the check can also send tokens the backend *would* have signed but must still
refuse: expired ones, ones not yet valid, ones whose claims name no user or the wrong realm. A
team passes its test deployment's secret; it is masked in every report like a password.

Each family lists its cases as data (:class:`ForgedCase`); :func:`judge_forged_tokens` re-signs the
login's own claims with each change and expects the case's answer. The first case is always the
claims unchanged: if that is refused, the secret is not the backend's and the scenario says so.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import jwt

from .http import Exchange
from .scenarios import ScenarioContext

#: A claim set to this value is left out of the forged token.
DROP: Any = object()
ALGORITHM = "HS256"
FORGED_PREFIX = "REVOKIT_FORGED_JWT_"  # their variables in curl lines and --env-file


@dataclass(frozen=True)
class Now:
    """A time claim relative to the moment the token is forged: ``Now(-10)`` is ten seconds ago."""

    offset: int


@dataclass(frozen=True)
class ForgedCase:
    what: str  # "expired ten seconds ago": read in a failure as "a token <what>"
    changes: Mapping[str, Any] = field(default_factory=dict)
    status: int = 401
    body: Any = None  # the exact body expected, or None to check the status only


def time_claim_cases(status: int, body: Any) -> list[ForgedCase]:
    """The registered time claims every JWT check judges alike: expired, not yet valid, ``exp`` as
    text (jsonwebtoken refuses a non-numeric one), each refused with ``status`` and ``body``."""
    return [
        ForgedCase("that expired ten seconds ago", {"exp": Now(-10)}, status, body),
        ForgedCase("not valid for another hour (nbf)", {"nbf": Now(3600)}, status, body),
        ForgedCase("whose exp is text", {"exp": "9999999999"}, status, body),
    ]


def forged_claims(claims: Mapping[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``claims`` with ``changes`` applied (:data:`DROP` removes a claim, :class:`Now` is relative)."""
    now = int(time.time())
    forged = dict(claims)
    for name, value in changes.items():
        if value is DROP:
            forged.pop(name, None)
        elif isinstance(value, Now):
            forged[name] = now + value.offset
        else:
            forged[name] = value
    return forged


def judge_forged_tokens(
    ctx: ScenarioContext,
    issued: str,
    cases: Sequence[ForgedCase],
    send: Callable[[str], Exchange],
) -> None:
    """Send each case's token (the claims of ``issued`` re-signed with the given secret and the
    case's changes) through ``send`` and expect the case's answer. Skips without ``--jwt-secret``."""
    secret = ctx.state.get("jwt_secret")
    if not secret:
        ctx.skip("needs --jwt-secret: the backend's JWT signing secret (of a test deployment)")
    try:
        claims = jwt.decode(issued, options={"verify_signature": False})
    except jwt.PyJWTError:
        ctx.skip("the credential the run logged in with is not a JWT")
    unchanged = _forge(ctx, claims, {}, secret)
    answer = send(unchanged)
    if answer.status != 200:
        ctx.fail(
            "the login's own claims signed with --jwt-secret are refused: the secret given is not "
            "the one this backend signs with",
            answer,
            expected_status="200",
        )
    for case in cases:
        token = _forge(ctx, claims, case.changes, secret)
        kwargs = {} if case.body is None else {"body": case.body}
        ctx.expect(send(token), case.status, why=f"a token {case.what}", **kwargs)


def _forge(ctx: ScenarioContext, claims: Mapping[str, Any], changes: Mapping[str, Any], secret: str) -> str:
    with warnings.catch_warnings():  # a test deployment's secret may be shorter than HS256 wants
        warnings.simplefilter("ignore")
        token = jwt.encode(forged_claims(claims, changes), secret, algorithm=ALGORITHM)
    # Some of these are valid credentials (the unchanged claims, often the ones without exp): they
    # are masked in the report like the login's own token.
    number = sum(1 for name in ctx.secrets.variables() if name.startswith(FORGED_PREFIX)) + 1
    ctx.secrets.add({f"{FORGED_PREFIX}{number}": token})
    return token
