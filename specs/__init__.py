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

import yaml

SPEC_DIR = Path(__file__).resolve().parent
PROFILE_DIR = SPEC_DIR / "profiles"

#: family name -> spec file. ``control`` is the mock's own control plane.
SPEC_FILES: dict[str, str] = {
    "medusa-v1": "medusa-v1.yaml",
    "xclade-v2": "xclade-v2.yaml",
    "app-keys": "app-keys.yaml",
    "control": "control.yaml",
}

CONTRACT_PROFILE = "contract"


def spec_path(name: str) -> Path:
    try:
        return SPEC_DIR / SPEC_FILES[name]
    except KeyError:
        raise KeyError(f"unknown spec {name!r}; known: {', '.join(SPEC_FILES)}") from None


@cache
def spec_text(name: str) -> str:
    return spec_path(name).read_text(encoding="utf-8")


@cache
def _parsed(name: str) -> dict[str, Any]:
    # libyaml's loader when present: 4-10x faster than the pure-Python one on these documents.
    return yaml.load(spec_text(name), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_spec(name: str) -> dict[str, Any]:
    """A private deep copy of the parsed spec (callers may change it freely)."""
    return copy.deepcopy(_parsed(name))


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


def profile_names() -> list[str]:
    return [CONTRACT_PROFILE, *sorted(p.stem for p in PROFILE_DIR.glob("*.yaml"))]


@cache
def load_profile(name: str) -> Profile:
    if name == CONTRACT_PROFILE:
        return contract_profile()
    path = PROFILE_DIR / f"{name}.yaml"
    if not path.is_file():
        raise KeyError(f"unknown profile {name!r}; known: {', '.join(profile_names())}")
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    deviations = {d["flag"]: d["description"] for d in data.get("deviations", [])}
    return Profile(data["name"], data["family"], data.get("summary", ""), deviations)


def profile_for(family: str, name: str) -> Profile:
    """The profile a family runs under when ``name`` is selected: a profile of another family
    leaves this one on the contract."""
    profile = load_profile(name)
    if profile.family not in (None, family):
        return contract_profile(family)
    return profile
