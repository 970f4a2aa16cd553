"""Reading the JSON bodies of control-plane routes that families serve (``POST /__revokit/revoke-keys``).

No Flask here: a family's ``responses.py`` turns a control body into domain values with these
helpers and raises ``BadControlInput`` for a body it cannot read; the control plane answers that
with its own 400 (``{"error", "message"}``), while the family's domain errors keep the family's body.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any


class BadControlInput(ValueError):
    """A control body that does not say what the route needs; the message names the field."""


def fields_of(value: Any, where: str, allowed: Collection[str]) -> Mapping[str, Any]:
    """``value`` as an object whose keys are all among ``allowed``."""
    if not isinstance(value, Mapping):
        raise BadControlInput(f"'{where}' must be an object")
    unknown = [name for name in value if name not in allowed]
    if unknown:
        raise BadControlInput(
            f"'{where}' has unknown fields {', '.join(map(repr, unknown))}; known: {', '.join(allowed)}"
        )
    return value


def string_list(value: Any, where: str) -> tuple[str, ...]:
    """One string or a list of strings, as a tuple (``"a"`` -> ``("a",)``)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise BadControlInput(f"'{where}' must be a string or a list of strings")
    return tuple(items)


def optional_string(value: Any, where: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise BadControlInput(f"'{where}' must be a string")
    return value


def optional_seconds(value: Any, where: str) -> float | None:
    """A finite number of seconds, or ``None``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BadControlInput(f"'{where}' must be a finite number of seconds")
    return float(value)
