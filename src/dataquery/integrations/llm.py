"""A chat model behind DQ_LLM_URL: an OpenAI-compatible endpoint (`POST <url>/chat/completions`)
or Ollama (`POST <url>/api/chat`), plain httpx, one request, no streaming.

The answer is read with a budget: at most DQ_LLM_MAX_RESPONSE_KB bytes and DQ_LLM_TIMEOUT_SECONDS
in all (httpx's timeout is per read, so a server that trickles bytes is cut off here too). What
was asked and answered is never logged: questions may name customers.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import httpx

from dataquery.core.logging import get_logger

log = get_logger("dataquery.integrations.llm")


class LlmKind(StrEnum):
    OPENAI = "openai"
    OLLAMA = "ollama"


@dataclass(frozen=True, slots=True)
class LlmConfig:
    url: str
    kind: LlmKind
    model: str
    api_key: str | None
    timeout_seconds: float
    max_response_bytes: int
    max_tokens: int


class LlmError(Exception):
    """The model did not answer usably; `reason` is a stable word for the error code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason  # timeout | unavailable | too_large | bad_reply


def _request(config: LlmConfig, messages: list[dict[str, str]]) -> tuple[str, dict[str, Any]]:
    base = config.url.rstrip("/")
    if config.kind is LlmKind.OLLAMA:
        return f"{base}/api/chat", {
            "model": config.model,
            "messages": messages,
            "stream": False,
            "format": "json",
            "options": {"temperature": 0, "num_predict": config.max_tokens},
        }
    return f"{base}/chat/completions", {
        "model": config.model,
        "messages": messages,
        "temperature": 0,
        "max_tokens": config.max_tokens,
    }


def _content(kind: LlmKind, body: Any) -> str:
    try:
        if kind is LlmKind.OLLAMA:
            content = body["message"]["content"]
        else:
            content = body["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        raise LlmError("bad_reply", "the chat endpoint's answer has no message") from None
    if not isinstance(content, str):
        raise LlmError("bad_reply", "the chat endpoint's message is not text")
    return content


def chat(config: LlmConfig, messages: list[dict[str, str]]) -> str:
    """The model's reply to `messages` (the text of its message)."""
    url, payload = _request(config, messages)
    headers = {"Accept": "application/json"}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    deadline = time.monotonic() + config.timeout_seconds
    received = bytearray()
    try:
        with (
            httpx.Client(timeout=config.timeout_seconds) as client,
            client.stream("POST", url, json=payload, headers=headers) as response,
        ):
            for chunk in response.iter_bytes():
                received += chunk
                if len(received) > config.max_response_bytes:
                    raise LlmError(
                        "too_large",
                        f"the answer is larger than {config.max_response_bytes} bytes",
                    )
                if time.monotonic() > deadline:
                    raise LlmError("timeout", "the chat endpoint did not answer in time")
            status = response.status_code
    except httpx.TimeoutException:
        raise LlmError("timeout", "the chat endpoint did not answer in time") from None
    except httpx.HTTPError as exc:
        log.warning("llm.unavailable", error=type(exc).__name__)
        raise LlmError("unavailable", "the chat endpoint cannot be reached") from None
    if status != 200:
        log.warning("llm.refused", status=status)
        raise LlmError("unavailable", f"the chat endpoint answered HTTP {status}")
    try:
        body = json.loads(bytes(received))
    except ValueError:
        raise LlmError("bad_reply", "the chat endpoint's answer is not JSON") from None
    return _content(config.kind, body)
