"""The control plane under ``/__revokit``: what tests and tools use to drive a running mock.

health, reset to the seed, a JSON snapshot of the state, the clock (read, set, advance), the
request journal, ready-made tokens for seeded users, the seeded facts, and the specs themselves
(so Schemathesis can load a family's spec from a running mock). Its own contract is
``specs/control.yaml``.
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Response, current_app, jsonify, request

from ..specs import SPEC_FILES, spec_text
from .clock import isoformat_ms, parse_instant
from .pages import add_pages

if TYPE_CHECKING:
    from .app import MockRuntime

CONTROL_TOKEN_HEADER = "X-Revokit-Control-Token"


def control_error(status: int, error: str, message: str) -> Response:
    response = jsonify(error=error, message=message)
    response.status_code = status
    return response


def _rt() -> MockRuntime:
    return current_app.extensions["revokit"]


def _json_object() -> dict[str, Any] | Response:
    data = request.get_json(silent=True)
    if data is None and request.get_data():
        return control_error(400, "Bad Request", "the body must be a JSON object")
    if data is None:
        return {}
    if not isinstance(data, dict):
        return control_error(400, "Bad Request", "the body must be a JSON object")
    return data


def _clock_state() -> dict[str, Any]:
    clock = _rt().clock
    return {"now": isoformat_ms(clock.now()), "frozen": clock.frozen}


def control_blueprint(prefix: str) -> Blueprint:
    bp = Blueprint("control", __name__, url_prefix=prefix)

    @bp.before_request
    def _require_token() -> Response | None:
        token = _rt().config.control_token
        if token and not hmac.compare_digest(request.headers.get(CONTROL_TOKEN_HEADER, ""), token):
            return control_error(401, "Unauthorized", f"send the control token in {CONTROL_TOKEN_HEADER}")
        return None

    @bp.get("/health")
    def health() -> Response:
        rt = _rt()
        return jsonify(status="ok", family=rt.config.family, profile=rt.profile.name)

    @bp.post("/reset")
    def reset() -> Response:
        _rt().reset()
        return jsonify(status="reset", **_clock_state())

    @bp.get("/state")
    def state() -> Response:
        rt = _rt()
        return jsonify(family=rt.config.family, profile=rt.profile.name, state=rt.store.dump())

    @bp.get("/seed")
    def seed() -> Response:
        rt = _rt()
        return jsonify(family=rt.config.family, seed=rt.config.seed, **rt.seed_info)

    @bp.get("/profile")
    def profile() -> Response:
        p = _rt().profile
        return jsonify(name=p.name, family=p.family, summary=p.summary, deviations=p.deviations)

    @bp.get("/clock")
    def get_clock() -> Response:
        return jsonify(_clock_state())

    @bp.put("/clock")
    def set_clock() -> Response:
        data = _json_object()
        if isinstance(data, Response):
            return data
        try:
            instant = parse_instant(str(data["now"]))
        except (KeyError, ValueError):
            return control_error(400, "Bad Request", "'now' must be an ISO-8601 date-time")
        frozen = data.get("frozen", True)
        if not isinstance(frozen, bool):
            return control_error(400, "Bad Request", "'frozen' must be a boolean")
        _rt().clock.set(instant, frozen=frozen)
        return jsonify(_clock_state())

    @bp.post("/clock/advance")
    def advance_clock() -> Response:
        data = _json_object()
        if isinstance(data, Response):
            return data
        seconds = data.get("seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, int | float):
            return control_error(400, "Bad Request", "'seconds' must be a number")
        _rt().clock.advance(float(seconds))
        return jsonify(_clock_state())

    @bp.get("/journal")
    def journal() -> Response:
        limit = request.args.get("limit", type=int)
        return jsonify(entries=_rt().journal.entries(limit))

    @bp.delete("/journal")
    def clear_journal() -> Response:
        _rt().journal.clear()
        return jsonify(entries=[])

    @bp.post("/tokens")
    def tokens() -> Response:
        rt = _rt()
        data = _json_object()
        if isinstance(data, Response):
            return data
        email = data.get("email")
        if not isinstance(email, str):
            return control_error(400, "Bad Request", "'email' must be a string")
        if rt.family.issue_token is None:
            return control_error(404, "Not Found", f"{rt.config.family} has no token issuer")
        issued = rt.family.issue_token(rt.backend, email)
        if issued is None:
            return control_error(404, "Not Found", f"no seeded user {email}")
        return jsonify(issued)

    @bp.get("/openapi.yaml")
    def own_spec() -> Response:
        return Response(spec_text("control"), mimetype="application/yaml")

    @bp.get("/specs/<name>.yaml")
    def family_spec(name: str) -> Response:
        if name not in SPEC_FILES or name == "control":
            return control_error(404, "Not Found", f"no spec named {name}")
        return Response(spec_text(name), mimetype="application/yaml")

    add_pages(bp, prefix)
    return bp
