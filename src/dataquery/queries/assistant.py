"""The SQL assistant: a question in Russian, Kazakh or English becomes a query spec, never SQL.

The prompt carries the spec's shape and the schema of the tables the caller may read (nothing
else, so the model cannot name what the caller may not see). The answer must be one JSON object
that validates as a `QuerySpec` and compiles against the catalog for this caller; anything else
(prose, SQL, a name that is not an identifier or not in the catalog, a key the spec does not
have) is refused with a coded 422 and the reason. The analyst then sees and edits the spec in the
builder before running it: the assistant runs nothing.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from dataquery.core.config import Settings
from dataquery.core.errors import DQError, InvalidInput, NotFound, ServiceUnavailable
from dataquery.core.problems import Problems, problem
from dataquery.datasets.access import Viewer
from dataquery.integrations.llm import LlmConfig, LlmError, LlmKind, chat
from dataquery.queries import sources as src
from dataquery.queries.service import compile_for
from dataquery.queries.spec import QuerySpec, example_spec

LANGUAGES = {"ru": "Russian", "kk": "Kazakh", "en": "English"}
# The schema in the prompt: enough for a bank's catalog, bounded for a model's context.
MAX_PROMPT_TABLES = 80
MAX_SCHEMA_CHARS = 40_000
MAX_ANSWER_CHARS = 20_000
MAX_TOKENS = 1024
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.DOTALL)

RULES = """You turn an analyst's question about the bank's data into a query spec: one JSON object,
and nothing else (no prose, no Markdown, never SQL). The spec's shape:
- "version": 1; "source": a table name from the schema below;
- "joins": [{"table": <table>, "on": "iin" | "camp_cd", "kind": "inner" | "left"}];
- "columns": [{"column": <name>} or {"table": <joined table>, "column": <name>}] (empty: all);
- "filters": {"kind": "group", "combine": "and" | "or", "filters": [conditions or groups]},
  a condition {"kind": "condition", "column": <column ref>, "op": <op>, "value": <value>};
  ops: = != < <= > >= between ([low, high]) in not_in (a list) contains starts_with
  is_null not_null (no value) last_days (a number of days, for date columns);
- "aggregations": [{"fn": "count" | "count_distinct" | "sum" | "avg" | "min" | "max",
  "column": <column ref, not for count>}];
- "group_by": [{"column": <column ref>, "bucket": "day" | "week" | "month" (dates only)}];
- "order_by": [{"field": <result column name>, "desc": false}]; a joined table's result column is
  named <table>__<column>, an aggregation <fn> or <fn>_<column>; "limit": a number.
Use only the tables and columns listed. If the schema cannot answer the question, answer
{"error": "<why, in one sentence>"}."""


def configured(settings: Settings) -> bool:
    return bool(settings.llm_url)


def llm_config(settings: Settings) -> LlmConfig:
    assert settings.llm_url
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return LlmConfig(
        url=settings.llm_url,
        kind=LlmKind(settings.llm_kind),
        model=settings.llm_model,
        api_key=key,
        timeout_seconds=settings.llm_timeout_seconds,
        max_response_bytes=settings.llm_max_response_kb * 1024,
        max_tokens=MAX_TOKENS,
    )


def schema_text(sources: list[src.Source]) -> str:
    """One line per table: `name (category): column kind, …` (the datasets first)."""
    ordered = sorted(sources, key=lambda s: (s.category in (src.APP_CATEGORY,), s.name))
    lines: list[str] = []
    size = 0
    for source in ordered[:MAX_PROMPT_TABLES]:
        columns = ", ".join(f"{c.name} {c.kind}" for c in source.columns)
        about = f" — {source.description}" if source.description else ""
        line = f"{source.name} ({source.category}{about}): {columns}"
        if size + len(line) > MAX_SCHEMA_CHARS:
            break
        lines.append(line)
        size += len(line) + 1
    return "\n".join(lines)


def messages(question: str, language: str, schema: str) -> list[dict[str, str]]:
    system = (
        f"{RULES}\n\nExample:\n{json.dumps(example_spec(), ensure_ascii=False)}\n\n"
        f"Schema (table (category): column kind, ...):\n{schema}"
    )
    user = f"Question ({LANGUAGES[language]}):\n{question}"
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def parse_answer(text: str) -> dict[str, Any]:
    """The answer's JSON object (a Markdown fence around it is tolerated)."""
    text = text.strip()
    if len(text) > MAX_ANSWER_CHARS:
        raise InvalidInput(
            "the model's answer is too long to be a spec", code="assistant.answer_too_large"
        )
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    try:
        data = json.loads(text)
    except ValueError:
        raise InvalidInput(
            "the model did not answer with JSON", code="assistant.not_json"
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput("the model's answer is not a JSON object", code="assistant.not_json")
    if set(data) == {"error"}:
        reason = str(data["error"])[:500]
        raise InvalidInput(
            f"the model cannot answer this: {reason}",
            code="assistant.cannot_answer",
            params={"reason": reason},
        )
    return data


def validate(db: Session, viewer: Viewer, data: dict[str, Any], max_rows: int) -> QuerySpec:
    """The spec, once it has the spec's shape and compiles against the catalog for `viewer`."""
    try:
        spec = QuerySpec.model_validate(data)
    except ValidationError as exc:
        problems = Problems()
        problems.add_validation_errors(exc.errors())
        raise InvalidInput(
            f"the model's spec is not valid: {problems.describe(3)}",
            code="assistant.invalid_spec",
            errors=problems.items,
        ) from None
    try:
        compile_for(db, viewer, spec, max_rows)
    except InvalidInput as exc:
        errors = exc.errors or [problem(None, exc.code, exc.detail, **exc.params)]
        raise InvalidInput(
            f"the model's spec does not fit the catalog: {exc.detail}",
            code="assistant.invalid_spec",
            errors=errors,
        ) from None
    return spec


def ask(db: Session, viewer: Viewer, settings: Settings, question: str, language: str) -> QuerySpec:
    if not configured(settings):
        raise NotFound("the SQL assistant is not configured", code="assistant.not_configured")
    schema = schema_text(src.readable_sources(db, viewer))
    try:
        answer = chat(llm_config(settings), messages(question, language, schema))
    except LlmError as exc:
        raise _llm_error(exc) from None
    return validate(db, viewer, parse_answer(answer), settings.query_max_rows)


def _llm_error(exc: LlmError) -> DQError:
    if exc.reason == "too_large":
        return InvalidInput(str(exc), code="assistant.answer_too_large")
    if exc.reason == "bad_reply":
        return InvalidInput(str(exc), code="assistant.not_json")
    if exc.reason == "timeout":
        return ServiceUnavailable(str(exc), code="assistant.timeout")
    return ServiceUnavailable(str(exc), code="assistant.unavailable")
