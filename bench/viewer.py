"""Data viewer benchmark: pages of 100 rows of the feature store through the HTTP API.

    .venv/bin/python bench/viewer.py [--customers N] [--runs R] [--workdir DIR]

Prepares the synthetic bank exactly as bench/audience.py does (`audience.prepare`, reused when
present), signs in as a user through FastAPI's TestClient, and times `GET /api/v1/viewer/
feature_store/rows?limit=100` for page 1 and page 5 000 (in key order, and sorted by
balance_kzt), and a filtered page. Page 5 000 is reached with the cursor of the row before it
(what the client holds after 4 999 pages), so the benchmark need not walk 4 999 pages first.

Target: p95 ≤ 300 ms for pages 1 and 5 000 in key order on DuckDB at 10 M customers.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from audience import prepare
from common import peak_rss_mb

PAGE = 100
FAR_PAGE = 5_000
TARGET_P95_S = 0.300


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def compare_sorted_shapes(
    engine: Any, value: float, key: int, runs: int
) -> dict[str, dict[str, float]]:
    """The sorted page's statement before and after late materialisation, interleaved in one
    run (same load for both): before, the top-N selected every column (DuckDB decoded all of
    them for every row); after, `queries.viewer` (a top-N of the row id, then the page's rows).
    Times at the warehouse, without the API around it."""
    import sqlalchemy as sa

    from dataquery.core.db import make_sessionmaker
    from dataquery.queries import sources as src
    from dataquery.queries.execute import run_read_only
    from dataquery.queries.viewer import PageRequest, _View, encode_cursor

    with make_sessionmaker(engine)() as db:
        source = next(s for s in src.readable_sources(db, None) if s.name == "feature_store")
    columns = ", ".join(f"t0.{c.name}" for c in source.columns)
    order = "ORDER BY t0.balance_kzt ASC NULLS LAST, t0.rowid ASC LIMIT 101"
    before_far = (
        "WHERE t0.balance_kzt > :v OR (t0.balance_kzt = :v AND t0.rowid > :k)"
        " OR t0.balance_kzt IS NULL "
    )
    shapes = {
        "page_1": (
            sa.text(f"SELECT {columns}, t0.rowid FROM feature_store AS t0 {order}"),
            _View(source, "duckdb", PageRequest(sort="balance_kzt")).page()[0],
        ),
        "page_far": (
            sa.text(
                f"SELECT {columns}, t0.rowid FROM feature_store AS t0 {before_far}{order}"
            ).bindparams(v=value, k=key),
            _View(
                source,
                "duckdb",
                PageRequest(sort="balance_kzt", after=encode_cursor(value, [key])),
            ).page()[0],
        ),
    }
    out: dict[str, dict[str, float]] = {}
    for name, (before, after) in shapes.items():
        assert run_read_only(engine, before, 60).rows == run_read_only(engine, after, 60).rows
        times: dict[str, list[float]] = {"before": [], "after": []}
        for _ in range(runs):
            for label, statement in (("before", before), ("after", after)):
                started = time.perf_counter()
                run_read_only(engine, statement, 60)
                times[label].append(time.perf_counter() - started)
        for label, measured in times.items():
            out[f"{name}_{label}"] = {"p50_s": statistics.median(measured), "p95_s": p95(measured)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=20, help="timed calls per page")
    parser.add_argument("--workdir", type=Path, default=Path("var/bench"))
    args = parser.parse_args()

    import sqlalchemy as sa
    from fastapi.testclient import TestClient

    from dataquery.auth.models import User
    from dataquery.auth.security import hash_password
    from dataquery.core.config import Settings
    from dataquery.core.db import make_sessionmaker
    from dataquery.main import create_app
    from dataquery.queries.viewer import encode_cursor

    warehouse = prepare(args.customers, args.workdir)
    logging.disable(logging.INFO)
    settings = Settings(
        warehouse_url=f"duckdb:///{warehouse}",
        data_dir=warehouse.parent / "var",
        web_dist=warehouse.parent / "no-web",
        log_level="WARNING",
    )
    app = create_app(settings)
    results: dict[str, Any] = {"customers": args.customers}
    far_page = min(FAR_PAGE, args.customers // PAGE - 1)  # a small run: its last full page
    with TestClient(app) as client:
        with make_sessionmaker(app.state.engine).begin() as db:
            if db.get(User, "bench") is None:
                db.add(User(username="bench", role="user", password_hash=hash_password("bench")))
            skip = (far_page - 1) * PAGE - 1
            # The viewer pages DuckDB on the row id (queries/viewer.py).
            far_key = db.execute(
                sa.text("SELECT rowid FROM feature_store ORDER BY rowid LIMIT 1 OFFSET :n"),
                {"n": skip},
            ).scalar_one()
            far_balance = db.execute(
                sa.text(
                    "SELECT balance_kzt, rowid FROM feature_store "
                    "ORDER BY balance_kzt NULLS LAST, rowid LIMIT 1 OFFSET :n"
                ),
                {"n": skip},
            ).one()
        token = client.post(
            "/api/v1/auth/login", json={"username": "bench", "password": "bench"}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        filters = json.dumps([{"column": {"column": "device_os"}, "op": "=", "value": "ios"}])
        cases: dict[str, dict[str, Any]] = {
            "page_1": {},
            f"page_{far_page}": {"after": encode_cursor(None, [far_key])},
            "sorted_balance_page_1": {"sort": "balance_kzt"},
            f"sorted_balance_page_{far_page}": {
                "sort": "balance_kzt",
                "after": encode_cursor(far_balance[0], [far_balance[1]]),
            },
            "filtered_ios_page_1": {"filters": filters},
            "search_page_1": {"q": "+7701"},
        }
        for name, params in cases.items():
            query = {"limit": PAGE, **params}

            def call(query: dict[str, Any] = query) -> dict[str, Any]:
                response = client.get(
                    "/api/v1/viewer/feature_store/rows", params=query, headers=headers
                )
                assert response.status_code == 200, response.text
                body: dict[str, Any] = response.json()
                return body

            first = call()  # warm-up
            assert len(first["rows"]) == PAGE, name
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                call()
                times.append(time.perf_counter() - started)
            results[name] = {"p50_s": statistics.median(times), "p95_s": p95(times)}
        results["sorted_shapes"] = compare_sorted_shapes(
            app.state.engine, far_balance[0], far_balance[1], args.runs
        )
    results["peak_rss_mb"] = peak_rss_mb()
    print(json.dumps(results, indent=2))
    ok = all(results[name]["p95_s"] <= TARGET_P95_S for name in ("page_1", f"page_{far_page}"))
    for name, value in [*results.items(), *results.get("sorted_shapes", {}).items()]:
        if isinstance(value, dict) and "p50_s" in value:
            print(
                f"{name:32s} p50 {value['p50_s'] * 1000:7.1f} ms"
                f"  p95 {value['p95_s'] * 1000:7.1f} ms"
            )
    print(
        f"target p95 ≤ {TARGET_P95_S * 1000:.0f} ms for page 1 and {far_page}: "
        + ("OK" if ok else "MISSED")
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
