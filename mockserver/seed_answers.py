"""Seed answers: routes whose answer is plain data, served by one handler built from a fixture.

A frontend calls many routes around the ones a mock is about (the store, currencies, feature
flags, empty lists of orders...). Their answers in a fresh real system are data, so they live in
``fixtures/<family>-answers.yaml`` keyed by the spec's ``operationId``, and ``seed_answer_handlers``
turns that file into handlers. Three kinds of answer:

* ``body``: sent as it is;
* ``list``: a page of ``items`` in the family's list envelope (``{<list>: [...], count, offset,
  limit}``), narrowed by the request's ``filters`` (exact match, one value or several), ``q``
  (substring of the ``search`` fields), sorted by ``order`` (one of the listed fields, ``-`` for
  descending) and cut down by ``fields`` (top-level field selection);
* ``item``: one item of the list answer named by ``of``, found by the path parameter ``key``
  (``id`` unless told, ``lowercase`` first if asked), under that name; a miss is the family's 404
  named by ``not_found`` (an entry of the family's message catalogue), or ``{}`` when the profile flag ``not_found_empty_flag`` is on.

A string ``"${name}"`` anywhere in the data is replaced by ``refs(backend)[name]``: seeded values
the family generates, such as the id of its default sales channel.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .engine import Call, Handler, Reply

_REF = re.compile(r"^\$\{([a-z_]+)\}$")
Refs = Callable[[Any], Mapping[str, Any]]
# ``paging(backend, call, default_limit)``: the offset and limit the answer echoes, and the slice of
# the items the page holds (a release may leave a value out of its query but still echo it).
Paging = Callable[[Any, Call, int], tuple[Any, Any, slice]]
# The family's error for a catalogue entry: ``error(entry_name, **placeholders)``.
ErrorFor = Callable[..., Exception]
_OPTIONS = {
    "body", "list", "items", "default_limit", "filters", "search", "order",
    "item", "of", "key", "lowercase", "not_found", "not_found_empty_flag",
}  # fmt: skip


def _validated_paging(backend: Any, call: Call, default_limit: int) -> tuple[int, int, slice]:
    offset = call.query.get("offset", 0) if "offset" in call.raw_query else 0
    limit = call.query.get("limit") if "limit" in call.raw_query else default_limit
    return offset, limit, slice(offset, offset + limit)


@dataclass(frozen=True)
class SeedAnswer:
    body: Any = None
    list: str | None = None  # key of the items in a list answer
    items: tuple[Any, ...] = ()
    default_limit: int = 20
    filters: tuple[str, ...] = ()
    search: tuple[str, ...] = ()
    order: tuple[str, ...] = ()
    item: str | None = None  # key of the one item in an item answer
    of: str | None = None  # operationId of the list answer holding the items
    key: str = "id"
    lowercase: bool = False
    not_found: str = ""
    not_found_empty_flag: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_fixture(cls, entry: Mapping[str, Any]) -> SeedAnswer:
        unknown = set(entry) - _OPTIONS
        if (
            unknown
            or sum(k in entry for k in ("body", "list", "item")) != 1
            or ("item" in entry) != ("of" in entry)
        ):
            raise ValueError(
                f"a seed answer has one of `body`, `list` or `item` (and its options): {dict(entry)}"
            )
        return cls(
            body=entry.get("body"),
            list=entry.get("list"),
            items=tuple(entry.get("items") or ()),
            default_limit=int(entry.get("default_limit", 20)),
            filters=tuple(entry.get("filters") or ()),
            search=tuple(entry.get("search") or ()),
            order=tuple(entry.get("order") or ()),
            item=entry.get("item"),
            of=entry.get("of"),
            key=entry.get("key", "id"),
            lowercase=bool(entry.get("lowercase", False)),
            not_found=entry.get("not_found", ""),
            not_found_empty_flag=entry.get("not_found_empty_flag"),
        )


def resolve(data: Any, refs: Mapping[str, Any]) -> Any:
    """``data`` with every ``"${name}"`` string replaced by ``refs[name]``."""
    if isinstance(data, str):
        match = _REF.match(data)
        return refs[match.group(1)] if match else data
    if isinstance(data, Mapping):
        return {k: resolve(v, refs) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [resolve(v, refs) for v in data]
    return data


def _values(call: Call, name: str) -> list[str]:
    """``name=a``, ``name=a&name=b``, ``name[]=a`` or ``name[0]=a`` (qs syntax) as a list."""
    values: list[str] = []
    for raw_name, raw_values in call.raw_query.lists():
        base, bracket, rest = raw_name.partition("[")
        if base == name and (not bracket or rest == "]" or rest[:-1].isdigit()):
            values.extend(raw_values)
    return values


def _selected(item: Mapping[str, Any], fields: str) -> dict[str, Any]:
    names = [f.strip() for f in fields.split(",") if f.strip()]
    plain = [n for n in names if n[0] not in "+-*"]
    if not plain:  # only additions, removals or relations: the default fields, minus removals
        removed = {n[1:] for n in names if n.startswith("-")}
        return {k: v for k, v in item.items() if k not in removed}
    return {k: item[k] for k in plain if k in item}


def _sorted(answer: SeedAnswer, call: Call, items: list[Any], invalid: ErrorFor | None) -> list[Any]:
    order = call.raw_query.get("order") or ""
    name = order.removeprefix("-")
    if not name or not answer.order:
        return items
    if name not in answer.order:
        if invalid is None:
            return items
        raise invalid("invalid_order_field", name=name)
    present = [i for i in items if i.get(name) is not None]
    absent = [i for i in items if i.get(name) is None]  # NULLs sort last ascending, first descending
    present.sort(key=lambda i: i[name], reverse=order.startswith("-"))
    return absent + present if order.startswith("-") else present + absent


def _page(
    answer: SeedAnswer, backend: Any, call: Call, items: list[Any], paging: Paging, invalid: ErrorFor | None
) -> dict[str, Any]:
    for name in answer.filters:
        wanted = _values(call, name)
        if wanted:
            items = [i for i in items if str(i.get(name)) in wanted]
    needle = (call.raw_query.get("q") or "").lower()
    if needle and answer.search:
        items = [i for i in items if any(needle in str(i.get(f) or "").lower() for f in answer.search)]
    items = _sorted(answer, call, items, invalid)
    offset, limit, rows = paging(backend, call, answer.default_limit)
    page = items[rows]
    fields = call.raw_query.get("fields")
    if fields:
        page = [_selected(i, fields) for i in page]
    return {answer.list: page, "count": len(items), "offset": offset, "limit": limit}


def _one(answer: SeedAnswer, call: Call, items: list[Any], backend: Any, not_found: ErrorFor | None) -> Any:
    wanted = call.path[answer.key]
    if answer.lowercase:
        wanted = wanted.lower()
    found = next((i for i in items if i.get(answer.key) == wanted), None)
    if found is not None:
        fields = call.raw_query.get("fields")
        return {answer.item: _selected(found, fields) if fields else found}
    flag = answer.not_found_empty_flag
    if not_found is None or (flag and backend.profile.enabled(flag)):
        return {}
    raise not_found(answer.not_found, **{answer.key: call.path[answer.key]})


def seed_answer_handlers(
    fixture: Mapping[str, Any],
    refs: Refs,
    *,
    paging: Paging = _validated_paging,
    not_found: ErrorFor | None = None,
    invalid: ErrorFor | None = None,
) -> dict[str, Handler]:
    """One handler per ``operationId`` in ``fixture`` (a ``<family>-answers.yaml``). The family
    says how it reads ``limit``/``offset`` (``paging``) and gives its 404 (``not_found``) and 400
    (``invalid``, for an ``order`` field the list does not have) errors for a message."""
    answers = {op: SeedAnswer.from_fixture(entry) for op, entry in fixture.items()}

    def handler_for(answer: SeedAnswer) -> Handler:
        def handler(backend: Any, call: Call) -> Reply:
            if answer.item is not None:
                source = answers[answer.of or ""]
                return Reply(_one(answer, call, resolve(source.items, refs(backend)), backend, not_found))
            if answer.list is None:
                return Reply(resolve(answer.body, refs(backend)))
            return Reply(_page(answer, backend, call, resolve(answer.items, refs(backend)), paging, invalid))

        return handler

    return {op: handler_for(answer) for op, answer in answers.items()}
