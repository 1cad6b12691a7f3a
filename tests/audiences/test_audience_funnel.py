"""Every filter and source kind, compiled to SQL and run on DuckDB and PostgreSQL, against the
plain-Python reference on the same generated bank."""

from __future__ import annotations

from typing import Any

import audience_reference as ref
import pytest
from audience_bank import REFERENCE_DATE, SUPPRESSION_LISTS, Bank

from dataquery.audiences import service
from dataquery.audiences.schemas import AudienceCreate, PreviewOut
from dataquery.audiences.spec import AudienceSpec
from dataquery.auth.models import User

ANALYST = User(username="anna", role="analyst")

FILTERS: dict[str, list[dict[str, Any]]] = {
    **{
        f"suppression-{name}": [{"kind": "suppression", "list": name}] for name in SUPPRESSION_LISTS
    },
    "suppression-upload": [{"kind": "suppression", "list": "upload_t2"}],
    "suppression-all-lists": [{"kind": "suppression", "list": n} for n in SUPPRESSION_LISTS],
    "age-range": [{"kind": "age", "min": 25, "max": 60}],
    "age-min": [{"kind": "age", "min": 70}],
    "age-max": [{"kind": "age", "max": 21}],
    "age-one-year": [{"kind": "age", "min": 33, "max": 33}],
    "gender-f": [{"kind": "gender", "values": ["F"]}],
    "gender-m": [{"kind": "gender", "values": ["M"]}],
    "device-ios": [{"kind": "device", "values": ["ios"]}],
    "device-none": [{"kind": "device", "values": ["none"]}],
    "device-android-none": [{"kind": "device", "values": ["android", "none"]}],
    "filial": [{"kind": "filial", "codes": ["01", "02", "17"]}],
    "mau": [{"kind": "mau"}],
    "push-enabled": [{"kind": "push_enabled"}],
    "push-optout": [{"kind": "push_optout", "event_types": ["marketing_offers", "surveys"]}],
    "product-has": [{"kind": "product", "products": ["credit_card", "mortgage"], "mode": "has"}],
    "product-has-not": [{"kind": "product", "products": ["debit_card"], "mode": "has_not"}],
    "stream-both": [{"kind": "stream", "stream": "travel"}],
    "stream-control": [{"kind": "stream", "stream": "travel", "exclude": ["local_control"]}],
    "stream-target": [{"kind": "stream", "stream": "market", "exclude": ["local_target"]}],
    "stream-one-day": [{"kind": "stream", "stream": "credit"}],
    "recent-contact": [{"kind": "recent_contact", "days": 14}],
    "recent-contact-streams": [{"kind": "recent_contact", "days": 30, "streams": ["market"]}],
    "recent-contact-channels": [
        {"kind": "recent_contact", "days": 7, "streams": [], "channels": ["sms", "popup"]}
    ],
    "frequency-cap": [{"kind": "frequency_cap", "max_contacts": 2, "days": 30}],
    "frequency-cap-one": [{"kind": "frequency_cap", "max_contacts": 1, "days": 3}],
    "upload-include": [{"kind": "upload", "upload_id": "t1", "mode": "include"}],
    "upload-exclude": [{"kind": "upload", "upload_id": "t1", "mode": "exclude"}],
    "twelve-steps": [
        {"kind": "suppression", "list": "global_control"},
        {"kind": "suppression", "list": "acrm_blacklist"},
        {"kind": "age", "min": 25, "max": 60},
        {"kind": "gender", "values": ["F", "M"]},
        {"kind": "device", "values": ["ios", "android"]},
        {"kind": "mau"},
        {"kind": "push_enabled"},
        {"kind": "push_optout", "event_types": ["marketing_offers"]},
        {"kind": "product", "products": ["debit_card"], "mode": "has"},
        {"kind": "stream", "stream": "travel"},
        {"kind": "recent_contact", "days": 14},
        {"kind": "frequency_cap", "max_contacts": 2, "days": 30},
    ],
}

RANKS: dict[str, dict[str, Any]] = {
    "rank-top": {"rank": {"sum_of": ["score_credit", "score_deposit"], "top_n": 300}},
    "rank-min": {"rank": {"sum_of": ["score_travel"], "min": 0.4}},
    "rank-min-top": {
        "rank": {
            "sum_of": ["score_market", "score_travel", "score_insurance"],
            "min": 1.0,
            "top_n": 50,
        }
    },
    "limit": {"limit": 777},
    "rank-and-limit": {"rank": {"sum_of": ["score_credit"], "top_n": 400}, "limit": 123},
}

SOURCES: dict[str, dict[str, Any]] = {
    "products-any": {"kind": "products", "products": ["mortgage", "auto_loan"]},
    "products-all": {"kind": "products", "products": ["debit_card", "credit_card"], "mode": "all"},
    "upload": {"kind": "upload", "upload_id": "t1"},
}


def make_spec(filters: list[dict[str, Any]], **extra: Any) -> AudienceSpec:
    return AudienceSpec.model_validate(
        {"reference_date": REFERENCE_DATE.isoformat(), "filters": filters, **extra}
    )


def check(bank: Bank, spec: AudienceSpec) -> tuple[PreviewOut, ref.Result]:
    """The SQL engine agrees with the reference on funnel, members, distributions and sample."""
    with bank.sessions.begin() as db:
        out = service.preview(db, spec, None)
        compiler = service.compile_spec(db, spec, None)
        members = [row.iin for row in db.execute(compiler.members()).all()]
    expected = ref.run(spec, bank.data)
    assert [(s.kind, s.removed, s.remaining) for s in out.funnel] == expected.steps
    assert out.size == expected.size == len(members)
    if compiler.keep_at_most is not None:
        assert members == expected.final
    else:
        assert sorted(members) == sorted(expected.final)

    wanted = ref.distributions(expected.final, bank.data, spec.reference_date)
    for name in ("age", "gender", "filial", "device"):
        got = {b.key: b.count for b in getattr(out.distributions, name) if b.count}
        assert got == wanted[name], name

    assert len(out.sample) == min(20, expected.size)
    final = set(expected.final)
    for row in out.sample:
        assert row.iin in final
        customer = bank.data.customers[row.iin]
        assert row.age == ref.age_of(row.iin, customer, spec.reference_date)
        assert row.gender == ref.gender_of(row.iin, customer)
        assert row.filial == customer["filial_code"]
        assert row.device == customer["device_os"]
        assert row.mau == customer["is_mau"]
    if spec.rank is not None:
        assert [row.iin for row in out.sample] == expected.final[:20]
        for row in out.sample:
            total = ref.score_of(bank.data.customers[row.iin], spec.rank.sum_of)
            assert row.score == pytest.approx(total)
    return out, expected


@pytest.mark.parametrize("case", sorted(FILTERS))
def test_every_filter_matches_the_reference(bank: Bank, case: str) -> None:
    check(bank, make_spec(FILTERS[case]))


@pytest.mark.parametrize("case", sorted(RANKS))
def test_rank_and_limit_match_the_reference(bank: Bank, case: str) -> None:
    out, _ = check(
        bank, make_spec([{"kind": "suppression", "list": "global_control"}], **RANKS[case])
    )
    assert out.funnel[-1].kind == ("limit" if "limit" in RANKS[case] else "rank")


@pytest.mark.parametrize("case", sorted(SOURCES))
def test_every_source_matches_the_reference(bank: Bank, case: str) -> None:
    out, expected = check(
        bank,
        make_spec(
            [{"kind": "age", "min": 20}, {"kind": "gender", "values": ["F"]}],
            source=SOURCES[case],
        ),
    )
    assert out.funnel[1].kind == "not_in_feature_store"
    assert out.funnel[0].remaining == len(expected.source) > 0
    if case == "upload":
        assert out.funnel[1].removed == 15  # the upload's IINs the bank does not have


def test_saved_audience_as_a_source(bank: Bank) -> None:
    spec = make_spec([{"kind": "mau"}, {"kind": "age", "max": 45}])
    with bank.sessions.begin() as db:
        saved = service.save(db, ANALYST, AudienceCreate(name="MAU до 45", spec=spec))
    bank.data.audiences[saved.id] = set(ref.run(spec, bank.data).final)
    out, _ = check(
        bank,
        make_spec(
            [{"kind": "device", "values": ["ios"]}],
            source={"kind": "audience", "audience_id": saved.id},
        ),
    )
    assert out.funnel[0].remaining == saved.size
    assert out.funnel[1].removed == 0  # every snapshot member is a customer


def test_the_example_spec_of_the_issue(bank: Bank) -> None:
    """The contract's example, with its placeholders filled in."""
    spec = AudienceSpec.model_validate(
        {
            "version": 1,
            "reference_date": REFERENCE_DATE.isoformat(),
            "source": {"kind": "feature_store"},
            "filters": [
                {"kind": "suppression", "list": "global_control"},
                {"kind": "age", "min": 25, "max": 60},
                {"kind": "gender", "values": ["F"]},
                {"kind": "device", "values": ["ios"]},
                {"kind": "filial", "codes": ["01", "02"]},
                {"kind": "mau"},
                {"kind": "push_enabled"},
                {"kind": "push_optout", "event_types": ["marketing_offers"]},
                {"kind": "product", "products": ["debit_card"], "mode": "has"},
                {
                    "kind": "stream",
                    "stream": "travel",
                    "exclude": ["local_control", "local_target"],
                },
                {"kind": "recent_contact", "days": 14, "streams": [], "channels": []},
                {"kind": "frequency_cap", "max_contacts": 3, "days": 30},
                {"kind": "upload", "upload_id": "t1", "mode": "exclude"},
            ],
            "rank": {"sum_of": ["score_credit", "score_deposit"], "min": 0.5, "top_n": 100000},
        }
    )
    out, _ = check(bank, spec)
    assert [s.kind for s in out.funnel] == [
        "source",
        "suppression",
        "age",
        "gender",
        "device",
        "filial",
        "mau",
        "push_enabled",
        "push_optout",
        "product",
        "stream",
        "recent_contact",
        "frequency_cap",
        "upload",
        "rank",
    ]
    assert [s.filter_index for s in out.funnel[1:-1]] == list(range(13))


def test_reference_dates_move_ages_campaigns_and_contact_windows(bank: Bank) -> None:
    for shift in (-3, 0, 1, 12):
        day = REFERENCE_DATE.toordinal() + shift
        check(
            bank,
            make_spec(
                [
                    {"kind": "stream", "stream": "travel"},
                    {"kind": "recent_contact", "days": 5},
                    {"kind": "age", "min": 30, "max": 31},
                ],
                reference_date=type(REFERENCE_DATE).fromordinal(day).isoformat(),
            ),
        )


def test_a_spec_without_global_control_warns(bank: Bank) -> None:
    with bank.sessions.begin() as db:
        out = service.preview(db, make_spec([{"kind": "mau"}]), None)
        default = service.preview(
            db, make_spec([{"kind": "suppression", "list": "global_control"}]), None
        )
    kept = "notice.audience.global_control_kept"
    assert any(w.code == kept for w in out.warnings)
    assert not any(w.code == kept for w in default.warnings)


def test_preview_without_sample_or_distributions_keeps_the_funnel(bank: Bank) -> None:
    spec = make_spec(FILTERS["twelve-steps"], **RANKS["rank-min-top"])
    with bank.sessions.begin() as db:
        full = service.preview(db, spec, None)
        bare = service.preview(db, spec, None, sample=False, distributions=False)
        no_sample = service.preview(db, spec, None, sample=False)
    assert bare.funnel == full.funnel == no_sample.funnel
    assert bare.sample == [] and bare.distributions.age == []
    assert no_sample.sample == [] and no_sample.distributions == full.distributions
