"""``StateStore.ordered``: a page of sorted records from a maintained index, equal to sorting ``all``."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from revokit.mockserver.sqlite_store import SQLiteStore
from revokit.mockserver.store import InMemoryStore, StateStore


@dataclass(frozen=True)
class Item:
    id: str
    rank: int | None
    title: str


def _expected(store: StateStore, field: str, descending: bool, offset: int, limit: int | None) -> list[Item]:
    # What list endpoints did before the index: a stable sort of every record, NULLs last ascending.
    records = store.all("items")
    present = sorted((r for r in records if getattr(r, field) is not None), key=lambda r: getattr(r, field))
    missing = [r for r in records if getattr(r, field) is None]
    if descending:
        present = sorted(
            (r for r in records if getattr(r, field) is not None),
            key=lambda r: getattr(r, field),
            reverse=True,
        )
        ordered = missing + present
    else:
        ordered = present + missing
    return ordered[offset:] if limit is None else ordered[offset : offset + limit]


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> StateStore:
    if request.param == "memory":
        return InMemoryStore()
    return SQLiteStore(str(tmp_path / "state.db"), "test", {"items": Item}, {})


def test_ordered_pages_follow_every_change(store: StateStore) -> None:
    rng = random.Random(7)
    with store.transaction():
        for i in range(60):
            store.put("items", Item(f"it_{i:03d}", rng.choice([None, 1, 2, 3, 5]), rng.choice("abc")))
    pages = [("rank", False, 0, 10), ("rank", True, 5, 20), ("title", True, 0, None), ("id", False, 50, 25)]
    for field, descending, offset, limit in pages:  # builds the indexes
        assert store.ordered("items", field, descending, offset, limit) == _expected(
            store, field, descending, offset, limit
        )
    snapshot = store.snapshot()
    for step in range(200):
        action = rng.random()
        ids = [r.id for r in store.all("items")]
        if action < 0.4:
            store.put("items", Item(f"new_{step}", rng.choice([None, 0, 2, 4]), rng.choice("abcd")))
        elif action < 0.7 and ids:
            old = store.get("items", rng.choice(ids))
            store.put("items", replace(old, rank=rng.choice([None, 1, 3]), title=rng.choice("bd")))
        elif action < 0.85 and ids:
            store.delete("items", rng.choice(ids))
        else:
            # A transaction that fails leaves the order exactly as it was.
            with pytest.raises(RuntimeError), store.transaction():
                store.put("items", Item(f"gone_{step}", 9, "z"))
                if ids:
                    store.delete("items", ids[0])
                raise RuntimeError("rolled back")
        field, descending, offset, limit = pages[step % len(pages)]
        assert store.ordered("items", field, descending, offset, limit) == _expected(
            store, field, descending, offset, limit
        )
    store.restore(snapshot)
    for field, descending, offset, limit in pages:
        assert store.ordered("items", field, descending, offset, limit) == _expected(
            store, field, descending, offset, limit
        )
    assert store.ordered("nothing", "id") == []


def test_a_snapshot_never_changes_after_it_is_taken_or_restored() -> None:
    # The memory store shares its tables and indexes with snapshots (copy on write): every kind of
    # change after a snapshot, and after each restore of it, must leave the snapshot as it was.
    store = InMemoryStore({"items": ("title", "rank")})
    with store.transaction():
        for i in range(30):
            store.put("items", Item(f"it_{i:03d}", i % 4, "abc"[i % 3]))
    store.ordered("items", "rank", True)  # a sorted index, shared too

    def state() -> tuple[object, ...]:
        return (
            store.all("items"),
            [store.find("items", "title", t) for t in "abcz"],
            [store.find("items", "rank", r) for r in range(6)],
            store.ordered("items", "rank", True),
            store.ordered("items", "id"),
        )

    before = state()
    snapshot = store.snapshot()
    for round_ in range(3):
        store.put("items", Item("it_005", 5, "z"))  # an update moves it in both indexes
        store.put("items", Item(f"new_{round_}", 0, "a"))
        store.delete("items", "it_010")
        with pytest.raises(RuntimeError), store.transaction():
            store.delete("items", "it_011")
            raise RuntimeError("rolled back")
        assert state() != before
        store.restore(snapshot)
        assert state() == before


def test_ordered_where_is_the_ordered_records_with_that_value() -> None:
    rng = random.Random(18)
    store = InMemoryStore({"items": ("title",)})
    for i in range(3000):
        store.put("items", Item(f"it_{rng.randrange(10**6):06d}_{i}", None, rng.choice("aaaaaaaaab")))
    everything = store.ordered("items", "id")
    for title in "abz":
        expected = [r for r in everything if r.title == title]
        assert store.count_of("items", "title", title) == len(expected)
        for offset, limit in (
            (0, 20),
            (5, 1),
            (max(0, len(expected) - 3), 20),
            (0, None),
            (len(expected), 5),
        ):
            got = store.ordered_where("items", "id", "title", title, offset, limit)
            assert got == (expected[offset:] if limit is None else expected[offset : offset + limit])
