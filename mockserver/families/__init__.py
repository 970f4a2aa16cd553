"""The API families the mock serves; each subpackage exports ``FAMILY`` (a ``FamilyDefinition``).

Which module serves a family is its descriptor's ``mock`` (``revokit.registry``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...registry import family, load_object

if TYPE_CHECKING:
    from ..engine import FamilyDefinition


def get_family(name: str) -> FamilyDefinition:
    return load_object(family(name).mock, "FAMILY")
