"""HTTP glue for the per-application keys API: one handler per operationId, nothing else."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...clock import isoformat_ms
from ...control_input import BadControlInput, fields_of, optional_string, string_list
from ...engine import Call, Reply
from .exceptions import Unauthorized
from .models import AppKeysBackend, Application, ApplicationKey, User


def application_json(app: Application) -> dict[str, Any]:
    return {
        "id": app.id,
        "name": app.name,
        "description": app.description,
        "owner_id": app.owner_id,
        "created_at": isoformat_ms(app.created_at),
        "updated_at": isoformat_ms(app.updated_at),
    }


def key_json(key: ApplicationKey) -> dict[str, Any]:
    return {
        "id": key.id,
        "application_id": key.application_id,
        "name": key.name,
        "redacted": key.redacted,
        "created_at": isoformat_ms(key.created_at),
        "last_used_at": isoformat_ms(key.last_used_at) if key.last_used_at else None,
    }


def page(items: list[dict[str, Any]], total: int, call: Call) -> dict[str, Any]:
    return {"data": items, "total": total, "limit": call.query["limit"], "offset": call.query["offset"]}


def authenticate(backend: AppKeysBackend, call: Call) -> Any:
    """Bearer JWT for the management routes, ``X-API-Key`` for routes that use a key."""
    schemes = {name for alternative in call.operation.security for name in alternative}
    if "apiKeyAuth" in schemes:
        token = call.headers.get("X-API-Key", "")
        return backend.authenticate_key(token)
    if "bearerAuth" in schemes:
        scheme, _, token = call.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthorized()
        return backend.authenticate_user(token.strip())
    return None


def list_applications(backend: AppKeysBackend, call: Call) -> Reply:
    apps, total = backend.list_applications(call.principal, call.query["limit"], call.query["offset"])
    return Reply(page([application_json(a) for a in apps], total, call))


def create_application(backend: AppKeysBackend, call: Call) -> Reply:
    app = backend.create_application(call.principal, call.body["name"], call.body.get("description"))
    return Reply(application_json(app), status=201)


def get_application(backend: AppKeysBackend, call: Call) -> Reply:
    return Reply(application_json(backend.get_application(call.principal, call.path["id"])))


def list_api_keys(backend: AppKeysBackend, call: Call) -> Reply:
    keys, total = backend.list_keys(
        call.principal, call.path["id"], call.query["limit"], call.query["offset"]
    )
    return Reply(page([key_json(k) for k in keys], total, call))


def create_api_key(backend: AppKeysBackend, call: Call) -> Reply:
    key, token = backend.create_key(call.principal, call.path["id"], call.body["name"])
    return Reply({**key_json(key), "key": token}, status=201)


def get_api_key(backend: AppKeysBackend, call: Call) -> Reply:
    return Reply(key_json(backend.get_key(call.principal, call.path["id"], call.path["keyId"])))


def revoke_api_key(backend: AppKeysBackend, call: Call) -> Reply:
    backend.revoke_key(call.principal, call.path["id"], call.path["keyId"])
    return Reply({})


def get_key_info(backend: AppKeysBackend, call: Call) -> Reply:
    key: ApplicationKey = call.principal
    return Reply(
        {
            "key_id": key.id,
            "application_id": key.application_id,
            "name": key.name,
            "created_at": isoformat_ms(key.created_at),
        }
    )


HANDLERS = {
    "listApplications": list_applications,
    "createApplication": create_application,
    "getApplication": get_application,
    "listApiKeys": list_api_keys,
    "createApiKey": create_api_key,
    "getApiKey": get_api_key,
    "revokeApiKey": revoke_api_key,
    "getKeyInfo": get_key_info,
}


def revoke_keys(backend: AppKeysBackend, body: Mapping[str, Any]) -> dict[str, Any]:
    """``POST /__revokit/revoke-keys``: ``{"selector": {"application_id": ..., "id": [...]?}}``,
    every live key of the application, or the listed ones."""
    data = fields_of(body, "body", ("selector",))
    selector = fields_of(data.get("selector"), "selector", ("application_id", "id"))
    application_id = optional_string(selector.get("application_id"), "selector.application_id")
    if not application_id:
        raise BadControlInput("'selector.application_id' is required")
    ids = string_list(selector["id"], "selector.id") if "id" in selector else None
    keys = backend.revoke_application_keys(application_id, ids)
    return {"api_keys": [{**key_json(k), "revoked_at": isoformat_ms(k.revoked_at)} for k in keys]}


def issue_token(backend: AppKeysBackend, email: str) -> dict[str, Any] | None:
    user: User | None = backend.user_by_email(email)
    if user is None:
        return None
    return {"token": backend.issue_token(user), "user_id": user.id, "email": user.email}


def banner_lines(seed: dict[str, Any]) -> list[tuple[str, str]]:
    """What ``revokit mock`` prints for app-keys: who can log in and one working key."""
    users = seed["users"]
    first = users[0]
    active = next(key for app in first["applications"] for key in app["keys"] if key["state"] == "active")
    return [
        ("users", ", ".join(u["email"] for u in users) + " (no login route in this API)"),
        ("JWT", f'POST /__revokit/tokens {{"email": "{first["email"]}"}}  (Authorization: Bearer)'),
        ("X-API-Key", f"{active['key']}  ({active['name']})"),
    ]


def docs_credentials(seed: dict[str, Any]) -> dict[str, Any]:
    """The docs page's "try it out" acts as the first seeded user, with one of their keys."""
    first = seed["users"][0]
    key = next(key for app in first["applications"] for key in app["keys"] if key["state"] == "active")
    return {"bearerAuth": first["token"], "apiKeyAuth": key["key"]}
