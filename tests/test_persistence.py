"""`--state FILE`: the state survives a restart, and a SIGKILL mid-burst loses no answered write."""

from __future__ import annotations

import os
import signal
import threading
import time

import requests

from revokit.mockserver.families.app_keys.models import INDEXES, User
from revokit.mockserver.sqlite_store import SQLiteStore
from revokit_testing import start_revokit_mock

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


def test_restart_keeps_state(tmp_path):
    state = str(tmp_path / "mock.db")
    first = start_revokit_mock("app-keys", "--port", "0", "--state", state)
    try:
        base = first.url("app-keys")
        alice = requests.get(f"{base}/__revokit/seed", timeout=5).json()["users"][0]
        auth = {"Authorization": f"Bearer {alice['token']}"}
        made = requests.post(f"{base}/api/v1/applications", json={"name": "kept"}, headers=auth, timeout=5)
        assert made.status_code == 201
    finally:
        first.process.terminate()
        first.process.wait(timeout=10)
    second = start_revokit_mock("app-keys", "--port", "0", "--state", state)
    try:
        base = second.url("app-keys")
        listed = requests.get(f"{base}/api/v1/applications", headers=auth, timeout=5).json()
        assert "kept" in [a["name"] for a in listed["data"]]
    finally:
        second.process.terminate()
        second.process.wait(timeout=10)


def test_sigkill_mid_burst_loses_no_answered_write(tmp_path):
    state = str(tmp_path / "mock.db")
    mock = start_revokit_mock("app-keys", "--port", "0", "--state", state)
    base = mock.url("app-keys")
    alice = requests.get(f"{base}/__revokit/seed", timeout=5).json()["users"][0]
    auth = {"Authorization": f"Bearer {alice['token']}"}
    answered: list[str] = []
    lock = threading.Lock()
    stop = threading.Event()

    def writer(worker: int) -> None:
        session = requests.Session()
        for n in range(500):
            if stop.is_set():
                return
            try:
                response = session.post(
                    f"{base}/api/v1/applications", json={"name": f"w{worker}-{n}"}, headers=auth, timeout=5
                )
            except requests.RequestException:
                return  # the server died mid-request: that write was never answered
            if response.status_code == 201:
                with lock:
                    answered.append(response.json()["id"])

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 10
    while len(answered) < 40 and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(mock.process.pid, signal.SIGKILL)
    stop.set()
    for t in threads:
        t.join(timeout=10)
    mock.process.wait(timeout=10)
    assert len(answered) >= 40

    restarted = start_revokit_mock("app-keys", "--port", "0", "--state", state)
    try:
        base = restarted.url("app-keys")
        ids: set[str] = set()
        offset = 0
        while True:
            page = requests.get(
                f"{base}/api/v1/applications?limit=100&offset={offset}", headers=auth, timeout=5
            ).json()
            ids.update(a["id"] for a in page["data"])
            offset += 100
            if offset >= page["total"]:
                break
        assert set(answered) <= ids, "an answered write was lost"
        state_dump = requests.get(f"{base}/__revokit/state", timeout=5).json()["state"]
        for app in state_dump["applications"]:
            assert app["name"] and app["owner_id"]  # nothing half-written
    finally:
        restarted.process.terminate()
        restarted.process.wait(timeout=10)
