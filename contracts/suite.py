"""What a family's conformance suite provides; which suite is a family's, its descriptor says."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from revokit.registry import family, load_object

from .http import Client, Exchange
from .scenarios import ScenarioRegistry
from .schemathesis_run import Created


@dataclass(frozen=True)
class Credentials:
    """What ``revokit check`` was given to log in with."""

    token: str | None = None  # a ready bearer token
    other_token: str | None = None  # a second identity's token, for the checks that need two
    email: str | None = None
    password: str | None = None
    jwt_secret: str | None = None  # the backend's JWT signing secret: lets the suites forge tokens


class UsageError(Exception):
    """The run cannot start with what it was given (exit code 2)."""


class SetupFailed(Exception):
    """The backend refused to create what the checks need: reported as the failed check ``setup``."""

    def __init__(
        self,
        message: str,
        exchange: Exchange | None = None,
        expected_status: str | None = None,
        expected_body: str | None = None,
        issued: Mapping[str, str | None] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.exchange = exchange
        self.expected_status = expected_status
        self.expected_body = expected_body
        self.issued = dict(issued or {})  # secrets setup obtained before it failed (masked too)


class FamilySuite:
    """Base class of a family's suite; subclasses fill in the hooks below."""

    family: str = ""
    spec_name: str = ""
    scenarios: ScenarioRegistry
    #: behaviour-profile flag -> the (check, operation or None) failures that deviation causes
    profile_deviations: Mapping[str, Sequence[tuple[str, str | None]]] = {}

    def validate_credentials(self, credentials: Credentials) -> None:
        """Raise :class:`UsageError` when the credentials cannot work for this family."""

    def secret_variables(self, credentials: Credentials) -> dict[str, str | None]:
        """Environment variable -> secret value: rendered output shows ``$VAR`` instead."""
        return {
            "REVOKIT_TOKEN": credentials.token,
            "REVOKIT_OTHER_TOKEN": credentials.other_token,
            "REVOKIT_PASSWORD": credentials.password,
        }

    def prepare(self, client: Client, credentials: Credentials, seed: int) -> dict[str, Any]:
        """Log in and create what the checks need; return the state the scenarios see.

        Raise :class:`UsageError` when the credentials are refused, :class:`SetupFailed` when
        the backend refuses to create what is needed.
        """
        raise NotImplementedError

    def obtained_secrets(self, state: Mapping[str, Any]) -> dict[str, str | None]:
        """Environment variable -> a credential ``prepare`` obtained (e.g. the JWT of a login):
        rendered output shows ``$VAR`` instead of it."""
        return {}

    def schemathesis_headers(self, state: Mapping[str, Any]) -> dict[str, str]:
        """Headers every generated request carries (the credentials)."""
        raise NotImplementedError

    def schemathesis_settings(self, state: Mapping[str, Any]) -> dict[str, Any]:
        """Schemathesis options the family needs, in ``schemathesis.toml``'s shape (none by default)."""
        return {}

    def untouchable_ids(self, state: Mapping[str, Any]) -> Collection[str]:
        """Ids that generated requests must never name in a path: what the run did not create
        (and what its own credentials depend on), so Schemathesis cannot revoke or delete it."""
        return ()

    def teardown(self, client: Client, state: Mapping[str, Any], created: Sequence[Created]) -> list[str]:
        """Undo what the run made where the API allows it; return notes for the report."""
        return []


def get_suite(name: str) -> FamilySuite:
    """The suite the family's descriptor names (``revokit.registry``)."""
    try:
        target = family(name).suite
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None
    if target is None:
        raise UsageError(f"the {name} family has no conformance suite")
    return load_object(target, "SUITE")
