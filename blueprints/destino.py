"""Where a redirect may send someone after a language switch or a sign-in."""

from __future__ import annotations

from urllib.parse import urlsplit


def destino_seguro(target: str | None, default: str = "/oficina") -> str:
    """Only a path on this site: an open redirect would lend our domain to phishing."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(c) < 32 for c in target):
        return default
    return target
