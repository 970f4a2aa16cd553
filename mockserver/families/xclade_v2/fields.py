"""Medusa v2's ``fields`` query parameter: which properties a response carries, and in which order.

``parse_fields`` turns the raw parameter into an ordered list of field paths (``title``,
``sales_channels.name``, ``sales_channels.*``) following Medusa's field parser; ``project`` then
builds a response object from a flat record dict. Pure Python, no HTTP.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

_MODIFIERS = ("-", "+", " ", "*")


def _has_modifier(entry: str) -> bool:
    return entry.startswith(_MODIFIERS) or entry.endswith(".*")


def _bare(entry: str) -> str:
    """An entry without its modifier; ``*rel`` is spelled ``rel.*``."""
    if entry.startswith("*"):
        return entry[1:].strip() + ".*"
    if entry.startswith(("-", "+", " ")):
        return entry[1:].strip()
    return entry.strip()


def _dedupe(items: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def parse_fields(raw: str | None, defaults: Sequence[str]) -> list[str]:
    """The selected field paths, in order.

    * no ``fields`` -> the defaults; an empty ``fields`` -> nothing but ``id``;
    * an entry without a modifier anywhere -> the listed fields replace the defaults;
    * otherwise ``+f`` (or `` f``: a URL ``+`` decodes to a space) adds ``f``, ``-f`` removes ``f``
      and every ``f.*`` sub-field, ``*rel`` / ``rel.*`` selects every field of a relation;
    * whenever ``fields`` is present, ``id`` is added back (last, unless already selected).
    """
    if raw is None:
        return list(defaults)
    entries = [e for e in raw.split(",") if e.strip()]
    if not entries or any(not _has_modifier(e) for e in entries):
        selected = _dedupe([_bare(e) for e in entries])
    else:
        selected = list(defaults)
        for entry in entries:
            name = _bare(entry)
            if entry.startswith("-"):
                selected = [f for f in selected if f != name and not f.startswith(name + ".")]
            else:
                selected.append(name)
        selected = _dedupe(selected)
    if "id" not in selected:
        selected.append("id")
    return selected


def project(
    record: Mapping[str, Any],
    selected: Sequence[str],
    scalars: Sequence[str],
    relations: Mapping[str, tuple[Sequence[str], list[Mapping[str, Any]]]] | None = None,
) -> dict[str, Any]:
    """One response object: the selected scalar fields in selection order, then the relations.

    ``scalars`` are the fields a client may select (anything else is silently ignored, as Medusa
    ignores unknown fields). ``relations`` maps a relation name to (its selectable fields, its
    related objects as flat dicts). A bare relation name selects all of its fields.
    """
    relations = relations or {}
    allowed = set(scalars)
    out: dict[str, Any] = {}
    wanted: dict[str, list[str]] = {}
    for path in selected:
        head, dot, rest = path.partition(".")
        if head in relations:
            subfields, _ = relations[head]
            names = wanted.setdefault(head, [])
            if not dot or rest == "*":
                names.extend(subfields)
            elif rest in subfields:
                names.append(rest)
        elif not dot and head in allowed:
            out[head] = record[head]
    for name, subnames in wanted.items():
        subnames = _dedupe(subnames)
        if not subnames:
            continue
        _, items = relations[name]
        out[name] = [{f: item[f] for f in subnames} for item in items]
    return out
