"""The API families the mock serves; each subpackage exports ``FAMILY`` (a ``FamilyDefinition``)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine import FamilyDefinition

MODULES: dict[str, str] = {
    "medusa-v1": "medusa_v1",
    "xclade-v2": "xclade_v2",
    "app-keys": "app_keys",
}


def get_family(name: str) -> FamilyDefinition:
    try:
        module = MODULES[name]
    except KeyError:
        raise KeyError(f"unknown family {name!r}; known: {', '.join(MODULES)}") from None
    return importlib.import_module(f"{__name__}.{module}").FAMILY
