"""The openapi-core internals the compiled validator leans on, in one place.

``CompiledValidator`` asks openapi-core about one parameter or one body at a time (when its own
compiled schemas refuse a value, or a parameter style is not compiled). openapi-core's public
API unmarshals a whole request at once; the per-part steps are methods of its request
unmarshaller that are not public: ``_get_parameter`` and ``_get_body`` (openapi-core 0.23). This
module is the only caller, and ``tests/test_openapi_core_adapter.py`` fails loudly when an
openapi-core upgrade renames or reshapes them.
"""

from __future__ import annotations

from typing import Any


class OpenAPICoreChanged(RuntimeError):
    """openapi-core no longer has the internal step this adapter calls."""


def _step(unmarshaller: Any, name: str) -> Any:
    step = getattr(unmarshaller, name, None)
    if step is None:
        raise OpenAPICoreChanged(
            f"openapi-core's {type(unmarshaller).__name__} has no {name} any more: "
            "mockserver/openapi_core_adapter.py must follow the upgrade"
        )
    return step


def unmarshal_parameter(unmarshaller: Any, parameters: Any, spec_path: Any) -> Any:
    """One parameter, deserialised, cast and validated as openapi-core does; raises openapi-core's
    ``MissingParameter`` or ``ParameterValidationError``."""
    return _step(unmarshaller, "_get_parameter")(parameters, spec_path)


def unmarshal_body(unmarshaller: Any, body: bytes | None, content_type: str, spec_path: Any) -> Any:
    """A request body, decoded and validated as openapi-core does; raises openapi-core's
    ``MissingRequestBody`` or ``RequestBodyValidationError``."""
    return _step(unmarshaller, "_get_body")(body, content_type, spec_path)
