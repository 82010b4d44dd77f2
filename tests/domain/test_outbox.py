"""The outbox without Flask: building messages, claiming, backoff, concurrency. The SMTP
transport on its own: tests/domain/test_smtp_transport.py."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker

from domain import mailer, mailer_transport, outbox
from domain.models import Correo
from domain.settings import Settings
from tests.smtp import SmtpServer, free_port, serving

NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
SENDER = "Derechohabiencia <no-responder@portal.example>"


@pytest.fixture
def factory(database_url: str) -> Iterator[sessionmaker[Session]]:
    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    args = {"timeout": 30} if url.startswith("sqlite") else {}
    engine = sa.create_engine(url, connect_args=args)
    yield sessionmaker(engine)
    engine.dispose()


def settings_for(smtp: SmtpServer | None = None, port: int | None = None) -> Settings:
    base = Settings.from_env({"SECRET_KEY": "x"}, Path("/nonexistent"))
    return replace(
        base,
        mail_server="127.0.0.1",
        mail_port=port or (smtp.port if smtp else free_port()),
        mail_default_sender=SENDER,
    )


def message(to: str = "juana@example.org", n: int = 0) -> Any:
    return mailer.build_message(
        sender=SENDER,
        to=to,
        subject=f"Aviso {n}: tu constancia está lista",
        text=f"Hola:\n\nDescárgala en https://portal.example/c/{n}\n",
        html=f'<p>Descárgala en <a href="https://portal.example/c/{n}">https://portal.example/c/{n}</a></p>',
        message_id=mailer.new_message_id("portal.example", NOW),
        now=NOW,
        attachments=[("constancia.pdf", "application/pdf", b"%PDF-1.4 \x00\xff")],
    )


def queue_many(factory: sessionmaker[Session], count: int, to: str = "juana@example.org") -> None:
    with factory() as session:
        for n in range(count):
            outbox.queue(session, message(to, n), NOW)
        session.commit()


def all_rows(factory: sessionmaker[Session]) -> list[Correo]:
    with factory() as session:
        return list(session.scalars(sa.select(Correo).order_by(Correo.id)))


class Recording:
    """A transport that remembers what it sent and can fail on demand."""

    def __init__(self, fail: Exception | None = None) -> None:
        self.sent: list[str] = []
        self.fail = fail
        self.lock = threading.Lock()

    def send(self, to: str, message: bytes, message_id: str) -> None:
        if self.fail:
            raise self.fail
        with self.lock:
            self.sent.append(message_id)


def test_message_has_id_date_text_html_and_attachment() -> None:
    built = mailer.parse_message(mailer.message_bytes(message()))
    assert built["Message-ID"].endswith("@portal.example>")
    assert built["Date"] == "Thu, 26 Nov 2026 12:00:00 +0000"
    assert built["Auto-Submitted"] == "auto-generated"
    assert built.get_content_type() == "multipart/mixed"
    assert "https://portal.example/c/0" in built.get_body(("plain",)).get_content()
    assert "<a href=" in built.get_body(("html",)).get_content()
    [pdf] = built.iter_attachments()
    assert pdf.get_content() == b"%PDF-1.4 \x00\xff"
    assert mailer.message_bytes(message()).isascii()  # 7-bit clean for any relay


def test_header_injection_is_refused() -> None:
    with pytest.raises(ValueError):
        message(to="juana@example.org\r\nBcc: todos@example.org")


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("juana.perez@example.org", "j***@example.org"),
        ("J@example.org", "J***@example.org"),
        ("", "***"),
        ("sin-arroba", "***"),
        ("@example.org", "***"),
    ],
)
def test_mask_email(address: str, masked: str) -> None:
    assert outbox.mask_email(address) == masked


def test_backoff_doubles_up_to_an_hour() -> None:
    waits = [outbox.backoff(n) for n in range(1, outbox.MAX_ATTEMPTS + 1)]
    assert waits[0] == dt.timedelta(seconds=30)
    assert all(b >= a for a, b in itertools.pairwise(waits))
    assert max(waits) == dt.timedelta(hours=1)
    assert outbox.backoff(10_000) == dt.timedelta(hours=1)


def test_file_transport_names_the_file_after_the_message_id(tmp_path: Path) -> None:
    transport = mailer_transport.FileTransport(tmp_path / "outbox")
    built = message()
    transport.send("juana@example.org", mailer.message_bytes(built), built["Message-ID"])
    transport.send("juana@example.org", mailer.message_bytes(built), built["Message-ID"])
    [eml] = (tmp_path / "outbox").iterdir()  # a retry overwrites: still one file
    assert eml.name == mailer_transport.file_stem(built["Message-ID"]) + ".eml"
    assert eml.read_bytes() == mailer.message_bytes(built)


def test_deliver_pending_sends_each_due_message_once(factory: sessionmaker[Session]) -> None:
    queue_many(factory, 3)
    transport = Recording()
    report = outbox.deliver_pending(factory, transport, NOW, limit=10)
    assert (report.sent, report.failed, report.pending) == (3, 0, 0)
    assert outbox.deliver_pending(factory, transport, NOW, limit=10).sent == 0
    assert len(set(transport.sent)) == len(transport.sent) == 3
    assert all(row.enviado and row.enviado_en for row in all_rows(factory))


def test_limit_and_not_yet_due(factory: sessionmaker[Session]) -> None:
    queue_many(factory, 3)
    early = NOW - dt.timedelta(seconds=1)
    assert outbox.deliver_pending(factory, Recording(), early, limit=10).sent == 0
    report = outbox.deliver_pending(factory, Recording(), NOW, limit=2)
    assert (report.sent, report.pending) == (2, 1)


def test_failure_backs_off_then_gives_up(factory: sessionmaker[Session]) -> None:
    queue_many(factory, 1)
    down = Recording(fail=ConnectionRefusedError(111, "Connection refused"))
    now = NOW
    for attempt in range(1, outbox.MAX_ATTEMPTS + 1):
        started = time.monotonic()
        report = outbox.deliver_pending(factory, down, now, limit=10)
        run = dt.timedelta(seconds=time.monotonic() - started)
        [row] = all_rows(factory)
        assert row.intentos == attempt and "ConnectionRefusedError" in (row.ultimo_error or "")
        # The wait counts from the failure: `now` moved on by this run's own time, however long.
        due = row.siguiente_intento.replace(tzinfo=dt.UTC)
        assert now + outbox.backoff(attempt) <= due <= now + outbox.backoff(attempt) + run
        # Nothing happens before the retry is due.
        assert outbox.deliver_pending(factory, down, due - dt.timedelta(seconds=1)).failed == 0
        now = due
    assert report.abandoned == 1 and report.pending == 0
    assert outbox.deliver_pending(factory, Recording(), now + dt.timedelta(days=1)).sent == 0


def test_permanent_refusal_is_abandoned_at_once(factory: sessionmaker[Session]) -> None:
    queue_many(factory, 1)
    refused = Recording(
        fail=mailer_transport.DeliveryError("SMTP 550 <juana@example.org>", permanent=True)
    )
    report = outbox.deliver_pending(factory, refused, NOW)
    assert report.abandoned == 1
    [row] = all_rows(factory)
    assert row.intentos == outbox.REFUSED and row.ultimo_error == "SMTP 550 <j***@example.org>"


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


def test_an_unexpected_error_is_kept_without_the_address(
    factory: sessionmaker[Session], caplog: pytest.LogCaptureFixture
) -> None:
    queue_many(factory, 1)
    broken = Recording(fail=RuntimeError("sin buzón para juana@example.org"))
    assert outbox.deliver_pending(factory, broken, NOW).retrying == 1
    [row] = all_rows(factory)
    assert row.ultimo_error == "RuntimeError('sin buzón para j***@example.org')"
    assert "juana@" not in caplog.text


def test_a_database_that_cannot_be_reached_ends_the_run_at_the_first_claim(
    tmp_path: Path,
) -> None:
    # Not a claim lost to another worker: counted as one, each of the run's hundred claims
    # waited for the database again (a TCP timeout each on a host that does not answer).
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'no-existe' / 'base.sqlite3'}")
    tries: list[object] = []
    sa.event.listen(engine, "do_connect", lambda *args: tries.append(args))
    with pytest.raises(sa.exc.OperationalError):
        outbox.deliver_pending(sessionmaker(engine), Recording(), NOW)
    engine.dispose()
    assert len(tries) == 1


class RefusingOne:
    """Fails for one recipient, delivers to the others."""

    def __init__(self, refused: str) -> None:
        self.refused = refused
        self.sent: list[str] = []

    def send(self, to: str, message: bytes, message_id: str) -> None:
        if to == self.refused:
            raise ConnectionRefusedError(111, "Connection refused")
        self.sent.append(to)


def test_retry_brings_back_only_what_was_never_delivered(factory: sessionmaker[Session]) -> None:
    queue_many(factory, 1, to="juana@example.org")
    queue_many(factory, 1, to="pedro@example.org")
    now, down = NOW, Recording(fail=ConnectionRefusedError(111, "Connection refused"))
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        assert outbox.deliver_pending(factory, down, now).retrying == 2
        now += outbox.LONGEST_WAIT + dt.timedelta(minutes=1)
    # The last attempt: Pedro's message goes out, Juana's runs out of attempts.
    report = outbox.deliver_pending(factory, RefusingOne("juana@example.org"), now)
    assert (report.sent, report.abandoned) == (1, 1)
    with factory() as session:
        assert outbox.requeue_abandoned(session, now) == 1  # what the operator is told
    transport = Recording()
    assert outbox.deliver_pending(factory, transport, now).sent == 1
    assert [row.enviado for row in all_rows(factory)] == [True, True]


class RefusingData:
    """Takes every recipient, then refuses the message itself: too big for good, or busy."""

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if envelope.rcpt_tos[0].startswith("grande"):
            return "554 5.3.4 Message too big for system"
        return "451 4.3.0 Intenta más tarde"


def test_a_message_refused_after_data_is_abandoned_if_5xx_and_retried_if_4xx(
    factory: sessionmaker[Session], smtp_server: SmtpServer
) -> None:
    queue_many(factory, 1, to="grande@example.org")
    queue_many(factory, 1, to="juana@example.org")
    with serving(RefusingData()) as port:
        transport = mailer_transport.SmtpTransport(settings_for(port=port))
        report = outbox.deliver_pending(factory, transport, NOW)
    assert (report.abandoned, report.retrying, report.pending) == (1, 1, 1)
    too_big, busy = all_rows(factory)
    assert too_big.intentos == outbox.REFUSED and "SMTP 554" in (too_big.ultimo_error or "")
    assert busy.intentos == 1 and "SMTP 451" in (busy.ultimo_error or "")
    later = NOW + dt.timedelta(hours=1)
    report = outbox.deliver_pending(factory, outbox.SmtpTransport(settings_for(smtp_server)), later)
    assert (report.sent, report.pending) == (1, 0)
    assert [m["To"] for m in smtp_server.wait_for(1)] == ["juana@example.org"]


def test_message_ids_sort_by_time_within_a_second() -> None:
    # The demo outbox lists the newest first by file name: a link asked for again within the
    # same second must come above the first one, which it made useless.
    moments = [NOW + dt.timedelta(microseconds=n) for n in range(20)]
    stems = [
        mailer_transport.file_stem(mailer.new_message_id("portal.example", m)) for m in moments
    ]
    assert sorted(stems) == stems
