"""The state-store interface and its thread-safe in-memory implementation.

Records are frozen dataclasses with an ``id``; an update is a ``dataclasses.replace`` followed by
``put``. Because records are immutable, a snapshot (used for reset-to-seed) never copies records;
the in-memory store even shares its tables and indexes with its snapshots and copies one only
before its first change after a snapshot or restore (copy on write), so a reset costs the same
with 100 records as with 100,000.

Secondary indexes (declared per kind) keep look-ups such as "keys of this application" independent
of how many records the store holds.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import operator
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol


class Record(Protocol):
    id: str


IndexSpec = Mapping[str, Iterable[str]]  # kind -> indexed field names


class StateStore(ABC):
    """What the domain models need from storage; one implementation per backend."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
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
        self,
        kind: str,
        field: str,
        descending: bool = False,
        offset: int = 0,
        limit: int | None = None,
        *,
        id_ties: bool = False,
    ) -> list[Any]:
        """One page of the records of a kind sorted by ``field``, the way a stable sort of
        ``all(kind)`` orders them (ties keep insertion order, descending too; with ``id_ties``,
        a stable sort of the records in ``id`` order: ties by ascending id); ``None`` values
        sort after every other ascending and before them descending."""
        records = self.all(kind)
        if id_ties:
            records.sort(key=_record_id)
        records = sorted(records, key=lambda r: _order_key(getattr(r, field)), reverse=descending)
        return records[offset:] if limit is None else records[offset : offset + limit]

    def count_of(self, kind: str, field: str, value: Any) -> int:
        """How many records ``find`` would return, without building them."""
        return len(self.find(kind, field, value))

    def ordered_where(
        self, kind: str, order: str, field: str, value: Any, offset: int = 0, limit: int | None = None
    ) -> list[Any]:
        """One page, in ``ordered(kind, order)`` order, of the records ``find(kind, field, value)``
        holds."""
        matching = {r.id for r in self.find(kind, field, value)}
        records = [r for r in self.ordered(kind, order) if r.id in matching]
        return records[offset:] if limit is None else records[offset : offset + limit]

    def between(self, kind: str, field: str, lower: Bound | None, upper: Bound | None) -> list[Any]:
        """Records whose ``field`` (never ``None``) lies within the bounds, in ``ordered`` order.
        A bound is ``(value, inclusive)``; ``None`` leaves that side open."""
        return [r for r in self.ordered(kind, field) if within(getattr(r, field), lower, upper)]

    def count_between(self, kind: str, field: str, lower: Bound | None, upper: Bound | None) -> int:
        return len(self.between(kind, field, lower, upper))

    def search(
        self, kind: str, fields: tuple[str, ...], needle: str, offset: int = 0, limit: int | None = None
    ) -> tuple[list[Any], int]:
        """One page, in ``id`` order, of the records one of whose ``fields`` contains ``needle``
        ignoring case (``str.lower`` on both sides; a ``None`` field contains nothing), and how
        many records match."""
        folded = needle.lower()
        matching = sorted(
            (r for r in self.all(kind) if any(folded in _lower(getattr(r, f)) for f in fields)),
            key=_record_id,
        )
        return (matching[offset:] if limit is None else matching[offset : offset + limit]), len(matching)

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


Bound = tuple[Any, bool]  # (value, inclusive)


def within(value: Any, lower: Bound | None, upper: Bound | None) -> bool:
    if value is None:
        return False
    if lower is not None and (value < lower[0] or (value == lower[0] and not lower[1])):
        return False
    return upper is None or value < upper[0] or (value == upper[0] and upper[1])


def _order_key(value: Any) -> tuple[bool, Any]:
    return (value is None, 0 if value is None else value)


def _record_id(record: Any) -> str:
    return record.id


def _lower(value: str | None) -> str:
    # Nothing is contained in a missing value; "" contains only "", which no search asks for.
    return "" if value is None else value.lower()


_FEW = 256  # matches found one ``bytes.find`` at a time; more are picked by ``compress``
_FIELD_SEPARATOR = "\x1f"  # between a record's fields in a search column (see _SearchColumn)


class _Reversed:
    """Orders its value backwards: the tie-breaker of a descending index read from its end, so
    ties come out in ascending id order."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Reversed) and self.value == other.value

    def __lt__(self, other: _Reversed) -> bool:
        return other.value < self.value

    def __hash__(self) -> int:
        return hash(self.value)


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


_AFTER = float("inf")  # an insertion number beyond every real one
_entry_id = operator.itemgetter(2)  # the id of a sorted-index entry


SortKey = tuple[str, str, bool, bool]  # kind, field, descending, ties by id (else by insertion)


@dataclasses.dataclass
class _SearchColumn:
    """The records of a kind in id order, each with its searched fields lowered and joined by
    ``_FIELD_SEPARATOR``: a search tests every text in C (``map``/``compress``: no Python frame,
    no attribute access, no sort per record), and a needle without the separator cannot match
    across two fields."""

    ids: list[str]
    texts: list[str]


@dataclasses.dataclass(frozen=True)
class _State:
    """A snapshot of an ``InMemoryStore``: its outer dicts, sharing every table and index with
    the store until the store changes one (it copies a shared one first)."""

    records: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    index: dict[str, dict[str, dict[Any, dict[str, None]]]] = dataclasses.field(default_factory=dict)
    sorted: dict[SortKey, list[tuple[Any, Any, str]]] = dataclasses.field(default_factory=dict)
    search: dict[tuple[str, tuple[str, ...]], _SearchColumn] = dataclasses.field(default_factory=dict)
    order_seq: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)
    next_order_seq: int = 0


class _Transaction:
    """The store's reentrant transaction: the outermost one begins, and commits or rolls back.

    One per store: its state (the depth, the undo log) lives on the store, under the store's lock.
    """

    __slots__ = ("_store",)

    def __init__(self, store: InMemoryStore) -> None:
        self._store = store

    def __enter__(self) -> None:
        store = self._store
        store._lock.acquire()
        store._depth += 1
        if store._depth == 1:
            store._undo.clear()
            try:
                store._begin()
            except BaseException:
                store._depth -= 1
                store._lock.release()
                raise

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: Any) -> None:
        store = self._store
        try:
            if store._depth == 1:
                if exc_type is None:
                    store._commit()
                else:
                    store._rollback()
        finally:
            store._depth -= 1
            store._lock.release()


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
        self._transaction = _Transaction(self)
        # Sorted indexes for ``ordered``, built on first use and kept up to date from then on:
        # (kind, field, descending, id_ties) -> sorted [(order key, tie-breaker, id)], the
        # tie-breaker being ±insertion number or the id (reversed when descending).
        self._sorted: dict[SortKey, list[tuple[Any, Any, str]]] = {}
        # Search columns for ``search``, also built on first use and kept up to date.
        self._search: dict[tuple[str, tuple[str, ...]], _SearchColumn] = {}
        # kind -> id -> insertion number, mirroring the order of ``_records[kind]``.
        self._order_seq: dict[str, dict[str, int]] = {}
        self._next_order_seq = 0
        # Copy on write: the state as of the last snapshot or restore. A table, index dict,
        # sorted index or numbering that is still the very object held there is shared with that
        # snapshot, and is copied before its first change (an identity test: no bookkeeping per
        # record; the snapshot keeps its objects alive, so an identity is never reused).
        self._base = _State()

    def transaction(self) -> _Transaction:
        # A class, not @contextmanager: a generator per use cost a few microseconds per request.
        return self._transaction

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

    # -- copy on write: each returns the structure ready to change -------------------------

    def _table(self, kind: str) -> dict[str, Any]:
        table = self._records.get(kind)
        if table is None:
            table = self._records[kind] = {}
        elif table is self._base.records.get(kind):
            table = self._records[kind] = dict(table)
        return table

    def _values(self, kind: str, field: str) -> dict[Any, dict[str, None]]:
        fields = self._index.setdefault(kind, {})
        values = fields.get(field)
        if values is None:
            values = fields[field] = {}
        elif values is self._base.index.get(kind, {}).get(field):
            values = fields[field] = dict(values)
        return values

    def _ids(self, kind: str, field: str, values: dict[Any, dict[str, None]], value: Any) -> dict[str, None]:
        ids = values.get(value)
        if ids is None:
            ids = values[value] = {}
        else:
            shared = self._base.index.get(kind, {}).get(field)
            if shared is not None and ids is shared.get(value):
                ids = values[value] = dict(ids)
        return ids

    def _seq_numbers(self, kind: str) -> dict[str, int]:
        numbers = self._order_seq[kind]
        if numbers is self._base.order_seq.get(kind):
            numbers = self._order_seq[kind] = dict(numbers)
        return numbers

    def _sorted_index(self, key: SortKey) -> list[tuple[Any, Any, str]]:
        index = self._sorted[key]
        if index is self._base.sorted.get(key):
            index = self._sorted[key] = list(index)
        return index

    def _search_column(self, key: tuple[str, tuple[str, ...]]) -> _SearchColumn:
        column = self._search[key]
        if column is self._base.search.get(key):
            column = self._search[key] = _SearchColumn(list(column.ids), list(column.texts))
        return column

    # ---------------------------------------------------------------------------------------

    def _raw_put(self, kind: str, record: Record) -> None:
        table = self._table(kind)
        old = table.get(record.id)
        fields = self._indexed.get(kind, ())
        if old is not None:
            # An update (a key's last_used_at on every use) re-indexes only what changed.
            fields = tuple(f for f in fields if getattr(old, f) != getattr(record, f))
            self._unindex(kind, old, fields)
        table[record.id] = record
        self._add_index(kind, record, fields)
        if kind in self._order_seq:
            self._sorted_put(kind, old, record)
        if self._search:
            self._search_put(kind, old, record)

    def _raw_delete(self, kind: str, record_id: str) -> None:
        if record_id not in self._records.get(kind, {}):
            return
        old = self._table(kind).pop(record_id)
        self._unindex(kind, old, self._indexed.get(kind, ()))
        if kind in self._order_seq:
            self._sorted_remove(kind, old)
            del self._seq_numbers(kind)[record_id]
        if self._search:
            self._search_remove(kind, record_id)

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
        self,
        kind: str,
        field: str,
        descending: bool = False,
        offset: int = 0,
        limit: int | None = None,
        *,
        id_ties: bool = False,
    ) -> list[Any]:
        # A page costs O(log n + page) instead of sorting every record of the kind.
        with self._lock:
            index = self._sorted.get((kind, field, descending, id_ties))
            if index is None:
                index = self._build_sorted((kind, field, descending, id_ties))
            end = len(index) if limit is None else min(len(index), offset + limit)
            table = self._records[kind] if index else {}
            if descending:  # stored ascending by (key, -insertion): read backwards
                return [table[index[-1 - i][2]] for i in range(offset, end)]
            return [table[index[i][2]] for i in range(offset, end)]

    def count_of(self, kind: str, field: str, value: Any) -> int:
        if field not in self._indexed.get(kind, ()):
            raise KeyError(f"{kind}.{field} is not indexed")
        return len(self._index.get(kind, {}).get(field, {}).get(value, ()))

    def ordered_where(
        self, kind: str, order: str, field: str, value: Any, offset: int = 0, limit: int | None = None
    ) -> list[Any]:
        if field not in self._indexed.get(kind, ()):
            raise KeyError(f"{kind}.{field} is not indexed")
        with self._lock:
            ids = self._index.get(kind, {}).get(field, {}).get(value, {})
            wanted = len(ids) if limit is None else min(len(ids), offset + limit)
            if not ids or offset >= wanted:
                return []
            index = self._sorted.get((kind, order, False, False))
            if index is None:
                index = self._build_sorted((kind, order, False, False))
            # The sorted index walked in chunks, its ids tested against the value's id set in C
            # (filter/map, no Python frame per entry): the cost follows the page and how dense
            # the matches are, not the number of records.
            found: list[str] = []
            chunk = max(256, min(8192, 2 * wanted * len(index) // len(ids)))
            for start in range(0, len(index), chunk):
                found.extend(filter(ids.__contains__, map(_entry_id, index[start : start + chunk])))
                if len(found) >= wanted:
                    break
            table = self._records[kind]
            return [table[i] for i in found[offset:wanted]]

    def _range(self, kind: str, field: str, lower: Bound | None, upper: Bound | None) -> tuple[Any, int, int]:
        """The ascending sorted index of ``field`` and the slice of it within the bounds (by
        bisection: the cost does not grow with the number of records outside them)."""
        index = self._sorted.get((kind, field, False, False))
        if index is None:
            index = self._build_sorted((kind, field, False, False))
        # Entries are ((is None, value), insertion number, id); a 1-tuple sorts before every
        # entry with the same key, a key with an infinite number after them.
        start = 0
        if lower is not None:
            probe = ((False, lower[0]),) if lower[1] else ((False, lower[0]), _AFTER)
            start = bisect.bisect_left(index, probe)
        end = bisect.bisect_left(index, ((True,),))  # None values never match a bound
        if upper is not None:
            probe = ((False, upper[0]), _AFTER) if upper[1] else ((False, upper[0]),)
            end = min(end, bisect.bisect_left(index, probe))
        return index, start, max(start, end)

    def between(self, kind: str, field: str, lower: Bound | None, upper: Bound | None) -> list[Any]:
        with self._lock:
            index, start, end = self._range(kind, field, lower, upper)
            table = self._records.get(kind, {})
            return [table[index[i][2]] for i in range(start, end)]

    def count_between(self, kind: str, field: str, lower: Bound | None, upper: Bound | None) -> int:
        with self._lock:
            _, start, end = self._range(kind, field, lower, upper)
            return end - start

    def search(
        self, kind: str, fields: tuple[str, ...], needle: str, offset: int = 0, limit: int | None = None
    ) -> tuple[list[Any], int]:
        folded = needle.lower()
        if _FIELD_SEPARATOR in folded:  # could match across two fields of a column's text
            return super().search(kind, fields, needle, offset, limit)
        with self._lock:
            column = self._search.get((kind, fields)) or self._build_search(kind, fields)
            # One byte per record, 1 where it matches: counted and searched in C (a list of bools
            # costs a rich comparison per record to count).
            hits = bytes(map(operator.contains, column.texts, itertools.repeat(folded)))
            total = hits.count(1)
            wanted = total if limit is None else min(total, offset + limit)
            if wanted <= _FEW:
                positions: list[int] = []
                at = -1
                while len(positions) < wanted:
                    at = hits.find(1, at + 1)
                    positions.append(at)
                chosen = [column.ids[at] for at in positions[offset:]]
            else:
                chosen = list(itertools.islice(itertools.compress(column.ids, hits), offset, wanted))
            table = self._records.get(kind, {})
            return [table[i] for i in chosen], total

    def _search_text(self, record: Any, fields: tuple[str, ...]) -> str:
        return _FIELD_SEPARATOR.join(_lower(getattr(record, f)) for f in fields)

    def _build_search(self, kind: str, fields: tuple[str, ...]) -> _SearchColumn:
        table = self._records.get(kind, {})
        ids = sorted(table)
        column = self._search[(kind, fields)] = _SearchColumn(
            ids, [self._search_text(table[i], fields) for i in ids]
        )
        return column

    def _search_put(self, kind: str, old: Any, record: Any) -> None:
        for key in [key for key in self._search if key[0] == kind]:
            fields = key[1]
            if old is not None and all(getattr(old, f) == getattr(record, f) for f in fields):
                continue  # e.g. a revoke: nothing searched changed
            column = self._search_column(key)
            position = bisect.bisect_left(column.ids, record.id)
            text = self._search_text(record, fields)
            if old is None:
                column.ids.insert(position, record.id)
                column.texts.insert(position, text)
            else:
                column.texts[position] = text

    def _search_remove(self, kind: str, record_id: str) -> None:
        for key in [key for key in self._search if key[0] == kind]:
            column = self._search_column(key)
            position = bisect.bisect_left(column.ids, record_id)
            if position < len(column.ids) and column.ids[position] == record_id:
                del column.ids[position]
                del column.texts[position]

    def _sort_entry(self, key: SortKey, record: Any) -> tuple[Any, Any, str]:
        kind, field, descending, id_ties = key
        if id_ties:
            tie: Any = _Reversed(record.id) if descending else record.id
        else:
            seq = self._order_seq[kind][record.id]
            tie = -seq if descending else seq
        return (_order_key(getattr(record, field)), tie, record.id)

    def _build_sorted(self, key: SortKey) -> list[tuple[Any, Any, str]]:
        kind = key[0]
        table = self._records.get(kind, {})
        if kind not in self._order_seq:
            numbers = self._order_seq[kind] = {}
            for record_id in table:
                self._next_order_seq += 1
                numbers[record_id] = self._next_order_seq
        index = sorted(self._sort_entry(key, r) for r in table.values())
        self._sorted[key] = index
        return index

    def _sorted_put(self, kind: str, old: Any, record: Any) -> None:
        keys = [key for key in self._sorted if key[0] == kind]
        if old is None:
            self._next_order_seq += 1
            # a new record goes last, as in the dict
            self._seq_numbers(kind)[record.id] = self._next_order_seq
        else:
            # An entry is (field value, insertion number, id): only a changed value moves it.
            keys = [key for key in keys if getattr(old, key[1]) != getattr(record, key[1])]
            self._sorted_remove(kind, old, keys)
        for key in keys:
            bisect.insort(self._sorted_index(key), self._sort_entry(key, record))

    def _sorted_remove(self, kind: str, old: Any, keys: list[SortKey] | None = None) -> None:
        for key in [key for key in self._sorted if key[0] == kind] if keys is None else keys:
            entry = self._sort_entry(key, old)
            index = self._sorted[key]
            position = bisect.bisect_left(index, entry)
            if position < len(index) and index[position] == entry:
                del self._sorted_index(key)[position]

    def snapshot(self) -> object:
        # Only the outer dicts are copied; every table and index is shared with the snapshot
        # from now on, and this store copies one before it changes it.
        with self._lock:
            self._base = _State(
                dict(self._records),
                {kind: dict(fields) for kind, fields in self._index.items()},
                dict(self._sorted),
                dict(self._search),
                dict(self._order_seq),
                self._next_order_seq,
            )
            return self._base

    def restore(self, snapshot: object) -> None:
        if not isinstance(snapshot, _State):
            raise TypeError(f"not a snapshot of an InMemoryStore: {type(snapshot).__name__}")
        with self.transaction():
            self._undo.clear()  # a restore is not undone record by record
            self._records = dict(snapshot.records)
            self._index = {kind: dict(fields) for kind, fields in snapshot.index.items()}
            self._sorted = dict(snapshot.sorted)
            self._search = dict(snapshot.search)
            self._order_seq = dict(snapshot.order_seq)
            self._next_order_seq = snapshot.next_order_seq
            self._base = snapshot

    def _index_values(self, record: Any, field: str) -> Iterable[Any]:
        value = getattr(record, field)
        if isinstance(value, tuple | frozenset | list | set):
            return value
        return (value,)

    def _add_index(self, kind: str, record: Any, fields: Iterable[str]) -> None:
        for field in fields:
            values = self._values(kind, field)
            for v in self._index_values(record, field):
                self._ids(kind, field, values, v)[record.id] = None

    def _unindex(self, kind: str, record: Any, fields: Iterable[str]) -> None:
        for field in fields:
            values = self._values(kind, field)
            for v in self._index_values(record, field):
                if record.id in values.get(v, ()):
                    ids = self._ids(kind, field, values, v)
                    del ids[record.id]
                    if not ids:
                        del values[v]
