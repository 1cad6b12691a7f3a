"""The synthetic bank, loaded into a warehouse, and the same data in plain Python.

`load_bank(engine, demo_files)` prepares any warehouse; the `bank` fixture (conftest.py) is a
module-scoped one per engine, shared by tests that only read.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from audience_reference import Campaign, Data
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from dataquery import iin as iin_module
from dataquery.bank.tables import CampaignDict, contact_history, local_control, local_target
from dataquery.core.db import make_sessionmaker
from dataquery.datasets import contact_index, member_index
from dataquery.datasets.catalog import STANDARD_DATASETS
from dataquery.datasets.models import Dataset, DatasetCategory
from dataquery.datasets.service import load_dataset

REFERENCE_DATE = date(2026, 11, 28)


def campaign_row(
    camp_cd: str,
    stream: str = "travel",
    start: date = REFERENCE_DATE,
    end: date = REFERENCE_DATE,
    status: str = "active",
    **fields: Any,
) -> CampaignDict:
    """An mb01_camp_dict row for a test (RB1, push, owner anna unless `fields` say otherwise)."""
    values: dict[str, Any] = {
        "camp_type": "RB1",
        "camp_name": f"Тест {camp_cd}",
        "channels": "push",
        "owner": "anna",
        **fields,
    }
    return CampaignDict(
        camp_cd=camp_cd, stream=stream, start_date=start, end_date=end, status=status, **values
    )  # the demo's as-of date (tests/conftest.py DEMO_AS_OF)


ENGINE_PARAMS = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]
SUPPRESSION_LISTS = [
    spec.name for spec in STANDARD_DATASETS if spec.category.value in ("blacklist", "abc_model")
]
CAMPAIGNS = [
    Campaign(
        "C000000901", "travel", REFERENCE_DATE - timedelta(10), REFERENCE_DATE + timedelta(10)
    ),
    Campaign("C000000902", "travel", REFERENCE_DATE - timedelta(40), REFERENCE_DATE - timedelta(1)),
    Campaign("C000000903", "market", REFERENCE_DATE - timedelta(5), REFERENCE_DATE + timedelta(30)),
    Campaign("C000000904", "travel", REFERENCE_DATE + timedelta(1), REFERENCE_DATE + timedelta(20)),
    Campaign("C000000905", "credit", REFERENCE_DATE, REFERENCE_DATE),
]
CHANNELS = ("push", "sms", "popup")


@dataclass
class Bank:
    url: str
    engine: Engine
    data: Data

    @property
    def sessions(self) -> sessionmaker[Session]:
        return make_sessionmaker(self.engine)


def _rows(path: Path) -> list[dict[str, Any]]:
    return pq.read_table(path).to_pylist()


def _create_upload(
    db: Session, upload_id: str, iins: list[str], purpose: str, owner: str = "anna"
) -> None:
    name = f"upload_{upload_id}"
    table = sa.Table(name, sa.MetaData(), sa.Column("iin", sa.String(12), primary_key=True))
    table.create(db.connection())
    db.execute(table.insert().values([{"iin": i} for i in iins]))
    db.add(
        Dataset(
            name=name,
            category=DatasetCategory.UPLOAD.value,
            description=f"Тестовая загрузка {upload_id}",
            table_name=name,
            row_count=len(iins),
            columns=[{"name": "iin", "type": "string"}],
            owner=owner,
            purpose=purpose,
        )
    )


def outside_iins(count: int) -> list[str]:
    """Valid IINs of people the bank does not have (born on 1 January 1950)."""
    made = (iin_module.make_iin(date(1950, 1, 1), "M", serial) for serial in range(9000, 9999))
    return [i for i in made if i is not None][:count]


def load_bank(engine: Engine, demo_files: Path) -> Data:
    """Load the demo datasets, campaigns, contacts and two uploads; return the same in Python."""
    customers = {row["iin"]: row for row in _rows(demo_files / "feature_store.parquet")}
    ordered = sorted(customers)
    rng = random.Random(11)
    no_birth = ordered[::97]
    no_gender = ordered[5::89]
    for i in no_birth:
        customers[i]["birth_date"] = None
    for i in no_gender:
        customers[i]["gender"] = None
    lists = {
        name: {row["iin"] for row in _rows(demo_files / f"{name}.parquet")}
        for name in SUPPRESSION_LISTS
    }
    products: dict[str, set[str]] = {}
    for row in _rows(demo_files / "products.parquet"):
        products.setdefault(row["iin"], set()).add(row["product_code"])
    optouts: dict[str, set[str]] = {}
    for row in _rows(demo_files / "push_optouts.parquet"):
        optouts.setdefault(row["iin"], set()).add(row["event_type"])

    control = [(c.camp_cd, i) for c in CAMPAIGNS for i in rng.sample(ordered, 150)]
    target = [(c.camp_cd, i) for c in CAMPAIGNS for i in rng.sample(ordered, 300)]
    by_code = {c.camp_cd: c for c in CAMPAIGNS}
    contacts = []
    for _ in range(2500):
        campaign = rng.choice(CAMPAIGNS)
        when = REFERENCE_DATE - timedelta(days=rng.randint(-5, 60))
        contacts.append(
            (rng.choice(ordered), campaign.camp_cd, campaign.stream, rng.choice(CHANNELS), when)
        )
    uploads = {
        "t1": set(rng.sample(ordered, 250)) | set(outside_iins(15)),
        "t2": set(rng.sample(ordered, 400)),
    }

    with make_sessionmaker(engine).begin() as db:
        for spec in STANDARD_DATASETS:
            load_dataset(db, spec, demo_files / f"{spec.name}.parquet")
        store = sa.table(
            "feature_store",
            sa.column("iin", sa.String),
            sa.column("birth_date", sa.Date),
            sa.column("gender", sa.String),
        )
        db.execute(store.update().where(store.c.iin.in_(no_birth)).values(birth_date=sa.null()))
        db.execute(store.update().where(store.c.iin.in_(no_gender)).values(gender=sa.null()))
        for campaign in CAMPAIGNS:
            db.add(campaign_row(campaign.camp_cd, campaign.stream, campaign.start, campaign.end))
        db.flush()
        # One multi-row INSERT each: executemany is row by row on DuckDB.
        for table, members in ((local_control, control), (local_target, target)):
            db.execute(
                table.insert().values(
                    [
                        {
                            "camp_cd": camp,
                            "iin": i,
                            "stream": by_code[camp].stream,
                            "start_date": by_code[camp].start,
                            "end_date": by_code[camp].end,
                        }
                        for camp, i in members
                    ]
                )
            )
        db.execute(
            contact_history.insert().values(
                [
                    {"iin": i, "camp_cd": camp, "stream": stream, "channel": ch, "contact_date": d}
                    for i, camp, stream, ch, d in contacts
                ]
            )
        )
        # The groups and history came from outside the application (as the bank's older
        # history does): the indexes are rebuilt, as `dataquery index history` does.
        contact_index.build(db)
        member_index.index_live(db, REFERENCE_DATE)
        _create_upload(db, "t1", sorted(uploads["t1"]), "audience")
        _create_upload(db, "t2", sorted(uploads["t2"]), "suppression")
    lists["upload_t2"] = uploads["t2"]
    return Data(
        customers=customers,
        lists=lists,
        uploads=uploads,
        products=products,
        optouts=optouts,
        campaigns=CAMPAIGNS,
        control=control,
        target=target,
        contacts=contacts,
    )
