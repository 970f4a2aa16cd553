"""Known deviations: ``--allow FILE`` (a YAML list) and the deviations of a ``--profile``.

An allow file is a YAML list of expected failures::

    - check: revoke_again_not_found
      operation: DELETE /api/v1/applications/{id}/api-keys/{keyId}   # optional: any operation
      reason: our gateway answers 200 to a second revoke (TICKET-123)

(a mapping with the list under ``allow:`` is accepted too). A failure that an entry matches is
reported as *allowed* and does not fail the run; an entry that matched no failure is reported as
stale, so the list can shrink.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..yaml_files import load_yaml
from .report import CheckResult, Outcome, StaleAllowance

_KEYS = {"check", "operation", "reason"}


class AllowFileError(ValueError):
    """The allow file cannot be used (a usage problem: exit code 2)."""


@dataclass(frozen=True)
class Allowance:
    check: str
    operation: str | None
    reason: str
    origin: str

    def matches(self, result: CheckResult) -> bool:
        if result.name != self.check:
            return False
        return self.operation is None or _same_operation(self.operation, result.operation)


def _same_operation(a: str, b: str) -> bool:
    method_a, _, path_a = a.strip().partition(" ")
    method_b, _, path_b = b.strip().partition(" ")
    return method_a.upper() == method_b.upper() and path_a.strip() == path_b.strip()


def load_allow_file(path: str | Path) -> list[Allowance]:
    path = Path(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise AllowFileError(f"cannot read allow file {path}: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise AllowFileError(f"allow file {path} is not valid YAML: {exc}") from None
    if data is None:
        return []
    if isinstance(data, dict) and set(data) == {"allow"}:
        data = data["allow"] or []
    if not isinstance(data, list):
        raise AllowFileError(
            f"allow file {path}: expected a YAML list of entries with check, operation (optional) and reason"
        )
    entries: list[Allowance] = []
    for index, item in enumerate(data, 1):
        where = f"allow file {path}, entry {index}"
        if not isinstance(item, dict):
            raise AllowFileError(f"{where}: expected a mapping with check, operation and reason")
        unknown = set(item) - _KEYS
        if unknown:
            raise AllowFileError(f"{where}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
        check, reason, operation = item.get("check"), item.get("reason"), item.get("operation")
        if not isinstance(check, str) or not check.strip():
            raise AllowFileError(f"{where}: `check` (the check's name) is required")
        if not isinstance(reason, str) or not reason.strip():
            raise AllowFileError(f"{where}: `reason` is required: say why this failure is expected")
        if operation is not None and (not isinstance(operation, str) or " " not in operation.strip()):
            raise AllowFileError(f"{where}: `operation` must look like `METHOD /path/{{param}}`")
        entries.append(
            Allowance(check.strip(), operation.strip() if operation else None, reason.strip(), str(path))
        )
    return entries


def apply_allowances(results: Sequence[CheckResult], allowances: Iterable[Allowance]) -> list[StaleAllowance]:
    """Turn matched failures into ``allowed``; return the allowances that matched nothing."""
    allowances = list(allowances)
    used: set[int] = set()
    for result in results:
        if result.outcome != Outcome.FAILED:
            continue
        for index, allowance in enumerate(allowances):
            if allowance.matches(result):
                result.outcome = Outcome.ALLOWED
                result.allow_reason = f"{allowance.reason} ({allowance.origin})"
                used.add(index)
                break
    return [
        StaleAllowance(a.check, a.operation, a.reason, a.origin)
        for index, a in enumerate(allowances)
        if index not in used
    ]
