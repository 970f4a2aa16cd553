"""Express's query string parser, ``qs``: ``a[b]=1`` nests, ``a[]=1`` and repeats make lists."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .javascript import UNDEFINED

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def qs_parse(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Express's ``qs`` reading of a query string: ``a[b]=1`` nests, ``a[]=1`` and repeats make lists."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.match(key)
        parts = [key] if match is None else [match.group(1), *_SEGMENT.findall(match.group(2))]
        _assign(root, parts[:6], value)
    return root


def _assign(container: dict[str, Any] | list[Any], parts: list[str], value: str) -> None:
    head, rest = parts[0], parts[1:]
    if isinstance(container, list):
        if head == "" or (head.isdigit() and int(head) <= 20):
            if not rest:
                container.append(value)
                return
            index = int(head) if head else len(container)
            while len(container) <= index:
                container.append({})
            child = container[index]
            if not isinstance(child, dict | list):
                child = container[index] = {}
            _assign(child, rest, value)
            return
        return  # a named key inside a list: qs would turn the list into an object; not modelled
    if not rest:
        existing = container.get(head, UNDEFINED)
        if existing is UNDEFINED:
            container[head] = value
        elif isinstance(existing, list):
            existing.append(value)
        elif isinstance(existing, dict):
            existing[str(len(existing))] = value
        else:
            container[head] = [existing, value]
        return
    child = container.get(head)
    if not isinstance(child, dict | list):
        wants_list = rest[0] == "" or (rest[0].isdigit() and int(rest[0]) <= 20)
        child = [] if wants_list else {}
        if head in container:  # a scalar seen first keeps its place as element "0"
            child = [container[head]] if wants_list else {"0": container[head]}
        container[head] = child
    elif isinstance(child, list) and not (rest[0] == "" or rest[0].isdigit()):
        child = container[head] = {str(i): v for i, v in enumerate(child)}
    _assign(child, rest, value)
