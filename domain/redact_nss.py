"""Masking of IMSS NSS (``domain.nss``) in text bound for logs, however they are grouped.

>>> mask("NSS 12345678903, 12 34 56 7890 3 y 1234-5678-903; folio NA-2026-000001")
'NSS ***********, *********** y ***********; folio NA-2026-000001'
>>> mask("2026 12 34 56 7890 3 veces; número 123456789031")
'2026 *********** veces; número 123456789031'
>>> mask("GET /imss/nss?nss=12 34 56 7890 4")  # the key says what it is: no check digit needed
'GET /imss/nss?nss=***********'
"""

from __future__ import annotations

import re

from domain import nss

# An NSS is 11 digits whose last is their Luhn check digit, written whole or in groups joined by
# single spaces or hyphens, as the portal's forms take it (domain.nss.compact) and as IMSS
# prints it ("12 34 56 7890 3"); or by "+", a space in a query string.
# A run of such groups is read whole, and every stretch of whole groups holding 11 digits in it
# is tried: a year or a count next to an NSS ("2026 12 34 56 7890 3") must not hide it, and a
# match that fails its check digit must not swallow the start of the next one. A group is never
# split, so 11 digits inside a longer number are no NSS, nor is one masked in part.
# The check digit is what tells an NSS from dates, prices, folios and phone numbers: few of them
# hold 11 digits in whole groups (a date has 8, a folio NA-2026-000001 10, a Mexican phone 10 or
# 12 with its country code) and nine in ten of those that do fail it, as do most 11-digit runs a
# random id (a proxy's X-Request-ID) happens to hold. One that passes is masked: a detail lost
# from a log line, where a missed NSS would be a leak. Seven groups or more are a list of small
# numbers, not how anyone writes an NSS.
# After "?nss=" or "&nss=" the key says what it is: a first stretch of 11 digits is masked
# whatever its check digit, as the query value is when nothing breaks it up.
# Linear time: a match is tried only where a run of groups starts (and reads at most 21
# characters of one with fewer than 11 digits), and one window is slid along the run.
_RUN = re.compile(
    r"(?=[0-9])(?<![0-9])(?<![0-9][ +-])(?:[0-9][ +-]?+){10}[0-9]++(?:[ +-][0-9]++)*+"
)
_GROUP = re.compile(r"[0-9]++")
_DIGITS, _MOST_GROUPS = 11, 6
_KEYS = ("?nss=", "&nss=")


def mask(text: str) -> str:
    """``text`` with each digit of every NSS in it an asterisk (the gaps between them gone)."""
    return _RUN.sub(_masked, text)


def _masked(match: re.Match[str]) -> str:
    run, start = match.group(), match.start()
    keyed = match.string[max(start - 5, 0) : start].lower() in _KEYS
    groups = [(g.start(), g.end()) for g in _GROUP.finditer(run)]
    spans: list[tuple[int, int]] = []  # in the run, from the first digit to the last
    end = digits = 0
    for first, (begin, stop) in enumerate(groups):  # a window of whole groups, slid along
        while end < len(groups) and digits < _DIGITS:
            digits += groups[end][1] - groups[end][0]
            end += 1
        if digits == _DIGITS and end - first <= _MOST_GROUPS:
            number = "".join(run[b:e] for b, e in groups[first:end])
            if (keyed and first == 0) or nss.check_digit(number[:10]) == number[10]:
                opening = begin
                if spans and begin < spans[-1][1]:  # sharing groups with the last: one mask
                    opening = spans.pop()[0]
                spans.append((opening, groups[end - 1][1]))
        digits -= stop - begin
    if not spans:
        return run
    pieces, last = [], 0
    for begin, stop in spans:
        pieces += [run[last:begin], "*" * sum(c.isdigit() for c in run[begin:stop])]
        last = stop
    pieces.append(run[last:])
    return "".join(pieces)
