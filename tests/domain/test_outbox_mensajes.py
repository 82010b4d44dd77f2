"""Messages as the outbox stores them: headers, body and attachment, and the demo outbox's
file names. The delivery runs: test_outbox.py; masked addresses: test_mascaras.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from domain import mailer, mailer_transport
from tests.domain.outbox_helpers import NOW, message


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


def test_file_transport_names_the_file_after_the_message_id(tmp_path: Path) -> None:
    transport = mailer_transport.FileTransport(tmp_path / "outbox")
    built = message()
    transport.send("juana@example.org", mailer.message_bytes(built), built["Message-ID"])
    transport.send("juana@example.org", mailer.message_bytes(built), built["Message-ID"])
    [eml] = (tmp_path / "outbox").iterdir()  # a retry overwrites: still one file
    assert eml.name == mailer_transport.file_stem(built["Message-ID"]) + ".eml"
    assert eml.read_bytes() == mailer.message_bytes(built)


def test_message_ids_sort_by_time_within_a_second() -> None:
    # The demo outbox lists the newest first by file name: a link asked for again within the
    # same second must come above the first one, which it made useless.
    moments = [NOW + dt.timedelta(microseconds=n) for n in range(20)]
    stems = [
        mailer_transport.file_stem(mailer.new_message_id("portal.example", m)) for m in moments
    ]
    assert sorted(stems) == stems
