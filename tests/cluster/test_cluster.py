"""Two instances on one PostgreSQL database behave as one app: the sign-in throttle counts across
both, concurrent creates on both get distinct codes, a day's distribution runs once, and the
proxy spreads requests over both and keeps answering when one is killed."""

from __future__ import annotations

import signal
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from cluster_run import Cluster

from campaigns.campaign_data import draft_body, rb3_terms
from dataquery.proxy import UPSTREAM_HEADER
from distribution.dist_data import DAY
from helpers import PASSWORDS, USERNAMES


def _login(base: str, password: str, ip: str) -> int:
    response = httpx.post(
        f"{base}/api/v1/auth/login",
        json={"username": USERNAMES["user"], "password": password},
        headers={"X-Forwarded-For": ip},  # believed: DQ_FORWARDED_ALLOW_IPS names 127.0.0.1
    )
    return response.status_code


def test_login_failures_on_both_instances_add_up_to_the_throttle(cluster: Cluster) -> None:
    ip = "10.20.30.40"
    # DQ_LOGIN_MAX_FAILURES is 5: three wrong passwords on A and two on B ...
    failures = [_login(base, "wrong", ip) for base in (cluster.a.base,) * 3 + (cluster.b.base,) * 2]
    assert failures == [401] * 5
    # ... and the next attempt is refused on either, even with the right password.
    assert _login(cluster.b.base, PASSWORDS["user"], ip) == 429
    assert _login(cluster.a.base, PASSWORDS["user"], ip) == 429


def test_fifty_concurrent_creates_on_both_instances_get_fifty_codes(cluster: Cluster) -> None:
    headers = cluster.headers["analyst"]

    def create(i: int) -> tuple[int, Any, Any]:
        base = (cluster.a, cluster.b)[i % 2].base
        kind = {"type": "RB3", "stream": "bzk", "rb3": rb3_terms()} if i % 4 < 2 else {}
        body = draft_body(cluster.audience_id, name=f"cluster {i}", **kind)
        response = httpx.post(f"{base}/api/v1/campaigns", json=body, headers=headers, timeout=60)
        answer = response.json()
        return response.status_code, answer.get("code"), answer.get("xls_ow_id")

    with ThreadPoolExecutor(max_workers=25) as pool:
        results = list(pool.map(create, range(50)))
    assert [status for status, _, _ in results] == [201] * 50, results
    assert len({code for _, code, _ in results}) == 50
    xls = [x for _, _, x in results if x]
    assert len(xls) == 26 and len(set(xls)) == 26
    listed = httpx.get(
        f"{cluster.b.base}/api/v1/campaigns", params={"limit": 100}, headers=headers
    ).json()
    assert {c["code"] for c in listed["items"]} >= {code for _, code, _ in results}


def test_a_day_triggered_on_both_instances_at_once_is_distributed_once(cluster: Cluster) -> None:
    headers = cluster.headers["admin"]

    def run(base: str) -> dict[str, Any]:
        response = httpx.post(
            f"{base}/api/v1/distributions",
            json={"day": DAY.isoformat(), "dry_run": False},
            headers=headers,
            timeout=120,
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(run, [cluster.a.base, cluster.b.base]))
    assert sorted(r["status"] for r in reports) == ["already_done", "done"]
    assert reports[0]["run_id"] == reports[1]["run_id"] is not None
    history = httpx.get(f"{cluster.a.base}/api/v1/distributions", headers=headers).json()
    runs = [r for r in history["items"] if r["day"] == DAY.isoformat()]
    assert [(r["status"], r["trigger"]) for r in runs] == [("done", "manual")]


def test_the_proxy_round_robins_and_survives_a_killed_instance(cluster: Cluster) -> None:
    """Last in the module: it kills instance B."""
    headers = cluster.headers["analyst"]
    proxy = cluster.proxy.base
    with httpx.Client(base_url=proxy, headers=headers, timeout=30) as client:
        seen = [client.get("/api/v1/campaigns").headers[UPSTREAM_HEADER] for _ in range(6)]
        assert (
            seen == [cluster.a.base, cluster.b.base] * 3
            or seen
            == [
                cluster.b.base,
                cluster.a.base,
            ]
            * 3
        )
        # A token issued by A is good on B, and the proxy streams a body through intact.
        direct = httpx.get(f"{cluster.b.base}/api/v1/campaigns", headers=headers).json()
        assert client.get("/api/v1/campaigns").json()["total"] == direct["total"]

        cluster.b.popen.send_signal(signal.SIGKILL)
        cluster.b.popen.wait()
        after = [client.get("/api/v1/campaigns") for _ in range(6)]
        assert [r.status_code for r in after] == [200] * 6
        assert {r.headers[UPSTREAM_HEADER] for r in after} == {cluster.a.base}
        created = client.post(
            "/api/v1/campaigns", json=draft_body(cluster.audience_id, name="after the kill")
        )
        assert created.status_code == 201, created.text
