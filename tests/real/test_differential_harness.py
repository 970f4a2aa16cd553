"""The differential harness itself, against two small WSGI apps: it must see each kind of difference."""

from __future__ import annotations

from flask import Flask, jsonify

from revokit.contracts.inprocess import serve_wsgi
from revokit_differential import Differential, Side, Step, normalise_text, shape, shapes_agree


def test_ids_timestamps_and_tokens_are_normalised() -> None:
    text = "key pk_01M95CYVAMMFBX42Y110V2FB0H at 2026-12-06T10:03:57.625Z sk_" + "ab" * 32
    assert normalise_text(text) == "key <pk-id> at <timestamp> <secret-key>"
    assert normalise_text("channel sc_1 of x", {"sc_1": "<channel>"}) == "channel <channel> of x"


def test_shapes_compare_keys_and_types_not_values() -> None:
    assert shape({"b": [1, 2], "a": None}) == {"a": "null", "b": ["list", "number"]}
    assert shapes_agree(shape({"items": []}), shape({"items": [{"id": "x"}]}))
    assert not shapes_agree(shape({"revoked_at": None}), shape({"revoked_at": "2026-01-01"}))
    assert not shapes_agree(shape({"a": 1}), shape({"a": 1, "b": 2}))


def _app(variant: str) -> Flask:
    app = Flask(variant)

    @app.post("/things")
    def create():
        return jsonify(thing={"id": "th_01M95CYVAMMFBX42Y110V2FB0H", "name": "x"})

    @app.get("/things/<thing_id>")
    def read(thing_id: str):
        if variant == "release":
            return jsonify(type="not_found", message=f"Thing with id: {thing_id} was not found"), 404
        return jsonify(type="not_found", message=f"Thing {thing_id} not found"), 404

    @app.get("/plain")
    def plain():
        if variant == "release":
            return "Unauthorized", 401, {"Content-Type": "text/plain; charset=utf-8"}
        return "Unauthorized", 401

    return app


def test_the_harness_counts_and_names_differences(capsys) -> None:
    with serve_wsgi(_app("release")) as release_url, serve_wsgi(_app("mock")) as mock_url:
        differential = Differential("demo", Side("release", release_url), Side("mock", mock_url))
        differential.run(
            [
                Step("create", "POST", "/things", json={}, save={"thing": lambda a: a["thing"]["id"]}),
                Step("read unknown", "GET", "/things/nope"),
                Step("plain 401", "GET", "/plain"),
            ]
        )
    assert differential.steps_compared == 3
    assert differential.status_agreement == 3
    assert differential.full_agreement == 1
    report = differential.report()
    print(report)
    assert "words {'type': 'not_found', 'message': 'Thing with id: nope was not found'}" in report
    assert "content type text/plain;charset=utf-8 against text/html;charset=utf-8" in report
    assert differential.release.values["thing"].startswith("th_")
