"""The second opinion on "schema-violating request accepted": it clears only requests the spec allows."""

from __future__ import annotations

import json

import pytest

from revokit.contracts.spec_judge import SpecJudge
from revokit.specs import load_spec

BASE = "http://127.0.0.1:9000"
JSON = {"Content-Type": ["application/json"]}


@pytest.fixture(scope="module")
def v1() -> SpecJudge:
    return SpecJudge(load_spec("medusa-v1"))


@pytest.fixture(scope="module")
def v2() -> SpecJudge:
    return SpecJudge(load_spec("xclade-v2"))


@pytest.mark.parametrize(
    "query",
    [
        # Schemathesis's "invalid" values that the spec allows (both seen failing CI runs).
        "created_at[gt]=0263-05-05",  # a date, where it negated the date-time of an anyOf
        "fields=%1E",  # a control character in free text
        "limit=1&offset=0",
    ],
)
def test_requests_the_spec_allows_are_cleared(v1, query):
    assert v1.valid("GET /admin/batch-jobs", "GET", f"{BASE}/admin/batch-jobs?{query}", {}, None)


@pytest.mark.parametrize("query", ["limit=0.48", "limit=abc", "offset=-1", "nosuch=1", "limit=1&limit=2"])
def test_requests_the_spec_forbids_stay_failures(v2, query):
    assert not v2.valid("GET /admin/currencies", "GET", f"{BASE}/admin/currencies?{query}", {}, None)


def test_bodies_are_judged_by_the_schema(v2):
    url = f"{BASE}/admin/api-keys"
    good = json.dumps({"title": "t", "type": "secret"}).encode()
    assert v2.valid("POST /admin/api-keys", "POST", url, JSON, good)
    for bad in ({"title": 1, "type": "secret"}, {"title": "t", "type": "neither"}, {"title": "t"}, []):
        assert not v2.valid("POST /admin/api-keys", "POST", url, JSON, json.dumps(bad).encode())


def test_what_it_cannot_read_stays_a_failure(v2):
    url = f"{BASE}/admin/api-keys"
    body = json.dumps({"title": "t", "type": "secret"}).encode()
    assert not v2.valid("POST /admin/api-keys", "POST", url, {"Content-Type": ["text/plain"]}, body)
    assert not v2.valid("POST /admin/api-keys", "POST", url, JSON, b"{not json")
    assert not v2.valid("POST /admin/api-keys", "POST", f"{BASE}/elsewhere", JSON, body)


def test_path_parameters_are_read_from_the_template(v2):
    url = f"{BASE}/prefix/admin/api-keys/apk_1?fields=id"
    assert v2.valid("GET /admin/api-keys/{id}", "GET", url, {}, None)
    assert not v2.valid("GET /admin/api-keys/{id}", "GET", url + "&nosuch=1", {}, None)
