"""NUL and other control characters are refused at the edge: 422 `input.control_character`
naming where, for the path, the query and JSON bodies, on both engines (issue 10, finding 3);
every other character, Russian and Kazakh letters and emoji included, passes untouched."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import APIRouter, Request
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.core.config import Settings
from dataquery.main import create_app
from helpers import PASSWORDS, USERNAMES, add_user, login

API = "/api/v1"
KAZAKH = "Қазақ тілі: ә ғ қ ң ө ұ ү һ і, Ә Ғ Қ Ң Ө Ұ Ү Һ І"
RUSSIAN = "Клиенты, ёлка, Щука"
EMOJI = "🎯🇰🇿👩‍💻"
UNICODE = f"{KAZAKH} {RUSSIAN} {EMOJI}\ttab\nline\r\n"


@pytest.fixture(
    scope="module", params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def app(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    duckdb_template: Path,
) -> Iterator[TestClient]:
    """One started app per engine for the module: these tests only read, or are refused."""
    folder = tmp_path_factory.mktemp("edge")
    drop = None
    if request.param == "duckdb":
        shutil.copy(duckdb_template, folder / "warehouse.duckdb")
        url = f"duckdb:///{folder / 'warehouse.duckdb'}"
    else:
        databases = request.getfixturevalue("postgres_databases")
        name, url = databases.new()
        drop = (databases, name)
    settings = Settings(
        warehouse_url=url,
        data_dir=folder / "var",
        web_dist=folder / "no-web-build",
        json_body_max_mb=0.01,
    )
    with TestClient(create_app(settings)) as base:
        engine: Engine = base.app.state.engine  # type: ignore[attr-defined]
        for role, username in USERNAMES.items():
            add_user(engine, username, role, PASSWORDS[role])
        yield base
        engine.dispose()
    if drop is not None:
        drop[0].drop(drop[1])


def signed_in(app: TestClient, role: str) -> TestClient:
    headers = login(app, USERNAMES[role], PASSWORDS[role])
    return TestClient(app.app, headers=headers)


@pytest.fixture(scope="module")
def client(app: TestClient) -> TestClient:
    return app


@pytest.fixture(scope="module")
def as_admin(app: TestClient) -> TestClient:
    return signed_in(app, "admin")


@pytest.fixture(scope="module")
def as_analyst(app: TestClient) -> TestClient:
    return signed_in(app, "analyst")


def assert_refused(response: Any, field: str, character: str = "U+0000") -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["error"] == "InvalidInput"
    assert body["code"] == "input.control_character"
    assert body["params"] == {"field": field, "character": character}
    assert "\x00" not in response.text  # never echoed back


def test_a_login_with_nul_is_refused_without_a_token(client: TestClient) -> None:
    response = client.post(
        f"{API}/auth/login", json={"username": "ad\u0000min", "password": "whatever"}
    )
    assert_refused(response, "body.username")
    # The escape and the raw character are the same thing once parsed.
    raw = b'{"username": "admin", "password": "pa\\u0000ss"}'
    response = client.post(
        f"{API}/auth/login", content=raw, headers={"Content-Type": "application/json"}
    )
    assert_refused(response, "body.password")


@pytest.mark.parametrize(
    "path",
    ["/campaigns/C%00", "/uploads/a%00", "/audiences/a%00", "/jobs/a%00", "/datasets/a%00"],
)
def test_path_ids_with_nul_are_refused(as_admin: TestClient, path: str) -> None:
    assert_refused(as_admin.get(f"{API}{path}"), "path")


def test_a_nul_path_is_refused_without_a_token_and_outside_the_api(client: TestClient) -> None:
    assert_refused(client.delete(f"{API}/campaigns/C%00"), "path")
    assert_refused(client.get("/campaigns/C%00"), "path")  # the web app's routes


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/campaigns", "q"),
        ("/campaigns", "stream"),
        ("/campaigns", "owner"),
        ("/datasets", "category"),
        ("/audit", "username"),
        ("/audiences", "owner"),
        ("/audiences", "q"),
        ("/uploads", "owner"),
        ("/campaigns/sms-segments", "text"),
    ],
)
def test_query_parameters_with_nul_are_refused(
    as_admin: TestClient, path: str, parameter: str
) -> None:
    response = as_admin.get(f"{API}{path}", params={parameter: "a\x00b"})
    assert_refused(response, f"query.{parameter}")


def test_a_nul_in_a_query_parameter_name_is_refused(as_admin: TestClient) -> None:
    response = as_admin.get(f"{API}/campaigns?q%00x=1")
    assert_refused(response, "query.q\\u0000x")


def test_spec_values_with_nul_are_refused(as_analyst: TestClient) -> None:
    spec = {
        "reference_date": "2026-11-28",
        "filters": [
            {"kind": "suppression", "list": "global_control"},
            {"kind": "stream", "stream": "tra\u0000vel"},
        ],
    }
    assert_refused(
        as_analyst.post(f"{API}/audiences/preview", json={"spec": spec}),
        "body.spec.filters.1.stream",
    )
    source = {"reference_date": "2026-11-28", "source": {"kind": "upload", "upload_id": "a\x00"}}
    assert_refused(
        as_analyst.post(f"{API}/audiences", json={"name": "ok", "spec": source}),
        "body.spec.source.upload_id",
    )


def test_names_and_texts_with_nul_are_refused(as_analyst: TestClient) -> None:
    assert_refused(
        as_analyst.post(f"{API}/audiences", json={"name": "Весна\u0000", "spec": {}}),
        "body.name",
    )
    campaign = {
        "type": "RB1",
        "name": "Весенняя кампания",
        "stream": "travel",
        "channels": ["push"],
        "texts": {
            "ru": {"title": "Привет", "body": "Текст"},
            "kz": {"title": "Сәлем", "body": "a\x00"},
        },
    }
    assert_refused(as_analyst.post(f"{API}/campaigns", json=campaign), "body.texts.kz.body")
    assert_refused(
        as_analyst.patch(f"{API}/campaigns/C000000001", json={"description": "x\x00"}),
        "body.description",
    )
    assert_refused(
        as_analyst.post(f"{API}/campaigns/C000000001/members", json={"iins": ["1", "2\x00"]}),
        "body.iins.1",
    )


def test_nul_in_a_key_is_refused(as_analyst: TestClient) -> None:
    response = as_analyst.post(f"{API}/audiences/preview", json={"spec": {"fil\x00ters": []}})
    assert_refused(response, "body.spec.fil\\u0000ters")


def test_other_control_characters_are_refused_but_tab_and_line_breaks_pass(
    as_analyst: TestClient,
) -> None:
    escape = as_analyst.post(f"{API}/audiences", json={"name": "a\x1b[31m", "spec": {}})
    assert_refused(escape, "body.name", "U+001B")
    assert_refused(as_analyst.get(f"{API}/campaigns", params={"q": "\x07"}), "query.q", "U+0007")
    for allowed in ("\t", "\n", "\r\n"):
        response = as_analyst.get(f"{API}/campaigns", params={"q": f"a{allowed}b"})
        assert response.status_code == 200, response.text


def test_a_lone_surrogate_is_refused(as_analyst: TestClient) -> None:
    response = as_analyst.post(
        f"{API}/audiences",
        content=b'{"name": "half \\ud83c of a pair", "spec": {}}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "input.invalid_unicode"
    assert response.json()["params"] == {"field": "body.name", "character": "U+D83C"}


def test_unicode_reaches_real_routes(client: TestClient, as_analyst: TestClient) -> None:
    response = client.post(f"{API}/auth/login", json={"username": KAZAKH, "password": EMOJI})
    assert response.status_code == 401, response.text
    for path in ("/campaigns", "/audiences"):
        response = as_analyst.get(f"{API}{path}", params={"q": UNICODE})
        assert response.status_code == 200, response.text
    response = as_analyst.get(f"{API}/datasets/{KAZAKH}")
    assert response.status_code == 404, response.text
    # An unknown stream is named back exactly as it was sent.
    spec = {"reference_date": "2026-11-28", "filters": [{"kind": "stream", "stream": KAZAKH}]}
    response = as_analyst.post(f"{API}/audiences/preview", json={"spec": spec})
    assert response.status_code in (409, 422), response.text
    assert response.json()["code"] != "input.control_character"
    segments = as_analyst.get(f"{API}/campaigns/sms-segments", params={"text": KAZAKH})
    assert segments.status_code == 200, segments.text


@pytest.fixture(scope="module")
def echo(app: TestClient) -> TestClient:
    """The app with one more route that returns what it received, as the app decoded it."""
    router = APIRouter()

    @router.post("/api/v1/_echo/{item}")
    async def echo_route(item: str, request: Request) -> dict[str, Any]:
        return {
            "item": item,
            "query": dict(request.query_params),
            "body": await request.json(),
        }

    app.app.include_router(router)  # type: ignore[attr-defined]
    routes = app.app.router.routes  # type: ignore[attr-defined]
    routes.insert(0, routes.pop())  # before the web app's catch-all
    return app


def test_unicode_passes_untouched(echo: TestClient) -> None:
    body = {"name": UNICODE, UNICODE: [UNICODE, {"nested": f"\\u0000 {EMOJI}"}], "n": 1.5}
    response = echo.post(f"{API}/_echo/{KAZAKH}", params={UNICODE: UNICODE}, json=body)
    assert response.status_code == 200, response.text
    assert response.json() == {"item": KAZAKH, "query": {UNICODE: UNICODE}, "body": body}


def test_a_json_body_over_the_limit_is_413(echo: TestClient) -> None:
    big = {"name": "я" * 6000}  # 12 000 bytes of UTF-8, over the module's 0.01 MB
    response = echo.post(f"{API}/_echo/x", json=big)
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "input.body_too_large"
    # Without Content-Length (chunked), the limit holds while reading.
    chunks = iter([b'{"name": "', b"x" * 12_000, b'"}'])
    response = echo.post(
        f"{API}/_echo/x", content=chunks, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413, response.text
    assert response.json()["code"] == "input.body_too_large"


def test_uploads_are_not_read_by_the_edge(as_analyst: TestClient) -> None:
    """Multipart bodies stream past the JSON limit, and the bytes of a file are not text."""
    csv = ("iin;comment\n" + "".join(f"{i:012d};a\x00b\n" for i in range(1000))).encode()
    assert len(csv) > 0.01 * 1024 * 1024
    response = as_analyst.post(f"{API}/uploads", files={"file": ("list.csv", csv)})
    assert response.status_code not in (413, 500), response.text
    assert response.json().get("code") != "input.control_character"


def test_form_fields_are_checked(as_analyst: TestClient) -> None:
    response = as_analyst.post(
        f"{API}/uploads",
        content=b"mode=sk%00ip",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_refused(response, "body.mode")
