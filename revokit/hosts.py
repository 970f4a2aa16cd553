"""Whether a host is this machine's loopback: what decides that the mock may listen without a
control token, and that a client talks to it without the environment's proxies."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (``127.0.0.0/8``, ``::1``); a bare host, no port."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
