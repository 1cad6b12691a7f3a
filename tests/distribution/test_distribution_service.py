"""The distribution on a real warehouse (DuckDB, and PostgreSQL when configured) against the
plain-Python reference of dist_data.py: who is in the pool, whom each campaign accepts, that
each customer lands in at most one campaign, sizes as equal as the rules allow, the deploy's
split and drop-out rules, one run per day."""

from __future__ import annotations

import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import psycopg
import pytest
import sqlalchemy as sa
from dist_data import (
    ACTIVE,
    DAY,
    build_bank,
    no_better_balance,
    reference_channels,
    reference_eligible,
    reference_in_control,
    reference_pool,
)
from sqlalchemy.engine import Engine

from dataquery.core.db import create_warehouse_engine, make_sessionmaker
from dataquery.datasets import member_index
from dataquery.distribution import service
from dataquery.distribution.deal import deal
from dataquery.distribution.models import DistributionRun
from dataquery.distribution.schemas import RunStatus
from dataquery.sampling.split import iin_keys


def _rows(engine: Engine, table: str, codes: list[str]) -> list[tuple[str, ...]]:
    query = sa.text(f"SELECT camp_cd, iin FROM {table} WHERE camp_cd IN :codes").bindparams(
        sa.bindparam("codes", expanding=True)
    )
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query, {"codes": codes})]


def test_the_day_lands_once_fairly_and_within_each_campaigns_rules(
    engine: Engine, demo_files: Path, tmp_path: Path
) -> None:
    bank = build_bank(engine, demo_files, tmp_path)
    factory = make_sessionmaker(engine)
    pool = reference_pool(bank)
    accepts = {
        code: {iin for iin in pool if reference_eligible(bank, code, iin) is None}
        for code in ACTIVE
    }

    dry = service.distribute(factory, DAY, dry_run=True)
    assert dry.status is RunStatus.DRY_RUN
    assert _rows(engine, "mb22_local_target", ACTIVE) == []  # a dry run writes nothing

    report = service.distribute(factory, DAY)
    assert report.status is RunStatus.DONE
    assert report.pool_size == len(pool)
    assert [c.code for c in report.campaigns] == ACTIVE  # not opted out, ended or draft ones
    # The dry run said exactly what the run did.
    assert [(c.target, c.control) for c in dry.campaigns] == [
        (c.target, c.control) for c in report.campaigns
    ]

    target = _rows(engine, "mb22_local_target", ACTIVE)
    control = _rows(engine, "mb21_local_control", ACTIVE)
    members: dict[str, set[str]] = defaultdict(set)
    for code, iin in target + control:
        members[code].add(iin)
    placed = [iin for _, iin in target + control]
    assert len(placed) == len(set(placed))  # each customer in at most one campaign
    for code in ACTIVE:
        assert members[code] <= accepts[code]  # each campaign's own rules
    everyone_accepted = set().union(*accepts.values())
    assert set(placed) == everyone_accepted  # nobody acceptable is left out
    sizes = {code: len(members[code]) for code in ACTIVE}
    assert no_better_balance(sizes, accepts, members)
    assert max(sizes.values()) - min(sizes.values()) <= 1  # here the rules leave room for it
    assert report.distributed == len(placed)

    # Each share split by the campaign's own control share and seed.
    for code, iin in control:
        c = bank.campaigns[code]
        assert reference_in_control(c["seed"], iin, c["share"])
    for code, iin in target:
        c = bank.campaigns[code]
        assert not reference_in_control(c["seed"], iin, c["share"])

    # Deliveries and contacts: the deploy's drop-out rules, contact date the day.
    expected = sorted(
        (code, iin, channel)
        for code, iin in target
        for channel in reference_channels(bank, code, iin)
    )
    query = "SELECT camp_cd, iin, channel FROM fd_rb2_campaigns_users WHERE camp_cd IN :codes"
    contacts = (
        "SELECT camp_cd, iin, channel FROM off_limit_campaigns_users"
        " WHERE camp_cd IN :codes AND contact_date = :day"
    )
    with engine.connect() as conn:
        codes = sa.bindparam("codes", expanding=True)
        delivered = conn.execute(sa.text(query).bindparams(codes), {"codes": ACTIVE}).all()
        contacted = conn.execute(
            sa.text(contacts).bindparams(codes), {"codes": ACTIVE, "day": DAY}
        ).all()
        counts = dict(
            conn.execute(
                sa.text(
                    "SELECT camp_cd, target_cnt + control_cnt FROM mb01_camp_dict"
                    " WHERE camp_cd IN :codes"
                ).bindparams(codes),
                {"codes": ACTIVE},
            ).all()
        )
    assert sorted(tuple(r) for r in delivered) == expected
    opted_out = bank.optouts[bank.campaigns[ACTIVE[0]]["push_event_type"]]
    assert any(code == ACTIVE[0] and iin in opted_out for code, iin in target)
    assert sorted(tuple(r) for r in contacted) == expected
    assert counts == sizes

    # Undistributed: barred by every campaign, with the reason.
    expected_reasons: dict[str, int] = defaultdict(int)
    for iin in set(pool) - everyone_accepted:
        why = {reference_eligible(bank, code, iin) for code in ACTIVE}
        expected_reasons[why.pop() if len(why) == 1 else "several_rules"] += 1
    assert report.undistributed == dict(expected_reasons)
    assert {"global_control", "several_rules"} <= set(report.undistributed)

    # The same deal as the pure function over the reference's eligibility, on every engine.
    matrix = np.array([[iin in accepts[code] for code in ACTIVE] for iin in pool])
    dealt = deal(matrix, iin_keys(pool), service.day_seed(DAY)).campaign
    by_reference = {iin: ACTIVE[c] for iin, c in zip(pool, dealt, strict=True) if c >= 0}
    assert by_reference == {iin: code for code, iin in target + control}

    # A second run of the day is a no-op that says so.
    again = service.distribute(factory, DAY)
    assert again.status is RunStatus.ALREADY_DONE and again.run_id == report.run_id
    assert len(_rows(engine, "mb22_local_target", ACTIVE)) == len(target)
    with factory() as db:
        runs = db.scalars(sa.select(DistributionRun)).all()
    assert [(r.day, r.status) for r in runs] == [(DAY, "done")]
    assert runs[0].campaigns == {
        c.code: {"target": c.target, "control": c.control} for c in report.campaigns
    }


def test_no_active_campaign_leaves_the_pool_undistributed(
    engine: Engine, demo_files: Path, tmp_path: Path
) -> None:
    bank = build_bank(engine, demo_files, tmp_path, size=100)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE dq_campaign_details SET pool_share = false"))
    report = service.distribute(make_sessionmaker(engine), DAY)
    assert report.campaigns == [] and report.distributed == 0
    assert report.undistributed == {"no_active_campaign": len(reference_pool(bank))}


def test_a_failed_run_leaves_nothing_but_its_record(
    engine: Engine, demo_files: Path, tmp_path: Path
) -> None:
    """The feature store is dropped behind the catalog's back: the first campaign's writes
    are rolled back with the rest, the run is kept as failed, and a later run succeeds."""
    build_bank(engine, demo_files, tmp_path, size=100)
    factory = make_sessionmaker(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE feature_store RENAME TO feature_store_away"))
    with pytest.raises((sa.exc.DBAPIError, duckdb.Error, psycopg.Error)):
        service.distribute(factory, DAY)
    assert _rows(engine, "mb22_local_target", ACTIVE) == []
    with factory() as db:
        failed = db.scalars(sa.select(DistributionRun)).one()
    assert failed.status == "failed" and failed.error
    with engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE feature_store_away RENAME TO feature_store"))
    assert service.distribute(factory, DAY).status is RunStatus.DONE
    assert _rows(engine, "mb22_local_target", ACTIVE)


@pytest.mark.postgres
def test_two_instances_on_one_postgres_run_the_day_once(
    postgres_databases: Any, demo_files: Path, tmp_path: Path
) -> None:
    """Two app instances (two engines, two threads, bypassing the in-process lock) start the
    same day at the same moment: the advisory lock makes one wait, and it finds the day done."""
    name, url = postgres_databases.new()
    engines = [create_warehouse_engine(url) for _ in range(2)]
    try:
        build_bank(engines[0], demo_files, tmp_path, size=400)
        start = threading.Barrier(2)

        def instance(engine: Engine) -> RunStatus:
            start.wait()
            with make_sessionmaker(engine).begin() as db:
                return service.run_day(db, DAY).status

        with ThreadPoolExecutor(2) as pool:
            statuses = sorted(pool.map(instance, engines))
        assert statuses == [RunStatus.ALREADY_DONE, RunStatus.DONE]
        placed = [iin for _, iin in _rows(engines[0], "mb22_local_target", ACTIVE)]
        placed += [iin for _, iin in _rows(engines[0], "mb21_local_control", ACTIVE)]
        assert placed and len(placed) == len(set(placed))
        with engines[0].connect() as conn:
            done = conn.execute(sa.text("SELECT COUNT(*) FROM dq_distribution_runs")).scalar()
        assert done == 1
    finally:
        for engine in engines:
            engine.dispose()
        postgres_databases.drop(name)


def test_the_member_index_follows_the_day_in_one_update(
    engine: Engine, demo_files: Path, tmp_path: Path
) -> None:
    """Campaigns whose groups hold a bit (as a deploy leaves them) and one that has none yet:
    after the day every group's bit marks exactly its members, old and new."""
    build_bank(engine, demo_files, tmp_path)
    factory = make_sessionmaker(engine)
    with factory.begin() as db:
        for code in ACTIVE[1:]:
            member_index.index_campaign(db, code, DAY)
    report = service.distribute(factory, DAY)
    assert report.distributed > 0
    tables = {"local_target": "mb22_local_target", "local_control": "mb21_local_control"}
    with engine.connect() as conn:
        entries = conn.execute(
            sa.text("SELECT camp_cd, group_name, bit FROM dq_member_index")
        ).all()
        assert {code for code, *_ in entries} == set(ACTIVE)
        in_store = set(conn.scalars(sa.text("SELECT iin FROM feature_store")))
        total = 0
        for code, group, bit in entries:
            members = set(
                conn.scalars(
                    sa.text(f"SELECT iin FROM {tables[group]} WHERE camp_cd = :c"), {"c": code}
                )
            )
            marked = set(
                conn.scalars(
                    sa.text(
                        f"SELECT iin FROM feature_store WHERE (dq_member_bits & {1 << bit}) <> 0"
                    )
                )
            )
            # (pool customers missing from the feature store have no row to mark)
            assert marked == members & in_store, (code, group)
            total += len(marked)
    assert total > report.distributed // 2
