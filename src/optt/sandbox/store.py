"""The sandbox's state in SQLite (stdlib ``sqlite3``): the schema and every query.

One connection, guarded by a lock: the sandbox's handlers run on uvicorn's event loop, and the lock keeps the
store safe if it is ever used from several threads. A file store uses WAL mode and survives restarts.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = ["DB_FILENAME", "Row", "Store", "UniqueViolationError"]

DB_FILENAME = "sandbox.sqlite3"
Row = dict[str, Any]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    clinic_id INTEGER
);
CREATE TABLE IF NOT EXISTS clinics (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    institute_user_id INTEGER NOT NULL REFERENCES users(id)
);
CREATE TABLE IF NOT EXISTS clients (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL UNIQUE REFERENCES users(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    mobile TEXT,
    language TEXT NOT NULL,
    status TEXT NOT NULL,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id),
    external_client_id TEXT,
    from_cpm INTEGER NOT NULL,
    image_extension TEXT,
    image_data TEXT
);
CREATE TABLE IF NOT EXISTS caregivers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL UNIQUE REFERENCES users(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    mobile TEXT,
    position TEXT,
    language TEXT NOT NULL,
    activation_status TEXT NOT NULL,
    clinic_id INTEGER NOT NULL REFERENCES clinics(id)
);
CREATE TABLE IF NOT EXISTS care_links (
    caregiver_id INTEGER NOT NULL REFERENCES caregivers(id),
    client_id INTEGER NOT NULL REFERENCES clients(id),
    PRIMARY KEY (caregiver_id, client_id)
);
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    description TEXT,
    date TEXT NOT NULL,
    time TEXT NOT NULL,
    end_date TEXT NOT NULL,
    remind_days INTEGER,
    closed INTEGER NOT NULL DEFAULT 0,
    caregiver_id INTEGER NOT NULL REFERENCES caregivers(id),
    client_id INTEGER NOT NULL REFERENCES clients(id),
    clinic_id INTEGER NOT NULL REFERENCES clinics(id),
    design_plan_id INTEGER,
    created_by INTEGER NOT NULL REFERENCES caregivers(id)
);
CREATE TABLE IF NOT EXISTS books (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    type TEXT NOT NULL,
    description TEXT
);
CREATE TABLE IF NOT EXISTS assignments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id INTEGER NOT NULL REFERENCES sessions(id),
    book_id INTEGER NOT NULL REFERENCES books(id),
    start_date TEXT NOT NULL,
    start_time TEXT,
    end_date TEXT NOT NULL,
    end_time TEXT,
    remind_dates TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS triage_reports (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    clinic_code TEXT NOT NULL,
    caregiver_id INTEGER NOT NULL,
    risk_level TEXT NOT NULL,
    summary TEXT NOT NULL,
    actions TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS fcm_tokens (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    token TEXT NOT NULL,
    registered_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS used_refresh_tokens (jti TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS idp_identities (
    subject TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id)
);
CREATE INDEX IF NOT EXISTS clients_by_clinic ON clients(clinic_id, id);
CREATE INDEX IF NOT EXISTS caregivers_by_clinic ON caregivers(clinic_id, id);
CREATE INDEX IF NOT EXISTS links_by_client ON care_links(client_id);
CREATE INDEX IF NOT EXISTS sessions_by_caregiver ON sessions(caregiver_id, id);
CREATE INDEX IF NOT EXISTS sessions_by_client ON sessions(client_id, id);
CREATE INDEX IF NOT EXISTS assignments_by_session ON assignments(session_id, id);
"""


class UniqueViolationError(Exception):
    """A unique column (a user's e-mail) is already taken."""


def _row(cursor: sqlite3.Cursor, values: Sequence[Any]) -> Row:
    return {column[0]: value for column, value in zip(cursor.description, values, strict=True)}


class Store:
    """All reads and writes of the sandbox's state."""

    def __init__(self, data_dir: Path | None) -> None:
        self.path = (data_dir / DB_FILENAME) if data_dir is not None else None
        if data_dir is not None:
            data_dir.mkdir(parents=True, exist_ok=True)
        target = str(self.path) if self.path is not None else ":memory:"
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = _row
        if self.path is not None:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of work; nested use joins the outer transaction."""
        with self._lock:
            if self._conn.in_transaction:
                yield
                return
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    # -- low level ---------------------------------------------------------------------------------------------
    def _one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        with self._lock:
            row: Row | None = self._conn.execute(sql, params).fetchone()
            return row

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        with self._lock:
            rows: list[Row] = self._conn.execute(sql, params).fetchall()
            return rows

    def _insert(self, sql: str, params: Sequence[Any]) -> int:
        with self._lock:
            try:
                cursor = self._conn.execute(sql, params)
            except sqlite3.IntegrityError as exc:
                if "UNIQUE" in str(exc):
                    raise UniqueViolationError(str(exc)) from exc
                raise
            rowid = cursor.lastrowid
            assert rowid is not None
            return rowid

    def _run(self, sql: str, params: Sequence[Any] = ()) -> int:
        with self._lock:
            return self._conn.execute(sql, params).rowcount

    def _count(self, sql: str, params: Sequence[Any] = ()) -> int:
        row = self._one(sql, params)
        assert row is not None
        return int(next(iter(row.values())))

    # -- meta --------------------------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self._one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str) -> None:
        self._run("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    # -- users and clinics -------------------------------------------------------------------------------------
    def create_user(self, username: str, role: str, clinic_id: int | None, user_id: int | None = None) -> int:
        return self._insert(
            "INSERT INTO users (id, username, role, clinic_id) VALUES (?, ?, ?, ?)",
            (user_id, username, role, clinic_id),
        )

    def user_by_name(self, username: str) -> Row | None:
        return self._one("SELECT * FROM users WHERE username = ?", (username,))

    def user_by_id(self, user_id: int) -> Row | None:
        return self._one("SELECT * FROM users WHERE id = ?", (user_id,))

    def create_clinic(self, clinic_id: int | None, code: str, name: str, email: str, institute_user_id: int) -> int:
        return self._insert(
            "INSERT INTO clinics (id, code, name, email, institute_user_id) VALUES (?, ?, ?, ?, ?)",
            (clinic_id, code, name, email, institute_user_id),
        )

    def clinic_by_id(self, clinic_id: int) -> Row | None:
        return self._one("SELECT * FROM clinics WHERE id = ?", (clinic_id,))

    def clinic_by_email(self, email: str) -> Row | None:
        return self._one("SELECT * FROM clinics WHERE email = ?", (email,))

    # -- clients -----------------------------------------------------------------------------------------------
    def insert_client(self, fields: Row) -> int:
        columns = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        return self._insert(f"INSERT INTO clients ({columns}) VALUES ({marks})", list(fields.values()))

    def client(self, client_id: int) -> Row | None:
        return self._one("SELECT * FROM clients WHERE id = ?", (client_id,))

    def client_by_user(self, user_id: int) -> Row | None:
        return self._one("SELECT * FROM clients WHERE user_id = ?", (user_id,))

    def clients_page(self, clinic_id: int, status: str | None, offset: int, limit: int) -> tuple[list[Row], int]:
        where = "clinic_id = ?"
        params: list[Any] = [clinic_id]
        if status is not None:
            where += " AND status = ?"
            params.append(status)
        with self._lock:
            total = self._count(f"SELECT COUNT(*) FROM clients WHERE {where}", params)
            sql = f"SELECT * FROM clients WHERE {where} ORDER BY id LIMIT ? OFFSET ?"
            rows = self._all(sql, [*params, limit, offset])
        return rows, total

    def update_client(self, client_id: int, fields: Row) -> None:
        if fields:
            assignments = ", ".join(f"{name} = ?" for name in fields)
            self._run(f"UPDATE clients SET {assignments} WHERE id = ?", [*fields.values(), client_id])

    # -- caregivers --------------------------------------------------------------------------------------------
    def insert_caregiver(self, fields: Row) -> int:
        columns = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        return self._insert(f"INSERT INTO caregivers ({columns}) VALUES ({marks})", list(fields.values()))

    def caregiver(self, caregiver_id: int) -> Row | None:
        return self._one("SELECT * FROM caregivers WHERE id = ?", (caregiver_id,))

    def caregiver_by_user(self, user_id: int) -> Row | None:
        return self._one("SELECT * FROM caregivers WHERE user_id = ?", (user_id,))

    def caregivers_page(self, clinic_id: int, offset: int, limit: int) -> tuple[list[Row], int]:
        with self._lock:
            total = self._count("SELECT COUNT(*) FROM caregivers WHERE clinic_id = ?", (clinic_id,))
            rows = self._all(
                "SELECT * FROM caregivers WHERE clinic_id = ? ORDER BY id LIMIT ? OFFSET ?", (clinic_id, limit, offset)
            )
        return rows, total

    def update_caregiver(self, caregiver_id: int, fields: Row) -> None:
        if fields:
            assignments = ", ".join(f"{name} = ?" for name in fields)
            self._run(f"UPDATE caregivers SET {assignments} WHERE id = ?", [*fields.values(), caregiver_id])

    def ids_in_clinic(self, table: str, clinic_id: int, ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` exist in ``table`` (clients or caregivers) within the clinic."""
        if table not in ("clients", "caregivers") or not ids:
            return set()
        marks = ", ".join("?" for _ in ids)
        rows = self._all(f"SELECT id FROM {table} WHERE clinic_id = ? AND id IN ({marks})", [clinic_id, *ids])
        return {int(row["id"]) for row in rows}

    # -- care links --------------------------------------------------------------------------------------------
    def caregivers_of_client(self, client_id: int) -> list[int]:
        rows = self._all("SELECT caregiver_id FROM care_links WHERE client_id = ? ORDER BY caregiver_id", (client_id,))
        return [int(row["caregiver_id"]) for row in rows]

    def clients_of_caregiver(self, caregiver_id: int) -> list[int]:
        rows = self._all("SELECT client_id FROM care_links WHERE caregiver_id = ? ORDER BY client_id", (caregiver_id,))
        return [int(row["client_id"]) for row in rows]

    def is_linked(self, caregiver_id: int, client_id: int) -> bool:
        row = self._one(
            "SELECT 1 AS x FROM care_links WHERE caregiver_id = ? AND client_id = ?", (caregiver_id, client_id)
        )
        return row is not None

    def set_caregivers_of_client(self, client_id: int, caregiver_ids: Sequence[int]) -> None:
        with self.transaction():
            self._run("DELETE FROM care_links WHERE client_id = ?", (client_id,))
            for caregiver_id in caregiver_ids:
                self._run("INSERT INTO care_links (caregiver_id, client_id) VALUES (?, ?)", (caregiver_id, client_id))

    def set_clients_of_caregiver(self, caregiver_id: int, client_ids: Sequence[int]) -> None:
        with self.transaction():
            self._run("DELETE FROM care_links WHERE caregiver_id = ?", (caregiver_id,))
            for client_id in client_ids:
                self._run("INSERT INTO care_links (caregiver_id, client_id) VALUES (?, ?)", (caregiver_id, client_id))

    # -- sessions ----------------------------------------------------------------------------------------------
    def insert_session(self, fields: Row) -> int:
        columns = ", ".join(fields)
        marks = ", ".join("?" for _ in fields)
        return self._insert(f"INSERT INTO sessions ({columns}) VALUES ({marks})", list(fields.values()))

    def session(self, session_id: int) -> Row | None:
        return self._one("SELECT * FROM sessions WHERE id = ?", (session_id,))

    def update_session(self, session_id: int, fields: Row) -> None:
        if fields:
            assignments = ", ".join(f"{name} = ?" for name in fields)
            self._run(f"UPDATE sessions SET {assignments} WHERE id = ?", [*fields.values(), session_id])

    def sessions_of_caregiver(
        self, caregiver_id: int, client_id: int | None, offset: int, limit: int
    ) -> tuple[list[Row], int]:
        """Sessions the care provider runs or created, optionally of one client (status filtering is the caller's)."""
        where = "(caregiver_id = ? OR created_by = ?)"
        params: list[Any] = [caregiver_id, caregiver_id]
        if client_id is not None:
            where += " AND client_id = ?"
            params.append(client_id)
        with self._lock:
            total = self._count(f"SELECT COUNT(*) FROM sessions WHERE {where}", params)
            sql = f"SELECT * FROM sessions WHERE {where} ORDER BY id LIMIT ? OFFSET ?"
            rows = self._all(sql, [*params, limit, offset])
        return rows, total

    def all_sessions_of_caregiver(self, caregiver_id: int, client_id: int | None) -> list[Row]:
        where = "(caregiver_id = ? OR created_by = ?)"
        params: list[Any] = [caregiver_id, caregiver_id]
        if client_id is not None:
            where += " AND client_id = ?"
            params.append(client_id)
        return self._all(f"SELECT * FROM sessions WHERE {where} ORDER BY id", params)

    def sessions_of_client(self, client_id: int, offset: int, limit: int) -> tuple[list[Row], int]:
        with self._lock:
            total = self._count("SELECT COUNT(*) FROM sessions WHERE client_id = ?", (client_id,))
            rows = self._all(
                "SELECT * FROM sessions WHERE client_id = ? ORDER BY id LIMIT ? OFFSET ?", (client_id, limit, offset)
            )
        return rows, total

    # -- books and assignments ---------------------------------------------------------------------------------
    def insert_book(self, book_id: int | None, title: str, kind: str, description: str | None) -> int:
        return self._insert(
            "INSERT INTO books (id, title, type, description) VALUES (?, ?, ?, ?)", (book_id, title, kind, description)
        )

    def existing_books(self, ids: Sequence[int]) -> set[int]:
        if not ids:
            return set()
        marks = ", ".join("?" for _ in ids)
        return {int(row["id"]) for row in self._all(f"SELECT id FROM books WHERE id IN ({marks})", list(ids))}

    def books_page(self, offset: int, limit: int) -> tuple[list[Row], int]:
        with self._lock:
            total = self._count("SELECT COUNT(*) FROM books")
            rows = self._all("SELECT * FROM books ORDER BY id LIMIT ? OFFSET ?", (limit, offset))
        return rows, total

    def insert_assignment(self, fields: Row) -> int:
        values = dict(fields)
        values["remind_dates"] = json.dumps(values.get("remind_dates") or [])
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        return self._insert(f"INSERT INTO assignments ({columns}) VALUES ({marks})", list(values.values()))

    @staticmethod
    def _assignment(row: Row) -> Row:
        row["remind_dates"] = json.loads(row["remind_dates"])
        return row

    def assignments_of_session(self, session_id: int) -> list[Row]:
        rows = self._all("SELECT * FROM assignments WHERE session_id = ? ORDER BY id", (session_id,))
        return [self._assignment(row) for row in rows]

    def assignment(self, assignment_id: int) -> Row | None:
        row = self._one("SELECT * FROM assignments WHERE id = ?", (assignment_id,))
        return None if row is None else self._assignment(row)

    def assignments_of_client(self, client_id: int, offset: int, limit: int) -> tuple[list[Row], int]:
        base = "FROM assignments a JOIN sessions s ON s.id = a.session_id WHERE s.client_id = ?"
        with self._lock:
            total = self._count(f"SELECT COUNT(*) {base}", (client_id,))
            rows = self._all(f"SELECT a.* {base} ORDER BY a.id LIMIT ? OFFSET ?", (client_id, limit, offset))
        return [self._assignment(row) for row in rows], total

    # -- triage, notifications, identity providers, refresh tokens ----------------------------------------------
    def insert_triage(self, fields: Row) -> int:
        values = dict(fields)
        values["actions"] = json.dumps(values["actions"])
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        return self._insert(f"INSERT INTO triage_reports ({columns}) VALUES ({marks})", list(values.values()))

    def register_fcm_token(self, user_id: int, token: str, registered_at: str) -> None:
        self._run(
            "INSERT OR REPLACE INTO fcm_tokens (user_id, token, registered_at) VALUES (?, ?, ?)",
            (user_id, token, registered_at),
        )

    def fcm_token(self, user_id: int) -> Row | None:
        return self._one("SELECT * FROM fcm_tokens WHERE user_id = ?", (user_id,))

    def idp_user(self, subject: str) -> int | None:
        row = self._one("SELECT user_id FROM idp_identities WHERE subject = ?", (subject,))
        return None if row is None else int(row["user_id"])

    def link_idp_user(self, subject: str, user_id: int) -> None:
        self._run("INSERT INTO idp_identities (subject, user_id) VALUES (?, ?)", (subject, user_id))

    def use_refresh_token(self, jti: str) -> bool:
        """Mark a refresh token's jti as used; False if it already was (refresh tokens are single-use)."""
        with self._lock:
            cursor = self._conn.execute("INSERT OR IGNORE INTO used_refresh_tokens (jti) VALUES (?)", (jti,))
            return cursor.rowcount == 1
