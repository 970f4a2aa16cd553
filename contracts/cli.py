"""``revokit check FAMILY --base-url URL ...``: check a backend against a family's contract.

Exit codes: 0 every check holds (allowed failures included), 1 a check failed, 2 a usage problem
(bad options, credentials the backend refuses, an allow file that cannot be read) or a backend
that cannot be reached.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from revokit.registry import family_names

from .report import EXIT_USAGE, render_text, write_env_file, write_junit
from .runner import ALL_PHASES, DEFAULT_MAX_EXAMPLES, DEFAULT_SEED, CheckOptions, run_check
from .suite import Credentials, UsageError

EPILOG = """\
credentials are read from the environment when not given: REVOKIT_TOKEN, REVOKIT_OTHER_TOKEN,
REVOKIT_EMAIL, REVOKIT_PASSWORD, REVOKIT_JWT_SECRET. The report's curl lines refer to these
variables instead of showing the secrets, so export them to replay a line.

allow file: a YAML list of expected failures, e.g.
  - check: revoke_again_not_found
    operation: DELETE /api/v1/applications/{id}/api-keys/{keyId}   # optional
    reason: our gateway answers 200 to a second revoke (TICKET-123)

exit codes: 0 all checks hold, 1 a check failed, 2 usage problem or unreachable backend.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="revokit check",
        description="Check a real backend against a family's spec and revoke contract: Schemathesis "
        "(examples, coverage, fuzzing, stateful) and deterministic semantic scenarios.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "family", metavar="FAMILY", choices=family_names(), help=f"one of {', '.join(family_names())}"
    )
    parser.add_argument(
        "--base-url", required=True, help="the backend's base URL, e.g. http://127.0.0.1:9000"
    )
    creds = parser.add_argument_group("credentials")
    creds.add_argument(
        "--token",
        default=os.environ.get("REVOKIT_TOKEN"),
        help="instead of a login, per family -- app-keys: a user's JWT (sent as Authorization: Bearer; "
        "the mock mints one: POST /__revokit/tokens); medusa-v1: the admin's API token "
        "(x-medusa-access-token) or a JWT from POST /admin/auth/token; xclade-v2: a secret API key "
        "(sk_...) sent with HTTP Basic, or an admin JWT",
    )
    creds.add_argument(
        "--other-token",
        default=os.environ.get("REVOKIT_OTHER_TOKEN"),
        help="app-keys: a second user's JWT, for the checks that need two identities (403s)",
    )
    creds.add_argument(
        "--email", default=os.environ.get("REVOKIT_EMAIL"), help="admin e-mail (Medusa families)"
    )
    creds.add_argument(
        "--password", default=os.environ.get("REVOKIT_PASSWORD"), help="admin password (Medusa families)"
    )
    creds.add_argument(
        "--jwt-secret",
        default=os.environ.get("REVOKIT_JWT_SECRET"),
        help="the backend's JWT signing secret (a test deployment's, never production's): the suites "
        "then also send tokens it would sign but must refuse (expired, not yet valid, wrong claims)",
    )
    parser.add_argument(
        "--profile",
        default="contract",
        help="allow exactly the deviations of this behaviour profile (specs/profiles/*.yaml); default contract",
    )
    parser.add_argument(
        "--allow",
        action="append",
        default=[],
        metavar="FILE",
        help="YAML list of expected failures (check, operation, reason); may be repeated",
    )
    parser.add_argument("--junit-xml", metavar="FILE", help="also write the results as JUnit XML")
    parser.add_argument(
        "--env-file",
        metavar="FILE",
        help="write every credential the curl lines read (yours and those the run's login obtained) "
        "as export lines to FILE (mode 600), so `. FILE` lets you replay them",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"generation seed (default {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--max-examples",
        type=int,
        default=DEFAULT_MAX_EXAMPLES,
        metavar="N",
        help=f"Schemathesis examples per operation and phase (default {DEFAULT_MAX_EXAMPLES})",
    )
    parser.add_argument(
        "--phases",
        default=",".join(ALL_PHASES),
        help=f"comma-separated subset of {','.join(ALL_PHASES)} (default: all)",
    )
    parser.add_argument(
        "--request-timeout", type=float, default=15.0, metavar="SECONDS", help="per request (default 15)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress lines on stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # argparse: --help is 0, a usage error 2
        return int(exc.code) if isinstance(exc.code, int) else EXIT_USAGE

    def progress(message: str) -> None:
        if not args.quiet:
            print(f"revokit check: {message}", file=sys.stderr, flush=True)

    options = CheckOptions(
        family=args.family,
        base_url=args.base_url,
        credentials=Credentials(
            token=args.token or None,
            other_token=args.other_token or None,
            email=args.email or None,
            password=args.password or None,
            jwt_secret=args.jwt_secret or None,
        ),
        seed=args.seed,
        max_examples=args.max_examples,
        phases=[p.strip() for p in args.phases.split(",") if p.strip()],
        allow_files=args.allow,
        profile=args.profile,
        request_timeout=args.request_timeout,
    )
    try:
        report = run_check(options, progress)
    except UsageError as exc:
        print(f"revokit check: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.env_file:
        write_env_file(report, args.env_file)
    sys.stdout.write(render_text(report))
    sys.stdout.flush()
    if args.junit_xml:
        write_junit(report, args.junit_xml)
        progress(f"JUnit XML written to {args.junit_xml}")
    return report.exit_code
