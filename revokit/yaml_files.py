"""Reading the project's YAML (specs, profiles, messages, seed data, allowances): one loader."""

from __future__ import annotations

from typing import Any

import yaml

# libyaml's safe loader when PyYAML was built with it (its wheels are): 4-10x faster than the
# pure-Python one, which was a third of the mock's start-up.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(text: str) -> Any:
    """The data of one YAML document, as ``yaml.safe_load`` reads it."""
    return yaml.load(text, Loader=SAFE_LOADER)
