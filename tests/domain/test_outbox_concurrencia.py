"""The outbox with more than one delivery worker: a message claimed by one is never sent by
another, whatever the timing."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from domain import outbox
from tests.domain.outbox_helpers import (
    NOW,
    Recording,
    all_rows,
    queue_many,
    sessions_on,
    settings_for,
)
from tests.smtp import SmtpServer


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    yield from sessions_on(database_url)


class Holding:
    """A transport that, once it starts sending, waits until the test lets it go."""

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.sending = threading.Event()
        self.let_go = threading.Event()

    def send(self, to: str, message: bytes, message_id: str) -> None:
        self.sending.set()
        if self.let_go.wait(30):
            self.sent.append(message_id)


def test_a_claimed_message_is_not_sent_by_another_worker(factory: sessionmaker[Session]) -> None:
    queue_many(factory, 1)
    first = Holding()
    worker = threading.Thread(target=outbox.deliver_pending, args=(factory, first, NOW))
    worker.start()
    try:
        assert first.sending.wait(30)  # the first worker holds the lease and is mid-send
        second = Recording()
        report = outbox.deliver_pending(factory, second, NOW + dt.timedelta(minutes=5))
    finally:
        first.let_go.set()
        worker.join(30)
    assert second.sent == [] and report == outbox.DeliveryReport(pending=1)
    assert len(first.sent) == 1 and all(row.enviado for row in all_rows(factory))


def test_two_concurrent_workers_never_send_a_message_twice(
    factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    queue_many(factory, 30)
    transport = outbox.SmtpTransport(settings_for(smtp_server))
    reports: list[outbox.DeliveryReport] = []
    start = threading.Barrier(2)

    def work() -> None:
        start.wait()
        reports.append(outbox.deliver_pending(factory, transport, NOW, limit=100))

    workers = [threading.Thread(target=work) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    # Both runs are over, so every message either sent is already stored: the server keeps a
    # message before it answers 250, and a run ends only after its last 250. Nothing is late.
    assert not any(worker.is_alive() for worker in workers)
    smtp_server.wait_for(30)
    counts = Counter(smtp_server.message_ids())
    assert len(counts) == 30 and set(counts.values()) == {1}
    assert sum(r.sent for r in reports) == 30
    assert all(row.enviado and row.intentos == 1 for row in all_rows(factory))


def test_a_worker_that_read_a_message_just_before_another_claimed_it_leaves_it(
    factory: sessionmaker[Session],
) -> None:
    # The race the concurrent test above meets only now and then, made to happen every time:
    # our worker has read the message as due, and before it claims it a rival claims it and
    # starts sending. Ours must see the claim is gone, not send it a second time.
    queue_many(factory, 1)
    rival = Holding()
    rival_run = threading.Thread(target=outbox.deliver_pending, args=(factory, rival, NOW))
    ours = sessionmaker(factory.kw["bind"])

    def rival_claims_first(state: ORMExecuteState) -> None:
        if state.is_update and not rival_run.ident:
            rival_run.start()
            # PostgreSQL: our row lock makes the rival skip the message; SQLite: it takes it.
            while rival_run.is_alive() and not rival.sending.wait(0.05):
                pass

    sa.event.listen(ours, "do_orm_execute", rival_claims_first)
    mine = Recording()
    try:
        outbox.deliver_pending(ours, mine, NOW)
    finally:
        rival.let_go.set()
        rival_run.join(30)
    assert rival_run.ident and len(mine.sent) + len(rival.sent) == 1
    assert all(row.enviado and row.intentos == 1 for row in all_rows(factory))
