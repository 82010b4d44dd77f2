"""domain.redact: an NSS however it is grouped (as IMSS prints it, as people type it), and the
numbers that are not one."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain import nss
from domain.redact import redact

NSS = "64478000124"  # its check digit holds
WRONG = "64478000125"
GAPS = re.compile(r"[ +-]")

WRITTEN = [
    "64 47 80 0012 4",  # as IMSS prints it: 2-2-2-4-1
    "64-47-80-0012-4",
    "6447 8000 124",
    "6447-8000-124",
    "6447 80-0012 4",
    "6447800012-4",
    "64 47 80 00 12 4",
    "64+47+80+0012+4",  # a space, in a query string
]


@pytest.mark.parametrize("written", WRITTEN)
@pytest.mark.parametrize("around", ["NSS {} hoy", "nss:{}.", "({})", "a{}b", "/x/{}?y=1"])
def test_an_nss_written_in_groups_is_masked(written: str, around: str) -> None:
    masked = redact(around.format(written))
    assert masked == around.format("*" * 11)
    assert redact(masked) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # A number next to an NSS neither hides it nor is masked with it.
        ("2026 64 47 80 0012 4 veces", "2026 *********** veces"),
        ("64 47 80 0012 4 3", "*********** 3"),
        # The first 11 digits of the run fail their check digit: the NSS after "3" is still
        # tried (a pattern that took them and moved on would leave it whole).
        ("3 64 47 80 0012 4", "3 ***********"),
        # Both stretches hold a check digit: both are masked, as one.
        ("7 64 47 80 0012 4", "*" * 12),
        (f"{NSS} {NSS}", "*********** ***********"),
        ("GET /x?v=64%2047%2080%200012%204 200", "GET /x?v=*********** 200"),
    ],
)
def test_an_nss_among_other_numbers_is_masked_whole(text: str, masked: str) -> None:
    assert redact(text) == masked


@st.composite
def grouped(draw: st.DrawFn) -> str:
    """A valid NSS cut into at most six groups, each joined by a space or a hyphen."""
    first10 = draw(st.text("0123456789", min_size=10, max_size=10))
    number = first10 + nss.check_digit(first10)
    cuts = sorted(draw(st.sets(st.integers(1, 10), max_size=5)))
    parts = [number[a:b] for a, b in zip([0, *cuts], [*cuts, 11], strict=True)]
    return "".join(p + draw(st.sampled_from([" ", "-"])) for p in parts[:-1]) + parts[-1]


short_numbers = st.lists(st.text("0123456789", min_size=1, max_size=4), max_size=2)


@given(grouped(), short_numbers, short_numbers)
def test_no_digit_of_an_nss_is_left_whatever_numbers_surround_it(
    written: str, before: list[str], after: list[str]
) -> None:
    text = " ".join([*before, written, *after])
    masked = redact(f"dato {text} fin")
    assert GAPS.sub("", written) not in GAPS.sub("", masked)
    assert masked.startswith("dato ") and masked.endswith(" fin")


@pytest.mark.parametrize(
    "text",
    [
        "64 47 80 0012 5",  # an NSS with a wrong check digit, in free text
        "6447 8000 1245",  # 12 digits: 11 of them would be a group cut in two
        "2026-01-15 10:20:30, 15-01-2026 y 2026-01-15 1767225600",
        "Constancia NA-2026-000001 emitida; VI-2026-000123",
        "teléfono 55 1234 5678, +52 55 1234 5678, 01 800 123 4567, 1-800-555-0190",
        "precio $1 234 567.89, 12 345 678 pesos",
        # Eleven digits with a check digit, in seven groups or more: a list, not an NSS.
        "1 2 3 4 5 6 7 8 9 0 3",
        "12  34  56  7890  3",  # double spaces: separate numbers
    ],
)
def test_what_is_not_an_nss_is_left_alone(text: str) -> None:
    assert redact(text) == text


@pytest.mark.parametrize("value", [WRONG, "64 47 80 0012 5", "64-47-80-0012-5", "6447+8000+125"])
def test_an_nss_query_value_is_masked_whatever_its_check_digit(value: str) -> None:
    # The name says what it is: a typo of someone's NSS is theirs too.
    for line in (f"GET /imss/nss?nss={value}", f"GET /x?y=1&NSS={value}"):
        masked = redact(line)
        assert masked.endswith("nss=***") or masked.endswith("NSS=***")
        assert "0012" not in masked


def test_a_value_a_space_breaks_up_is_masked_before_the_query_ends_at_it() -> None:
    assert redact(f"GET /x?q=LOOA 531113 HTCPBN07 y {NSS}") == "GET /x?q=*** y ***********"
    assert redact("GET /x?c=64 47 80 0012 4") == "GET /x?c=***"
