"""SQLite store of state machines, executions, history, checkpoints, task tokens and map runs.

In memory by default; given a path it is a WAL-mode database file that survives a restart and
that other processes can read while this one writes.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sluice.stepfunctions.records import (
    ExecutionRecord,
    HistoryEvent,
    MapRunRecord,
    ScopeCheckpoint,
    StateMachineRecord,
    TaskTokenRecord,
)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS state_machines (
    arn TEXT PRIMARY KEY, name TEXT NOT NULL, definition TEXT NOT NULL, role_arn TEXT NOT NULL,
    type TEXT NOT NULL, creation_date REAL NOT NULL, update_date REAL NOT NULL,
    revision_id TEXT NOT NULL, logging TEXT NOT NULL, tracing TEXT NOT NULL, tags TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS executions (
    arn TEXT PRIMARY KEY, state_machine_arn TEXT NOT NULL, name TEXT NOT NULL,
    status TEXT NOT NULL, input TEXT NOT NULL, start_date REAL NOT NULL, definition TEXT NOT NULL,
    role_arn TEXT NOT NULL, output TEXT, error TEXT, cause TEXT, stop_date REAL,
    redrive_count INTEGER NOT NULL, redrive_date REAL, map_run_arn TEXT, parent_arn TEXT,
    trace_header TEXT
);
CREATE INDEX IF NOT EXISTS executions_by_machine ON executions (state_machine_arn, start_date);
CREATE INDEX IF NOT EXISTS executions_by_map_run ON executions (map_run_arn);
CREATE TABLE IF NOT EXISTS history (
    execution_arn TEXT NOT NULL, id INTEGER NOT NULL, type TEXT NOT NULL,
    timestamp REAL NOT NULL, previous_id INTEGER NOT NULL, details_key TEXT, details TEXT,
    PRIMARY KEY (execution_arn, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS scopes (
    execution_arn TEXT NOT NULL, scope TEXT NOT NULL, status TEXT NOT NULL, state TEXT,
    input TEXT NOT NULL, variables TEXT NOT NULL, output TEXT,
    PRIMARY KEY (execution_arn, scope)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS task_tokens (
    token TEXT PRIMARY KEY, execution_arn TEXT NOT NULL, state_name TEXT NOT NULL,
    status TEXT NOT NULL, created REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS map_runs (
    arn TEXT PRIMARY KEY, execution_arn TEXT NOT NULL, state_machine_arn TEXT NOT NULL,
    status TEXT NOT NULL, start_date REAL NOT NULL, stop_date REAL, max_concurrency INTEGER,
    tolerated_percentage REAL, tolerated_count INTEGER, redrive_count INTEGER NOT NULL,
    redrive_date REAL, counts TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS map_runs_by_execution ON map_runs (execution_arn);
"""

# The executions table has a column per ExecutionRecord field, with the same name.
_EXECUTION_FIELDS = tuple(field.name for field in dataclasses.fields(ExecutionRecord))
_EXECUTION_COLUMNS = ", ".join(_EXECUTION_FIELDS)
_EXECUTION_DATES = frozenset({"start_date", "stop_date", "redrive_date"})
_UPDATABLE_EXECUTION_FIELDS = frozenset(
    {"status", "output", "error", "cause", "stop_date", "redrive_count", "redrive_date"}
)


def _ts(value: datetime | None) -> float | None:
    return None if value is None else value.timestamp()


def _dt(value: float | None) -> datetime | None:
    return None if value is None else datetime.fromtimestamp(value, UTC)


def _required_dt(value: float) -> datetime:
    return datetime.fromtimestamp(value, UTC)


@dataclass
class Transition:
    """Writes that belong to one state transition, committed together."""

    events: list[HistoryEvent]
    execution_updates: dict[str, Any] | None = None
    checkpoints: list[ScopeCheckpoint] | None = None
    forgotten_scopes: list[str] | None = None


class Store:
    """The engine's persistent state in SQLite (stdlib `sqlite3`), safe to share across threads."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path or ":memory:"
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        if path:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA busy_timeout=5000")
        with self._lock:
            self._db.executescript(_SCHEMA)

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _query(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    # State machines

    def put_state_machine(self, record: StateMachineRecord) -> None:
        """Insert or replace a state machine."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO state_machines VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    record.arn,
                    record.name,
                    record.definition,
                    record.role_arn,
                    record.type,
                    _ts(record.creation_date),
                    _ts(record.update_date),
                    record.revision_id,
                    json.dumps(record.logging_configuration),
                    json.dumps(record.tracing_configuration),
                    json.dumps(record.tags),
                ),
            )

    def get_state_machine(self, arn: str) -> StateMachineRecord | None:
        """Return the state machine with this ARN, or None."""
        rows = self._query("SELECT * FROM state_machines WHERE arn = ?", (arn,))
        return _state_machine(rows[0]) if rows else None

    def list_state_machines(self) -> list[StateMachineRecord]:
        """Return every state machine, oldest first."""
        rows = self._query("SELECT * FROM state_machines ORDER BY creation_date, arn")
        return [_state_machine(row) for row in rows]

    def delete_state_machine(self, arn: str) -> None:
        """Delete a state machine (its executions stay readable)."""
        with self._transaction() as db:
            db.execute("DELETE FROM state_machines WHERE arn = ?", (arn,))

    # Executions and history

    def insert_execution(self, record: ExecutionRecord, events: list[HistoryEvent]) -> None:
        """Insert a new execution with its first history events."""
        with self._transaction() as db:
            db.execute(
                f"INSERT INTO executions ({_EXECUTION_COLUMNS}) "
                f"VALUES ({','.join('?' * len(_EXECUTION_FIELDS))})",
                _execution_row(record),
            )
            _insert_events(db, record.arn, events)

    def commit(self, execution_arn: str, transition: Transition) -> None:
        """Write a transition's history events, execution fields and checkpoints in one go.

        Checkpoints under `forgotten_scopes` prefixes are deleted before the new ones are put.
        """
        with self._transaction() as db:
            _insert_events(db, execution_arn, transition.events)
            if transition.execution_updates:
                _update_execution(db, execution_arn, transition.execution_updates)
            for prefix in transition.forgotten_scopes or ():
                _delete_checkpoints_under(db, execution_arn, prefix)
            for checkpoint in transition.checkpoints or ():
                _put_checkpoint(db, checkpoint)

    def get_execution(self, arn: str) -> ExecutionRecord | None:
        """Return the execution with this ARN, or None."""
        rows = self._query(f"SELECT {_EXECUTION_COLUMNS} FROM executions WHERE arn = ?", (arn,))
        return _execution(rows[0]) if rows else None

    def list_executions(
        self,
        state_machine_arn: str | None = None,
        status: str | None = None,
        map_run_arn: str | None = None,
    ) -> list[ExecutionRecord]:
        """Return executions matching the filters, newest first."""
        clauses, params = [], []
        for column, value in (
            ("state_machine_arn", state_machine_arn),
            ("status", status),
            ("map_run_arn", map_run_arn),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        rows = self._query(
            f"SELECT {_EXECUTION_COLUMNS} FROM executions {where} "
            "ORDER BY start_date DESC, rowid DESC",
            params,
        )
        return [_execution(row) for row in rows]

    def get_history(self, execution_arn: str) -> list[HistoryEvent]:
        """Return the history events of an execution in order."""
        rows = self._query(
            "SELECT id, type, timestamp, previous_id, details_key, details FROM history "
            "WHERE execution_arn = ? ORDER BY id",
            (execution_arn,),
        )
        return [
            HistoryEvent(
                id=row[0],
                type=row[1],
                timestamp=_required_dt(row[2]),
                previous_event_id=row[3],
                details_key=row[4],
                details=json.loads(row[5]) if row[5] is not None else None,
            )
            for row in rows
        ]

    def last_event_id(self, execution_arn: str) -> int:
        """Return the id of the last history event of an execution (0 when none)."""
        rows = self._query("SELECT MAX(id) FROM history WHERE execution_arn = ?", (execution_arn,))
        return rows[0][0] or 0

    # Checkpoints

    def get_checkpoint(self, execution_arn: str, scope: str) -> ScopeCheckpoint | None:
        """Return the checkpoint of one scope of an execution, or None."""
        rows = self._query(
            "SELECT scope, status, state, input, variables, output FROM scopes "
            "WHERE execution_arn = ? AND scope = ?",
            (execution_arn, scope),
        )
        return _checkpoint(execution_arn, rows[0]) if rows else None

    def put_checkpoints(self, checkpoints: list[ScopeCheckpoint]) -> None:
        """Insert or replace checkpoints."""
        with self._transaction() as db:
            for checkpoint in checkpoints:
                _put_checkpoint(db, checkpoint)

    # Task tokens

    def put_task_token(self, record: TaskTokenRecord) -> None:
        """Insert or replace a task token."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO task_tokens VALUES (?,?,?,?,?)",
                (
                    record.token,
                    record.execution_arn,
                    record.state_name,
                    record.status,
                    _ts(record.created),
                ),
            )

    def get_task_token(self, token: str) -> TaskTokenRecord | None:
        """Return a task token record, or None."""
        rows = self._query("SELECT * FROM task_tokens WHERE token = ?", (token,))
        if not rows:
            return None
        row = rows[0]
        return TaskTokenRecord(row[0], row[1], row[2], row[3], _required_dt(row[4]))

    def set_task_token_status(self, token: str, status: str) -> None:
        """Record what became of a task token."""
        with self._transaction() as db:
            db.execute("UPDATE task_tokens SET status = ? WHERE token = ?", (status, token))

    # Map runs

    def put_map_run(self, record: MapRunRecord) -> None:
        """Insert or replace a map run."""
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO map_runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    record.arn,
                    record.execution_arn,
                    record.state_machine_arn,
                    record.status,
                    _ts(record.start_date),
                    _ts(record.stop_date),
                    record.max_concurrency,
                    record.tolerated_failure_percentage,
                    record.tolerated_failure_count,
                    record.redrive_count,
                    _ts(record.redrive_date),
                    json.dumps(record.counts),
                ),
            )

    def get_map_run(self, arn: str) -> MapRunRecord | None:
        """Return a map run, or None."""
        rows = self._query("SELECT * FROM map_runs WHERE arn = ?", (arn,))
        return _map_run(rows[0]) if rows else None

    def list_map_runs(self, execution_arn: str) -> list[MapRunRecord]:
        """Return the map runs of an execution, oldest first."""
        rows = self._query(
            "SELECT * FROM map_runs WHERE execution_arn = ? ORDER BY start_date", (execution_arn,)
        )
        return [_map_run(row) for row in rows]


def _insert_events(db: sqlite3.Connection, execution_arn: str, events: list[HistoryEvent]) -> None:
    if events:
        db.executemany(
            "INSERT INTO history VALUES (?,?,?,?,?,?,?)",
            [
                (
                    execution_arn,
                    event.id,
                    event.type,
                    event.timestamp.timestamp(),
                    event.previous_event_id,
                    event.details_key,
                    None if event.details is None else json.dumps(event.details),
                )
                for event in events
            ],
        )


def _update_execution(db: sqlite3.Connection, arn: str, updates: dict[str, Any]) -> None:
    unknown = set(updates) - _UPDATABLE_EXECUTION_FIELDS
    if unknown:
        raise ValueError(f"cannot update execution fields {sorted(unknown)}")
    values = [_ts(v) if isinstance(v, datetime) else v for v in updates.values()]
    assignments = ", ".join(f"{column} = ?" for column in updates)
    db.execute(f"UPDATE executions SET {assignments} WHERE arn = ?", (*values, arn))


def _delete_checkpoints_under(db: sqlite3.Connection, execution_arn: str, prefix: str) -> None:
    db.execute(
        "DELETE FROM scopes WHERE execution_arn = ? AND substr(scope, 1, ?) = ?",
        (execution_arn, len(prefix), prefix),
    )


def _put_checkpoint(db: sqlite3.Connection, checkpoint: ScopeCheckpoint) -> None:
    db.execute(
        "INSERT OR REPLACE INTO scopes VALUES (?,?,?,?,?,?,?)",
        (
            checkpoint.execution_arn,
            checkpoint.scope,
            checkpoint.status,
            checkpoint.state,
            json.dumps(checkpoint.input),
            json.dumps(checkpoint.variables),
            json.dumps(checkpoint.output),
        ),
    )


def _checkpoint(execution_arn: str, row: tuple[Any, ...]) -> ScopeCheckpoint:
    return ScopeCheckpoint(
        execution_arn=execution_arn,
        scope=row[0],
        status=row[1],
        state=row[2],
        input=json.loads(row[3]),
        variables=json.loads(row[4]),
        output=json.loads(row[5]) if row[5] is not None else None,
    )


def _execution_row(record: ExecutionRecord) -> tuple[Any, ...]:
    values = ((name, getattr(record, name)) for name in _EXECUTION_FIELDS)
    return tuple(_ts(value) if name in _EXECUTION_DATES else value for name, value in values)


def _execution(row: tuple[Any, ...]) -> ExecutionRecord:
    values = zip(_EXECUTION_FIELDS, row, strict=True)
    return ExecutionRecord(
        **{name: _dt(value) if name in _EXECUTION_DATES else value for name, value in values}
    )


def _state_machine(row: tuple[Any, ...]) -> StateMachineRecord:
    return StateMachineRecord(
        arn=row[0],
        name=row[1],
        definition=row[2],
        role_arn=row[3],
        type=row[4],
        creation_date=_required_dt(row[5]),
        update_date=_required_dt(row[6]),
        revision_id=row[7],
        logging_configuration=json.loads(row[8]),
        tracing_configuration=json.loads(row[9]),
        tags=json.loads(row[10]),
    )


def _map_run(row: tuple[Any, ...]) -> MapRunRecord:
    return MapRunRecord(
        arn=row[0],
        execution_arn=row[1],
        state_machine_arn=row[2],
        status=row[3],
        start_date=_required_dt(row[4]),
        stop_date=_dt(row[5]),
        max_concurrency=row[6],
        tolerated_failure_percentage=row[7],
        tolerated_failure_count=row[8],
        redrive_count=row[9],
        redrive_date=_dt(row[10]),
        counts=json.loads(row[11]),
    )
