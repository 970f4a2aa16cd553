"""Schemathesis (examples and coverage phases) of the app-keys spec against the app in-process."""

from __future__ import annotations

import hypothesis
import schemathesis

from revokit_testing import build_app

app = build_app("app-keys")
_seed = app.test_client().get("/__revokit/seed").get_json()
_alice = _seed["users"][0]

schema = schemathesis.openapi.from_wsgi("/__revokit/specs/app-keys.yaml", app)
schema.config.update(
    headers={
        "Authorization": f"Bearer {_alice['token']}",
        # A live sibling key: the key-use route needs one, and revoking random ids never hits it.
        "X-API-Key": _alice["applications"][0]["keys"][1]["key"],
    }
)
schema.config.phases.update(phases=["examples", "coverage"])
schema.config.generation.update(deterministic=True, max_examples=25)


@schema.parametrize()
@hypothesis.settings(max_examples=25, derandomize=True, deadline=None, database=None)
def test_app_keys_conforms_to_its_spec(case):
    app.extensions["revokit"].reset()
    case.call_and_validate()
