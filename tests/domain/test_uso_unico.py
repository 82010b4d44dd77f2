"""One-time values: spent with the transaction that pays for them, and only once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from domain import uso_unico

EXPIRA = dt.datetime(2026, 11, 27, 12, 0, tzinfo=dt.UTC)


def test_a_value_is_spent_with_its_transaction_and_only_once(session: Session) -> None:
    assert uso_unico.apartar(session, "reenvio:abc", EXPIRA)
    session.rollback()  # what it paid for failed: the value stays unspent
    assert not uso_unico.usado(session, "reenvio:abc")
    assert uso_unico.apartar(session, "reenvio:abc", EXPIRA)
    session.commit()
    assert uso_unico.usado(session, "reenvio:abc")
    assert not uso_unico.apartar(session, "reenvio:abc", EXPIRA)
    assert uso_unico.apartar(session, "reenvio:otro", EXPIRA)
