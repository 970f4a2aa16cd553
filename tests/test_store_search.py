"""``StateStore.search`` and ``ordered(..., id_ties=True)``: the memory store answers from a search
column and sorted indexes it maintains; every answer must equal a plain scan of ``all``."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from revokit.mockserver.sqlite_store import SQLiteStore
from revokit.mockserver.store import InMemoryStore, StateStore


@dataclass(frozen=True)
class Note:
    id: str
    title: str | None
    label: str
    rank: int | None


# Case folding, a field separator inside a value, a final sigma, a dotted capital I (lowers to
# two characters), and None.
TITLES = ["Bulk key", "BULK", "bulk\x1fkey", "\u039f\u0394\u039f\u03a3", "\u0130stanbul", "key 42", None, ""]
LABELS = ["pk_abc***xyz", "sk_BULK***k42", "\u03c3", "x"]
NEEDLES = [
    "bulk",
    "BULK",
    "k",
    "key 4",
    "\x1f",
    "k\x1fk",
    "\u03c2",
    "\u03c3",
    "i\u0307",
    "\u0130st",
    "42",
    "zzz",
    "y***",
]
FIELDS = ("title", "label")


def _scan(store: StateStore, needle: str, offset: int, limit: int | None) -> tuple[list[Note], int]:
    folded = needle.lower()
    matching = sorted(
        (
            n
            for n in store.all("notes")
            if (n.title is not None and folded in n.title.lower()) or folded in n.label.lower()
        ),
        key=lambda n: n.id,
    )
    return (matching[offset:] if limit is None else matching[offset : offset + limit]), len(matching)


def _sorted_by_id_ties(store: StateStore, field: str, descending: bool) -> list[Note]:
    by_id = sorted(store.all("notes"), key=lambda n: n.id)
    present = [n for n in by_id if getattr(n, field) is not None]
    missing = [n for n in by_id if getattr(n, field) is None]
    present.sort(key=lambda n: getattr(n, field), reverse=descending)
    return missing + present if descending else present + missing


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> StateStore:
    if request.param == "memory":
        return InMemoryStore()
    return SQLiteStore(str(tmp_path / "state.db"), "test", {"notes": Note}, {})


def _random_note(rng: random.Random, note_id: str) -> Note:
    return Note(note_id, rng.choice(TITLES), rng.choice(LABELS), rng.choice([None, 1, 2, 3]))


def _check(store: StateStore, rng: random.Random) -> None:
    needle = rng.choice(NEEDLES)
    offset, limit = rng.choice([(0, 5), (3, 4), (0, None), (40, 10)])
    assert store.search("notes", FIELDS, needle, offset, limit) == _scan(store, needle, offset, limit), needle
    field, descending = rng.choice([("rank", True), ("rank", False), ("title", True), ("label", False)])
    expected = _sorted_by_id_ties(store, field, descending)[offset:]
    expected = expected if limit is None else expected[:limit]
    assert store.ordered("notes", field, descending, offset, limit, id_ties=True) == expected


def test_search_and_id_ties_follow_every_change(store: StateStore) -> None:
    rng = random.Random(21)
    with store.transaction():
        for i in range(50):
            store.put("notes", _random_note(rng, f"n_{rng.randrange(1000):03d}_{i}"))
    for _ in range(10):  # builds the column and the indexes
        _check(store, rng)
    snapshot = store.snapshot()
    for step in range(300):
        action = rng.random()
        ids = [n.id for n in store.all("notes")]
        if action < 0.35:
            store.put("notes", _random_note(rng, f"n_{rng.randrange(1000):03d}_new{step}"))
        elif action < 0.6 and ids:
            old = store.get("notes", rng.choice(ids))
            store.put("notes", replace(old, title=rng.choice(TITLES), rank=rng.choice([None, 5])))
        elif action < 0.7 and ids:
            old = store.get("notes", rng.choice(ids))
            store.put("notes", replace(old, rank=rng.choice([None, 0])))  # the search text stays
        elif action < 0.85 and ids:
            store.delete("notes", rng.choice(ids))
        elif action < 0.95:
            # A transaction that fails leaves search and order exactly as they were.
            with pytest.raises(RuntimeError), store.transaction():
                store.put("notes", _random_note(rng, f"a_gone_{step}"))
                if ids:
                    store.delete("notes", ids[0])
                    store.put(
                        "notes",
                        replace(store.get("notes", ids[-1]) or _random_note(rng, "z"), label="\u03c3"),
                    )
                raise RuntimeError("rolled back")
        else:
            store.restore(snapshot)
        _check(store, rng)


def test_a_snapshot_keeps_its_search_answers() -> None:
    # The search column is shared with a snapshot (copy on write) like the other indexes.
    store = InMemoryStore()
    for i in range(30):
        store.put("notes", Note(f"n_{i:03d}", f"Key {i}", "pk_x", i % 3))
    before = store.search("notes", FIELDS, "key 1", 0, None)
    snapshot = store.snapshot()
    store.put("notes", Note("n_005", "key 1 renamed", "pk_x", 0))
    store.put("notes", Note("n_100", "KEY 100", "pk_x", 0))
    store.delete("notes", "n_010")
    assert store.search("notes", FIELDS, "key 1", 0, None) != before
    store.restore(snapshot)
    assert store.search("notes", FIELDS, "key 1", 0, None) == before
    assert store.search("nothing", FIELDS, "key", 0, 20) == ([], 0)


def test_many_matches_and_deep_offsets(store: StateStore) -> None:
    # Past a few hundred matches a page is picked another way (compress, not find by find).
    rng = random.Random(5)
    with store.transaction():
        for i in range(1200):
            store.put("notes", _random_note(rng, f"n_{rng.randrange(10**6):06d}_{i}"))
    for needle in ("k", "bulk", "x", "42"):
        for offset, limit in ((0, None), (300, 20), (0, 400), (900, 1000), (5, 250)):
            assert store.search("notes", FIELDS, needle, offset, limit) == _scan(store, needle, offset, limit)
