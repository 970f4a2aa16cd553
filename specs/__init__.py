"""The bundled OpenAPI documents and behaviour profiles: the one place that loads them.

Everything else (the mock's router and validators, the contract suites, ``revokit specs``) asks
this module for a spec by family name, so a spec is read and parsed once per process.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..registry import families, family
from ..yaml_files import load_yaml

SPEC_DIR = Path(__file__).resolve().parent
PROFILE_DIR = SPEC_DIR / "profiles"

#: The mock's own control plane; every other spec is a family's, found through the registry.
CONTROL_SPEC = "control"

#: spec name -> file: every registered family's (``revokit.registry``), then the control plane's.
SPEC_FILES: dict[str, Path] = {
    **{descriptor.name: descriptor.spec_path() for descriptor in families()},
    CONTROL_SPEC: SPEC_DIR / "control.yaml",
}

CONTRACT_PROFILE = "contract"


def spec_path(name: str) -> Path:
    try:
        return SPEC_FILES[name]
    except KeyError:
        raise KeyError(f"unknown spec {name!r}; known: {', '.join(SPEC_FILES)}") from None


@cache
def spec_text(name: str) -> str:
    return spec_path(name).read_text(encoding="utf-8")


@cache
def _parsed(name: str) -> dict[str, Any]:
    return load_yaml(spec_text(name))


def load_spec(name: str) -> dict[str, Any]:
    """A private deep copy of the parsed spec (callers may change it freely)."""
    return copy.deepcopy(_parsed(name))


def resolve_ref(spec: dict[str, Any], node: Any) -> Any:
    """``node`` with its local ``$ref`` chain followed (``#/components/...``) to what it names."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def validate_spec(name: str) -> None:
    """Raise ``openapi_spec_validator``'s error if the document is not valid OpenAPI."""
    from openapi_spec_validator import validate

    validate(load_spec(name), base_uri=spec_path(name).as_uri())


@dataclass(frozen=True)
class Profile:
    """A named set of deviations from the documented contract, each one flag and one sentence."""

    name: str
    family: str | None
    summary: str = ""
    deviations: dict[str, str] = field(default_factory=dict)

    def enabled(self, flag: str) -> bool:
        return flag in self.deviations


def contract_profile(family: str | None = None) -> Profile:
    return Profile(CONTRACT_PROFILE, family, "The documented contract: no deviations.")


@cache
def _profile_files() -> dict[str, Path]:
    """profile name (its file's stem) -> file, over every registered family's profiles."""
    return {path.stem: path for descriptor in families() for path in descriptor.profile_paths()}


def profile_names() -> list[str]:
    return [CONTRACT_PROFILE, *sorted(_profile_files())]


@cache
def load_profile(name: str) -> Profile:
    if name == CONTRACT_PROFILE:
        return contract_profile()
    path = _profile_files().get(name)
    if path is None or not path.is_file():
        raise KeyError(f"unknown profile {name!r}; known: {', '.join(profile_names())}")
    data = load_yaml(path.read_text(encoding="utf-8"))
    deviations = {d["flag"]: d["description"] for d in data.get("deviations", [])}
    return Profile(data["name"], data["family"], data.get("summary", ""), deviations)


def profile_for(family: str, name: str) -> Profile:
    """The profile a family runs under when ``name`` is selected: a profile of another family
    leaves this one on the contract."""
    profile = load_profile(name)
    if profile.family not in (None, family):
        return contract_profile(family)
    return profile


# -- error bodies ---------------------------------------------------------------------------------


@cache
def _messages(family_name: str) -> dict[str, Any]:
    path = family(family_name).messages_path()
    if path is None:
        return {}
    return load_yaml(path.read_text(encoding="utf-8")) or {}


def message_names(family_name: str) -> list[str]:
    """The errors of the family's message catalogue (``specs/<family>.messages.yaml``)."""
    return list(_messages(family_name))


def error_body(family_name: str, name: str, /, **values: Any) -> Any:
    """The body of the family's error ``name`` as its catalogue words it, every ``{placeholder}``
    filled from ``values``: what the mock sends and what the conformance suite expects."""
    try:
        entry = _messages(family_name)[name]
    except KeyError:
        raise KeyError(f"{family_name} has no error {name!r} in its message catalogue") from None
    return _fill(entry, values)


def error_message(family_name: str, name: str, /, **values: Any) -> str:
    """The ``message`` of the family's error ``name`` (or the whole body, when it is text)."""
    body = error_body(family_name, name, **values)
    return body["message"] if isinstance(body, dict) else str(body)


def _fill(entry: Any, values: dict[str, Any]) -> Any:
    if isinstance(entry, str):
        return entry.format(**values) if values else entry
    if isinstance(entry, list):
        return [_fill(item, values) for item in entry]
    if isinstance(entry, dict):
        return {key: _fill(value, values) for key, value in entry.items()}
    return entry
