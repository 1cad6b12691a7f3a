"""A tiny round-robin reverse proxy for running two app instances on one machine.

`dataquery proxy --listen 127.0.0.1:8000 --upstream http://127.0.0.1:8001 --upstream ...` is
what `make run-cluster` puts in front of the instances for the browser; a bank puts its own load
balancer (nginx, HAProxy, F5) there instead. It is a raw ASGI app served by uvicorn: each request
goes to the next upstream in turn, streamed both ways through one pooled httpx client, with the
caller's address appended to X-Forwarded-For (the instances believe it only with
DQ_FORWARDED_ALLOW_IPS naming this proxy). An upstream that refuses the connection is skipped
for a few seconds and the request goes to the next one, so a stopped instance costs no failed
request; a read (GET, HEAD) whose kept-alive connection broke is asked of the next one too; a
write that may have reached an instance that then died is not repeated: the caller gets a 502.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import httpx

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

# Hop-by-hop headers (RFC 9110 §7.6.1) are the connection's own and never forwarded.
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
    }
)
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
UPSTREAM_HEADER = "x-dq-upstream"  # which instance answered: for tests and for debugging


class Proxy:
    """Round-robin over `upstreams` (base URLs); a refused upstream rests `rest_seconds`."""

    def __init__(
        self, upstreams: list[str], *, rest_seconds: float = 5.0, timeout_seconds: float = 300.0
    ) -> None:
        if not upstreams:
            raise ValueError("at least one upstream is needed")
        self.upstreams = [u.rstrip("/") for u in upstreams]
        self.rest_seconds = rest_seconds
        self.timeout = httpx.Timeout(timeout_seconds, connect=2.0)
        self._turn = itertools.cycle(range(len(self.upstreams)))
        self._resting_until: dict[str, float] = {}
        self._client: httpx.AsyncClient | None = None

    def _order(self) -> list[str]:
        """The upstreams to try for one request: the next in turn first, resting ones last."""
        first = next(self._turn)
        ordered = self.upstreams[first:] + self.upstreams[:first]
        now = time.monotonic()
        awake = [u for u in ordered if self._resting_until.get(u, 0.0) <= now]
        return awake + [u for u in ordered if u not in awake]

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            limits = httpx.Limits(max_connections=500, max_keepalive_connections=100)
            self._client = httpx.AsyncClient(timeout=self.timeout, limits=limits)
        return self._client

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":  # no websockets in this app
            return
        body = await _read_body(receive)  # buffered so that a refused upstream can be retried
        headers = _forwarded_headers(scope)
        path = scope.get("raw_path") or scope["path"].encode()
        target = path.decode("latin-1")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        for upstream in self._order():
            request = self.client.build_request(
                scope["method"], upstream + target, headers=headers, content=body
            )
            try:
                response = await self.client.send(request, stream=True)
            except (httpx.ConnectError, httpx.ConnectTimeout):
                self._resting_until[upstream] = time.monotonic() + self.rest_seconds
                continue
            except httpx.TransportError as exc:
                # A kept-alive connection to an instance that just died: a read is safe to ask
                # the next instance, a write may have happened and is not repeated.
                if scope["method"] in IDEMPOTENT and not isinstance(exc, httpx.TimeoutException):
                    self._resting_until[upstream] = time.monotonic() + self.rest_seconds
                    continue
                await _answer(send, 502, f"upstream {upstream} failed: {type(exc).__name__}")
                return
            except httpx.HTTPError as exc:
                await _answer(send, 502, f"upstream {upstream} failed: {type(exc).__name__}")
                return
            await self._relay(response, upstream, send)
            return
        await _answer(send, 502, "no upstream answers")

    async def _relay(self, response: httpx.Response, upstream: str, send: Send) -> None:
        out = [
            (k.encode("latin-1"), v.encode("latin-1"))
            for k, v in response.headers.multi_items()
            if k.lower() not in HOP_BY_HOP
        ]
        out.append((UPSTREAM_HEADER.encode(), upstream.encode()))
        await send({"type": "http.response.start", "status": response.status_code, "headers": out})
        try:
            async for chunk in response.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        except httpx.HTTPError:
            pass  # the upstream died mid-answer: end the body; the caller sees it cut short
        finally:
            await response.aclose()
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._client is not None:
                    await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _forwarded_headers(scope: Scope) -> list[tuple[str, str]]:
    headers = [
        (k.decode("latin-1"), v.decode("latin-1"))
        for k, v in scope["headers"]
        if k.decode("latin-1").lower() not in HOP_BY_HOP
    ]
    client = scope.get("client")
    if client:
        previous = [v for k, v in headers if k.lower() == "x-forwarded-for"]
        headers = [(k, v) for k, v in headers if k.lower() != "x-forwarded-for"]
        headers.append(("x-forwarded-for", ", ".join([*previous, client[0]])))
    headers = [(k, v) for k, v in headers if k.lower() != "x-forwarded-proto"]
    headers.append(("x-forwarded-proto", scope.get("scheme", "http")))
    return headers


async def _answer(send: Send, status: int, detail: str) -> None:
    shape = {"error": "BadGateway", "code": "proxy.bad_gateway", "detail": detail}
    body = json.dumps({**shape, "params": {}, "errors": []}).encode()  # the app's error shape
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
