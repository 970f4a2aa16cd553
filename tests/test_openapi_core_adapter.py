"""The openapi-core internals the compiled validator calls (mockserver/openapi_core_adapter.py):
if an openapi-core upgrade renames or reshapes them, these tests fail, naming the step."""

from __future__ import annotations

import pytest
from openapi_core.validation.request.exceptions import (
    MissingRequestBodyError,
    ParameterValidationError,
    RequestBodyValidationError,
)
from werkzeug.datastructures import Headers, ImmutableMultiDict

from revokit.mockserver.compiled_validation import CompiledValidator
from revokit.mockserver.openapi_core_adapter import OpenAPICoreChanged, unmarshal_body, unmarshal_parameter
from revokit.mockserver.validation import OpenAPIRequest

SPEC = {
    "openapi": "3.1.0",
    "info": {"title": "adapter", "version": "1"},
    "paths": {
        "/things": {
            "post": {
                "operationId": "PostThings",
                "parameters": [
                    {
                        "name": "limit",
                        "in": "query",
                        "required": True,
                        "schema": {"type": "integer", "minimum": 1},
                    }
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"name": {"type": "string"}},
                                "required": ["name"],
                            }
                        }
                    },
                },
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}


@pytest.fixture(scope="module")
def validator() -> CompiledValidator:
    return CompiledValidator(SPEC)


def _request(query: dict[str, str], body: bytes | None) -> OpenAPIRequest:
    return OpenAPIRequest(
        method="POST",
        path="/things",
        query=ImmutableMultiDict(query),
        headers=Headers(),
        cookies={},
        path_params={},
        body=body,
        content_type="application/json",
        template="/things",
    )


def _parameter(validator: CompiledValidator, query: dict[str, str]) -> object:
    unmarshaller = validator.reference.api.request_unmarshaller
    path = validator._spec_path("paths", "/things", "post", "parameters", 0)
    return unmarshal_parameter(unmarshaller, _request(query, b"{}").parameters, path)


def _body(validator: CompiledValidator, body: bytes | None) -> object:
    unmarshaller = validator.reference.api.request_unmarshaller
    path = validator._spec_path("paths", "/things", "post")
    return unmarshal_body(unmarshaller, body, "application/json", path)


def test_a_parameter_is_cast_and_checked(validator: CompiledValidator) -> None:
    assert _parameter(validator, {"limit": "3"}) == 3
    with pytest.raises(ParameterValidationError):
        _parameter(validator, {"limit": "0"})
    with pytest.raises(ParameterValidationError):
        _parameter(validator, {"limit": "many"})


def test_a_body_is_decoded_and_checked(validator: CompiledValidator) -> None:
    assert _body(validator, b'{"name": "a"}') == {"name": "a"}
    with pytest.raises(RequestBodyValidationError):
        _body(validator, b'{"name": 5}')
    with pytest.raises(MissingRequestBodyError):
        _body(validator, None)


def test_the_compiled_validator_explains_refusals_through_them(validator: CompiledValidator) -> None:
    result = validator.validate_request(_request({"limit": "0"}, b'{"name": 5}'), "/things")
    kinds = {(v.location, v.field, v.kind) for v in result.violations}
    assert ("query", "limit", "minimum") in kinds
    assert any(location == "body" and field == "name" for location, field, _ in kinds)


def test_a_missing_step_is_named() -> None:
    with pytest.raises(OpenAPICoreChanged, match="_get_parameter"):
        unmarshal_parameter(object(), None, None)
    with pytest.raises(OpenAPICoreChanged, match="_get_body"):
        unmarshal_body(object(), None, "application/json", None)


def test_warm_up_takes_the_format_checker_off_the_request_path() -> None:
    """`revokit mock` calls warm_up once it answers: the first date-time a response carries then
    finds the format checker imported (it cost that request 0.26 s, the p99 of the write workloads)."""
    from revokit.mockserver import compiled_validation

    compiled_validation._openapi_format_checker.cache_clear()
    compiled_validation.warm_up()
    assert compiled_validation._openapi_format_checker.cache_info().currsize == 1
    checker = compiled_validation._openapi_format_checker()
    assert checker.conforms("2026-12-06T21:00:00.000Z", "date-time")
    assert not checker.conforms("yesterday", "date-time")
