"""The routes Medusa's admin dashboard calls around the API keys: users, health, seed answers.

The dashboard (``@medusajs/dashboard`` 2.21.2) loads the signed-in user, the store, feature flags,
layouts and a few lists on every page. Answers that are plain data come from
``fixtures/xclade-v2-answers.yaml`` through the generic ``seed_answers`` mechanism; the ones that
depend on state (users) are handled here.
"""

from __future__ import annotations

from typing import Any

from ....fixtures import load_answers
from ....specs import error_message
from ...clock import isoformat_ms
from ...engine import Call, Handler, Reply
from ...seed_answers import seed_answer_handlers
from .exceptions import FAMILY, InvalidData, NotFound
from .fields import parse_fields, project
from .models import FLAG_UNSAFE_PAGING, Actor, User, XcladeBackend, paging_reaches_database
from .responses import _fields, paging

USER_FIELDS = (
    "id", "first_name", "last_name", "email", "avatar_url", "metadata", "created_at", "updated_at", "deleted_at",
)  # fmt: skip


def user_json(user: User, fields: str | None = None) -> dict[str, Any]:
    """The user as 2.21.2 answers it, narrowed by ``fields`` like every admin read."""
    return project(_user_record(user), parse_fields(fields, USER_FIELDS), USER_FIELDS)


def _user_record(user: User) -> dict[str, Any]:
    created = isoformat_ms(user.created_at)
    return {
        "id": user.id,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "avatar_url": None,
        "metadata": None,
        "created_at": created,
        "updated_at": created,  # users are never updated in the mock
        "deleted_at": None,
    }


def get_users_me(backend: XcladeBackend, call: Call) -> Reply:
    actor: Actor = call.principal
    return Reply({"user": user_json(backend.get_user(actor.actor_id), _fields(call))})


def get_user(backend: XcladeBackend, call: Call) -> Reply:
    return Reply({"user": user_json(backend.get_user(call.path["id"]), _fields(call))})


def get_health(backend: XcladeBackend, call: Call) -> Reply:
    # Express's res.send("OK"): a string body is sent as text/html.
    return Reply("OK", content_type="text/html; charset=utf-8")


def seed_list_paging(
    backend: XcladeBackend, call: Call, default_limit: int
) -> tuple[int | float, int | float, slice]:
    """The seed lists page as the keys' list does: ``limit``/``offset`` read as the release reads
    them and echoed, the query run with what reaches the database (negative: 500; beyond 2^53:
    left out in the medusa-2.21 profile)."""
    offset, limit = paging(backend, call, default_limit)
    start, stop = paging_reaches_database(offset, limit, backend.profile.enabled(FLAG_UNSAFE_PAGING))
    return offset, limit, slice(int(start), None if stop is None else int(start + stop))


FRONTEND_HANDLERS: dict[str, Handler] = {
    "GetHealth": get_health,
    "GetUsersMe": get_users_me,
    "GetUsersId": get_user,
    **seed_answer_handlers(
        load_answers("xclade-v2"),
        XcladeBackend.seed_refs,
        paging=seed_list_paging,
        not_found=lambda entry, /, **values: NotFound(error_message(FAMILY, entry, **values)),
        invalid=lambda entry, /, **values: InvalidData(error_message(FAMILY, entry, **values)),
    ),
}
