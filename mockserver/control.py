"""The control plane under ``/__revokit``: what tests and tools use to drive a running mock.

health, reset to the seed, a JSON snapshot of the state, the clock (read, set, advance), the
request journal, ready-made tokens for seeded users, the seeded facts, a bulk revoke of the keys
a selector picks (journaled like a family request), and the specs themselves (so Schemathesis can
load a family's spec from a running mock). Its own contract is
``specs/control.yaml``.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

from flask import Blueprint, Response, jsonify, request

from ..specs import SPEC_FILES, spec_text
from .clock import ClockOutOfRange, isoformat_ms, parse_instant
from .config import CONTROL_PREFIX
from .control_input import BadControlInput
from .journal import JOURNAL_BODY, JOURNALED
from .pages import pages
from .redaction import redacted_state
from .runtime import runtime

CONTROL_TOKEN_HEADER = "X-Revokit-Control-Token"


def control_error(status: int, error: str, message: str) -> Response:
    response = jsonify(error=error, message=message)
    response.status_code = status
    return response


def addressed_to_loopback(host: str) -> bool:
    """Whether a Host header (``name[:port]``, ``[v6][:port]``) names localhost or a loopback IP."""
    name = host.strip().lower()
    if name.startswith("["):
        name = name[1:].partition("]")[0]
    elif name.count(":") == 1:
        name = name.partition(":")[0]
    name = name.rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


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
    clock = runtime().clock
    return {"now": isoformat_ms(clock.now()), "frozen": clock.frozen}


control = Blueprint("control", __name__, url_prefix=CONTROL_PREFIX)
# The pages share the control plane's prefix and, nested here, its guard (the token check).
control.register_blueprint(pages)


@control.before_request
def _require_token() -> Response | None:
    token = runtime().config.control_token
    if not token and not addressed_to_loopback(request.host):
        # DNS rebinding: a page on evil.example whose name now resolves to 127.0.0.1 reaches
        # the mock with Host: evil.example. Without a token, only loopback names are served.
        return control_error(
            403,
            "Forbidden",
            "without a control token the control plane answers only requests addressed to "
            "localhost or a loopback address",
        )
    # Bytes, not str: compare_digest raises on a str with non-ASCII characters.
    sent = request.headers.get(CONTROL_TOKEN_HEADER, "").encode("utf-8", "surrogatepass")
    if token and not hmac.compare_digest(sent, token.encode("utf-8", "surrogatepass")):
        return control_error(401, "Unauthorized", f"send the control token in {CONTROL_TOKEN_HEADER}")
    return None


@control.get("/health")
def health() -> Response:
    rt = runtime()
    return jsonify(status="ok", family=rt.config.family, profile=rt.profile.name)


@control.post("/reset")
def reset() -> Response:
    runtime().reset()
    return jsonify(status="reset", **_clock_state())


@control.get("/state")
def state() -> Response:
    rt = runtime()
    state = rt.store.dump()
    if not rt.config.show_secrets:
        state = redacted_state(state, rt.family.secret_fields)
    return jsonify(family=rt.config.family, profile=rt.profile.name, state=state)


@control.get("/seed")
def seed() -> Response:
    rt = runtime()
    return jsonify(family=rt.config.family, seed=rt.config.seed, **rt.seed_info)


@control.get("/profile")
def profile() -> Response:
    p = runtime().profile
    return jsonify(name=p.name, family=p.family, summary=p.summary, deviations=p.deviations)


@control.get("/clock")
def get_clock() -> Response:
    return jsonify(_clock_state())


@control.put("/clock")
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
    try:
        runtime().clock.set(instant, frozen=frozen)
    except ClockOutOfRange as exc:
        return control_error(400, "Bad Request", str(exc))
    return jsonify(_clock_state())


@control.post("/clock/advance")
def advance_clock() -> Response:
    data = _json_object()
    if isinstance(data, Response):
        return data
    seconds = data.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        return control_error(400, "Bad Request", "'seconds' must be a number")
    try:
        runtime().clock.advance(float(seconds))
    except (ClockOutOfRange, OverflowError) as exc:  # OverflowError: an int beyond a float
        return control_error(400, "Bad Request", str(exc) or "'seconds' is out of range")
    return jsonify(_clock_state())


@control.get("/journal")
def journal() -> Response:
    limit = request.args.get("limit", type=int)
    return jsonify(entries=runtime().journal.entries(limit))


@control.delete("/journal")
def clear_journal() -> Response:
    runtime().journal.clear()
    return jsonify(entries=[])


@control.post("/tokens")
def tokens() -> Response:
    rt = runtime()
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


@control.post("/revoke-keys", endpoint="revokeKeys")  # the operationId of specs/control.yaml
def revoke_keys() -> Response:
    rt = runtime()
    request.environ[JOURNALED] = True  # what a test drives here is asserted like a family request
    data = _json_object()
    if isinstance(data, Response):
        return data
    request.environ[JOURNAL_BODY] = data
    if rt.family.revoke_keys is None:
        return control_error(404, "Not Found", f"{rt.config.family} has no bulk revoke")
    try:
        # The family's refusals (already revoked, unknown ids) are ApiErrors: the app renders
        # them in the family's own error body, as its revoke route would.
        answer = rt.family.revoke_keys(rt.backend, data)
    except BadControlInput as exc:
        return control_error(400, "Bad Request", str(exc))
    return jsonify(answer)


@control.get("/openapi.yaml")
def own_spec() -> Response:
    return Response(spec_text("control"), mimetype="application/yaml")


@control.get("/specs/<name>.yaml")
def family_spec(name: str) -> Response:
    if name not in SPEC_FILES or name == "control":
        return control_error(404, "Not Found", f"no spec named {name}")
    return Response(spec_text(name), mimetype="application/yaml")
