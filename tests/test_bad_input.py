"""The bad-input catalogue: every family, several representative operations, over a real socket.

Malformed JSON, JSON of the wrong type, wrong or missing content types, empty bodies where one is
required, bodies over the size limit, deep nesting, invalid UTF-8, lone surrogates (``\\ud800``),
``NaN``/``Infinity`` literals, huge and negative numbers, content encodings and charsets a JSON
parser does not read (``br``, broken gzip, a gzip bomb, ``latin1``), unknown query parameters,
search patterns full of wildcards, path ids that are too long or carry ``../``, ``%00`` or bad
percent-escapes, unknown methods, HEAD on list routes, malformed session cookies, duplicated and
oversized headers. Each answer must be a 4xx in the family's documented error shape (its keys and
their types); afterwards the server still serves and the state (GET /__revokit/state) is exactly
what it was.

The exact body is pinned only where a contract fixes the words: the commonest body cases
(``test_body_case_answers_are_the_documented_ones``), every 401 (``UNAUTHORIZED``: refused
credentials have one documented body per family), the store's refusal of a doubled key, app-keys' ``limit`` cap and the Medusas' wording
for an unknown method. The other cases (a 6,000-character path id, a NUL in a JSON string, ...)
check status and shape only: their words are whatever the validator says, not a contract fact.

Requests are written byte by byte on a socket, because an HTTP client library would normalise
most of these inputs away. The families run on the ``contract`` profile; ``medusa-1.20`` answers
malformed JSON with an HTML page instead (flag ``malformed_json_html``), tested at the end.

Framing errors (conflicting ``Content-Length``, a bad chunk, a header line without a colon, raw
non-ASCII in the request line, a header block over the HTTP server's own limit) never reach a
family: the HTTP server refuses them with its own plain-text 400/431, as Node's parser refuses them
in front of Medusa. For those only the status, the server's health and the state are checked.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from revokit_testing import start_revokit_mock

FAMILIES = ("app-keys", "medusa-v1", "xclade-v2")
MIB = 1024 * 1024
JSON_TYPE = ("Content-Type", "application/json")


# -- a raw HTTP/1.1 client -----------------------------------------------------------------------


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def mimetype(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()

    def json(self) -> Any:
        return json.loads(self.body)


def send_raw(port: int, data: bytes, timeout: float = 10.0) -> Answer | None:
    """Write ``data`` as is and read the answer until the server closes; None if it hung up."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        # The server may refuse (and close) before the whole request is written.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(data)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except ConnectionResetError:
            pass
    raw = b"".join(chunks)
    if not raw:
        return None
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        body = _dechunk(body)
    return Answer(int(lines[0].split()[1]), headers, body)


def _dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out, data = out + data[:size], data[size + 2 :]
    return out


def request_bytes(
    method: str | bytes,
    target: str | bytes,
    headers: list[tuple[str, str | bytes]],
    body: bytes | None = None,
    *,
    content_length: bool = True,
) -> bytes:
    method_b = method if isinstance(method, bytes) else method.encode()
    target_b = target if isinstance(target, bytes) else target.encode("latin-1")
    lines = [method_b + b" " + target_b + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close"]
    for name, value in headers:
        lines.append(
            name.encode("latin-1") + b": " + (value if isinstance(value, bytes) else value.encode("latin-1"))
        )
    if body is not None and content_length:
        lines.append(f"Content-Length: {len(body)}".encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


# -- the live mock and each family's facts -------------------------------------------------------


@dataclass
class Target:
    family: str
    port: int
    base: str
    auth: list[tuple[str, str]]
    extra: dict[str, str]  # ids and tokens the cases need

    def state(self) -> Any:
        return requests.get(f"{self.base}/__revokit/state", timeout=10).json()["state"]


@pytest.fixture(scope="module")
def live():
    mock = start_revokit_mock(*FAMILIES, "--port", "0", "--threads", "8")
    yield mock
    mock.process.terminate()
    mock.process.wait(timeout=10)


@pytest.fixture(scope="module")
def targets(live) -> dict[str, Target]:
    out = {}
    for family in FAMILIES:
        base = live.url(family)
        seed = requests.get(f"{base}/__revokit/seed", timeout=5).json()
        if family == "app-keys":
            alice = seed["users"][0]
            app = alice["applications"][0]
            key = next(k for k in app["keys"] if k["state"] == "active")
            auth = [("Authorization", f"Bearer {alice['token']}")]
            extra = {"app": app["id"], "key": key["id"], "key_token": key["key"]}
        elif family == "medusa-v1":
            auth = [("x-medusa-access-token", seed["admin"]["api_token"])]
            key = next(k for k in seed["publishable_api_keys"] if k["state"] == "active")
            extra = {"key": key["id"], "key_token": key["id"]}
        else:
            auth = [("Authorization", f"Bearer {seed['admin']['token']}")]
            key = next(k for k in seed["api_keys"] if k["type"] == "publishable" and k["state"] == "active")
            extra = {"key": key["id"], "key_token": key["token"]}
        out[family] = Target(family, live.ports[family], base, auth, extra)
    return out


# Representative operations per family: (method, path template) of routes that need a JSON body,
# that list, that take an id, and where a store/key-use header is read.
BODY_ROUTES = {
    "app-keys": [("POST", "/api/v1/applications"), ("POST", "/api/v1/applications/{app}/api-keys")],
    "medusa-v1": [
        ("POST", "/admin/publishable-api-keys"),
        ("POST", "/admin/publishable-api-keys/{key}/sales-channels/batch"),
        ("POST", "/admin/sales-channels"),
    ],
    "xclade-v2": [
        ("POST", "/admin/api-keys"),
        ("POST", "/admin/api-keys/{key}/sales-channels"),
        ("POST", "/admin/sales-channels"),
    ],
}
LIST_ROUTES = {
    "app-keys": ["/api/v1/applications", "/api/v1/applications/{app}/api-keys"],
    "medusa-v1": ["/admin/publishable-api-keys", "/admin/sales-channels", "/store/products"],
    "xclade-v2": ["/admin/api-keys", "/admin/sales-channels", "/store/products"],
}
ID_ROUTES = {
    "app-keys": [
        ("GET", "/api/v1/applications/{id}"),
        ("DELETE", "/api/v1/applications/{app}/api-keys/{id}"),
    ],
    "medusa-v1": [
        ("GET", "/admin/publishable-api-keys/{id}"),
        ("POST", "/admin/publishable-api-keys/{id}/revoke"),
        ("DELETE", "/admin/publishable-api-keys/{id}"),
    ],
    "xclade-v2": [
        ("GET", "/admin/api-keys/{id}"),
        ("POST", "/admin/api-keys/{id}/revoke"),
        ("DELETE", "/admin/api-keys/{id}"),
    ],
}
# A list request on the store needs the key header (the contract refuses one without a key in v2).
STORE_HEADER = {"medusa-v1": "x-publishable-api-key", "xclade-v2": "x-publishable-api-key"}


def _fill(path: str, target: Target, **ids: str) -> str:
    return path.format(**{**target.extra, **ids})


def _headers_for(target: Target, path: str) -> list[tuple[str, str]]:
    if path.startswith("/store/"):
        return [(STORE_HEADER[target.family], target.extra["key_token"])]
    return list(target.auth)


# -- the family's error shapes -------------------------------------------------------------------


def check_shape(family: str, answer: Answer) -> None:
    """The answer is one of the error bodies the family documents, for its status."""
    assert 400 <= answer.status < 500, (answer.status, answer.body[:300])
    if family == "medusa-v1" and answer.status == 401:
        assert answer.body == b"Unauthorized" and answer.mimetype == "text/plain"
        return
    assert answer.mimetype == "application/json", answer.headers
    body = answer.json()
    assert isinstance(body, dict)
    if family == "app-keys":
        assert set(body) in ({"error", "message", "code"}, {"error", "message", "code", "details"}), body
        assert (
            body["code"] == answer.status
            and isinstance(body["error"], str)
            and isinstance(body["message"], str)
        )
        for detail in body.get("details", []):
            assert set(detail) == {"field", "message"} and all(isinstance(v, str) for v in detail.values())
    elif family == "medusa-v1":
        assert set(body) in ({"type", "message"}, {"code", "type", "message"}, {"errors", "message"}), body
        assert isinstance(body["message"], str)
    else:
        if answer.status == 401:
            assert set(body) in ({"message"}, {"type", "message"}), body
        else:
            assert set(body) in ({"type", "message"}, {"code", "type", "message"}), body
            assert body["type"] in (
                "invalid_data",
                "not_allowed",
                "not_found",
                "unknown_error",
                "unauthorized",
            )
        assert isinstance(body["message"], str)


# The one 401 body each family documents for refused credentials.
UNAUTHORIZED: dict[str, Any] = {
    "app-keys": {
        "error": "Unauthorized",
        "message": "Authentication required. Please provide a valid API token",
        "code": 401,
    },
    "medusa-v1": "Unauthorized",  # text/plain, checked in check_shape
    "xclade-v2": {"message": "Unauthorized"},
}


# Both Medusas' store answer to a missing, unknown or revoked publishable key.
NO_VALID_STORE_KEY = {
    "type": "not_allowed",
    "message": "A valid publishable key is required to proceed with the request",
}


def assert_unauthorized(family: str, answer: Answer) -> None:
    assert answer.status == 401, (answer.status, answer.body[:300])
    expected = UNAUTHORIZED[family]
    assert (answer.body.decode() if isinstance(expected, str) else answer.json()) == expected


def assert_refused_cleanly(
    target: Target, data: bytes, expect: Callable[[Answer], None] | None = None, *, family_shape: bool = True
) -> Answer:
    before = target.state()
    answer = send_raw(target.port, data)
    assert answer is not None, "the server hung up without an answer"
    if family_shape:
        check_shape(target.family, answer)
    else:
        assert 400 <= answer.status < 500, answer.status
    if expect is not None:
        expect(answer)
    # Still serving, with the state exactly as it was.
    assert requests.get(f"{target.base}/__revokit/health", timeout=5).status_code == 200
    assert target.state() == before
    return answer


def exact(status: int, body: Any) -> Callable[[Answer], None]:
    def check(answer: Answer) -> None:
        assert answer.status == status, (answer.status, answer.body[:300])
        got = answer.body.decode() if isinstance(body, str) else answer.json()
        assert got == body

    return check


# -- bodies -------------------------------------------------------------------------------------

BAD_BODIES: dict[str, tuple[list[tuple[str, str]], bytes]] = {
    "malformed JSON": ([JSON_TYPE], b'{"title": '),
    "trailing garbage": ([JSON_TYPE], b'{"title": "x"} trailing'),
    "single quotes": ([JSON_TYPE], b"{'title': 'x'}"),
    "JSON array": ([JSON_TYPE], b'[{"title": "x"}]'),
    "JSON string": ([JSON_TYPE], b'"title"'),
    "JSON null": ([JSON_TYPE], b"null"),
    "JSON number": ([JSON_TYPE], b"12"),
    "JSON true": ([JSON_TYPE], b"true"),
    "text/plain": ([("Content-Type", "text/plain")], b'{"title":"x","name":"x","type":"publishable"}'),
    "no content type": ([], b'{"title":"x","name":"x","type":"publishable"}'),
    "form encoded": ([("Content-Type", "application/x-www-form-urlencoded")], b"title=x&name=x&type=secret"),
    "empty body": ([JSON_TYPE], b""),
    "whitespace body": ([JSON_TYPE], b"  \r\n "),
    "over the size limit": ([JSON_TYPE], b'{"title":"' + b"a" * MIB + b'"}'),
    "deeply nested arrays": ([JSON_TYPE], b"[" * 20000 + b"]" * 20000),
    "deeply nested objects": ([JSON_TYPE], b'{"a":' * 3000 + b"1" + b"}" * 3000),
    "invalid UTF-8": ([JSON_TYPE], b'{"title":"\xff\xfe\xc3","name":"\xff","type":"secret"}'),
    "overlong UTF-8": ([JSON_TYPE], b'{"title":"\xc0\xaf","name":"\xc0\xaf"}'),
    "huge float": ([JSON_TYPE], b'{"title":1e400,"name":1e400,"type":"secret","add":[1e400]}'),
    "huge integer": ([JSON_TYPE], b'{"title":' + b"9" * 4000 + b',"name":1,"type":"secret"}'),
    "negative numbers": ([JSON_TYPE], b'{"title":-1,"name":-1,"type":-1,"sales_channel_ids":-1,"add":-1}'),
    "NaN": ([JSON_TYPE], b'{"title":NaN,"name":NaN}'),
    "NUL in JSON string": ([JSON_TYPE], b'{"title":"a\\u0000b","name":"a\\u0000b","type":"nope"}'),
    # issue 14: strings no UTF-8 can hold, number literals JSON does not have, bodies body-parser
    # refuses before parsing (unknown encoding or charset, bytes that do not inflate, a gzip bomb).
    "lone high surrogate": ([JSON_TYPE], b'{"title":"x\\ud800","name":"x\\ud800","type":"secret"}'),
    "lone low surrogate in a key": ([JSON_TYPE], b'{"\\udc00":1,"title":"\\udfff","name":"\\udfff"}'),
    "Infinity literals": ([JSON_TYPE], b'{"title":Infinity,"name":-Infinity,"revoke_in":Infinity}'),
    "brotli encoded": ([JSON_TYPE, ("Content-Encoding", "br")], b'{"title":"x","name":"x","type":"secret"}'),
    "unknown encoding": ([JSON_TYPE, ("Content-Encoding", "zstd")], b'{"title":"x","name":"x"}'),
    "gzip that is not gzip": ([JSON_TYPE, ("Content-Encoding", "gzip")], b'{"title":"x","name":"x"}'),
    "raw deflate": ([JSON_TYPE, ("Content-Encoding", "deflate")], zlib.compress(b'{"title":1}')[2:-4]),
    "gzip bomb": (
        [JSON_TYPE, ("Content-Encoding", "gzip")],
        gzip.compress(b'{"title":"' + b"a" * 4 * MIB + b'"}'),
    ),
    "latin1 charset": ([("Content-Type", "application/json; charset=latin1")], b'{"title":"x","name":"x"}'),
    "unknown utf charset": ([("Content-Type", "application/json; charset=utf-9")], b'{"title":"x"}'),
    "odd-length UTF-16": ([("Content-Type", "application/json; charset=utf-16le")], b'{\x00"\x00x'),
}


# Bodies a route documents as fine: both fields of v2's sales-channels body are optional, so an
# empty body, or one without a Content-Type that no parser reads (Express leaves {}), links nothing
# and answers 200, as Medusa 2.21.2 does. (A whitespace JSON body fails in body-parser: 400.)
ACCEPTED_BODIES = {("xclade-v2", "/admin/api-keys/{key}/sales-channels"): {"empty body", "no content type"}}


@pytest.mark.parametrize("case", list(BAD_BODIES))
@pytest.mark.parametrize("family", FAMILIES)
def test_bad_bodies_are_refused_in_shape(targets, family, case):
    target = targets[family]
    headers, body = BAD_BODIES[case]
    for method, path in BODY_ROUTES[family]:
        data = request_bytes(method, _fill(path, target), [*target.auth, *headers], body)
        if case in ACCEPTED_BODIES.get((family, path), ()):
            before = target.state()
            answer = send_raw(target.port, data)
            assert answer is not None and answer.status == 200
            assert target.state() == before
            continue
        assert_refused_cleanly(target, data)


def test_body_case_answers_are_the_documented_ones(targets):
    """The exact bodies the contracts fix for the commonest cases."""
    ak, v1, v2 = targets["app-keys"], targets["medusa-v1"], targets["xclade-v2"]

    def ak_details(*details: tuple[str, str]) -> dict[str, Any]:
        return {
            "error": "Bad Request",
            "message": "The request contains invalid parameters or malformed data",
            "code": 400,
            "details": [{"field": f, "message": m} for f, m in details],
        }

    def post(target: Target, path: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
        return request_bytes("POST", path, [*target.auth, *headers], body)

    apps = "/api/v1/applications"
    assert_refused_cleanly(
        ak, post(ak, apps, [JSON_TYPE], b"{"), exact(400, ak_details(("body", "must be well-formed JSON")))
    )
    assert_refused_cleanly(
        ak, post(ak, apps, [JSON_TYPE], b"[1]"), exact(400, ak_details(("body", "must be an object")))
    )
    assert_refused_cleanly(
        ak, post(ak, apps, [JSON_TYPE], b""), exact(400, ak_details(("body", "is required")))
    )
    assert_refused_cleanly(
        ak,
        post(ak, apps, [("Content-Type", "text/plain")], b'{"name":"x"}'),
        exact(400, ak_details(("Content-Type", "must be application/json"))),
    )
    too_large = {
        "error": "Payload Too Large",
        "message": "The request body exceeds the size limit",
        "code": 413,
    }
    assert_refused_cleanly(ak, post(ak, apps, [JSON_TYPE], b"[" + b" " * MIB + b"]"), exact(413, too_large))

    keys = "/admin/publishable-api-keys"
    assert_refused_cleanly(
        v1,
        post(v1, keys, [JSON_TYPE], b"[]"),
        exact(400, {"type": "invalid_data", "message": "title must be a string"}),
    )
    assert_refused_cleanly(
        v1,
        post(v1, keys, [JSON_TYPE], b'"x"'),
        exact(400, {"type": "invalid_data", "message": "Unexpected token in JSON at position 0"}),
    )
    # Express's JSON parser skips other content types: the DTO then sees {}.
    assert_refused_cleanly(
        v1,
        post(v1, keys, [("Content-Type", "text/plain")], b'{"title":"x"}'),
        exact(400, {"type": "invalid_data", "message": "title must be a string"}),
    )
    assert_refused_cleanly(
        v1,
        post(v1, keys, [JSON_TYPE], b"[" + b" " * MIB + b"]"),
        exact(413, {"type": "entity.too.large", "message": "request entity too large"}),
    )

    v2_keys = "/admin/api-keys"
    assert_refused_cleanly(
        v2,
        post(v2, v2_keys, [JSON_TYPE], b'{"title": '),
        exact(400, {"message": "Unexpected end of JSON input", "type": "invalid_data"}),
    )
    assert_refused_cleanly(
        v2,
        post(v2, v2_keys, [JSON_TYPE], b"[]"),
        exact(400, {"type": "invalid_data", "message": "Invalid request: Field '' is required"}),
    )
    assert_refused_cleanly(
        v2,
        post(v2, v2_keys, [("Content-Type", "text/plain")], b'{"title":"x","type":"secret"}'),
        exact(400, {"type": "invalid_data", "message": "Invalid request: Field '' is required"}),
    )
    assert_refused_cleanly(
        v2,
        post(v2, v2_keys, [JSON_TYPE], b"{}"),
        exact(
            400,
            {
                "type": "invalid_data",
                "message": "Invalid request: Field 'title' is required; Field 'type' is required",
            },
        ),
    )
    assert_refused_cleanly(
        v2,
        post(v2, v2_keys, [JSON_TYPE], b"[" + b" " * MIB + b"]"),
        exact(413, {"message": "request entity too large", "type": "unknown_error"}),
    )
    assert_refused_cleanly(
        v2,
        post(v2, "/admin/api-keys/" + v2.extra["key"] + "/revoke", [JSON_TYPE], b'{"revoke_in":"60"}'),
        exact(
            400,
            {
                "type": "invalid_data",
                "message": "Invalid request: Expected type: 'number' for field 'revoke_in', got: '60'",
            },
        ),
    )


# -- query strings ------------------------------------------------------------------------------

BAD_QUERIES = {
    "unknown parameter": "nosuch=1",
    "negative limit": "limit=-1",
    "negative offset": "offset=-5",
    "limit not a number": "limit=abc",
    "limit a float": "limit=1.5",
    "huge float limit": "limit=1e400",
    "limit NaN": "limit=NaN",
}


@pytest.mark.parametrize("case", list(BAD_QUERIES))
@pytest.mark.parametrize("family", FAMILIES)
def test_bad_query_strings_are_refused_in_shape(targets, family, case):
    target = targets[family]
    for path in LIST_ROUTES[family]:
        filled = _fill(path, target)
        data = request_bytes("GET", f"{filled}?{BAD_QUERIES[case]}", _headers_for(target, filled))
        assert_refused_cleanly(target, data)


# issue 14: search patterns are user input; none may stall the process (a 200, at once).
WILDCARD_QUERIES = {
    "wildcards and a miss": "q=%25%25%25%25%25%25%01",
    "many wildcards": "q=" + "%25" * 3000 + "x",
    "underscores": "q=" + "_" * 3000 + "%01",
    "escapes": "q=" + "%5C" * 1000 + "%25",
}


@pytest.mark.parametrize("case", list(WILDCARD_QUERIES))
@pytest.mark.parametrize("family", FAMILIES)
def test_search_patterns_are_answered(targets, family, case):
    target = targets[family]
    before = target.state()
    for path in LIST_ROUTES[family]:
        filled = _fill(path, target)
        query = WILDCARD_QUERIES[case]
        answer = send_raw(
            target.port, request_bytes("GET", f"{filled}?{query}", _headers_for(target, filled))
        )
        assert answer is not None and answer.status in (200, 400), (path, answer and answer.status)
        if answer.status == 400:  # app-keys lists take no q
            check_shape(family, answer)
    assert target.state() == before


@pytest.mark.parametrize("family", FAMILIES)
def test_head_on_list_routes_answers_like_get(targets, family):
    target = targets[family]
    for path in LIST_ROUTES[family]:
        filled = _fill(path, target)
        got = send_raw(target.port, request_bytes("GET", filled, _headers_for(target, filled)))
        head = send_raw(target.port, request_bytes("HEAD", filled, _headers_for(target, filled)))
        assert got is not None and head is not None
        assert head.status == got.status == 200, (path, head.status)
        assert head.body == b"" and head.headers["content-length"] == str(len(got.body))


@pytest.mark.parametrize("family", ["medusa-v1", "xclade-v2"])
@pytest.mark.parametrize("cookie", ["s%3Aa.%FF", "s%3A%FF%FE.%C3", "s:a.b", "%", "s%3A.", "a" * 4000])
def test_malformed_session_cookies_are_a_401(targets, family, cookie):
    target = targets[family]
    path = _fill(LIST_ROUTES[family][0], target)
    answer = assert_refused_cleanly(target, request_bytes("GET", path, [("Cookie", f"connect.sid={cookie}")]))
    assert answer.status == 401


def test_huge_limits_follow_each_contract(targets):
    """app-keys caps ``limit`` (400); both Medusas accept any non-negative number and page."""
    ak = targets["app-keys"]
    data = request_bytes("GET", "/api/v1/applications?limit=" + "9" * 40, ak.auth)
    answer = assert_refused_cleanly(ak, data)
    assert answer.json()["details"] == [{"field": "limit", "message": "must be less than or equal to 100"}]
    for family, path in (("medusa-v1", "/admin/publishable-api-keys"), ("xclade-v2", "/admin/api-keys")):
        target = targets[family]
        before = target.state()
        answer = send_raw(target.port, request_bytes("GET", f"{path}?limit={'9' * 40}", target.auth))
        assert answer is not None and answer.status == 200
        assert target.state() == before


# -- path ids -----------------------------------------------------------------------------------

BAD_IDS = {
    "too long": "a" * 6000,
    "encoded ../": "..%2F..%2Fetc%2Fpasswd",
    "raw ../": "../../etc/passwd",
    "encoded NUL": "abc%00def",
    "encoded invalid UTF-8": "%FF%FE%C3",
    "encoded CRLF": "x%0D%0ASet-Cookie:%20a=b",
    "dot": ".",
}


@pytest.mark.parametrize("case", list(BAD_IDS))
@pytest.mark.parametrize("family", FAMILIES)
def test_bad_path_ids_are_refused_in_shape(targets, family, case):
    target = targets[family]
    for method, path in ID_ROUTES[family]:
        body = b"{}" if method == "POST" else None
        headers = [*target.auth, JSON_TYPE] if body is not None else target.auth
        data = request_bytes(method, _fill(path, target, id=BAD_IDS[case]), headers, body)
        answer = assert_refused_cleanly(target, data)
        assert answer.status in (400, 404, 405)
        assert "set-cookie" not in answer.headers


# -- methods -----------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["BREW", "PROPFIND", "TRACE", "PATCH", "CONNECT_X"])
@pytest.mark.parametrize("family", FAMILIES)
def test_unknown_methods_are_refused_in_shape(targets, family, method):
    target = targets[family]
    path = _fill(LIST_ROUTES[family][0], target)
    answer = assert_refused_cleanly(target, request_bytes(method, path, target.auth))
    assert answer.status == 405
    if family != "app-keys":
        assert answer.json()["message"] == f"Cannot {method} {path}"


@pytest.mark.parametrize("family", FAMILIES)
def test_unknown_routes_are_refused_in_shape(targets, family):
    target = targets[family]
    for path in ("/nope", "/admin/../__revokit/reset", "/api/v1/../../__revokit/reset"):
        answer = assert_refused_cleanly(target, request_bytes("POST", path, [*target.auth, JSON_TYPE], b"{}"))
        assert answer.status in (401, 404)


# -- headers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_duplicated_credentials_are_never_half_accepted(targets, family):
    """Two values of a credential header: the server must not pick the good one."""
    target = targets[family]
    path = _fill(LIST_ROUTES[family][0], target)
    name, good = target.auth[0]
    for pair in ([(name, "garbage"), (name, good)], [(name, good), (name, "garbage")]):
        answer = assert_refused_cleanly(target, request_bytes("GET", path, pair))
        assert_unauthorized(family, answer)
    if family == "medusa-v1":
        # The store key: a revoked or unknown value next to a live one is no live key.
        for pair in (
            [("x-publishable-api-key", "pk_unknown"), ("x-publishable-api-key", target.extra["key_token"])],
            [("x-publishable-api-key", target.extra["key_token"]), ("x-publishable-api-key", "pk_unknown")],
        ):
            answer = assert_refused_cleanly(target, request_bytes("GET", "/store/products", pair))
            exact(400, NO_VALID_STORE_KEY)(answer)
    if family == "xclade-v2":
        for pair in (
            [("x-publishable-api-key", "pk_unknown"), ("x-publishable-api-key", target.extra["key_token"])],
            [("x-publishable-api-key", target.extra["key_token"]), ("x-publishable-api-key", "pk_unknown")],
        ):
            answer = assert_refused_cleanly(target, request_bytes("GET", "/store/products", pair))
            exact(400, NO_VALID_STORE_KEY)(answer)
    if family == "app-keys":
        token = target.extra["key_token"]
        for pair in (
            [("X-API-Key", "ak_bad"), ("X-API-Key", token)],
            [("X-API-Key", token), ("X-API-Key", "ak_bad")],
        ):
            answer = assert_refused_cleanly(target, request_bytes("GET", "/api/v1/key-info", pair))
            assert_unauthorized(family, answer)


@pytest.mark.parametrize("family", FAMILIES)
def test_duplicated_content_types_are_refused_in_shape(targets, family):
    target = targets[family]
    method, path = BODY_ROUTES[family][0]
    headers = [*target.auth, ("Content-Type", "text/plain"), JSON_TYPE]
    assert_refused_cleanly(target, request_bytes(method, path, headers, b"{}"))


@pytest.mark.parametrize("family", FAMILIES)
def test_oversized_headers_are_refused_in_shape(targets, family):
    target = targets[family]
    path = _fill(LIST_ROUTES[family][0], target)
    one_big = [*target.auth, ("X-Padding", "a" * 40000)]
    many = [*target.auth, *[(f"X-Padding-{i}", "b" * 200) for i in range(200)]]
    big_credential = [(target.auth[0][0], "Bearer " + "c" * 40000)]
    for headers in (one_big, many, big_credential):
        if family == "app-keys":
            answer = assert_refused_cleanly(target, request_bytes("GET", path, headers))
            assert answer.status == 400
        else:  # Node answers itself, before Express: a bare 431 (as 1.20.11 and 2.21.2 do)
            answer = assert_refused_cleanly(target, request_bytes("GET", path, headers), family_shape=False)
            assert answer.status == 431 and answer.body == b""


@pytest.mark.parametrize("family", FAMILIES)
def test_invalid_utf8_in_headers_is_refused_in_shape(targets, family):
    target = targets[family]
    if family == "app-keys":
        data = request_bytes("GET", "/api/v1/key-info", [("X-API-Key", b"ak_\xff\xfe")])
    else:
        data = request_bytes("GET", "/store/products", [("x-publishable-api-key", b"pk_\xff\xfe\xc3")])
    assert_refused_cleanly(target, data)
    name, value = target.auth[0]
    bad = value.encode()[:-4] + b"\xff\xfe\xc3\xa9"
    answer = assert_refused_cleanly(
        target, request_bytes("GET", _fill(LIST_ROUTES[family][0], target), [(name, bad)])
    )
    assert_unauthorized(family, answer)


# -- framing: refused by the HTTP server before any family sees it ------------------------------

FRAMING = {
    "conflicting Content-Length": b"POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    b"Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 9\r\n\r\n{}aaaaaaa",
    "bad chunk size": b"POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
    b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
    "header line without a colon": b"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nBroken header\r\n\r\n",
    "raw non-ASCII in the request line": b"GET {path}/\xff\xfe HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    "header block over the server limit": b"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-Big: "
    + b"a" * 300_000
    + b"\r\n\r\n",
}


@pytest.mark.parametrize("case", list(FRAMING))
@pytest.mark.parametrize("family", FAMILIES)
def test_framing_errors_are_refused_and_the_server_keeps_serving(targets, family, case):
    target = targets[family]
    path = _fill(BODY_ROUTES[family][0][1], target).encode()
    data = FRAMING[case].replace(b"{path}", path)
    before = target.state()
    answer = send_raw(target.port, data)
    # A header block over the limit may be cut off mid-send; any answer must be a refusal.
    if answer is None:
        assert case == "header block over the server limit", "the server hung up without an answer"
    else:
        assert 400 <= answer.status < 500
    assert requests.get(f"{target.base}/__revokit/health", timeout=5).status_code == 200
    ok = requests.get(
        target.base + _fill(LIST_ROUTES[family][0], target), headers=dict(target.auth), timeout=5
    )
    assert ok.status_code == 200
    assert target.state() == before


# -- the medusa-1.20 profile's HTML page --------------------------------------------------------


def test_medusa_1_20_profile_answers_malformed_json_with_an_html_page(live_mock_factory):
    mock = live_mock_factory("medusa-v1", "--port", "0", "--profile", "medusa-1.20")
    base = mock.url("medusa-v1")
    token = requests.get(f"{base}/__revokit/seed", timeout=5).json()["admin"]["api_token"]
    before = requests.get(f"{base}/__revokit/state", timeout=5).json()["state"]
    data = request_bytes(
        "POST", "/admin/publishable-api-keys", [("x-medusa-access-token", token), JSON_TYPE], b'{"title": '
    )
    answer = send_raw(mock.ports["medusa-v1"], data)
    assert answer is not None and answer.status == 400
    assert answer.mimetype == "text/html" and b"<pre>SyntaxError: " in answer.body
    assert requests.get(f"{base}/__revokit/state", timeout=5).json()["state"] == before
