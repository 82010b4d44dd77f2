"""The masks of one value (domain.mascaras): the edge cases; its doctests show the usual ones."""

from __future__ import annotations

import pytest

from domain import mascaras


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
    assert mascaras.mask_email(address) == masked
