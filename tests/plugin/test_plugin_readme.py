"""The README's example test file runs as written: on the mocks, and against backends reached
with ``--revokit-base-url`` (where its mock-only tests are skipped)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"
EXAMPLE_HEADER = "# tests/test_storefront.py\n"


def readme_example() -> str:
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.DOTALL)
    examples = [b for b in blocks if b.startswith(EXAMPLE_HEADER)]
    assert len(examples) == 1, "the README has one example test file"
    return examples[0]


def test_the_readme_example_passes_on_the_mocks(pytester: pytest.Pytester, run):
    pytester.makepyfile(test_storefront=readme_example())
    result = run()
    tests = re.findall(r"^def (test_\w+)", readme_example(), flags=re.MULTILINE)
    assert "test_rotating_every_secret_key_logs_my_client_out_but_not_the_storefront" in tests
    result.assert_outcomes(passed=len(tests))


def test_the_readme_example_passes_against_backends(pytester: pytest.Pytester, run, separate_mock):
    v2, app_keys = separate_mock("xclade-v2"), separate_mock("app-keys")
    pytester.makepyfile(test_storefront=readme_example())
    result = run(
        f"--revokit-base-url=xclade-v2={v2.url}",
        f"--revokit-base-url=app-keys={app_keys.url}",
        "--revokit-email=admin@medusa-test.com",
        "--revokit-password=supersecret",
        f"--revokit-token=app-keys={app_keys.runtime.seed_info['users'][0]['token']}",
    )
    mock_only = readme_example().count("@pytest.mark.revokit_mock_only")
    tests = len(re.findall(r"^def test_", readme_example(), flags=re.MULTILINE))
    result.assert_outcomes(passed=tests - mock_only, skipped=mock_only)
