"""The state-store interface and its thread-safe in-memory implementation.

Records are frozen dataclasses with an ``id``; an update is a ``dataclasses.replace`` followed by
``put``. Because records are immutable, a snapshot (used for reset-to-seed) only copies
dictionaries, never records, which keeps a reset in the low milliseconds.

Secondary indexes (declared per kind) keep look-ups such as "keys of this application" independent
of how many records the store holds.
"""

from __future__ import annotations

import bisect
import dataclasses
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol


class Record(Protocol):
    id: str


IndexSpec = Mapping[str, Iterable[str]]  # kind -> indexed field names


class StateStore(ABC):
    """What the domain models need from storage; one implementation per backend."""

    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Make a read-check-write sequence atomic with respect to other requests."""

    @abstractmethod
    def get(self, kind: str, record_id: str) -> Any | None: ...

    @abstractmethod
    def put(self, kind: str, record: Record) -> None: ...

    @abstractmethod
    def delete(self, kind: str, record_id: str) -> bool: ...

    @abstractmethod
    def all(self, kind: str) -> list[Any]:
        """Every record of a kind, in insertion order."""

    @abstractmethod
    def find(self, kind: str, field: str, value: Any) -> list[Any]:
        """Records whose indexed ``field`` equals ``value``, in insertion order."""

    @abstractmethod
    def count(self, kind: str) -> int: ...

    def ordered(
        self, kind: str, field: str, descending: bool = False, offset: int = 0, limit: int | None = None
    ) -> list[Any]:
        """One page of the records of a kind sorted by ``field``, the way a stable sort of
        ``all(kind)`` orders them (ties keep insertion order, descending too); ``None`` values
        sort after every other ascending and before them descending."""
        records = sorted(self.all(kind), key=lambda r: _order_key(getattr(r, field)), reverse=descending)
        return records[offset:] if limit is None else records[offset : offset + limit]

    @abstractmethod
    def snapshot(self) -> object:
        """An opaque copy of the whole state, for ``restore``."""

    @abstractmethod
    def restore(self, snapshot: object) -> None: ...

    def dump(self) -> dict[str, list[dict[str, Any]]]:
        """The state as JSON-ready data (control plane snapshot)."""
        with self.transaction():
            return {kind: [jsonable(dataclasses.asdict(r)) for r in self.all(kind)] for kind in self.kinds()}

    @abstractmethod
    def kinds(self) -> list[str]: ...

    @property
    def has_state(self) -> bool:
        """Whether the store kept the state of an earlier run, which the seed must not overwrite
        (only a persistent store can)."""
        return False

    def mark_seeded(self) -> None:
        """Record that the seed has been written (a persistent store keeps that across runs)."""
        return  # nothing to remember in memory


def _order_key(value: Any) -> tuple[bool, Any]:
    return (value is None, 0 if value is None else value)


def jsonable(value: Any) -> Any:
    """A record's fields as JSON data: instants in ISO 8601, sets sorted (so a dump is stable)."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        items = [jsonable(v) for v in value]
        return sorted(items) if isinstance(value, frozenset | set) else items
    return value


class InMemoryStore(StateStore):
    def __init__(self, indexes: IndexSpec | None = None) -> None:
        self._lock = threading.RLock()
        self._indexed: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in (indexes or {}).items()}
        self._records: dict[str, dict[str, Any]] = {}
        # kind -> field -> value -> {record_id: None} (an ordered set)
        self._index: dict[str, dict[str, dict[Any, dict[str, None]]]] = {}
        self._depth = 0
        # (kind, id, previous record or None) for every change inside the outermost transaction,
        # so a transaction that raises leaves the state exactly as it found it.
        self._undo: list[tuple[str, str, Any]] = []
        # Sorted indexes for ``ordered``, built on first use and kept up to date from then on:
        # (kind, field, descending) -> sorted [(order key, ±insertion number, id)].
        self._sorted: dict[tuple[str, str, bool], list[tuple[Any, int, str]]] = {}
        # kind -> id -> insertion number, mirroring the order of ``_records[kind]``.
        self._order_seq: dict[str, dict[str, int]] = {}
        self._next_order_seq = 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            self._depth += 1
            if self._depth == 1:
                self._undo.clear()
                self._begin()
            try:
                yield
            except BaseException:
                if self._depth == 1:
                    self._rollback()
                raise
            else:
                if self._depth == 1:
                    self._commit()
            finally:
                self._depth -= 1

    def _begin(self) -> None:
        """Hook for persistent stores: the outermost transaction starts."""

    def _commit(self) -> None:
        """Hook for persistent stores: the outermost transaction succeeded."""

    def _rollback(self) -> None:
        for kind, record_id, previous in reversed(self._undo):
            self._raw_delete(kind, record_id)
            if previous is not None:
                self._raw_put(kind, previous)
        self._undo.clear()

    def kinds(self) -> list[str]:
        return list(self._records)

    def get(self, kind: str, record_id: str) -> Any | None:
        return self._records.get(kind, {}).get(record_id)

    def put(self, kind: str, record: Record) -> None:
        with self.transaction():
            self._undo.append((kind, record.id, self._records.get(kind, {}).get(record.id)))
            self._raw_put(kind, record)

    def delete(self, kind: str, record_id: str) -> bool:
        with self.transaction():
            old = self._records.get(kind, {}).get(record_id)
            if old is None:
                return False
            self._undo.append((kind, record_id, old))
            self._raw_delete(kind, record_id)
            return True

    def _raw_put(self, kind: str, record: Record) -> None:
        table = self._records.setdefault(kind, {})
        old = table.get(record.id)
        if old is not None:
            self._unindex(kind, old)
        table[record.id] = record
        self._add_index(kind, record)
        if kind in self._order_seq:
            self._sorted_put(kind, old, record)

    def _raw_delete(self, kind: str, record_id: str) -> None:
        old = self._records.get(kind, {}).pop(record_id, None)
        if old is not None:
            self._unindex(kind, old)
            if kind in self._order_seq:
                self._sorted_remove(kind, old)
                del self._order_seq[kind][record_id]

    def all(self, kind: str) -> list[Any]:
        with self._lock:
            return list(self._records.get(kind, {}).values())

    def find(self, kind: str, field: str, value: Any) -> list[Any]:
        if field not in self._indexed.get(kind, ()):
            raise KeyError(f"{kind}.{field} is not indexed")
        with self._lock:
            ids = self._index.get(kind, {}).get(field, {}).get(value, {})
            table = self._records.get(kind, {})
            return [table[i] for i in ids]

    def count(self, kind: str) -> int:
        return len(self._records.get(kind, {}))

    def ordered(
        self, kind: str, field: str, descending: bool = False, offset: int = 0, limit: int | None = None
    ) -> list[Any]:
        # A page costs O(log n + page) instead of sorting every record of the kind.
        with self._lock:
            index = self._sorted.get((kind, field, descending))
            if index is None:
                index = self._build_sorted(kind, field, descending)
            end = len(index) if limit is None else min(len(index), offset + limit)
            table = self._records[kind] if index else {}
            if descending:  # stored ascending by (key, -insertion): read backwards
                return [table[index[-1 - i][2]] for i in range(offset, end)]
            return [table[index[i][2]] for i in range(offset, end)]

    def _sort_entry(self, kind: str, field: str, descending: bool, record: Any) -> tuple[Any, int, str]:
        seq = self._order_seq[kind][record.id]
        return (_order_key(getattr(record, field)), -seq if descending else seq, record.id)

    def _build_sorted(self, kind: str, field: str, descending: bool) -> list[tuple[Any, int, str]]:
        table = self._records.get(kind, {})
        if kind not in self._order_seq:
            numbers = self._order_seq[kind] = {}
            for record_id in table:
                self._next_order_seq += 1
                numbers[record_id] = self._next_order_seq
        index = sorted(self._sort_entry(kind, field, descending, r) for r in table.values())
        self._sorted[(kind, field, descending)] = index
        return index

    def _sorted_put(self, kind: str, old: Any, record: Any) -> None:
        numbers = self._order_seq[kind]
        if old is None:
            self._next_order_seq += 1
            numbers[record.id] = self._next_order_seq  # a new record goes last, as in the dict
        else:
            self._sorted_remove(kind, old)
        for (index_kind, field, descending), index in self._sorted.items():
            if index_kind == kind:
                bisect.insort(index, self._sort_entry(kind, field, descending, record))

    def _sorted_remove(self, kind: str, old: Any) -> None:
        for (index_kind, field, descending), index in self._sorted.items():
            if index_kind == kind:
                entry = self._sort_entry(kind, field, descending, old)
                position = bisect.bisect_left(index, entry)
                if position < len(index) and index[position] == entry:
                    del index[position]

    def snapshot(self) -> object:
        with self._lock:
            records = {kind: dict(table) for kind, table in self._records.items()}
            index = {
                kind: {f: {v: dict(ids) for v, ids in values.items()} for f, values in fields.items()}
                for kind, fields in self._index.items()
            }
            return (records, index)

    def restore(self, snapshot: object) -> None:
        records, index = snapshot  # type: ignore[misc]
        with self.transaction():
            self._undo.clear()  # a restore is not undone record by record
            self._sorted.clear()  # rebuilt on the next ``ordered`` call
            self._order_seq.clear()
            self._records = {kind: dict(table) for kind, table in records.items()}
            self._index = {
                kind: {f: {v: dict(ids) for v, ids in values.items()} for f, values in fields.items()}
                for kind, fields in index.items()
            }

    def _index_values(self, record: Any, field: str) -> Iterable[Any]:
        value = getattr(record, field)
        if isinstance(value, tuple | frozenset | list | set):
            return value
        return (value,)

    def _add_index(self, kind: str, record: Any) -> None:
        for field in self._indexed.get(kind, ()):
            values = self._index.setdefault(kind, {}).setdefault(field, {})
            for v in self._index_values(record, field):
                values.setdefault(v, {})[record.id] = None

    def _unindex(self, kind: str, record: Any) -> None:
        for field in self._indexed.get(kind, ()):
            values = self._index.get(kind, {}).get(field, {})
            for v in self._index_values(record, field):
                ids = values.get(v)
                if ids is not None:
                    ids.pop(record.id, None)
                    if not ids:
                        del values[v]
