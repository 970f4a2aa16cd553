"""What a run found: one :class:`CheckResult` per check (and operation), the text report, JUnit XML.

A result is ``passed``, ``failed``, ``allowed`` (failed, but an allow-list entry or the selected
profile expects it), ``warning`` (failed a check of something neither the spec nor the family's
documentation promises, e.g. a 405 for an unrouted method) or ``skipped`` (could not run, e.g. it
needs a second identity). A failure carries the request that shows it as a ``curl`` line, the
expected and the actual status and body, and the requests that led up to it.

Failures are grouped into :class:`Cause`s: one root cause, named once, with every operation it
affects. A failure the family's release profile explains (``--profile contract`` against a real
release) is named by that profile's flag; the others are grouped by check, status and the kind of
body that came back. The text report and the JUnit XML count the same causes: in the XML only the
first failure of a cause is a ``<failure>``, the others point to it.
"""

from __future__ import annotations

import enum
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .http import show_body


class Outcome(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    ALLOWED = "allowed"
    WARNING = "warning"
    SKIPPED = "skipped"


class Source(enum.StrEnum):
    """Which suite a check belongs to."""

    SETUP = "setup"
    SCENARIOS = "scenarios"
    SCHEMATHESIS = "schemathesis"


#: Exit codes of ``revokit check``.
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


@dataclass
class CheckResult:
    name: str
    operation: str
    outcome: Outcome
    source: Source
    description: str = ""
    message: str = ""  # why it failed (or was skipped), one or a few lines
    curl: str | None = None  # the request that shows the failure
    steps: list[str] = field(default_factory=list)  # curl lines of the requests that led up to it
    expected_status: str | None = None
    expected_body: str | None = None
    actual_status: str | None = None
    actual_body: Any = None
    runs: int = 1  # how many times the check ran (Schemathesis: over all generated cases)
    other_failures: int = 0  # further distinct failures of the same check on the same operation
    allow_reason: str | None = None
    warning_reason: str | None = None  # why a failure is only a warning (nothing promised it)
    cause: str | None = None  # a known root cause (a release profile's flag and sentence)
    duration: float = 0.0  # seconds (scenarios; Schemathesis checks share their cases' time)

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.operation)

    @property
    def is_problem(self) -> bool:
        return self.outcome in (Outcome.FAILED, Outcome.ALLOWED)


@dataclass
class StaleAllowance:
    """An allow-list entry (or profile deviation) that matched no failure: the list can shrink."""

    check: str
    operation: str | None
    reason: str
    origin: str  # the allow file, or ``profile NAME``


@dataclass
class Cause:
    """One root cause: the results it explains, the first of them showing it."""

    title: str
    results: list[CheckResult]

    @property
    def first(self) -> CheckResult:
        return self.results[0]

    @property
    def operations(self) -> list[str]:
        return list(dict.fromkeys(r.operation for r in self.results))

    @property
    def checks(self) -> list[str]:
        return list(dict.fromkeys(r.name for r in self.results))


def _body_kind(body: Any) -> str:
    """What kind of body came back, without the values that differ per request."""
    if body is None:
        return "no body"
    if isinstance(body, dict):
        kind = body.get("type") or body.get("code")
        return f"JSON {{{', '.join(sorted(body))}}}" + (f" {kind}" if isinstance(kind, str) else "")
    if isinstance(body, list):
        return "JSON list"
    text = str(body).lstrip().lower()
    if text.startswith("<!doctype html") or text.startswith("<html"):
        return "HTML page"
    return "text"


def group_causes(results: list[CheckResult]) -> list[Cause]:
    """Group ``results`` by root cause, in the order each cause first appears."""
    groups: dict[tuple[str, ...], Cause] = {}
    for r in results:
        if r.cause:
            key: tuple[str, ...] = ("known", r.cause)
            title = r.cause
        elif r.outcome == Outcome.ALLOWED and r.allow_reason:
            key, title = ("allowed", r.allow_reason), r.allow_reason
        elif r.outcome == Outcome.WARNING and r.warning_reason:
            key = ("warning", r.name, r.warning_reason)
            title = f"{r.name}: {r.warning_reason}"
        else:
            answer = f"{r.actual_status or 'no status'} {_body_kind(r.actual_body)}"
            key, title = ("signature", r.name, answer), f"{r.name}: answered {answer}"
        groups.setdefault(key, Cause(title, [])).results.append(r)
    return list(groups.values())


@dataclass
class Report:
    family: str
    base_url: str
    seed: int
    max_examples: int
    profile: str
    phases: list[str]
    results: list[CheckResult] = field(default_factory=list)
    stale: list[StaleAllowance] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    secret_variables: list[str] = field(default_factory=list)
    # The variables whose values the run's own login obtained (the user never saw them).
    issued_variables: list[str] = field(default_factory=list)
    # Variable -> secret, for --env-file only: never rendered.
    secret_values: dict[str, str] = field(default_factory=dict, repr=False)
    env_file: str | None = None  # where --env-file wrote the export lines
    duration: float = 0.0
    # Wall-clock seconds of each suite (setup, scenarios, schemathesis): JUnit testsuite times.
    phase_seconds: dict[str, float] = field(default_factory=dict)
    schemathesis_requests: int = 0
    # negative_data_rejection reports dropped because the spec allows the request (spec_judge)
    valid_negations: int = 0

    def add(self, result: CheckResult) -> CheckResult:
        self.results.append(result)
        return result

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    @property
    def failed(self) -> list[CheckResult]:
        return [r for r in self.results if r.outcome == Outcome.FAILED]

    def causes(self, outcome: Outcome = Outcome.FAILED) -> list[Cause]:
        """The root causes of the results with ``outcome`` (failed by default)."""
        return group_causes([r for r in self.results if r.outcome == outcome])

    @property
    def exit_code(self) -> int:
        return EXIT_FAILED if self.failed else EXIT_OK

    def by_source(self, source: Source) -> list[CheckResult]:
        return [r for r in self.results if r.source == source]

    def raise_for_failures(self) -> None:
        """Raise :class:`ConformanceFailure` (an ``AssertionError``, so pytest shows it as a test
        failure) with the text report when a check failed."""
        if self.failed:
            raise ConformanceFailure(self)


class ConformanceFailure(AssertionError):
    """A conformance run found failures; its message is the text report."""

    def __init__(self, report: Report) -> None:
        names = ", ".join(sorted({r.name for r in report.failed}))
        super().__init__(f"{report.family} conformance failed ({names}):\n{render_text(report)}")
        self.report = report


# -- text ---------------------------------------------------------------------------------------

_MARK = {
    Outcome.PASSED: "PASS",
    Outcome.FAILED: "FAIL",
    Outcome.ALLOWED: "ALLOW",
    Outcome.WARNING: "WARN",
    Outcome.SKIPPED: "SKIP",
}


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def render_failure(result: CheckResult, number: int | None = None) -> str:
    head = f"{number}) " if number is not None else ""
    lines = [f"{head}{result.name} — {result.operation}"]
    if result.description:
        lines.append(f"   contract: {result.description}")
    if result.allow_reason:
        lines.append(f"   allowed: {result.allow_reason}")
    if result.warning_reason:
        lines.append(f"   warning only: {result.warning_reason}")
    if result.message:
        lines.append(_indent(result.message.strip(), "   "))
    if result.steps:
        lines.append("   requests that led up to it:")
        lines += [f"     {step}" for step in result.steps]
    if result.curl:
        lines.append("   request:")
        lines.append(f"     {result.curl}")
    if result.expected_status is not None or result.expected_body is not None:
        expected = " ".join(x for x in (result.expected_status, result.expected_body) if x)
        lines.append(f"   expected: {expected}")
    if result.actual_status is not None:
        lines.append(f"   actual:   {result.actual_status} {show_body(result.actual_body)}")
    if result.other_failures:
        lines.append(
            f"   (+{result.other_failures} more distinct failure(s) of this check on this operation)"
        )
    return "\n".join(lines)


def _credentials_hint(report: Report) -> list[str]:
    """How to replay the curl lines: which variables they read, and where their values are."""
    if not report.secret_variables:
        return []
    if report.env_file:
        names = ", ".join(f"${v}" for v in report.secret_variables)
        return [f"curl lines read {names}: run `. {report.env_file}` first (export lines, mode 600)"]
    lines = []
    given = [v for v in report.secret_variables if v not in report.issued_variables]
    if given:
        names = ", ".join(f"${v}" for v in given)
        lines.append(f"curl lines read your credentials from {names}: export them to run the lines as shown")
    if report.issued_variables:
        names = ", ".join(f"${v}" for v in report.issued_variables)
        lines.append(
            f"curl lines also read {names}, issued to this run's login: rerun with --env-file FILE "
            "to have every credential written there as export lines"
        )
    return lines


def write_env_file(report: Report, path: str) -> None:
    """``export VAR='value'`` for every credential the curl lines read, readable by the owner only."""
    import os
    import shlex

    text = "".join(
        f"export {var}={shlex.quote(value)}\n" for var, value in sorted(report.secret_values.items())
    )
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)
    report.env_file = path


def render_cause(cause: Cause, number: int) -> str:
    """A cause, named once: its first failure in full, then the cause and what else it affects."""
    lines = [render_failure(cause.first, number)]
    lines.append(f"   root cause: {cause.title}")
    if len(cause.results) > 1:
        lines.append(f"   affects {len(cause.operations)} operation(s): {'; '.join(cause.operations)}")
        others = [f"{r.name} — {r.operation}" for r in cause.results[1:]]
        lines.append(f"   {len(others)} more failure(s) of this cause: {'; '.join(others)}")
    return "\n".join(lines)


def render_text(report: Report) -> str:
    out: list[str] = []
    out.append(f"revokit check {report.family} against {report.base_url}")
    out.append(
        f"seed {report.seed} · max examples {report.max_examples} · profile {report.profile} · "
        f"phases {','.join(report.phases)}"
    )
    out += _credentials_hint(report)
    for note in report.notes:
        out.append(f"note: {note}")

    setup = report.by_source(Source.SETUP)
    scenarios = report.by_source(Source.SCENARIOS)
    fuzz = report.by_source(Source.SCHEMATHESIS)

    if setup:
        out.append("\nSetup")
        for r in setup:
            out.append(f"  {_MARK[r.outcome]:5} {r.name:40} {r.operation}")
    if scenarios:
        out.append("\nScenarios (the revoke contract, in order)")
        for r in scenarios:
            extra = f"  ({r.message.splitlines()[0]})" if r.outcome == Outcome.SKIPPED and r.message else ""
            out.append(f"  {_MARK[r.outcome]:5} {r.name:40} {r.operation}{extra}")
    if fuzz:
        dropped = (
            f"; {report.valid_negations} 'invalid' request(s) the spec allows, not counted as failures"
            if report.valid_negations
            else ""
        )
        out.append(f"\nSchemathesis ({report.schemathesis_requests} requests{dropped})")
        grouped: dict[str, list[CheckResult]] = defaultdict(list)
        for r in fuzz:
            grouped[r.name].append(r)
        for name, results in grouped.items():
            problems = [r for r in results if r.outcome != Outcome.PASSED]
            if not problems:
                runs = sum(r.runs for r in results)
                out.append(f"  PASS  {name:40} {len(results)} operation(s), {runs} run(s)")
            for r in problems:
                out.append(f"  {_MARK[r.outcome]:5} {name:40} {r.operation}")

    failed = report.failed
    causes = report.causes()
    if failed:
        out.append("\nFailures")
        for number, cause in enumerate(causes, 1):
            out.append(render_cause(cause, number))
            out.append("")
    warnings = report.causes(Outcome.WARNING)
    if warnings:
        out.append("\nWarnings (neither the spec nor the documentation promises this; not failures)")
        for number, cause in enumerate(warnings, 1):
            out.append(render_cause(cause, number))
            out.append("")
    allowed_causes = report.causes(Outcome.ALLOWED)
    if allowed_causes:
        out.append("\nAllowed failures (expected deviations)")
        for cause in allowed_causes:
            if len(cause.results) == 1:
                r = cause.first
                out.append(f"  {r.name} — {r.operation}: {r.allow_reason}")
                if r.message:
                    out.append(f"    {r.message.strip().splitlines()[0]}")
                continue
            out.append(f"  {cause.title}")
            out += [f"    {r.name} — {r.operation}" for r in cause.results]
    if report.stale:
        out.append("\nAllow-list entries that no longer fail (remove them)")
        for s in report.stale:
            op = s.operation or "any operation"
            out.append(f"  {s.check} — {op} ({s.origin}): {s.reason}")

    verdict = "FAILED" if failed else "PASSED"
    counts = (
        f"{report.count(Outcome.FAILED)} failed, {report.count(Outcome.PASSED)} passed, "
        f"{report.count(Outcome.ALLOWED)} allowed, {report.count(Outcome.SKIPPED)} skipped, "
        f"{report.count(Outcome.WARNING)} warnings; {len(causes)} root cause(s) of failure"
    )
    stale = f", {len(report.stale)} stale allow-list entries" if report.stale else ""
    out.append(f"\nResult: {verdict} — {counts}{stale} ({report.duration:.1f} s)")
    return "\n".join(out) + "\n"


# -- JUnit XML ----------------------------------------------------------------------------------


def _testcase_name(result: CheckResult) -> str:
    if result.source == Source.SCHEMATHESIS:
        return f"{result.name}[{result.operation}]"
    return result.name


def _details(result: CheckResult) -> str:
    return render_failure(result)


def junit_xml(report: Report) -> ET.ElementTree:
    root = ET.Element("testsuites", name=f"revokit check {report.family}")
    total = {"tests": 0, "failures": 0, "skipped": 0}
    suites: list[tuple[str, list[CheckResult]]] = [
        (source.value, report.by_source(source)) for source in Source if report.by_source(source)
    ]
    # One <failure> per root cause (its first result); the cause's other results point to it.
    first_of: dict[int, Cause] = {}
    member_of: dict[int, tuple[int, Cause]] = {}
    for number, cause in enumerate(report.causes(), 1):
        first_of[id(cause.first)] = cause
        for r in cause.results[1:]:
            member_of[id(r)] = (number, cause)
    for suite_name, results in suites:
        suite = ET.SubElement(root, "testsuite", name=f"{report.family}.{suite_name}")
        counts = {"tests": 0, "failures": 0, "skipped": 0}
        for r in results:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"revokit.{report.family}.{suite_name}",
                name=_testcase_name(r),
                time=f"{r.duration:.3f}",
            )
            counts["tests"] += 1
            if r.outcome == Outcome.FAILED and id(r) in first_of:
                counts["failures"] += 1
                cause = first_of[id(r)]
                first = r.message.strip().splitlines()[0] if r.message.strip() else r.name
                failure = ET.SubElement(case, "failure", message=first, type=r.name)
                failure.text = render_cause(cause, list(first_of).index(id(r)) + 1)
            elif r.outcome == Outcome.FAILED:
                counts["skipped"] += 1
                number, cause = member_of[id(r)]
                skipped = ET.SubElement(
                    case,
                    "skipped",
                    message=f"failed: root cause {number} ({cause.title}), reported once there",
                )
                skipped.text = _details(r)
            elif r.outcome == Outcome.WARNING:
                counts["skipped"] += 1
                skipped = ET.SubElement(case, "skipped", message=f"warning: {r.warning_reason}")
                skipped.text = _details(r)
            elif r.outcome == Outcome.ALLOWED:
                counts["skipped"] += 1
                skipped = ET.SubElement(case, "skipped", message=f"allowed failure: {r.allow_reason}")
                skipped.text = _details(r)
            elif r.outcome == Outcome.SKIPPED:
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=r.message or "skipped")
        if suite_name == Source.SCHEMATHESIS.value:
            suite.set("requests", str(report.schemathesis_requests))
        for k, v in counts.items():
            suite.set(k, str(v))
            total[k] += v
        suite.set("errors", "0")
        elapsed = report.phase_seconds.get(suite_name, sum(r.duration for r in results))
        suite.set("time", f"{elapsed:.3f}")
    if report.stale:
        suite = ET.SubElement(root, "testsuite", name=f"{report.family}.allow-list")
        for s in report.stale:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=f"revokit.{report.family}.allow-list",
                name=f"{s.check}[{s.operation or '*'}]",
                time="0",
            )
            ET.SubElement(
                case, "skipped", message=f"stale allow-list entry ({s.origin}): no longer fails; remove it"
            )
        suite.set("tests", str(len(report.stale)))
        suite.set("failures", "0")
        suite.set("errors", "0")
        suite.set("skipped", str(len(report.stale)))
        total["tests"] += len(report.stale)
        total["skipped"] += len(report.stale)
    for k, v in total.items():
        root.set(k, str(v))
    root.set("errors", "0")
    root.set("time", f"{report.duration:.3f}")
    properties = ET.Element("properties")
    for name, value in (
        ("base_url", report.base_url),
        ("seed", str(report.seed)),
        ("max_examples", str(report.max_examples)),
        ("profile", report.profile),
        ("phases", ",".join(report.phases)),
        ("root_causes", str(len(report.causes()))),
        ("warnings", str(len(report.causes(Outcome.WARNING)))),
    ):
        ET.SubElement(properties, "property", name=name, value=value)
    for suite in root.findall("testsuite"):
        suite.insert(0, _copy(properties))
    ET.indent(root)
    return ET.ElementTree(root)


def _copy(element: ET.Element) -> ET.Element:
    return ET.fromstring(ET.tostring(element))


def write_junit(report: Report, path: str | Path) -> None:
    tree = junit_xml(report)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    tree.write(path, encoding="utf-8", xml_declaration=True)
