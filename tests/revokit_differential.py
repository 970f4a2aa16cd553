"""Differential testing: the same requests to a real release and to the mock in its profile.

A :class:`Step` is one request, written once with placeholders (``{key}``, ``{channel}``) that
each side fills from its own state: ids differ between the release and the mock, so each side
keeps its own :class:`Side` ``values`` and a step may ``save`` values from its answer for the
next steps. Credentials are named (``auth="jwt"``) and each side maps the name to its headers.

Each answer is reduced to an :class:`Observation`: status, content type, body shape (keys and JSON
types, lists as the union of their items' shapes) and the error words (``type``, ``code``,
``message``, or the text of a non-JSON body), with ids and timestamps replaced by placeholders.
:class:`Differential` counts the steps compared, those whose statuses agree and those that agree
in full, and prints the figures and every difference.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

MISSING: Any = object()

# Medusa ids: a prefix, an underscore and a ULID (26 characters of Crockford's base32).
_ID = re.compile(r"\b([a-z]+(?:_[a-z]+)*)_[0-9A-HJKMNP-TV-Z]{26}\b")
_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")
_SECRET_KEY = re.compile(r"\bsk_[0-9a-f]{64}\b")
_PUBLISHABLE_TOKEN = re.compile(r"\bpk_[0-9a-f]{64}\b")
_HTML_PRE = re.compile(r"<pre>(.*?)(?:<br>|</pre>)", re.DOTALL)
ERROR_FIELDS = ("type", "code", "message")


@dataclass(frozen=True)
class RealRelease:
    """A running real release and the admin it was seeded with."""

    family: str
    version: str
    url: str
    email: str
    password: str
    api_token: str | None = None


def normalise_text(text: str, extra: Mapping[str, str] = {}) -> str:
    """``text`` with ids, timestamps, key tokens and the side's own ``extra`` values replaced."""
    for value, placeholder in extra.items():
        if value:
            text = text.replace(value, placeholder)
    text = _SECRET_KEY.sub("<secret-key>", text)
    text = _PUBLISHABLE_TOKEN.sub("<publishable-token>", text)
    text = _ID.sub(lambda match: f"<{match.group(1)}-id>", text)
    return _TIMESTAMP.sub("<timestamp>", text)


def shape(value: Any) -> Any:
    """The JSON shape of ``value``: keys and types, lists as the sorted set of their items' shapes."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in sorted(value.items())}
    if isinstance(value, list):
        shapes = []
        for item in value:
            item_shape = shape(item)
            if item_shape not in shapes:
                shapes.append(item_shape)
        return ["list", *sorted(shapes, key=repr)]
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return "string"


def shapes_agree(left: Any, right: Any, partial: frozenset[str] = frozenset()) -> bool:
    """Equal shapes, where an empty list agrees with any list (the two sides hold different data)."""
    return shape_difference(left, right, partial=partial) is None


def shape_difference(
    left: Any, right: Any, where: str = "$", partial: frozenset[str] = frozenset(), in_list: bool = False
) -> str | None:
    """Where the release's shape ``left`` and the mock's ``right`` first disagree, in words; None
    when they agree. Under a key named in ``partial`` the mock models only some of the release's
    fields (the spec says so): there the mock's keys need only be a subset of the release's.
    Inside a list, ``null`` agrees with any type: the two sides list different records (a revoked
    key among the mock's seed, none yet on the release), not differently shaped ones."""
    if isinstance(left, dict) and isinstance(right, dict):
        only_left = sorted(left.keys() - right.keys())
        only_right = sorted(right.keys() - left.keys())
        if only_right or (only_left and where.rstrip("[]").rsplit(".", 1)[-1] not in partial):
            return f"{where}: keys only in the release {only_left}, only in the mock {only_right}"
        for key in right:
            found = shape_difference(left[key], right[key], f"{where}.{key}", partial, in_list)
            if found:
                return found
        return None
    if isinstance(left, list) and isinstance(right, list):
        if len(left) == 1 or len(right) == 1:  # ["list"]: no items on one side
            return None
        # Every item shape of each side must agree with some item shape of the other.
        for item in right[1:]:
            found = [shape_difference(other, item, f"{where}[]", partial, True) for other in left[1:]]
            if all(found):
                return found[0]
        for item in left[1:]:
            found = [shape_difference(item, other, f"{where}[]", partial, True) for other in right[1:]]
            if all(found):
                return found[0]
        return None
    if left != right and not (in_list and "null" in (left, right)):
        return f"{where}: {left} against {right}"
    return None


@dataclass
class Observation:
    """What is compared of one answer."""

    status: int
    content_type: str | None
    shape: Any  # None for a body that is not JSON
    words: Any  # the error fields of a JSON body, or the normalised text of any other body
    body: str  # normalised, for the report

    @classmethod
    def of(cls, response: requests.Response, extra: Mapping[str, str] = {}) -> Observation:
        text = response.content.decode("utf-8", "replace")
        content_type = response.headers.get("Content-Type")
        content_type = content_type.replace(" ", "").lower() if content_type is not None else None
        try:
            body = json.loads(text) if text else MISSING
        except ValueError:
            body = MISSING
        if body is MISSING:
            words: Any = _text_words(text, content_type, extra)
            body_shape = None
        else:
            body_shape = shape(body)
            words = (
                {k: normalise_text(str(body[k]), extra) for k in ERROR_FIELDS if k in body}
                if isinstance(body, dict) and response.status_code >= 400
                else None
            )
        return cls(response.status_code, content_type, body_shape, words, normalise_text(text, extra)[:600])


def _text_words(text: str, content_type: str | None, extra: Mapping[str, str]) -> str:
    """The words of a non-JSON body: an HTML error page's first line (development mode adds a
    stack trace below it, which is no part of the answer), otherwise the whole text."""
    if content_type and content_type.startswith("text/html"):
        pre = _HTML_PRE.search(text)
        if pre:
            words = pre.group(1).strip()
            # JSON.parse's words come from the V8 of the Node.js running the release (Node 20
            # says `Unexpected token '}', "{..." is not valid JSON`, Node 18 `Unexpected token }
            # in JSON at position 9`): the release's own answer is the SyntaxError page.
            if words.startswith("SyntaxError:"):
                return "SyntaxError: <JSON.parse message>"
            return normalise_text(words, extra)
    return normalise_text(text.strip(), extra)


@dataclass
class Side:
    """One backend under test: its base URL, named credentials and the values steps fill in."""

    name: str
    url: str
    credentials: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, str] = field(default_factory=dict)
    http: requests.Session = field(default_factory=requests.Session)

    def placeholders(self) -> dict[str, str]:
        """This side's own values, replaced in what it answers (``{name}`` → ``<name>``)."""
        return {value: f"<{name}>" for name, value in self.values.items() if isinstance(value, str)}


def json_of_size(total: int, fields: str = "") -> str:
    """A JSON object of exactly ``total`` bytes: a long ``title``, then ``fields`` (``"a":1,``),
    then an unknown ``foo`` that every route refuses, so a body that is read is also refused."""
    head, tail = '{"title":"', f'",{fields}"foo":1}}'
    return head + "x" * (total - len(head) - len(tail)) + tail


@dataclass
class Step:
    """One request, sent to both sides.

    ``path``, string values in ``json`` and ``data`` may name a side's values as ``{name}``.
    ``json`` is sent as JSON; ``data`` as the raw body (with ``headers`` giving its type).
    ``save`` maps a value name to a function that extracts it from the parsed JSON answer.
    """

    name: str
    method: str
    path: str
    auth: str = "none"
    json: Any = MISSING
    data: str | bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    save: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    cookies: bool = False  # send the side's session cookies

    def send(self, side: Side, timeout: float = 20.0) -> requests.Response:
        headers = {**side.credentials.get(self.auth, {}), **_fill(self.headers, side.values)}
        kwargs: dict[str, Any] = {"headers": headers, "timeout": timeout, "allow_redirects": False}
        if self.json is not MISSING:
            kwargs["json"] = _fill(self.json, side.values)
        elif self.data is not None:
            kwargs["data"] = _fill(self.data, side.values)
        url = side.url + _fill(self.path, side.values)
        if self.cookies:
            return side.http.request(self.method, url, **kwargs)
        return requests.request(self.method, url, **kwargs)


def _fill(template: Any, values: Mapping[str, str]) -> Any:
    if isinstance(template, str):
        return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template)
    if isinstance(template, bytes):
        return _fill(template.decode("latin-1"), values).encode("latin-1")
    if isinstance(template, dict):
        return {_fill(k, values): _fill(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(item, values) for item in template]
    return template


@dataclass
class Comparison:
    step: Step
    release: Observation
    mock: Observation

    @property
    def status_agrees(self) -> bool:
        return self.release.status == self.mock.status

    def differences(self, partial: frozenset[str] = frozenset()) -> list[str]:
        found = []
        if not self.status_agrees:
            found.append(f"status {self.release.status} against {self.mock.status}")
        if self.release.content_type != self.mock.content_type:
            found.append(f"content type {self.release.content_type} against {self.mock.content_type}")
        if (self.release.shape is None) != (self.mock.shape is None):
            found.append("body: JSON on one side only")
        elif self.release.shape is not None:
            where = shape_difference(self.release.shape, self.mock.shape, partial=partial)
            if where:
                found.append(f"body shape {where}")
        if self.release.words != self.mock.words:
            found.append(f"words {self.release.words!r} against {self.mock.words!r}")
        return found


@dataclass
class Differential:
    """Runs steps against a release and a mock and keeps the figures."""

    family: str
    release: Side
    mock: Side
    partial: frozenset[str] = frozenset()  # keys whose objects the mock models in part (see shape_difference)
    comparisons: list[Comparison] = field(default_factory=list)

    def run(self, steps: Iterable[Step]) -> None:
        for step in steps:
            self.compare(step)

    def compare(self, step: Step) -> Comparison:
        observed = []
        for side in (self.release, self.mock):
            response = step.send(side)
            observed.append(Observation.of(response, side.placeholders()))
            if step.save and response.status_code < 400:
                answer = response.json()
                for name, extract in step.save.items():
                    side.values[name] = extract(answer)
        comparison = Comparison(step, *observed)
        self.comparisons.append(comparison)
        return comparison

    @property
    def steps_compared(self) -> int:
        return len(self.comparisons)

    @property
    def status_agreement(self) -> int:
        return sum(c.status_agrees for c in self.comparisons)

    @property
    def full_agreement(self) -> int:
        return sum(not c.differences(self.partial) for c in self.comparisons)

    def disagreements(self) -> list[Comparison]:
        return [c for c in self.comparisons if c.differences(self.partial)]

    def figures(self) -> str:
        total = self.steps_compared or 1
        return (
            f"{self.family} differential: {self.steps_compared} steps compared, "
            f"status agreement {self.status_agreement} ({100 * self.status_agreement / total:.1f}%), "
            f"full agreement {self.full_agreement} ({100 * self.full_agreement / total:.1f}%)"
        )

    def report(self) -> str:
        lines = [self.figures()]
        for comparison in self.disagreements():
            step = comparison.step
            lines.append(f"- {step.name}: {step.method} {step.path} [{step.auth}]")
            lines.extend(f"    {difference}" for difference in comparison.differences(self.partial))
            lines.append(f"    release: {comparison.release.body[:300]!r}")
            lines.append(f"    mock:    {comparison.mock.body[:300]!r}")
        return "\n".join(lines)
