"""The embedded SQLite database holds CURPs, addresses and password hashes: the app creates it
as private as the secret key beside it (0600), not 0644 as SQLite would."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from blueprints.extensions import db
from tests.conftest import make_app


def test_the_embedded_database_is_created_private(tmp_path: Path) -> None:
    previous = os.umask(0o022)  # the usual one, which leaves SQLite's own files 0644
    try:
        app = make_app(tmp_path, "")  # no DATABASE_URL: the embedded default
        with app.app_context():
            db.session.execute(sa.text("CREATE TABLE t (x INTEGER)"))
            db.session.commit()
            base = tmp_path / "instance" / "derechohabiencia.sqlite3"
            assert db.engine.url.database == str(base)
            assert base.stat().st_size > 0  # SQLite wrote into the file made for it
            for path in [base, *base.parent.glob("derechohabiencia.sqlite3-*")]:
                assert path.stat().st_mode & 0o777 == 0o600, path
    finally:
        os.umask(previous)


@pytest.mark.parametrize(
    ("url", "file"),
    [
        ("sqlite:///{tmp}/propia.sqlite3", "propia.sqlite3"),
        # Relative: Flask-SQLAlchemy reads it from the instance folder, %-decoded.
        ("sqlite:///propia.sqlite3", "instance/propia.sqlite3"),
        ("sqlite:///mi%20base.sqlite3", "instance/mi base.sqlite3"),
    ],
)
def test_a_new_sqlite_file_named_in_database_url_is_created_private_too(
    tmp_path: Path, url: str, file: str
) -> None:
    previous = os.umask(0o022)
    try:
        app = make_app(tmp_path, url.format(tmp=tmp_path))
        with app.app_context():
            db.session.execute(sa.text("CREATE TABLE t (x INTEGER)"))
            db.session.commit()
        named = tmp_path / file
        assert named.stat().st_size > 0
        assert named.stat().st_mode & 0o777 == 0o600
        assert len(list(tmp_path.rglob("*.sqlite3"))) == 1  # no empty stray beside it
    finally:
        os.umask(previous)


def test_an_existing_database_named_in_database_url_is_left_as_it_is(tmp_path: Path) -> None:
    named = tmp_path / "propia.sqlite3"
    named.touch(mode=0o640)
    named.chmod(0o640)
    app = make_app(tmp_path, f"sqlite:///{named}")
    with app.app_context():
        db.session.execute(sa.text("SELECT 1"))
    assert named.stat().st_mode & 0o777 == 0o640
    assert not (tmp_path / "instance" / "derechohabiencia.sqlite3").exists()
