"""Revokes under concurrency in the Medusa families, against a live `revokit mock` (real sockets,
real threads): a second revoke is refused exactly where the real system refuses it, and once a
revoke has been answered no request with that key succeeds (immediate and ``revoke_in`` revokes).
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests

from revokit_testing import start_revokit_mock

V1_ALREADY_REVOKED = {"type": "not_allowed", "message": "PublishableApiKey has already been revoked."}
V1_INVALID_KEY = {
    "type": "not_allowed",
    "message": "A valid publishable key is required to proceed with the request",
}
V2_SECRET_ALREADY_REVOKED = {
    "type": "invalid_data",
    "message": "There are 1 secret keys that are already revoked.",
}
V2_INVALID_PUBLISHABLE = V1_INVALID_KEY
V2_UNAUTHORIZED = {"message": "Unauthorized"}
RACERS = 12


@pytest.fixture(scope="module")
def live():
    mock = start_revokit_mock("medusa-v1", "xclade-v2", "--port", "0", "--threads", "16")
    yield mock
    mock.process.terminate()
    mock.process.wait(timeout=10)


@pytest.fixture
def v1(live) -> str:
    url = live.url("medusa-v1")
    assert requests.post(f"{url}/__revokit/reset", timeout=5).status_code == 200
    return url


@pytest.fixture
def v2(live) -> str:
    url = live.url("xclade-v2")
    assert requests.post(f"{url}/__revokit/reset", timeout=5).status_code == 200
    return url


def _seed(base: str) -> dict:
    return requests.get(f"{base}/__revokit/seed", timeout=5).json()


def _v1_admin(base: str) -> dict[str, str]:
    return {"x-medusa-access-token": _seed(base)["admin"]["api_token"]}


def _v2_admin(base: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {_seed(base)['admin']['token']}"}


def _basic(secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{secret}:".encode()).decode()}


def _race(count: int, send: Callable[[], requests.Response]) -> list[requests.Response]:
    """``count`` threads released together by a barrier, each sending one request."""
    barrier = threading.Barrier(count)

    def one(_: int) -> requests.Response:
        barrier.wait()
        return send()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(one, range(count)))


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- many revokes of one key ---------------------------------------------------------------------


def test_v1_concurrent_revokes_of_one_key_succeed_exactly_once(v1):
    admin = _v1_admin(v1)
    key = next(k for k in _seed(v1)["publishable_api_keys"] if k["state"] == "active")
    url = f"{v1}/admin/publishable-api-keys/{key['id']}/revoke"
    answers = _race(RACERS, lambda: requests.post(url, json={}, headers=admin, timeout=10))

    assert sorted(a.status_code for a in answers) == [200] + [400] * (RACERS - 1)
    assert all(a.json() == V1_ALREADY_REVOKED for a in answers if a.status_code == 400)
    winner = next(a.json()["publishable_api_key"] for a in answers if a.status_code == 200)
    stored = requests.get(f"{v1}/admin/publishable-api-keys/{key['id']}", headers=admin, timeout=5).json()
    assert stored["publishable_api_key"] == winner  # the one answered revoke is the stored one


def test_v2_concurrent_revokes_of_one_secret_key_succeed_exactly_once(v2):
    admin = _v2_admin(v2)
    key = next(k for k in _seed(v2)["api_keys"] if k["type"] == "secret" and k["state"] == "active")
    url = f"{v2}/admin/api-keys/{key['id']}/revoke"
    answers = _race(RACERS, lambda: requests.post(url, json={}, headers=admin, timeout=10))

    assert sorted(a.status_code for a in answers) == [200] + [400] * (RACERS - 1)
    assert all(a.json() == V2_SECRET_ALREADY_REVOKED for a in answers if a.status_code == 400)
    winner = next(a.json()["api_key"] for a in answers if a.status_code == 200)
    stored = requests.get(f"{v2}/admin/api-keys/{key['id']}", headers=admin, timeout=5).json()["api_key"]
    assert stored == winner


def test_v2_concurrent_revokes_of_a_publishable_key_all_succeed_and_one_is_stored(v2):
    admin = _v2_admin(v2)
    key = next(k for k in _seed(v2)["api_keys"] if k["type"] == "publishable" and k["state"] == "active")
    url = f"{v2}/admin/api-keys/{key['id']}/revoke"
    answers = _race(RACERS, lambda: requests.post(url, json={}, headers=admin, timeout=10))

    assert [a.status_code for a in answers] == [200] * RACERS
    answered = [a.json()["api_key"] for a in answers]
    stored = requests.get(f"{v2}/admin/api-keys/{key['id']}", headers=admin, timeout=5).json()["api_key"]
    # Not torn: revoked_at, revoked_by and updated_at all come from one and the same answered revoke.
    assert stored in answered
    assert stored["revoked_at"] == max(a["revoked_at"] for a in answered)


def test_v2_concurrent_revoke_in_of_a_secret_key_overwrites_until_in_effect(v2):
    """A secret key whose revocation is still ahead may be revoked again: all succeed."""
    admin = _v2_admin(v2)
    key = next(k for k in _seed(v2)["api_keys"] if k["type"] == "secret" and k["state"] == "active")
    url = f"{v2}/admin/api-keys/{key['id']}/revoke"
    answers = _race(RACERS, lambda: requests.post(url, json={"revoke_in": 3600}, headers=admin, timeout=10))

    assert [a.status_code for a in answers] == [200] * RACERS
    stored = requests.get(f"{v2}/admin/api-keys/{key['id']}", headers=admin, timeout=5).json()["api_key"]
    assert stored in [a.json()["api_key"] for a in answers]


# -- use while revoking ----------------------------------------------------------------------------


class Hammer:
    """Threads that keep using credentials and record (sent, received, label, status) per request."""

    def __init__(self, requests_by_label: dict[str, Callable[[requests.Session], requests.Response]]):
        self.senders = requests_by_label
        self.results: list[tuple[float, float, str, int]] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def _loop(self, label: str) -> None:
        session = requests.Session()
        send = self.senders[label]
        while not self._stop.is_set():
            sent = time.time()
            status = send(session).status_code
            with self._lock:
                self.results.append((sent, time.time(), label, status))

    def __enter__(self) -> Hammer:
        for label in self.senders:
            for _ in range(3 if label == "victim" else 1):
                thread = threading.Thread(target=self._loop, args=(label,))
                thread.start()
                self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def warm_up(self, count: int = 6, timeout: float = 10.0) -> None:
        """Wait until every label has ``count`` answers (the first secret-key check pays scrypt)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                seen = [sum(1 for r in self.results if r[2] == label) for label in self.senders]
            if min(seen) >= count:
                return
            time.sleep(0.02)
        raise AssertionError(f"the workers did not get going: {seen} answers")

    def after(self, instant: float, label: str) -> list[int]:
        """Statuses of requests sent after ``instant``."""
        return [status for sent, _, lab, status in self.results if lab == label and sent > instant]

    def before(self, instant: float, label: str) -> list[int]:
        """Statuses of requests answered before ``instant`` (in flight across it: neither)."""
        return [status for _, got, lab, status in self.results if lab == label and got < instant]


def _assert_refused_after(hammer: Hammer, answered: float, refusal: int, ok: int = 200) -> None:
    victim_after = hammer.after(answered, "victim")
    assert victim_after, "no use of the revoked key was measured after the revoke"
    assert set(victim_after) == {refusal}
    sibling_after = hammer.after(answered, "sibling")
    assert sibling_after and set(sibling_after) == {ok}
    assert all(status in (ok, refusal) for *_, status in hammer.results), "a 5xx or stray status"


def test_v1_no_store_request_after_the_revoke_answer_is_accepted(v1):
    admin = _v1_admin(v1)
    keys = [k for k in _seed(v1)["publishable_api_keys"] if k["state"] == "active" and k["sales_channel_ids"]]
    victim, sibling = keys[0], keys[1]

    def store_with(key: dict) -> Callable[[requests.Session], requests.Response]:
        headers = {"x-publishable-api-key": key["id"]}
        return lambda s: s.get(f"{v1}/store/products?limit=1", headers=headers, timeout=10)

    with Hammer({"victim": store_with(victim), "sibling": store_with(sibling)}) as hammer:
        hammer.warm_up()
        revoked = requests.post(
            f"{v1}/admin/publishable-api-keys/{victim['id']}/revoke", json={}, headers=admin, timeout=10
        )
        answered = time.time()
        assert revoked.status_code == 200
        time.sleep(0.3)
    _assert_refused_after(hammer, answered, 400)
    refused = requests.get(f"{v1}/store/products", headers={"x-publishable-api-key": victim["id"]}, timeout=5)
    assert refused.json() == V1_INVALID_KEY


def _v2_users(v2: str) -> tuple[dict, dict, dict, dict]:
    keys = _seed(v2)["api_keys"]
    publishable = [
        k for k in keys if k["type"] == "publishable" and k["state"] == "active" and k["sales_channels"]
    ]
    secret = next(k for k in keys if k["type"] == "secret" and k["state"] == "active")
    scheduled = next(k for k in keys if k["type"] == "secret" and k["state"] == "revoke_scheduled")
    return publishable[0], publishable[1], secret, scheduled


def _v2_store(v2: str, key: dict) -> Callable[[requests.Session], requests.Response]:
    headers = {"x-publishable-api-key": key["token"]}
    return lambda s: s.get(f"{v2}/store/products?limit=1", headers=headers, timeout=10)


def _v2_admin_with(v2: str, key: dict) -> Callable[[requests.Session], requests.Response]:
    headers = _basic(key["token"])
    return lambda s: s.get(f"{v2}/admin/sales-channels?limit=1", headers=headers, timeout=10)


@pytest.mark.parametrize("kind", ["publishable", "secret"])
def test_v2_no_request_after_an_immediate_revoke_answer_is_accepted(v2, kind):
    admin = _v2_admin(v2)
    pk, pk_sibling, sk, sk_sibling = _v2_users(v2)
    if kind == "publishable":
        victim, senders, refusal = (
            pk,
            {"victim": _v2_store(v2, pk), "sibling": _v2_store(v2, pk_sibling)},
            400,
        )
    else:
        # The seeded secret with a far-future revocation stays valid: a good sibling.
        victim, senders, refusal = (
            sk,
            {"victim": _v2_admin_with(v2, sk), "sibling": _v2_admin_with(v2, sk_sibling)},
            401,
        )

    with Hammer(senders) as hammer:
        hammer.warm_up()
        revoked = requests.post(f"{v2}/admin/api-keys/{victim['id']}/revoke", headers=admin, timeout=10)
        answered = time.time()
        assert revoked.status_code == 200
        time.sleep(0.3)
    _assert_refused_after(hammer, answered, refusal)
    last = senders["victim"](requests.Session())
    assert last.json() == (V2_INVALID_PUBLISHABLE if kind == "publishable" else V2_UNAUTHORIZED)


@pytest.mark.parametrize("kind", ["publishable", "secret"])
def test_v2_revoke_in_takes_effect_when_the_mock_clock_reaches_it(v2, kind):
    """``revoke_in`` on a frozen mock clock: the key works until the clock is moved past
    ``revoked_at``; once that move is answered, no request with the key succeeds."""
    admin = _v2_admin(v2)
    pk, pk_sibling, sk, sk_sibling = _v2_users(v2)
    start = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
    assert (
        requests.put(f"{v2}/__revokit/clock", json={"now": start.isoformat()}, timeout=5).status_code == 200
    )
    if kind == "publishable":
        victim, senders, refusal = (
            pk,
            {"victim": _v2_store(v2, pk), "sibling": _v2_store(v2, pk_sibling)},
            400,
        )
    else:
        victim, senders, refusal = (
            sk,
            {"victim": _v2_admin_with(v2, sk), "sibling": _v2_admin_with(v2, sk_sibling)},
            401,
        )

    with Hammer(senders) as hammer:
        hammer.warm_up()
        revoked = requests.post(
            f"{v2}/admin/api-keys/{victim['id']}/revoke", json={"revoke_in": 60}, headers=admin, timeout=10
        )
        assert revoked.status_code == 200
        assert _instant(revoked.json()["api_key"]["revoked_at"]) == start + timedelta(seconds=60)
        time.sleep(0.2)
        scheduled_until = time.time()
        moved = requests.post(f"{v2}/__revokit/clock/advance", json={"seconds": 60}, timeout=5)
        answered = time.time()
        assert moved.status_code == 200
        time.sleep(0.3)
    before = hammer.before(scheduled_until, "victim")
    assert before and set(before) == {200}, "the key must work until its revoked_at"
    _assert_refused_after(hammer, answered, refusal)


def test_v2_a_real_short_revoke_in_takes_effect_on_time(v2):
    """``revoke_in: 1`` on the real clock: accepted before ``revoked_at``, refused after it."""
    admin = _v2_admin(v2)
    pk, pk_sibling, _, _ = _v2_users(v2)
    margin = 0.02  # the answer shows revoked_at to the millisecond; leave room around it
    with Hammer({"victim": _v2_store(v2, pk), "sibling": _v2_store(v2, pk_sibling)}) as hammer:
        hammer.warm_up()
        revoked = requests.post(
            f"{v2}/admin/api-keys/{pk['id']}/revoke", json={"revoke_in": 1}, headers=admin, timeout=10
        )
        assert revoked.status_code == 200
        revoked_at = _instant(revoked.json()["api_key"]["revoked_at"]).timestamp()
        while time.time() < revoked_at + 0.4:
            time.sleep(0.05)
    assert set(hammer.before(revoked_at - margin, "victim")) == {200}
    assert hammer.before(revoked_at - margin, "victim"), "no use measured before revoked_at"
    _assert_refused_after(hammer, revoked_at + margin, 400)
