"""Records in memory, persisted to SQLite, with snapshot reads and commit-at-end writes.

Each RPC call runs in a :class:`Transaction`: it reads the committed snapshot taken when
it began, plus its own changes, and publishes its changes only on commit. That is what
lets the simulator send a webhook *before* the change commits, as Odoo 17 does: a reader
in another request still sees the old state until the commit.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

Record = dict[str, Any]
Table = dict[int, Record]


class Store:
    """Committed data by model, id sequences, and the SQLite file behind them."""

    def __init__(self, path: Path | str = ":memory:") -> None:
        self._lock = threading.Lock()
        self._tables: dict[str, Table] = {}
        self._sequences: dict[str, int] = {}
        self._db = sqlite3.connect(str(path), check_same_thread=False)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS records "
            "(model TEXT, id INTEGER, data TEXT, PRIMARY KEY (model, id))"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS sequences (model TEXT PRIMARY KEY, next INTEGER)"
        )
        self._load()

    def _load(self) -> None:
        for model, record_id, data in self._db.execute("SELECT model, id, data FROM records"):
            self._tables.setdefault(model, {})[record_id] = json.loads(data)
        for model, next_id in self._db.execute("SELECT model, next FROM sequences"):
            self._sequences[model] = next_id

    @property
    def is_empty(self) -> bool:
        return not self._tables

    def snapshot(self) -> dict[str, Table]:
        """The committed tables as of now (tables are replaced, never mutated, on commit)."""
        with self._lock:
            return dict(self._tables)

    def next_id(self, model: str) -> int:
        """Allocate an id; like a database sequence, never given back on rollback."""
        with self._lock:
            existing = self._tables.get(model, {})
            value = max(self._sequences.get(model, 1), max(existing, default=0) + 1)
            self._sequences[model] = value + 1
            self._db.execute("INSERT OR REPLACE INTO sequences VALUES (?, ?)", (model, value + 1))
            return value

    def set_next_id(self, model: str, value: int) -> None:
        """Start a model's ids at ``value`` (seed data uses this to match the recordings)."""
        with self._lock:
            self._sequences[model] = value
            self._db.execute("INSERT OR REPLACE INTO sequences VALUES (?, ?)", (model, value))

    def commit(self, changes: dict[str, dict[int, Record | None]]) -> None:
        """Publish a transaction's changes (``None`` deletes) and persist them."""
        with self._lock:
            for model, records in changes.items():
                table = dict(self._tables.get(model, {}))
                for record_id, record in records.items():
                    if record is None:
                        table.pop(record_id, None)
                        self._db.execute(
                            "DELETE FROM records WHERE model = ? AND id = ?", (model, record_id)
                        )
                    else:
                        table[record_id] = record
                        self._db.execute(
                            "INSERT OR REPLACE INTO records VALUES (?, ?, ?)",
                            (model, record_id, json.dumps(record)),
                        )
                self._tables[model] = table
            self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()


class Transaction:
    """One call's view: a snapshot plus its own uncommitted changes."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._snapshot = store.snapshot()
        self._changes: dict[str, dict[int, Record | None]] = {}

    def ids(self, model: str) -> Iterator[int]:
        changed = self._changes.get(model, {})
        for record_id in self._snapshot.get(model, {}):
            if changed.get(record_id, True) is not None:
                yield record_id
        for record_id, record in changed.items():
            if record is not None and record_id not in self._snapshot.get(model, {}):
                yield record_id

    def get(self, model: str, record_id: int) -> Record | None:
        changed = self._changes.get(model, {})
        if record_id in changed:
            return changed[record_id]
        return self._snapshot.get(model, {}).get(record_id)

    def exists(self, model: str, record_id: int) -> bool:
        return self.get(model, record_id) is not None

    def put(self, model: str, record_id: int, record: Record) -> None:
        self._changes.setdefault(model, {})[record_id] = record

    def update(self, model: str, record_id: int, values: Record) -> None:
        current = self.get(model, record_id)
        if current is None:
            raise KeyError(record_id)
        merged = copy.deepcopy(current)
        merged.update(values)
        self.put(model, record_id, merged)

    def delete(self, model: str, record_id: int) -> None:
        self._changes.setdefault(model, {})[record_id] = None

    def commit(self) -> None:
        if self._changes:
            self.store.commit(self._changes)
        self._changes = {}
