"""The SQL assistant. No chat model can run here: a small local HTTP server stands in for it,
answering like the OpenAI chat completions API (and Ollama's /api/chat) with canned completions
the test chooses, and recording the requests it got. It can also hold an answer back until the
test is over, for the timeout (the client gives up first; nothing races the clock)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from pydantic import SecretStr
from query_data import Tables, generate, load

from dataquery.core.config import Settings

API = "/api/v1/queries/assistant"
QUESTION = "Сколько клиентов с iOS в каждом городе? ИИН 990101300123"


@dataclass
class FakeChat:
    completions: list[str] = field(default_factory=list)  # the next answers, in order
    requests: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)
    hold: threading.Event | None = None  # set: answer only once the event is set
    raw: bytes | None = None  # answer these bytes instead of a completion


def _handler(fake: FakeChat) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length))
            fake.requests.append((self.path, body, self.headers.get("Authorization", "")))
            if fake.hold is not None:
                fake.hold.wait(30)
            content = fake.completions.pop(0) if fake.completions else '{"error": "none left"}'
            if self.path == "/api/chat":  # Ollama
                answer: Any = {
                    "model": body["model"],
                    "message": {"role": "assistant", "content": content},
                    "done": True,
                }
            else:
                answer = {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": content},
                            "finish_reason": "stop",
                        }
                    ],
                }
            data = fake.raw if fake.raw is not None else json.dumps(answer).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:  # the client gave up (the timeout test)
                pass

    return Handler


@pytest.fixture
def fake_chat() -> Iterator[tuple[FakeChat, str]]:
    fake = FakeChat()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(fake))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    if fake.hold is not None:
        fake.hold.set()
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(settings: Settings, fake_chat: tuple[FakeChat, str]) -> Settings:
    return settings.model_copy(
        update={
            "llm_url": fake_chat[1] + "/v1",
            "llm_model": "test-model",
            "llm_api_key": SecretStr("sk-test"),
            "llm_timeout_seconds": 2,
            "llm_max_response_kb": 8,
        }
    )


@pytest.fixture
def tables(client: TestClient) -> Tables:
    data = generate(people=40)
    load(client.app.state.engine, data)  # type: ignore[attr-defined]
    return data


def _ask(client: TestClient, question: str = QUESTION, language: str = "ru") -> Any:
    return client.post(API, json={"question": question, "language": language})


VALID = {
    "version": 1,
    "source": "q_people",
    "filters": {
        "kind": "group",
        "combine": "and",
        "filters": [
            {"kind": "condition", "column": {"column": "device_os"}, "op": "=", "value": "ios"}
        ],
    },
    "aggregations": [{"fn": "count"}],
    "group_by": [{"column": {"column": "city"}}],
    "order_by": [{"field": "count", "desc": True}],
}


def test_a_valid_answer_is_the_spec_and_it_runs(
    as_user: TestClient, tables: Tables, fake_chat: tuple[FakeChat, str]
) -> None:
    fake, _ = fake_chat
    assert as_user.get(API).json() == {"enabled": True}
    fake.completions.append("```json\n" + json.dumps(VALID) + "\n```")
    response = _ask(as_user)
    assert response.status_code == 200, response.text
    spec = response.json()["spec"]
    assert spec["source"] == "q_people" and spec["aggregations"] == [{"fn": "count"}]
    # One chat request: the OpenAI shape, the key, the question and the caller's schema.
    ((path, body, auth),) = fake.requests
    assert path == "/v1/chat/completions" and auth == "Bearer sk-test"
    assert body["model"] == "test-model" and body["temperature"] == 0
    system, user = body["messages"]
    assert "q_people (feature_store" in system["content"] and "device_os text" in system["content"]
    assert "dq_users" not in system["content"]  # a user may not read the app's tables
    assert "never SQL" in system["content"]
    assert QUESTION in user["content"] and "Russian" in user["content"]
    # The analyst runs what they reviewed: the same spec answers.
    ran = as_user.post("/api/v1/queries/run", json={"spec": spec})
    assert ran.status_code == 200, ran.text
    expected: dict[str, int] = {}
    for row in tables.people:
        if row["device_os"] == "ios":
            expected[row["city"]] = expected.get(row["city"], 0) + 1
    assert {r[0]: r[1] for r in ran.json()["rows"]} == expected


def test_admins_prompt_carries_the_app_tables(
    as_admin: TestClient, tables: Tables, fake_chat: tuple[FakeChat, str]
) -> None:
    fake, _ = fake_chat
    fake.completions.append(json.dumps({"source": "dq_users"}))
    response = _ask(as_admin, "who signs in?", "en")
    assert response.status_code == 200, response.text
    system = fake.requests[0][1]["messages"][0]["content"]
    assert "dq_users (app" in system and "password_hash" not in system


def test_answers_that_are_not_json_are_refused(
    as_user: TestClient, tables: Tables, fake_chat: tuple[FakeChat, str]
) -> None:
    fake, _ = fake_chat
    for text in [
        "Конечно! Вот запрос: {source: q_people}",
        "SELECT * FROM q_people; DROP TABLE q_people",  # raw SQL, not a spec
        '["q_people"]',
        "",
    ]:
        fake.completions.append(text)
        response = _ask(as_user)
        assert response.status_code == 422, (text, response.text)
        assert response.json()["code"] == "assistant.not_json", response.text
    fake.raw = b"<html>gateway</html>"
    response = _ask(as_user)
    assert response.status_code == 422 and response.json()["code"] == "assistant.not_json"


def test_unknown_columns_and_tables_are_refused_with_the_reason(
    as_user: TestClient, tables: Tables, fake_chat: tuple[FakeChat, str]
) -> None:
    fake, _ = fake_chat
    fake.completions.append(json.dumps({"source": "q_people", "columns": [{"column": "age"}]}))
    response = _ask(as_user)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "assistant.invalid_spec"
    assert [(e["field"], e["code"]) for e in body["errors"]] == [
        ("columns.0.column", "query.unknown_column")
    ]
    # A table the user may not read is unknown to them, like a missing one.
    for source in ("dq_users", "dq_audit_log", "no_such_table"):
        fake.completions.append(json.dumps({"source": source}))
        response = _ask(as_user)
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["code"] == "query.unknown_table"
    fake.completions.append(json.dumps({"error": "there is no salary column"}))
    response = _ask(as_user)
    assert response.status_code == 422
    assert response.json()["code"] == "assistant.cannot_answer"
    assert response.json()["params"] == {"reason": "there is no salary column"}


def test_smuggled_sql_is_refused_and_reaches_no_sql(
    as_user: TestClient, tables: Tables, fake_chat: tuple[FakeChat, str]
) -> None:
    fake, _ = fake_chat
    engine = as_user.app.state.engine  # type: ignore[attr-defined]
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    hostile = [
        {"source": "q_people", "columns": [{"column": "x; drop table q_people"}]},
        {"source": "q_people; DROP TABLE q_people"},
        {"source": "q_people", "sql": "DROP TABLE q_people"},  # a key the spec has not
        {"source": "q_people", "order_by": [{"field": "city desc; delete from q_people"}]},
        {
            "source": "q_people",
            "filters": {
                "kind": "group",
                "filters": [{"kind": "raw", "sql": "1=1; DROP TABLE q_people"}],
            },
        },
    ]
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        for spec in hostile:
            fake.completions.append(json.dumps(spec))
            response = _ask(as_user)
            assert response.status_code == 422, (spec, response.text)
            assert response.json()["code"] == "assistant.invalid_spec", response.text
            assert response.json()["errors"], response.text
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert not [s for s in seen if "drop" in s.lower() or "delete" in s.lower()], seen
    # A value that looks like SQL is only ever a bound parameter: the spec is fine, and harmless.
    value = {
        "kind": "condition",
        "column": {"column": "city"},
        "op": "=",
        "value": "x'; DROP TABLE q_people; --",
    }
    fake.completions.append(
        json.dumps({"source": "q_people", "filters": {"kind": "group", "filters": [value]}})
    )
    response = _ask(as_user)
    assert response.status_code == 200, response.text
    ran = as_user.post("/api/v1/queries/run", json=response.json())
    assert ran.status_code == 200 and ran.json()["rows"] == []
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM q_people")).scalar_one() == 40


def test_a_model_that_does_not_answer_in_time_is_a_503(
    as_user: TestClient, tables: Tables, fake_chat: tuple[FakeChat, str]
) -> None:
    fake, _ = fake_chat
    fake.hold = threading.Event()  # released only after the test, by the fixture
    fake.completions.append(json.dumps(VALID))
    response = _ask(as_user)
    assert response.status_code == 503, response.text
    assert response.json()["code"] == "assistant.timeout"


def test_an_oversized_answer_is_refused(
    as_user: TestClient, tables: Tables, fake_chat: tuple[FakeChat, str]
) -> None:
    fake, _ = fake_chat
    fake.completions.append(json.dumps({"source": "q_people", "pad": "x" * 20_000}))
    response = _ask(as_user)
    assert response.status_code == 422
    assert response.json()["code"] == "assistant.answer_too_large"


def test_the_question_is_bounded_and_never_audited(
    as_user: TestClient, tables: Tables, fake_chat: tuple[FakeChat, str]
) -> None:
    fake, _ = fake_chat
    assert _ask(as_user, "").status_code == 422
    assert _ask(as_user, "x" * 1001).status_code == 422
    assert _ask(as_user, "hi", "de").status_code == 422
    assert fake.requests == []
    fake.completions.append(json.dumps(VALID))
    assert _ask(as_user).status_code == 200
    engine = as_user.app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT * FROM dq_audit_log")).all()
    assert any("assistant" in str(r) for r in rows)
    assert not [r for r in rows if "990101300123" in str(r) or "iOS" in str(r)]


@pytest.fixture
def ollama(settings: Settings, fake_chat: tuple[FakeChat, str]) -> Settings:
    return settings.model_copy(update={"llm_url": fake_chat[1], "llm_kind": "ollama"})


def test_ollama_speaks_its_own_api(
    ollama: Settings, tables: Tables, fake_chat: tuple[FakeChat, str]
) -> None:
    from dataquery.integrations.llm import chat
    from dataquery.queries.assistant import llm_config

    fake, _ = fake_chat
    fake.completions.append(json.dumps(VALID))
    answer = chat(llm_config(ollama), [{"role": "user", "content": "q"}])
    assert json.loads(answer) == VALID
    path, body, _ = fake.requests[0]
    assert path == "/api/chat" and body["stream"] is False and body["format"] == "json"


def test_off_when_not_configured(as_user: TestClient, settings: Settings) -> None:
    as_user.app.state.settings = settings.model_copy(update={"llm_url": None})  # type: ignore[attr-defined]
    assert as_user.get(API).json() == {"enabled": False}
    response = _ask(as_user)
    assert response.status_code == 404
    assert response.json()["code"] == "assistant.not_configured"
