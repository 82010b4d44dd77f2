"""One mailbox, one key, however its address was typed (the NSS lookup's per-mailbox budget)."""

from __future__ import annotations

import unicodedata

import pytest

from domain.buzones import buzon

NFD = unicodedata.normalize("NFD", "josé")


@pytest.mark.parametrize(
    "typed",
    [
        "josé@bücher.example.org",
        f"{NFD}@bücher.example.org",  # the accent as a separate mark
        "josé@xn--bcher-kva.example.org",  # the domain in punycode
        "JOSÉ@BÜCHER.Example.ORG",  # capitals
        f"josé@{unicodedata.normalize('NFD', 'bücher')}.example.org",
        "josé+nss@XN--BCHER-KVA.example.org",  # a subaddress
        "  josé@ｂüｃｈｅｒ.example.org ",  # full-width letters, spaces around
    ],
)
def test_every_way_of_typing_one_mailbox_is_one_key(typed: str) -> None:
    assert buzon(typed) == "josé@xn--bcher-kva.example.org"


def test_different_mailboxes_stay_apart() -> None:
    keys = {
        buzon(a)
        for a in ("jose@bücher.example.org", "josé@bucher.example.org", "josé@bücher.example.com")
    }
    assert len(keys) == 3


def test_a_domain_idna_refuses_is_kept_folded() -> None:
    assert buzon("Ana@Under_Score.Example") == "ana@under_score.example"
