"""A fair queue for folio numbers on SQLite.

On PostgreSQL a second issuer waits on the counter row's lock and wakes the moment the first
commits. SQLite keeps no queue: a writer that finds the database locked sleeps and retries, its
busy handler backing off up to 100 ms a try, and the worker that just committed usually takes
the lock again before the sleeper wakes. Under load one request could so wait for seconds
(bench/load.py saw a p99 of 1.9 s and a request past wrk's 2 s timeout). An ``flock`` on a file
beside the database is a real queue: the kernel wakes a waiter as soon as the holder lets go,
and lets go for a holder that dies, SIGKILL included. Hand-written because it is a few lines
over ``fcntl`` tied to SQLAlchemy's transaction events; the lock libraries poll as SQLite does.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: SQLite's own busy wait still keeps it correct
    fcntl = None  # type: ignore[assignment]

KEY = "folio_lock_fd"


def lock_path(database: str) -> str:
    return f"{database}.folios.lock"


def hold(session: Session) -> None:
    """Queue for the folio counter until ``session``'s transaction ends (SQLite files only).

    Taken before the transaction writes anything: a connection that already holds SQLite's
    write lock must not wait here, or it could wait on a process that waits on it. Such a
    transaction (never one of ours today) simply keeps SQLite's busy wait.
    """
    if fcntl is None or KEY in session.info:
        return
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    database = connection.engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return
    if getattr(connection.connection.dbapi_connection, "in_transaction", True):
        return
    fd = os.open(lock_path(database), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except BaseException:
        os.close(fd)
        raise
    session.info[KEY] = fd


@event.listens_for(Session, "after_transaction_end")
def _release(session: Session, transaction: SessionTransaction) -> None:
    # Commit, rollback or close: whichever ends the outermost transaction lets the next one in.
    if transaction.parent is None and KEY in session.info:
        fd: Any = session.info.pop(KEY)
        os.close(fd)  # closing the only descriptor releases the flock
