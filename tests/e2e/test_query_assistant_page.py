"""The SQL assistant's box on the builder page in Chromium, against a server of its own whose
DQ_LLM_URL points to a small local HTTP server that answers like the OpenAI chat completions API
with a canned completion (no chat model can run here): the question fills the notebook's steps,
the analyst runs the query they reviewed."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from dq_e2e import new_context, prepare_warehouse, running_server, server_env, sign_in_fast
from playwright.sync_api import Browser, expect

pytestmark = pytest.mark.e2e

SPEC = {
    "version": 1,
    "source": "feature_store",
    "filters": {
        "kind": "group",
        "combine": "and",
        "filters": [{"kind": "condition", "column": {"column": "gender"}, "op": "=", "value": "F"}],
    },
    "aggregations": [{"fn": "count"}],
    "group_by": [{"column": {"column": "device_os"}}],
}


@pytest.fixture
def chat_url() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    asked: list[dict[str, Any]] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            asked.append(body)
            message = {"role": "assistant", "content": json.dumps(SPEC)}
            data = json.dumps({"choices": [{"index": 0, "message": message}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", asked
    server.shutdown()
    server.server_close()


def test_a_question_fills_the_notebook_and_the_reviewed_query_runs(
    browser: Browser,
    web_dist: Path,
    tmp_path_factory: pytest.TempPathFactory,
    results_dir: Path,
    chat_url: tuple[str, list[dict[str, Any]]],
) -> None:
    url, asked = chat_url
    workdir = tmp_path_factory.mktemp("dq-assistant")
    log = workdir / "server.log"
    env = server_env(workdir, web_dist)
    prepare_warehouse(env, workdir, log)
    env.update(DQ_LLM_URL=url, DQ_LLM_MODEL="canned")
    with running_server(env, workdir, log) as server:
        context = new_context(browser)
        try:
            sign_in_fast(context, server, "analyst")
            page = context.new_page()
            page.goto(server.url("/query"))
            box = page.get_by_test_id("assistant-box")
            box.get_by_label("Вопрос помощнику").fill("Сколько женщин по операционным системам?")
            box.get_by_role("button", name="Составить запрос").click()
            expect(page.get_by_test_id("assistant-review")).to_be_visible()
            expect(page.get_by_test_id("source-select")).to_contain_text("feature_store")
            assert len(asked) == 1 and "feature_store (feature_store" in str(asked[0])
            page.screenshot(path=str(results_dir / "query-assistant.png"), full_page=True)
            page.get_by_role("button", name="Выполнить").click()
            expect(page.get_by_text("ios").first).to_be_visible()
            page.screenshot(path=str(results_dir / "query-assistant-run.png"), full_page=True)
        finally:
            context.close()
