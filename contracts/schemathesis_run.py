"""The Schemathesis part of a check: its engine over a family's spec, folded into check results.

The bundled spec is loaded with ``base_url`` set to the backend under test; the examples,
coverage, fuzzing and stateful phases run with every built-in check, one worker, deterministic
generation and the run's seed, so the same seed sends the same requests. Each (check, operation)
pair that ran becomes one :class:`~revokit.contracts.report.CheckResult`; a failing one carries
the failing request as ``curl`` (credentials masked), the requests that led up to it (stateful
failures), what the check expected and what came back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .http import Secrets, curl_command, parse_body
from .report import CheckResult, Outcome, Source
from .spec_judge import SpecJudge

PHASES = ("examples", "coverage", "fuzzing", "stateful")

#: The name under which problems of the run itself (not of a check) are reported.
RUN_ERROR = "schemathesis_run"

_MAX_STEPS = 12


@dataclass
class Created:
    """A resource some generated request created (so the suite can clean up after the run)."""

    operation: str
    path: str
    body: Any


@dataclass
class SchemathesisRun:
    results: list[CheckResult] = field(default_factory=list)
    requests: int = 0
    created: list[Created] = field(default_factory=list)
    # Every exchange in the order sent: (method, url, request body, response body or None).
    trace: list[tuple[str, str, bytes | None, bytes | None]] = field(default_factory=list)
    # "Schema-violating request accepted" reports whose request the spec in fact allows (spec_judge).
    valid_negations: int = 0


@dataclass
class _Tally:
    runs: int = 0
    failures: list[tuple[Any, Any, str]] = field(default_factory=list)  # (failure, recorder, case id)
    seen: set[tuple[str, str, str]] = field(default_factory=set)


def run_schemathesis(
    spec: Mapping[str, Any],
    base_url: str,
    *,
    headers: Mapping[str, str],
    seed: int,
    max_examples: int,
    phases: Sequence[str] = PHASES,
    secrets: Secrets | None = None,
    request_timeout: float = 15.0,
    progress: Callable[[str], None] | None = None,
    settings: Mapping[str, Any] | None = None,
    untouchable: Collection[str] = (),
) -> SchemathesisRun:
    """``settings``: what a family needs beyond the defaults, in ``schemathesis.toml``'s shape
    (e.g. per-operation check options); the run's own seed, cache and phases always win.
    ``untouchable``: ids no generated request may name in its path (resources the run did not
    create, that a revoke or a delete must never reach); a case naming one gets a stand-in."""
    import schemathesis
    from schemathesis.config import CacheConfig, HealthCheck, SchemathesisConfig
    from schemathesis.engine import StopReason, events, from_schema

    secrets = secrets or Secrets()
    # An explicit config: a schemathesis.toml in the working directory must not change the run.
    if settings:
        config = SchemathesisConfig.from_dict({**settings, "seed": seed, "cache": {"enabled": False}})
    else:
        config = SchemathesisConfig(seed=seed, cache=CacheConfig(enabled=False))
    schema = schemathesis.openapi.from_dict(dict(spec), config=config)
    schema.config.update(
        base_url=base_url.rstrip("/"),
        headers=dict(headers),
        workers=1,
        request_timeout=request_timeout,
        suppress_health_check=[HealthCheck.all],
    )
    schema.config.generation.update(deterministic=True, max_examples=max_examples, database="none")
    schema.config.phases.update(phases=[p for p in PHASES if p in phases])
    if untouchable:
        schema.hook(_standing_in_for(frozenset(untouchable)))

    tallies: dict[tuple[str, str], _Tally] = {}
    run = SchemathesisRun()
    judge = SpecJudge(spec)
    logging.getLogger("schemathesis").setLevel(logging.ERROR)

    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            _fold(event.recorder, tallies, run, judge)
        elif isinstance(event, events.PhaseFinished) and progress is not None:
            if event.phase.name.value in PHASES:
                progress(f"schemathesis: {event.phase.name.value} phase {event.status.value}")
        elif isinstance(event, events.NonFatalError):
            run.results.append(
                CheckResult(
                    name=RUN_ERROR,
                    operation=event.label,
                    outcome=Outcome.FAILED,
                    source=Source.SCHEMATHESIS,
                    description="Schemathesis could not test this operation",
                    message=secrets.mask(f"{event.info.title}: {event.info.message}"),
                )
            )
        elif isinstance(event, events.FatalError):
            run.results.append(
                CheckResult(
                    name=RUN_ERROR,
                    operation="(run)",
                    outcome=Outcome.FAILED,
                    source=Source.SCHEMATHESIS,
                    description="the Schemathesis run stopped",
                    message=secrets.mask(f"{type(event.exception).__name__}: {event.exception}"),
                )
            )
        elif isinstance(event, events.EngineFinished) and event.stop_reason == StopReason.SERVER_UNAVAILABLE:
            run.results.append(
                CheckResult(
                    name=RUN_ERROR,
                    operation="(run)",
                    outcome=Outcome.FAILED,
                    source=Source.SCHEMATHESIS,
                    description="the backend must stay reachable",
                    message="the server stopped responding during the Schemathesis run",
                )
            )

    checks = sorted(tallies.items(), key=lambda item: (item[0][0], item[0][1]))
    for (name, operation), tally in checks:
        run.results.append(_result(name, operation, tally, secrets))
    return run


def _standing_in_for(untouchable: frozenset[str]) -> Callable[[Any, Any], Any]:
    """A ``map_case`` hook: a path parameter naming an untouchable id gets a stand-in of the same
    form (its last eight characters zeroed), which names nothing on a real backend."""

    def map_case(context: Any, case: Any) -> Any:
        parameters = case.path_parameters or {}
        for name, value in list(parameters.items()):
            if isinstance(value, str) and value in untouchable:
                parameters[name] = value[:-8] + "0" * 8 if len(value) > 8 else "0" * 8
        return case

    return map_case


def _fold(
    recorder: Any, tallies: dict[tuple[str, str], _Tally], run: SchemathesisRun, judge: SpecJudge
) -> None:
    from schemathesis.engine import Status

    run.requests += len(recorder.interactions)
    for case_id, nodes in recorder.checks.items():
        node = recorder.cases.get(case_id)
        operation = node.value.operation.label if node is not None else recorder.label
        for check in nodes:
            tally = tallies.setdefault((check.name, operation), _Tally())
            tally.runs += 1
            if check.status == Status.FAILURE and check.failure_info is not None:
                failure = check.failure_info.failure
                if check.name == "negative_data_rejection" and _allowed_by_spec(
                    judge, operation, recorder.interactions.get(failure.case_id or case_id)
                ):
                    run.valid_negations += 1
                    continue
                identity = (failure.code, failure.title, failure.message)
                if identity not in tally.seen:
                    tally.seen.add(identity)
                    tally.failures.append((check.failure_info, recorder, case_id))
    for case_id, interaction in recorder.interactions.items():
        response = interaction.response
        request = interaction.request
        run.trace.append((request.method, request.uri, request.body, response.content if response else None))
        node = recorder.cases.get(case_id)
        if response is None or node is None or interaction.request.method != "POST":
            continue
        if 200 <= response.status_code < 300:
            path = response.request.path_url.split("?")[0]
            run.created.append(Created(node.value.operation.label, path, parse_body(response.content)))


def _allowed_by_spec(judge: SpecJudge, operation: str, interaction: Any) -> bool:
    """The "invalid" request is valid by the spec after all: answering it 2xx is no failure."""
    if interaction is None:
        return False
    request = interaction.request
    return judge.valid(operation, request.method, request.uri, request.headers, request.body)


def _result(name: str, operation: str, tally: _Tally, secrets: Secrets) -> CheckResult:
    if not tally.failures:
        return CheckResult(name, operation, Outcome.PASSED, Source.SCHEMATHESIS, runs=tally.runs)
    info, recorder, case_id = tally.failures[0]
    failure = info.failure
    failing_id = failure.case_id or case_id
    interaction = recorder.interactions.get(failing_id)
    curl = None
    actual_status = actual_body = None
    if interaction is not None:
        curl = _curl(interaction.request, secrets)
        if interaction.response is not None:
            actual_status = str(interaction.response.status_code)
            actual_body = parse_body(interaction.response.content)
    steps: list[str] = []
    for step in info.steps or ():
        if step.case_id == failing_id:
            continue
        step_interaction = recorder.interactions.get(step.case_id)
        if step_interaction is not None:
            steps.append(_curl(step_interaction.request, secrets))
    expected_status, expected_body = _expectation(name, failure, actual_status)
    message = f"{failure.code} {failure.title}"
    if failure.message:
        message += "\n" + failure.message.strip()
    return CheckResult(
        name=name,
        operation=operation,
        outcome=Outcome.FAILED,
        source=Source.SCHEMATHESIS,
        description=_DESCRIPTIONS.get(name, ""),
        message=secrets.mask(message),
        curl=curl,
        steps=steps[-_MAX_STEPS:],
        expected_status=expected_status,
        expected_body=expected_body,
        actual_status=actual_status,
        actual_body=actual_body,
        runs=tally.runs,
        other_failures=len(tally.failures) - 1,
    )


def _statuses(values: Any) -> str:
    return ", ".join(str(v) for v in values) if values else ""


def _expectation(name: str, failure: Any, actual_status: str | None) -> tuple[str | None, str | None]:
    """What the check wanted, as an expected status and body (best effort; the message has it all)."""
    documented = _statuses(getattr(failure, "defined_status_codes", None))
    allowed = _statuses(
        getattr(failure, "allowed_statuses", None) or getattr(failure, "expected_statuses", None)
    )
    content_types = _statuses(getattr(failure, "defined_content_types", None))
    table: dict[str, tuple[str | None, str | None]] = {
        "not_a_server_error": ("a status below 500", None),
        "status_code_conformance": (f"one of {documented}" if documented else "a documented status", None),
        "negative_data_rejection": (f"a rejection ({allowed})" if allowed else "a 4xx rejection", None),
        "positive_data_acceptance": (f"one of {allowed}" if allowed else "acceptance", None),
        "missing_required_header": (f"one of {allowed}" if allowed else "a 4xx rejection", None),
        "unsupported_method": ("405", "with an Allow header listing the documented methods"),
        "allow_header_conformance": (actual_status, "an Allow header listing exactly the documented methods"),
        "response_schema_conformance": (
            actual_status,
            f"a body matching the spec's schema for {actual_status}",
        ),
        "content_type_conformance": (
            actual_status,
            f"Content-Type one of {content_types}" if content_types else None,
        ),
        "response_headers_conformance": (actual_status, "the documented response headers"),
        "use_after_free": ("404", "the resource is gone after its DELETE"),
        "ensure_resource_availability": ("2xx", "the resource just created"),
        "ignored_auth": ("401", "a refusal: the credentials were missing or invalid"),
    }
    return table.get(name, (None, "see the check's message"))


def _curl(request: Any, secrets: Secrets) -> str:
    headers = [(name, values[0]) for name, values in request.headers.items() if values]
    return curl_command(request.method, request.uri, headers, request.body, secrets)


_DESCRIPTIONS = {
    "not_a_server_error": "no request is answered with a 5xx",
    "status_code_conformance": "every status is one the spec documents for the operation",
    "content_type_conformance": "every response has a content type the spec documents",
    "response_headers_conformance": "documented response headers are present and valid",
    "response_schema_conformance": "every response body matches the documented schema",
    "negative_data_rejection": "requests the spec forbids are rejected with a 4xx",
    "positive_data_acceptance": "requests the spec allows are accepted",
    "missing_required_header": "a missing required header is rejected",
    "unsupported_method": "an undeclared method answers 405 with Allow",
    "allow_header_conformance": "Allow lists exactly the documented methods",
    "use_after_free": "a deleted (revoked) resource is gone for every later request",
    "ensure_resource_availability": "a created resource can be read right away",
    "ignored_auth": "operations with security refuse missing and invalid credentials",
    "object_level_authorization": "one identity cannot reach another's objects",
}
