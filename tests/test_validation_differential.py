"""The compiled validator answers exactly as openapi-core (the reference) does.

For each spec, Schemathesis generates valid and invalid requests for every operation (its positive
and negative generation modes, derandomised), and valid and invalid response bodies for every JSON
response (each response schema is turned into the request body of a synthetic operation, so the
same public generation API draws them; a few deterministic mutations are added). Both validators
see every case; their decisions, ``Violation``s, typed query values and response error lines must
be identical, and the compiled schemas must never refuse what the reference accepts.

What this proves, and what it does not: the *decision* (accept or refuse) and the typed query
values of an accepted request are computed by each engine on its own, so comparing them is the
real guard. The *words* of a refusal are not: the compiled validator explains every refusal by
asking openapi-core (``CompiledValidator`` delegates it), so equal ``Violation`` messages, response
error lines and error bodies hold mostly by construction; they show the delegation is wired right
(the same request reaches the reference), not that two engines word an error alike. The decisions
are therefore compared on their own first, so a failure says which kind of difference it is.
"""

from __future__ import annotations

import copy
import json
import random
import re
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, given
from schemathesis import GenerationMode
from schemathesis.core import NOT_SET
from werkzeug.datastructures import Headers, ImmutableMultiDict

from revokit.mockserver import MockConfig, create_app
from revokit.mockserver.compiled_validation import CompiledValidator
from revokit.mockserver.reference_validation import OpenAPICoreValidator
from revokit.mockserver.validation import MISSING, OpenAPIRequest, OpenAPIResponse
from revokit.specs import load_spec, resolve_ref
from revokit_testing import TEST_SCRYPT_N

FAMILIES = ("app-keys", "medusa-v1", "xclade-v2")
REQUESTS_PER_OPERATION_AND_MODE = 12
BODIES_PER_RESPONSE_AND_MODE = 3
SETTINGS = {
    "derandomize": True,
    "deadline": None,
    "database": None,
    "suppress_health_check": list(HealthCheck),
    "phases": [hypothesis.Phase.generate],
}


@pytest.fixture(scope="module")
def compared() -> Counter:
    counts: Counter = Counter()
    yield counts
    # The file's docstring promises thousands of cases; say how many were compared (a figure to
    # quote from a run: it moves whenever a spec changes, so no document should state it).
    requests = sum(v for k, v in counts.items() if k.endswith(" requests"))
    responses = sum(v for k, v in counts.items() if k.endswith(" responses"))
    print("\ncases compared: " + ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))
    print(f"in total: {requests} requests, {responses} response bodies")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def _query(query: Any) -> ImmutableMultiDict:
    pairs: list[tuple[str, str]] = []
    for name, value in (query or {}).items():
        for item in value if isinstance(value, list) else [value]:
            pairs.append((str(name), _text(item)))
    return ImmutableMultiDict(pairs)


def _request(case: Any, template: str, body: Any, parsed_body: bool) -> OpenAPIRequest:
    """An OpenAPIRequest as the engine builds it from what an HTTP client sends for ``case``."""
    path_params = {str(k): _text(v) for k, v in (case.path_parameters or {}).items()}
    path = template
    for name, value in path_params.items():
        path = path.replace("{" + name + "}", value)
    headers = Headers([(str(k), _text(v)) for k, v in (case.headers or {}).items()])
    has_body = body is not NOT_SET and body is not None
    return OpenAPIRequest(
        method=case.method,
        path=path,
        query=_query(case.query),
        headers=headers,
        cookies={},
        path_params=path_params,
        body=json.dumps(body).encode() if has_body and not parsed_body else None,
        json_body=body if has_body and parsed_body else MISSING,
        content_type="application/json" if has_body else "",
        template=template,
    )


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [
        (template, method, op["operationId"])
        for template, item in spec["paths"].items()
        for method, op in item.items()
        if isinstance(op, dict) and "operationId" in op
    ]


def _json_body(case: Any) -> Any:
    """The body as the engine would hand it over, or NOT_SET when the engine refuses it first."""
    body = case.body
    if body is NOT_SET or case.media_type not in (None, "application/json"):
        return NOT_SET
    if isinstance(body, bytes | str):
        try:
            return json.loads(body)  # the engine answers malformed JSON before validating
        except ValueError:
            return NOT_SET
    return body


class _RequestComparison:
    def __init__(self, reference: OpenAPICoreValidator, compiled: CompiledValidator) -> None:
        self.reference = reference
        self.compiled = compiled
        self.accepted = self.refused = 0
        self.decisions: list[str] = []  # accept/refuse differences: the engines' own judgement
        self.mismatches: list[str] = []  # same decision, other words or query values
        self.unsatisfiable: list[str] = []

    def run(self, operation: Any, template: str, mode: GenerationMode) -> None:
        @given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis.settings(max_examples=REQUESTS_PER_OPERATION_AND_MODE, **SETTINGS)
        def compare(case: Any) -> None:
            body = _json_body(case)
            if case.body is not NOT_SET and body is NOT_SET:
                return
            expected = self.reference.validate_request(_request(case, template, body, False), template)
            # Half the cases hand over the parsed body (as the engine does), half the raw bytes.
            parsed = (self.accepted + self.refused) % 2 == 0
            actual = self.compiled.validate_request(_request(case, template, body, parsed), template)
            if bool(actual.violations) != bool(expected.violations):
                self.decisions.append(
                    f"{case.operation.label} {mode.value}: the reference "
                    f"{'refuses' if expected.violations else 'accepts'}, the compiled schemas "
                    f"{'refuse' if actual.violations else 'accept'}: query={case.query!r} body={body!r}"
                )
            elif (actual.violations, actual.query) != (expected.violations, expected.query):
                self.mismatches.append(
                    f"{case.operation.label} {mode.value}: query={case.query!r} headers={case.headers!r} "
                    f"path={case.path_parameters!r} body={body!r}\n"
                    f"  reference: {expected.violations} {expected.query}\n"
                    f"  compiled:  {actual.violations} {actual.query}"
                )
            if expected.violations:
                self.refused += 1
            else:
                self.accepted += 1

        try:
            compare()
        except hypothesis.errors.Unsatisfiable:
            # Nothing to break: an operation without parameters or body has no negative requests.
            assert mode is GenerationMode.NEGATIVE
            self.unsatisfiable.append(operation.label)


@pytest.mark.parametrize("family", FAMILIES)
def test_requests_are_judged_alike(family: str, compared: Counter) -> None:
    spec = load_spec(family)
    comparison = _RequestComparison(OpenAPICoreValidator(spec), CompiledValidator(spec))
    schema = schemathesis.openapi.from_dict(copy.deepcopy(spec))
    for template, method, _operation_id in _operations(spec):
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            comparison.run(schema[template][method.upper()], template, mode)

    compared[f"{family} requests"] = comparison.accepted + comparison.refused
    decisions = comparison.decisions
    assert not decisions, f"{len(decisions)} decisions differ; first ones:\n" + "\n".join(decisions[:5])
    mismatches = comparison.mismatches
    assert not mismatches, f"{len(mismatches)} mismatches; first ones:\n" + "\n".join(mismatches[:5])
    assert comparison.compiled.disagreements == 0, comparison.compiled.disagreement_log
    # Both kinds of decision were exercised, many times.
    assert comparison.accepted > 25 and comparison.refused > 25, (comparison.accepted, comparison.refused)


def _response_cases(spec: dict[str, Any]) -> list[tuple[str, str, str, str, dict[str, Any]]]:
    """(template, method, operationId, status, JSON schema) for every JSON response body."""
    out = []
    for template, method, operation_id in _operations(spec):
        for status, raw_response in spec["paths"][template][method]["responses"].items():
            response = resolve_ref(spec, raw_response)
            media = response.get("content", {}).get("application/json")
            if media and "schema" in media and not response.get("headers"):
                out.append((template, method, operation_id, str(status), media["schema"]))
    return out


def _body_spec(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A one-operation spec whose request body is ``schema``: Schemathesis then draws its instances."""
    return {
        "openapi": spec["openapi"],
        "info": {"title": "response bodies", "version": "1"},
        "paths": {
            "/body": {
                "post": {
                    "operationId": "body",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        "components": copy.deepcopy(spec.get("components", {})),
    }


def _mutations(value: Any, rng: random.Random) -> list[Any]:
    """A few deterministic ways to break a valid body: drop, retype or add a property, or retype it."""
    out: list[Any] = [None, [], "text"]
    if isinstance(value, dict) and value:
        key = rng.choice(sorted(value))
        dropped = dict(value)
        del dropped[key]
        retyped = dict(value)
        retyped[key] = [] if not isinstance(value[key], list) else "x"
        extra = dict(value)
        extra["unexpected_property"] = 1
        out += [dropped, retyped, extra]
        inner = value[key]
        if isinstance(inner, dict) and inner:
            nested = copy.deepcopy(value)
            nested_key = rng.choice(sorted(inner))
            nested[key][nested_key] = {"not": "expected"}
            out.append(nested)
        if isinstance(inner, str):
            odd = dict(value)
            odd[key] = inner + "\n"  # Python's `$` matches before a final newline
            out.append(odd)
    return out


def _draw_bodies(bodies: Any, mode: GenerationMode, judge: Any, rng: random.Random) -> None:
    @given(case=bodies.as_strategy(generation_mode=mode))
    @hypothesis.settings(max_examples=BODIES_PER_RESPONSE_AND_MODE, **SETTINGS)
    def draw(case: Any) -> None:
        body = _json_body(case)
        if body is NOT_SET:
            return
        judge(body)
        if mode is GenerationMode.POSITIVE:
            for broken in _mutations(body, rng):
                judge(broken)

    draw()


@pytest.mark.parametrize("family", FAMILIES)
def test_responses_are_judged_alike(family: str, compared: Counter) -> None:
    spec = load_spec(family)
    reference = OpenAPICoreValidator(spec)
    compiled = CompiledValidator(spec)
    rng = random.Random(20261123)
    valid = invalid = 0
    mismatches: list[str] = []

    def judge(template: str, method: str, status: str, body: Any, mimetype: str = "application/json") -> None:
        nonlocal valid, invalid
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        request = OpenAPIRequest(
            method=method,
            path=template,
            query=ImmutableMultiDict(),
            headers=Headers(),
            cookies={},
            path_params={},
            body=None,
            content_type="",
            template=template,
        )
        response = OpenAPIResponse(int(status), data, mimetype, Headers())
        expected = reference.response_errors(request, response)
        actual = compiled.response_errors(request, response)
        if expected != actual:
            mismatches.append(f"{method} {template} {status} {body!r}:\n  {expected}\n  {actual}")
        if expected:
            invalid += 1
        else:
            valid += 1

    for template, method, _operation_id, status, schema in _response_cases(spec):
        if not status.isdigit():
            continue
        bodies = schemathesis.openapi.from_dict(_body_spec(spec, schema))["/body"]["POST"]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _draw_bodies(bodies, mode, lambda body, t=template, m=method, s=status: judge(t, m, s, body), rng)

    # text/plain answers (Medusa's bare 401 "Unauthorized"): decoded as UTF-8 by both.
    for template, method, _operation_id in _operations(spec):
        for status, raw_response in spec["paths"][template][method]["responses"].items():
            response = resolve_ref(spec, raw_response)
            if "text/plain" in response.get("content", {}) and not response.get("headers"):
                for raw in (b"Unauthorized", b"", b"\xff\xfe not UTF-8", b'{"a": 1}'):
                    judge(template, method, str(status), raw, "text/plain")
                judge(template, method, str(status), {"message": "Unauthorized"})  # the wrong media type

    compared[f"{family} responses"] = valid + invalid
    assert not mismatches, f"{len(mismatches)} mismatches; first ones:\n" + "\n".join(mismatches[:5])
    assert compiled.disagreements == 0, compiled.disagreement_log
    assert valid > 50 and invalid > 50, (valid, invalid)


def _admin_headers(family: str, seed: dict[str, Any]) -> dict[str, str]:
    if family == "xclade-v2":
        return {"Authorization": f"Bearer {seed['admin']['token']}"}
    if family == "medusa-v1":
        return {"x-medusa-access-token": seed["admin"]["api_token"]}
    return {"Authorization": f"Bearer {seed['users'][0]['token']}"}


@pytest.mark.parametrize("family", FAMILIES)
def test_both_engines_answer_invalid_requests_with_the_same_bodies(family: str) -> None:
    """End to end through the family's error rendering: the engine choice changes no status.

    The statuses are each engine's own decision; the equal bodies of a refusal follow from the
    delegation (the compiled path asks openapi-core for the words) and guard only its wiring."""
    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    apps = {
        engine: create_app(
            MockConfig(
                family=family,
                validator=engine,
                validate_responses=True,
                scrypt_n=TEST_SCRYPT_N,
                frozen_at=at,
                jwt_secret="one-secret-so-one-token-serves-both-apps",  # each app draws its own otherwise
            )
        )
        for engine in ("compiled", "openapi-core")
    }
    headers = _admin_headers(family, apps["compiled"].extensions["revokit"].seed_info)
    clients = {engine: app.test_client() for engine, app in apps.items()}
    compared = refused = 0
    for template, method, _operation_id in _operations(load_spec(family)):
        path = re.sub(r"{[^}]+}", "01ARZ3NDEKTSV4RRFFQ69G5FAV", template)
        attempts: list[dict[str, Any]] = [{"query_string": "limit=many&offset=-1&unknown_param=1"}]
        if method in ("post", "put", "patch"):
            attempts += [
                {"json": {"unexpected_property": 1}},
                {"json": []},
                {"json": {"title": 5, "name": None}},
            ]
        for attempt in attempts:
            answers = [
                clients[e].open(path, method=method.upper(), headers=headers, **attempt) for e in clients
            ]
            compiled, reference = answers
            assert compiled.status_code == reference.status_code, (method, path, attempt)
            refused += compiled.status_code == 400
            if compiled.status_code >= 400:
                assert compiled.get_json(silent=True) == reference.get_json(silent=True), (
                    method,
                    path,
                    attempt,
                )
                assert compiled.get_data() == reference.get_data(), (method, path, attempt)
            compared += 1
    assert compared > 10 and refused > 5, (compared, refused)
