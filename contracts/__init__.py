"""Conformance suites that check a real backend against the specs (`revokit check`).

``run_conformance`` runs a suite from Python (a URL, or a WSGI app in this process); it is what
the pytest plugin's ``revokit_conformance`` fixture calls.
"""

from .inprocess import run_conformance, serve_wsgi
from .report import ConformanceFailure, Report
from .suite import UsageError

__all__ = ["ConformanceFailure", "Report", "UsageError", "run_conformance", "serve_wsgi"]
