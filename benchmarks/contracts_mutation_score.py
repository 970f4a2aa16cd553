"""Mutation score of `revokit check`: how many planted defects each family's suite catches.

Each family's defects live in a test module (tests/contracts/contracts_defects.py for app-keys,
defects_medusa_v1.py, defects_xclade_v2.py) that builds an in-process mock with one defect wired
into its family definition; the check runs against it over a loopback socket, and a defect counts
as caught when the run fails, and as caught *by the right check* when the checks that fail are the
ones the defect names. The unmodified mock runs first: it must pass, or the score means nothing.

    .venv/bin/python benchmarks/contracts_mutation_score.py [--families app-keys,medusa-v1]
        [--phases scenarios] [--max-examples 5]
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "contracts")]

from revokit.contracts import run_conformance  # noqa: E402
from revokit.contracts.report import Outcome  # noqa: E402

DEFECT_MODULES = {
    "app-keys": "contracts_defects",
    "medusa-v1": "defects_medusa_v1",
    "xclade-v2": "defects_xclade_v2",
}


def run(module: ModuleType, patch, phases: list[str], max_examples: int) -> tuple[set[str], float]:
    app = module.defective_app(patch)
    creds = module.credentials(app)
    started = time.perf_counter()
    report = run_conformance(
        module.FAMILY,
        app=app,
        token=creds.token,
        other_token=creds.other_token,
        email=creds.email,
        password=creds.password,
        phases=phases,
        max_examples=max_examples,
    )
    return {r.name for r in report.results if r.outcome == Outcome.FAILED}, time.perf_counter() - started


def score_family(family: str, phases: list[str], max_examples: int) -> tuple[int, int, int, float, bool]:
    """Print one family's table; return (caught, caught by the named checks, planted, seconds, baseline ok)."""
    module = importlib.import_module(DEFECT_MODULES[family])
    print(f"\n{family} (phases {','.join(phases)}, max examples {max_examples})")
    started = time.perf_counter()
    baseline, elapsed = run(module, None, phases, max_examples)
    verdict = "pass" if not baseline else "FAIL: " + ", ".join(sorted(baseline))
    print(f"  {'(no defect)':36} {verdict} ({elapsed:.1f} s)")
    caught = exact = 0
    for defect in module.DEFECTS:
        failed, elapsed = run(module, defect.patch, phases, max_examples)
        caught += bool(failed)
        exact += failed == set(defect.caught_by)
        if not failed:
            verdict = "MISSED"
        else:
            verdict = f"caught by {', '.join(sorted(failed))}"
            if failed != set(defect.caught_by):
                verdict += f"  (named: {', '.join(sorted(defect.caught_by))})"
        print(f"  {defect.name:36} {verdict} ({elapsed:.1f} s)")
    return caught, exact, len(module.DEFECTS), time.perf_counter() - started, not baseline


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", default=",".join(DEFECT_MODULES), help="comma-separated")
    parser.add_argument("--phases", default="scenarios", help="as for revokit check (default scenarios)")
    parser.add_argument("--max-examples", type=int, default=5)
    args = parser.parse_args()
    phases = args.phases.split(",")
    families = [f.strip() for f in args.families.split(",") if f.strip()]
    unknown = [f for f in families if f not in DEFECT_MODULES]
    if unknown:
        parser.error(f"unknown family {', '.join(unknown)}; choose from {', '.join(DEFECT_MODULES)}")

    rows = [(family, *score_family(family, phases, args.max_examples)) for family in families]
    print(f"\n{'family':12} {'caught':>8} {'by named check':>15} {'planted':>8} {'score':>6} {'time':>8}")
    for family, caught, exact, planted, seconds, _ in rows:
        print(f"{family:12} {caught:8} {exact:15} {planted:8} {caught / planted:6.0%} {seconds:7.1f}s")
    caught = sum(r[1] for r in rows)
    planted = sum(r[3] for r in rows)
    print(f"{'total':12} {caught:8} {sum(r[2] for r in rows):15} {planted:8} {caught / planted:6.0%}")
    return 0 if all(r[5] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
