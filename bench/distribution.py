"""Benchmark: the daily pool distribution, 200 000 new users over 20 active campaigns.

    .venv/bin/python bench/distribution.py [--pool 200000] [--campaigns 20]
                                           [--engines duckdb postgres]

For each engine, on a scratch warehouse (bench/deploy.py's: a DuckDB file in a temporary
directory; a PostgreSQL database on DQ_BENCH_POSTGRES_URL or DQ_TEST_POSTGRES_URL, dropped at
the end), migrated like production and loaded through the catalog:

* a feature store of 2 x pool customers (p_sid, phone, push_enabled with gaps), the pool of the
  day (the first `pool` of them), a global control of 2 % of it, three blacklists of 3 % each,
  contacts of 5 % within the last 30 days;
* `campaigns` deployed campaigns with pool_share, push + SMS, control share 0.1: each excludes
  one of the blacklists (or none), every third also recent contacts (30 days); their groups
  hold a bit of the member index, as a deploy leaves them;
* `dataquery.distribution.service.distribute` of the day, committed: the pool query, one
  suppression query per campaign, the deal, and mb22 / mb21 / fd_rb2_campaigns_users /
  off_limit_campaigns_users / mb01 written in one transaction.

Prints the seconds, customers per second and rows written per second. Target (issue 15):
<= 10 s per engine.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from dataquery.audiences import spec as s
from dataquery.bank.tables import CampaignDict, contact_history
from dataquery.campaigns.app_tables import CampaignDetail
from dataquery.core.bulk import insert_arrow
from dataquery.core.db import make_sessionmaker
from dataquery.datasets import member_index
from dataquery.datasets.catalog import STANDARD_BY_NAME
from dataquery.datasets.service import load_dataset
from dataquery.distribution import service
from deploy import Scratch, synthetic_iins

TARGET_SECONDS = 10.0
DAY = date(2026, 12, 7)
LISTS = ("acrm_blacklist", "client_blacklist", "employees")


def prepare(scratch: Scratch, pool_size: int, campaigns: int, workdir: Path) -> None:
    rng = np.random.default_rng(15)
    iins = synthetic_iins(pool_size * 2)
    n = len(iins)
    position = np.arange(n)
    features = pa.table(
        {
            "iin": iins,
            "p_sid": pa.array(
                np.char.add("psid-", position.astype(str)), mask=rng.random(n) < 0.15
            ),
            "phone": pa.array(
                np.char.add("+77", np.char.zfill((position % 10**9).astype(str), 9)),
                mask=rng.random(n) < 0.2,
            ),
            "push_enabled": pa.array(rng.random(n) < 0.75),
        }
    )  # fmt: skip
    pool = iins.slice(0, pool_size)
    files = {
        "feature_store": features,
        "spss_user_pool": pa.table(
            {"iin": pool, "pool_date": pa.array([DAY] * pool_size, pa.date32())}
        ),
    }

    def sample(share: float) -> pa.Array:
        return pool.take(pa.array(np.flatnonzero(rng.random(pool_size) < share)))

    for name, share in (("global_control", 0.02), *((name, 0.03) for name in LISTS)):
        members = sample(share)
        files[name] = pa.table(
            {"iin": members, "added_date": pa.array([DAY] * len(members), pa.date32())}
        )
    factory = make_sessionmaker(scratch.engine)
    with factory.begin() as db:
        for name, table in files.items():
            path = workdir / f"{name}.parquet"
            pq.write_table(table, path)
            load_dataset(db, STANDARD_BY_NAME[name], path)
        contacted = sample(0.05)
        insert_arrow(
            db.connection(),
            contact_history,
            pa.table(
                {
                    "iin": contacted,
                    "camp_cd": pa.repeat("C900000001", len(contacted)),
                    "stream": pa.repeat("market", len(contacted)),
                    "channel": pa.repeat("push", len(contacted)),
                    "contact_date": pa.array(
                        [DAY - timedelta(days=5)] * len(contacted), pa.date32()
                    ),
                }
            ),
        )  # fmt: skip
        for number in range(campaigns):
            code = f"C{number + 1:09d}"
            filters: list[s.Filter] = []
            if number % 4 < 3:
                filters.append(s.SuppressionFilter(list=LISTS[number % 4]))
            if number % 3 == 0:
                filters.append(s.RecentContactFilter(days=30))
            spec = s.AudienceSpec(reference_date=DAY, filters=filters).model_dump(mode="json")
            db.add(
                CampaignDict(
                    camp_cd=code, camp_type="RB1", camp_name=f"bench {number}", stream="market",
                    channels="push,sms", start_date=DAY - timedelta(days=1),
                    end_date=DAY + timedelta(days=30), status="deployed", owner="bench",
                    target_cnt=0, control_cnt=0, control_share=0.1, split_seed=number,
                    audience_spec=spec,
                )
            )  # fmt: skip
            db.add(CampaignDetail(camp_cd=code, pool_share=True))
            db.flush()
            member_index.index_campaign(db, code, DAY)  # as their deploy did


def rows_written(scratch: Scratch) -> int:
    with scratch.engine.connect() as conn:
        return sum(
            int(conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one())
            for table in (
                "mb22_local_target",
                "mb21_local_control",
                "fd_rb2_campaigns_users",
                "off_limit_campaigns_users",
            )
        )


class Timings:
    """Seconds per statement (cursor execute), to find the slow ones."""

    def __init__(self) -> None:
        self.seconds: list[tuple[float, str]] = []
        self._started: list[float] = []

    def before(self, *_: object) -> None:
        self._started.append(time.perf_counter())

    def after(self, _conn: object, _cursor: object, statement: str, *_: object) -> None:
        self.seconds.append((time.perf_counter() - self._started.pop(), statement))

    def print_slowest(self, count: int = 12) -> None:
        total = sum(seconds for seconds, _ in self.seconds)
        print(f"  {len(self.seconds)} statements, {total:.2f} s in the database")
        for seconds, statement in sorted(self.seconds, reverse=True)[:count]:
            print(f"  {seconds:6.2f} s  {' '.join(statement.split())[:160]}")


def profile(engine: sa.Engine) -> Timings:
    timings = Timings()
    sa.event.listen(engine, "before_cursor_execute", timings.before)
    sa.event.listen(engine, "after_cursor_execute", timings.after)
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pool", type=int, default=200_000)
    parser.add_argument("--campaigns", type=int, default=20)
    parser.add_argument("--engines", nargs="+", default=["duckdb", "postgres"])
    parser.add_argument(
        "--profile", action="store_true", help="print the slowest statements of the run"
    )
    args = parser.parse_args(argv)
    failed = False
    for kind in args.engines:
        scratch = Scratch(kind)
        try:
            with tempfile.TemporaryDirectory(prefix="dq-bench-dist-") as workdir:
                prepare(scratch, args.pool, args.campaigns, Path(workdir))
            before = rows_written(scratch)
            factory = make_sessionmaker(scratch.engine)
            timings = profile(scratch.engine) if args.profile else None
            started = time.perf_counter()
            report = service.distribute(factory, DAY)
            seconds = time.perf_counter() - started
            if timings is not None:
                sa.event.remove(scratch.engine, "before_cursor_execute", timings.before)
                sa.event.remove(scratch.engine, "after_cursor_execute", timings.after)
            rows = rows_written(scratch) - before
            sizes = [c.target + c.control for c in report.campaigns]
            ok = seconds <= TARGET_SECONDS
            failed |= not ok
            print(
                f"{kind:8} pool {report.pool_size:>7,} -> {report.distributed:>7,} in "
                f"{len(sizes)} campaigns (sizes {min(sizes):,}..{max(sizes):,}), "
                f"undistributed {sum(report.undistributed.values()):,}: "
                f"{seconds:5.2f} s, {report.pool_size / seconds:>9,.0f} customers/s, "
                f"{rows:>9,} rows, {rows / seconds:>9,.0f} rows/s "
                f"[{'ok' if ok else 'SLOW'}: target <= {TARGET_SECONDS:.0f} s]"
            )
            if timings is not None:
                timings.print_slowest()
            sys.stdout.flush()
        finally:
            scratch.close()
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
