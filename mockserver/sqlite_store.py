"""A state store that survives restarts: the in-memory store, written through to SQLite.

Reads are served from memory; every change is written to the database and committed before the
request that made it is answered, so a process killed at any moment (SIGKILL included) restarts
with every answered write and nothing half-written. A ``transaction()`` block commits its writes
together, so a multi-record change (delete a key and its links) is all or nothing on disk too.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import types
import typing
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from .store import IndexSpec, InMemoryStore, Record, jsonable

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    namespace TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (namespace, kind, id)
);
CREATE TABLE IF NOT EXISTS seeded (namespace TEXT PRIMARY KEY);
"""


class RecordCodec:
    """Turns the family's frozen dataclasses into JSON and back, guided by their type hints."""

    def __init__(self, record_types: Mapping[str, type]) -> None:
        self.record_types = dict(record_types)
        self._hints = {kind: typing.get_type_hints(cls) for kind, cls in self.record_types.items()}

    def encode(self, record: Any) -> str:
        return json.dumps(jsonable(dataclasses.asdict(record)), separators=(",", ":"))

    def decode(self, kind: str, data: str) -> Any:
        cls = self.record_types[kind]
        raw = json.loads(data)
        hints = self._hints[kind]
        return cls(**{name: _typed(hints[name], value) for name, value in raw.items()})


def _typed(hint: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in typing.get_args(hint) if a is not type(None)]
        return _typed(options[0], value) if len(options) == 1 else value
    if hint is datetime:
        return datetime.fromisoformat(value)
    if origin in (tuple, frozenset, set, list):
        args = typing.get_args(hint)
        item = args[0] if args else Any
        items = [_typed(item, v) for v in value]
        return origin(items) if origin is not tuple else tuple(items)
    return value


class SQLiteStore(InMemoryStore):
    def __init__(
        self, path: str, namespace: str, record_types: Mapping[str, type], indexes: IndexSpec | None = None
    ) -> None:
        super().__init__(indexes)
        # Several families may share one file: each keeps its rows under its own namespace.
        self.namespace = namespace
        self.codec = RecordCodec(record_types)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)
        self._seq = 0
        self._load()

    @property
    def has_state(self) -> bool:
        row = self._db.execute("SELECT 1 FROM seeded WHERE namespace = ?", (self.namespace,)).fetchone()
        return row is not None

    def mark_seeded(self) -> None:
        with self.transaction():
            self._db.execute("INSERT OR REPLACE INTO seeded VALUES (?)", (self.namespace,))

    def _load(self) -> None:
        rows = self._db.execute(
            "SELECT kind, data FROM records WHERE namespace = ? ORDER BY seq", (self.namespace,)
        ).fetchall()
        for kind, data in rows:
            self._raw_put(kind, self.codec.decode(kind, data))
        self._seq = self._db.execute(
            "SELECT COALESCE(MAX(seq), 0) FROM records WHERE namespace = ?", (self.namespace,)
        ).fetchone()[0]

    def _begin(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def _commit(self) -> None:
        try:
            self._db.execute("COMMIT")
        except sqlite3.Error:
            # The writes never reached the disk: undo them in memory too, so that what is served
            # is never something a restart would lose.
            self._rollback()
            raise

    def _rollback(self) -> None:
        if self._db.in_transaction:
            self._db.execute("ROLLBACK")
        super()._rollback()

    def put(self, kind: str, record: Record) -> None:
        if kind not in self.codec.record_types:
            # Fail on the write, not on the next start-up when the row cannot be read back.
            raise KeyError(f"no record type for {kind!r}: declare it in FamilyDefinition.record_types")
        with self.transaction():
            row = self._db.execute(
                "SELECT seq FROM records WHERE namespace = ? AND kind = ? AND id = ?",
                (self.namespace, kind, record.id),
            ).fetchone()
            if row is None:
                self._seq += 1
            # An update keeps the record's place, as the memory store keeps insertion order.
            seq = self._seq if row is None else row[0]
            self._db.execute(
                "INSERT OR REPLACE INTO records VALUES (?, ?, ?, ?, ?)",
                (self.namespace, kind, record.id, seq, self.codec.encode(record)),
            )
            super().put(kind, record)

    def delete(self, kind: str, record_id: str) -> bool:
        with self.transaction():
            self._db.execute(
                "DELETE FROM records WHERE namespace = ? AND kind = ? AND id = ?",
                (self.namespace, kind, record_id),
            )
            return super().delete(kind, record_id)

    def restore(self, snapshot: object) -> None:
        with self.transaction():
            super().restore(snapshot)
            unknown = sorted(set(self._records) - set(self.codec.record_types))
            if unknown:
                raise KeyError(f"no record type for {unknown}: declare them in FamilyDefinition.record_types")
            self._db.execute("DELETE FROM records WHERE namespace = ?", (self.namespace,))
            self._seq = 0
            for kind, table in self._records.items():
                for record in table.values():
                    self._seq += 1
                    self._db.execute(
                        "INSERT INTO records VALUES (?, ?, ?, ?, ?)",
                        (self.namespace, kind, record.id, self._seq, self.codec.encode(record)),
                    )

    def close(self) -> None:
        self._db.close()
