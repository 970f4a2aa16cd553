"""The app factory: one Flask app serves one API family plus the ``/__revokit`` control plane.

Families are served by separate apps (and ports) because their paths overlap: both Medusa
versions have ``/store/products``. Nothing here is module-level state; everything an app needs
hangs off ``app.extensions["revokit"]`` (a ``MockRuntime``). The parts it wires together each
live in a module of their own: the request pipeline (pipeline.py), what runs before and after
every request (request_hooks.py: header limit, CORS, journal), error mapping (error_mapping.py),
and the operation lane (operation_lane.py), which serves the spec operations without Flask's
request context.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response
from werkzeug.exceptions import HTTPException

from . import error_mapping
from .admin_static import ADMIN_PREFIX, admin_blueprint
from .clock import Clock
from .config import CONTROL_PREFIX, MockConfig
from .control import control
from .errors import ApiError
from .operation_lane import OperationLane, start
from .pages import swagger_assets_blueprint
from .pipeline import current_request, view_of
from .request_hooks import after, before
from .runtime import MockRuntime


class MockFlask(Flask):
    """Flask, remembering which hooks and views are coroutines instead of asking ``inspect`` for
    every one on every request (Flask's documented override point; a few % of a fast request)."""

    def __init__(self, import_name: str) -> None:
        super().__init__(import_name)
        self._synchronous: dict[Callable[..., Any], Callable[..., Any]] = {}
        # None: every request goes through Flask's request context (tests compare the two roads).
        self.operation_lane: OperationLane | None = None

    def wsgi_app(self, environ: dict, start_response: Callable[..., Any]) -> Any:
        lane = self.operation_lane
        if lane is not None:
            response = lane.answer(environ)
            if response is not None:
                return start(response, environ, start_response)
        return super().wsgi_app(environ, start_response)

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            return self._synchronous[func]
        except KeyError:
            sync = self._synchronous[func] = super().ensure_sync(func)
            return sync
        except TypeError:  # an unhashable callable: ask every time
            return super().ensure_sync(func)


def create_app(config: MockConfig | None = None, *, clock: Clock | None = None) -> Flask:
    """Build the mock for ``config.family``; ``clock`` may be shared between several apps."""
    config = config or MockConfig()
    rt = MockRuntime(config, clock)
    app = MockFlask(f"revokit.{config.family}")
    app.config["MAX_CONTENT_LENGTH"] = rt.max_body_bytes
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.extensions["revokit"] = rt
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    # One rule per spec operation: the family's routes are data (its spec), so this blueprint is
    # made per app, unlike the control plane's.
    family_bp = Blueprint("family", __name__)
    for op in rt.operations:
        family_bp.add_url_rule(
            op.rule,
            endpoint=op.operation_id,
            view_func=view_of(op),
            methods=[op.method],
            provide_automatic_options=False,
            strict_slashes=not rt.family.trailing_slash_matches,
        )
    app.register_blueprint(family_bp)
    app.register_blueprint(control)
    app.register_blueprint(swagger_assets_blueprint(CONTROL_PREFIX, config.family))
    unjournaled: tuple[str, ...] = ()
    if config.admin_dir:
        app.register_blueprint(admin_blueprint(config.admin_dir))
        unjournaled += (ADMIN_PREFIX,)  # the frontend's files are not API calls

    # Flask's hooks for the requests Flask serves; the lane calls the same two functions.
    @app.before_request
    def _before() -> Response | None:
        return before(rt, current_request())

    @app.after_request
    def _after(response: Response) -> Response:
        return after(rt, current_request(), response, unjournaled)

    app.register_error_handler(
        ApiError, lambda error: error_mapping.api_error(rt, current_request(), error, app.testing)
    )
    app.register_error_handler(
        HTTPException, lambda error: error_mapping.http_error(rt, current_request(), error)
    )
    app.register_error_handler(
        Exception, lambda error: error_mapping.unexpected(rt, current_request(), error, app.testing)
    )
    app.operation_lane = OperationLane(app, rt, rt.operations, unjournaled)
    return app
