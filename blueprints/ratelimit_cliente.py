"""Whose budget a request spends (``blueprints.ratelimit``'s default key)."""

from __future__ import annotations

import ipaddress

from flask import request


def remote_address() -> str:
    """Whose budget a request spends: the client's IPv4 address, or its IPv6 /64.

    Behind ProxyFix this is the client's address, as the edge proxy passed it on. One IPv6
    subscriber is given a whole /64 (RFC 6177) and may use any address in it: counted one
    address at a time, a single client would have 2**64 budgets.
    """
    address = request.remote_addr or "127.0.0.1"
    return prefix_64(address) if ":" in address else address


def prefix_64(address: str) -> str:
    try:
        ip = ipaddress.IPv6Address(address)
    except ValueError:  # not an address (a proxy passing on junk): counted as it came
        return address
    if ip.ipv4_mapped:  # ::ffff:1.2.3.4 from a dual-stack proxy is that IPv4 client
        return str(ip.ipv4_mapped)
    return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
