"""Generated tables for the query and viewer tests, loaded into a warehouse and kept in Python.

`q_people` (category feature_store: its key is iin) has a column of every kind, with nulls;
`q_products` (no declared key: the viewer pages on the row id) joins it on iin.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pyarrow as pa
from sqlalchemy.engine import Engine

from dataquery.core.db import make_sessionmaker, utcnow
from dataquery.datasets.loader import create_table_from_arrow, describe_columns
from dataquery.datasets.models import Dataset

REFERENCE = date(2026, 11, 28)
CITIES = ["Алматы", "Astana", "Shymkent", "O'Brien%_x", None]
PRODUCTS = ["credit_card", "deposit", "consumer_loan"]


@dataclass
class Tables:
    people: list[dict[str, Any]]
    products: list[dict[str, Any]]


def generate(seed: int = 5, people: int = 240) -> Tables:
    rng = random.Random(seed)
    rows = []
    for i in range(people):
        rows.append(
            {
                "iin": f"{i * 7919 % 10**12:012d}",
                "city": rng.choice(CITIES),
                "device_os": rng.choice(["ios", "android", None]),
                "n": rng.randint(-5, 40) if rng.random() > 0.1 else None,
                "x": round(rng.uniform(0, 1000), 3) if rng.random() > 0.1 else None,
                "flag": rng.random() > 0.5 if rng.random() > 0.1 else None,
                "d": REFERENCE - timedelta(days=rng.randint(0, 120))
                if rng.random() > 0.1
                else None,
                "ts": datetime(2026, 11, 1) + timedelta(minutes=rng.randint(0, 60 * 24 * 40)),
            }
        )
    products = []
    for row in rows:
        for _ in range(rng.randint(0, 3)):
            products.append(
                {
                    "iin": row["iin"],
                    "product_code": rng.choice(PRODUCTS),
                    "opened_date": REFERENCE - timedelta(days=rng.randint(0, 90)),
                }
            )
    return Tables(rows, products)


PEOPLE_SCHEMA = pa.schema(
    [
        ("iin", pa.string()),
        ("city", pa.string()),
        ("device_os", pa.string()),
        ("n", pa.int64()),
        ("x", pa.float64()),
        ("flag", pa.bool_()),
        ("d", pa.date32()),
        ("ts", pa.timestamp("us")),
    ]
)
PRODUCTS_SCHEMA = pa.schema(
    [("iin", pa.string()), ("product_code", pa.string()), ("opened_date", pa.date32())]
)


def load(engine: Engine, tables: Tables) -> None:
    with make_sessionmaker(engine).begin() as db:
        conn = db.connection()
        for name, category, schema, rows in (
            ("q_people", "feature_store", PEOPLE_SCHEMA, tables.people),
            ("q_products", "product", PRODUCTS_SCHEMA, tables.products),
        ):
            data = pa.Table.from_pylist(rows, schema=schema)
            create_table_from_arrow(conn, name, data)
            db.add(
                Dataset(
                    name=name,
                    category=category,
                    description=name,
                    table_name=name,
                    row_count=len(rows),
                    columns=describe_columns(schema),
                    created_at=utcnow(),
                )
            )
