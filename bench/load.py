"""`make bench-load`: 50 simulated analysts for 5 minutes over the proxy in front of two app
instances on one PostgreSQL warehouse holding a 1 M-customer bank.

Prepares the warehouse once (a database of its own, `dq_bench_load` on the local server unless
--warehouse-url says otherwise: created, migrated, the demo bank of --customers loaded when it is
missing, --users analysts added), starts `dataquery serve` twice and `dataquery proxy` in front
on free ports of 127.0.0.1, and drives them with a bounded asyncio httpx client (one connection
pool, one coroutine per analyst, only ever 127.0.0.1). Each analyst signs in, then repeats a
realistic mix with a few seconds of thinking between clicks: lists campaigns, opens one (detail
and stats), reads reference data, previews audiences on the whole bank, exports a campaign's
members; besides them one upload and one deploy (a job, followed through /jobs/{id}) run per
minute. Prints p50/p95/p99 per route, the errors and the slowest requests, and checks the
targets: no errors, p95 < 200 ms on list/detail/reference routes, p95 < 1 s on previews, 95 % of
all requests < 2 s. Exit status 1 when a target is missed.

    python bench/load.py                 # 50 analysts, 5 minutes
    python bench/load.py --minutes 1     # a quick run
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from dataquery import cluster

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dq_bench_load"
PASSWORD = "load-test-analyst-password"
START_SECONDS = 120
THINK_SECONDS = (2.0, 8.0)  # between one analyst's clicks

# route class -> p95 target in seconds
TARGETS = {"list/detail/reference": 0.200, "preview": 1.0}
ALL_UNDER_SECONDS, ALL_SHARE = 2.0, 0.95
ROUTE_CLASS = {
    "GET /campaigns": "list/detail/reference",
    "GET /campaigns/{code}": "list/detail/reference",
    "GET /campaigns/{code}/stats": "list/detail/reference",
    "GET /reference/*": "list/detail/reference",
    "GET /audiences": "list/detail/reference",
    "GET /auth/me": "list/detail/reference",
    "POST /audiences/preview": "preview",
}


# Preparing -----------------------------------------------------------------------------------


def prepare(url: str, env: dict[str, str], customers: int, users: int) -> list[str]:
    """Migrated, the demo bank loaded once, `users` analysts; returns their names."""
    cluster.ensure_database(url)
    subprocess.run([cluster.DATAQUERY, "migrate"], env=env, check=True)
    demo = [cluster.DATAQUERY, "demo", "--if-empty", "--customers", str(customers)]
    subprocess.run(demo, env=env, check=True)

    from dataquery.auth.models import User
    from dataquery.auth.security import hash_password
    from dataquery.core.db import create_warehouse_engine, make_sessionmaker

    names = [f"load{i:02d}" for i in range(1, users + 1)]
    engine = create_warehouse_engine(url)
    with make_sessionmaker(engine).begin() as db:
        missing = [n for n in names if db.get(User, n) is None]
        digest = hash_password(PASSWORD) if missing else ""
        for name in missing:
            db.add(User(username=name, role="analyst", enabled=True, password_hash=digest))
    engine.dispose()
    return names


def start_cluster(env: dict[str, str], folder: Path) -> tuple[str, list[cluster.Process]]:
    """Two instances and the proxy; returns the proxy's base URL and the processes."""
    instances = [
        cluster.serve(f"instance-{i}", env, cluster.free_port(), folder / f"instance-{i}.log")
        for i in range(2)
    ]
    proxy = cluster.proxy(instances, env, cluster.free_port(), folder / "proxy.log")
    processes = [*instances, proxy]
    try:
        for process in processes:
            process.wait_ready(START_SECONDS, "/api/v1/health/ready")
    except RuntimeError as exc:
        stop(processes)
        raise SystemExit(f"the cluster did not start ({exc}); see {folder}") from None
    return proxy.base, processes


def stop(processes: list[cluster.Process]) -> None:
    for process in processes:
        process.stop(timeout=30)


# Driving -------------------------------------------------------------------------------------


@dataclass
class Sample:
    route: str
    seconds: float
    status: int  # 0: no answer (a transport error)
    detail: str = ""


@dataclass
class Load:
    client: httpx.AsyncClient
    until: float
    samples: list[Sample] = field(default_factory=list)
    campaigns: list[str] = field(default_factory=list)
    deployed: list[str] = field(default_factory=list)
    audience_id: str = ""
    reference_day: str = ""

    async def call(
        self,
        route: str,
        method: str,
        url: str,
        expect: tuple[int, ...] = (200,),
        **kwargs: Any,
    ) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await self.client.request(method, url, **kwargs)
            await response.aread()
        except httpx.HTTPError as exc:
            self.samples.append(Sample(route, time.perf_counter() - started, 0, repr(exc)))
            return None
        elapsed = time.perf_counter() - started
        detail = "" if response.status_code in expect else response.text[:200]
        self.samples.append(Sample(route, elapsed, response.status_code, detail))
        return response if response.status_code in expect else None


def preview_spec(rng: random.Random, day: str) -> dict[str, Any]:
    """An analyst's audience on the whole bank: age band, a product, a score, recent contact."""
    low = rng.randint(18, 45)
    return {
        "version": 1,
        "reference_date": day,
        "filters": [
            {"kind": "age", "min": low, "max": low + rng.randint(10, 25)},
            {"kind": "product", "products": [rng.choice(PRODUCTS)], "mode": "has"},
            {"kind": "column", "column": "score_credit", "op": ">=", "value": rng.random()},
            {"kind": "recent_contact", "days": 14},
        ],
    }


PRODUCTS = ["credit_card", "consumer_loan", "term_deposit", "debit_card"]


def draft(audience_id: str, name: str, day: str) -> dict[str, Any]:
    from datetime import date

    start = date.fromisoformat(day) + timedelta(days=1)
    return {
        "type": "RB1",
        "name": name,
        "stream": "market",
        "channels": ["push"],
        "texts": {
            "ru": {"title": "Кэшбэк 5%", "body": "Кэшбэк 5% на АЗС до конца месяца"},
            "kz": {"title": "5% кэшбэк", "body": "Ай соңына дейін жанармайға 5% кэшбэк"},
        },
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=14)).isoformat(),
        "audience_id": audience_id,
        "control_share": 0.1,
    }


async def sign_in(load: Load, username: str) -> dict[str, str]:
    response = await load.call(
        "POST /auth/login",
        "POST",
        "/api/v1/auth/login",
        json={"username": username, "password": PASSWORD},
    )
    if response is None:
        raise RuntimeError(f"{username} cannot sign in: {load.samples[-1].detail}")
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def analyst(load: Load, username: str, seed: int) -> None:
    rng = random.Random(seed)
    await asyncio.sleep(rng.uniform(0, THINK_SECONDS[1]))  # analysts do not arrive at once
    headers = await sign_in(load, username)
    reference = ["streams", "filials", "channels", "push-event-types"]
    actions: list[tuple[float, Callable[[], Awaitable[Any]]]] = [
        (30, lambda: load.call("GET /campaigns", "GET", "/api/v1/campaigns", headers=headers,
                               params={"limit": 50})),
        (15, lambda: load.call("GET /campaigns/{code}", "GET",
                               f"/api/v1/campaigns/{rng.choice(load.campaigns)}", headers=headers)),
        (8, lambda: load.call("GET /campaigns/{code}/stats", "GET",
                              f"/api/v1/campaigns/{rng.choice(load.campaigns)}/stats",
                              headers=headers)),
        (20, lambda: load.call("GET /reference/*", "GET",
                               f"/api/v1/reference/{rng.choice(reference)}", headers=headers)),
        (5, lambda: load.call("GET /audiences", "GET", "/api/v1/audiences", headers=headers)),
        (5, lambda: load.call("GET /auth/me", "GET", "/api/v1/auth/me", headers=headers)),
        (14, lambda: load.call("POST /audiences/preview", "POST", "/api/v1/audiences/preview",
                               headers=headers,
                               json={"spec": preview_spec(rng, load.reference_day),
                                     "sample": True, "distributions": True})),
        (3, lambda: load.call("GET /campaigns/{code}/export", "GET",
                              f"/api/v1/campaigns/{rng.choice(load.deployed)}/export",
                              headers=headers, params={"format": "csv"})),
    ]  # fmt: skip
    weights = [w for w, _ in actions]
    while time.monotonic() < load.until:
        _, action = rng.choices(actions, weights)[0]
        await action()
        await asyncio.sleep(rng.uniform(*THINK_SECONDS))


async def follow_job(load: Load, route: str, job_id: str, headers: dict[str, str]) -> None:
    """Polls /jobs/{id} until it ends; the whole wait is one sample of `route` (job)."""
    started = time.perf_counter()
    while True:
        response = await load.call("GET /jobs/{id}", "GET", f"/api/v1/jobs/{job_id}",
                                   headers=headers)  # fmt: skip
        state = response.json().get("status") if response is not None else "unreadable"
        if state in ("succeeded", "failed", "unreadable"):
            ok = state == "succeeded"
            load.samples.append(
                Sample(f"{route} (job end to end)", time.perf_counter() - started,
                       200 if ok else 500, "" if ok else str(state))
            )  # fmt: skip
            return
        await asyncio.sleep(0.5)


def valid_iins(rng: random.Random, count: int) -> list[str]:
    from datetime import date

    from dataquery.iin import make_iin

    found: list[str] = []
    while len(found) < count:
        birth = date(1950, 1, 1) + timedelta(days=rng.randint(0, 20_000))
        iin = make_iin(birth, rng.choice(("M", "F")), rng.randint(0, 9999))
        if iin:
            found.append(iin)
    return found


async def uploader(load: Load, username: str, seed: int) -> None:
    """One upload a minute: a CSV of 5 000 IINs."""
    rng = random.Random(seed)
    headers = await sign_in(load, username)
    while time.monotonic() < load.until:
        started = time.monotonic()
        iins = "\n".join(valid_iins(rng, 5000))
        files = {"file": ("list.csv", f"iin\n{iins}\n".encode(), "text/csv")}
        response = await load.call("POST /uploads", "POST", "/api/v1/uploads", headers=headers,
                                   files=files, expect=(201, 202))  # fmt: skip
        if response is not None and response.status_code == 202:
            await follow_job(load, "POST /uploads", response.json()["job_id"], headers)
        await asyncio.sleep(max(0.0, 60 - (time.monotonic() - started)))


async def deployer(load: Load, username: str) -> None:
    """One deploy a minute: a new draft of the saved audience, deployed as a job."""
    headers = await sign_in(load, username)
    n = 0
    while time.monotonic() < load.until:
        started = time.monotonic()
        n += 1
        body = draft(load.audience_id, f"load deploy {n}", load.reference_day)
        created = await load.call("POST /campaigns", "POST", "/api/v1/campaigns",
                                  headers=headers, json=body, expect=(201,))  # fmt: skip
        if created is not None:
            code = created.json()["code"]
            load.campaigns.append(code)
            response = await load.call(
                "POST /campaigns/{code}/deploy",
                "POST",
                f"/api/v1/campaigns/{code}/deploy",
                headers=headers,
                params={"background": "true"},
                expect=(200, 202),
            )
            if response is not None and response.status_code == 202:
                await follow_job(load, "POST /campaigns/{code}/deploy", response.json()["job_id"],
                                 headers)  # fmt: skip
                load.deployed.append(code)
        await asyncio.sleep(max(0.0, 60 - (time.monotonic() - started)))


async def seed_objects(load: Load, username: str) -> None:
    """What the analysts open: a saved audience, ten drafts and one deployed campaign."""
    headers = await sign_in(load, username)
    health = await load.client.get("/api/v1/health")
    load.reference_day = health.json()["bank_date"]
    spec = preview_spec(random.Random(1), load.reference_day) | {"limit": 20_000}
    saved = await load.client.post(
        "/api/v1/audiences", json={"name": "load test audience", "spec": spec}, headers=headers
    )
    saved.raise_for_status()
    load.audience_id = saved.json()["id"]
    for i in range(10):
        body = draft(load.audience_id, f"load draft {i}", load.reference_day)
        created = await load.client.post("/api/v1/campaigns", json=body, headers=headers)
        created.raise_for_status()
        load.campaigns.append(created.json()["code"])
    code = load.campaigns[0]
    deployed = await load.client.post(
        f"/api/v1/campaigns/{code}/deploy", headers=headers, params={"background": "false"}
    )
    deployed.raise_for_status()
    load.deployed.append(code)
    load.samples.clear()  # the seeding is not part of the measurement


async def drive(base: str, users: list[str], minutes: float) -> Load:
    limits = httpx.Limits(max_connections=len(users) + 10, max_keepalive_connections=len(users))
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as client:
        load = Load(client, until=float("inf"))
        await seed_objects(load, users[0])
        load.until = time.monotonic() + minutes * 60
        tasks = [analyst(load, name, i) for i, name in enumerate(users)]
        tasks += [uploader(load, users[0], 99), deployer(load, users[0])]  # owns the audience
        await asyncio.gather(*tasks)
    return load


# Reporting -----------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def report(load: Load, minutes: float) -> bool:
    by_route: dict[str, list[Sample]] = defaultdict(list)
    for s in load.samples:
        by_route[s.route].append(s)
    ms = 1000
    lines = [
        "| route | n | p50 ms | p95 ms | p99 ms | max ms | errors | target p95 | p95/target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    met = True
    for route in sorted(by_route):
        samples = by_route[route]
        times = sorted(s.seconds for s in samples)
        errors = sum(1 for s in samples if not 200 <= s.status < 300)
        target = TARGETS.get(ROUTE_CLASS.get(route, ""))
        p95 = percentile(times, 95)
        ratio = f"{p95 / target:.2f}" if target else ""
        if target and p95 > target:
            met = False
        lines.append(
            f"| {route} | {len(times)} | {percentile(times, 50) * ms:.0f} | {p95 * ms:.0f} | "
            f"{percentile(times, 99) * ms:.0f} | {times[-1] * ms:.0f} | {errors} | "
            f"{f'{target * ms:.0f} ms' if target else ''} | {ratio} |"
        )
    requests = [s for s in load.samples if "(job end to end)" not in s.route]
    errors = [s for s in load.samples if not 200 <= s.status < 300]
    under = sum(1 for s in requests if s.seconds < ALL_UNDER_SECONDS) / max(1, len(requests))
    met = met and not errors and under >= ALL_SHARE
    print("\n".join(lines))
    print(
        f"\n{len(requests)} requests in {minutes:g} min ({len(requests) / (minutes * 60):.1f}/s), "
        f"{len(errors)} errors; {under:.1%} under {ALL_UNDER_SECONDS:g} s "
        f"(target {ALL_SHARE:.0%}, ratio {ALL_SHARE / under if under else float('inf'):.2f})"
    )
    for s in errors[:10]:
        print(f"  error: {s.route} {s.status} {s.detail}")
    print("slowest:")
    for s in sorted(requests, key=lambda s: -s.seconds)[:5]:
        print(f"  {s.seconds * ms:8.0f} ms  {s.route}  {s.status}")
    print(f"targets {'met' if met else 'MISSED'}")
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="Simulated analysts")
    parser.add_argument("--minutes", type=float, default=5, help="How long they work")
    parser.add_argument("--customers", type=int, default=1_000_000, help="The bank's size")
    parser.add_argument("--warehouse-url", default=os.environ.get("DQ_BENCH_LOAD_URL", DEFAULT_URL))
    parser.add_argument("--data-dir", type=Path, default=Path("var/bench-load"))
    parser.add_argument(
        "--parallel-workers",
        default="0",
        help="DQ_WAREHOUSE_PARALLEL_WORKERS of the instances ('' for the server's): 0, as the "
        "production notes advise for many analysts on few cores",
    )
    args = parser.parse_args(argv)
    if args.users < 2:
        parser.error("--users must be at least 2")

    args.data_dir.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DQ_WAREHOUSE_URL": args.warehouse_url,
        "DQ_DATA_DIR": str(args.data_dir.resolve()),
        "DQ_WEB_DIST": str(args.data_dir.resolve() / "no-web-build"),
        "DQ_SCHEDULER_ENABLED": "false",
        "DQ_FORWARDED_ALLOW_IPS": "127.0.0.1",
        "DQ_ACCESS_TOKEN_MINUTES": "600",
        "DQ_LOG_LEVEL": "WARNING",
        "DQ_LOGIN_MAX_FAILURES": "1000",  # 50 analysts sign in from one address
    }
    if args.parallel_workers != "":
        env["DQ_WAREHOUSE_PARALLEL_WORKERS"] = args.parallel_workers
    print(f"preparing {args.customers:,} customers and {args.users} analysts ...", flush=True)
    users = prepare(args.warehouse_url, env, args.customers, args.users)
    logs = Path(tempfile.mkdtemp(prefix="dq-load-"))
    base, processes = start_cluster(env, logs)
    workers = args.parallel_workers or "the server's"
    print(f"two instances behind the proxy at {base}; {args.users} analysts for "
          f"{args.minutes:g} min; parallel workers per query: {workers}", flush=True)  # fmt: skip
    try:
        load = asyncio.run(drive(base, users, args.minutes))
    finally:
        stop(processes)
    print(f"load average: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
    return 0 if report(load, args.minutes) else 1


if __name__ == "__main__":
    sys.exit(main())
