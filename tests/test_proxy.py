"""`dataquery proxy` without a live upstream: a coded 502 in the app's error shape, never a hang.
(Round-robin, forwarding and a killed instance: tests/cluster, on two real instances.)"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import httpx

from dataquery.cluster import free_port
from dataquery.proxy import Proxy


def test_no_upstream_answering_is_a_coded_502() -> None:
    # Free ports: nothing listens there.
    proxy = Proxy([f"http://127.0.0.1:{free_port()}", f"http://127.0.0.1:{free_port()}"])

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=proxy)
        async with httpx.AsyncClient(transport=transport, base_url="http://proxy") as client:
            return await client.post("/api/v1/campaigns", json={"name": "x"})

    # Its own thread: an event loop another test left running in this one refuses asyncio.run.
    with ThreadPoolExecutor(1) as thread:
        response = thread.submit(asyncio.run, call()).result(timeout=60)
    assert response.status_code == 502
    body = response.json()
    assert body["code"] == "proxy.bad_gateway" and body["detail"] == "no upstream answers"
    assert set(body) == {"error", "code", "detail", "params", "errors"}
