"""Revokes under concurrency, against a live `revokit mock` (real sockets, real threads)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from revokit_testing import start_revokit_mock


@pytest.fixture(scope="module")
def live():
    mock = start_revokit_mock("app-keys", "--port", "0", "--threads", "16")
    yield mock
    mock.process.terminate()
    mock.process.wait(timeout=10)


@pytest.fixture
def base(live):
    url = live.url("app-keys")
    requests.post(f"{url}/__revokit/reset", timeout=5)
    return url


def _alice(base: str) -> tuple[dict, dict[str, str]]:
    alice = requests.get(f"{base}/__revokit/seed", timeout=5).json()["users"][0]
    return alice, {"Authorization": f"Bearer {alice['token']}"}


def test_concurrent_revokes_of_one_key_succeed_exactly_once(base):
    alice, auth = _alice(base)
    app = alice["applications"][0]
    url = f"{base}/api/v1/applications/{app['id']}/api-keys/{app['keys'][0]['id']}"
    barrier = threading.Barrier(12)

    def revoke(_: int) -> int:
        barrier.wait()
        return requests.delete(url, headers=auth, timeout=10).status_code

    with ThreadPoolExecutor(12) as pool:
        statuses = list(pool.map(revoke, range(12)))
    assert sorted(statuses) == [200] + [404] * 11


def test_no_request_after_the_revoke_answer_is_accepted(base):
    alice, auth = _alice(base)
    app = alice["applications"][0]
    victim, sibling = app["keys"][0], app["keys"][1]
    results: list[tuple[float, str, int]] = []
    lock = threading.Lock()
    stop = threading.Event()

    def use(key: dict) -> None:
        session = requests.Session()
        while not stop.is_set():
            sent = time.monotonic()
            status = session.get(
                f"{base}/api/v1/key-info", headers={"X-API-Key": key["key"]}, timeout=10
            ).status_code
            with lock:
                results.append((sent, key["id"], status))

    workers = [threading.Thread(target=use, args=(k,)) for k in (victim, victim, victim, sibling)]
    for w in workers:
        w.start()
    time.sleep(0.3)
    revoked = requests.delete(
        f"{base}/api/v1/applications/{app['id']}/api-keys/{victim['id']}", headers=auth, timeout=10
    )
    answered = time.monotonic()
    assert revoked.status_code == 200
    time.sleep(0.3)
    stop.set()
    for w in workers:
        w.join(timeout=10)

    after = [(key_id, status) for sent, key_id, status in results if sent > answered]
    assert any(k == victim["id"] for k, _ in after), "no use of the revoked key was measured after the revoke"
    assert all(status == 401 for k, status in after if k == victim["id"])
    assert all(status == 200 for k, status in after if k == sibling["id"])
    assert all(status in (200, 401) for _, _, status in results)
