"""revokit: stateful mocks, conformance suites and pytest fixtures for API-key APIs."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("revokit")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0.0.0"

FAMILIES: tuple[str, ...] = ("medusa-v1", "xclade-v2", "app-keys")
