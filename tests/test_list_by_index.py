"""xclade-v2 key listing from the store's indexes (``type``, one date range) answers exactly what
filtering every key would: same page, same count, for sparse and dense matches and every bound."""

from __future__ import annotations

import dataclasses
import random
from datetime import timedelta

import pytest

from revokit.mockserver import MockConfig, create_app
from revokit.mockserver.families.xclade_v2.models import API_KEYS, matches_date


@pytest.fixture(scope="module")
def backend():
    app = create_app(MockConfig(family="xclade-v2", scrypt_n=2))
    rt = app.extensions["revokit"]
    rng = random.Random(18)
    with rt.store.transaction():
        for i in range(400):
            rt.clock.advance(rng.choice([0, 1, 60]))  # ties and gaps
            key, _ = rt.backend.create_api_key(f"k{i}", rng.choice(["secret", "publishable"]), "user_x")
            if rng.random() < 0.2:
                now = rt.clock.now()
                at = now + timedelta(seconds=rng.choice([-5, 0, 30]))
                rt.store.put(API_KEYS, dataclasses.replace(key, revoked_at=at, revoked_by="user_x"))
    return rt


def test_index_listing_equals_the_full_scan(backend) -> None:
    rt = backend
    keys = sorted(rt.store.all(API_KEYS), key=lambda k: k.id)
    times = sorted({k.created_at for k in keys})
    probes = [times[0], times[len(times) // 2], times[-1], times[0] - timedelta(days=1)]
    filters: list[dict] = [{"key_type": "secret"}, {"key_type": "publishable"}, {"key_type": "nope"}]
    for field in ("created_at", "updated_at", "revoked_at"):
        for at in probes:
            for op in ("$eq", "$gt", "$gte", "$lt", "$lte"):
                filters.append({field: {op: at}})
            filters.append({field: {"$gte": at, "$lt": at + timedelta(seconds=90)}})
        filters.append({field: {"$null": False}})  # not a range: the scan answers
    checked = 0
    for given in filters:
        ((name, condition),) = given.items()
        if name == "key_type":
            expected = [k for k in keys if k.type == condition]
        else:
            expected = [k for k in keys if matches_date(getattr(k, name), condition)]
        for offset, limit in ((0, 20), (0, 1000), (7, 3), (len(expected), 5), (len(expected) - 1, 5)):
            if offset < 0:
                continue
            listed, count = rt.backend.list_api_keys(offset=offset, limit=limit, **given)
            assert count == len(expected), given
            assert [k.id for k in listed] == [k.id for k in expected[offset : offset + limit]], (
                given,
                offset,
            )
            checked += 1
    assert checked > 200


def test_index_listing_follows_writes_and_resets(backend) -> None:
    rt = backend
    before = rt.backend.list_api_keys(key_type="secret", offset=0, limit=5000)
    created, _ = rt.backend.create_api_key("late", "secret", "user_x")
    after = rt.backend.list_api_keys(key_type="secret", offset=0, limit=5000)
    assert after[1] == before[1] + 1 and created.id in [k.id for k in after[0]]
    rt.store.delete(API_KEYS, created.id)
    assert rt.backend.list_api_keys(key_type="secret", offset=0, limit=5000) == before
