"""How much of the mock's domain code `revokit check` guards: mutants made by cosmic-ray.

For each family, cosmic-ray's operators (comparisons, boolean operators, ``not``, numbers,
``True``/``False``, exception handlers, loops...) enumerate every single-point mutant of the
family's ``models.py`` (the revoke, auth, scoping and listing logic) and ``exceptions.py`` (the
error bodies). A seeded, stratified sample is drawn per area; each sampled mutant is written into a
temporary copy of the package, the mutated mock is served by a child process on a free loopback
port, and ``revokit check FAMILY`` (the scenarios phase plus a bounded Schemathesis run) runs
against it from this process (Schemathesis and the suites are imported once). A mutant is killed
when the check fails; a mock that cannot start is counted apart (not viable), not as a kill.

Surviving mutants that were judged equivalent (no client can tell them from the original) are
listed in ``benchmarks/mutation_equivalents.yaml``, each with its reason; the kill rate is over the
non-equivalent viable mutants.

Bounds: ``--per-area N`` mutants per area (seeded by ``--sample-seed``, so the same sample is
drawn every time while the code is unchanged), ``--max-examples`` and ``--phases`` for the
Schemathesis part, ``--time-budget`` seconds per family after which no further mutant is started,
and ``--request-timeout`` so a mutant that hangs the mock fails fast. Families run one at a time.

    .venv/bin/python benchmarks/contracts_mutants.py [--families app-keys,xclade-v2]
        [--per-area 5] [--phases scenarios,examples] [--max-examples 2] [--time-budget 900]
    .venv/bin/python benchmarks/contracts_mutants.py --list --families app-keys   # the sample only

Needs cosmic-ray (``pip install -e '.[bench]'``). The outcomes of the runs before and after the
suites were strengthened (issue 17) are in ``benchmarks/results/`` (``mutants-before.json`` and
``mutants-after.json`` with the first area map; ``mutants-s17-{before,after}-seed{17,18}.json``
after the map took in the bulk-revoke, token-matching and JWT functions); print them again, under
the judgements as they are now, with ``--from-json benchmarks/results/mutants-before.json ...``.
A default run takes about 4-6 minutes per family on 2 shared cores (3-15 s per mutant).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENTS_FILE = Path(__file__).with_name("mutation_equivalents.yaml")
TEST_SCRYPT_N = 2**10  # as the tests: the seeded hashes are cheap to make and to check

# cosmic-ray's operators that make meaningful single-point mutants of this code. Left out:
# VariableReplacer/VariableInserter (random names), RemoveDecorator (turns dataclasses and
# properties into import-time crashes), and the binary operators other than + and - (the domain
# code does no bit arithmetic; a `+` turned into `<<` is a crash, not a behaviour).
OPERATOR_PREFIXES = (
    "core/ReplaceComparisonOperator",
    "core/AddNot",
    "core/ReplaceAndWithOr",
    "core/ReplaceOrWithAnd",
    "core/ReplaceTrueWithFalse",
    "core/ReplaceFalseWithTrue",
    "core/NumberReplacer",
    "core/ReplaceUnaryOperator",
    "core/ExceptionReplacer",
    "core/ZeroIterationForLoop",
    "core/ReplaceBreakWithContinue",
    "core/ReplaceContinueWithBreak",
    "core/ReplaceBinaryOperator_Add_Sub",
    "core/ReplaceBinaryOperator_Sub_Add",
)

REVOKE, AUTH, SCOPING, LISTING, ERRORS, OTHER = (
    "revoke",
    "auth",
    "store scoping",
    "listing & paging",
    "error bodies",
    "other",
)
AREAS = (REVOKE, AUTH, SCOPING, LISTING, ERRORS, OTHER)
TARGETS = {REVOKE: 0.95, AUTH: 0.95, SCOPING: 0.95, LISTING: 0.85, ERRORS: 0.85}

# Which area each function of a family's models.py belongs to (qualified names; nested functions
# take their parent's area). Functions left out (seeding, dataclass bodies) are not mutated: the
# seed is checked by the seed tests, and a broken seed stops the mock from starting anyway.
FAMILY_AREAS: dict[str, dict[str, str]] = {
    "app-keys": {
        "ApplicationKey.revoked": REVOKE,
        "AppKeysBackend.get_key": REVOKE,
        "AppKeysBackend.revoke_key": REVOKE,
        "AppKeysBackend.revoke_application_keys": REVOKE,
        "is_key_shaped": AUTH,
        "AppKeysBackend.issue_token": AUTH,
        "AppKeysBackend.authenticate_user": AUTH,
        "AppKeysBackend.authenticate_key": AUTH,
        "AppKeysBackend._token_matches": AUTH,
        # app-keys has no store: its scoping is which user's applications a token reaches.
        "AppKeysBackend.get_application": SCOPING,
        "AppKeysBackend.list_applications": LISTING,
        "AppKeysBackend._live_keys": LISTING,
        "AppKeysBackend.list_keys": LISTING,
        "redact": OTHER,
        "AppKeysBackend.create_application": OTHER,
        "AppKeysBackend.create_key": OTHER,
        "AppKeysBackend._new_key": OTHER,
        "AppKeysBackend.user_by_email": OTHER,  # the control plane's revoke-as-user
        "AppKeysBackend.key_overview": OTHER,
    },
    "medusa-v1": {
        "PublishableApiKey.revoked": REVOKE,
        "MedusaV1Backend.get_key": REVOKE,
        "MedusaV1Backend.delete_key": REVOKE,
        "MedusaV1Backend.revoke_key": REVOKE,
        "MedusaV1Backend.revoke_keys": REVOKE,
        "MedusaV1Backend.user_by_email": AUTH,
        "MedusaV1Backend.user": AUTH,
        "MedusaV1Backend.user_by_api_token": AUTH,
        "MedusaV1Backend.login": AUTH,
        "MedusaV1Backend.open_session": AUTH,
        "MedusaV1Backend.session_from_cookie": AUTH,
        "MedusaV1Backend.close_session": AUTH,
        "MedusaV1Backend.issue_jwt": AUTH,
        "MedusaV1Backend.jwt_user_id": AUTH,
        "MedusaV1Backend.authenticate_admin": AUTH,
        "MedusaV1Backend._links": SCOPING,
        "MedusaV1Backend.add_key_channels": SCOPING,
        "MedusaV1Backend.remove_key_channels": SCOPING,
        "MedusaV1Backend.key_channels": SCOPING,
        "MedusaV1Backend.store_scope": SCOPING,
        "MedusaV1Backend.check_channel_param": SCOPING,
        "MedusaV1Backend.list_store_products": SCOPING,
        "MedusaV1Backend.get_store_product": SCOPING,
        "MedusaV1Backend.create_cart": SCOPING,
        "MedusaV1Backend.default_channel_id": SCOPING,
        "matches_dates": LISTING,
        "order_records": LISTING,
        "paginate": LISTING,
        "MedusaV1Backend.list_keys": LISTING,
        "MedusaV1Backend.list_channels": LISTING,
        "millis": OTHER,
        "MedusaV1Backend.create_key": OTHER,
        "MedusaV1Backend.update_key": OTHER,
        "MedusaV1Backend.get_channel": OTHER,
        "MedusaV1Backend.create_channel": OTHER,
        "MedusaV1Backend.update_channel": OTHER,
        "MedusaV1Backend.delete_channel": OTHER,
        "MedusaV1Backend.add_channel_products": OTHER,
        "MedusaV1Backend.remove_channel_products": OTHER,
        "MedusaV1Backend.channel_names": OTHER,
        "MedusaV1Backend.key_overview": OTHER,
        "_handle": OTHER,
    },
    "xclade-v2": {
        "ApiKey.revoked_by_time": REVOKE,
        "XcladeBackend.get_api_key": REVOKE,
        "XcladeBackend._missing_key": REVOKE,
        "XcladeBackend.revoke_api_key": REVOKE,
        "XcladeBackend.delete_api_key": REVOKE,
        "XcladeBackend.revoke_api_keys": REVOKE,
        "KeySelector.matches": REVOKE,
        "revocation_time": REVOKE,
        "XcladeBackend.user_by_email": AUTH,
        "XcladeBackend.login": AUTH,
        "XcladeBackend.auth_context_for": AUTH,
        "XcladeBackend.sign": AUTH,
        "XcladeBackend.decode_jwt": AUTH,
        "XcladeBackend.open_session": AUTH,
        "XcladeBackend.session_from_cookie": AUTH,
        "XcladeBackend.close_session": AUTH,
        "XcladeBackend.authenticate_secret_key": AUTH,
        "XcladeBackend._token_matches": AUTH,
        "XcladeBackend.get_user": AUTH,
        "XcladeBackend.issue_jwt": AUTH,
        "XcladeBackend.refresh_jwt": AUTH,
        "XcladeBackend.link_sales_channels": SCOPING,
        "XcladeBackend.sales_channels_of": SCOPING,
        "XcladeBackend.publishable_key_for_store": SCOPING,
        "XcladeBackend.store_channel_ids": SCOPING,
        "XcladeBackend._visible_products": SCOPING,
        "XcladeBackend.store_products": SCOPING,
        "XcladeBackend.store_product": SCOPING,
        "XcladeBackend._duplicate_links": SCOPING,
        "matches_date": LISTING,
        "contains": LISTING,
        "parse_order": LISTING,
        "sort_records": LISTING,
        "_sort_key": LISTING,
        "page": LISTING,
        "XcladeBackend.list_api_keys": LISTING,
        "XcladeBackend.list_sales_channels": LISTING,
        "_paging_reaches_database": LISTING,
        "redact": OTHER,
        "XcladeBackend.create_api_key": OTHER,
        "XcladeBackend.update_api_key": OTHER,
        "XcladeBackend.create_sales_channel": OTHER,
        "XcladeBackend.get_sales_channel": OTHER,
        "XcladeBackend.link_products": OTHER,
        "XcladeBackend.update_sales_channel": OTHER,
        "XcladeBackend.delete_sales_channel": OTHER,
        "XcladeBackend.key_overview": OTHER,
        "_iso": OTHER,
    },
}
PACKAGE_DIRS = {"app-keys": "app_keys", "medusa-v1": "medusa_v1", "xclade-v2": "xclade_v2"}


@dataclass(frozen=True)
class Site:
    """Where one mutant goes: cheap to enumerate, enough to make it (``make_mutant``)."""

    family: str
    path: str  # relative to the repository
    operator: str
    occurrence: int
    line: int
    function: str
    area: str


@dataclass(frozen=True)
class Mutant:
    site: Site
    before: str
    after: str

    @property
    def key(self) -> str:
        """Names the mutant by what it changes (stable while the line's text is unchanged)."""
        s = self.site
        return f"{s.path}:{s.function}:{s.operator}:{self.before} -> {self.after}"


@dataclass
class Outcome:
    mutant: Mutant
    verdict: str  # killed | survived | not viable
    failed_checks: list[str] = field(default_factory=list)
    seconds: float = 0.0


# -- making mutants ---------------------------------------------------------------------------------


def _function_spans(source: str) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of every top-level function and method."""
    spans = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            spans.append((node.lineno, node.end_lineno or node.lineno, node.name))
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    first = min([item.lineno, *(d.lineno for d in item.decorator_list)])
                    spans.append((first, item.end_lineno or item.lineno, f"{node.name}.{item.name}"))
    return spans


def _function_at(spans: list[tuple[int, int, str]], line: int) -> str | None:
    return next((name for first, last, name in spans if first <= line <= last), None)


def _changed_lines(original: str, mutated: str) -> tuple[str, str]:
    before, after = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, original.splitlines(), mutated.splitlines()
    ).get_opcodes():
        if tag != "equal":
            before += original.splitlines()[i1:i2]
            after += mutated.splitlines()[j1:j2]
    return " / ".join(s.strip() for s in before), " / ".join(s.strip() for s in after)


def _positions(tree, operator) -> Iterator[tuple[int, int]]:
    """(occurrence, line) for each place ``operator`` can mutate, in cosmic-ray's own order."""
    from cosmic_ray.ast import ast_nodes

    occurrence = 0
    for node in ast_nodes(tree):
        for start, _end in operator.mutation_positions(node):
            yield occurrence, start[0]
            occurrence += 1


def enumerate_sites(family: str) -> list[Site]:
    """Every mutation site in the family's models.py (mapped functions) and exceptions.py."""
    from cosmic_ray.ast import get_ast
    from cosmic_ray.plugins import get_operator, operator_names

    operators = [name for name in operator_names() if name.startswith(OPERATOR_PREFIXES)]
    package = Path("mockserver/families") / PACKAGE_DIRS[family]
    areas = FAMILY_AREAS[family]
    sites = []
    for filename in ("models.py", "exceptions.py"):
        path = package / filename
        source = (ROOT / path).read_text()
        tree = get_ast(source)
        spans = _function_spans(source)
        for name in operators:
            for occurrence, line in _positions(tree, get_operator(name)()):
                function = _function_at(spans, line) or "(module)"
                area = areas.get(function) if filename == "models.py" else ERRORS
                if area is not None:
                    sites.append(Site(family, str(path), name, occurrence, line, function, area))
    return sites


def make_mutant(site: Site) -> tuple[Mutant, str] | None:
    """The mutant at ``site`` and its mutated source (None when the operator changes nothing)."""
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.plugins import get_operator

    source = (ROOT / site.path).read_text()
    mutated = mutate_code(source, get_operator(site.operator)(), site.occurrence)
    if mutated is None or mutated == source:
        return None
    before, after = _changed_lines(source, mutated)
    return Mutant(site, before, after), mutated


def sample(sites: list[Site], per_area: int, seed: int, areas: tuple[str, ...]) -> list[Site]:
    """Up to ``per_area`` sites of each area, drawn with a fixed seed, in file order."""
    rng = random.Random(seed)
    by_area: dict[str, list[Site]] = defaultdict(list)
    for site in sites:
        by_area[site.area].append(site)
    chosen = []
    for area in areas:
        pool = by_area.get(area, [])
        chosen += rng.sample(pool, min(per_area, len(pool)))
    return sorted(chosen, key=lambda s: (s.path, s.line, s.operator, s.occurrence))


# -- serving a mutated mock -------------------------------------------------------------------------


def make_package_copy(into: Path) -> Path:
    """A copy of the ``revokit`` import package laid out as installed: ``into/revokit/...``.

    Only ``mockserver`` is copied (it is what gets mutated); specs, fixtures and contracts are
    linked. A child with ``into`` first on ``sys.path`` imports this copy, not the editable install.
    """
    package = into / "revokit"
    shutil.copytree(ROOT / "revokit", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "mockserver", package / "mockserver", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("specs", "fixtures", "contracts"):
        (package / name).symlink_to(ROOT / name, target_is_directory=True)
    return package


#: The mutated mocks sign with this, and `revokit check` is given it (--jwt-secret).
MUTANT_JWT_SECRET = "revokit-mutants-jwt-secret-of-32-bytes-or-more"
#: The mutated Medusa mocks' sessions last this long by default (--session-ttl), so the suites'
#: `session_expires` waits them out (with the releases' 10 hours that scenario is skipped).
MUTANT_SESSION_TTL_SECONDS = 2.0
SESSION_TTL_VARIABLE = "REVOKIT_MUTANT_SESSION_TTL"  # how the parent tells the serving children


def forget_tokens(known: Any) -> None:
    """Serve the mutant as a restarted process holds its keys: knowing no token in the clear.

    A real backend checks every secret against its stored hash. The mock's digest of the tokens
    it made itself (``hashing.KnownTokens``) is a shortcut no backend has, and while it answers,
    the hash check (meant for keys made before a restart, ``--state``) is never run by a check,
    so its mutants would survive for want of being reached, not for want of a check.
    """
    known.learn = lambda record_id, token: None
    known.matches = lambda record_id, token: None


def serve_child(copy_root: str, family: str) -> None:
    """Child process: serve ``family`` from the package copy; print its port and credentials."""
    sys.path.insert(0, copy_root)
    import logging

    from werkzeug.serving import make_server

    from revokit.mockserver import MockConfig, create_app

    assert Path(sys.modules["revokit"].__file__).is_relative_to(copy_root), (
        "serving the original, not the copy"
    )
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    config = MockConfig(
        family=family,
        scrypt_n=TEST_SCRYPT_N,
        jwt_secret=MUTANT_JWT_SECRET,
        session_ttl_seconds=float(os.environ.get(SESSION_TTL_VARIABLE, MUTANT_SESSION_TTL_SECONDS)),
    )
    app = create_app(config)
    forget_tokens(app.extensions["revokit"].known_tokens)
    seed = app.extensions["revokit"].seed_info
    if family == "app-keys":
        creds = {"token": seed["users"][0]["token"], "other_token": seed["users"][1]["token"]}
    else:
        creds = {"email": seed["admin"]["email"], "password": seed["admin"]["password"]}
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(json.dumps({"port": server.server_port, **creds}), flush=True)
    server.serve_forever(poll_interval=0.05)


class MutantServer:
    """A child process serving the package copy's (possibly mutated) mock of one family."""

    def __init__(self, copy_root: Path, family: str, start_timeout: float = 60.0) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(copy_root), family],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=copy_root,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
        line = self.process.stdout.readline()  # blocks until ready or the child dies
        if not line:
            self.stop()
            raise RuntimeError(self.process.stderr.read()[-2000:] if self.process.stderr else "no output")
        self.info = json.loads(line)
        self.base_url = f"http://127.0.0.1:{self.info['port']}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# -- checking -----------------------------------------------------------------------------------------


def check(server: MutantServer, family: str, args: argparse.Namespace) -> list[str]:
    """Run ``revokit check`` against the served mock; return the names of the failed checks."""
    from revokit.contracts import run_conformance
    from revokit.contracts.report import Outcome as CheckOutcome

    report = run_conformance(
        family,
        base_url=server.base_url,
        token=server.info.get("token"),
        other_token=server.info.get("other_token"),
        email=server.info.get("email"),
        password=server.info.get("password"),
        jwt_secret=MUTANT_JWT_SECRET,  # as a team passes its test deployment's secret
        phases=args.phases.split(","),
        max_examples=args.max_examples,
        request_timeout=args.request_timeout,
    )
    return sorted({r.name for r in report.results if r.outcome == CheckOutcome.FAILED})


def run_mutant(made: tuple[Mutant, str] | None, copy_root: Path, args: argparse.Namespace) -> Outcome | None:
    """Serve the copy with one mutant written in (or none: the baseline) and check it."""
    mutant = made[0] if made else None
    family_file = copy_root / "revokit" / (mutant.site.path if mutant else "mockserver/__init__.py")
    original = family_file.read_text()
    started = time.perf_counter()
    try:
        if mutant is not None:
            family_file.write_text(made[1])
        try:
            server = MutantServer(copy_root, args.family)
        except (RuntimeError, ValueError) as failure:
            if mutant is None:
                raise
            return Outcome(mutant, "not viable", [str(failure).strip().splitlines()[-1][:120]])
        try:
            failed = check(server, args.family, args)
        except Exception as failure:  # a check that cannot run (exit 2) against a served mock
            failed = [f"usage: {type(failure).__name__}: {str(failure)[:100]}"]
        finally:
            server.stop()
    finally:
        family_file.write_text(original)
    elapsed = time.perf_counter() - started
    if mutant is None:
        if failed:
            raise SystemExit(f"the unmutated mock fails the check: {', '.join(failed)}")
        print(f"  (unmutated mock) pass ({elapsed:.1f} s)", flush=True)
        return None
    return Outcome(mutant, "killed" if failed else "survived", failed, elapsed)


# -- reporting ----------------------------------------------------------------------------------------


# How a surviving mutant was judged (benchmarks/mutation_equivalents.yaml). The first two leave
# the kill rate's denominator; "out of reach" stays in it as a survivor, with its reason printed.
EQUIVALENT, OUTSIDE, OUT_OF_REACH = "equivalent", "outside the contract", "out of reach"
EXCLUDED = (EQUIVALENT, OUTSIDE)


def load_judgements() -> dict[str, tuple[str, str]]:
    """Mutant key -> (verdict, reason) for the surviving mutants judged so far."""
    if not EQUIVALENTS_FILE.exists():
        return {}
    entries = yaml.safe_load(EQUIVALENTS_FILE.read_text()) or []
    judged = {}
    for entry in entries:
        if entry["verdict"] not in (EQUIVALENT, OUTSIDE, OUT_OF_REACH):
            raise SystemExit(f"{EQUIVALENTS_FILE.name}: unknown verdict {entry['verdict']!r}")
        judged[entry["mutant"]] = (entry["verdict"], entry["reason"])
    return judged


def report_family(
    family: str, made: int, outcomes: list[Outcome], judged: dict[str, tuple[str, str]]
) -> dict:
    rows: dict[str, Counter] = defaultdict(Counter)
    survivors = []
    for outcome in outcomes:
        row = rows[outcome.mutant.site.area]
        row["sampled"] += 1
        verdict, reason = judged.get(outcome.mutant.key, (None, None))
        if outcome.verdict == "not viable":
            row["not viable"] += 1
        elif outcome.verdict == "killed":
            row["killed"] += 1
        elif verdict in EXCLUDED:
            row[verdict] += 1
            survivors.append((outcome, verdict, reason))
        else:
            row["survived"] += 1
            survivors.append((outcome, verdict, reason))
    print(f"\n{family}: {made} mutants made, {len(outcomes)} run")
    print(
        f"  {'area':18} {'run':>4} {'killed':>7} {'survived':>9} {'equiv.':>7} {'no contract':>12}"
        f" {'n/viable':>9} {'kill rate':>10} {'target':>7}"
    )
    total: Counter = Counter()
    for area in AREAS:
        row = rows.get(area)
        if not row:
            continue
        total.update(row)
        print(_row(area, row, TARGETS.get(area)))
    print(_row("all", total, None))
    if survivors:
        print("  surviving mutants:")
        for outcome, verdict, reason in survivors:
            m, site = outcome.mutant, outcome.mutant.site
            print(
                f"   - [{site.area}] {site.path}:{site.line} {site.function} {site.operator.removeprefix('core/')}"
            )
            print(f"       {m.before}  ->  {m.after}")
            print(
                f"       {verdict.upper() if verdict else 'NOT KILLED, not judged'}: {reason or ''}".rstrip(
                    ": "
                )
            )
            if not verdict:
                print(f"       key: {m.key}")
    return {area: dict(row) for area, row in rows.items()}


def _row(name: str, row: Counter, target: float | None) -> str:
    judged = row["killed"] + row["survived"]
    rate = f"{row['killed'] / judged:.0%}" if judged else "-"
    goal = f"{target:.0%}" if target else ""
    return (
        f"  {name:18} {row['sampled']:4} {row['killed']:7} {row['survived']:9} {row[EQUIVALENT]:7}"
        f" {row[OUTSIDE]:12} {row['not viable']:9} {rate:>10} {goal:>7}"
    )


def outcomes_from_json(entries: list[dict]) -> list[Outcome]:
    """Outcomes saved by ``--json``, to print their table again under today's judgements."""
    fields = set(Site.__dataclass_fields__)
    return [
        Outcome(
            Mutant(Site(**{k: v for k, v in e.items() if k in fields}), e["before"], e["after"]),
            e["verdict"],
            e["failed"],
        )
        for e in entries
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", default=",".join(FAMILY_AREAS), help="comma-separated, run in turn")
    parser.add_argument("--per-area", type=int, default=5, help="mutants sampled per area (default 5)")
    parser.add_argument("--sample-seed", type=int, default=17)
    parser.add_argument("--phases", default="scenarios,examples", help="as for revokit check")
    parser.add_argument("--max-examples", type=int, default=2)
    parser.add_argument("--request-timeout", type=float, default=5.0)
    parser.add_argument("--time-budget", type=float, default=900.0, help="seconds per family")
    parser.add_argument(
        "--session-ttl",
        type=float,
        default=MUTANT_SESSION_TTL_SECONDS,
        help="seconds a mutated Medusa mock's session lasts (default 2: session_expires waits it out, "
        "3.5 s per mutant; 36000 skips that scenario, which reaches only session code)",
    )
    parser.add_argument(
        "--areas",
        default=",".join(TARGETS),
        help=f"areas to sample (default: all but {OTHER!r}); fewer areas draw another sample than the "
        "full run (one random stream serves the areas in turn): to re-run mutants of a full sample, "
        "keep the areas and use --only",
    )
    parser.add_argument("--only", default="", help="run only mutants whose key contains this text")
    parser.add_argument("--list", action="store_true", help="print the sample and stop")
    parser.add_argument("--json", type=Path, help="also write the outcomes as JSON")
    parser.add_argument(
        "--from-json",
        type=Path,
        nargs="+",
        help="print the tables of saved runs again, under today's judgements",
    )
    args = parser.parse_args()
    os.environ[SESSION_TTL_VARIABLE] = str(args.session_ttl)
    if args.from_json:
        judged = load_judgements()
        for path in args.from_json:
            print(f"\n== {path}")
            for family, saved in json.loads(path.read_text())["families"].items():
                report_family(family, saved["made"], outcomes_from_json(saved["mutants"]), judged)
        return 0
    families = [f.strip() for f in args.families.split(",") if f.strip()]
    unknown = [f for f in families if f not in FAMILY_AREAS]
    if unknown:
        parser.error(f"unknown family {', '.join(unknown)}; choose from {', '.join(FAMILY_AREAS)}")
    print(
        f"cosmic-ray mutants, {args.per_area} per area (sample seed {args.sample_seed}); check phases "
        f"{args.phases}, max examples {args.max_examples}, budget {args.time_budget:.0f} s per family"
    )
    areas = tuple(a.strip() for a in args.areas.split(",") if a.strip())
    judged = load_judgements()
    saved: dict[str, dict] = {}
    for family in families:
        args.family = family
        sites = enumerate_sites(family)
        made_per_area = Counter(site.area for site in sites)
        print(
            f"\n{family}: {len(sites)} mutants made ({', '.join(f'{a} {made_per_area[a]}' for a in AREAS)})"
        )
        chosen = [
            made
            for site in sample(sites, args.per_area, args.sample_seed, areas)
            if (made := make_mutant(site))
        ]
        chosen = [made for made in chosen if args.only in made[0].key]
        if args.list:
            for mutant, _ in chosen:
                print(f"  [{mutant.site.area}] {mutant.site.path}:{mutant.site.line} {mutant.key}")
            continue
        outcomes = []
        with tempfile.TemporaryDirectory(prefix="revokit-mutants-") as tmp:
            copy_root = Path(tmp)
            make_package_copy(copy_root)
            run_mutant(None, copy_root, args)
            deadline = time.monotonic() + args.time_budget
            for index, made in enumerate(chosen, 1):
                if time.monotonic() > deadline:
                    print(f"  time budget spent: {len(chosen) - index + 1} sampled mutants not run")
                    break
                outcome = run_mutant(made, copy_root, args)
                outcomes.append(outcome)
                site = made[0].site
                print(
                    f"  {index:2}/{len(chosen)} {outcome.verdict:10} [{site.area}] {site.function}:"
                    f"{site.line} {site.operator.removeprefix('core/')} ({outcome.seconds:.1f} s)"
                    + (f"  {', '.join(outcome.failed_checks[:4])}" if outcome.failed_checks else ""),
                    flush=True,
                )
        report_family(family, len(sites), outcomes, judged)
        saved[family] = {
            "made": len(sites),
            "mutants": [
                {
                    **o.mutant.site.__dict__,
                    "before": o.mutant.before,
                    "after": o.mutant.after,
                    "key": o.mutant.key,
                    "verdict": o.verdict,
                    "failed": o.failed_checks,
                }
                for o in outcomes
            ],
        }
    if args.json:
        args.json.write_text(json.dumps({"families": saved}, indent=1))
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve_child(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
