"""Mutation score of `revokit check app-keys`: how many planted defects the suite catches.

Each defect (tests/contracts/contracts_defects.py) wraps an in-process app-keys mock; the check
runs against it over a loopback socket, and a defect counts as caught when the run fails. The
unmodified mock is run too: it must pass, or the score means nothing.

    .venv/bin/python benchmarks/contracts_mutation_score.py [--phases scenarios] [--max-examples 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "tests" / "contracts")]

from contracts_defects import DEFECTS, defective_app, serve, tokens  # noqa: E402

from revokit.contracts.report import Outcome  # noqa: E402
from revokit.contracts.runner import CheckOptions, run_check  # noqa: E402
from revokit.contracts.suite import Credentials  # noqa: E402


def run(patch, phases: list[str], max_examples: int) -> tuple[set[str], float]:
    app = defective_app(patch)
    alice, bob = tokens(app)
    started = time.perf_counter()
    with serve(app) as base:
        report = run_check(
            CheckOptions(
                "app-keys",
                base,
                Credentials(token=alice, other_token=bob),
                phases=phases,
                max_examples=max_examples,
            )
        )
    return {r.name for r in report.results if r.outcome == Outcome.FAILED}, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phases", default="scenarios", help="as for revokit check (default scenarios)")
    parser.add_argument("--max-examples", type=int, default=5)
    args = parser.parse_args()
    phases = args.phases.split(",")

    baseline, elapsed = run(None, phases, args.max_examples)
    print(
        f"{'(no defect)':34} {'pass' if not baseline else 'FAIL: ' + ', '.join(sorted(baseline))} {elapsed:.1f} s"
    )
    caught = 0
    for defect in DEFECTS:
        failed, elapsed = run(defect.patch, phases, args.max_examples)
        caught += bool(failed)
        verdict = f"caught by {', '.join(sorted(failed))}" if failed else "MISSED"
        print(f"{defect.name:34} {verdict} ({elapsed:.1f} s)")
    print(f"\nmutation score: {caught}/{len(DEFECTS)} = {caught / len(DEFECTS):.0%} (phases {args.phases})")
    return 0 if not baseline else 1


if __name__ == "__main__":
    sys.exit(main())
