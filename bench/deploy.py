"""Benchmark: deploying a campaign into the bank's tables, product path against row by row.

    .venv/bin/python bench/deploy.py [--sizes 1000000 5000000] [--engines duckdb postgres]
                                      [--channels push,sms] [--baseline-rows 50000]

For each engine, on a scratch warehouse (a DuckDB file in a temporary directory; a PostgreSQL
database created on the server of DQ_BENCH_POSTGRES_URL or DQ_TEST_POSTGRES_URL and dropped at
the end), migrated like production:

* a synthetic feature store (p_sid, phone, push_enabled) of max(sizes) customers and one saved
  audience per size, the audience's members being the target members (control_share 0);
* product: `dataquery.campaigns.deploy.deploy` of a draft, committed: mb01, mb22 (target),
  fd_rb2_campaigns_users (target x channel), off_limit_campaigns_users (the contacts);
* baseline: what a row-by-row deploy does, ORM objects added one at a time into
  mb22_local_target, --baseline-rows of them, committed; once flushed after every object (a
  statement per row; a tenth of the rows), once flushed at the end (SQLAlchemy batches the
  INSERTs). The ratio is taken against the faster of the two.

Wall-clock rows/s depend on what else runs on the machine; the CPU seconds of the deploy (this
process with DuckDB's threads, plus the PostgreSQL backend) are printed too.

Prints rows written per second (all tables), members per second, and the ratio to the baseline.
Target (issue 6): >= 200 000 rows/s on both engines, >= 10x the baseline.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, registry

from dataquery.auth.models import User
from dataquery.bank.tables import local_target
from dataquery.campaigns import deploy, service
from dataquery.campaigns.schemas import CampaignCreate
from dataquery.core.bulk import insert_arrow
from dataquery.core.db import create_warehouse_engine, make_sessionmaker, utcnow
from dataquery.core.migrate import upgrade

TARGET_ROWS_PER_SECOND = 200_000
TARGET_RATIO = 10.0


@dataclass
class Result:
    engine: str
    label: str
    members: int
    rows: int
    seconds: float
    cpu_seconds: float | None = None

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds

    @property
    def members_per_second(self) -> float:
        return self.members / self.seconds


# --- scratch warehouses -----------------------------------------------------------------------


class Scratch:
    """A migrated warehouse of its own, removed afterwards."""

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.directory: Path | None = None
        self.database: str | None = None
        self.admin: Engine | None = None
        if kind == "duckdb":
            self.directory = Path(tempfile.mkdtemp(prefix="dq-bench-"))
            self.url = f"duckdb:///{self.directory / 'warehouse.duckdb'}"
        else:
            server = os.environ.get("DQ_BENCH_POSTGRES_URL") or os.environ.get(
                "DQ_TEST_POSTGRES_URL"
            )
            if not server:
                raise SystemExit("set DQ_BENCH_POSTGRES_URL or DQ_TEST_POSTGRES_URL")
            base = make_url(server)
            self.admin = sa.create_engine(
                base.set(database="postgres"), isolation_level="AUTOCOMMIT"
            )
            self.database = f"dq_bench_{uuid.uuid4().hex[:10]}"
            with self.admin.connect() as conn:
                conn.execute(sa.text(f"CREATE DATABASE {self.database}"))
            self.url = base.set(database=self.database).render_as_string(hide_password=False)
        self.engine = create_warehouse_engine(self.url)
        upgrade(self.engine)

    def close(self) -> None:
        self.engine.dispose()
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
        if self.admin is not None and self.database is not None:
            with self.admin.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {self.database} WITH (FORCE)"))
            self.admin.dispose()


# --- data -------------------------------------------------------------------------------------


def synthetic_iins(count: int, seed: int = 7) -> pa.Array:
    """Distinct 12-digit IIN strings in random order (a deploy does not re-validate them)."""
    rng = np.random.default_rng(seed)
    numbers = np.unique(rng.integers(10**10, 10**12, int(count * 1.01) + 1000))[:count]
    return pa.array(np.char.zfill(rng.permutation(numbers).astype(str), 12), pa.string())


def load_feature_store(engine: Engine, iins: pa.Array) -> None:
    n = len(iins)
    rng = np.random.default_rng(3)
    position = np.arange(n)
    p_sid = np.char.add("psid-", position.astype(str))
    phone = np.char.add("+77", np.char.zfill((position % 10**9).astype(str), 9))
    table = pa.table(
        {
            "iin": iins,
            "p_sid": pa.array(p_sid, mask=rng.random(n) < 0.15),
            "phone": pa.array(phone, mask=rng.random(n) < 0.2),
            "push_enabled": pa.array(rng.random(n) < 0.75),
        }
    )
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "CREATE TABLE feature_store (iin VARCHAR(12), p_sid VARCHAR(64),"
                " phone VARCHAR(16), push_enabled BOOLEAN)"
            )
        )
        insert_arrow(conn, sa.table("feature_store"), table)
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("CREATE INDEX ON feature_store (iin)"))
            conn.execute(sa.text("ANALYZE feature_store"))
        conn.execute(
            sa.text(
                "INSERT INTO dq_datasets (name, category, table_name, row_count, columns,"
                " created_at) VALUES ('feature_store', 'feature_store', 'feature_store', :n,"
                " '[]', :at)"
            ),
            {"n": n, "at": utcnow()},
        )


def save_audience(engine: Engine, iins: pa.Array) -> str:
    audience_id = uuid.uuid4().hex
    members = sa.table("dq_audience_members", sa.column("audience_id"), sa.column("iin"))
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO dq_audiences (id, name, owner, spec, funnel, size, reference_date,"
                " created_at) VALUES (:id, 'bench', 'bench', '{}', '[]', :size, :day, :at)"
            ),
            {"id": audience_id, "size": len(iins), "day": date.today(), "at": utcnow()},
        )
        insert_arrow(
            conn, members, pa.table({"audience_id": pa.repeat(audience_id, len(iins)), "iin": iins})
        )
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("ANALYZE dq_audience_members"))
    return audience_id


# --- the two paths ----------------------------------------------------------------------------


def product_deploy(
    engine: Engine, audience_id: str, channels: list[str]
) -> tuple[str, int, float, float]:
    """A draft deployed and committed; returns (its code, rows written, seconds, CPU seconds)."""
    factory = make_sessionmaker(engine)
    start = service.today() + timedelta(days=1)
    body = CampaignCreate(
        type="RB1",
        name="bench",
        stream="market",
        channels=channels,  # type: ignore[arg-type]
        texts={
            "ru": {"title": "Бенчмарк", "body": "Текст"},
            "kz": {"title": "Бенчмарк", "body": "Мәтін"},
        },  # type: ignore[arg-type]
        start_date=start,
        end_date=start + timedelta(days=14),
        audience_id=audience_id,
        control_share=0.0,
        split_seed=1,
    )
    with factory.begin() as db:
        user = db.get(User, "bench")
        assert user is not None
        code = service.create(db, user, body).camp_cd
    with factory() as db:
        backend = _backend_pid(db)
        cpu_before = _cpu_seconds(backend)
        started = time.perf_counter()
        report = deploy.deploy(db, service.get_campaign(db, code), "bench")
        db.commit()
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds(backend) - cpu_before
    return code, sum(report.tables.values()), seconds, cpu


def product_delete(engine: Engine, code: str) -> tuple[int, float]:
    """The deployed campaign deleted and committed; returns (rows removed, seconds)."""
    factory = make_sessionmaker(engine)
    with factory() as db:
        user = db.get(User, "bench")
        assert user is not None
        started = time.perf_counter()
        removed = service.delete(db, user, code)
        db.commit()
        seconds = time.perf_counter() - started
    return sum(removed.values()), seconds


def _backend_pid(db: Session) -> int | None:
    if db.get_bind().dialect.name != "postgresql":
        return None
    return int(db.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def _cpu_seconds(backend: int | None) -> float:
    """CPU used by this process (DuckDB's threads included) and by the PostgreSQL backend
    serving the deploy (same machine): the work done, whatever else runs beside it."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    total = usage.ru_utime + usage.ru_stime
    if backend is not None:
        fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


class TargetRow:
    """mb22_local_target as ORM objects, for the row-by-row baseline."""

    def __init__(self, **values: Any) -> None:
        for name, value in values.items():
            setattr(self, name, value)


registry().map_imperatively(TargetRow, local_target)


def baseline(engine: Engine, iins: pa.Array, flush_each: bool) -> float:
    """ORM objects added one at a time; flushed after each (a statement per row) or once at
    the end (SQLAlchemy's unit of work then batches the INSERTs); returns seconds."""
    rows = iins.to_pylist()
    today = date.today()
    now = utcnow()
    started = time.perf_counter()
    with Session(engine) as db:
        for iin in rows:
            db.add(
                TargetRow(
                    camp_cd="C999999998" if flush_each else "C999999999",
                    iin=iin,
                    stream="market",
                    start_date=today,
                    end_date=today,
                    created_at=now,
                )
            )
            if flush_each:
                db.flush()
        db.commit()
    return time.perf_counter() - started


# --- run --------------------------------------------------------------------------------------


def run_engine(
    kind: str, sizes: list[int], channels: list[str], baseline_rows: int
) -> list[Result]:
    print(f"\n== {kind}: preparing a feature store of {max(sizes):,} customers", flush=True)
    scratch = Scratch(kind)
    results = []
    try:
        engine = scratch.engine
        with make_sessionmaker(engine).begin() as db:
            db.add(User(username="bench", role="analyst", enabled=True))
        iins = synthetic_iins(max(sizes))
        load_feature_store(engine, iins)
        for size in sizes:
            audience_id = save_audience(engine, iins[:size])
            code, rows, seconds, cpu = product_deploy(engine, audience_id, channels)
            result = Result(kind, f"deploy {size:,}", size, rows, seconds, cpu)
            results.append(result)
            print(
                f"{kind:9} deploy {size:>10,} members: {rows:>11,} rows in {seconds:7.1f} s "
                f"= {result.rows_per_second:>9,.0f} rows/s, {result.members_per_second:>9,.0f} "
                f"members/s; {cpu:.1f} CPU s = {rows / cpu:,.0f} rows per CPU second",
                flush=True,
            )
            removed, delete_seconds = product_delete(engine, code)
            assert removed == rows, (removed, rows)
            print(
                f"{kind:9} delete {size:>10,} members: {removed:>11,} rows in "
                f"{delete_seconds:7.1f} s = {delete_seconds / seconds:.2f}x the deploy's time "
                f"(target <= 1x)",
                flush=True,
            )
        sample = synthetic_iins(baseline_rows, seed=99)
        for flush_each, label in ((True, "ORM, flush per row"), (False, "ORM, one flush")):
            # A statement per row is slow enough that a tenth of the rows measures it.
            rows = sample[: max(baseline_rows // 10, 1)] if flush_each else sample
            seconds = baseline(engine, rows, flush_each)
            base = Result(kind, label, len(rows), len(rows), seconds)
            results.append(base)
            print(
                f"{kind:9} baseline {label}: {len(rows):,} rows in {seconds:.1f} s "
                f"= {base.rows_per_second:,.0f} rows/s",
                flush=True,
            )
    finally:
        scratch.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 5_000_000])
    parser.add_argument("--engines", nargs="+", default=["duckdb", "postgres"])
    parser.add_argument("--channels", default="push,sms")
    parser.add_argument("--baseline-rows", type=int, default=50_000)
    args = parser.parse_args(argv)
    channels = [c for c in args.channels.split(",") if c]
    print(
        f"channels: {', '.join(channels)}; cpus: {os.cpu_count()}; load: {os.getloadavg()[0]:.1f}"
    )
    results = []
    for kind in args.engines:
        results += run_engine(kind, args.sizes, channels, args.baseline_rows)

    print(f"\n{'engine':9} {'run':22} {'rows/s':>10} {'members/s':>10} {'x baseline':>11}  target")
    ok = True
    for kind in args.engines:
        bases = [r for r in results if r.engine == kind and r.label.startswith("ORM")]
        # The ratio is taken against the faster of the two baselines.
        base = max(bases, key=lambda r: r.rows_per_second)
        for result in (r for r in results if r.engine == kind):
            ratio = result.rows_per_second / base.rows_per_second
            verdict = ""
            if not result.label.startswith("ORM"):
                met = result.rows_per_second >= TARGET_ROWS_PER_SECOND and ratio >= TARGET_RATIO
                ok &= met
                verdict = "met" if met else "MISSED"
            print(
                f"{kind:9} {result.label:22} {result.rows_per_second:>10,.0f} "
                f"{result.members_per_second:>10,.0f} {ratio:>10.1f}x  {verdict}"
            )
    print(
        f"\ntarget: >= {TARGET_ROWS_PER_SECOND:,} rows/s on both engines and >= "
        f"{TARGET_RATIO:.0f}x the faster row-by-row baseline: {'met' if ok else 'NOT met'}"
        f" (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
