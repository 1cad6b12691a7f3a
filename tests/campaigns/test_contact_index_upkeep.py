"""The contact and member indexes (datasets/contact_index.py, member_index.py) stay right
through every write of the application to the history and the groups: deploy, members added
and removed, cancel, delete. After each, the feature store's latest-contact columns equal what
the history says, every indexed group's bit marks exactly its members, and a stream step
through the bits counts what the join of the group tables counts; on both engines.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from campaign_data import save_audience
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from dataquery.audiences import service
from dataquery.audiences.overlap import Window, overlap_of
from dataquery.audiences.spec import AudienceSpec
from dataquery.core.clock import bank_today
from dataquery.core.db import make_sessionmaker
from dataquery.datasets import contact_index, member_index
from helpers import PASSWORDS

Latest = dict[str, tuple[date | None, ...]]


def from_history(engine: Engine) -> Latest:
    """Per IIN, its campaigns' latest contact dates, latest first (drafts and cancelled left
    out), padded to the index's depth: computed in Python from the history."""
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT h.iin, h.camp_cd, max(h.contact_date) FROM off_limit_campaigns_users h"
                " LEFT JOIN mb01_camp_dict c ON c.camp_cd = h.camp_cd"
                " WHERE c.status IS NULL OR c.status NOT IN ('draft', 'cancelled')"
                " GROUP BY h.iin, h.camp_cd"
            )
        ).all()
    days: dict[str, list[date]] = {}
    for iin, _camp, day in rows:
        days.setdefault(iin, []).append(day)
    depth = contact_index.DEPTH
    return {
        iin: tuple((sorted(found, reverse=True) + [None] * depth)[:depth])  # type: ignore[list-item]
        for iin, found in days.items()
    }


def indexed(engine: Engine) -> Latest:
    columns = ", ".join(contact_index.COLUMNS)
    with engine.connect() as conn:
        rows = conn.execute(
            sa.text(f"SELECT iin, {columns} FROM feature_store WHERE dq_contact_1 IS NOT NULL")
        ).all()
    return {row[0]: tuple(row[1:]) for row in rows}


def assert_groups_marked(engine: Engine) -> None:
    with engine.connect() as conn:
        entries = conn.execute(
            sa.text("SELECT camp_cd, group_name, bit FROM dq_member_index")
        ).all()
        for camp_cd, group, bit in entries:
            table = {"local_target": "mb22_local_target", "local_control": "mb21_local_control"}
            members = set(
                conn.scalars(
                    sa.text(f"SELECT iin FROM {table[group]} WHERE camp_cd = :c"), {"c": camp_cd}
                )
            )
            marked = set(
                conn.scalars(
                    sa.text(
                        f"SELECT iin FROM feature_store WHERE (dq_member_bits & {1 << bit}) <> 0"
                    )
                )
            )
            assert marked == members, (camp_cd, group)


def assert_stream_step_agrees(engine: Engine, indexed_groups: int, joined: bool = False) -> None:
    """Stream exclusion over the bits equals the join (`indexed=False`); `joined`: some group
    has no bit, so the step joins the group tables."""
    spec = AudienceSpec.model_validate(
        {
            "reference_date": bank_today().isoformat(),
            "filters": [
                {"kind": "stream", "stream": "market"},
                {"kind": "stream", "stream": "market", "exclude": ["local_control"]},
                {"kind": "recent_contact", "days": 7},
                {"kind": "frequency_cap", "max_contacts": 2, "days": 30},
            ],
        }
    )
    with make_sessionmaker(engine).begin() as db:
        bits = service.compile_spec(db, spec, None)
        reference = service.compile_spec(db, spec, None, indexed=False)
        sql = str(bits.funnel().compile(db.get_bind()))
        assert ("mb22_local_target" in sql) is joined
        assert ("dq_member_bits" in sql) is (not joined and indexed_groups > 0)
        expected = sorted(db.execute(reference.funnel()).all())
        assert sorted(db.execute(bits.funnel()).all()) == expected
        # Overlap of the whole feature store with the live campaigns: the preview's (from the
        # bits when every group has one) equals the join of the group tables.
        everyone = AudienceSpec.model_validate({"reference_date": spec.reference_date})
        preview = service.preview(db, everyone, None, overlap=True, sample=False)
        members = service.compile_spec(db, everyone, None).members().subquery()
        expected_overlap = overlap_of(db, members, Window(spec.reference_date))
        assert preview.overlap == expected_overlap
    with engine.connect() as conn:
        count = conn.execute(sa.text("SELECT count(*) FROM dq_member_index")).scalar()
    assert count == indexed_groups


def test_every_history_write_keeps_the_index_right(
    engine: Engine,
    bank: list[str],
    as_analyst: TestClient,
    as_admin: TestClient,
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    with engine.connect() as conn:
        assert conn.execute(
            sa.text("SELECT name FROM dq_contact_index ORDER BY name")
        ).scalars().all() == ["contacts", "reach"]
    assert indexed(engine) == {}

    first = create_draft(save_audience(engine, bank[:400]), control_share=0.1)["code"]
    assert as_analyst.post(f"/api/v1/campaigns/{first}/deploy").status_code == 200
    after_first = indexed(engine)
    assert after_first == from_history(engine) and len(after_first) > 300
    assert_groups_marked(engine)
    assert_stream_step_agrees(engine, indexed_groups=2)

    # A second campaign over half of the first one's audience, starting later: two contacts.
    second = create_draft(save_audience(engine, bank[200:600]), control_share=0.1, split_seed=7)[
        "code"
    ]
    assert as_analyst.post(f"/api/v1/campaigns/{second}/deploy").status_code == 200
    both = indexed(engine)
    assert both == from_history(engine)
    assert any(latest[1] is not None for latest in both.values())
    assert_groups_marked(engine)
    assert_stream_step_agrees(engine, indexed_groups=4)

    added = as_analyst.post(f"/api/v1/campaigns/{first}/members", json={"iins": bank[700:720]})
    assert added.status_code == 200 and added.json()["changed"] > 0, added.text
    assert indexed(engine) == from_history(engine)
    assert set(bank[700:720]) & set(indexed(engine))
    assert_groups_marked(engine)
    assert_stream_step_agrees(engine, indexed_groups=4)

    removed = as_analyst.post(
        f"/api/v1/campaigns/{first}/members/remove", json={"iins": bank[:100]}
    )
    assert removed.status_code == 200 and removed.json()["changed"] > 0, removed.text
    assert indexed(engine) == from_history(engine)
    assert_groups_marked(engine)

    cancelled = as_analyst.post(f"/api/v1/campaigns/{second}/status", json={"status": "cancelled"})
    assert cancelled.status_code == 200, cancelled.text
    assert indexed(engine) == from_history(engine)
    assert_groups_marked(engine)
    assert_stream_step_agrees(engine, indexed_groups=2)  # a cancelled campaign gave its bits

    deleted = as_admin.request(
        "DELETE", f"/api/v1/campaigns/{first}", json={"password": PASSWORDS["admin"]}
    )
    assert deleted.status_code == 200, deleted.text
    assert indexed(engine) == from_history(engine) == {}
    assert_stream_step_agrees(engine, indexed_groups=0)


def test_groups_past_the_bits_are_joined(
    engine: Engine,
    bank: list[str],
    as_analyst: TestClient,
    create_draft: Callable[..., dict[str, Any]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(member_index, "MAX_BITS", 3)
    for offset in (0, 300):
        code = create_draft(save_audience(engine, bank[offset : offset + 300]))["code"]
        assert as_analyst.post(f"/api/v1/campaigns/{code}/deploy").status_code == 200
    assert_groups_marked(engine)
    assert_stream_step_agrees(engine, indexed_groups=3, joined=True)  # the fourth has no bit
