"""Files only this process's user may read (mode 0600): the demo's secret key and the SQLite
database, which hold what signs every session and every person's data."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def load_or_create_secret(path: Path) -> str:
    """Return the secret kept in ``path``, creating it (mode 0600) on first use."""
    if path.exists():
        value = path.read_text(encoding="utf-8").strip()
        if value:
            return value
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(48)
    path.touch(mode=0o600, exist_ok=True)
    path.write_text(value + "\n", encoding="utf-8")
    return value


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 unless it exists; an existing file is left alone.

    For an SQLite database: SQLite would create it 0644 (readable by every local user) while it
    holds CURPs, addresses and password hashes; an empty file is an empty database to it, and
    its -wal and -shm files take the database file's mode. A missing folder is not made: in a
    DATABASE_URL it is more likely a mistake, which SQLite then reports (/healthz included).
    """
    with contextlib.suppress(FileExistsError, FileNotFoundError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
