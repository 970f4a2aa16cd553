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


def test_search_and_single_order_equal_the_full_scan(backend) -> None:
    # q alone reads the store's search column, one order alone a sorted index with ties by id;
    # both must answer what filtering and sorting every key does (created_at has ties here).
    rt = backend
    by_id = sorted(rt.store.all(API_KEYS), key=lambda k: k.id)
    for q in ("k1", "K3", "pk_", "sk_", "***", "nope"):
        expected = [k for k in by_id if q.lower() in k.title.lower() or q.lower() in k.redacted.lower()]
        for offset, limit in ((0, 20), (5, 7), (len(expected), 5), (0, 10**6)):
            listed, count = rt.backend.list_api_keys(q=q, offset=offset, limit=limit)
            assert count == len(expected), q
            assert [k.id for k in listed] == [k.id for k in expected[offset : offset + limit]], (q, offset)
    for order in ("created_at", "-created_at", "-revoked_at", "revoked_at", "-title", "type"):
        name = order.lstrip("-")
        present = [k for k in by_id if getattr(k, name) is not None]
        missing = [k for k in by_id if getattr(k, name) is None]
        present.sort(key=lambda k: getattr(k, name), reverse=order.startswith("-"))
        expected = missing + present if order.startswith("-") else present + missing
        for offset, limit in ((0, 20), (33, 50), (len(expected) - 2, 20)):
            listed, count = rt.backend.list_api_keys(order=order, offset=offset, limit=limit)
            assert count == len(expected)
            assert [k.id for k in listed] == [k.id for k in expected[offset : offset + limit]], (
                order,
                offset,
            )
