"""Medusa's wording for engine-detected failures: zod issues, body-parser JSON errors, JS strings."""

from __future__ import annotations

import threading

import pytest
from test_v2_domain import USER, make_backend
from werkzeug.datastructures import Headers, MultiDict

from revokit.mockserver.call import Call, Operation
from revokit.mockserver.errors import ErrorContext
from revokit.mockserver.families.xclade_v2.exceptions import XcladeErrors, zod_message_parts
from revokit.mockserver.families.xclade_v2.models import SecretKeysAlreadyRevoked
from revokit.mockserver.node.body_parser import body_parser_error
from revokit.mockserver.node.javascript import js_string
from revokit.mockserver.node.json_parse import json_parse_error
from revokit.mockserver.validation import MISSING, Violation

ERRORS = XcladeErrors()
NO_REQUEST = ErrorContext()


def context_of(operation_id: str) -> ErrorContext:
    """An error context for a request that matched ``operation_id`` (nothing else is read)."""
    operation = Operation(operation_id, "POST", "/x", "/x", (), True)
    return ErrorContext(call=Call(operation, {}, {}, MultiDict(), Headers(), {}, None, False))


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "true"),
        (123, "123"),
        (1.0, "1"),
        (1.5, "1.5"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        ("60", "60"),
        ([1, None, "a"], "1,,a"),
        ({"a": 1}, "[object Object]"),
    ],
)
def test_js_string(value, text):
    assert js_string(value) == text


def test_at_most_three_issues_in_schema_order_unknown_keys_last():
    violations = [
        Violation("body", "", "additionalProperties", "", {}, None, ("x", "y")),
        Violation("body", "type", "required", "", MISSING, "type"),
        Violation("body", "title", "type", "", 5, "string"),
        Violation("body", "type", "required", "", MISSING, "type"),  # jsonschema repeats these
    ]
    assert zod_message_parts(violations, "PostApiKeys") == [
        "Expected type: 'string' for field 'title', got: '5'",
        "Field 'type' is required",
        "Unrecognized fields: 'x, y'",
    ]
    many = [Violation("query", f"f{i}", "unknown", "", "1") for i in range(5)] + [
        Violation("query", "limit", "cast", "", "a", "integer"),
        Violation("query", "offset", "cast", "", "b", "integer"),
        Violation("query", "type", "enum", "", "c", ["publishable", "secret"]),
    ]
    parts = zod_message_parts(many, "GetApiKeys")
    assert len(parts) == 3 and parts[0].startswith("Expected: 'publishable, secret' for field 'type'")


def test_body_issues_hide_query_issues():
    violations = [
        Violation("query", "foo", "unknown", "", "1"),
        Violation("body", "title", "required", "", MISSING, "title"),
    ]
    assert ERRORS.validation_failed(context_of("PostApiKeysId"), violations).body == {
        "type": "invalid_data",
        "message": "Invalid request: Field 'title' is required",
    }


def test_other_keywords():
    parts = zod_message_parts(
        [
            Violation("body", "add.0", "type", "", 1, "string"),
            Violation("query", "limit", "maximum", "", 9, 5),
            Violation("query", "q", "pattern", "", "x", "^a"),
        ],
        "PostApiKeysIdSalesChannels",
    )
    assert parts == ["Expected type: 'string' for field 'add, 0', got: '1'"]
    assert zod_message_parts(
        [Violation("query", "limit", "maximum", "", 9, 5), Violation("query", "q", "pattern", "", "x", "^a")],
        "GetApiKeys",
    ) == ["Invalid value for field 'q', got: 'x'", "Value for field 'limit' too big, expected at most: '5'"]


# Each message below was produced by Node 20.20 (V8 11.3) with body-parser's strict-mode logic.
@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'{"title":', "Unexpected end of JSON input"),
        (b"[1,", "Unexpected end of JSON input"),
        (b"{", "Expected property name or '}' in JSON at position 1"),
        (b'{"a":"b', "Unterminated string in JSON at position 7"),
        (b"[1 2]", "Expected ',' or ']' after array element in JSON at position 3"),
        (b'{"a":1 "b":2}', "Expected ',' or '}' after property value in JSON at position 7"),
        (b'{"a" 1}', "Expected ':' after property name in JSON at position 5"),
        (b'{"a":1,"b" 2}', "Unexpected number in JSON at position 11"),
        (b'{"a":1,}', "Expected double-quoted property name in JSON at position 7"),
        (b'{"a":"\\q"}', "Bad escaped character in JSON at position 7"),
        (b'{"a":"\\u12"}', "Bad Unicode escape in JSON at position 10"),
        (b'{"a":-}', "No number after minus sign in JSON at position 6"),
        (b'{"a":1.}', "Unterminated fractional number in JSON at position 7"),
        (b'{"a":1e}', "Exponent part is missing a number in JSON at position 7"),
        (b"[01]", "Unexpected number in JSON at position 2"),
        (b'{"a":tru}', 'Unexpected token \'}\', "{"a":tru}" is not valid JSON'),
        (b"[1] 1", "Unexpected non-whitespace character after JSON at position 4"),
        (b"[object Object]", '"[object Object]" is not valid JSON'),
        (
            b'{"key":"a long enough value here", "n": nope}',
            'Unexpected token \'o\', ..."e", "n": nope}" is not valid JSON',
        ),
        (
            b'{"a":x, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb":1}',
            'Unexpected token \'x\', "{"a":x, "bbbbbb"... is not valid JSON',
        ),
        # strict mode: only objects and arrays
        (b"123", "Unexpected token '1', \"123\" is not valid JSON"),
        (b' "abc"', 'Unexpected token \'"\', " "abc"" is not valid JSON'),
        (b"true", "Unexpected token 't', \"true\" is not valid JSON"),
    ],
)
def test_body_parser_messages(raw, message):
    assert body_parser_error(raw) == message


def test_the_json_port_accepts_what_json_parse_accepts():
    for text in ('{"a":[1.5e3,-0,0.0E-2,true,false,null,"\\u00e9\\n"]}', "[]", " {} "):
        assert json_parse_error(text) is None


def test_engine_failures_have_medusa_bodies():
    assert ERRORS.internal_error(NO_REQUEST).body == {
        "code": "unknown_error",
        "type": "unknown_error",
        "message": "An unknown error occurred.",
    }
    assert ERRORS.internal_error(NO_REQUEST).status == 500
    not_found = ERRORS.route_not_found(NO_REQUEST, "GET", "/x")
    assert (not_found.status, not_found.body) == (404, {"type": "not_found", "message": "Cannot GET /x"})
    not_allowed = ERRORS.method_not_allowed(NO_REQUEST, "TRACE", "/admin/api-keys", ["GET", "POST"])
    assert not_allowed.status == 405 and not_allowed.body["message"] == "Cannot TRACE /admin/api-keys"
    assert ERRORS.body_too_large(NO_REQUEST, 10).body == {
        "message": "request entity too large",
        "type": "unknown_error",
    }
    assert ERRORS.bad_request(NO_REQUEST, "bad header").body == {
        "message": "bad header",
        "type": "invalid_data",
    }
    assert ERRORS.malformed_json(NO_REQUEST, "Expecting value").body == {
        "message": "Unexpected end of JSON input",
        "type": "invalid_data",
    }
    assert ERRORS.non_json_body(context_of("PostApiKeys"), "text/plain") is None


def test_concurrent_revokes_of_one_secret_key_succeed_once():
    backend = make_backend()
    key, _ = backend.create_api_key("CI", "secret", USER)
    outcomes: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def revoke() -> None:
        start.wait()
        try:
            backend.revoke_api_key(key.id, None, USER)
            result = "ok"
        except SecretKeysAlreadyRevoked:
            result = "already"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=revoke) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["already"] * 7 + ["ok"]
