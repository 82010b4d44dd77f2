"""Folios and codes, the pair printed on every constancia: their shape, reading them back
as typed, and numbering folios without gaps or duplicates.

A folio (``NA-2026-000001``) is sequential, so anyone can guess one; the code, random, is what
``domain.verificacion`` asks for beside it.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy.orm import Session
from sqlalchemy.sql import Executable

from domain import folio_lock
from domain.models import FolioContador

CODIGO_ALFABETO = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODIGO_LARGO = 12
# ASCII only ([0-9], not \d): a digit NFKC does not bring to ASCII (Arabic-Indic, Devanagari...)
# is a malformed folio, not one to look up and call "no auténtica".
FOLIO_RE = re.compile(r"^(?P<prefijo>[A-Z]{2})-(?P<anio>[0-9]{4})-(?P<numero>[0-9]{6,9})$")
_LOOKALIKES = str.maketrans("OIL", "011")  # letters the code never uses, read as the digits
_GUIONES = str.maketrans(dict.fromkeys("-\u2010\u2011\u2012\u2013\u2014\u2212"))  # all dropped
_FOLIO_JUNTO_RE = re.compile(r"^([A-Z]{2})([0-9]{4})([0-9]{6,9})$")


def _nfkc(value: str) -> str:
    # NFKC turns the full-width forms some keyboards type (Ｎ, ２, －) into the plain ones.
    return unicodedata.normalize("NFKC", value)


def normalizar_codigo(value: str) -> str:
    """The code as typed, in its printed form (case, spaces and dashes ignored; O=0, I=L=1).

    >>> normalizar_codigo("abcd-efgh-jk0o"), normalizar_codigo("ＡＢＣＤＥＦＧＨＪＫ０１")
    ('ABCDEFGHJK00', 'ABCDEFGHJK01')
    """
    text = "".join(ch for ch in _nfkc(value).upper() if ch.isalnum())
    return text.translate(_LOOKALIKES)[:64]


def normalizar_folio(value: str) -> str:
    """The folio as typed, in its printed form: case and spaces ignored, and the hyphens put
    back when they are missing (two letters, the year's four digits and the number can only
    be read one way).

    >>> normalizar_folio(" na-2026-000001 "), normalizar_folio("NA2026000001")
    ('NA-2026-000001', 'NA-2026-000001')
    >>> normalizar_folio("na 2026 000123"), normalizar_folio("NA-2026000123")
    ('NA-2026-000123', 'NA-2026-000123')
    >>> normalizar_folio("NA–2026–000123")  # an en dash, as some phones write it
    'NA-2026-000123'
    >>> normalizar_folio("ＮＡ－２０２６－０００１２３")  # full width, as some keyboards type
    'NA-2026-000123'
    >>> normalizar_folio("N2026000001")  # not a folio: left for the format check to refuse
    'N2026000001'
    """
    text = "".join(_nfkc(value).split()).upper()[:32]
    if FOLIO_RE.match(text):
        return text
    compact = _FOLIO_JUNTO_RE.match(text.translate(_GUIONES))
    return "-".join(compact.groups()) if compact else text


def siguiente_folio(session: Session, prefijo: str, anio: int) -> int:
    """Take the next number for ``prefijo`` and ``anio`` inside the caller's transaction.

    One INSERT ... ON CONFLICT DO UPDATE ... RETURNING: on PostgreSQL it locks the counter row
    until commit; on SQLite it takes the database write lock.
    A rollback returns the number, so folios have no gaps and no duplicates. On SQLite the
    issuers queue in ``folio_lock`` first, so each waits its turn instead of polling.
    """
    folio_lock.hold(session)
    query = _upsert(session.get_bind().dialect.name, prefijo, anio)
    return int(session.execute(query).scalar_one())


def _upsert(dialect: str, prefijo: str, anio: int) -> Executable:
    values = {"prefijo": prefijo, "anio": anio, "ultimo": 1}
    index = [FolioContador.prefijo, FolioContador.anio]
    bump = {"ultimo": FolioContador.ultimo + 1}
    # Each dialect imported where it is used: sqlalchemy.dialects.postgresql loads every
    # PostgreSQL driver's dialect (asyncpg, pg8000, psycopg2...), ~3 MiB a SQLite process
    # would otherwise hold for nothing.
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        pg = postgresql.insert(FolioContador).values(values)
        return pg.on_conflict_do_update(index_elements=index, set_=bump).returning(
            FolioContador.ultimo
        )
    if dialect == "sqlite":
        from sqlalchemy.dialects import sqlite

        lite = sqlite.insert(FolioContador).values(values)
        return lite.on_conflict_do_update(index_elements=index, set_=bump).returning(
            FolioContador.ultimo
        )
    raise RuntimeError(f"folios no soportados en {dialect}")  # pragma: no cover
