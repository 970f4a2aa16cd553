"""Reading a JSON request body the way a JavaScript server would, without trusting it: a cheap depth
scan before parsing (deep nesting would exhaust the recursion of every later step), NaN and
Infinity refused, numbers that overflow a double found, lone UTF-16 surrogates found or replaced."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from typing import Any

from .validation import Violation

MAX_JSON_DEPTH = 64
LONE_SURROGATE = "the body holds a lone UTF-16 surrogate (such as \\ud800), which has no UTF-8 form"


# json.loads joins a valid escaped pair into one character: any surrogate left is lone.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _strings_of(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_of(item)


def _has_surrogate(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def has_lone_surrogate(value: Any) -> bool:
    """Whether any string (or key) in parsed JSON holds a lone surrogate (``"\\ud800"``)."""
    return any(_has_surrogate(text) for text in _strings_of(value))


def replace_lone_surrogates(value: Any) -> Any:
    """``value`` with every lone surrogate turned into U+FFFD, as a UTF-8 encoder replaces it."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {replace_lone_surrogates(k): replace_lone_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_lone_surrogates(item) for item in value]
    return value


_LONG_EXPONENT = re.compile(rb"[eE][+-]?0*\d{3}|\d{300}")


def overflowed(raw: bytes) -> bool:
    """Whether the body may hold a number beyond a double's range (a cheap test on the bytes)."""
    return _LONG_EXPONENT.search(raw) is not None


def non_finite_numbers(value: Any, path: str = "") -> list[Violation]:
    """A violation for every number in parsed JSON that overflowed to infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        return [Violation("body", path, "type", f"{path or 'body'} must be a finite number", value, "number")]
    if isinstance(value, dict):
        return [
            v for k, item in value.items() for v in non_finite_numbers(item, f"{path}.{k}" if path else k)
        ]
    if isinstance(value, list):
        return [
            v
            for i, item in enumerate(value)
            for v in non_finite_numbers(item, f"{path}.{i}" if path else str(i))
        ]
    return []


def _refuse_constant(name: str) -> Any:
    # Python's json reads NaN, Infinity and -Infinity; JSON (and JavaScript's JSON.parse) does not.
    raise ValueError(f"{name} is not valid JSON")


class JsonTooDeep(ValueError):
    """Well-formed, perhaps, but nested deeper than ``MAX_JSON_DEPTH``: not a syntax error."""


def parse_json(raw: bytes) -> Any:
    """Strict UTF-8 JSON, refused (``ValueError``) when malformed or nested deeper than
    ``MAX_JSON_DEPTH``: deep nesting would otherwise exhaust the recursion of every later step."""
    depth = deepest = 0
    in_string = escaped = False
    # Fewer brackets than the limit cannot nest deeper than it: skip the byte scan (the usual case).
    scan = raw if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH else b""
    for byte in scan:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                raise JsonTooDeep(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        elif byte in (0x5D, 0x7D):
            depth -= 1
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, RecursionError) as exc:
        raise ValueError(str(exc)) from None
