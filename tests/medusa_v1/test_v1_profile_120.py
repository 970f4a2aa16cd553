"""The medusa-1.20 profile: every deviation from the contract, one flag each."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from flask.testing import FlaskClient

import revokit.mockserver.families.medusa_v1 as family_package
from revokit.specs import PROFILE_DIR, load_profile

KEYS = "/admin/publishable-api-keys"
UNKNOWN = {"code": "unknown_error", "type": "unknown_error", "message": "An unknown error occurred."}
FLAGS = {
    "store_accepts_invalid_keys",
    "unknown_key_sales_channels_empty",
    "list_query_errors_are_500",
    "unauthorized_without_content_type",
    "malformed_json_html",
    "jwt_user_not_looked_up",
    "lone_surrogates_stored_replaced",
    "body_parser_errors_html",
    "unrouted_requests_get_express_404",
    "nul_character_fails_in_database",
    "sales_channel_id_must_be_an_array",
    "delete_unknown_channel_reports_deleted",
    "store_product_any_status",
    "store_list_without_key_default_channel",
    "array_body_skips_dto",
    "paging_read_as_numbers",
}
# Flags every family shares, read by the engine's request pipeline rather than by a family.
ENGINE_FLAGS = {"lone_surrogates_stored_replaced"}


def test_the_profile_file() -> None:
    raw = yaml.safe_load((PROFILE_DIR / "medusa-1.20.yaml").read_text())
    assert raw["name"] == "medusa-1.20" and raw["family"] == "medusa-v1" and raw["summary"]
    profile = load_profile("medusa-1.20")
    assert set(profile.deviations) == FLAGS
    for flag, description in profile.deviations.items():
        assert flag.islower() and " " not in flag
        text = description.strip()
        assert text.endswith(".") and text.count(". ") == 0, f"{flag}: one sentence please"


def test_every_flag_is_read_by_the_family_code() -> None:
    source = "\n".join(p.read_text() for p in Path(family_package.__file__).parent.glob("*.py"))
    for flag in FLAGS - ENGINE_FLAGS:
        assert f'"{flag}"' in source, flag
    assert source.count("profile.enabled(") >= len(FLAGS - ENGINE_FLAGS)
    engine = (Path(family_package.__file__).parents[2] / "pipeline.py").read_text()
    for flag in ENGINE_FLAGS:
        assert f'"{flag}"' in engine, flag


def test_the_control_plane_reports_the_profile(client_120: FlaskClient) -> None:
    body = client_120.get("/__revokit/profile").get_json()
    assert body["name"] == "medusa-1.20" and set(body["deviations"]) == FLAGS


def test_the_auth_middleware_401_has_no_content_type(client_120: FlaskClient) -> None:
    response = client_120.get(KEYS)
    assert response.status_code == 401
    assert response.get_data(as_text=True) == "Unauthorized"
    assert "Content-Type" not in response.headers
    failed_login = client_120.post("/admin/auth", json={"email": "admin@medusa-test.com", "password": "x"})
    assert failed_login.headers["Content-Type"] == "text/plain; charset=utf-8"  # res.sendStatus(401)


def test_malformed_json_gets_expresss_html_page(client_120: FlaskClient, auth: dict) -> None:
    response = client_120.post(KEYS, data='{"title": }', content_type="application/json", headers=auth)
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "text/html; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = response.get_data(as_text=True)
    assert (
        page.startswith("<!DOCTYPE html>")
        and "<pre>SyntaxError: Unexpected token in JSON at position 10</pre>" in page
    )


@pytest.mark.parametrize(
    "path",
    [
        f"{KEYS}?limit=-1",
        f"{KEYS}?offset=-5",
        f"{KEYS}?expand=sales_channels",
        f"{KEYS}?order=-nope",
        f"{KEYS}?fields=title,secret",
        "/admin/sales-channels?limit=-1",
        "/store/products?offset=-1",
    ],
)
def test_list_queries_reach_the_database(client_120: FlaskClient, auth: dict, path: str) -> None:
    response = client_120.get(path, headers=auth)
    assert response.status_code == 500
    assert response.get_json() == UNKNOWN


def test_validation_still_comes_first(client_120: FlaskClient, auth: dict) -> None:
    response = client_120.get(f"{KEYS}?limit=abc&expand=x", headers=auth)
    assert response.status_code == 400
    assert response.get_json() == {
        "type": "invalid_data",
        "message": "limit must be a number conforming to the specified constraints",
    }
    assert client_120.get(f"{KEYS}?order=-title&fields=title", headers=auth).status_code == 200


def test_channels_of_keys_that_do_not_exist(
    client_120: FlaskClient, auth: dict, keys: dict, channels: dict
) -> None:
    unknown = client_120.get(f"{KEYS}/pk_01G1G5V27GYX4QXNARRQCW1N8T/sales-channels", headers=auth)
    assert unknown.status_code == 200 and unknown.get_json() == {"sales_channels": []}
    key_id = keys["several_channels"]["id"]
    assert client_120.delete(f"{KEYS}/{key_id}", headers=auth).status_code == 200
    assert client_120.get(f"{KEYS}/{key_id}", headers=auth).status_code == 404
    leftovers = client_120.get(f"{KEYS}/{key_id}/sales-channels", headers=auth).get_json()["sales_channels"]
    assert [c["id"] for c in leftovers] == [channels["default"]["id"], channels["mobile"]["id"]]


def test_what_the_profile_leaves_alone(client_120: FlaskClient, auth: dict, keys: dict) -> None:
    key_id = keys["revoked"]["id"]
    again = client_120.post(f"{KEYS}/{key_id}/revoke", headers=auth)
    assert again.status_code == 400
    assert again.get_json() == {
        "type": "not_allowed",
        "message": "PublishableApiKey has already been revoked.",
    }
    missing = client_120.post(
        f"{KEYS}/pk_missing/sales-channels/batch", json={"sales_channel_ids": []}, headers=auth
    )
    assert missing.status_code == 404


def test_unrouted_requests_get_expresss_404_page(client_120: FlaskClient, auth: dict) -> None:
    for method, path in (("PUT", KEYS), ("GET", "/admin/nothing-here"), ("GET", "/store/nothing-here")):
        response = client_120.open(path, method=method, headers=auth)
        assert response.status_code == 404, (method, path)
        assert response.headers["Content-Type"] == "text/html; charset=utf-8"
        assert f"<pre>Cannot {method} {path}</pre>" in response.get_data(as_text=True)
        assert "Allow" not in response.headers
    # Under /admin the authentication middleware runs before Express finds no route.
    refused = client_120.get("/admin/nothing-here")
    assert (refused.status_code, refused.get_data(as_text=True)) == (401, "Unauthorized")


def test_head_and_preflight_answer_as_express_does(client_120: FlaskClient, auth: dict) -> None:
    head = client_120.head(KEYS, headers=auth)
    assert head.status_code == 200 and head.get_data() == b""
    preflight = client_120.options(
        KEYS, headers={"Origin": "http://x", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204 and "Content-Type" not in preflight.headers


def test_nul_in_an_id_or_a_body_fails_in_the_database(client_120: FlaskClient, auth: dict) -> None:
    assert client_120.get(f"{KEYS}/pk_%00", headers=auth).get_json() == UNKNOWN
    created = client_120.post(KEYS, json={"title": "a\u0000b"}, headers=auth)
    assert (created.status_code, created.get_json()) == (500, UNKNOWN)
    assert client_120.get(KEYS, headers={}).status_code == 401  # authentication still comes first


def test_a_single_plain_sales_channel_id_is_not_an_array(client_120: FlaskClient, channels: dict) -> None:
    channel = channels["mobile"]["id"]
    plain = client_120.get(f"/store/products?sales_channel_id={channel}")
    assert (plain.status_code, plain.get_json()) == (
        400,
        {"type": "invalid_data", "message": "sales_channel_id must be an array"},
    )
    assert client_120.get(f"/store/products?sales_channel_id[]={channel}").status_code == 200
    assert client_120.get(f"/store/products?sales_channel_id={channel}&sales_channel_id=x").status_code == 200
    assert client_120.get("/store/products?sales_channel_id=").status_code == 200


def test_deleting_an_unknown_channel_reports_it_deleted(client_120: FlaskClient, auth: dict) -> None:
    deleted = {"id": "sc_missing", "object": "sales-channel", "deleted": True}
    answer = client_120.delete("/admin/sales-channels/sc_missing", headers=auth)
    assert (answer.status_code, answer.get_json()) == (200, deleted)
    made = client_120.post("/admin/sales-channels", json={"name": "gone soon"}, headers=auth).get_json()
    channel_id = made["sales_channel"]["id"]
    assert client_120.delete(f"/admin/sales-channels/{channel_id}", headers=auth).status_code == 200
    again = client_120.delete(f"/admin/sales-channels/{channel_id}", headers=auth)
    assert (again.status_code, again.get_json()["deleted"]) == (200, True)
    assert client_120.get(f"/admin/sales-channels/{channel_id}", headers=auth).status_code == 404


UNKNOWN_VALUE = {"type": "invalid_data", "message": "an unknown value was passed to the validate function"}
INDEX_0 = {"type": "invalid_data", "message": "property 0 should not exist"}


def test_an_array_body_never_meets_the_dto(
    client: FlaskClient, client_120: FlaskClient, auth: dict, keys: dict, channels: dict
) -> None:
    """Each answer as 1.20.11 gave it (asked of the release for every body route)."""
    key = keys["one_channel"]
    channel = next(iter(channels.values()))
    key_before = client_120.get(f"{KEYS}/{key['id']}", headers=auth).get_json()
    channels_before = client_120.get(f"{KEYS}/{key['id']}/sales-channels", headers=auth).get_json()
    count_before = client_120.get("/admin/sales-channels", headers=auth).get_json()["count"]

    def post(path: str, body: list) -> tuple[int, dict]:
        answer = client_120.post(path, json=body, headers=auth)
        return answer.status_code, answer.get_json()

    assert post(KEYS, []) == (
        400,
        {
            "type": "invalid_data",
            "message": "Can't insert null value in field title on insert in table publishable_api_key",
        },
    )
    assert post(f"{KEYS}/{key['id']}", []) == (200, key_before)
    assert post("/admin/sales-channels", []) == (200, {"sales_channel": []})
    assert client_120.get("/admin/sales-channels", headers=auth).get_json()["count"] == count_before
    assert post(f"/admin/sales-channels/{channel['id']}", [])[0] == 200
    for batch in (
        f"{KEYS}/{key['id']}/sales-channels/batch",
        f"/admin/sales-channels/{channel['id']}/products/batch",
    ):
        assert post(batch, []) == (500, UNKNOWN)
    # The failed batch changed nothing: the key still has exactly the channels it had.
    assert client_120.get(f"{KEYS}/{key['id']}/sales-channels", headers=auth).get_json() == channels_before
    for path in ("/admin/auth", "/admin/auth/token", "/admin/products"):
        assert post(path, []) == (400, UNKNOWN_VALUE) and post(path, [1]) == (400, UNKNOWN_VALUE)
    for path in (KEYS, "/admin/sales-channels", f"{KEYS}/{key['id']}/sales-channels/batch"):
        assert post(path, [1]) == (400, INDEX_0)
    made = post("/admin/analytics-configs", [])
    assert made[0] == 200 and (
        made[1]["analytics_config"]["opt_out"],
        made[1]["analytics_config"]["anonymize"],
    ) == (False, False)
    assert client_120.post("/store/carts", json=[]).status_code == 200
    # The contract keeps to the spec: the body is an object.
    for path in (KEYS, f"{KEYS}/{key['id']}", "/admin/sales-channels", "/admin/auth"):
        assert client.post(path, json=[], headers=auth).status_code == 400


@pytest.mark.parametrize(
    ("query", "limit", "offset", "rows"),
    [
        # (1.20.11's answers for a list of 7 channels, asked of the release)
        ("limit=", 0, 0, 7),  # Number("") is 0: no LIMIT
        ("limit=0.5", 0.5, 0, 1),  # echoed as given, LIMIT rounds to 1
        ("limit=-6.0535420759448985e-30", -6.0535420759448985e-30, 0, 0),  # LIMIT rounds to 0
        ("limit=1e2", 100, 0, 7),
        ("limit=0x10", 16, 0, 7),
        ("offset=0.5", 20, 0.5, 6),  # OFFSET rounds to 1
        ("offset=-0.0", 20, 0, 7),
    ],
)
def test_paging_is_read_with_number(client_120: FlaskClient, auth: dict, query, limit, offset, rows) -> None:
    for index in range(7 - client_120.get("/admin/sales-channels", headers=auth).get_json()["count"]):
        client_120.post("/admin/sales-channels", json={"name": f"paging {index}"}, headers=auth)
    answer = client_120.get(f"/admin/sales-channels?{query}", headers=auth)
    body = answer.get_json()
    assert answer.status_code == 200, body
    assert (body["limit"], body["offset"], len(body["sales_channels"]), body["count"]) == (
        limit,
        offset,
        rows,
        7,
    )
    assert repr(body["limit"]) == repr(limit)  # 100, not 100.0


def test_paging_that_rounds_below_zero_fails_in_the_database(
    client: FlaskClient, client_120: FlaskClient, auth: dict
) -> None:
    for path in ("/admin/sales-channels", KEYS, "/admin/users"):
        assert client_120.get(f"{path}?offset=-0.5", headers=auth).status_code == 500
        assert client_120.get(f"{path}?limit=-0.4", headers=auth).status_code == 200
        assert client_120.get(f"{path}?limit=Infinity", headers=auth).status_code == 400
        assert client.get(f"{path}?limit=0.5", headers=auth).status_code == 400  # the contract: integers
