"""Deterministic semantic scenarios: named checks of a family's revoke contract, run in order.

A scenario is a function of a :class:`ScenarioContext`. It makes requests through
``ctx.client`` and states what each answer must be with :meth:`ScenarioContext.expect`; the first
unmet expectation ends it as a failure whose evidence is that request (as ``curl``), the expected
and the actual status and body, and the requests the scenario made before it.
"""

from __future__ import annotations

import json
import random
import time
import traceback
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .http import Client, Exchange, Secrets
from .report import CheckResult, Outcome, Source

_UNSET: Any = object()
_MAX_STEPS = 10


@dataclass(frozen=True)
class Scenario:
    name: str
    operation: str  # the operation the contract is about, e.g. ``GET /api/v1/key-info``
    description: str  # the contract, one sentence
    run: Callable[[ScenarioContext], None]


class ScenarioFailure(AssertionError):
    def __init__(
        self,
        message: str,
        exchange: Exchange | None = None,
        expected_status: str | None = None,
        expected_body: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.exchange = exchange
        self.expected_status = expected_status
        self.expected_body = expected_body


class ScenarioSkipped(Exception):
    """The scenario cannot run against this backend with what it was given (not a failure)."""


class ScenarioRegistry:
    """Scenarios in definition order: that order is the order they always run in."""

    def __init__(self) -> None:
        self.scenarios: list[Scenario] = []

    def __call__(self, name: str, operation: str, description: str) -> Callable:
        def register(run: Callable[[ScenarioContext], None]) -> Callable[[ScenarioContext], None]:
            if any(s.name == name for s in self.scenarios):
                raise ValueError(f"duplicate scenario name {name}")
            self.scenarios.append(Scenario(name, operation, description, run))
            return run

        return register

    def __iter__(self):
        return iter(self.scenarios)

    def names(self) -> list[str]:
        return [s.name for s in self.scenarios]


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@dataclass
class ScenarioContext:
    client: Client
    secrets: Secrets
    state: dict[str, Any] = field(default_factory=dict)  # what the suite's setup made (ids, tokens)
    scenario: Scenario | None = None

    def fail(self, message: str, exchange: Exchange | None = None, **expected: str | None) -> None:
        raise ScenarioFailure(message, exchange, **expected)

    def skip(self, reason: str) -> None:
        raise ScenarioSkipped(reason)

    def expect(
        self,
        exchange: Exchange,
        status: int | Iterable[int],
        body: Any = _UNSET,
        *,
        shape: Callable[[Any], str | None] | None = None,
        shape_text: str | None = None,
        why: str = "",
    ) -> Any:
        """Return the parsed body if ``exchange`` answered ``status`` (and ``body`` exactly, and
        ``shape`` found no problem); else fail the scenario with this exchange as evidence."""
        statuses = {status} if isinstance(status, int) else set(status)
        expected_status = " or ".join(str(s) for s in sorted(statuses))
        expected_body = _json(body) if body is not _UNSET else shape_text
        prefix = f"{why}: " if why else ""
        if exchange.status is None:
            self.fail(
                f"{prefix}no answer ({exchange.error})",
                exchange,
                expected_status=expected_status,
                expected_body=expected_body,
            )
        parsed = exchange.json
        if exchange.status not in statuses:
            self.fail(
                f"{prefix}answered {exchange.status}, expected {expected_status}",
                exchange,
                expected_status=expected_status,
                expected_body=expected_body,
            )
        if body is not _UNSET and parsed != body:
            self.fail(
                f"{prefix}the body is not the one the contract prescribes",
                exchange,
                expected_status=expected_status,
                expected_body=expected_body,
            )
        if shape is not None:
            problem = shape(parsed)
            if problem:
                self.fail(
                    f"{prefix}{problem}",
                    exchange,
                    expected_status=expected_status,
                    expected_body=expected_body,
                )
        return parsed


def run_scenarios(
    scenarios: Sequence[Scenario],
    client: Client,
    secrets: Secrets,
    state: Mapping[str, Any],
    progress: Callable[[str], None] | None = None,
) -> list[CheckResult]:
    results = []
    for scenario in scenarios:
        ctx = ScenarioContext(client, secrets, dict(state), scenario)
        start = len(client.history)
        started = time.perf_counter()
        outcome, failure, error = Outcome.PASSED, None, None
        try:
            scenario.run(ctx)
        except ScenarioFailure as exc:
            outcome, failure = Outcome.FAILED, exc
        except ScenarioSkipped as exc:
            outcome, error = Outcome.SKIPPED, str(exc)
        except Exception as exc:  # a body so wrong the scenario could not go on
            outcome = Outcome.FAILED
            last = client.history[-1] if len(client.history) > start else None
            failure = ScenarioFailure(
                f"the scenario could not continue: {type(exc).__name__}: {exc}\n"
                + "".join(traceback.format_exception_only(exc)).strip(),
                last,
            )
        exchanges = client.history[start:]
        result = _result(scenario, outcome, failure, error, exchanges, secrets)
        result.duration = time.perf_counter() - started
        results.append(result)
        if progress is not None:
            progress(f"scenario {scenario.name}: {outcome.value}")
    return results


def _result(
    scenario: Scenario,
    outcome: Outcome,
    failure: ScenarioFailure | None,
    skip_reason: str | None,
    exchanges: list[Exchange],
    secrets: Secrets,
) -> CheckResult:
    result = CheckResult(
        name=scenario.name,
        operation=scenario.operation,
        outcome=outcome,
        source=Source.SCENARIOS,
        description=scenario.description,
        runs=1,
    )
    if skip_reason:
        result.message = skip_reason
    if failure is None:
        return result
    result.message = secrets.mask(failure.message)
    result.expected_status = failure.expected_status
    result.expected_body = secrets.mask(failure.expected_body) if failure.expected_body else None
    evidence = failure.exchange
    if evidence is not None:
        if evidence.operation:
            result.operation = evidence.operation
        result.curl = evidence.curl(secrets)
        result.actual_status = str(evidence.status) if evidence.status is not None else "no answer"
        body = evidence.json
        result.actual_body = secrets.mask(body) if isinstance(body, str) else _mask_json(body, secrets)
        position = next((i for i, e in enumerate(exchanges) if e is evidence), len(exchanges))
        before = exchanges[:position]
        result.steps = [e.curl(secrets) for e in before][-_MAX_STEPS:]
    return result


def _mask_json(body: Any, secrets: Secrets) -> Any:
    if not secrets or body is None:
        return body
    try:
        return json.loads(secrets.mask(json.dumps(body)))
    except ValueError:  # a secret that JSON escapes differently: leave the body as it came
        return body


def look_alike(token: str, rng: random.Random, keep_start: int, keep_end: int) -> str:
    """A token with ``token``'s public ends (its redacted form and look-up prefix) and random hex
    digits between them: never the same key, and nothing in it tells the hidden digits (reports
    print it). A backend that finds candidates by the visible part must still compare the rest."""
    length = len(token) - keep_start - keep_end
    while True:
        middle = "".join(rng.choice("0123456789abcdef") for _ in range(length))
        if middle != token[keep_start : len(token) - keep_end]:
            return token[:keep_start] + middle + token[len(token) - keep_end :]


def expect_not_allowed(
    ctx: ScenarioContext, exchange: Exchange, served: set[str], body: Any = _UNSET
) -> None:
    """405 (with ``body`` when the family fixes one) and an ``Allow`` naming every method served."""
    ctx.expect(exchange, 405, body, why=f"{exchange.method} {exchange.path}")
    allow = {m.strip().upper() for m in exchange.response_headers.get("Allow", "").split(",") if m.strip()}
    if not served <= allow:
        ctx.fail(
            f"{exchange.method} {exchange.path}: Allow is {exchange.response_headers.get('Allow')!r}, "
            f"the route serves {sorted(served)}",
            exchange,
            expected_status="405",
        )


def invalid_data_problem(body: Any) -> str | None:
    """A Medusa refusal whose words are not pinned: ``{type: "invalid_data", message: <text>}``."""
    if (
        not isinstance(body, dict)
        or body.get("type") != "invalid_data"
        or not isinstance(body.get("message"), str)
    ):
        return "the body is not {type: invalid_data, message}"
    return None
