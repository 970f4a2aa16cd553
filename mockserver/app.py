"""The app factory: one Flask app serves one API family plus the ``/__revokit`` control plane.

Families are served by separate apps (and ports) because their paths overlap: both Medusa
versions have ``/store/products``. Nothing here is module-level state; everything an app needs
hangs off ``app.extensions["revokit"]`` (a ``MockRuntime``). The parts it wires together each
live in a module of their own: the request pipeline (pipeline.py), CORS (cors.py), the header
limit (header_limit.py), error mapping (error_mapping.py) and the journal (journal_entry.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Request, Response, g, request
from flask import request as _request_proxy
from werkzeug.exceptions import HTTPException

from . import error_mapping
from .admin_static import ADMIN_PREFIX, admin_blueprint
from .clock import Clock
from .config import CONTROL_PREFIX, MockConfig
from .control import control
from .cors import add_cors_headers, preflight_answer
from .errors import ApiError
from .header_limit import header_bytes
from .journal_entry import journal_entry
from .pages import swagger_assets_blueprint
from .pipeline import view_of
from .runtime import MockRuntime


class MockFlask(Flask):
    """Flask, remembering which hooks and views are coroutines instead of asking ``inspect`` for
    every one on every request (Flask's documented override point; a few % of a fast request)."""

    def __init__(self, import_name: str) -> None:
        super().__init__(import_name)
        self._synchronous: dict[Callable[..., Any], Callable[..., Any]] = {}

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

    @app.before_request
    def _header_limit_and_preflight() -> Response | None:
        # One hook, not two: Flask's per-hook cost is a measurable part of a fast request.
        if request.path.startswith(CONTROL_PREFIX):
            return None  # no header limit, and no CORS at all, on the control plane
        if header_bytes(request.environ) > rt.max_header_bytes:
            raise rt.family.errors.headers_too_large(rt.error_context(), rt.max_header_bytes)
        return preflight_answer(request)

    @app.after_request
    def _cors_and_journal(response: Response) -> Response:
        request: Request = _request_proxy._get_current_object()  # type: ignore[attr-defined]
        is_control = request.path.startswith(CONTROL_PREFIX)
        if not is_control:
            add_cors_headers(request, response)
        # Control routes stay out of the journal, except those that mark themselves (a bulk revoke).
        journaled = not is_control or g.get("revokit_journal", False)
        if journaled and not request.path.startswith(unjournaled) and request.method != "OPTIONS":
            rt.journal.record(journal_entry(rt, request, response))
        return response

    app.register_error_handler(ApiError, error_mapping.api_error)
    app.register_error_handler(HTTPException, error_mapping.http_error)
    app.register_error_handler(Exception, error_mapping.unexpected)
    return app
