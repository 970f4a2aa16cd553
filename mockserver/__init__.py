"""The stateful mock: ``create_app(MockConfig(family=...))`` builds one family's Flask app."""

from .app import MockConfig, MockRuntime, ResponseSpecViolation, create_app
from .clock import Clock

__all__ = ["Clock", "MockConfig", "MockRuntime", "ResponseSpecViolation", "create_app"]
