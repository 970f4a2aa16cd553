"""The stateful mock: ``create_app(MockConfig(family=...))`` builds one family's Flask app."""

from .app import create_app
from .clock import Clock
from .config import MockConfig
from .pipeline import ResponseSpecViolation
from .runtime import MockRuntime

__all__ = ["Clock", "MockConfig", "MockRuntime", "ResponseSpecViolation", "create_app"]
