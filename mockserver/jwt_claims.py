"""Claim checks every family's JWT verification shares, judged by the mock's clock."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any


def not_yet_valid(claims: Mapping[str, Any], now_seconds: float) -> bool:
    """jsonwebtoken's ``nbf`` rule: a present ``nbf`` must be a number no later than now (whole
    seconds). PyJWT would judge it by the wall clock; tests move the mock's clock instead."""
    if "nbf" not in claims:
        return False
    nbf = claims["nbf"]
    if isinstance(nbf, bool) or not isinstance(nbf, int | float) or not math.isfinite(nbf):
        return True  # "invalid nbf value"
    return nbf > math.floor(now_seconds)
