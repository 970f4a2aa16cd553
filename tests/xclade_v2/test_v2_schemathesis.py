"""Schemathesis (examples and coverage phases) of the xclade-v2 spec against the app in-process."""

from __future__ import annotations

import hypothesis
import schemathesis

from revokit_testing import build_app

app = build_app("xclade-v2")
_seed = app.test_client().get("/__revokit/seed").get_json()
_default_key = next(k for k in _seed["api_keys"] if k["title"] == "Default Publishable API Key")

schema = schemathesis.openapi.from_wsgi("/__revokit/specs/xclade-v2.yaml", app)
schema.config.update(
    headers={
        # Admin and session routes: the seeded admin's JWT. Store routes: a linked publishable key.
        "Authorization": f"Bearer {_seed['admin']['token']}",
        "x-publishable-api-key": _default_key["token"],
    }
)
schema.config.phases.update(phases=["examples", "coverage"])
# Every default check applies and passes, so none is excluded: every status the mock answers
# (401 before validation, 400 for business rules, 404 for unknown ids, 405 with Allow, 500 for an
# unknown `order` field) is declared in the spec. The medusa-2.21 profile is deliberately not run
# here: it breaks the spec on purpose (see test_v2_profiles.py).
schema.config.generation.update(deterministic=True, max_examples=20)


@schema.parametrize()
@hypothesis.settings(max_examples=20, derandomize=True, deadline=None, database=None)
def test_xclade_v2_conforms_to_its_spec(case):
    app.extensions["revokit"].reset()
    case.call_and_validate()


# The generated cases above address keys by the spec's example ids, which the seed does not hold
# (so those calls end in 404). These hand-built cases run the same checks on seeded ids.
# (`@schemathesis.auth` providers do not apply to hand-built cases; the configured headers do.)
_keys = {k["title"]: k["id"] for k in _seed["api_keys"]}
_channel = _seed["sales_channels"][0]["id"]
_product = next(
    p["id"] for p in _seed["products"] if p["status"] == "published" and _channel in p["sales_channels"]
)
_HEADERS = {
    "Authorization": f"Bearer {_seed['admin']['token']}",
    "x-publishable-api-key": _default_key["token"],
}


def _call(path: str, method: str, **kwargs) -> None:
    case = schema[path][method].Case(headers=dict(_HEADERS), **kwargs)
    case.call_and_validate()


def test_seeded_ids_conform_to_the_spec():
    app.extensions["revokit"].reset()
    secret, unlinked = _keys["CI deploy key"], _keys["Unlinked storefront"]
    _call("/admin/api-keys/{id}", "GET", path_parameters={"id": secret})
    _call("/admin/api-keys/{id}", "POST", path_parameters={"id": secret}, body={"title": "renamed"})
    _call(
        "/admin/api-keys/{id}/sales-channels",
        "POST",
        path_parameters={"id": unlinked},
        body={"add": [_channel]},
    )
    _call(
        "/admin/api-keys/{id}/sales-channels",
        "POST",
        path_parameters={"id": secret},
        body={"add": [_channel]},
    )
    _call("/admin/api-keys/{id}", "DELETE", path_parameters={"id": secret})  # 400: not revoked
    _call("/admin/api-keys/{id}/revoke", "POST", path_parameters={"id": secret}, body={})
    _call("/admin/api-keys/{id}/revoke", "POST", path_parameters={"id": secret}, body={})  # 400: already
    _call("/admin/api-keys/{id}", "DELETE", path_parameters={"id": secret})
    _call("/admin/sales-channels/{id}", "GET", path_parameters={"id": _channel})
    _call(
        "/admin/sales-channels/{id}/products",
        "POST",
        path_parameters={"id": _channel},
        body={"add": [_product]},
    )
    _call("/store/products/{id}", "GET", path_parameters={"id": _product})
