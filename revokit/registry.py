"""The one registry of API families: each family is one ``FamilyDescriptor``, listed once.

A descriptor says where everything of its family is, by name, so that nothing else keeps a list
of families: the spec and seed files, the behaviour profiles, the mock's family module, the
conformance suite and the pytest plugin's kit. Parts are named by string and imported only by
whoever needs them, so the mock never loads the suites, ``revokit.contracts`` never loads the mock,
and the pytest plugin (imported by every pytest run) loads neither.

The bundled families are listed in ``BUNDLED`` below. Another package adds a family with an entry
point in the ``revokit.families`` group naming its descriptor::

    [project.entry-points."revokit.families"]
    tally = "tally_family:DESCRIPTOR"

Standard library only: the pytest plugin's settings import this module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import import_module
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

ENTRY_POINT_GROUP = "revokit.families"


@dataclass(frozen=True)
class FamilyDescriptor:
    """Where one family's parts are. Files are ``"package:file name"`` (the package is imported
    to find its folder); code is ``"module"`` or ``"module:attribute"``."""

    name: str  # what users type: `revokit mock NAME`, `revokit check NAME`, --revokit-families
    spec: str  # the OpenAPI document
    mock: str  # the module exporting ``FAMILY``, the mock's ``FamilyDefinition``
    seed: str | None = None  # the seed data (YAML) the mock starts from
    answers: str | None = None  # plain-data answers of the routes around the keys (seed_answers)
    messages: str | None = None  # the error-message catalogue (YAML) the mock and the suite share
    profiles: tuple[str, ...] = ()  # behaviour profiles (YAML) that reproduce a release
    suite: str | None = None  # the conformance suite (``revokit check``), a ``FamilySuite``
    kit: str | None = None  # the pytest plugin's kit class (ready clients, key factory)
    # The kit's ready clients: method name -> what the client is. The plugin makes one fixture per
    # entry, ``<name with _>_<method>`` (``medusa_v1_admin``), plus ``<name with _>_key_factory``.
    clients: Mapping[str, str] = field(default_factory=dict)
    key_factory: str = ""  # what the ``_key_factory`` fixture makes (empty: no such fixture)

    @property
    def fixture_prefix(self) -> str:
        return self.name.replace("-", "_")

    def spec_path(self) -> Path:
        return resource_path(self.spec)

    def seed_path(self) -> Path | None:
        return resource_path(self.seed) if self.seed else None

    def answers_path(self) -> Path | None:
        return resource_path(self.answers) if self.answers else None

    def messages_path(self) -> Path | None:
        return resource_path(self.messages) if self.messages else None

    def profile_paths(self) -> list[Path]:
        return [resource_path(p) for p in self.profiles]


def resource_path(ref: str) -> Path:
    """``"package:file"`` -> the file's path in that package's folder."""
    package, sep, name = ref.partition(":")
    if not sep or not name:
        raise ValueError(f"a family file is named 'package:file', not {ref!r}")
    module = import_module(package)
    return Path(module.__file__ or "").resolve().parent / name


def load_object(ref: str, default_attribute: str = "") -> Any:
    """``"module:attribute"`` (or ``"module"`` with ``default_attribute``) -> the object."""
    module_name, _, attribute = ref.partition(":")
    module = import_module(module_name)
    return getattr(module, attribute or default_attribute) if (attribute or default_attribute) else module


_MEDUSA_LOGIN = "the seeded admin, or --revokit-email/--revokit-password"

BUNDLED: tuple[FamilyDescriptor, ...] = (
    FamilyDescriptor(
        name="medusa-v1",
        spec="revokit.specs:medusa-v1.yaml",
        seed="revokit.fixtures:medusa-v1.yaml",
        answers="revokit.fixtures:medusa-v1-answers.yaml",
        messages="revokit.specs:medusa-v1.messages.yaml",
        profiles=("revokit.specs:profiles/medusa-1.20.yaml",),
        mock="revokit.mockserver.families.medusa_v1",
        suite="revokit.contracts.medusa_v1:SUITE",
        kit="revokit.testing_kits:MedusaV1Kit",
        clients={
            "admin": "medusa-v1 admin API, ``Authorization: Bearer`` JWT from ``POST /admin/auth/token`` "
            f"({_MEDUSA_LOGIN}).",
            "session": "medusa-v1 admin API with the ``connect.sid`` cookie of ``POST /admin/auth``.",
            "api_token": "medusa-v1 admin API with the user's API token in ``x-medusa-access-token``.",
            "store": "medusa-v1 store API without a publishable key (``.with_headers`` or the factory add one).",
        },
        key_factory="medusa-v1 publishable keys: ``factory('revoked', sales_channels=1)``; "
        "states active/revoked/deleted.",
    ),
    FamilyDescriptor(
        name="xclade-v2",
        spec="revokit.specs:xclade-v2.yaml",
        seed="revokit.fixtures:xclade-v2.yaml",
        answers="revokit.fixtures:xclade-v2-answers.yaml",
        messages="revokit.specs:xclade-v2.messages.yaml",
        profiles=("revokit.specs:profiles/medusa-2.21.yaml",),
        mock="revokit.mockserver.families.xclade_v2",
        suite="revokit.contracts.xclade_v2:SUITE",
        kit="revokit.testing_kits:XcladeV2Kit",
        clients={
            "admin": "xclade-v2 admin API, ``Authorization: Bearer`` JWT from ``POST /auth/user/emailpass`` "
            f"({_MEDUSA_LOGIN}).",
            "session": "xclade-v2 admin API with the ``connect.sid`` cookie of ``POST /auth/session``.",
            "secret": "xclade-v2 admin API authenticated by a secret key (HTTP Basic).",
            "store": "xclade-v2 store API with a fresh publishable key linked to a sales channel.",
        },
        key_factory="xclade-v2 keys: ``factory('scheduled', type='secret', revoke_in=60)``; "
        "states active/revoked/scheduled/deleted.",
    ),
    FamilyDescriptor(
        name="app-keys",
        spec="revokit.specs:app-keys.yaml",
        seed="revokit.fixtures:app-keys.yaml",
        messages="revokit.specs:app-keys.messages.yaml",
        mock="revokit.mockserver.families.app_keys",
        suite="revokit.contracts.app_keys:SUITE",
        kit="revokit.testing_kits:AppKeysKit",
        clients={"user": "app-keys management API as a user (``Authorization: Bearer`` JWT)."},
        key_factory="app-keys application keys: ``factory(siblings=2)``, ``factory('revoked')``, "
        "``.client_for(key)``.",
    ),
)


@cache
def _registered() -> dict[str, FamilyDescriptor]:
    found = {d.name: d for d in BUNDLED}
    for point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda p: p.name):
        descriptor = point.load()
        if not isinstance(descriptor, FamilyDescriptor):
            raise TypeError(f"entry point {ENTRY_POINT_GROUP}:{point.name} is no FamilyDescriptor")
        if descriptor.name in found and found[descriptor.name] != descriptor:
            raise ValueError(f"two families are named {descriptor.name!r} (entry point {point.value})")
        found[descriptor.name] = descriptor
    return found


def families() -> tuple[FamilyDescriptor, ...]:
    """Every registered family: the bundled ones first, then the entry points' by name."""
    return tuple(_registered().values())


def family_names() -> tuple[str, ...]:
    return tuple(_registered())


def family(name: str) -> FamilyDescriptor:
    """The descriptor of ``name``; ``KeyError`` (naming the known families) when none is registered."""
    try:
        return _registered()[name]
    except KeyError:
        raise KeyError(f"unknown family {name!r}; known: {', '.join(_registered())}") from None
