"""JavaScript's own semantics where a Medusa answer depends on them: ``Number()``, ``Date.parse``,
``parseInt``, ``String()``, ``Object.keys`` order, and the ``undefined`` value."""

from __future__ import annotations

import email.utils
import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any


class _Undefined:
    def __repr__(self) -> str:
        return "undefined"


UNDEFINED: Any = _Undefined()
# ``new Date(NaN)``: what a date transform gives for text it cannot read.
INVALID_DATE: Any = type("InvalidDate", (), {"__repr__": lambda self: "Invalid Date"})()

# Unambiguous (no two ways to split a digit run), so a long run of digits fails in linear time.
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_RADIX = {"0x": 16, "0o": 8, "0b": 2}


def js_number(text: str) -> float:
    """``Number(text)`` for a string."""
    value = text.strip()
    if value == "":
        return 0.0
    if _DECIMAL.fullmatch(value):
        return float(value)
    prefix = value[:2].lower()
    if prefix in _RADIX:
        try:
            return float(int(value[2:], _RADIX[prefix]))
        except ValueError:
            return math.nan
    if value in ("Infinity", "+Infinity"):
        return math.inf
    if value == "-Infinity":
        return -math.inf
    return math.nan


_ISO_DATE = re.compile(
    r"(?P<y>[+-]\d{6}|\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?"
    r"(?:[T ](?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.(?P<f>\d+))?)?"
    r"(?P<z>Z|[+-]\d{2}:?\d{2})?)?"
)


def js_date(text: str) -> datetime | None:
    """``Date.parse`` for the forms a client sends: ISO 8601 dates and times, or RFC 2822."""
    match = _ISO_DATE.fullmatch(text.strip())
    if match:
        g = match.groupdict()
        try:
            moment = datetime(
                int(g["y"]),
                int(g["m"] or 1),
                int(g["d"] or 1),
                int(g["H"] or 0),
                int(g["M"] or 0),
                int(g["S"] or 0),
                int((g["f"] or "0")[:6].ljust(6, "0")),
                tzinfo=UTC,
            )
        except ValueError:
            return None
        zone = g["z"]
        if zone and zone != "Z":
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            offset = sign * (int(digits[:2]) * 60 + int(digits[2:]))
            moment -= timedelta(minutes=offset)
        return moment
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


_ARRAY_INDEX = re.compile(r"0|[1-9]\d*")


def js_keys(obj: dict[str, Any]) -> list[str]:
    """``Object.keys`` order: array-index-like keys ascending first, then insertion order."""
    indexes = sorted((k for k in obj if _ARRAY_INDEX.fullmatch(k) and int(k) < 2**32 - 1), key=int)
    return [*indexes, *(k for k in obj if k not in indexes)]


_JS_INT = re.compile(r"[\s\ufeff]*([+-]?)(0[xX][0-9a-fA-F]+|[0-9]+)")


def js_parse_int(text: str) -> int | float | None:
    """JavaScript's ``parseInt(text)``: leading blanks, a sign, then the longest run of digits
    (hexadecimal after ``0x``); ``None`` where it gives NaN. The result is the Number JavaScript
    holds (see ``js_integer``): 9007199254740993 reads as 9007199254740992."""
    match = _JS_INT.match(text)
    if match is None:
        return None
    sign, digits = match.groups()
    value = int(digits, 16) if digits[:2].lower() == "0x" else int(digits)
    return js_integer(-value if sign == "-" else value)


def js_value(number: float) -> int | float:
    """A Number as a Python value that JSON prints the way JSON.stringify does: integral ones below
    1e21 as ints (``100``, and ``0`` for -0), the others as floats (``0.5``, ``1e+21``)."""
    if number.is_integer() and abs(number) < 1e21:
        return int(number)
    return number


def js_integer(value: int) -> int | float:
    """The Number (a double) JavaScript holds for the integer ``value``, as a Python value that
    JSON prints the way JSON.stringify does: an int below 1e21 (rounded to the nearest double),
    a float from there on (``1e+23``), an infinity past the double range."""
    try:
        number = float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf
    return int(number) if abs(number) < 1e21 else number


def js_string(value: Any) -> str:
    """``String(value)`` in JavaScript, which is how the zod helpers print a received value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _number_string(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return ",".join("" if v is None else js_string(v) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def _number_string(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == int(value) and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)
    if "e" in text:
        mantissa, exponent = text.split("e")
        sign = "-" if exponent.startswith("-") else "+"
        text = f"{mantissa}e{sign}{int(exponent.lstrip('+-'))}"
    return text
