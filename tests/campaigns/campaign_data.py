"""What the campaign tests share: IINs, saved audiences, draft bodies, rows per bank table.

(A module of its own, not conftest.py: `from conftest import` finds whichever conftest.py came
first on sys.path when several test folders run together.)
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dataquery.campaigns.service import today
from dataquery.core.bulk import insert_arrow
from dataquery.core.db import utcnow

_WEIGHTS_1 = np.arange(1, 12)
_WEIGHTS_2 = np.array([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])


def make_iins(count: int, seed: int = 1) -> pa.Array:
    """`count` distinct valid person IINs (vectorised: a million in about a second)."""
    rng = np.random.default_rng(seed)
    draw = int(count * 1.4) + 100
    year = rng.integers(1950, 2008, draw)
    month = rng.integers(1, 13, draw)
    day = rng.integers(1, 29, draw)
    female = rng.integers(0, 2, draw)
    century = np.where(year >= 2000, 5, 3) + female
    serial = rng.integers(0, 10_000, draw)
    parts = [year % 100 // 10, year % 10, month // 10, month % 10, day // 10, day % 10, century]
    parts += [serial // 1000, serial // 100 % 10, serial // 10 % 10, serial % 10]
    digits = np.stack(parts, axis=1)
    first = (digits * _WEIGHTS_1).sum(axis=1) % 11
    second = (digits * _WEIGHTS_2).sum(axis=1) % 11
    check = np.where(first == 10, second, first)
    keep = check != 10
    numbers = np.sort((digits[keep] * 10 ** np.arange(11, 0, -1)).sum(axis=1) + check[keep])
    numbers = numbers[np.r_[True, numbers[1:] != numbers[:-1]]]  # 12-digit, unique
    numbers = rng.permutation(numbers)[:count]
    assert len(numbers) == count
    return iin_strings(numbers)


def iin_strings(numbers: np.ndarray) -> pa.Array:
    """12-digit integers as zero-padded strings, without a Python loop."""
    digits = np.empty((len(numbers), 12), dtype=np.uint8)
    rest = numbers.astype(np.int64)
    for position in range(11, -1, -1):
        digits[:, position] = rest % 10 + 48
        rest //= 10
    return pa.array(digits.view("S12").ravel(), pa.binary(12)).cast(pa.string())


def ensure_audience_tables(engine: Engine) -> None:
    """The audiences' tables (migration 0004), created here while that migration is absent."""
    with engine.begin() as conn:
        if sa.inspect(conn).has_table("dq_audiences"):
            return
        conn.execute(
            sa.text(
                "CREATE TABLE dq_audiences (id VARCHAR(36) PRIMARY KEY, name VARCHAR(200),"
                " owner VARCHAR(100), spec TEXT, funnel TEXT, size BIGINT, reference_date DATE,"
                " created_at TIMESTAMP, family_id VARCHAR(36), version INTEGER)"
            )
        )
        conn.execute(
            sa.text(
                "CREATE TABLE dq_audience_members (audience_id VARCHAR(36), iin VARCHAR(12),"
                " PRIMARY KEY (audience_id, iin))"
            )
        )


def save_audience(engine: Engine, iins: pa.Array | list[str], owner: str = "anna") -> str:
    """A saved audience (a frozen snapshot) of these IINs, written with plain SQL."""
    ensure_audience_tables(engine)
    array = iins if isinstance(iins, pa.Array) else pa.array(iins, pa.string())
    array = array.take(pc.sort_indices(array))  # primary keys load fastest in key order
    audience_id = uuid.uuid4().hex
    members = sa.table("dq_audience_members", sa.column("audience_id"), sa.column("iin"))
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO dq_audiences"
                " (id, name, owner, spec, funnel, size, reference_date, created_at,"
                " family_id, version)"
                " VALUES (:id, :name, :owner, :spec, :funnel, :size, :day, :at, :id, 1)"
            ),
            {
                "id": audience_id,
                "name": f"test audience {audience_id[:6]}",
                "owner": owner,
                "spec": '{"version": 1, "source": {"kind": "test"}}',
                "funnel": "[]",
                "size": len(array),
                "day": today(),
                "at": utcnow(),
            },
        )
        data = pa.table({"audience_id": pa.repeat(audience_id, len(array)), "iin": array})
        insert_arrow(conn, members, data)
    return audience_id


def draft_body(audience_id: str, **changes: Any) -> dict[str, Any]:
    start = today() + timedelta(days=1)
    body: dict[str, Any] = {
        "type": "RB1",
        "name": "Кэшбэк на АЗС",
        "description": "Осенняя кампания для водителей",
        "stream": "market",
        "channels": ["push", "sms"],
        "texts": {
            "ru": {"title": "Кэшбэк 5%", "body": "Кэшбэк 5% на АЗС до конца месяца"},
            "kz": {"title": "5% кэшбэк", "body": "Ай соңына дейін жанармайға 5% кэшбэк"},
        },
        "deep_link": "homebank://offers/fuel",
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=14)).isoformat(),
        "product_code": "CARD_GOLD",
        "audience_id": audience_id,
        "control_share": 0.1,
        "split_seed": 42,
    }
    body.update(changes)
    return body


def rb3_terms() -> dict[str, Any]:
    return {
        "bonus_type": "cashback_pct",
        "bonus_value": "7.5",
        "bonus_cap": "15000",
        "min_txn_amount": "2000",
        "mcc_codes": ["5541", "5542"],
        "partner": "Helios",
        "accrual_start": (today() + timedelta(days=1)).isoformat(),
        "accrual_end": (today() + timedelta(days=30)).isoformat(),
        "conditions_ru": "Кэшбэк начисляется в течение 30 дней",
        "conditions_kz": "Кэшбэк 30 күн ішінде есептеледі",
    }


def popup_content() -> dict[str, Any]:
    return {
        "title_ru": "Новое предложение",
        "title_kz": "Жаңа ұсыныс",
        "text_ru": "Откройте депозит онлайн",
        "text_kz": "Депозитті онлайн ашыңыз",
        "button_ru": "Открыть",
        "button_kz": "Ашу",
        "priority": 10,
    }


def rows_of(engine: Engine, code: str) -> dict[str, int]:
    """Rows holding this campaign, per bank table."""
    tables = [
        "mb01_camp_dict",
        "rb3_tr_campaign_dict",
        "fd_rb2_campaigns_users",
        "mb22_local_target",
        "mb21_local_control",
        "off_limit_campaigns_users",
        "fd_rb2_pop_up_campaign",
    ]
    with engine.connect() as conn:
        return {
            table: int(
                conn.execute(
                    sa.text(f"SELECT COUNT(*) FROM {table} WHERE camp_cd = :code"), {"code": code}
                ).scalar_one()
            )
            for table in tables
        }


def tomorrow() -> date:
    return today() + timedelta(days=1)
