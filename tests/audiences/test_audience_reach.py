"""Live reachability and overlap in the preview, on DuckDB and PostgreSQL, against recounts in
plain Python over the seeded rows; reachability also against what a deploy would drop."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import audience_reference as ref
import pytest
import sqlalchemy as sa
from audience_bank import REFERENCE_DATE, Bank, campaign_row
from audience_reference import Campaign, Data

from dataquery.audiences import service
from dataquery.audiences.models import audience_members
from dataquery.audiences.overlap import Window, overlap_of
from dataquery.audiences.schemas import AudienceCreate, Overlap
from dataquery.audiences.spec import AudienceSpec
from dataquery.auth.models import User
from dataquery.bank.tables import CampaignDict, local_control, local_target
from dataquery.campaigns import deploy
from dataquery.core.errors import InvalidInput
from dataquery.datasets import reach_index
from dataquery.datasets.models import ContactIndex

ANALYST = User(username="anna", role="analyst")
EVENT = "marketing_offers"
# Campaigns this module adds beside the bank's five (all status active): one cancelled and one
# draft that overlap everything (they must not count), one finished, one deployed far ahead.
D = REFERENCE_DATE
EXTRA = [
    (Campaign("C000000911", "market", D, D + timedelta(30)), "cancelled"),
    (Campaign("C000000912", "travel", D, D + timedelta(30)), "draft"),
    (Campaign("C000000913", "credit", D - timedelta(3), D + timedelta(3)), "finished"),
    (Campaign("C000000914", "credit", D + timedelta(60), D + timedelta(90)), "deployed"),
]
SPECS: dict[str, dict[str, Any]] = {
    "mau": {"filters": [{"kind": "mau"}]},
    "ranked-top": {
        "filters": [{"kind": "suppression", "list": "global_control"}],
        "rank": {"sum_of": ["score_credit"], "top_n": 150},
    },
    "upload-source": {"source": {"kind": "upload", "upload_id": "t1"}, "filters": []},
    "limit": {"filters": [{"kind": "age", "min": 30}], "limit": 200},
}


SEEDED: dict[int, dict[str, str]] = {}


@pytest.fixture(scope="module")
def seeded(bank: Bank) -> Iterator[tuple[Bank, dict[str, str]]]:
    """The bank with broken contact data on some rows (an empty p_sid, a phone without +7)
    and the EXTRA campaigns with members; returns the bank and camp_cd → status. Once per
    bank: pytest may set a module fixture up again when parametrized tests interleave."""
    done = SEEDED.get(id(bank))
    if done is not None:
        yield bank, done
        return
    data = bank.data
    ordered = sorted(data.customers)
    empty_p_sid, bad_phone = ordered[3::41], ordered[7::37]
    store = sa.table("feature_store", sa.column("iin"), sa.column("p_sid"), sa.column("phone"))
    statuses = {c.camp_cd: "active" for c in data.campaigns}
    with bank.sessions.begin() as db:
        db.execute(store.update().where(store.c.iin.in_(empty_p_sid)).values(p_sid=""))
        db.execute(store.update().where(store.c.iin.in_(bad_phone)).values(phone="87011234567"))
        # Written outside the loader: rebuilt as `dataquery index reach` would.
        assert reach_index.build(db)
        for campaign, status in EXTRA:
            c = campaign
            db.add(campaign_row(c.camp_cd, c.stream, c.start, c.end, status))
            statuses[campaign.camp_cd] = status
        db.flush()
        for number, (campaign, _status) in enumerate(EXTRA):
            for table, members, rows in (
                (local_target, data.target, ordered[number::23]),
                (local_control, data.control, ordered[number + 5 :: 61]),
            ):
                db.execute(
                    table.insert().values(
                        [
                            {
                                "camp_cd": campaign.camp_cd,
                                "iin": i,
                                "stream": campaign.stream,
                                "start_date": campaign.start,
                                "end_date": campaign.end,
                            }
                            for i in rows
                        ]
                    )
                )
                members.extend((campaign.camp_cd, i) for i in rows)
    # A new list: data.campaigns is the bank module's CAMPAIGNS, which every load_bank reads.
    data.campaigns = [*data.campaigns, *(campaign for campaign, _ in EXTRA)]
    for i in empty_p_sid:
        data.customers[i]["p_sid"] = ""
    for i in bad_phone:
        data.customers[i]["phone"] = "87011234567"
    SEEDED[id(bank)] = statuses
    yield bank, statuses


def _spec(extra: dict[str, Any]) -> AudienceSpec:
    return AudienceSpec.model_validate({"reference_date": REFERENCE_DATE.isoformat(), **extra})


# --- reachability ---------------------------------------------------------------------------


def recount_reach(final: list[str], data: Data, event: str | None) -> dict[str, Any]:
    """The deploy's rules written the obvious way, over the seeded feature-store rows."""
    push: dict[str, int] = {}
    sms: dict[str, int] = {}
    for i in final:
        row = data.customers.get(i)
        if row is None:
            push["not_in_feature_store"] = push.get("not_in_feature_store", 0) + 1
            sms["not_in_feature_store"] = sms.get("not_in_feature_store", 0) + 1
            continue
        reason = None
        if not row.get("p_sid"):
            reason = "no_p_sid"
        elif not row.get("push_enabled"):
            reason = "push_disabled"
        elif event is not None and event in data.optouts.get(i, set()):
            reason = "opted_out"
        if reason:
            push[reason] = push.get(reason, 0) + 1
        if not re.fullmatch(r"\+77[0-9]{9}", row.get("phone") or ""):
            sms["no_valid_phone"] = sms.get("no_valid_phone", 0) + 1
    total = len(final)
    return {
        "total": total,
        "push": total - sum(push.values()),
        "sms": total - sum(sms.values()),
        "popup": total,
        "dropouts": {"push": push, "sms": sms},
    }


@pytest.mark.parametrize("event", [None, EVENT])
@pytest.mark.parametrize("name", sorted(SPECS))
def test_reachability_equals_a_recount(
    seeded: tuple[Bank, dict[str, str]], name: str, event: str | None
) -> None:
    bank, _ = seeded
    spec = _spec(SPECS[name])
    expected = recount_reach(ref.run(spec, bank.data).final, bank.data, event)
    with bank.sessions() as db:
        out = service.preview(db, spec, None, reachability=True, push_event_type=event)
    assert out.reachability is not None
    got = out.reachability.model_dump()
    assert got["push_event_type"] == event
    assert {k: got[k] for k in expected} == expected
    # The data has drop-outs of every kind the seeded rows can give.
    assert expected["dropouts"]["push"] and expected["dropouts"]["sms"]
    if event is not None:
        assert expected["dropouts"]["push"].get("opted_out")


def test_the_reach_index_holds_what_each_row_lacks(seeded: tuple[Bank, dict[str, str]]) -> None:
    bank, _ = seeded
    store = sa.table(
        "feature_store",
        sa.column("iin"),
        sa.column("p_sid"),
        sa.column("phone"),
        sa.column(reach_index.COLUMN),
    )
    with bank.sessions() as db:
        rows = db.execute(sa.select(store)).all()
    lacking: dict[int, int] = {}
    for iin, p_sid, phone, lacks in rows:
        expected = (0 if p_sid else reach_index.NO_P_SID) | (
            0 if re.fullmatch(r"\+77[0-9]{9}", phone or "") else reach_index.NO_PHONE
        )
        assert (lacks or 0) == expected, iin
        lacking[expected] = lacking.get(expected, 0) + 1
    assert set(lacking) == {0, 1, 2, 3}, lacking  # every combination occurs


@pytest.mark.parametrize("event", [None, EVENT])
def test_reachability_without_the_reach_index_reads_the_rows(
    seeded: tuple[Bank, dict[str, str]], event: str | None
) -> None:
    """Exact or absent: without its catalog row the preview tests the p_sid and phone."""
    bank, _ = seeded
    spec = _spec(SPECS["mau"])
    with bank.sessions() as db:
        indexed = service.preview(db, spec, None, reachability=True, push_event_type=event)
        db.execute(sa.delete(ContactIndex).where(ContactIndex.name == reach_index.NAME))
        compiler = service.compile_spec(db, spec, None)
        assert not compiler.resolved.reach_index
        plan = service.reach_plan(db, compiler, event)
        sql = str(compiler.preview(reach=plan, read_back=True).compile())
        assert reach_index.COLUMN not in sql and "p_sid" in sql
        read = service.preview(db, spec, None, reachability=True, push_event_type=event)
        db.rollback()
    assert indexed.reachability is not None and indexed.reachability.dropouts["sms"]
    assert read.reachability == indexed.reachability


def test_reachability_equals_what_a_deploy_would_drop(seeded: tuple[Bank, dict[str, str]]) -> None:
    """The same audience, saved, through the deploy's own channel drop-out count."""
    bank, _ = seeded
    spec = _spec(SPECS["mau"])
    with bank.sessions() as db:
        out = service.preview(db, spec, None, reachability=True, push_event_type=EVENT)
        saved = service.save(db, ANALYST, AudienceCreate(name="reach", spec=spec))
        members = (
            sa.select(audience_members.c.iin)
            .where(audience_members.c.audience_id == saved.id)
            .subquery("targets")
        )
        channels = ["push", "sms", "popup"]
        rows = deploy.reach(members, deploy.sources(db, channels, EVENT), EVENT).subquery()
        dropped = deploy._count_dropouts(db.connection(), rows, channels)
        db.rollback()
    assert out.reachability is not None
    for channel in channels:
        reachable = getattr(out.reachability, channel)
        assert dropped[channel].eligible == reachable, channel
        assert dropped[channel].reasons == out.reachability.dropouts.get(channel, {}), channel


def test_an_unknown_push_event_type_is_422(seeded: tuple[Bank, dict[str, str]]) -> None:
    bank, _ = seeded
    with bank.sessions() as db, pytest.raises(InvalidInput) as caught:
        service.preview(db, _spec(SPECS["mau"]), None, reachability=True, push_event_type="spam")
    assert caught.value.errors[0]["code"] == "audience.unknown_push_event_types"
    assert caught.value.errors[0]["field"] == "push_event_type"


# --- overlap --------------------------------------------------------------------------------


def recount_overlap(
    iins: set[str], data: Data, statuses: dict[str, str], window: Window
) -> dict[str, Any]:
    by_code = {c.camp_cd: c for c in data.campaigns}
    live = {
        code
        for code, c in by_code.items()
        if statuses[code] in ("deployed", "active")
        and c.end >= window.start
        and (window.end is None or c.start <= window.end)
        and code not in window.exclude
    }
    held: dict[str, set[str]] = {}
    for code, i in data.target + data.control:
        if code in live and i in iins:
            held.setdefault(code, set()).add(i)
    streams: dict[str, set[str]] = {}
    for code, members in held.items():
        streams.setdefault(by_code[code].stream, set()).update(members)
    return {
        "members": len(set().union(*held.values())) if held else 0,
        "campaigns": {code: len(m) for code, m in held.items()},
        "streams": {stream: len(m) for stream, m in streams.items()},
    }


def _as_counts(overlap: Overlap) -> dict[str, Any]:
    return {
        "members": overlap.members,
        "campaigns": {c.camp_cd: c.members for c in overlap.campaigns},
        "streams": {s.stream: s.members for s in overlap.streams},
    }


@pytest.mark.parametrize("name", sorted(SPECS))
def test_overlap_in_the_preview_equals_a_recount(
    seeded: tuple[Bank, dict[str, str]], name: str
) -> None:
    """Campaigns not ended by the reference date: the ended one (902), the cancelled, draft and
    finished ones do not count; the one starting in 60 days does."""
    bank, statuses = seeded
    spec = _spec(SPECS[name])
    final = set(ref.run(spec, bank.data).final)
    expected = recount_overlap(final, bank.data, statuses, Window(REFERENCE_DATE))
    with bank.sessions() as db:
        out = service.preview(db, spec, None, overlap=True)
    assert out.overlap is not None
    assert _as_counts(out.overlap) == expected
    counted = {"C000000901", "C000000903", "C000000904", "C000000905", "C000000914"}
    assert set(expected["campaigns"]) <= counted
    assert "C000000914" in expected["campaigns"] and expected["members"] > 0
    assert out.overlap.campaign_count == len(expected["campaigns"])
    assert [c.members for c in out.overlap.campaigns] == sorted(
        (c.members for c in out.overlap.campaigns), reverse=True
    )
    codes = [w.code for w in out.warnings]
    assert "notice.audience.overlap" in codes
    first = out.overlap.campaigns[0]
    assert first.name == f"Тест {first.camp_cd}" and first.start_date <= first.end_date


@pytest.mark.parametrize(
    ("start", "end", "exclude"),
    [
        (REFERENCE_DATE - timedelta(30), REFERENCE_DATE - timedelta(2), None),  # 902 only
        (REFERENCE_DATE + timedelta(1), REFERENCE_DATE + timedelta(5), "C000000904"),
        (REFERENCE_DATE + timedelta(100), REFERENCE_DATE + timedelta(120), None),  # none
        (REFERENCE_DATE, REFERENCE_DATE, "C000000905"),
    ],
)
def test_overlap_of_a_set_and_a_date_range_equals_a_recount(
    seeded: tuple[Bank, dict[str, str]], start: date, end: date, exclude: str | None
) -> None:
    bank, statuses = seeded
    iins = set(sorted(bank.data.customers)[::3])
    window = Window(start, end, (exclude,) if exclude else ())
    expected = recount_overlap(iins, bank.data, statuses, window)
    with bank.sessions() as db:
        relation = sa.select(sa.func.distinct(sa.literal_column("iin")).label("iin")).select_from(
            sa.table("feature_store", sa.column("iin"))
        )
        relation = relation.where(sa.column("iin").in_(sorted(iins))).subquery("chosen")
        got = overlap_of(db, relation, window)
    assert _as_counts(got) == expected
    if start > REFERENCE_DATE + timedelta(99):
        assert got.members == 0 and got.campaigns == [] and got.streams == []
    else:
        assert got.members > 0


# --- through the API ------------------------------------------------------------------------


def _api_engine(client: Any) -> Any:
    return client.app.state.engine


def test_the_api_previews_reachability_and_overlap(
    as_analyst: Any, client: Any, demo_files: Any
) -> None:
    from audience_bank import load_bank

    data = load_bank(_api_engine(client), demo_files)
    spec = {"reference_date": REFERENCE_DATE.isoformat(), "filters": [{"kind": "mau"}]}
    response = as_analyst.post(
        "/api/v1/audiences/preview", json={"spec": spec, "push_event_type": EVENT}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    final = ref.run(_spec({"filters": [{"kind": "mau"}]}), data).final
    expected = recount_reach(final, data, EVENT)
    assert {k: body["reachability"][k] for k in expected} == expected
    statuses = {c.camp_cd: "active" for c in data.campaigns}
    overlap = recount_overlap(set(final), data, statuses, Window(REFERENCE_DATE))
    assert body["overlap"]["members"] == overlap["members"] > 0
    assert {c["camp_cd"]: c["members"] for c in body["overlap"]["campaigns"]} == overlap[
        "campaigns"
    ]
    notice = next(w for w in body["warnings"] if w["code"] == "notice.audience.overlap")
    assert notice["params"]["members"] == overlap["members"]

    off = as_analyst.post(
        "/api/v1/audiences/preview",
        json={"spec": spec, "reachability": False, "overlap": False},
    ).json()
    assert off["reachability"] is None and off["overlap"] is None
    bad = as_analyst.post(
        "/api/v1/audiences/preview", json={"spec": spec, "push_event_type": "spam_only"}
    )
    assert bad.status_code == 422, bad.text
    assert bad.json()["code"] == "audience.invalid_spec"
    assert bad.json()["errors"][0]["code"] == "audience.unknown_push_event_types"
    assert bad.json()["errors"][0]["field"] == "push_event_type"

    # The campaign page: a deployed campaign's own members against the others in its dates.
    page = as_analyst.get("/api/v1/campaigns/C000000901/overlap")
    assert page.status_code == 200, page.text
    by_code = {c.camp_cd: c for c in data.campaigns}
    own = {i for code, i in data.target + data.control if code == "C000000901"}
    window = Window(by_code["C000000901"].start, by_code["C000000901"].end, ("C000000901",))
    expected_page = recount_overlap(own, data, statuses, window)
    got = page.json()
    assert got["members"] == expected_page["members"] > 0
    assert {c["camp_cd"]: c["members"] for c in got["campaigns"]} == expected_page["campaigns"]
    assert {s["stream"]: s["members"] for s in got["streams"]} == expected_page["streams"]
    assert as_analyst.get("/api/v1/campaigns/C000000999/overlap").status_code == 404

    # A draft: its saved audience against the campaigns overlapping the draft's dates.
    saved = as_analyst.post("/api/v1/audiences", json={"name": "r", "spec": spec}).json()
    start, end = REFERENCE_DATE + timedelta(2), REFERENCE_DATE + timedelta(4)
    with _api_engine(client).begin() as conn:
        conn.execute(
            sa.insert(CampaignDict).values(
                camp_cd="C000000921", camp_type="RB1", camp_name="draft", stream="travel",
                channels="push", start_date=start, end_date=end, status="draft", owner="x",
                audience_id=saved["id"],
            )
        )  # fmt: skip
    draft = as_analyst.get("/api/v1/campaigns/C000000921/overlap").json()
    expected_draft = recount_overlap(set(final), data, statuses, Window(start, end))
    assert draft["members"] == expected_draft["members"] > 0
    assert {c["camp_cd"] for c in draft["campaigns"]} == set(expected_draft["campaigns"])
    assert "C000000902" not in expected_draft["campaigns"]  # ended before the draft starts


def test_no_overlapping_campaign_is_no_overlap(seeded: tuple[Bank, dict[str, str]]) -> None:
    """A reference date after every campaign's end: nothing overlaps (the join is skipped)."""
    bank, _ = seeded
    later = {"reference_date": (D + timedelta(365)).isoformat(), "filters": [{"kind": "mau"}]}
    with bank.sessions() as db:
        out = service.preview(db, AudienceSpec.model_validate(later), None, overlap=True)
    assert out.overlap is not None and out.size > 0
    assert (out.overlap.members, out.overlap.campaigns, out.overlap.streams) == (0, [], [])
    assert "notice.audience.overlap" not in [w.code for w in out.warnings]
