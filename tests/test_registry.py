"""The family registry (``revokit/registry.py``): each descriptor's parts exist and agree on the
family's name, and the conformance suites load without the mock."""

from __future__ import annotations

import subprocess
import sys

import pytest

from revokit.registry import BUNDLED, family, family_names, load_object
from revokit.specs import message_names, profile_for


@pytest.mark.parametrize("descriptor", BUNDLED, ids=lambda d: d.name)
def test_every_part_a_descriptor_names_exists_and_is_that_familys(descriptor) -> None:
    paths = [descriptor.spec_path(), descriptor.seed_path(), descriptor.messages_path()]
    paths += [descriptor.answers_path()] if descriptor.answers else []
    paths += descriptor.profile_paths()
    assert all(path is not None and path.is_file() for path in paths), paths
    assert message_names(descriptor.name)
    for profile in descriptor.profile_paths():
        assert profile_for(descriptor.name, profile.stem).family == descriptor.name
    assert load_object(descriptor.mock, "FAMILY").name == descriptor.name
    assert load_object(descriptor.suite, "SUITE").family == descriptor.name
    kit = load_object(descriptor.kit)
    assert kit.family == descriptor.name
    assert all(callable(getattr(kit, method, None)) for method in descriptor.clients)


def test_an_unknown_family_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="unknown family 'nope'; known: medusa-v1, xclade-v2, app-keys"):
        family("nope")
    assert family_names()[:3] == ("medusa-v1", "xclade-v2", "app-keys")


def test_the_conformance_suites_load_without_the_mock() -> None:
    """contracts/ stays independent of the mock: running every suite's import (and the CLI's)
    loads no module of revokit.mockserver. (Only spec_judge borrows the mock's validator, on the
    first "schema-violating request accepted" it has to judge.)"""
    script = (
        "import sys\n"
        "import revokit.contracts, revokit.contracts.cli\n"
        "from revokit.contracts.suite import get_suite\n"
        "from revokit.registry import BUNDLED\n"
        "for d in BUNDLED: get_suite(d.name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('revokit.mockserver')))\n"
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
