"""``revokeApiKeysWorkflow`` in the xclade-v2 domain: one operation, a selector and a revoke.

What a real Medusa 2.21.2 did when the workflow was run against it (``medusa exec``, 2026-12-06):
two already-revoked secret keys among four picked keys gave "There are 2 secret keys that are
already revoked." and changed nothing; a ``$or`` + ``created_by`` selector picked a publishable
key revoked before and a secret key revoked in the future, and both got the new time and
revoker; the output listed them by id in the module's layout (token ``""`` for the secret key);
``{id: ["apk_nope"]}`` and ``{id: []}`` revoked nothing, without error; a selection without
``revoked_by`` gave "You must provide a revoked_by field when revoking a key."
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from test_v2_domain import NOW, USER, make_backend

from revokit.mockserver.families.xclade_v2.exceptions import (
    ApiKeyNotFound,
    RevokedByRequired,
    SecretKeysAlreadyRevoked,
)
from revokit.mockserver.families.xclade_v2.models import API_KEYS, KeyRevoke, KeySelector
from revokit.mockserver.families.xclade_v2.responses import key_selector_from_json, revoked_api_key_json

OTHER = "user_OTHER"


@pytest.fixture
def backend():
    return make_backend()


def keys_of(backend, *specs):
    """Create keys: ("secret"|"publishable", title[, created_by])."""
    made = []
    for spec in specs:
        key, _ = backend.create_api_key(spec[1], spec[0], spec[2] if len(spec) > 2 else USER)
        made.append(key)
    return made


def state(backend):
    return {k.id: (k.revoked_at, k.revoked_by, k.updated_at) for k in backend.store.all(API_KEYS)}


def test_one_call_revokes_every_selected_key_with_one_time_and_revoker(backend):
    s1, s2, p1 = keys_of(backend, ("secret", "a"), ("secret", "b"), ("publishable", "c"))
    revoked = backend.revoke_api_keys(KeySelector(), KeyRevoke(OTHER, 90))
    assert [k.id for k in revoked] == sorted([s1.id, s2.id, p1.id])  # the module's order: by id
    assert {k.revoked_at for k in revoked} == {NOW + timedelta(seconds=90)}
    assert {k.revoked_by for k in revoked} == {OTHER}
    assert {k.id: k for k in backend.store.all(API_KEYS)} == {k.id: k for k in revoked}


def test_already_revoked_secret_keys_are_counted_and_nothing_changes(backend):
    s1, s2, s3, p1 = keys_of(backend, ("secret", "a"), ("secret", "b"), ("secret", "c"), ("publishable", "d"))
    backend.revoke_api_keys(KeySelector(ids=(s1.id, s2.id, p1.id)), KeyRevoke(USER))
    backend.revoke_api_keys(KeySelector(ids=(s3.id,)), KeyRevoke(USER, 3600))
    backend.clock.advance(1)
    before = state(backend)
    with pytest.raises(SecretKeysAlreadyRevoked) as refused:
        backend.revoke_api_keys(KeySelector(ids=(s1.id, s2.id, s3.id, p1.id)), KeyRevoke(OTHER))
    assert refused.value.status == 400
    assert refused.value.body == {
        "type": "invalid_data",
        "message": "There are 2 secret keys that are already revoked.",
    }
    assert state(backend) == before  # all or nothing: not even the future-dated key moved


def test_the_count_covers_only_the_selection(backend):
    _s1, s2, _s3 = keys_of(backend, ("secret", "a"), ("secret", "b"), ("secret", "c"))
    backend.revoke_api_keys(KeySelector(), KeyRevoke(USER))
    backend.clock.advance(1)
    with pytest.raises(SecretKeysAlreadyRevoked, match="There are 3 secret keys"):
        backend.revoke_api_keys(KeySelector(key_type="secret"), KeyRevoke(USER))
    with pytest.raises(SecretKeysAlreadyRevoked, match="There are 1 secret keys"):
        backend.revoke_api_keys(KeySelector(ids=(s2.id,)), KeyRevoke(USER))


def test_publishable_keys_are_never_checked_and_get_the_new_time(backend):
    (p1,) = keys_of(backend, ("publishable", "web"))
    backend.revoke_api_keys(KeySelector(ids=(p1.id,)), KeyRevoke(USER))
    backend.clock.advance(30)
    (again,) = backend.revoke_api_keys(KeySelector(key_type="publishable"), KeyRevoke(OTHER, 60))
    assert again.revoked_at == NOW + timedelta(seconds=90) and again.revoked_by == OTHER


def test_future_dated_secret_keys_are_revoked_again(backend):
    (s1,) = keys_of(backend, ("secret", "rotating"))
    backend.revoke_api_keys(KeySelector(ids=(s1.id,)), KeyRevoke(USER, 3600))
    backend.clock.advance(10)
    (now_revoked,) = backend.revoke_api_keys(KeySelector(key_type="secret"), KeyRevoke(OTHER))
    assert now_revoked.revoked_at == NOW + timedelta(seconds=10) and now_revoked.revoked_by == OTHER
    with pytest.raises(SecretKeysAlreadyRevoked):
        backend.revoke_api_keys(KeySelector(ids=(s1.id,)), KeyRevoke(OTHER))


def test_nothing_selected_is_no_error_and_needs_no_revoker(backend):
    keys_of(backend, ("secret", "a"))
    before = state(backend)
    assert backend.revoke_api_keys(KeySelector(ids=("apk_nope",)), KeyRevoke(None)) == []
    assert backend.revoke_api_keys(KeySelector(ids=()), KeyRevoke(USER)) == []  # IN (): no key
    assert state(backend) == before


def test_a_selection_without_revoked_by_is_refused(backend):
    keys_of(backend, ("publishable", "a"))
    for who in (None, ""):
        with pytest.raises(RevokedByRequired) as refused:
            backend.revoke_api_keys(KeySelector(), KeyRevoke(who))
        assert refused.value.body == {
            "type": "invalid_data",
            "message": "You must provide a revoked_by field when revoking a key.",
        }


def test_selector_fields(backend):
    s1, s2, p1, p2 = keys_of(
        backend,
        ("secret", "CI", USER),
        ("secret", "Deploy", OTHER),
        ("publishable", "Web"),
        ("publishable", "App"),
    )
    channel = backend.create_sales_channel("EU", None, False)
    backend.link_sales_channels(p2.id, [channel.id], [])
    backend.revoke_api_keys(KeySelector(ids=(s2.id,)), KeyRevoke(USER, 600))

    def picked(data):
        selector = key_selector_from_json(data)
        return {k.id for k in backend.store.all(API_KEYS) if selector.matches(k)}

    assert picked({}) == {s1.id, s2.id, p1.id, p2.id}
    assert picked({"id": s1.id}) == {s1.id}
    assert picked({"id": [s1.id, p1.id, "apk_nope"]}) == {s1.id, p1.id}
    assert picked({"type": "secret"}) == {s1.id, s2.id}
    assert picked({"type": "publishable"}) == {p1.id, p2.id}
    assert picked({"title": ["Web", "App"]}) == {p1.id, p2.id}
    assert picked({"created_by": OTHER}) == {s2.id}
    assert picked({"revoked_at": None}) == {s1.id, p1.id, p2.id}
    assert picked({"revoked_at": {"$ne": None}}) == {s2.id}
    assert picked({"revoked_at": {"$gt": "2026-11-23T08:05:00Z"}}) == {s2.id}
    assert picked({"revoked_at": {"$lt": "2026-11-23T08:05:00Z"}}) == set()
    assert picked({"sales_channel_id": channel.id}) == {p2.id}
    assert picked({"q": "dep"}) == {s2.id}
    assert picked({"token": p1.token}) == {p1.id}
    either = {"$or": [{"revoked_at": None}, {"revoked_at": {"$gt": "2026-11-23T08:00:00Z"}}]}
    assert picked({"type": "secret", **either}) == {s1.id, s2.id}
    assert picked({"$and": [{"type": "publishable"}, {"title": "Web"}]}) == {p1.id}


@pytest.mark.parametrize(
    ("selector", "problem"),
    [
        ([], "'selector' must be an object"),
        ({"nope": 1}, "unknown fields 'nope'"),
        ({"id": 3}, "'selector.id' must be a string or a list of strings"),
        ({"type": "root"}, "'selector.type' must be one of publishable, secret"),
        ({"revoked_at": {"$near": "x"}}, "unknown operator '$near'"),
        ({"revoked_at": {"$lt": "yesterday"}}, "'selector.revoked_at.$lt' must be an ISO-8601 instant"),
        ({"revoked_at": {"$lt": None}}, "'selector.revoked_at.$lt' must be an ISO-8601 instant"),
        ({"revoked_at": 5}, "must be null, an ISO-8601 instant or an operator object"),
        ({"$or": []}, "'selector.$or' must be a non-empty list of selectors"),
        ({"$or": [{"$or": [{"x": 1}]}]}, "'selector.$or[0].$or[0]' has unknown fields 'x'"),
    ],
)
def test_unreadable_selectors_are_refused_by_name(selector, problem):
    from revokit.mockserver.control_input import BadControlInput

    with pytest.raises(BadControlInput, match=problem.replace("$", r"\$").replace("[", r"\[")):
        key_selector_from_json(selector)


def test_deep_nesting_is_refused_not_a_crash():
    from revokit.mockserver.control_input import BadControlInput

    selector: dict = {}
    for _ in range(50):
        selector = {"$and": [selector]}
    with pytest.raises(BadControlInput, match="deeper than"):
        key_selector_from_json(selector)


def test_output_is_the_workflow_shape(backend):
    _s1, p1 = keys_of(backend, ("secret", "CI"), ("publishable", "Web"))
    out = [revoked_api_key_json(k) for k in backend.revoke_api_keys(KeySelector(), KeyRevoke(USER))]
    by_type = {o["type"]: o for o in out}
    assert list(by_type["secret"]) == [
        "id", "token", "redacted", "title", "type", "last_used_at", "created_by", "revoked_by",
        "revoked_at", "created_at", "updated_at", "deleted_at",
    ]  # fmt: skip
    assert by_type["secret"]["token"] == "" and by_type["publishable"]["token"] == p1.token
    assert by_type["secret"]["revoked_at"] == "2026-11-23T08:00:00.000Z"


def test_the_single_key_route_is_the_workflow_with_an_id_selector(backend, monkeypatch):
    (s1,) = keys_of(backend, ("secret", "CI"))
    seen = []
    original = backend.revoke_api_keys
    monkeypatch.setattr(
        backend, "revoke_api_keys", lambda sel, rev: seen.append((sel, rev)) or original(sel, rev)
    )
    backend.revoke_api_key(s1.id, 5, USER)
    assert seen == [(KeySelector(ids=(s1.id,)), KeyRevoke(USER, 5))]
    with pytest.raises(ApiKeyNotFound):  # the contract's 404 when the selector matches nothing
        backend.revoke_api_key("apk_nope", None, USER)


def test_concurrent_bulk_and_single_revokes_stay_consistent(backend):
    """Bulk revokes of every key race single revokes of each key. Whatever the interleaving: each
    call is all or nothing, no key is ever un-revoked, and each key ends with the revoked_at and
    revoked_by of one answer that included it (the last one to commit)."""
    keys = keys_of(backend, *[("secret" if i % 2 else "publishable", f"k{i}") for i in range(12)])
    backend.clock.set(NOW, frozen=False)  # real time moves on, so answers carry distinct times
    barrier = threading.Barrier(8)
    answers: list[tuple[str, list]] = []
    lock = threading.Lock()
    observed_revoked: dict[str, bool] = {}

    def call(worker: int) -> None:
        barrier.wait()
        for round_ in range(15):
            who = f"worker{worker}-{round_}"
            if worker < 3:
                selector, revoke = KeySelector(), KeyRevoke(who, 3600)  # bulk, future-dated
            else:
                key = keys[(worker * 7 + round_) % len(keys)]
                selector, revoke = KeySelector(ids=(key.id,)), KeyRevoke(who, 0 if round_ % 4 == 0 else 60)
            try:
                revoked = backend.revoke_api_keys(selector, revoke)
            except SecretKeysAlreadyRevoked:
                revoked = None
            with lock:
                answers.append((who, revoked))
                for k in backend.store.all(API_KEYS):
                    if observed_revoked.get(k.id) and k.revoked_at is None:
                        raise AssertionError(f"{k.id} was un-revoked")
                    observed_revoked[k.id] = observed_revoked.get(k.id, False) or k.revoked_at is not None

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(call, range(8)))

    answered: dict[str, set] = {}
    for who, revoked in answers:
        for k in revoked or ():
            assert k.revoked_by == who
            answered.setdefault(k.id, set()).add((k.revoked_at, k.revoked_by))
    final = {k.id: k for k in backend.store.all(API_KEYS)}
    for key in keys:
        assert final[key.id].revoked_at is not None
        assert (final[key.id].revoked_at, final[key.id].revoked_by) in answered[key.id]
    # every refusal was for a secret key whose revoke was in effect, and every bulk call that was
    # answered revoked all twelve keys at once
    bulk = [r for who, r in answers if int(who[6:].split("-")[0]) < 3 and r is not None]
    assert all(len(r) == len(keys) and len({k.revoked_at for k in r}) == 1 for r in bulk)
    assert any(r is None for _, r in answers), "no refusal happened: the race did not exercise the rule"


def test_revoke_in_beyond_the_calendar_or_not_a_number(backend):
    s1, s2 = keys_of(backend, ("publishable", "a"), ("publishable", "b"))
    (far,) = backend.revoke_api_keys(KeySelector(ids=(s1.id,)), KeyRevoke(USER, float("inf")))
    assert far.revoked_at.year == 9999
    (now,) = backend.revoke_api_keys(KeySelector(ids=(s2.id,)), KeyRevoke(USER, float("nan")))
    assert now.revoked_at == NOW  # `NaN > 0` is false in JavaScript: the revoke is immediate
