"""revokit: stateful mocks, conformance suites and pytest fixtures for API-key APIs."""

from importlib.metadata import PackageNotFoundError, version
from typing import Any

try:
    __version__ = version("revokit")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"


def __getattr__(name: str) -> Any:
    # ``FAMILIES``, the registered family names, is read from the registry (``revokit.registry``)
    # when first asked for, so importing revokit loads no family's entry point.
    if name == "FAMILIES":
        from .registry import family_names

        return family_names()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
