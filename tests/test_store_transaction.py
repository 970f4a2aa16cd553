"""``StateStore.transaction``: reentrant, all or nothing at the outermost level, never left locked."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from revokit.mockserver.sqlite_store import SQLiteStore
from revokit.mockserver.store import InMemoryStore, StateStore


@dataclass(frozen=True)
class Item:
    id: str
    title: str


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> StateStore:
    if request.param == "memory":
        return InMemoryStore()
    return SQLiteStore(str(tmp_path / "state.db"), "tests", {"items": Item})


def test_an_inner_failure_undoes_the_whole_outermost_transaction(store: StateStore) -> None:
    store.put("items", Item("a", "kept"))
    with pytest.raises(RuntimeError), store.transaction():
        store.put("items", Item("b", "new"))
        with store.transaction():
            store.put("items", Item("a", "changed"))
        raise RuntimeError("after the inner one succeeded")
    assert store.all("items") == [Item("a", "kept")]
    with store.transaction():  # and the next one commits as usual
        store.put("items", Item("c", "after"))
    assert [i.id for i in store.all("items")] == ["a", "c"]


def test_a_failed_transaction_leaves_the_store_to_other_threads(store: StateStore) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        raise RuntimeError("refused")
    entered = threading.Event()

    def other() -> None:
        with store.transaction():
            store.put("items", Item("x", "from another thread"))
        entered.set()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join(timeout=5)
    assert entered.is_set(), "the lock stayed held after the failed transaction"


def test_a_begin_that_fails_leaves_no_transaction_open() -> None:
    class FailingOnce(InMemoryStore):
        failed = False

        def _begin(self) -> None:
            if not self.failed:
                self.failed = True
                raise OSError("database is locked")

    store = FailingOnce()
    with pytest.raises(OSError), store.transaction():
        pass
    with pytest.raises(RuntimeError), store.transaction():  # an outermost one again: it rolls back
        store.put("items", Item("a", "undone"))
        raise RuntimeError("refused")
    assert store.all("items") == []
