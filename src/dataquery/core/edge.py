"""Bad text refused at the edge, before any route, service or database sees it.

PostgreSQL cannot store NUL in text (the statement fails: a 500 deep in a query), and no field
of this app has a use for the other C0 control characters. One pure ASGI middleware checks every
request's decoded path, its query parameters (names and values), and every string and key of a
JSON (or form-urlencoded) body. The first bad character is a 422 `input.control_character` that
says where it was (`params.field`: `path`, `query.q`, `body.spec.filters.0.list`). Tab, line feed
and carriage return are allowed everywhere (texts have lines). A JSON string can also carry a lone
UTF-16 surrogate (`"\\ud800"`), which no database can encode: 422 `input.invalid_unicode`.

JSON is checked once parsed, so `"\\u0000"` written as an escape is caught like a raw byte. The
body is read whole, at most `DQ_JSON_BODY_MAX_MB` (else 413 `input.body_too_large`; the app reads
it whole anyway), then replayed to the app. Other bodies, multipart uploads above all, stream to
the app unread: a file may hold any byte, and its few text fields are the uploads router's to
check. Headers are left to the HTTP server, which refuses control characters in them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from starlette.datastructures import Headers, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dataquery.core.errors import DQError, InvalidInput, PayloadTooLarge
from dataquery.core.handlers import error_response
from dataquery.core.logging import get_logger

log = get_logger(__name__)

# NUL and every C0 control except tab (09), line feed (0A) and carriage return (0D).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Lone surrogates: only a JSON escape can make them; UTF-8 cannot encode them.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# A UTF-8 JSON body without a raw control byte and without a `\u` escape cannot decode to a bad
# character, so it is passed on without being parsed (most bodies: no escapes at all).
_MAYBE_BAD = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\\u")

_JSON = "json"
_FORM = "form"


def _body_kind(headers: Headers) -> str | None:
    """Which bodies the app decodes into strings itself: JSON and urlencoded forms."""
    media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type == "application/json" or (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        return _JSON
    if media_type == "application/x-www-form-urlencoded":
        return _FORM
    return None  # multipart, octet-stream, none: not decoded into strings, or not ours


def _visible(text: str, limit: int = 100) -> str:
    """`text` safe to echo: bad characters written as `\\uXXXX`, long names cut."""
    shown = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    shown = _CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", shown)
    return shown if len(shown) <= limit else shown[:limit] + "…"


def _check(text: str, where: str) -> None:
    if found := _CONTROL.search(text):
        character = f"U+{ord(found.group()):04X}"
        raise InvalidInput(
            f"{where} holds the control character {character}; text may not contain NUL or "
            "control characters other than tab and line breaks",
            code="input.control_character",
            params={"field": where, "character": character},
        )
    if found := _SURROGATE.search(text):
        character = f"U+{ord(found.group()):04X}"
        raise InvalidInput(
            f"{where} holds {character}, half of a UTF-16 surrogate pair, which is not text",
            code="input.invalid_unicode",
            params={"field": where, "character": character},
        )


def check_path(path: str) -> None:
    _check(path, "path")


def check_query(query_string: bytes, prefix: str = "query") -> None:
    """The parameters (or urlencoded form fields) as the app decodes them, `%00` included."""
    for name, value in QueryParams(query_string).multi_items():
        _check(name, f"{prefix}.{_visible(name)}")
        _check(value, f"{prefix}.{_visible(name)}")


def check_json(document: Any) -> None:
    """Every string and key of a parsed JSON document, in document order, without recursion
    (a deeply nested document must not exhaust the stack)."""
    pending: list[tuple[Any, str]] = [(document, "body")]
    while pending:
        value, where = pending.pop()
        if isinstance(value, str):
            _check(value, where)
        elif isinstance(value, dict):
            for key in value:
                _check(key, f"{where}.{_visible(key)}")
            pending.extend(
                (value[key], f"{where}.{_visible(key)}") for key in reversed(list(value))
            )
        elif isinstance(value, list):
            pending.extend((item, f"{where}.{i}") for i, item in reversed(list(enumerate(value))))


def check_body(kind: str, body: bytes) -> None:
    if kind == _FORM:
        check_query(body, "body")
        return
    if not _MAYBE_BAD.search(body):
        return
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):
        return  # not JSON: the app answers that itself
    check_json(document)


class RejectBadText:
    """Pure ASGI middleware: a bad path, query or JSON body never reaches the app.

    Pure ASGI (not `BaseHTTPMiddleware`) so that the bodies it does not check, uploads of up to
    `DQ_UPLOAD_MAX_MB`, stream through untouched instead of being buffered.
    """

    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int, headers: Mapping[str, str] | None = None
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.headers = dict(headers or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            check_path(scope["path"])
            check_query(scope.get("query_string", b""))
            kind = _body_kind(Headers(scope=scope))
            if kind is not None:
                body = await self._read_body(scope, receive)
                if body is None:
                    return  # the client went away
                check_body(kind, body)
                receive = _replay(body, receive)
        except DQError as error:
            log.info(
                "refused at the edge",
                method=scope["method"],
                path=_visible(scope["path"], 200),
                code=error.code,
                **error.params,
            )
            response = error_response(error)
            response.headers.update(self.headers)
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            raise self._too_large()
        chunks: list[bytes] = []
        size = 0
        while True:
            message: Message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:  # a wrong or missing Content-Length
                raise self._too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _too_large(self) -> PayloadTooLarge:
        limit_mb = round(self.max_body_bytes / 1024 / 1024, 2)
        return PayloadTooLarge(
            f"the request body is larger than {limit_mb:g} MB",
            code="input.body_too_large",
            params={"limit_mb": limit_mb},
        )


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that hands the app the body already read, then the client's own messages."""
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
