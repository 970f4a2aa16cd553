"""A second opinion on Schemathesis's "schema-violating request accepted" (``negative_data_rejection``).

Schemathesis makes its invalid requests by negating parts of the schema, and some negations are
not invalid at all: a plain date where it negated a ``date-time`` that an ``anyOf`` also allows as
a ``date``, a control character in free text, ``false`` for a form-exploded list of strings (a
query string only carries text). A backend that answers such a request 200 is right, so before the
check reports one, the request is judged again by the mock's own validator over the same spec
(the one pipeline that decides what the mock accepts). A request it finds nothing wrong with is not
a failure. Anything it cannot judge (a body that is not JSON, a path it cannot place) keeps the
failure: the second opinion only ever removes a report it can prove wrong.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from werkzeug.datastructures import Headers, ImmutableMultiDict
from werkzeug.http import parse_cookie

if TYPE_CHECKING:
    from ..mockserver.compiled_validation import CompiledValidator

_JSON_TYPE = re.compile(r"^application/([\w.+-]*\+)?json\s*(;|$)", re.IGNORECASE)


class SpecJudge:
    """Says whether a request is valid by the spec; built on first use."""

    def __init__(self, spec: Mapping[str, Any]) -> None:
        self._spec = spec
        self._validator: CompiledValidator | None = None
        self._templates: dict[str, re.Pattern[str]] = {}

    def valid(
        self, operation: str, method: str, uri: str, headers: Mapping[str, Sequence[str]], body: bytes | None
    ) -> bool:
        """True only when the request to ``operation`` ("GET /path/{id}") breaks nothing the spec says."""
        try:
            return self._valid(operation, method, uri, headers, body)
        except Exception:  # a request the validator cannot even read is not proven valid
            return False

    def _valid(
        self, operation: str, method: str, uri: str, headers: Mapping[str, Sequence[str]], body: bytes | None
    ) -> bool:
        template = operation.partition(" ")[2]
        parts = urlsplit(uri)
        matched = self._template(template).search(parts.path)
        if matched is None:
            return False
        header_list = Headers([(name, value) for name, values in headers.items() for value in values])
        json_body: Any = None
        content_type = ""
        if body:
            content_type = header_list.get("Content-Type", "")
            if not _JSON_TYPE.match(content_type):
                return False
            json_body = json.loads(body.decode("utf-8"))
            content_type = "application/json"
        from ..mockserver.validation import OpenAPIRequest

        request = OpenAPIRequest(
            method=method,
            path=unquote(matched.group(0)),
            query=ImmutableMultiDict(parse_qsl(parts.query, keep_blank_values=True)),
            headers=header_list,
            cookies=dict(parse_cookie(header_list.get("Cookie", ""))),
            path_params={name: unquote(value) for name, value in matched.groupdict().items()},
            body=None,
            json_body=json_body,
            content_type=content_type,
            template=template,
        )
        return not self.validator.validate_request(request, template).violations

    @property
    def validator(self) -> CompiledValidator:
        # Imported on the first report to judge: loading a suite loads no module of the mock
        # (tests/test_registry.py), and most runs have nothing to judge.
        if self._validator is None:
            from ..mockserver.compiled_validation import CompiledValidator

            self._validator = CompiledValidator(dict(self._spec))
        return self._validator

    def _template(self, template: str) -> re.Pattern[str]:
        if template not in self._templates:
            pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
            self._templates[template] = re.compile(pattern + "$")
        return self._templates[template]
