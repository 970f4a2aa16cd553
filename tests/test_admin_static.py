"""``--serve-admin DIR``: a built admin frontend at /app on the mock's origin, and the seed answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from revokit.cli import main as revokit_main
from revokit.mockserver import MockConfig, create_app
from revokit.mockserver.engine import Call, Operation
from revokit.mockserver.seed_answers import SeedAnswer, seed_answer_handlers
from revokit_testing import TEST_SCRYPT_N


@pytest.fixture
def admin_dir(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<html>dashboard shell</html>")
    (tmp_path / "assets" / "index-abc.js").write_text("console.log('app')")
    (tmp_path.parent / "secret.txt").write_text("outside")
    return tmp_path


def test_the_frontend_is_served_at_app(admin_dir: Path):
    app = create_app(
        MockConfig(
            family="xclade-v2", admin_dir=str(admin_dir), scrypt_n=TEST_SCRYPT_N, validate_responses=True
        )
    )
    client = app.test_client()
    redirect = client.get("/app")
    assert redirect.status_code == 301 and redirect.headers["Location"].endswith("/app/")
    shell = client.get("/app/")
    assert shell.status_code == 200 and b"dashboard shell" in shell.data
    assert shell.headers["Cache-Control"] == "no-cache"
    # Routes of the single-page app get its shell; its files are files.
    assert b"dashboard shell" in client.get("/app/settings/publishable-api-keys/apk_1").data
    asset = client.get("/app/assets/index-abc.js")
    assert asset.status_code == 200 and asset.mimetype in ("text/javascript", "application/javascript")
    assert b"outside" not in client.get("/app/../secret.txt").data
    assert b"outside" not in client.get("/app/%2e%2e/secret.txt").data
    # The API beside it is unchanged, and only API calls are journaled.
    assert client.get("/auth/user/providers").status_code == 200
    journal = client.get("/__revokit/journal").get_json()
    entries = journal["entries"] if isinstance(journal, dict) else journal
    assert [e["path"] for e in entries] == ["/auth/user/providers"]


def test_without_the_option_app_is_an_unknown_route():
    app = create_app(MockConfig(family="xclade-v2", scrypt_n=TEST_SCRYPT_N))
    assert app.test_client().get("/app/").status_code == 404


def test_a_folder_without_index_html_is_refused(tmp_path: Path, capsys):
    with pytest.raises(FileNotFoundError):
        create_app(MockConfig(family="xclade-v2", admin_dir=str(tmp_path), scrypt_n=TEST_SCRYPT_N))
    assert revokit_main(["mock", "xclade-v2", "--port", "0", "--serve-admin", str(tmp_path)]) == 2
    assert "holds no index.html" in capsys.readouterr().err


def _call(query: str) -> Call:
    from urllib.parse import parse_qsl

    from werkzeug.datastructures import Headers, MultiDict

    raw = MultiDict(parse_qsl(query))
    typed = {k: int(v) for k, v in raw.items() if k in ("limit", "offset")}
    op = Operation("GetThings", "GET", "/things", "/things", (), False)
    return Call(op, {}, typed, raw, Headers(), {}, None, False)


def test_seed_answers_page_filter_search_and_refer_to_seeded_values():
    fixture = {
        "GetThings": {
            "list": "things",
            "default_limit": 2,
            "filters": ["kind"],
            "search": ["name"],
            "items": [
                {"id": "t1", "name": "Alpha", "kind": "a", "owner": "${owner}"},
                {"id": "t2", "name": "Beta", "kind": "b", "owner": "${owner}"},
                {"id": "t3", "name": "Gamma", "kind": "a", "owner": None},
            ],
        },
        "GetFlag": {"body": {"on": True, "owner": ["${owner}"]}},
    }
    handlers = seed_answer_handlers(fixture, lambda backend: {"owner": backend})
    page = handlers["GetThings"]("user_1", _call("")).body
    assert [t["id"] for t in page["things"]] == ["t1", "t2"] and page["things"][0]["owner"] == "user_1"
    assert (page["count"], page["offset"], page["limit"]) == (3, 0, 2)
    assert handlers["GetThings"]("u", _call("kind[0]=a")).body["count"] == 2
    assert handlers["GetThings"]("u", _call("kind=a&kind=b&limit=5")).body["count"] == 3
    assert [t["id"] for t in handlers["GetThings"]("u", _call("q=GAM")).body["things"]] == ["t3"]
    assert handlers["GetThings"]("u", _call("fields=name&offset=2")).body["things"] == [{"name": "Gamma"}]
    assert handlers["GetFlag"]("u", _call("")).body == {"on": True, "owner": ["u"]}


@pytest.mark.parametrize("entry", [{}, {"body": 1, "list": "x"}, {"list": "x", "colour": "red"}])
def test_a_seed_answer_is_a_body_or_a_list(entry):
    with pytest.raises(ValueError):
        SeedAnswer.from_fixture(entry)
