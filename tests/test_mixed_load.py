"""A bounded mixed concurrent load per family (create, list, revoke, delete, use in threads), then a
state snapshot (GET /__revokit/state) checked against every invariant of the family's store.

Each worker runs a seeded random sequence of operations for at most ``OPS_PER_WORKER`` requests or
``SECONDS`` seconds, whichever ends first. Every answer must have one of the statuses the operation
can legitimately give under contention (never a 5xx); afterwards no link points at a missing record
(except where the real system keeps dangling links, said below), every list agrees with the
snapshot, and every key whose revoke was answered is still revoked.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
import requests

from revokit_testing import start_revokit_mock

WORKERS = 6
OPS_PER_WORKER = 40
# Each worker stops at OPS_PER_WORKER or after SECONDS, but never before MIN_OPS_PER_WORKER: on a
# loaded machine a few requests can take the whole time, and a load of a handful proves nothing.
MIN_OPS_PER_WORKER = 10
SECONDS = 3.0
REQUEST_TIMEOUT = 60  # a slow answer under load is not a hang; a hung worker still fails below


@pytest.fixture(scope="module")
def live():
    mock = start_revokit_mock("app-keys", "medusa-v1", "xclade-v2", "--port", "0", "--threads", "12")
    yield mock
    mock.process.terminate()
    mock.process.wait(timeout=REQUEST_TIMEOUT)


def _fresh(live, family: str) -> str:
    base = live.url(family)
    assert requests.post(f"{base}/__revokit/reset", timeout=REQUEST_TIMEOUT).status_code == 200
    return base


@dataclass
class Load:
    """What the workers share: the ids they made and the outcomes the invariants need."""

    created: list[dict[str, Any]] = field(default_factory=list)  # records answered as created
    revoked: set[str] = field(default_factory=set)  # ids whose (immediate) revoke was answered 200
    deleted: set[str] = field(default_factory=set)  # ids whose delete was answered 200
    unexpected: list[str] = field(default_factory=list)  # "op -> status body" outside the allowed set
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def pick(self, rng: random.Random, fallback: list[dict[str, Any]]) -> dict[str, Any]:
        with self.lock:
            pool = self.created or fallback
            return rng.choice(pool)

    def add(self, record: dict[str, Any]) -> None:
        with self.lock:
            self.created.append(record)


Operation = Callable[[requests.Session, random.Random, Load], tuple[str, requests.Response, set[int]]]


def run_load(operations: list[Operation], load: Load, seed: int) -> None:
    deadline = time.monotonic() + SECONDS

    def worker(index: int) -> None:
        rng = random.Random(seed * 100 + index)
        session = requests.Session()
        for done in range(OPS_PER_WORKER):
            if done >= MIN_OPS_PER_WORKER and time.monotonic() > deadline:
                return
            name, response, allowed = rng.choice(operations)(session, rng, load)
            with load.lock:
                load.requests += 1
                if response.status_code not in allowed:
                    load.unexpected.append(f"{name} -> {response.status_code} {response.text[:200]}")

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=MIN_OPS_PER_WORKER * REQUEST_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    assert load.requests >= WORKERS * MIN_OPS_PER_WORKER, "the load was too small to prove anything"
    assert not load.unexpected, "\n".join(load.unexpected[:20])
    assert load.created and load.revoked, "the load made or revoked nothing"
    print(
        f"{load.requests} requests, {len(load.created)} created, {len(load.revoked)} revoked, {len(load.deleted)} deleted"
    )


def snapshot(base: str) -> dict[str, list[dict[str, Any]]]:
    response = requests.get(f"{base}/__revokit/state", timeout=REQUEST_TIMEOUT)
    assert response.status_code == 200
    return response.json()["state"]


def _now(base: str) -> datetime:
    return _instant(requests.get(f"{base}/__revokit/clock", timeout=REQUEST_TIMEOUT).json()["now"])


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- app-keys --------------------------------------------------------------------------------------


def test_app_keys_mixed_load_keeps_the_store_consistent(live):
    base = _fresh(live, "app-keys")
    alice = requests.get(f"{base}/__revokit/seed", timeout=REQUEST_TIMEOUT).json()["users"][0]
    auth = {"Authorization": f"Bearer {alice['token']}"}
    seeded = [
        {"kind": "key", "app": app["id"], "id": k["id"], "key": k.get("key")}
        for app in alice["applications"]
        for k in app["keys"]
        if k["state"] == "active"
    ]
    apps = [app["id"] for app in alice["applications"]]
    load = Load()

    def create_app(s, rng, load):
        r = s.post(
            f"{base}/api/v1/applications",
            json={"name": f"load-{rng.random():.6f}"},
            headers=auth,
            timeout=REQUEST_TIMEOUT,
        )
        if r.status_code == 201:
            with load.lock:
                apps.append(r.json()["id"])
        return "create application", r, {201}

    def create_key(s, rng, load):
        with load.lock:
            app_id = rng.choice(apps)
        r = s.post(
            f"{base}/api/v1/applications/{app_id}/api-keys",
            json={"name": "k"},
            headers=auth,
            timeout=REQUEST_TIMEOUT,
        )
        if r.status_code == 201:
            body = r.json()
            load.add({"kind": "key", "app": app_id, "id": body["id"], "key": body["key"]})
        return "create key", r, {201}

    def list_keys(s, rng, load):
        with load.lock:
            app_id = rng.choice(apps)
        return (
            "list keys",
            s.get(f"{base}/api/v1/applications/{app_id}/api-keys", headers=auth, timeout=REQUEST_TIMEOUT),
            {200},
        )

    def revoke(s, rng, load):
        key = load.pick(rng, seeded)
        r = s.delete(
            f"{base}/api/v1/applications/{key['app']}/api-keys/{key['id']}",
            headers=auth,
            timeout=REQUEST_TIMEOUT,
        )
        if r.status_code == 200:
            with load.lock:
                load.revoked.add(key["id"])
        return "revoke key", r, {200, 404}

    def use(s, rng, load):
        key = load.pick(rng, seeded)
        with load.lock:
            was_revoked = key["id"] in load.revoked
        r = s.get(f"{base}/api/v1/key-info", headers={"X-API-Key": key["key"]}, timeout=REQUEST_TIMEOUT)
        return "use key", r, {401} if was_revoked else {200, 401}

    def list_apps(s, rng, load):
        return (
            "list applications",
            s.get(f"{base}/api/v1/applications", headers=auth, timeout=REQUEST_TIMEOUT),
            {200},
        )

    run_load([create_app, create_key, create_key, list_keys, revoke, use, use, list_apps], load, seed=1)

    state = snapshot(base)
    users = {u["id"] for u in state["users"]}
    applications = {a["id"]: a for a in state["applications"]}
    keys = {k["id"]: k for k in state["api_keys"]}
    assert all(a["owner_id"] in users for a in applications.values()), "an application without its owner"
    assert all(k["application_id"] in applications for k in keys.values()), "a key without its application"
    assert {r["id"] for r in load.created} <= set(keys), "an answered create is missing"
    assert all(keys[key_id]["revoked_at"] for key_id in load.revoked), "a revoked key came back"
    owned = [a for a in applications.values() if a["owner_id"] == alice["id"]]
    listed = requests.get(
        f"{base}/api/v1/applications?limit=100", headers=auth, timeout=REQUEST_TIMEOUT
    ).json()
    assert listed["total"] == len(owned) == len(apps)
    for app in owned:
        live_keys = {
            k["id"] for k in keys.values() if k["application_id"] == app["id"] and not k["revoked_at"]
        }
        page = requests.get(
            f"{base}/api/v1/applications/{app['id']}/api-keys?limit=100",
            headers=auth,
            timeout=REQUEST_TIMEOUT,
        )
        assert page.json()["total"] == len(live_keys)
        assert {k["id"] for k in page.json()["data"]} == live_keys
    for key in [*seeded, *load.created]:
        if key["id"] in load.revoked:
            assert (
                requests.get(
                    f"{base}/api/v1/key-info", headers={"X-API-Key": key["key"]}, timeout=REQUEST_TIMEOUT
                ).status_code
                == 401
            )


# -- medusa-v1 -------------------------------------------------------------------------------------


def test_medusa_v1_mixed_load_keeps_the_store_consistent(live):
    base = _fresh(live, "medusa-v1")
    seed = requests.get(f"{base}/__revokit/seed", timeout=REQUEST_TIMEOUT).json()
    auth = {"x-medusa-access-token": seed["admin"]["api_token"]}
    channels = [c["id"] for c in seed["sales_channels"]]
    seeded = [{"id": k["id"]} for k in seed["publishable_api_keys"] if k["state"] == "active"]
    made_channels: list[str] = []
    load = Load()

    def create_key(s, rng, load):
        r = s.post(
            f"{base}/admin/publishable-api-keys",
            json={"title": "load"},
            headers=auth,
            timeout=REQUEST_TIMEOUT,
        )
        if r.status_code == 200:
            load.add({"id": r.json()["publishable_api_key"]["id"]})
        return "create key", r, {200}

    def link(s, rng, load):
        key = load.pick(rng, seeded)
        with load.lock:
            channel = rng.choice(channels + made_channels)
        body = {"sales_channel_ids": [{"id": channel}]}
        r = s.post(
            f"{base}/admin/publishable-api-keys/{key['id']}/sales-channels/batch",
            json=body,
            headers=auth,
            timeout=REQUEST_TIMEOUT,
        )
        return "add channels", r, {200, 404}

    def revoke(s, rng, load):
        key = load.pick(rng, seeded)
        r = s.post(
            f"{base}/admin/publishable-api-keys/{key['id']}/revoke",
            json={},
            headers=auth,
            timeout=REQUEST_TIMEOUT,
        )
        if r.status_code == 200:
            with load.lock:
                load.revoked.add(key["id"])
        return "revoke key", r, {200, 400, 404}

    def delete(s, rng, load):
        key = load.pick(rng, seeded)
        r = s.delete(f"{base}/admin/publishable-api-keys/{key['id']}", headers=auth, timeout=REQUEST_TIMEOUT)
        if r.status_code == 200:
            with load.lock:
                load.deleted.add(key["id"])
        return "delete key", r, {200, 404}

    def list_keys(s, rng, load):
        return (
            "list keys",
            s.get(f"{base}/admin/publishable-api-keys?limit=50", headers=auth, timeout=REQUEST_TIMEOUT),
            {200},
        )

    def use(s, rng, load):
        key = load.pick(rng, seeded)
        with load.lock:
            gone = key["id"] in load.revoked or key["id"] in load.deleted
        r = s.get(
            f"{base}/store/products?limit=5",
            headers={"x-publishable-api-key": key["id"]},
            timeout=REQUEST_TIMEOUT,
        )
        return "use key", r, {400} if gone else {200, 400}

    def channel_churn(s, rng, load):
        r = s.post(
            f"{base}/admin/sales-channels",
            json={"name": "load channel"},
            headers=auth,
            timeout=REQUEST_TIMEOUT,
        )
        if r.status_code != 200:
            return "create channel", r, {200}
        channel_id = r.json()["sales_channel"]["id"]
        with load.lock:
            made_channels.append(channel_id)
        if rng.random() < 0.5:
            return (
                "delete channel",
                s.delete(f"{base}/admin/sales-channels/{channel_id}", headers=auth, timeout=REQUEST_TIMEOUT),
                {200},
            )
        return "create channel", r, {200}

    ops = [create_key, create_key, link, link, revoke, delete, list_keys, use, use, channel_churn]
    run_load(ops, load, seed=2)

    state = snapshot(base)
    keys = {k["id"]: k for k in state["publishable_api_keys"]}
    all_channels = {c["id"]: c for c in state["sales_channels"]}
    links = state["publishable_api_key_sales_channels"]
    # 1.20 keeps a deleted key's links (no foreign key, no cascade): a link may outlive its key only
    # when that key's delete was answered.
    assert all(link["key_id"] in keys or link["key_id"] in load.deleted for link in links)
    assert all(link["sales_channel_id"] in all_channels for link in links), "a link to a channel never made"
    pairs = [(link["key_id"], link["sales_channel_id"]) for link in links]
    assert len(pairs) == len(set(pairs)), "a key linked twice to one channel"
    assert not load.deleted & set(keys), "a deleted key came back"
    assert {r["id"] for r in load.created} - load.deleted <= set(keys), "an answered create is missing"
    for key_id in load.revoked - load.deleted:
        assert keys[key_id]["revoked_at"] and keys[key_id]["revoked_by"], "a revoked key came back"
    listed = requests.get(
        f"{base}/admin/publishable-api-keys?limit=1000", headers=auth, timeout=REQUEST_TIMEOUT
    ).json()
    assert listed["count"] == len(keys) == len(listed["publishable_api_keys"])
    assert {k["id"] for k in listed["publishable_api_keys"]} == set(keys)
    live_channels = [c for c in all_channels.values() if not c["deleted_at"]]
    listed_channels = requests.get(
        f"{base}/admin/sales-channels?limit=1000", headers=auth, timeout=REQUEST_TIMEOUT
    ).json()
    assert listed_channels["count"] == len(live_channels)
    default = next(s for s in state["store"])["default_sales_channel_id"]
    assert not all_channels[default]["deleted_at"], "the default channel was deleted"
    for key_id in load.revoked:
        refused = requests.get(
            f"{base}/store/products", headers={"x-publishable-api-key": key_id}, timeout=REQUEST_TIMEOUT
        )
        assert refused.status_code == 400


# -- xclade-v2 -------------------------------------------------------------------------------------


def test_xclade_v2_mixed_load_keeps_the_store_consistent(live):
    base = _fresh(live, "xclade-v2")
    seed = requests.get(f"{base}/__revokit/seed", timeout=REQUEST_TIMEOUT).json()
    auth = {"Authorization": f"Bearer {seed['admin']['token']}"}
    channels = [c["id"] for c in seed["sales_channels"]]
    seeded = [
        {"id": k["id"], "type": k["type"], "token": k["token"]}
        for k in seed["api_keys"]
        if k["state"] == "active"
    ]
    load = Load()

    def create_key(s, rng, load):
        # Mostly publishable: a secret costs a scrypt hash, and the store use needs publishable keys.
        key_type = "secret" if rng.random() < 0.2 else "publishable"
        r = s.post(
            f"{base}/admin/api-keys",
            json={"title": "load", "type": key_type},
            headers=auth,
            timeout=REQUEST_TIMEOUT,
        )
        if r.status_code == 200:
            body = r.json()["api_key"]
            load.add({"id": body["id"], "type": key_type, "token": body["token"]})
        return "create key", r, {200}

    def link(s, rng, load):
        key = load.pick(rng, seeded)
        body = {"add": [rng.choice(channels)]}
        r = s.post(
            f"{base}/admin/api-keys/{key['id']}/sales-channels",
            json=body,
            headers=auth,
            timeout=REQUEST_TIMEOUT,
        )
        # 400 for a secret key; 404 once another worker deleted the key
        return "link channels", r, {200, 404} if key["type"] == "publishable" else {400, 404}

    def revoke(s, rng, load):
        key = load.pick(rng, seeded)
        r = s.post(
            f"{base}/admin/api-keys/{key['id']}/revoke", json={}, headers=auth, timeout=REQUEST_TIMEOUT
        )
        if r.status_code == 200:
            with load.lock:
                load.revoked.add(key["id"])
        # 400: a secret key already revoked (publishable re-revokes succeed); 404: deleted
        return "revoke key", r, {200, 404} if key["type"] == "publishable" else {200, 400, 404}

    def delete(s, rng, load):
        key = load.pick(rng, seeded)
        r = s.delete(f"{base}/admin/api-keys/{key['id']}", headers=auth, timeout=REQUEST_TIMEOUT)
        if r.status_code == 200:
            with load.lock:
                load.deleted.add(key["id"])
        return "delete key", r, {200, 400, 404}  # 400: not revoked yet

    def list_keys(s, rng, load):
        return (
            "list keys",
            s.get(f"{base}/admin/api-keys?limit=50", headers=auth, timeout=REQUEST_TIMEOUT),
            {200},
        )

    def use(s, rng, load):
        key = load.pick(rng, seeded)
        with load.lock:
            gone = key["id"] in load.revoked or key["id"] in load.deleted
        if key["type"] == "publishable":
            r = s.get(
                f"{base}/store/products?limit=5",
                headers={"x-publishable-api-key": key["token"]},
                timeout=REQUEST_TIMEOUT,
            )
            # 400 also for a live key without channels ("needs to have a sales channel")
            return "use publishable key", r, {400} if gone else {200, 400}
        if not key["token"]:
            return (
                "list keys",
                s.get(f"{base}/admin/api-keys?limit=1", headers=auth, timeout=REQUEST_TIMEOUT),
                {200},
            )
        r = s.get(f"{base}/admin/sales-channels?limit=1", auth=(key["token"], ""), timeout=REQUEST_TIMEOUT)
        return "use secret key", r, {401} if gone else {200, 401}

    run_load([create_key, create_key, link, link, revoke, delete, list_keys, use, use], load, seed=3)

    state = snapshot(base)
    now = _now(base)
    keys = {k["id"]: k for k in state["api_keys"]}
    all_channels = {c["id"] for c in state["sales_channels"]}
    assert all(set(k["sales_channel_ids"]) <= all_channels for k in keys.values()), "a link to no channel"
    assert all(set(p["sales_channel_ids"]) <= all_channels for p in state["products"])
    assert all(len(k["sales_channel_ids"]) == len(set(k["sales_channel_ids"])) for k in keys.values())
    assert all(not k["sales_channel_ids"] for k in keys.values() if k["type"] == "secret")
    assert not load.deleted & set(keys), "a deleted key came back"
    assert {r["id"] for r in load.created} - load.deleted <= set(keys), "an answered create is missing"
    for key_id in load.revoked - load.deleted:
        revoked_at = keys[key_id]["revoked_at"]
        assert revoked_at and _instant(revoked_at) <= now, "a revoked key came back"
    listed = requests.get(f"{base}/admin/api-keys?limit=1000", headers=auth, timeout=REQUEST_TIMEOUT).json()
    assert listed["count"] == len(keys) == len(listed["api_keys"])
    assert {k["id"] for k in listed["api_keys"]} == set(keys)
    for key in load.created:
        if key["id"] in load.revoked and key["type"] == "publishable":
            refused = requests.get(
                f"{base}/store/products",
                headers={"x-publishable-api-key": key["token"]},
                timeout=REQUEST_TIMEOUT,
            )
            assert refused.status_code == 400
