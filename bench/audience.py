"""Audience engine benchmark: a realistic 20-step spec through the product against two baselines.

    .venv/bin/python bench/audience.py [--customers N] [--runs R] [--workdir DIR]

Generates the synthetic bank (`dataquery.datasets.demo.generate_demo`) plus 40 campaigns with
their groups and contact history (some already scheduled after the reference date), loads it
into a DuckDB warehouse, and runs the same spec (`bench_spec`: seven lists, age, a product, a
push opt-out, two `any_of` groups, two `column` filters, recent contact, a frequency cap, stream
exclusion, device, filials, a rank with top N) three ways, each in its own process so that each
one's peak RSS is its own:

- product: `audiences.service.preview` (the API's code path), warm p50 of R runs, both the
  funnel alone and the full preview (funnel + distributions + sample + reachability + overlap);
  the funnel once more with every list joined instead of read from the list index (a check of
  the index, run after the product's peak RSS is read; its own peak is printed too); and the full
  preview through the HTTP API (FastAPI TestClient, signed in; it writes an audit row too);
- pandas: the old system's way, string (object) IINs in memory and one `isin` per set;
- floor: DuckDB scanning every column the spec reads, once (hashing each value).

Prints the three, the ratios and whether the targets hold (funnel ≤ 1x floor and ≥ 25x faster
than pandas; at 10 M the full preview ≤ 1.5x floor; peak RSS ≤ 2 GB; API p50 ≤ 150 ms at 1 M
customers). The results must agree: the pandas funnel and reachability are checked against the
product's.
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
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from common import peak_rss_mb

AS_OF = date(2026, 11, 28)
SEED = 42
AGE_MIN, AGE_MAX = 21, 65
LISTS = (
    "global_control",
    "acrm_blacklist",
    "client_blacklist",
    "employees",
    "bloggers",
    "not_recommend_credits",
    "no_worker",
)
FILIALS = [f"{n:02d}" for n in range(1, 21)]
PUSH_EVENT = "credit_offers"
EXCLUDED_STREAM = "credit"
# Contact history: campaigns of 4 % of the customers each, started from 60 days before the
# reference date to 14 days after it (deployed, not started yet), 90 % target and 10 % control.
CAMPAIGNS = 40
CAMPAIGN_SHARE = 0.04
CAMPAIGN_STREAMS = ("credit", "deposit", "market", "travel", "general")


def bench_spec(customers: int) -> dict[str, Any]:
    """A realistic 20-step spec: seven lists, age, a product, a push opt-out, two OR groups, two
    column filters, recent contact, a frequency cap, stream exclusion, device, filials and a rank
    with top N (10 % of the customers)."""
    filters: list[dict[str, Any]] = [{"kind": "suppression", "list": n} for n in LISTS]
    filters += [
        {"kind": "age", "min": AGE_MIN, "max": AGE_MAX},
        {"kind": "product", "products": ["consumer_loan"], "mode": "has_not"},
        {"kind": "push_optout", "event_types": [PUSH_EVENT]},
        {
            "kind": "any_of",
            "filters": [
                {"kind": "product", "products": ["credit_card"], "mode": "has"},
                {"kind": "column", "column": "score_credit", "op": ">=", "value": 0.5},
            ],
        },
        {
            "kind": "any_of",
            "filters": [
                {"kind": "mau"},
                {"kind": "column", "column": "txn_cnt_30d", "op": ">=", "value": 10},
            ],
        },
        {"kind": "column", "column": "balance_kzt", "op": "between", "value": [50_000, 5_000_000]},
        {"kind": "column", "column": "last_active_date", "op": ">=", "value": "2026-09-01"},
        {"kind": "recent_contact", "days": 14},
        {"kind": "frequency_cap", "max_contacts": 3, "days": 30},
        {"kind": "stream", "stream": EXCLUDED_STREAM},
        {"kind": "device", "values": ["android", "ios"]},
        {"kind": "filial", "codes": FILIALS},
    ]
    rank = {"sum_of": ["score_credit", "score_market"], "min": 0.6, "top_n": customers // 10}
    return {
        "version": 1,
        "reference_date": AS_OF.isoformat(),
        "filters": filters,
        "rank": rank,
    }


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
    from dataquery.core.db import create_warehouse_engine, make_sessionmaker
    from dataquery.core.migrate import upgrade
    from dataquery.datasets.catalog import STANDARD_DATASETS
    from dataquery.datasets.demo import generate_demo
    from dataquery.datasets.service import load_dataset

    data = workdir / f"bank_{customers}"
    warehouse = data / "warehouse.duckdb"
    done = data / "READY.v5"  # v5: the product, opt-out, contact and reach indexes
    if done.exists():
        engine = create_warehouse_engine(f"duckdb:///{warehouse}")
        upgrade(engine)  # a warehouse prepared by older code gets the newer migrations
        engine.dispose()
        return warehouse
    data.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    print(f"generating {customers:,} customers in {data} ...", file=sys.stderr)
    generate_demo(customers, SEED, data, AS_OF)
    write_campaigns(data)
    print(f"loading into {warehouse} ...", file=sys.stderr)
    warehouse.unlink(missing_ok=True)
    engine = create_warehouse_engine(f"duckdb:///{warehouse}")
    upgrade(engine)
    with make_sessionmaker(engine).begin() as db:
        for spec in STANDARD_DATASETS:
            load_dataset(db, spec, data / f"{spec.name}.parquet")
    engine.dispose()
    load_campaigns(warehouse, data)
    index_history(warehouse)
    done.write_text("ok\n")
    print(f"prepared in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return warehouse


def campaign_rows() -> list[dict[str, Any]]:
    """mb01_camp_dict rows: CAMPAIGNS deployed ones (the last starting after AS_OF) and two
    cancelled ones, whose members were released (they hold no rows anywhere)."""
    rows = []
    for k in range(CAMPAIGNS + 2):
        start = AS_OF + timedelta(days=-60 + (74 * k) // CAMPAIGNS)
        end = start + timedelta(days=14 + k % 17)
        if k >= CAMPAIGNS:
            status = "cancelled"
        elif start > AS_OF:
            status = "deployed"
        elif end < AS_OF:
            status = "finished"
        else:
            status = "active"
        rows.append(
            {
                "camp_cd": f"B{k:09d}",
                "camp_type": "RB1",
                "camp_name": f"Бенчмарк {k}",
                "stream": CAMPAIGN_STREAMS[k % len(CAMPAIGN_STREAMS)],
                "channels": "push,sms" if k % 2 else "push",
                "start_date": start,
                "end_date": end,
                "status": status,
                "owner": "bench",
            }
        )
    return rows


def write_campaigns(data: Path) -> None:
    """The campaigns' groups and contact history as Parquet (mb22, mb21, off_limit): each of the
    CAMPAIGNS picks CAMPAIGN_SHARE of the customers; targets are contacted on the start date by
    push, and by SMS too where the campaign has it."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    iins = pq.read_table(data / "feature_store.parquet", columns=["iin"]).column("iin")
    rng = np.random.default_rng(SEED + 1)
    target, control, contacts = [], [], []
    for row in campaign_rows()[:CAMPAIGNS]:
        chosen = np.flatnonzero(rng.random(len(iins)) < CAMPAIGN_SHARE)
        is_control = rng.random(len(chosen)) < 0.10
        for group, rows in ((target, chosen[~is_control]), (control, chosen[is_control])):
            group.append(
                pa.table(
                    {
                        "camp_cd": pa.array([row["camp_cd"]] * len(rows)),
                        "iin": iins.take(pa.array(rows)),
                        "stream": pa.array([row["stream"]] * len(rows)),
                        "start_date": pa.array([row["start_date"]] * len(rows), pa.date32()),
                        "end_date": pa.array([row["end_date"]] * len(rows), pa.date32()),
                    }
                )
            )
        targets = chosen[~is_control]
        for channel in row["channels"].split(","):
            contacts.append(
                pa.table(
                    {
                        "iin": iins.take(pa.array(targets)),
                        "camp_cd": pa.array([row["camp_cd"]] * len(targets)),
                        "stream": pa.array([row["stream"]] * len(targets)),
                        "channel": pa.array([channel] * len(targets)),
                        "contact_date": pa.array([row["start_date"]] * len(targets), pa.date32()),
                    }
                )
            )
    for name, parts in (("target", target), ("control", control), ("contacts", contacts)):
        pq.write_table(pa.concat_tables(parts), data / f"bench_{name}.parquet")


def load_campaigns(warehouse: Path, data: Path) -> None:
    import duckdb

    from dataquery.bank.tables import contact_history, local_control, local_target

    connection = duckdb.connect(str(warehouse))
    columns = list(campaign_rows()[0])
    connection.executemany(
        f"INSERT INTO mb01_camp_dict ({', '.join(columns)}, target_cnt, control_cnt, "
        f"control_share, split_seed, created_at, updated_at) "
        f"VALUES ({', '.join('?' for _ in columns)}, 0, 0, 0.1, 0, now(), now())",
        [list(row.values()) for row in campaign_rows()],
    )
    tables = {
        local_target.name: "target",
        local_control.name: "control",
        contact_history.name: "contacts",
    }
    for table, name in tables.items():
        path = data / f"bench_{name}.parquet"
        columns_sql = ", ".join(pq_columns(path))
        # In deploy order, as the product writes them: campaign by campaign, each in IIN order.
        date = "contact_date" if name == "contacts" else "start_date"
        connection.execute(
            f"INSERT INTO {table} ({columns_sql}) SELECT {columns_sql} "
            f"FROM read_parquet('{path}') ORDER BY {date}, camp_cd, iin"
        )
    connection.close()


def index_history(warehouse: Path) -> None:
    """The groups and history were written here from outside the product: rebuild the contact
    index and mark the live campaigns' groups, as `dataquery index history` does."""
    from dataquery.core.db import create_warehouse_engine, make_sessionmaker
    from dataquery.datasets import contact_index, member_index

    engine = create_warehouse_engine(f"duckdb:///{warehouse}")
    started = time.perf_counter()
    with make_sessionmaker(engine).begin() as db:
        contact_index.build(db)
        member_index.index_live(db, AS_OF)
    print(f"indexes built in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    engine.dispose()


def pq_columns(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    return list(pq.read_schema(path).names)


# --- phases (each runs in its own process) ---------------------------------------------------


def customers_in(warehouse: Path) -> int:
    return int(warehouse.parent.name.removeprefix("bank_"))


def phase_product(warehouse: Path, runs: int) -> dict[str, Any]:
    from dataquery.audiences import service
    from dataquery.audiences.spec import AudienceSpec
    from dataquery.core.db import create_warehouse_engine, make_sessionmaker

    spec = AudienceSpec.model_validate(bench_spec(customers_in(warehouse)))
    engine = create_warehouse_engine(f"duckdb:///{warehouse}")
    sessions = make_sessionmaker(engine)

    def run(**options: Any) -> Any:
        with sessions.begin() as db:
            return service.preview(db, spec, None, **options)

    started = time.perf_counter()
    funnel_only = {"sample": False, "distributions": False}
    run(**funnel_only)
    cold = time.perf_counter() - started
    funnel_times, funnel = timed(lambda: run(**funnel_only), runs)
    full = {"reachability": True, "overlap": True, "push_event_type": PUSH_EVENT}
    preview_times, preview = timed(lambda: run(**full), runs)
    rss = peak_rss_mb()  # the product's: the joined funnel below is this benchmark's check

    def joined() -> Any:
        with sessions.begin() as db:
            compiler = service.compile_spec(db, spec, None, indexed=False)
            return sorted(db.execute(compiler.funnel()).all())

    joined_times, joined_counts = timed(joined, runs)
    engine.dispose()
    # Both ways count the rows each step removes (the rank's top N is arithmetic, left out).
    removed = {step.step: step.removed for step in funnel.funnel[1:-1] if step.removed}
    counted = {int(k): int(n) for k, n in joined_counts if k and int(k) in removed}
    assert counted == removed, (counted, removed)
    assert preview.funnel == funnel.funnel
    return {
        "cold_s": cold,
        "funnel_s": funnel_times,
        "preview_s": preview_times,
        "joined_s": joined_times,
        "funnel": [[s.kind, s.removed, s.remaining] for s in funnel.funnel],
        "reach": {"push": preview.reachability.push, "sms": preview.reachability.sms},
        "overlap": preview.overlap.members if preview.overlap else None,
        "peak_rss_mb": rss,
        "peak_rss_joined_mb": peak_rss_mb(),
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
        body = {"spec": bench_spec(customers_in(warehouse)), "push_event_type": PUSH_EVENT}

        def call() -> Any:
            response = client.post("/api/v1/audiences/preview", json=body, headers=headers)
            assert response.status_code == 200, response.text
            return response.json()

        times, result = timed(call, runs)
    return {"api_s": times, "size": result["size"], "peak_rss_mb": peak_rss_mb()}


def phase_pandas(data: Path, runs: int) -> dict[str, Any]:
    """The old system: object-string IINs in memory, one `isin` per set, the rules written the
    obvious way (load not timed)."""
    import numpy as np
    import pandas as pd
    import pyarrow.parquet as pq

    def frame(name: str, columns: list[str]) -> pd.DataFrame:
        table = pq.read_table(data / f"{name}.parquet", columns=columns).to_pandas()
        table["iin"] = table["iin"].astype(object)  # the old system's string IINs
        return table

    started = time.perf_counter()
    store_columns = [
        "iin", "birth_date", "filial_code", "device_os", "is_mau", "last_active_date", "phone",
        "p_sid", "push_enabled", "score_credit", "score_market", "balance_kzt", "txn_cnt_30d",
    ]  # fmt: skip
    customers = frame("feature_store", store_columns)
    customers["birth_date"] = pd.to_datetime(customers["birth_date"])
    customers["last_active_date"] = pd.to_datetime(customers["last_active_date"])
    lists = {name: frame(name, ["iin"])["iin"] for name in LISTS}
    products = frame("products", ["iin", "product_code"])
    optouts = frame("push_optouts", ["iin", "event_type"])
    contacts = frame("bench_contacts", ["iin", "camp_cd", "contact_date"])
    contacts["contact_date"] = pd.to_datetime(contacts["contact_date"])
    groups = pd.concat([frame("bench_target", ["iin", "stream", "end_date"]),
                        frame("bench_control", ["iin", "stream", "end_date"])])  # fmt: skip
    groups["end_date"] = pd.to_datetime(groups["end_date"])
    load = time.perf_counter() - started
    as_of = pd.Timestamp(AS_OF)
    spec = bench_spec(len(customers))

    def owners(code: str) -> pd.Series:
        return products.loc[products["product_code"] == code, "iin"]

    def funnel() -> tuple[list[list[Any]], dict[str, int]]:
        rows = customers
        steps: list[list[Any]] = [["source", 0, len(rows)]]

        def keep(kind: str, mask: Any) -> None:
            nonlocal rows
            kept = rows[np.asarray(mask, dtype=bool)]
            steps.append([kind, len(rows) - len(kept), len(kept)])
            rows = kept

        for name in LISTS:
            keep("suppression", ~rows["iin"].isin(lists[name]))
        born = rows["birth_date"]
        before_birthday = (born.dt.month > AS_OF.month) | (
            (born.dt.month == AS_OF.month) & (born.dt.day > AS_OF.day)
        )
        age = AS_OF.year - born.dt.year - before_birthday.astype(np.int64)
        keep("age", (age >= AGE_MIN) & (age <= AGE_MAX))
        keep("product", ~rows["iin"].isin(owners("consumer_loan")))
        opted = optouts.loc[optouts["event_type"] == PUSH_EVENT, "iin"]
        keep("push_optout", ~rows["iin"].isin(opted))
        keep("any_of", rows["iin"].isin(owners("credit_card")) | (rows["score_credit"] >= 0.5))
        keep("any_of", rows["is_mau"] | (rows["txn_cnt_30d"] >= 10))
        keep("column", rows["balance_kzt"].between(50_000, 5_000_000))
        keep("column", rows["last_active_date"] >= pd.Timestamp("2026-09-01"))
        recent = contacts.loc[contacts["contact_date"] >= as_of - pd.Timedelta(days=14), "iin"]
        keep("recent_contact", ~rows["iin"].isin(recent))
        window = contacts[contacts["contact_date"] >= as_of - pd.Timedelta(days=30)]
        per_customer = window.groupby("iin")["camp_cd"].nunique()
        keep("frequency_cap", ~rows["iin"].isin(per_customer.index[per_customer >= 3]))
        held = groups.loc[(groups["stream"] == EXCLUDED_STREAM) & (groups["end_date"] >= as_of)]
        keep("stream", ~rows["iin"].isin(held["iin"]))
        keep("device", rows["device_os"].isin(["android", "ios"]))
        keep("filial", rows["filial_code"].isin(FILIALS))
        score = rows["score_credit"].fillna(0.0) + rows["score_market"].fillna(0.0)
        keep("rank", score >= spec["rank"]["min"])
        ranked = rows.assign(score=score[score >= spec["rank"]["min"]]).sort_values(
            ["score", "iin"], ascending=[False, True]
        )
        final = ranked.head(spec["rank"]["top_n"])
        steps[-1] = ["rank", steps[-1][1] + len(ranked) - len(final), len(final)]
        push = (
            final["p_sid"].fillna("").ne("")
            & final["push_enabled"].fillna(False).astype(bool)
            & ~final["iin"].isin(opted)
        )
        sms = final["phone"].fillna("").str.fullmatch(r"\+77[0-9]{9}")
        return steps, {"push": int(push.sum()), "sms": int(sms.sum())}

    times, (steps, reach) = timed(funnel, runs)
    return {
        "load_s": load,
        "funnel_s": times,
        "funnel": steps,
        "reach": reach,
        "peak_rss_mb": peak_rss_mb(),
    }


def phase_floor(warehouse: Path, runs: int) -> dict[str, Any]:
    """DuckDB reading every column the funnel reads, each value once (hashed so it is read)."""
    import duckdb

    connection = duckdb.connect(str(warehouse), read_only=True)
    tables = {
        "feature_store": [
            "iin", "birth_date", "filial_code", "device_os", "is_mau", "last_active_date",
            "phone", "p_sid", "push_enabled", "score_credit", "score_market", "balance_kzt",
            "txn_cnt_30d",
        ],
        "products": ["iin", "product_code"],
        "push_optouts": ["iin", "event_type"],
        "off_limit_campaigns_users": ["iin", "camp_cd", "contact_date"],
        "mb22_local_target": ["iin", "camp_cd"],
        "mb21_local_control": ["iin", "camp_cd"],
    }  # fmt: skip
    tables.update({dataset_table(connection, name): ["iin"] for name in LISTS})
    sql = " UNION ALL ".join(
        f"SELECT {' + '.join(f'sum(hash({c}))' for c in columns)} FROM {table}"
        for table, columns in tables.items()
    )
    times, _ = timed(lambda: connection.execute(sql).fetchall(), runs)
    connection.close()
    return {"floor_s": times, "peak_rss_mb": peak_rss_mb()}


def dataset_table(connection: Any, name: str) -> str:
    """The warehouse table of a catalog dataset (the global control group is mb11_...)."""
    row = connection.execute("SELECT table_name FROM dq_datasets WHERE name = ?", [name]).fetchone()
    return str(row[0])


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
    assert product["reach"] == pandas["reach"], (product["reach"], pandas["reach"])
    rss = product["peak_rss_mb"]

    def row(label: str, runs: list[list[float]], note: str = "") -> str:
        return (
            f"{label:<17} p50 {p50(runs) * 1000:8.0f} ms wall {p50(runs, True) * 1000:8.0f} ms cpu"
            f"   {note}"
        )

    reach = product["reach"]
    lines = [
        f"customers: {customers:,}   steps: {len(product['funnel']) - 1}   "
        f"final size: {product['funnel'][-1][2]:,}   reachable: push {reach['push']:,}, "
        f"sms {reach['sms']:,}   in other campaigns: {product['overlap']:,}",
        f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}",
        row("product funnel", product["funnel_s"], f"(cold {product['cold_s'] * 1000:.0f} ms)"),
        row(
            "product preview",
            product["preview_s"],
            "(funnel + distributions + sample + reachability + overlap)",
        ),
        row("lists joined", product["joined_s"], "(the funnel without the list index)"),
    ]
    if api:
        lines.append(row("API preview", api["api_s"], "(HTTP, signed in; cpu = client + server)"))
    lines += [
        row("pandas reference", pandas["funnel_s"], f"(load {pandas['load_s']:.1f} s)"),
        row("floor (DuckDB)", floor["floor_s"], "(every column the spec reads, once)"),
        "",
    ]
    ok = rss <= 2048
    for unit, cpu in (("wall", False), ("cpu", True)):
        funnel = p50(product["funnel_s"], cpu)
        preview = p50(product["preview_s"], cpu)
        floor_s = p50(floor["floor_s"], cpu)
        pandas_s = p50(pandas["funnel_s"], cpu)
        lines += [
            f"[{unit}] funnel / floor = {funnel / floor_s:5.2f}x (target <= 1x)   "
            f"preview / floor = {preview / floor_s:5.2f}x (target <= 1.5x)",
            f"[{unit}] pandas / funnel = {pandas_s / funnel:5.1f}x (target >= 25x)   "
            f"pandas / preview = {pandas_s / preview:5.1f}x",
        ]
        if unit == "wall":
            ok = ok and funnel / floor_s <= 1 and pandas_s / funnel >= 25
            if customers >= 10_000_000:
                ok = ok and preview / floor_s <= 1.5
    lines.append(
        f"peak RSS: product {rss:,.0f} MB (target <= 2048 MB; "
        f"{product['peak_rss_joined_mb']:,.0f} MB after the lists-joined funnel), pandas "
        f"{pandas['peak_rss_mb']:,.0f} MB, floor {floor['peak_rss_mb']:,.0f} MB"
    )
    if api and customers <= 1_000_000:
        api_p50 = p50(api["api_s"])
        lines.append(f"API p50 at {customers:,}: {api_p50 * 1000:.0f} ms (target <= 150 ms)")
        ok = ok and api_p50 <= 0.15
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
