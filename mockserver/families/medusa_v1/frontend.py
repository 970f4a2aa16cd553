"""The routes Medusa's v1 admin (``@medusajs/admin`` 7.1.18) calls around the keys.

The admin reads the store's ``feature_flags`` to show Settings → API Key Management, polls batch
jobs, lists users, regions and orders, and blocks its UI with an analytics prompt until the user
has answered it (``/admin/analytics-configs``). Plain answers come from
``fixtures/medusa-v1-answers.yaml`` through ``seed_answers``; users and the analytics choice are
state.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ....fixtures import load_fixture
from ...engine import Call, Handler, Reply
from ...seed_answers import seed_answer_handlers
from .dto import check_request
from .exceptions import NotFound, sales_channels_missing
from .models import USERS, AdminPrincipal, MedusaV1Backend
from .responses import _ts, channel_json, product_json, user_json

ANALYTICS_CONFIGS = "analytics_configs"
USERS_DEFAULT_LIMIT = 50


@dataclass(frozen=True)
class AnalyticsConfig:
    id: str
    user_id: str
    opt_out: bool
    anonymize: bool
    created_at: datetime
    updated_at: datetime


class AnalyticsConfigNotFound(NotFound):
    def __init__(self, user_id: str) -> None:
        super().__init__(f"No analytics config found for user with id: {user_id}")


def seed_refs(backend: MedusaV1Backend) -> Mapping[str, Any]:
    channel_id = backend.default_channel_id()
    return {
        "default_sales_channel_id": channel_id,
        "default_sales_channel": channel_json(backend.get_channel(channel_id)),
    }


def analytics_config_json(config: AnalyticsConfig) -> dict[str, Any]:
    return {
        "id": config.id,
        "created_at": _ts(config.created_at),
        "updated_at": _ts(config.updated_at),
        "deleted_at": None,
        "user_id": config.user_id,
        "opt_out": config.opt_out,
        "anonymize": config.anonymize,
    }


def get_analytics_config(backend: MedusaV1Backend, call: Call) -> Reply:
    principal: AdminPrincipal = call.principal
    found = backend.store.find(ANALYTICS_CONFIGS, "user_id", principal.user_id)
    if not found:
        raise AnalyticsConfigNotFound(principal.user_id)
    return Reply({"analytics_config": analytics_config_json(found[0])})


def post_analytics_config(backend: MedusaV1Backend, call: Call) -> Reply:
    principal: AdminPrincipal = call.principal
    now = backend.now()
    config = AnalyticsConfig(
        id=backend.ids.prefixed_ulid("acfg", now),
        user_id=principal.user_id,
        opt_out=call.body["opt_out"],
        anonymize=call.body["anonymize"],
        created_at=now,
        updated_at=now,
    )
    with backend.store.transaction():
        # 1.20 inserts a new row each time; the user's latest choice is the one that counts.
        for old in backend.store.find(ANALYTICS_CONFIGS, "user_id", principal.user_id):
            backend.store.delete(ANALYTICS_CONFIGS, old.id)
        backend.store.put(ANALYTICS_CONFIGS, config)
    return Reply({"analytics_config": analytics_config_json(config)})


def get_users(backend: MedusaV1Backend, call: Call) -> Reply:
    offset = call.query.get("offset", 0) if "offset" in call.raw_query else 0
    limit = call.query.get("limit") if "limit" in call.raw_query else USERS_DEFAULT_LIMIT
    needle = (call.raw_query.get("q") or "").lower()
    users = sorted(
        (u for u in backend.store.all(USERS) if u.deleted_at is None), key=lambda u: (u.created_at, u.id)
    )
    if needle:
        users = [
            u for u in users if any(needle in (v or "").lower() for v in (u.email, u.first_name, u.last_name))
        ]
    page = users[offset : offset + limit] if limit else users[offset:]
    return Reply(
        {"users": [user_json(u) for u in page], "count": len(users), "offset": offset, "limit": limit}
    )


def post_product(backend: MedusaV1Backend, call: Call) -> Reply:
    # validateSalesChannelsExist runs before the route's DTO. (1.20.11 crashes its process when
    # sales_channels is present but not an array: `.map is not a function`; the DTO answers here.)
    body = call.body if isinstance(call.body, dict) else {}
    missing = backend.missing_channels(body.get("sales_channels"))
    if missing:
        raise sales_channels_missing(missing)
    check_request(backend, call)
    product = backend.create_product(body)
    return Reply({"product": product_json(backend, product, profile=True)})


def _validated(handler: Handler) -> Handler:
    """class-validator's transformQuery/transformBody run before the route, as on the key routes:
    1.20.11 refuses ``created_at[x]=…`` on /admin/batch-jobs with its DateComparisonOperator 400."""

    def validated(backend: MedusaV1Backend, call: Call) -> Reply:
        check_request(backend, call)
        return handler(backend, call)

    return validated


FRONTEND_HANDLERS: dict[str, Handler] = {
    "PostProducts": post_product,
    **{
        operation_id: _validated(handler)
        for operation_id, handler in {
            "GetUsers": get_users,
            "GetAnalyticsConfig": get_analytics_config,
            "PostAnalyticsConfig": post_analytics_config,
            **seed_answer_handlers(load_fixture("medusa-v1-answers"), seed_refs),
        }.items()
    },
}
FRONTEND_INDEXES = {ANALYTICS_CONFIGS: ["user_id"]}
FRONTEND_RECORDS = {ANALYTICS_CONFIGS: AnalyticsConfig}
