"""A campaign's statistics are counted from the tables at every read: current after member
changes, equal to a recount, on both engines."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from campaign_data import save_audience
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine


def _recount(engine: Engine, code: str) -> dict[str, dict[str, int]]:
    """Eligible and dropped per channel, by plain SQL over mb22 and the delivery list."""
    with engine.connect() as conn:
        targets = set(
            conn.execute(
                sa.text("SELECT iin FROM mb22_local_target WHERE camp_cd = :c"), {"c": code}
            ).scalars()
        )
        delivered: dict[str, set[str]] = {}
        for iin, channel in conn.execute(
            sa.text("SELECT iin, channel FROM fd_rb2_campaigns_users WHERE camp_cd = :c"),
            {"c": code},
        ):
            delivered.setdefault(channel, set()).add(iin)
    return {
        channel: {"eligible": len(iins & targets), "dropped": len(targets - iins)}
        for channel, iins in delivered.items()
    }


def test_dropouts_follow_member_changes(
    as_analyst: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    code = create_draft(save_audience(engine, bank[:1500]), control_share=0.1)["code"]
    deployed = as_analyst.post(f"/api/v1/campaigns/{code}/deploy").json()

    def dropouts() -> dict[str, dict[str, Any]]:
        stats = as_analyst.get(f"/api/v1/campaigns/{code}/stats").json()
        return stats["dropouts"]  # type: ignore[no-any-return]

    first = dropouts()
    for channel in ("push", "sms"):
        assert first[channel] == deployed["channels"][channel]
    assert {c: {k: v[k] for k in ("eligible", "dropped")} for c, v in first.items()} == _recount(
        engine, code
    )

    # Remove 300 targets, some dropped at deploy: every count moves with them.
    exported = as_analyst.get(
        f"/api/v1/campaigns/{code}/export", params={"group": "target", "format": "csv"}
    ).text.splitlines()[1:301]
    removed = [line.split(",")[0] for line in exported]
    answer = as_analyst.post(
        f"/api/v1/campaigns/{code}/members/remove", json={"iins": removed, "group": "target"}
    )
    assert answer.status_code == 200 and answer.json()["changed"] == 300
    after = dropouts()
    recount = _recount(engine, code)
    for channel in ("push", "sms"):
        assert {k: after[channel][k] for k in ("eligible", "dropped")} == recount[channel]
        assert sum(after[channel]["reasons"].values()) == after[channel]["dropped"]
        total = after[channel]["eligible"] + after[channel]["dropped"]
        assert total == first[channel]["eligible"] + first[channel]["dropped"] - 300
    assert after != first


def test_a_removal_report_never_says_none(
    as_analyst: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    code = create_draft(save_audience(engine, bank[:200]))["code"]
    assert as_analyst.post(f"/api/v1/campaigns/{code}/deploy").status_code == 200
    answer = as_analyst.post(
        f"/api/v1/campaigns/{code}/members/remove",
        json={"iins": [bank[0], None, "", "12345"], "group": "target"},
    )
    assert answer.status_code == 200, answer.text
    report = answer.json()
    assert report["invalid"] == 3
    assert [e["input"] for e in report["invalid_examples"]] == ["", "", "12345"]
    assert "None" not in answer.text
