"""Contact pressure (issue 12, item 2): a contact is one campaign, scheduled campaigns count,
and rows of draft or cancelled campaigns never do; on both engines, against the reference."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import audience_reference as ref
import pytest
from audience_bank import REFERENCE_DATE, Bank, campaign_row
from test_audience_funnel import check, make_spec

from dataquery.audiences import service
from dataquery.audiences.spec import AudienceSpec
from dataquery.bank.tables import contact_history, local_target
from dataquery.core import clock
from dataquery.datasets import contact_index, member_index

R = REFERENCE_DATE
# camp_cd, stream, start, end, status
SCENARIO_CAMPAIGNS = [
    ("C000000951", "credit", R + timedelta(1), R + timedelta(10), "deployed"),  # starts tomorrow
    ("C000000952", "credit", R + timedelta(2), R + timedelta(5), "cancelled"),
    ("C000000953", "credit", R + timedelta(3), R + timedelta(9), "draft"),
    ("C000000954", "market", R - timedelta(3), R + timedelta(3), "active"),
]
# Role → (campaign, channels, contact date) rows of contact history.
SCENARIO_CONTACTS: dict[str, list[tuple[str, tuple[str, ...], date]]] = {
    "scheduled": [("C000000951", ("push", "sms"), R + timedelta(1))],
    "cancelled": [("C000000952", ("push",), R + timedelta(2))],
    "draft": [("C000000953", ("sms",), R + timedelta(3))],
    "push_and_sms": [("C000000954", ("push", "sms"), R - timedelta(3))],
    "two_campaigns": [
        ("C000000954", ("push",), R - timedelta(3)),
        ("C000000951", ("push",), R + timedelta(1)),
    ],
    "old_history": [("C000000001", ("sms",), R - timedelta(2))],  # no campaign row
    "two_days_ago": [("C000000954", ("push",), R - timedelta(2))],
}
# Role → campaign of its target group.
SCENARIO_TARGETS = {
    "scheduled": "C000000951",
    "later_member": "C000000951",
    "cancelled": "C000000952",
}


@pytest.fixture(scope="module")
def people(bank: Bank) -> dict[str, str]:
    """Adds the scenario to the module's bank (warehouse and reference); role → IIN."""
    data = bank.data
    busy = {c[0] for c in data.contacts} | {i for _c, i in data.target + data.control}
    free = [i for i in sorted(data.customers) if i not in busy]
    roles = sorted(set(SCENARIO_CONTACTS) | set(SCENARIO_TARGETS))
    who = dict(zip(roles, free[:: len(free) // (len(roles) + 1)], strict=False))
    campaigns = {code: (stream, start, end) for code, stream, start, end, _s in SCENARIO_CAMPAIGNS}
    campaigns["C000000001"] = ("travel", R - timedelta(2), R - timedelta(2))
    contacts = [
        (who[role], code, campaigns[code][0], channel, day)
        for role, rows in SCENARIO_CONTACTS.items()
        for code, channels, day in rows
        for channel in channels
    ]
    targets = [(code, who[role]) for role, code in SCENARIO_TARGETS.items()]
    with bank.sessions.begin() as db:
        for code, stream, start, end, status in SCENARIO_CAMPAIGNS:
            row = campaign_row(code, stream, start, end, status, channels="push,sms")
            db.add(row)
        db.flush()
        db.execute(
            local_target.insert().values(
                [
                    {
                        "camp_cd": code,
                        "iin": i,
                        "stream": campaigns[code][0],
                        "start_date": campaigns[code][1],
                        "end_date": campaigns[code][2],
                    }
                    for code, i in targets
                ]
            )
        )
        db.execute(
            contact_history.insert().values(
                [
                    {"iin": i, "camp_cd": c, "stream": st, "channel": ch, "contact_date": d}
                    for i, c, st, ch, d in contacts
                ]
            )
        )
        # History and groups written from outside the application: the indexes are rebuilt.
        contact_index.build(db)
        member_index.index_live(db, R)
    data.campaigns = [
        *data.campaigns,
        *(ref.Campaign(c, st, s, e, status) for c, st, s, e, status in SCENARIO_CAMPAIGNS),
    ]
    data.target = [*data.target, *targets]
    data.contacts = [*data.contacts, *contacts]
    data.contacts_of = {}
    data.__post_init__()
    data.cache.clear()
    return who


def final_of(bank: Bank, filters: list[dict[str, Any]], **extra: Any) -> set[str]:
    _out, expected = check(bank, make_spec(filters, **extra))
    return set(expected.final)


def test_recent_contact_counts_scheduled_campaigns_not_cancelled_ones(
    bank: Bank, people: dict[str, str]
) -> None:
    kept = final_of(bank, [{"kind": "recent_contact", "days": 14}])
    for role in ("scheduled", "push_and_sms", "two_campaigns", "old_history", "two_days_ago"):
        assert people[role] not in kept, role
    for role in ("cancelled", "draft", "later_member"):
        assert people[role] in kept, role
    # Restricted to a channel: the scheduled push counts, the draft's SMS still does not.
    by_push = final_of(bank, [{"kind": "recent_contact", "days": 1, "channels": ["push"]}])
    assert people["scheduled"] not in by_push and people["draft"] in by_push
    assert people["old_history"] in by_push  # an SMS, two days ago


def test_frequency_cap_counts_campaigns_not_channel_rows(
    bank: Bank, people: dict[str, str]
) -> None:
    kept = final_of(bank, [{"kind": "frequency_cap", "max_contacts": 2, "days": 30}])
    # One campaign by push + SMS is one contact: passes a cap of 2; two campaigns do not.
    assert people["push_and_sms"] in kept and people["scheduled"] in kept
    assert people["two_campaigns"] not in kept
    assert people["cancelled"] in kept and people["draft"] in kept
    once = final_of(bank, [{"kind": "frequency_cap", "max_contacts": 1, "days": 30}])
    assert people["scheduled"] not in once and people["old_history"] not in once
    assert people["draft"] in once


def test_stream_exclusion_holds_members_of_campaigns_starting_later(
    bank: Bank, people: dict[str, str]
) -> None:
    kept = final_of(bank, [{"kind": "stream", "stream": "credit", "exclude": ["local_target"]}])
    assert people["later_member"] not in kept and people["scheduled"] not in kept
    assert people["cancelled"] in kept  # a cancelled campaign holds nobody


def test_the_default_reference_date_is_the_banks_at_2330_utc(
    bank: Bank, people: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """At 23:30 UTC on the 27th it is the 28th in Almaty: the window of one day starts on the
    27th, so a contact on the 26th no longer counts (it would by the server's date)."""
    late = datetime.combine(R - timedelta(1), datetime.min.time(), UTC) + timedelta(
        hours=23, minutes=30
    )
    monkeypatch.setattr(clock, "utc_now", lambda: late)
    spec = AudienceSpec.model_validate(
        {"filters": [{"kind": "recent_contact", "days": 1}, {"kind": "stream", "stream": "travel"}]}
    )
    assert spec.reference_date == R
    _out, expected = check(bank, spec)
    assert people["two_days_ago"] in expected.final
    assert people["scheduled"] not in expected.final
    by_utc = ref.run(spec.model_copy(update={"reference_date": R - timedelta(1)}), bank.data)
    assert people["two_days_ago"] not in by_utc.final


def test_explain_names_the_scheduled_contact(bank: Bank, people: dict[str, str]) -> None:
    spec = make_spec(
        [
            {"kind": "recent_contact", "days": 14},
            {"kind": "frequency_cap", "max_contacts": 2, "days": 30},
        ]
    )
    with bank.sessions.begin() as db:
        compiler = service.compile_spec(db, spec, None)
        row = db.execute(compiler.explain(people["scheduled"])).one()
    assert (row.p_1, row.p_2) == (0, 1)


@pytest.mark.parametrize(
    "step",
    [
        {"kind": "recent_contact", "days": 14},
        {"kind": "recent_contact", "days": 1},
        {"kind": "frequency_cap", "max_contacts": 1, "days": 30},
        {"kind": "frequency_cap", "max_contacts": 2, "days": 30},
        {"kind": "frequency_cap", "max_contacts": 5, "days": 60},
    ],
)
def test_the_contact_index_answers_like_the_history(
    bank: Bank, people: dict[str, str], step: dict[str, Any]
) -> None:
    """The feature store's latest-contact columns (datasets.contact_index) give the funnel the
    history gives, scheduled, cancelled and draft campaigns included."""
    spec = make_spec([step])
    with bank.sessions.begin() as db:
        indexed = service.compile_spec(db, spec, None)
        joined = service.compile_spec(db, spec, None, indexed=False)
        sql = str(indexed.funnel().compile(db.get_bind()))
        assert "off_limit_campaigns_users" not in sql and "dq_contact_" in sql
        assert "off_limit_campaigns_users" in str(joined.funnel().compile(db.get_bind()))
        assert sorted(db.execute(indexed.funnel()).all()) == sorted(
            db.execute(joined.funnel()).all()
        )


def test_rules_the_index_cannot_answer_read_the_history(bank: Bank, people: dict[str, str]) -> None:
    spec = make_spec(
        [
            {"kind": "recent_contact", "days": 14, "streams": ["credit"]},
            {"kind": "frequency_cap", "max_contacts": contact_index.DEPTH + 1, "days": 30},
        ]
    )
    with bank.sessions.begin() as db:
        sql = str(service.compile_spec(db, spec, None).funnel().compile(db.get_bind()))
    assert "off_limit_campaigns_users" in sql and "dq_contact_" not in sql
