"""The routes Medusa's v1 admin (``@medusajs/admin`` 7.1.18) calls around the keys.

The admin reads the store's ``feature_flags`` to show Settings → API Key Management, polls batch
jobs, lists users, regions and orders, and blocks its UI with an analytics prompt until the user
has answered it (``/admin/analytics-configs``). Plain answers come from
``fixtures/medusa-v1-answers.yaml`` through ``seed_answers``; users and the analytics choice are
state.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ....fixtures import load_answers
from ....specs import error_message
from ...clock import isoformat_ms_or_none
from ...engine import Call, Handler, Reply
from ...seed_answers import seed_answer_handlers
from .exceptions import NotFound, NullValue
from .models import USERS, AdminPrincipal, MedusaV1Backend
from .responses import body_fields, channel_json, page_bounds, product_json, seed_list_paging, user_json

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
    deleted_at: datetime | None = None


class AnalyticsConfigNotFound(NotFound):
    def __init__(self, user_id: str) -> None:
        super().__init__(error_message("medusa-v1", "analytics_config_not_found", id=user_id))


def seed_refs(backend: MedusaV1Backend) -> Mapping[str, Any]:
    channel_id = backend.default_channel_id()
    return {
        "default_sales_channel_id": channel_id,
        "default_sales_channel": channel_json(backend.get_channel(channel_id)),
    }


def analytics_config_json(config: AnalyticsConfig) -> dict[str, Any]:
    return {
        "id": config.id,
        "created_at": isoformat_ms_or_none(config.created_at),
        "updated_at": isoformat_ms_or_none(config.updated_at),
        "deleted_at": isoformat_ms_or_none(config.deleted_at),
        "user_id": config.user_id,
        "opt_out": config.opt_out,
        "anonymize": config.anonymize,
    }


def inserted_analytics_config_json(config: AnalyticsConfig) -> dict[str, Any]:
    """A config just inserted: the repository's create() keeps the order it was given the values."""
    return {
        "user_id": config.user_id,
        "opt_out": config.opt_out,
        "anonymize": config.anonymize,
        "id": config.id,
        "deleted_at": None,
        "created_at": isoformat_ms_or_none(config.created_at),
        "updated_at": isoformat_ms_or_none(config.updated_at),
    }


def _oldest_config(backend: MedusaV1Backend, user_id: str) -> AnalyticsConfig | None:
    """1.20.11 looks a user's config up with findOne and no order: the first row inserted."""
    # Insertion order, not (created_at, id): two rows made in one millisecond have ULIDs in random
    # order, and the first inserted must still win.
    live = (c for c in backend.store.find(ANALYTICS_CONFIGS, "user_id", user_id) if c.deleted_at is None)
    return next(live, None)


def _insert_config(backend: MedusaV1Backend, user_id: str, opt_out: bool, anonymize: bool) -> AnalyticsConfig:
    now = backend.now()
    config = AnalyticsConfig(backend.ids.prefixed_ulid("acfg", now), user_id, opt_out, anonymize, now, now)
    backend.store.put(ANALYTICS_CONFIGS, config)
    return config


def get_analytics_config(backend: MedusaV1Backend, call: Call) -> Reply:
    principal: AdminPrincipal = call.principal
    config = _oldest_config(backend, principal.user_id)
    if config is None:
        raise AnalyticsConfigNotFound(principal.user_id)
    return Reply({"analytics_config": analytics_config_json(config)})


def post_analytics_config(backend: MedusaV1Backend, call: Call) -> Reply:
    # 1.20.11 inserts a row on every call, even for a user who has one (reads keep the oldest).
    principal: AdminPrincipal = call.principal
    fields = body_fields(call)  # an empty array let past the DTO gives none: the columns' defaults
    with backend.store.transaction():
        config = _insert_config(
            backend, principal.user_id, fields.get("opt_out", False), fields.get("anonymize", False)
        )
    return Reply({"analytics_config": inserted_analytics_config_json(config)})


def post_analytics_config_update(backend: MedusaV1Backend, call: Call) -> Reply:
    principal: AdminPrincipal = call.principal
    changes = body_fields(call)
    for name in ("opt_out", "anonymize"):  # the row is saved as given: null reaches NOT NULL
        if name in changes and changes[name] is None:
            raise NullValue(name, "analytics_config")
    with backend.store.transaction():
        config = _oldest_config(backend, principal.user_id)
        if config is None:  # the update creates the config it does not find
            created = _insert_config(
                backend, principal.user_id, changes.get("opt_out", False), changes.get("anonymize", False)
            )
            return Reply({"analytics_config": inserted_analytics_config_json(created)})
        if any(getattr(config, k) != v for k, v in changes.items()):  # save() skips an unchanged row
            config = dataclasses.replace(config, **changes, updated_at=backend.now())
            backend.store.put(ANALYTICS_CONFIGS, config)
    return Reply({"analytics_config": analytics_config_json(config)})


def delete_analytics_config(backend: MedusaV1Backend, call: Call) -> Reply:
    principal: AdminPrincipal = call.principal
    with backend.store.transaction():
        config = _oldest_config(backend, principal.user_id)
        if config is not None:
            backend.store.put(ANALYTICS_CONFIGS, dataclasses.replace(config, deleted_at=backend.now()))
    return Reply({"user_id": principal.user_id, "object": "analytics_config", "deleted": True})


def get_users(backend: MedusaV1Backend, call: Call) -> Reply:
    limit, offset, take, skip = page_bounds(backend, call, USERS_DEFAULT_LIMIT)
    needle = (call.raw_query.get("q") or "").lower()
    users = sorted(
        (u for u in backend.store.all(USERS) if u.deleted_at is None), key=lambda u: (u.created_at, u.id)
    )
    if needle:
        users = [
            u for u in users if any(needle in (v or "").lower() for v in (u.email, u.first_name, u.last_name))
        ]
    page = users[skip:] if take is None else users[skip : skip + take]
    return Reply(
        {"users": [user_json(u) for u in page], "count": len(users), "offset": offset, "limit": limit}
    )


def post_product(backend: MedusaV1Backend, call: Call) -> Reply:
    # The channels were checked before the DTO (validators.sales_channels_exist).
    body = call.body if isinstance(call.body, dict) else {}
    product = backend.create_product(body)
    return Reply({"product": product_json(backend, product, profile=True)})


def delete_product(backend: MedusaV1Backend, call: Call) -> Reply:
    product_id = call.path["id"]
    backend.delete_product(product_id)
    return Reply({"id": product_id, "object": "product", "deleted": True})


# class-validator's transformQuery/transformBody run before these routes as before the key routes
# (validators.ROUTES, run by the engine): 1.20.11 refuses ``created_at[x]=…`` on /admin/batch-jobs.
FRONTEND_HANDLERS: dict[str, Handler] = {
    "PostProducts": post_product,
    "DeleteProductsProduct": delete_product,
    "GetUsers": get_users,
    "GetAnalyticsConfig": get_analytics_config,
    "PostAnalyticsConfig": post_analytics_config,
    "PostAnalyticsConfigUpdate": post_analytics_config_update,
    "DeleteAnalyticsConfig": delete_analytics_config,
    **seed_answer_handlers(load_answers("medusa-v1"), seed_refs, paging=seed_list_paging),
}
FRONTEND_INDEXES = {ANALYTICS_CONFIGS: ["user_id"]}
FRONTEND_RECORDS = {ANALYTICS_CONFIGS: AnalyticsConfig}
