"""DuckDB and PostgreSQL give the same answers on the same data, side by side."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from audience_bank import REFERENCE_DATE, Bank, load_bank
from test_audience_funnel import FILTERS, RANKS, SOURCES

from dataquery.audiences import service
from dataquery.audiences.spec import AudienceSpec
from dataquery.core.db import create_warehouse_engine
from dataquery.datasets.models import Dataset


@pytest.fixture(scope="module")
def both(
    tmp_path_factory: pytest.TempPathFactory,
    duckdb_template: Path,
    demo_files: Path,
    postgres_databases: Any,
) -> Iterator[tuple[Bank, Bank]]:
    path = tmp_path_factory.mktemp("both") / "warehouse.duckdb"
    shutil.copy(duckdb_template, path)
    name, pg_url = postgres_databases.new()
    banks = []
    for url in (f"duckdb:///{path}", pg_url):
        engine = create_warehouse_engine(url)
        banks.append(Bank(url, engine, load_bank(engine, demo_files)))
    yield banks[0], banks[1]
    for bank in banks:
        bank.engine.dispose()
    postgres_databases.drop(name)


def _specs() -> list[AudienceSpec]:
    day = REFERENCE_DATE.isoformat()
    specs = [{"reference_date": day, "filters": filters} for filters in FILTERS.values()]
    specs += [
        {"reference_date": day, "filters": FILTERS["twelve-steps"], **extra}
        for extra in RANKS.values()
    ]
    specs += [
        {"reference_date": day, "source": source, "filters": [{"kind": "mau"}]}
        for source in SOURCES.values()
    ]
    return [AudienceSpec.model_validate(spec) for spec in specs]


def _answers(bank: Bank, spec: AudienceSpec, iins: list[str]) -> dict[str, Any]:
    with bank.sessions.begin() as db:
        out = service.preview(db, spec, None)
        compiler = service.compile_spec(db, spec, None)
        members = [row.iin for row in db.execute(compiler.members()).all()]
        explained = [service.explain(db, spec, iin, None).model_dump() for iin in iins]
    return {
        "funnel": out.funnel,
        "size": out.size,
        "distributions": out.distributions,
        # Unranked samples are any rows of the audience; ranked ones are the best, in order.
        "sample": out.sample if spec.rank is not None else None,
        "members": members if compiler.keep_at_most is not None else sorted(members),
        "explain": explained,
    }


@pytest.mark.postgres
def test_duckdb_and_postgres_agree(both: tuple[Bank, Bank]) -> None:
    duck, pg = both
    iins = sorted(duck.data.customers)[::731]
    for spec in _specs():
        assert _answers(duck, spec, iins) == _answers(pg, spec, iins), spec


def test_a_feature_column_named_rowid_is_read_back_by_iin(
    duckdb_url: str, demo_files: Path
) -> None:
    """DuckDB reads the final rows back by row id; a feature-store column named RowId (all 0
    here) would shadow it, so such a store's rows are read back by IIN: the same answers."""
    engine = create_warehouse_engine(duckdb_url)
    bank = Bank(duckdb_url, engine, load_bank(engine, demo_files))
    spec = AudienceSpec.model_validate(
        {"reference_date": REFERENCE_DATE.isoformat(), "filters": FILTERS["twelve-steps"],
         **next(iter(RANKS.values()))}
    )  # fmt: skip
    iins = sorted(bank.data.customers)[::731]
    before = _answers(bank, spec, iins)
    with bank.sessions.begin() as db:
        dataset = db.get_one(Dataset, "feature_store")
        db.execute(sa.text(f'ALTER TABLE {dataset.table_name} ADD COLUMN "RowId" BIGINT DEFAULT 0'))
        dataset.columns = [*dataset.columns, {"name": "RowId", "type": "int64"}]
    with bank.sessions.begin() as db:
        assert not service.compile_spec(db, spec, None).resolved.row_id
    assert _answers(bank, spec, iins) == before
    engine.dispose()
