"""The conformance suites as a Python call: against a URL, or against a WSGI app in this process.

``run_conformance`` is what the pytest plugin's ``revokit_conformance`` fixture calls, and what a
user's own test calls to check their Flask (or any WSGI) app without deploying it:

    report = run_conformance("app-keys", app=create_app(), token=jwt, phases=["scenarios"])
    report.raise_for_failures()

An app is served on a free loopback port by a thread of this process for the length of the run.
The suites speak real HTTP on purpose: headers, cookies, encodings and status lines then go
through the same WSGI server code a deployment uses, so a pass means what it means for a URL.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from revokit.testing_server import LiveServer, WSGIApp

from .report import Report, write_junit
from .runner import ALL_PHASES, CONTRACT_PROFILE, DEFAULT_MAX_EXAMPLES, DEFAULT_SEED, CheckOptions, run_check
from .suite import Credentials, UsageError


@contextmanager
def serve_wsgi(app: WSGIApp, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` on a free port of ``host`` in a daemon thread; yield its base URL."""
    # werkzeug logs every request at INFO; a conformance run sends thousands.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with LiveServer(app, host=host, name="revokit-conformance") as server:
        yield server.url


def run_conformance(
    family: str,
    *,
    base_url: str | None = None,
    app: WSGIApp | None = None,
    profile: str = CONTRACT_PROFILE,
    email: str | None = None,
    password: str | None = None,
    token: str | None = None,
    other_token: str | None = None,
    jwt_secret: str | None = None,
    seed: int = DEFAULT_SEED,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    phases: Sequence[str] = ALL_PHASES,
    allow_files: Sequence[str | Path] = (),
    junit_xml: str | Path | None = None,
    request_timeout: float = 15.0,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Run ``family``'s conformance suite against ``base_url`` or the WSGI ``app`` (exactly one).

    Returns the :class:`Report` (``report.exit_code``, ``report.failed``,
    ``report.raise_for_failures()``); raises :class:`UsageError` for what keeps a run from
    starting, as ``revokit check`` exits 2 for it.
    """
    if (base_url is None) == (app is None):
        raise UsageError("run_conformance needs exactly one of base_url= and app=")
    options = CheckOptions(
        family=family,
        base_url=base_url or "",
        credentials=Credentials(
            token=token, other_token=other_token, email=email, password=password, jwt_secret=jwt_secret
        ),
        seed=seed,
        max_examples=max_examples,
        phases=list(phases),
        allow_files=list(allow_files),
        profile=profile,
        request_timeout=request_timeout,
    )
    if app is not None:
        with serve_wsgi(app) as url:
            options.base_url = url
            report = run_check(options, progress)
    else:
        report = run_check(options, progress)
    if junit_xml is not None:
        write_junit(report, junit_xml)
    return report
