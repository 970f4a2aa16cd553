"""One ``revokit check`` run: probe, log in and set up, scenarios, Schemathesis, teardown, verdict.

:func:`run_check` is the API the CLI (and a pytest run) uses; it raises :class:`UsageError` for
anything that keeps the run from starting (exit code 2) and otherwise returns the :class:`Report`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from revokit.specs import load_profile, load_spec, profile_names

from .allow import Allowance, AllowFileError, apply_allowances, load_allow_file
from .http import Client, OperationIndex, Secrets, probe, revokit_mock_family
from .report import CheckResult, Outcome, Report, Source
from .scenarios import run_scenarios
from .schemathesis_run import PHASES as SCHEMATHESIS_PHASES
from .schemathesis_run import run_schemathesis
from .suite import Credentials, FamilySuite, SetupFailed, UsageError, get_suite

SCENARIOS_PHASE = "scenarios"
ALL_PHASES = (SCENARIOS_PHASE, *SCHEMATHESIS_PHASES)
DEFAULT_SEED = 0
DEFAULT_MAX_EXAMPLES = 100
CONTRACT_PROFILE = "contract"


@dataclass
class CheckOptions:
    family: str
    base_url: str
    credentials: Credentials = field(default_factory=Credentials)
    seed: int = DEFAULT_SEED
    max_examples: int = DEFAULT_MAX_EXAMPLES
    phases: Sequence[str] = ALL_PHASES
    allow_files: Sequence[str | Path] = ()
    profile: str = CONTRACT_PROFILE
    request_timeout: float = 15.0


def profile_allowances(suite: FamilySuite, name: str) -> tuple[list[Allowance], list[str]]:
    """The failures a behaviour profile expects for this family, and notes about the profile."""
    try:
        profile = load_profile(name)
    except KeyError as exc:
        raise UsageError(str(exc.args[0])) from None
    if profile.family not in (None, suite.family):
        raise UsageError(f"profile {name} describes {profile.family}, not {suite.family}")
    allowances: list[Allowance] = []
    notes: list[str] = []
    for flag, description in profile.deviations.items():
        expected = suite.profile_deviations.get(flag)
        if expected is None:
            notes.append(f"profile {name}: deviation {flag} names no check of this suite")
            continue
        for check, operation in expected:
            allowances.append(Allowance(check, operation, f"{flag}: {description}", f"profile {name}"))
    return allowances, notes


def release_causes(suite: FamilySuite, profile: str) -> list[Allowance]:
    """Under the contract profile, the deviations the family's release profiles document: a
    failure one of them explains is a real release's known departure and is named by its flag."""
    if profile != CONTRACT_PROFILE:
        return []
    causes: list[Allowance] = []
    for name in profile_names():
        if name == CONTRACT_PROFILE or load_profile(name).family != suite.family:
            continue
        allowances, _ = profile_allowances(suite, name)
        causes += [
            Allowance(
                a.check,
                a.operation,
                f"release deviation {a.reason.split(':', 1)[0]} ({name}):{a.reason.split(':', 1)[1]}",
                a.origin,
            )
            for a in allowances
        ]
    return causes


def _spec_statuses(spec: dict) -> set[str]:
    return {
        str(status)
        for item in spec.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict)
        for status in operation.get("responses", {})
    }


def unpromised(spec: dict, result: CheckResult) -> str | None:
    """Why ``result`` tests a behaviour neither the spec nor the family's documentation promises
    (then its failure is a warning), or ``None``. Schemathesis's method checks expect a 405 with
    ``Allow``; a spec that documents no 405 anywhere leaves an unrouted method's answer open
    (Express, under both Medusa releases, answers 404)."""
    if result.name in ("unsupported_method", "allow_header_conformance") and "405" not in _spec_statuses(
        spec
    ):
        return "the spec documents no 405, so an undeclared method's answer is not promised"
    return None


def run_check(options: CheckOptions, progress: Callable[[str], None] | None = None) -> Report:
    started = time.perf_counter()
    say = progress or (lambda message: None)
    suite = get_suite(options.family)
    unknown = [p for p in options.phases if p not in ALL_PHASES]
    if unknown or not options.phases:
        raise UsageError(
            f"unknown phase(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(ALL_PHASES)}"
        )
    if options.max_examples < 1:
        raise UsageError("--max-examples must be at least 1")
    suite.validate_credentials(options.credentials)
    allowances, notes = profile_allowances(suite, options.profile)
    for path in options.allow_files:
        try:
            allowances += load_allow_file(path)
        except AllowFileError as exc:
            raise UsageError(str(exc)) from None

    unreachable = probe(options.base_url)
    if unreachable:
        raise UsageError(f"cannot reach {options.base_url}: {unreachable}")
    served = revokit_mock_family(options.base_url)
    if served is not None and served != options.family:
        raise UsageError(
            f"{options.base_url} is a revokit mock serving {served}, not {options.family}: point "
            f"--base-url at the {options.family} port (revokit mock's banner lists each family's URL)"
        )

    secrets = Secrets(
        {**suite.secret_variables(options.credentials), "REVOKIT_JWT_SECRET": options.credentials.jwt_secret}
    )
    phases = [p for p in ALL_PHASES if p in options.phases]
    report = Report(
        family=options.family,
        base_url=options.base_url,
        seed=options.seed,
        max_examples=options.max_examples,
        profile=options.profile,
        phases=phases,
        notes=notes,
        secret_variables=secrets.variables(),
    )
    spec = load_spec(suite.spec_name)
    client = Client(options.base_url, operations=OperationIndex(spec), timeout=options.request_timeout)
    state = None
    created = []
    try:
        say("setup: logging in and creating what the checks need")
        phase_started = time.perf_counter()
        try:
            state = suite.prepare(client, options.credentials, options.seed)
            state["jwt_secret"] = options.credentials.jwt_secret
        except SetupFailed as exc:
            report.phase_seconds[Source.SETUP] = time.perf_counter() - phase_started
            secrets.add(exc.issued)
            report.secret_variables = secrets.variables()
            report.add(_setup_failure(exc, secrets))
        else:
            # Credentials the setup obtained (a JWT from a login) are masked like the given ones.
            issued = suite.obtained_secrets(state)
            secrets.add(issued)
            report.secret_variables = secrets.variables()
            report.issued_variables = sorted(var for var, value in issued.items() if value)
            report.secret_values = secrets.values()
            report.add(
                CheckResult(
                    "setup",
                    "(login and setup)",
                    Outcome.PASSED,
                    Source.SETUP,
                    description="log in and create what the checks need through the API",
                )
            )
            report.phase_seconds[Source.SETUP] = time.perf_counter() - phase_started
            if SCENARIOS_PHASE in phases:
                phase_started = time.perf_counter()
                for result in run_scenarios(list(suite.scenarios), client, secrets, state, say):
                    report.add(result)
                # Tokens the scenarios made (forged with --jwt-secret) are masked like the login's,
                # and --env-file writes them too.
                made = sorted(set(secrets.variables()) - set(report.secret_variables))
                report.secret_variables = secrets.variables()
                report.issued_variables = sorted({*report.issued_variables, *made})
                report.secret_values = secrets.values()
                report.phase_seconds[Source.SCENARIOS] = time.perf_counter() - phase_started
            st_phases = [p for p in phases if p in SCHEMATHESIS_PHASES]
            if st_phases:
                say(f"schemathesis: {', '.join(st_phases)} (max examples {options.max_examples})")
                phase_started = time.perf_counter()
                run = run_schemathesis(
                    spec,
                    options.base_url,
                    headers=suite.schemathesis_headers(state),
                    seed=options.seed,
                    max_examples=options.max_examples,
                    phases=st_phases,
                    secrets=secrets,
                    request_timeout=options.request_timeout,
                    progress=say,
                    settings=suite.schemathesis_settings(state),
                    untouchable=suite.untouchable_ids(state),
                )
                report.results += run.results
                report.phase_seconds[Source.SCHEMATHESIS] = time.perf_counter() - phase_started
                report.schemathesis_requests = run.requests
                report.valid_negations = run.valid_negations
                created = run.created
    finally:
        if state is not None:
            say("teardown")
            report.notes += suite.teardown(client, state, created)
        client.close()

    report.stale = apply_allowances(report.results, allowances)
    known = release_causes(suite, options.profile)
    for result in report.results:
        if result.outcome != Outcome.FAILED:
            continue
        reason = unpromised(spec, result)
        if reason is not None:
            result.outcome = Outcome.WARNING
            result.warning_reason = reason
            continue
        explained = next((k for k in known if k.matches(result)), None)
        if explained is not None:
            result.cause = explained.reason
    report.duration = time.perf_counter() - started
    return report


def _setup_failure(exc: SetupFailed, secrets: Secrets) -> CheckResult:
    result = CheckResult(
        "setup",
        "(login and setup)",
        Outcome.FAILED,
        Source.SETUP,
        description="log in and create what the checks need through the API",
        message=secrets.mask(exc.message) + "\nno other check could run",
        expected_status=exc.expected_status,
        expected_body=exc.expected_body,
    )
    if exc.exchange is not None:
        result.operation = exc.exchange.operation or result.operation
        result.curl = exc.exchange.curl(secrets)
        result.actual_status = str(exc.exchange.status) if exc.exchange.status is not None else "no answer"
        result.actual_body = exc.exchange.json
    return result
