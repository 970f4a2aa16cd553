"""Each family's error bodies are written once, in its message catalogue
(``specs/<family>.messages.yaml``): the mock's exceptions and the conformance suites build their
bodies from it, and here the spec's documented error examples are held to it.

A catalogue message is a template (``"Publishable key with id: {id} was not found"``); an example
matches an entry when it has the entry's fields, in its order, with every text fitting the
template. Validation messages are not catalogue entries: the validation rules compose them per
field (class-validator's ``title must be a string``, zod's ``Invalid request: ...``), and the
validation tests hold those.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from revokit.contracts import app_keys as app_keys_suite
from revokit.contracts import medusa_v1 as medusa_v1_suite
from revokit.contracts import xclade_v2 as xclade_v2_suite
from revokit.mockserver.families.app_keys import exceptions as app_keys_errors
from revokit.mockserver.families.medusa_v1 import exceptions as medusa_v1_errors
from revokit.mockserver.families.xclade_v2 import exceptions as xclade_v2_errors
from revokit.specs import error_body, load_spec, message_names, resolve_ref

_PLACEHOLDER = re.compile(r"(\{[a-z_]+\})")


def _validation_message(body: Any) -> bool:
    return isinstance(body, dict) and list(body) == ["type", "message"] and body["type"] == "invalid_data"


def _zod_or_json_parser_message(body: Any) -> bool:
    if not isinstance(body, dict) or body.get("type") != "invalid_data":
        return False
    if list(body) == ["type", "message"]:
        return body["message"].startswith("Invalid request: ")
    # body-parser's {message, type}: V8's JSON.parse words, composed from where the text broke.
    return list(body) == ["message", "type"]


#: family -> (fields an answer adds per request, which examples are validation messages)
FAMILIES: dict[str, tuple[set[str], Callable[[Any], bool]]] = {
    # app-keys' 400 names each invalid field in `details`, built per request.
    "app-keys": ({"details"}, lambda body: False),
    # medusa-v1's `invalid_data` answers are class-validator's, composed from its rules.
    "medusa-v1": (set(), _validation_message),
    # xclade-v2's zod messages, and the JSON parser's.
    "xclade-v2": (set(), _zod_or_json_parser_message),
}


def error_examples(spec: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(where, body) of every example of a 4xx/5xx answer the spec documents."""
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                if str(status)[0] not in "45":
                    continue
                for media in resolve_ref(spec, response).get("content", {}).values():
                    where = f"{method.upper()} {path} {status}"
                    if "example" in media:
                        yield where, media["example"]
                    for name, example in media.get("examples", {}).items():
                        example = resolve_ref(spec, example)
                        if "value" in example:
                            yield f"{where} ({name})", example["value"]


def _template(text: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(text)
    return re.compile(
        "".join(".+?" if _PLACEHOLDER.fullmatch(p) else re.escape(p) for p in parts) + r"\Z", re.S
    )


def fits(entry: Any, body: Any, per_request: set[str] = frozenset()) -> bool:
    """Whether ``body`` is ``entry`` with its placeholders filled (plus per-request fields)."""
    if isinstance(entry, str):
        return isinstance(body, str) and _template(entry).match(body) is not None
    if isinstance(entry, list):
        return isinstance(body, list) and len(body) == len(entry) and all(map(fits, entry, body))
    if isinstance(entry, dict):
        if not isinstance(body, dict) or [k for k in body if k not in per_request] != list(entry):
            return False
        return all(fits(value, body[key]) for key, value in entry.items())
    return entry == body


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_documented_error_example_is_a_catalogue_body(family: str) -> None:
    per_request, is_validation = FAMILIES[family]
    entries = {name: error_body(family, name) for name in message_names(family)}
    unmatched = [
        f"{where}: {body}"
        for where, body in error_examples(load_spec(family))
        if not is_validation(body) and not any(fits(e, body, per_request) for e in entries.values())
    ]
    assert not unmatched, "error examples no catalogue entry words:\n" + "\n".join(unmatched)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_the_check_can_fail(family: str) -> None:
    """A changed word in an example is caught: the matching is not vacuous."""
    per_request, _ = FAMILIES[family]
    entries = [error_body(family, name) for name in message_names(family)]
    documented = [
        body
        for _, body in error_examples(load_spec(family))
        if isinstance(body, dict) and any(fits(e, body, per_request) for e in entries)
    ]
    assert documented, f"{family}: no example matched at all"
    changed = {**documented[0], "message": documented[0]["message"] + " (reworded)"}
    assert not any(fits(e, changed, per_request) for e in entries)


def test_mock_and_suite_send_and_expect_the_same_bodies() -> None:
    # medusa-v1: the exception a domain model raises and the body the suite expects.
    assert medusa_v1_errors.KeyNotFound("pk_1").body == medusa_v1_suite.key_not_found("pk_1")
    assert medusa_v1_errors.AlreadyRevoked().body == medusa_v1_suite.ALREADY_REVOKED
    assert medusa_v1_errors.channel_out_of_scope("sc_1").body == medusa_v1_suite.channel_out_of_scope("sc_1")
    assert medusa_v1_errors.Unauthorized().body == medusa_v1_suite.UNAUTHORIZED
    assert medusa_v1_errors.MultipleChannels().body == medusa_v1_suite.MULTIPLE_CHANNELS
    # app-keys
    assert app_keys_errors.Unauthorized().body == app_keys_suite.UNAUTHORIZED
    assert app_keys_errors.NotFound().body == app_keys_suite.NOT_FOUND
    assert app_keys_errors.Forbidden().body == app_keys_suite.FORBIDDEN
    bad = app_keys_errors.BadRequest([{"field": "name", "message": "is required"}]).body
    assert {k: v for k, v in bad.items() if k != "details"} == app_keys_suite.BAD_REQUEST
    # xclade-v2
    assert xclade_v2_errors.ApiKeyNotFound("apk_1").body == xclade_v2_suite.key_not_found("apk_1")
    assert xclade_v2_errors.SecretKeysAlreadyRevoked(1).body == xclade_v2_suite.ALREADY_REVOKED
    assert xclade_v2_errors.SecretKeyAsBearer().body == xclade_v2_suite.SECRET_KEY_AS_BEARER
    assert xclade_v2_errors.Unauthorized().body == xclade_v2_suite.UNAUTHORIZED
    assert xclade_v2_errors.KeysNotRevoked(["apk_1"]).body == xclade_v2_suite.not_revoked("apk_1")


def test_a_placeholder_may_share_a_name_with_a_parameter() -> None:
    # `{name}` is a placeholder of several messages; it must not collide with the lookup's own names.
    assert (
        error_body("xclade-v2", "invalid_order_field", name="nope")["message"]
        == "Order field nope is not valid"
    )
    assert medusa_v1_errors.DisabledSalesChannel("Web").body["message"].endswith('Sales Channel "Web"')
