"""`--state FILE`: the state survives a restart, and a SIGKILL mid-burst loses no answered write."""

from __future__ import annotations

import base64
import os
import signal
import threading
import time

import pytest
import requests

from revokit.mockserver.families.app_keys.models import INDEXES, User
from revokit.mockserver.sqlite_store import SQLiteStore
from revokit_testing import build_app, start_revokit_mock

# Each run signs tokens with a fresh random secret; tokens that must outlive a restart need one
# fixed secret (the --state file keeps records, not signatures).
STABLE_SECRET = ("--jwt-secret", "persistence-tests-keep-their-tokens")

START_USER = User("u1", "a@example.com", "A", __import__("datetime").datetime(2026, 1, 1))


def test_sqlite_store_round_trips_records_and_rolls_back(tmp_path):
    path = str(tmp_path / "state.db")
    store = SQLiteStore(path, "app-keys", {"users": User}, INDEXES)
    store.put("users", START_USER)
    try:
        with store.transaction():
            store.put("users", User("u2", "b@example.com", "B", START_USER.created_at))
            raise RuntimeError("abandon the transaction")
    except RuntimeError:
        pass
    assert store.get("users", "u2") is None
    store.close()
    reopened = SQLiteStore(path, "app-keys", {"users": User}, INDEXES)
    assert reopened.all("users") == [START_USER]
    assert reopened.find("users", "email", "a@example.com") == [START_USER]
    assert SQLiteStore(path, "other-family", {"users": User}, INDEXES).all("users") == []


def test_memory_store_transaction_that_raises_changes_nothing():
    from revokit.mockserver.store import InMemoryStore

    store = InMemoryStore(INDEXES)
    store.put("users", START_USER)
    before = store.dump()
    try:
        with store.transaction():
            store.delete("users", "u1")
            store.put("users", User("u2", "b@example.com", "B", START_USER.created_at))
            raise RuntimeError
    except RuntimeError:
        pass
    assert store.dump() == before
    assert store.find("users", "email", "b@example.com") == []


def _exercise(family: str, client) -> None:
    """Writes of every record kind the family keeps, through its API."""
    seed = client.get("/__revokit/seed").get_json()
    if family == "app-keys":
        auth = {"Authorization": f"Bearer {seed['users'][0]['token']}"}
        app_id = client.post("/api/v1/applications", json={"name": "kept"}, headers=auth).get_json()["id"]
        key = client.post(
            f"/api/v1/applications/{app_id}/api-keys", json={"name": "k"}, headers=auth
        ).get_json()
        assert (
            client.delete(f"/api/v1/applications/{app_id}/api-keys/{key['id']}", headers=auth).status_code
            == 200
        )
    elif family == "medusa-v1":
        admin = seed["admin"]
        assert (
            client.post(
                "/admin/auth", json={"email": admin["email"], "password": admin["password"]}
            ).status_code
            == 200
        )
        key = client.post("/admin/publishable-api-keys", json={"title": "kept"}).get_json()[
            "publishable_api_key"
        ]
        channel = client.post("/admin/sales-channels", json={"name": "kept"}).get_json()["sales_channel"]
        batch = {"sales_channel_ids": [{"id": channel["id"]}]}
        assert (
            client.post(
                f"/admin/publishable-api-keys/{key['id']}/sales-channels/batch", json=batch
            ).status_code
            == 200
        )
        cart = client.post("/store/carts", json={}, headers={"x-publishable-api-key": key["id"]})
        assert cart.status_code == 200
        assert client.post(f"/admin/publishable-api-keys/{key['id']}/revoke", json={}).status_code == 200
    else:
        admin = seed["admin"]
        login = client.post(
            "/auth/user/emailpass", json={"email": admin["email"], "password": admin["password"]}
        )
        bearer = {"Authorization": f"Bearer {login.get_json()['token']}"}
        assert client.post("/auth/session", headers=bearer).status_code == 200
        made = client.post(
            "/admin/api-keys", json={"title": "kept", "type": "secret"}, headers=bearer
        ).get_json()
        channel = client.post("/admin/sales-channels", json={"name": "kept"}, headers=bearer).get_json()
        pk = client.post(
            "/admin/api-keys", json={"title": "pk", "type": "publishable"}, headers=bearer
        ).get_json()
        link = {"add": [channel["sales_channel"]["id"]]}
        assert (
            client.post(
                f"/admin/api-keys/{pk['api_key']['id']}/sales-channels", json=link, headers=bearer
            ).status_code
            == 200
        )
        revoke = client.post(
            f"/admin/api-keys/{made['api_key']['id']}/revoke", json={"revoke_in": 3600}, headers=bearer
        )
        assert revoke.status_code == 200


@pytest.mark.parametrize("family", ["app-keys", "medusa-v1", "xclade-v2"])
def test_every_family_round_trips_through_sqlite(tmp_path, family):
    state = str(tmp_path / "state.db")
    first = build_app(family, state_path=state).test_client()
    _exercise(family, first)
    before = first.get("/__revokit/state").get_json()["state"]
    assert all(before[kind] for kind in before), "a record kind the exercise did not reach"
    second = build_app(family, state_path=state).test_client()
    assert second.get("/__revokit/state").get_json()["state"] == before
    if family == "xclade-v2":
        # The salted hash read back still verifies the plaintext that only the create answer showed.
        secret = next(k for k in first.get("/__revokit/seed").get_json()["api_keys"] if k["type"] == "secret")
        basic = {"Authorization": "Basic " + base64.b64encode(f"{secret['token']}:".encode()).decode()}
        assert second.get("/admin/api-keys", headers=basic).status_code == 200


def test_sqlite_store_refuses_a_kind_it_could_not_read_back(tmp_path):
    store = SQLiteStore(str(tmp_path / "s.db"), "app-keys", {"users": User}, INDEXES)
    with pytest.raises(KeyError, match="record_types"):
        store.put("applications", START_USER)
    assert store.all("applications") == []


def test_restart_keeps_state(tmp_path):
    state = str(tmp_path / "mock.db")
    first = start_revokit_mock("app-keys", "--port", "0", "--state", state, *STABLE_SECRET)
    try:
        base = first.url("app-keys")
        alice = requests.get(f"{base}/__revokit/seed", timeout=5).json()["users"][0]
        auth = {"Authorization": f"Bearer {alice['token']}"}
        made = requests.post(f"{base}/api/v1/applications", json={"name": "kept"}, headers=auth, timeout=5)
        assert made.status_code == 201
    finally:
        first.process.terminate()
        first.process.wait(timeout=10)
    second = start_revokit_mock("app-keys", "--port", "0", "--state", state, *STABLE_SECRET)
    try:
        base = second.url("app-keys")
        listed = requests.get(f"{base}/api/v1/applications", headers=auth, timeout=5).json()
        assert "kept" in [a["name"] for a in listed["data"]]
    finally:
        second.process.terminate()
        second.process.wait(timeout=10)


class Burst:
    """One family's write burst: create a record, then (every other time) revoke it."""

    def __init__(self, family: str, base: str) -> None:
        self.family = family
        self.base = base
        seed = requests.get(f"{base}/__revokit/seed", timeout=5).json()
        if family == "app-keys":
            alice = seed["users"][0]
            self.auth = {"Authorization": f"Bearer {alice['token']}"}
            self.app_id = alice["applications"][0]["id"]
        elif family == "medusa-v1":
            self.auth = {"x-medusa-access-token": seed["admin"]["api_token"]}
        else:
            self.auth = {"Authorization": f"Bearer {seed['admin']['token']}"}

    def create(self, session: requests.Session, name: str) -> str | None:
        if self.family == "app-keys":
            url, body, ok = f"{self.base}/api/v1/applications", {"name": name}, 201
        elif self.family == "medusa-v1":
            url, body, ok = f"{self.base}/admin/publishable-api-keys", {"title": name}, 200
        else:
            url, body, ok = f"{self.base}/admin/api-keys", {"title": name, "type": "publishable"}, 200
        response = session.post(url, json=body, headers=self.auth, timeout=5)
        if response.status_code != ok:
            return None
        data = response.json()
        return data["id"] if self.family == "app-keys" else next(iter(data.values()))["id"]

    def revoke(self, session: requests.Session, record_id: str) -> bool:
        if self.family == "app-keys":
            return True  # applications have no revoke; the creates alone are the burst
        if self.family == "medusa-v1":
            url = f"{self.base}/admin/publishable-api-keys/{record_id}/revoke"
        else:
            url = f"{self.base}/admin/api-keys/{record_id}/revoke"
        return session.post(url, json={}, headers=self.auth, timeout=5).status_code == 200

    def records(self, state: dict) -> dict[str, dict]:
        kind = {"app-keys": "applications", "medusa-v1": "publishable_api_keys", "xclade-v2": "api_keys"}
        return {r["id"]: r for r in state[kind[self.family]]}


@pytest.mark.parametrize("family", ["app-keys", "medusa-v1", "xclade-v2"])
def test_sigkill_mid_burst_loses_no_answered_write(tmp_path, family):
    state = str(tmp_path / "mock.db")
    mock = start_revokit_mock(family, "--port", "0", "--state", state, *STABLE_SECRET)
    burst = Burst(family, mock.url(family))
    created: list[str] = []
    revoked: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(worker: int) -> None:
        session = requests.Session()
        for n in range(500):
            if stop.is_set():
                return
            try:
                record_id = burst.create(session, f"w{worker}-{n}")
                if record_id is None:
                    continue
                with lock:
                    created.append(record_id)
                if family != "app-keys" and n % 2 == 0 and burst.revoke(session, record_id):
                    with lock:
                        revoked.append(record_id)
            except requests.RequestException:
                return  # the server died mid-request: that write was never answered

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    while len(created) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(mock.process.pid, signal.SIGKILL)
    stop.set()
    for t in threads:
        t.join(timeout=10)
    mock.process.wait(timeout=10)
    assert len(created) >= 40
    if family != "app-keys":
        assert revoked, "no revoke was answered before the kill"

    restarted = start_revokit_mock(family, "--port", "0", "--state", state, *STABLE_SECRET)
    try:
        base = restarted.url(family)
        state_dump = requests.get(f"{base}/__revokit/state", timeout=5).json()["state"]
        records = burst.records(state_dump)
        assert set(created) <= set(records), "an answered create was lost"
        for record_id in revoked:
            assert records[record_id]["revoked_at"], "an answered revoke was lost"
        for record in records.values():  # nothing half-written: every stored record is whole
            if family == "app-keys":
                assert record["name"] and record["owner_id"]
            else:
                assert record["title"] and record["created_at"] and record["updated_at"]
                assert bool(record["revoked_at"]) == bool(record["revoked_by"])
        # The restarted mock serves what it read back, through the API too.
        burst.base = base
        listed = _list_ids(burst)
        assert set(created) <= listed
    finally:
        restarted.process.terminate()
        restarted.process.wait(timeout=10)


def _list_ids(burst: Burst) -> set[str]:
    if burst.family == "app-keys":
        url, items, total = f"{burst.base}/api/v1/applications", "data", "total"
    elif burst.family == "medusa-v1":
        url, items, total = f"{burst.base}/admin/publishable-api-keys", "publishable_api_keys", "count"
    else:
        url, items, total = f"{burst.base}/admin/api-keys", "api_keys", "count"
    ids: set[str] = set()
    offset = 0
    while True:
        page = requests.get(f"{url}?limit=100&offset={offset}", headers=burst.auth, timeout=5).json()
        ids.update(item["id"] for item in page[items])
        offset += 100
        if offset >= page[total]:
            return ids
