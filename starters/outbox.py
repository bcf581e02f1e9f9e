"""A durable inbox for events that must not be lost: Odoo never retries its webhooks.

Every accepted event is written to SQLite before the HTTP answer; it is marked delivered
once Temporal has it. Events Temporal could not take (down, slow) are delivered later by
the drainer, in order, with back-off. Identical events are kept once.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    dedupe_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_at REAL NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    outcome TEXT,
    delivered_at REAL
);
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY,
    response TEXT NOT NULL,
    created_at REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Event:
    id: int
    kind: str
    payload: dict[str, Any]
    attempts: int


class Outbox:
    """The SQLite file behind the intake (WAL; safe across restarts)."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA)
        self._lock = threading.Lock()

    def add(self, dedupe_key: str, kind: str, payload: dict[str, Any]) -> tuple[int, bool]:
        """Keep an event; returns its id and whether it is new (False: a duplicate)."""
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO events (dedupe_key, kind, payload, received_at) "
                "VALUES (?, ?, ?, ?)",
                (dedupe_key, kind, json.dumps(payload), time.time()),
            )
            if cursor.rowcount:
                return int(cursor.lastrowid or 0), True
            row = self._db.execute(
                "SELECT id FROM events WHERE dedupe_key = ?", (dedupe_key,)
            ).fetchone()
            return int(row[0]), False

    def due(self, limit: int = 100) -> list[Event]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, kind, payload, attempts FROM events WHERE delivered_at IS NULL "
                "AND next_attempt_at <= ? ORDER BY id LIMIT ?",
                (time.time(), limit),
            ).fetchall()
        return [Event(r[0], r[1], json.loads(r[2]), r[3]) for r in rows]

    def get(self, event_id: int) -> Event | None:
        with self._lock:
            row = self._db.execute(
                "SELECT id, kind, payload, attempts FROM events "
                "WHERE id = ? AND delivered_at IS NULL",
                (event_id,),
            ).fetchone()
        return Event(row[0], row[1], json.loads(row[2]), row[3]) if row else None

    def delivered(self, event_id: int, outcome: str) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE events SET delivered_at = ?, outcome = ? WHERE id = ?",
                (time.time(), outcome, event_id),
            )

    def failed(self, event_id: int, error: str, attempts: int) -> None:
        backoff = min(60.0, 0.5 * 2**attempts)
        with self._lock:
            self._db.execute(
                "UPDATE events SET attempts = ?, last_error = ?, next_attempt_at = ? WHERE id = ?",
                (attempts + 1, error[:500], time.time() + backoff, event_id),
            )

    def pending_count(self) -> int:
        with self._lock:
            return int(
                self._db.execute(
                    "SELECT COUNT(*) FROM events WHERE delivered_at IS NULL"
                ).fetchone()[0]
            )

    def remember(self, key: str, response: dict[str, Any]) -> dict[str, Any]:
        """Store the first response for an idempotency key; return whichever is stored."""
        with self._lock:
            self._db.execute(
                "INSERT OR IGNORE INTO idempotency VALUES (?, ?, ?)",
                (key, json.dumps(response), time.time()),
            )
            row = self._db.execute(
                "SELECT response FROM idempotency WHERE key = ?", (key,)
            ).fetchone()
        return dict(json.loads(row[0]))

    def recall(self, key: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT response FROM idempotency WHERE key = ?", (key,)
            ).fetchone()
        return dict(json.loads(row[0])) if row else None

    def close(self) -> None:
        with self._lock:
            self._db.close()
