"""The list index (datasets/list_index.py): suppression lists marked by bits of the feature store.

Every funnel through the index must equal the same funnel with every list joined, on DuckDB and
PostgreSQL, after loading a list, reloading the feature store, and when the bits run out. The
module has its own `bank` (module scope), so these tests may change it; they run in file order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from audience_bank import REFERENCE_DATE, SUPPRESSION_LISTS, Bank
from sqlalchemy.orm import Session

from dataquery.audiences import service
from dataquery.audiences.spec import AudienceSpec
from dataquery.datasets import list_index
from dataquery.datasets.catalog import STANDARD_BY_NAME
from dataquery.datasets.models import ListIndex
from dataquery.datasets.service import load_dataset

ALL_LISTS = [{"kind": "suppression", "list": name} for name in SUPPRESSION_LISTS]
SOURCES: dict[str, dict[str, Any]] = {
    "feature-store": {"kind": "feature_store"},
    # t1 holds IINs the feature store lacks: they have no bits and fall at "not in feature store".
    "upload": {"kind": "upload", "upload_id": "t1"},
    "products": {"kind": "products", "products": ["mortgage", "auto_loan"]},
}


def spec_of(source: dict[str, Any], filters: list[dict[str, Any]]) -> AudienceSpec:
    return AudienceSpec.model_validate(
        {"reference_date": REFERENCE_DATE.isoformat(), "source": source, "filters": filters}
    )


def funnel(db: Session, spec: AudienceSpec, indexed: bool) -> list[tuple[str, int, int]]:
    compiler = service.compile_spec(db, spec, None, indexed=indexed)
    counts = {int(step): int(n) for step, n in db.execute(compiler.funnel()).all()}
    return [(s.kind, s.removed, s.remaining) for s in service.funnel_from_counts(compiler, counts)]


def assert_index_agrees(bank: Bank, filters: list[dict[str, Any]]) -> None:
    with bank.sessions.begin() as db:
        for name, source in SOURCES.items():
            spec = spec_of(source, filters)
            assert funnel(db, spec, indexed=True) == funnel(db, spec, indexed=False), name


def table_rows(db: Session, table: str) -> set[str]:
    return set(db.scalars(sa.text(f"SELECT iin FROM {table}")))


def flagged(db: Session, bit: int) -> set[str]:
    mask = 1 << bit
    return set(
        db.scalars(sa.text(f"SELECT iin FROM feature_store WHERE (dq_list_bits & {mask}) <> 0"))
    )


def test_loading_the_bank_indexes_every_catalog_list(bank: Bank) -> None:
    with bank.sessions.begin() as db:
        bits = list_index.bits_by_list(db)
        assert sorted(bits) == sorted(SUPPRESSION_LISTS)
        assert len(set(bits.values())) == len(bits)
        fs = table_rows(db, "feature_store")
        for name, bit in bits.items():
            table = db.scalar(
                sa.text("SELECT table_name FROM dq_datasets WHERE name = :n"), {"n": name}
            )
            assert flagged(db, bit) == table_rows(db, table) & fs, name
        # The funnel reads the bits instead of joining the lists; an upload list is still joined.
        spec = spec_of(
            {"kind": "feature_store"}, [*ALL_LISTS, {"kind": "suppression", "list": "upload_t2"}]
        )
        sql = str(service.compile_spec(db, spec, None).funnel().compile(db.get_bind()))
        assert "dq_list_bits" in sql
        assert "acrm_blacklist" not in sql and "upload_t2" in sql


def test_indexed_and_joined_funnels_agree(bank: Bank) -> None:
    mixed = [
        ALL_LISTS[3],
        {"kind": "age", "min": 25, "max": 60},
        {"kind": "suppression", "list": "upload_t2"},
        *ALL_LISTS[:3],
        {"kind": "mau"},
        *ALL_LISTS[4:],
    ]
    assert_index_agrees(bank, ALL_LISTS)
    assert_index_agrees(bank, mixed)


def test_reloading_a_list_moves_its_bits(bank: Bank, tmp_path: Path) -> None:
    with bank.sessions.begin() as db:
        customers = sorted(table_rows(db, "feature_store"))
        before = list_index.bits_by_list(db)["employees"]
    # A new employees file: the first 300 customers and two IINs the feature store lacks.
    members = [*customers[:300], "990101300011", "990101300022"]
    path = tmp_path / "employees.parquet"
    pq.write_table(pa.table({"iin": members}), path)
    with bank.sessions.begin() as db:
        load_dataset(db, STANDARD_BY_NAME["employees"], path)
    with bank.sessions.begin() as db:
        bit = list_index.bits_by_list(db)["employees"]
        assert bit == before
        assert flagged(db, bit) == set(customers[:300])
        only = spec_of({"kind": "feature_store"}, [{"kind": "suppression", "list": "employees"}])
        assert funnel(db, only, indexed=True)[1] == ("suppression", 300, len(customers) - 300)
    assert_index_agrees(bank, ALL_LISTS)


def test_a_failed_list_load_leaves_the_index_as_it_was(bank: Bank, tmp_path: Path) -> None:
    with bank.sessions.begin() as db:
        bit = list_index.bits_by_list(db)["bloggers"]
        marked = flagged(db, bit)
    path = tmp_path / "bloggers.parquet"
    pq.write_table(pa.table({"client": ["1"]}), path)  # no iin column: refused
    with pytest.raises(Exception, match="iin"), bank.sessions.begin() as db:
        load_dataset(db, STANDARD_BY_NAME["bloggers"], path)
    with bank.sessions.begin() as db:
        assert list_index.bits_by_list(db)["bloggers"] == bit
        assert flagged(db, bit) == marked


def test_reloading_the_feature_store_rebuilds_the_index(bank: Bank, demo_files: Path) -> None:
    with bank.sessions.begin() as db:
        load_dataset(db, STANDARD_BY_NAME["feature_store"], demo_files / "feature_store.parquet")
    with bank.sessions.begin() as db:
        assert sorted(list_index.bits_by_list(db)) == sorted(SUPPRESSION_LISTS)
        fs = table_rows(db, "feature_store")
        employees = list_index.bits_by_list(db)["employees"]
        assert flagged(db, employees) == table_rows(db, "employees") & fs
    assert_index_agrees(bank, ALL_LISTS)


# --- coded datasets: one bit per product code and per push event type -------------------------

CODED_STEPS: list[dict[str, Any]] = [
    {"kind": "product", "products": ["credit_card"], "mode": "has_not"},
    {"kind": "push_optout", "event_types": ["credit_offers", "cashback"]},
    {
        "kind": "any_of",
        "filters": [
            {"kind": "product", "products": ["term_deposit", "mortgage"], "mode": "has"},
            {"kind": "mau"},
        ],
    },
    {"kind": "product", "products": ["auto_loan"], "mode": "has"},
]


def code_rows(db: Session, table: str, column: str, code: str) -> set[str]:
    return set(db.scalars(sa.text(f"SELECT iin FROM {table} WHERE {column} = :c"), {"c": code}))


def test_every_product_code_and_event_type_has_its_bit(bank: Bank) -> None:
    with bank.sessions.begin() as db:
        fs = table_rows(db, "feature_store")
        for dataset, column in list_index.CODED.items():
            bits = list_index.bits_by_code(db, dataset)
            table = db.scalar(
                sa.text("SELECT table_name FROM dq_datasets WHERE name = :n"), {"n": dataset}
            )
            codes = set(db.scalars(sa.text(f"SELECT DISTINCT {column} FROM {table}")))
            assert set(bits) == codes, dataset
            for code, bit in bits.items():
                assert flagged(db, bit) == code_rows(db, table, column, code) & fs, code
        # No bit is shared between a list and a code.
        every = [*list_index.bits_by_list(db).values()]
        every += [b for d in list_index.CODED for b in list_index.bits_by_code(db, d).values()]
        assert len(every) == len(set(every))
        spec = spec_of({"kind": "feature_store"}, CODED_STEPS)
        sql = str(service.compile_spec(db, spec, None).funnel().compile(db.get_bind()))
        assert "products" not in sql and "push_optouts" not in sql


def test_coded_steps_through_bits_equal_the_joins(bank: Bank) -> None:
    assert_index_agrees(bank, CODED_STEPS)
    assert_index_agrees(bank, [*ALL_LISTS[:2], *CODED_STEPS, *ALL_LISTS[2:]])
    # The counts are the plain-Python ones too: has_not credit_card, from the bank's own rows.
    with bank.sessions.begin() as db:
        spec = spec_of({"kind": "feature_store"}, CODED_STEPS[:1])
        fs = table_rows(db, "feature_store")
        owners = {iin for iin, codes in bank.data.products.items() if "credit_card" in codes}
        assert funnel(db, spec, indexed=True)[1][1] == len(owners & fs)


def test_reloading_products_moves_their_bits(bank: Bank, tmp_path: Path) -> None:
    with bank.sessions.begin() as db:
        customers = sorted(table_rows(db, "feature_store"))
        before = list_index.bits_by_code(db, "products")
    # Three products now, one of them new: the others' bits are cleared and freed.
    rows: dict[str, list[Any]] = {
        "iin": customers[:50] + customers[:20] + customers[100:110],
        "product_code": ["pension"] * 50 + ["auto_loan"] * 20 + ["mortgage"] * 10,
        "opened_date": [REFERENCE_DATE] * 80,
    }
    path = tmp_path / "products.parquet"
    pq.write_table(pa.table(rows), path)
    with bank.sessions.begin() as db:
        load_dataset(db, STANDARD_BY_NAME["products"], path)
    with bank.sessions.begin() as db:
        bits = list_index.bits_by_code(db, "products")
        assert sorted(bits) == ["auto_loan", "mortgage", "pension"]
        assert bits["auto_loan"] == before["auto_loan"]
        assert flagged(db, bits["pension"]) == set(customers[:50])
        assert flagged(db, bits["auto_loan"]) == set(customers[:20])
        gone = {bit for code, bit in before.items() if code not in bits}
        freed = gone - {bits["pension"]}  # the new code may take a freed bit
        assert len(freed) >= len(before) - 3
        for bit in freed:
            assert not flagged(db, bit), bit
        only = spec_of(
            {"kind": "feature_store"},
            [{"kind": "product", "products": ["pension", "auto_loan"], "mode": "has"}],
        )
        assert funnel(db, only, indexed=True)[1] == ("product", len(customers) - 50, 50)
    assert_index_agrees(bank, CODED_STEPS[3:])


def test_lists_beyond_the_bits_are_joined(bank: Bank, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(list_index, "MAX_LISTS", 3)
    with bank.sessions.begin() as db:
        db.execute(sa.delete(ListIndex))
        indexed = list_index.rebuild(db)
        assert len(indexed) == 3
        assert len(list_index.bits_by_list(db)) == 3
    assert_index_agrees(bank, ALL_LISTS)
    with bank.sessions.begin() as db:
        spec = spec_of({"kind": "feature_store"}, ALL_LISTS)
        resolved = service.compile_spec(db, spec, None).resolved
        assert len(resolved.list_bits) == 3
