"""Pages a person opens in a browser on a running mock, beside the control plane.

``/__revokit/`` is the live state page: every key with its state and scope, and the latest
requests, refreshed by polling ``/__revokit/overview`` (JSON, no secrets). ``/__revokit/docs/``
is Swagger UI for the family's spec, served from the flask-swagger-ui package (no CDN), with the
seeded credentials already entered so "try it out" works at once. The pages load only their own
scripts (no inline code) and talk to the port that served them.
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from flask import Blueprint, Response, jsonify
from flask_swagger_ui import get_swaggerui_blueprint

from .clock import isoformat_ms
from .config import CONTROL_PREFIX
from .runtime import runtime

PAGE_FILES = files(__package__).joinpath("pages")
ASSET_TYPES = {".html": "text/html", ".js": "text/javascript", ".css": "text/css"}
JOURNAL_ROWS = 25  # the latest requests the state page lists
SWAGGER_ASSETS = "swagger-ui"  # where flask-swagger-ui's files are served, under the prefix


# Registered inside the control blueprint (control.py), so its guards apply to the pages too.
pages = Blueprint("pages", __name__)


def _page_file(name: str) -> Response:
    suffix = name[name.rfind(".") :]
    data = PAGE_FILES.joinpath(name).read_bytes()
    response = Response(data, mimetype=ASSET_TYPES[suffix])
    response.headers["Cache-Control"] = "no-cache"
    return response


def overview() -> dict[str, Any]:
    """What the state page shows: keys with state and scope, the latest requests (method, path,
    status: never headers or bodies, which carry credentials)."""
    rt = runtime()
    keys = rt.family.key_overview(rt.backend) if rt.family.key_overview else []
    latest = rt.journal.entries(JOURNAL_ROWS)
    return {
        "family": rt.config.family,
        "profile": rt.profile.name,
        "now": isoformat_ms(rt.clock.now()),
        "frozen": rt.clock.frozen,
        "keys": keys,
        "journal": [
            {"seq": e["seq"], "at": e["at"], "method": e["method"], "path": e["path"], "status": e["status"]}
            for e in reversed(latest)
        ],
    }


@pages.get("/")
def state_page() -> Response:
    return _page_file("state.html")


@pages.get("/overview")
def state_overview() -> Response:
    return jsonify(overview())


@pages.get("/docs/")
def docs_page() -> Response:
    return _page_file("docs.html")


@pages.get("/docs/config.json")
def docs_config() -> Response:
    rt = runtime()
    credentials = rt.family.docs_credentials(rt.seed_info) if rt.family.docs_credentials else {}
    return jsonify(
        family=rt.config.family,
        spec_url=f"{CONTROL_PREFIX}/specs/{rt.config.family}.yaml",
        assets=f"{CONTROL_PREFIX}/{SWAGGER_ASSETS}",
        authorizations=credentials,
    )


@pages.get("/assets/<name>")
def page_asset(name: str) -> Response:
    if name not in ("state.js", "state.css", "docs.js"):
        return Response(status=404)
    return _page_file(name)


def swagger_assets_blueprint(prefix: str, family: str) -> Blueprint:
    """flask-swagger-ui's blueprint: its static Swagger UI files (and a plain index page)."""
    return get_swaggerui_blueprint(
        f"{prefix}/{SWAGGER_ASSETS}",
        f"{prefix}/specs/{family}.yaml",
        blueprint_name="swagger_ui_assets",
    )
