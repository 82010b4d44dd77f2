"""Masking runs on every log line, so crafted input must not make it slow: each pattern reads a
bounded stretch from each place it may start (a local part's 64 characters, 16 words), never to
the end of the line. A quadratic pattern takes tens of seconds on these 32 KB lines (the email
pattern of the previous session took 1.2 s on 8 KB of quotes); a linear one, milliseconds."""

import time

import pytest

from domain import nss
from domain.redact import redact

SIZE = 32_000


@pytest.mark.parametrize(
    "unit",
    [
        *['"', 'x"', "a@[", "'", "a", ".a", '"a".', 'a."', "%22", "a.", "1", "ana@"],
        # Runs of digit groups, any stretch of which may be an NSS; quotes after "=".
        *["1 ", "1-", "1+", "1%20", "12 34 56 7890 3 ", "1234-5678-903-", "&nss=1 "],
        *['="', '="a".', '="a=".', '?email="', '?email="a".'],
    ],
)
def test_crafted_lines_are_masked_in_linear_time(unit: str) -> None:
    line = unit * (SIZE // len(unit)) + " @example.org"
    started = time.perf_counter()
    redact(line)
    assert time.perf_counter() - started < 2.0


def test_a_quoted_key_before_an_address_is_kept() -> None:
    assert redact('{"email":"ana@example.org"}') == '{"email":"a***@example.org"}'


def test_only_an_nss_with_its_check_digit_is_masked() -> None:
    # Nine in ten 11-digit runs in random ids (a proxy's X-Request-ID) fail the Luhn check.
    good = "6447800012" + nss.check_digit("6447800012")
    bad = "6447800012" + str((int(good[-1]) + 1) % 10)
    assert redact(f"nss {good}") == "nss ***********"
    assert redact(f"id {bad}") == f"id {bad}"


@pytest.mark.parametrize(
    ("line", "masked"),
    [
        (
            "GET /cuenta/recuperar?utm_source=newsletter&utm_medium=email&utm_campaign=alta"
            "&to=ana@example.org",
            "GET /***@example.org",
        ),
        ("reply_to=maria.fernanda.gonzalez.hernandez.de.la.cruz@example.org", "r***@example.org"),
        ("a" * 65 + "@example.org", "a***@example.org"),
        ("''''ana@example.org", "''''a***@example.org"),
    ],
)
def test_long_runs_before_an_address_are_masked_whole(line: str, masked: str) -> None:
    # A bound on how far a start may read must not leave a long local part (or the URL run an
    # address ends) unmasked: runs are read once from where they start, however long.
    assert redact(line) == masked


def test_quoted_words_full_of_escaped_quotes_stay_fast() -> None:
    line = ('"' + '\\"' * 64 + '".') * 500 + "@x"
    started = time.perf_counter()
    redact(line)
    assert time.perf_counter() - started < 2.0
