"""The bundled specs are valid OpenAPI, their links resolve, and the wheel's package list is complete."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from revokit.specs import SPEC_FILES, load_profile, load_spec, profile_names, validate_spec

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("name", list(SPEC_FILES))
def test_spec_is_valid_openapi(name):
    validate_spec(name)


@pytest.mark.parametrize("name", [n for n in SPEC_FILES if n != "control"])
def test_every_operation_has_an_id_and_links_resolve(name):
    spec = load_spec(name)
    ids, targets = [], []
    for item in spec["paths"].values():
        for method, op in item.items():
            if method in ("parameters", "summary", "description"):
                continue
            ids.append(op["operationId"])
            for response in op.get("responses", {}).values():
                for link in response.get("links", {}).values():
                    targets.append(link["operationId"])
    assert len(ids) == len(set(ids))
    assert set(targets) <= set(ids)


def test_profiles_load_and_name_their_family():
    for name in profile_names():
        profile = load_profile(name)
        assert profile.name == name
        for flag, sentence in profile.deviations.items():
            assert flag.isidentifier() and sentence.strip().endswith(".")


def test_pyproject_lists_every_package():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    mapping = config["package-dir"]
    listed = set(config["packages"])
    found = set()
    for package, folder in mapping.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder)
            found.add(".".join([package, *relative.parts]))
    assert found == listed


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    ci = (ROOT / ".ci" / "run").read_text()
    blocks = [b.split("```", 1)[0].strip() for b in readme.split("```sh\n")[1:]]
    assert len(blocks) >= 2
    test_command = blocks[1]
    assert "pytest" in test_command and test_command in ci
