"""The distribution tests' bank: the demo feature store and global control, a pool for one day
with every case in it, lists, contacts, and campaigns written straight into mb01; plus the
plain-Python reference the service is checked against."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from dataquery.audiences import spec as s
from dataquery.bank.tables import CampaignDict, contact_history, local_target
from dataquery.campaigns.app_tables import CampaignDetail
from dataquery.core.db import make_sessionmaker
from dataquery.datasets.catalog import STANDARD_BY_NAME
from dataquery.datasets.service import load_dataset

DAY = date(2026, 12, 7)
MASK = (1 << 64) - 1
PHONE = re.compile(r"^\+77[0-9]{9}$")


@dataclass
class Bank:
    pool: list[str]  # the day's pool rows (duplicates included), before anything is removed
    held: set[str]  # already in a campaign
    global_control: set[str]
    lists: dict[str, set[str]]
    contacted: dict[str, date]  # iin -> contact date
    optouts: dict[str, set[str]]  # push event type -> who opted out of it
    features: dict[str, dict[str, Any]]  # iin -> feature store row
    campaigns: dict[str, dict[str, Any]] = field(default_factory=dict)


CAMPAIGNS: dict[str, dict[str, Any]] = {
    # code: channels, control share, seed, suppression filters, status, pool_share, dates
    # Names a push event type: its opt-outs leave its push channel (written on its own).
    "C000000101": dict(
        channels="push,sms",
        share=0.1,
        seed=7,
        lists=["acrm_blacklist"],
        status="deployed",
        push_event_type=None,
    ),
    "C000000102": dict(channels="push", share=0.2, seed=11, contact_days=30, status="active"),
    "C000000103": dict(channels="sms,popup", share=0.0, seed=3, lists=["employees"]),
    "C000000104": dict(channels="push", share=0.1, seed=1, pool_share=False),
    "C000000105": dict(channels="push", share=0.1, seed=1, end=DAY - timedelta(days=1)),
    "C000000106": dict(channels="push", share=0.1, seed=1, status="draft"),
}
ACTIVE = ["C000000101", "C000000102", "C000000103"]


def _write(path: Path, columns: dict[str, pa.Array]) -> Path:
    pq.write_table(pa.table(columns), path)
    return path


def build_bank(engine: Engine, demo_files: Path, tmp_path: Path, size: int = 1500) -> Bank:
    features_table = pq.read_table(demo_files / "feature_store.parquet")
    features = {row["iin"]: row for row in features_table.to_pylist()}
    optouts: dict[str, set[str]] = {}
    for row in pq.read_table(demo_files / "push_optouts.parquet").to_pylist():
        optouts.setdefault(row["event_type"], set()).add(row["iin"])
    event_type = max(optouts, key=lambda name: len(optouts[name]))
    campaigns = {code: dict(c) for code, c in CAMPAIGNS.items()}
    campaigns["C000000101"]["push_event_type"] = event_type
    gc = set(pq.read_table(demo_files / "global_control.parquet").column("iin").to_pylist())
    ordinary = [iin for iin in features if iin not in gc]
    pool = ordinary[:size] + sorted(gc)[:40] + ordinary[:10]  # 10 listed twice
    not_in_store = [f"{n:012d}" for n in range(900_000_000_001, 900_000_000_021)]
    pool += not_in_store
    other_day = ordinary[size : size + 100]
    lists = {
        "acrm_blacklist": set(ordinary[0:200]),
        "employees": set(ordinary[150:300]),
    }
    contacted = {iin: DAY - timedelta(days=5) for iin in ordinary[100:250]}
    contacted.update({iin: DAY - timedelta(days=60) for iin in ordinary[300:350]})  # too old
    held = set(ordinary[400:430])
    days = [DAY] * len(pool) + [DAY - timedelta(days=1)] * len(other_day)
    pool_path = _write(
        tmp_path / "pool.parquet",
        {"iin": pa.array(pool + other_day, pa.string()), "pool_date": pa.array(days, pa.date32())},
    )
    with make_sessionmaker(engine).begin() as db:
        for name in ("feature_store", "push_optouts", "global_control"):
            load_dataset(db, STANDARD_BY_NAME[name], demo_files / f"{name}.parquet")
        load_dataset(db, STANDARD_BY_NAME["spss_user_pool"], pool_path)
        for name, members in lists.items():
            path = _write(
                tmp_path / f"{name}.parquet",
                {
                    "iin": pa.array(sorted(members), pa.string()),
                    "added_date": pa.array([DAY] * len(members), pa.date32()),
                },
            )
            load_dataset(db, STANDARD_BY_NAME[name], path)
        conn = db.connection()
        conn.execute(
            sa.insert(contact_history),
            [
                {"iin": iin, "camp_cd": "C900000001", "stream": "market", "channel": "push",
                 "contact_date": when}
                for iin, when in contacted.items()
            ],
        )  # fmt: skip
        conn.execute(
            sa.insert(local_target),
            [
                {"camp_cd": "C900000002", "iin": iin, "stream": "market",
                 "start_date": DAY, "end_date": DAY, "created_at": datetime(2026, 12, 1)}
                for iin in held
            ],
        )  # fmt: skip
        for code, c in campaigns.items():
            add_campaign(db, code, **c)
    return Bank(pool, held, gc, lists, contacted, optouts, features, campaigns)


def add_campaign(
    db: Any,
    code: str,
    *,
    channels: str,
    share: float,
    seed: int,
    lists: list[str] | None = None,
    contact_days: int | None = None,
    status: str = "deployed",
    pool_share: bool = True,
    start: date = DAY - timedelta(days=3),
    end: date = DAY + timedelta(days=10),
    push_event_type: str | None = None,
) -> None:
    filters: list[Any] = [s.SuppressionFilter(list=name) for name in lists or []]
    if contact_days:
        filters.append(s.RecentContactFilter(days=contact_days))
    spec = s.AudienceSpec(reference_date=DAY, filters=filters).model_dump(mode="json")
    db.add(
        CampaignDict(
            camp_cd=code, camp_type="RB1", camp_name=f"Кампания {code[-3:]}", stream="market",
            channels=channels, start_date=start, end_date=end, status=status, owner="anna",
            target_cnt=0, control_cnt=0, control_share=share, split_seed=seed,
            audience_spec=spec, title_ru="t", text_ru="b",
            title_kz="t", text_kz="b",
        )
    )  # fmt: skip
    db.add(CampaignDetail(camp_cd=code, pool_share=pool_share, push_event_type=push_event_type))
    db.flush()


# The plain-Python reference ------------------------------------------------------------------


def reference_pool(bank: Bank) -> list[str]:
    return sorted(set(bank.pool) - bank.held)


def reference_eligible(bank: Bank, code: str, iin: str) -> str | None:
    """None if campaign `code` accepts `iin` on DAY, else the reason (first failing step)."""
    if iin in bank.global_control:
        return "global_control"
    campaign = bank.campaigns[code]
    for name in campaign.get("lists") or []:
        if iin in bank.lists[name]:
            return name
    days = campaign.get("contact_days")
    if days and iin in bank.contacted and bank.contacted[iin] >= DAY - timedelta(days=days):
        return "recent_contact"
    return None


def _splitmix(z: int) -> int:
    z = (z + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def reference_in_control(seed: int, iin: str, share: float) -> bool:
    bucket = (_splitmix(int(iin) ^ _splitmix(seed & MASK)) >> 11) / float(1 << 53)
    return bucket < share


def reference_channels(bank: Bank, code: str, iin: str) -> list[str]:
    """The channels the deploy's drop-out rules keep a target of campaign `code` in."""
    row = bank.features.get(iin)
    campaign = bank.campaigns[code]
    opted_out = bank.optouts.get(campaign.get("push_event_type") or "", set())
    kept = []
    for channel in campaign["channels"].split(","):
        if channel == "push":
            if row and row["p_sid"] and row["push_enabled"] and iin not in opted_out:
                kept.append(channel)
        elif channel == "sms":
            if row and row["phone"] and PHONE.match(row["phone"]):
                kept.append(channel)
        else:
            kept.append(channel)
    return kept


def no_better_balance(
    sizes: dict[str, int], accepts: dict[str, set[str]], members: dict[str, set[str]]
) -> bool:
    """True when no chain of moves (a customer of A whom B accepts goes to B, ...) leads from a
    campaign to one smaller by two or more: the sizes are as equal as the rules allow."""
    for source in sizes:
        seen, frontier = {source}, [source]
        while frontier:
            a = frontier.pop()
            for b in sizes:
                if b not in seen and any(iin in accepts[b] for iin in members[a]):
                    seen.add(b)
                    frontier.append(b)
        if any(sizes[b] <= sizes[source] - 2 for b in seen):
            return False
    return True
