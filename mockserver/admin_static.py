"""``revokit mock --serve-admin DIR``: a built admin frontend served at ``/app`` beside the API.

Medusa's admin dashboards log in with a session cookie and call the origin they are served from
(when built with ``backendUrl: "/"``), so they must share the mock's origin. The real servers mount
the admin the same way: files at ``/app/<path>``, and ``index.html`` for every other path under
``/app`` (the dashboard routes in the browser).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, redirect, send_from_directory
from werkzeug.exceptions import NotFound

ADMIN_PREFIX = "/app"


def admin_blueprint(directory: str | Path, prefix: str = ADMIN_PREFIX) -> Blueprint:
    root = Path(directory).resolve()
    if not (root / "index.html").is_file():
        raise FileNotFoundError(f"{root} holds no index.html: not a built admin frontend")
    bp = Blueprint("admin_static", __name__)

    def index() -> Response:
        # The app's own routes change; never let a browser keep a stale shell.
        response = send_from_directory(root, "index.html", max_age=0)
        response.headers["Cache-Control"] = "no-cache"
        return response

    @bp.get(prefix)
    def _root() -> Response:
        return redirect(f"{prefix}/", code=301)  # relative asset URLs need the trailing slash

    @bp.get(f"{prefix}/")
    def _index() -> Response:
        return index()

    @bp.get(f"{prefix}/<path:path>")
    def _file(path: str) -> Response:
        try:
            return send_from_directory(root, path)  # refuses paths that leave the folder
        except NotFound:
            return index()

    return bp
