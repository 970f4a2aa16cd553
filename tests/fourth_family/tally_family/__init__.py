"""The tally family's one registration: where its spec, seed, mock, suite and kit are.

Import-light on purpose (revokit loads this through the ``revokit.families`` entry point in every
process that asks which families exist); the parts are named by string.
"""

from revokit.registry import FamilyDescriptor

DESCRIPTOR = FamilyDescriptor(
    name="tally",
    spec="tally_family:tally.yaml",
    seed="tally_family:seed.yaml",
    mock="tally_family.mock",
    suite="tally_family.suite:SUITE",
    kit="tally_family.kit:TallyKit",
    clients={"admin": "tally admin API (``X-Admin-Token`` of the seed)."},
    key_factory="tally keys: ``factory()`` an active key, ``factory('revoked')`` a revoked one.",
)
