"""Audience engine benchmark: a 12-step funnel through the product against its two baselines.

    .venv/bin/python bench/audience.py [--customers N] [--runs R] [--workdir DIR]

Generates the synthetic bank (`dataquery.datasets.demo.generate_demo`) plus 10 extra suppression
lists of 10 % of the customers each, loads it into a DuckDB warehouse, and runs the same funnel
(global control + the 10 lists + age 25-60: 12 steps) three ways, each in its own process so
that each one's peak RSS is its own:

- product: `audiences.service.preview` (the API's code path, one SQL statement), warm p50 of R
  runs, both the funnel alone and the full preview (funnel + distributions + sample); the funnel
  once more with every list joined instead of read from the list index (what loading a list
  saves each preview); and the full preview through the HTTP API (FastAPI TestClient, signed in);
- pandas: the old system's way, string (object) IINs in memory and one `isin` per list;
- floor: DuckDB scanning the same columns of every input once (hashing each value).

Prints the three, the ratios and whether the targets hold (product ≤ 3x floor, ≥ 25x faster than
pandas, product peak RSS ≤ 2 GB, API p50 ≤ 250 ms at 1 M customers). The results must agree:
the pandas funnel is checked against the product's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from common import peak_rss_mb

AS_OF = date(2026, 11, 28)
SEED = 42
EXTRA_LISTS = 10
EXTRA_SHARE = 0.10
AGE_MIN, AGE_MAX = 25, 60


def list_names() -> list[str]:
    return ["global_control", *(f"bench_list_{k}" for k in range(EXTRA_LISTS))]


def bench_spec() -> dict[str, Any]:
    filters: list[dict[str, Any]] = [{"kind": "suppression", "list": n} for n in list_names()]
    filters.append({"kind": "age", "min": AGE_MIN, "max": AGE_MAX})
    return {"version": 1, "reference_date": AS_OF.isoformat(), "filters": filters}


def timed(fn: Callable[[], Any], runs: int) -> tuple[list[list[float]], Any]:
    """[wall, cpu] seconds per run after a warm-up. CPU time counts every thread of the process;
    on a shared machine it is the steadier measure (wall time includes waiting for a core)."""
    result = fn()  # warm-up
    times = []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        result = fn()
        times.append([time.perf_counter() - started, time.process_time() - cpu])
    return times, result


# --- data ------------------------------------------------------------------------------------


def prepare(customers: int, workdir: Path) -> Path:
    """Parquet files and a loaded DuckDB warehouse for `customers`, reused when present."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    from dataquery.core.db import create_warehouse_engine, make_sessionmaker
    from dataquery.core.migrate import upgrade
    from dataquery.datasets.catalog import STANDARD_DATASETS, DatasetSpec
    from dataquery.datasets.demo import generate_demo
    from dataquery.datasets.models import DatasetCategory
    from dataquery.datasets.service import load_dataset

    data = workdir / f"bank_{customers}"
    warehouse = data / "warehouse.duckdb"
    done = data / "READY.v2"  # v2: the lists are indexed when loaded (datasets/list_index.py)
    if done.exists():
        return warehouse
    data.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    print(f"generating {customers:,} customers in {data} ...", file=sys.stderr)
    generate_demo(customers, SEED, data, AS_OF)
    iins = pq.read_table(data / "feature_store.parquet", columns=["iin"]).column("iin")
    rng = np.random.default_rng(SEED)
    extra = []
    for k in range(EXTRA_LISTS):
        chosen = rng.random(len(iins)) < EXTRA_SHARE
        table = pa.table(
            {
                "iin": iins.filter(pa.array(chosen)),
                "added_date": pa.array([AS_OF] * int(chosen.sum()), pa.date32()),
            }
        )
        path = data / f"bench_list_{k}.parquet"
        pq.write_table(table, path, compression="zstd")
        extra.append(
            DatasetSpec(
                f"bench_list_{k}",
                DatasetCategory.BLACKLIST,
                f"Benchmark list {k}",
                f"bench_list_{k}",
            )
        )
    print(f"loading into {warehouse} ...", file=sys.stderr)
    warehouse.unlink(missing_ok=True)
    engine = create_warehouse_engine(f"duckdb:///{warehouse}")
    upgrade(engine)
    with make_sessionmaker(engine).begin() as db:
        for spec in (*STANDARD_DATASETS, *extra):
            load_dataset(db, spec, data / f"{spec.name}.parquet")
    engine.dispose()
    done.write_text("ok\n")
    print(f"prepared in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return warehouse


# --- phases (each runs in its own process) ---------------------------------------------------


def phase_product(warehouse: Path, runs: int) -> dict[str, Any]:
    from dataquery.audiences import service
    from dataquery.audiences.spec import AudienceSpec
    from dataquery.core.db import create_warehouse_engine, make_sessionmaker

    spec = AudienceSpec.model_validate(bench_spec())
    engine = create_warehouse_engine(f"duckdb:///{warehouse}")
    sessions = make_sessionmaker(engine)

    def run(**options: Any) -> Any:
        with sessions.begin() as db:
            return service.preview(db, spec, None, **options)

    started = time.perf_counter()
    run(sample=False, distributions=False)
    cold = time.perf_counter() - started
    funnel_times, funnel = timed(lambda: run(sample=False, distributions=False), runs)
    preview_times, preview = timed(run, runs)
    # What the builder asks for: also reachability (push opt-outs of one event type joined)
    # and the overlap with deployed campaigns, in the same statement.
    reach_times, reached = timed(
        lambda: run(reachability=True, push_event_type="marketing_offers", overlap=True), runs
    )
    assert reached.funnel == preview.funnel and reached.reachability is not None

    def joined() -> Any:
        with sessions.begin() as db:
            compiler = service.compile_spec(db, spec, None, indexed=False)
            return sorted(db.execute(compiler.funnel()).all())

    joined_times, joined_counts = timed(joined, runs)
    engine.dispose()
    removed = {step.step: step.removed for step in funnel.funnel[1:] if step.removed}
    assert {int(k): int(n) for k, n in joined_counts if k} == removed
    assert preview.funnel == funnel.funnel
    return {
        "cold_s": cold,
        "funnel_s": funnel_times,
        "preview_s": preview_times,
        "reach_s": reach_times,
        "joined_s": joined_times,
        "funnel": [[s.kind, s.removed, s.remaining] for s in funnel.funnel],
        "peak_rss_mb": peak_rss_mb(),
    }


def phase_api(warehouse: Path, runs: int) -> dict[str, Any]:
    import logging

    from fastapi.testclient import TestClient

    from dataquery.auth.models import User
    from dataquery.auth.security import hash_password
    from dataquery.core.config import Settings
    from dataquery.core.db import make_sessionmaker
    from dataquery.main import create_app

    logging.disable(logging.INFO)
    settings = Settings(
        warehouse_url=f"duckdb:///{warehouse}",
        data_dir=warehouse.parent / "var",
        web_dist=warehouse.parent / "no-web",
        log_level="WARNING",
    )
    app = create_app(settings)
    with TestClient(app) as client:
        with make_sessionmaker(app.state.engine).begin() as db:
            if db.get(User, "bench") is None:
                db.add(User(username="bench", role="user", password_hash=hash_password("bench")))
        token = client.post(
            "/api/v1/auth/login", json={"username": "bench", "password": "bench"}
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        body = {"spec": bench_spec()}

        def call() -> Any:
            response = client.post("/api/v1/audiences/preview", json=body, headers=headers)
            assert response.status_code == 200, response.text
            return response.json()

        times, result = timed(call, runs)
    return {"api_s": times, "size": result["size"], "peak_rss_mb": peak_rss_mb()}


def phase_pandas(data: Path, runs: int) -> dict[str, Any]:
    """The old system: object-string IINs, one isin per list, in memory (load not timed)."""
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq

    def strings(path: Path, columns: list[str]) -> pd.DataFrame:
        frame = pq.read_table(path, columns=columns).to_pandas()
        frame["iin"] = frame["iin"].astype(object)  # the old system's string IINs
        return frame

    started = time.perf_counter()
    customers = strings(data / "feature_store.parquet", ["iin", "birth_date"])
    customers["birth_date"] = pd.to_datetime(customers["birth_date"])
    lists = {name: strings(data / f"{name}.parquet", ["iin"])["iin"] for name in list_names()}
    load = time.perf_counter() - started

    def funnel() -> list[list[Any]]:
        frame = customers
        steps: list[list[Any]] = [["source", 0, len(frame)]]
        for name in list_names():
            kept = frame[~frame["iin"].isin(lists[name])]
            steps.append(["suppression", len(frame) - len(kept), len(kept)])
            frame = kept
        born = frame["birth_date"]
        before_birthday = (born.dt.month > AS_OF.month) | (
            (born.dt.month == AS_OF.month) & (born.dt.day > AS_OF.day)
        )
        age = AS_OF.year - born.dt.year - before_birthday.astype(np.int64)
        kept = frame[(age >= AGE_MIN) & (age <= AGE_MAX)]
        steps.append(["age", len(frame) - len(kept), len(kept)])
        return steps

    times, steps = timed(funnel, runs)
    return {"load_s": load, "funnel_s": times, "funnel": steps, "peak_rss_mb": peak_rss_mb()}


def phase_floor(warehouse: Path, runs: int) -> dict[str, Any]:
    """DuckDB reading every column the funnel reads, each value once (hashed so it is read)."""
    import duckdb

    connection = duckdb.connect(str(warehouse), read_only=True)
    tables = {"mb11_global_control": ["iin"], "feature_store": ["iin", "birth_date"]}
    tables.update({f"bench_list_{k}": ["iin"] for k in range(EXTRA_LISTS)})

    def scan(tables: dict[str, list[str]]) -> str:
        return " UNION ALL ".join(
            f"SELECT {' + '.join(f'sum(hash({c}))' for c in columns)} FROM {table}"
            for table, columns in tables.items()
        )

    sql = scan(tables)
    times, _ = timed(lambda: connection.execute(sql).fetchall(), runs)
    # What reachability reads besides: the channels' columns and the push opt-outs.
    reach_tables = {**tables, "push_optouts": ["iin", "event_type"]}
    reach_tables["feature_store"] = [*tables["feature_store"], "p_sid", "phone", "push_enabled"]
    reach_sql = scan(reach_tables)
    reach_times, _ = timed(lambda: connection.execute(reach_sql).fetchall(), runs)
    connection.close()
    return {"floor_s": times, "reach_floor_s": reach_times, "peak_rss_mb": peak_rss_mb()}


# --- orchestration ---------------------------------------------------------------------------


def run_phase(name: str, args: argparse.Namespace, target: Path) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--phase",
        name,
        "--runs",
        str(args.runs),
        "--target",
        str(target),
    ]
    print(f"running {name} ...", file=sys.stderr)
    output = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(output.stdout.strip().splitlines()[-1])
    return result


def p50(runs: list[list[float]], cpu: bool = False) -> float:
    return statistics.median(run[1 if cpu else 0] for run in runs)


def report(customers: int, results: dict[str, dict[str, Any]]) -> bool:
    product, pandas, floor = results["product"], results["pandas"], results["floor"]
    api = results.get("api")
    assert product["funnel"] == pandas["funnel"], (product["funnel"], pandas["funnel"])
    rss = product["peak_rss_mb"]

    def row(label: str, runs: list[list[float]], note: str = "") -> str:
        return (
            f"{label:<17} p50 {p50(runs) * 1000:8.0f} ms wall {p50(runs, True) * 1000:8.0f} ms cpu"
            f"   {note}"
        )

    lines = [
        f"customers: {customers:,}   steps: {len(product['funnel']) - 1}   "
        f"final size: {product['funnel'][-1][2]:,}   machine: {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}",
        row("product funnel", product["funnel_s"], f"(cold {product['cold_s'] * 1000:.0f} ms)"),
        row("product preview", product["preview_s"], "(funnel + distributions + sample)"),
        *(
            [row("preview + reach", product["reach_s"], "(+ reachability and overlap)")]
            if "reach_s" in product
            else []
        ),
        row("lists joined", product["joined_s"], "(the funnel without the list index)"),
    ]
    if api:
        lines.append(row("API preview", api["api_s"], "(HTTP, signed in; cpu = client + server)"))
    lines += [
        row("pandas reference", pandas["funnel_s"], f"(load {pandas['load_s']:.1f} s)"),
        row("floor (DuckDB)", floor["floor_s"]),
        *(
            [row("floor + reach", floor["reach_floor_s"], "(+ p_sid, phone, push opt-outs)")]
            if "reach_floor_s" in floor
            else []
        ),
        "",
    ]
    ok = rss <= 2048
    for unit, cpu in (("wall", False), ("cpu", True)):
        funnel = p50(product["funnel_s"], cpu)
        preview = p50(product["preview_s"], cpu)
        floor_s = p50(floor["floor_s"], cpu)
        pandas_s = p50(pandas["funnel_s"], cpu)
        reach = ""
        if "reach_s" in product:
            reached = p50(product["reach_s"], cpu)
            reach = f"   reach / floor = {reached / floor_s:5.2f}x (target <= 1.5x)"
            if "reach_floor_s" in floor:
                reach += f", / floor + reach {reached / p50(floor['reach_floor_s'], cpu):5.2f}x"
        lines += [
            f"[{unit}] funnel / floor = {funnel / floor_s:5.2f}x (target <= 3x)   "
            f"preview / floor = {preview / floor_s:5.2f}x" + reach,
            f"[{unit}] pandas / funnel = {pandas_s / funnel:5.1f}x (target >= 25x)   "
            f"pandas / preview = {pandas_s / preview:5.1f}x",
        ]
        if unit == "wall":
            ok = ok and funnel / floor_s <= 3 and pandas_s / funnel >= 25
    lines.append(
        f"peak RSS: product {rss:,.0f} MB (target <= 2048 MB), pandas "
        f"{pandas['peak_rss_mb']:,.0f} MB, floor {floor['peak_rss_mb']:,.0f} MB"
    )
    if api and customers <= 1_000_000:
        api_p50 = p50(api["api_s"])
        lines.append(f"API p50 at {customers:,}: {api_p50 * 1000:.0f} ms (target <= 250 ms)")
        ok = ok and api_p50 <= 0.25
    print("\n".join(lines))
    print(
        "targets met" if ok else "targets NOT met (wall-clock; see the cpu lines on a busy machine)"
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--customers", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per measure (p50)")
    parser.add_argument("--workdir", type=Path, default=Path("var/bench"))
    parser.add_argument("--no-api", action="store_true", help="skip the HTTP measurement")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--target", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase:
        phases: dict[str, Callable[[Path, int], dict[str, Any]]] = {
            "product": phase_product,
            "api": phase_api,
            "pandas": phase_pandas,
            "floor": phase_floor,
        }
        print(json.dumps(phases[args.phase](args.target, args.runs)))
        return

    warehouse = prepare(args.customers, args.workdir)
    results = {
        "floor": run_phase("floor", args, warehouse),
        "product": run_phase("product", args, warehouse),
        "pandas": run_phase("pandas", args, warehouse.parent),
    }
    if not args.no_api:
        results["api"] = run_phase("api", args, warehouse)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    sys.exit(0 if report(args.customers, results) else 1)


if __name__ == "__main__":
    main()
