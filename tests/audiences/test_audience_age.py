"""Full years in SQL, on both engines: around birthdays, 29 February, and from the IIN when the
feature store has no birth date (century digits, impossible dates, BINs)."""

from __future__ import annotations

from collections import Counter
from datetime import date

import audience_reference as ref
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from dataquery import iin as iin_module
from dataquery.audiences import service
from dataquery.audiences.compiler import latest_birth_for_age
from dataquery.audiences.spec import AudienceSpec
from dataquery.core.db import make_sessionmaker
from dataquery.datasets.models import Dataset, DatasetCategory

BIRTHS = [
    date(2000, 2, 29),
    date(2004, 2, 29),
    date(1996, 2, 29),
    date(2001, 2, 28),
    date(2001, 3, 1),
    date(1990, 11, 27),
    date(1990, 11, 28),
    date(1990, 11, 29),
    date(1958, 12, 31),
    date(2008, 1, 1),
    date(1899, 12, 31),
    date(2005, 6, 15),
]
# 12 digits whose birth date cannot be read: century digit 0, 31 February, 29 February 1997 and
# 1900 (common years), a BIN (5th digit 4). And one that can: 29 February 2000.
ODD_IINS = ["900101012345", "990231312345", "970229412340", "000229312340", "990240312345"]
LEAP_IIN = "000229512340"
REFERENCE_DATES = [
    date(2024, 2, 28),
    date(2024, 2, 29),
    date(2024, 3, 1),
    date(2025, 2, 28),
    date(2025, 3, 1),
    date(2026, 11, 27),
    date(2026, 11, 28),
    date(2026, 11, 29),
    date(2000, 2, 29),
]


def _iin(born: date, gender: str, serial: int) -> str:
    made = iin_module.make_iin(born, gender, serial)  # type: ignore[arg-type]
    return made if made is not None else _iin(born, gender, serial + 1)


def _people() -> dict[str, dict[str, object]]:
    people: dict[str, dict[str, object]] = {}
    for k, born in enumerate(BIRTHS):
        people[_iin(born, "F", 10 + k)] = {"birth_date": born, "gender": "F"}
        people[_iin(born, "M", 600 + k)] = {"birth_date": None, "gender": None}
    for odd in [*ODD_IINS, LEAP_IIN]:
        people[odd] = {"birth_date": None, "gender": None}
    return people


def _load(engine: Engine, people: dict[str, dict[str, object]]) -> None:
    table = sa.Table(
        "fs_ages",
        sa.MetaData(),
        sa.Column("iin", sa.String(12), primary_key=True),
        sa.Column("birth_date", sa.Date),
        sa.Column("gender", sa.String(1)),
        sa.Column("filial_code", sa.String(2)),
        sa.Column("device_os", sa.String(10)),
        sa.Column("is_mau", sa.Boolean),
        sa.Column("push_enabled", sa.Boolean),
    )
    with make_sessionmaker(engine).begin() as db:
        table.create(db.connection())
        db.execute(
            table.insert(),
            [{"iin": i, "filial_code": "01", "is_mau": True, **row} for i, row in people.items()],
        )
        db.add(
            Dataset(
                name="feature_store",
                category=DatasetCategory.FEATURE_STORE.value,
                table_name="fs_ages",
                row_count=len(people),
                columns=[{"name": c.name, "type": "string"} for c in table.columns],
            )
        )


def test_ages_around_birthdays_and_29_february(engine: Engine) -> None:
    people = _people()
    _load(engine, people)
    with make_sessionmaker(engine).begin() as db:
        for on in REFERENCE_DATES:
            expected = {i: ref.age_of(i, row, on) for i, row in people.items()}
            assert expected[LEAP_IIN] is not None
            assert all(expected[odd] is None for odd in ODD_IINS)
            spec = AudienceSpec(reference_date=on)
            compiler = service.compile_spec(db, spec, None)
            rows = db.execute(compiler.preview(sample_size=100)).all()
            ages = {r.iin: r.age for r in rows if r.part == "sample"}
            assert ages == expected, on
            genders = {r.iin: r.gender for r in rows if r.part == "sample"}
            assert genders == {i: ref.gender_of(i, row) for i, row in people.items()}
            bands = {r.key: r.n for r in rows if r.part == "age_band"}
            assert bands == Counter(ref.age_band(a) for a in expected.values())
            known = sorted({a for a in expected.values() if a is not None and a >= 0})
            middle = known[len(known) // 2]
            checks = [{"min": a, "max": a} for a in known] + [{"min": middle}, {"max": middle}]
            for bounds in checks:
                spec = AudienceSpec(reference_date=on, filters=[{"kind": "age", **bounds}])
                out = service.preview(db, spec, None, sample=False, distributions=False)
                lo, hi = bounds.get("min", -(10**6)), bounds.get("max", 10**6)
                want = sum(1 for a in expected.values() if a is not None and lo <= a <= hi)
                assert out.size == want, (on, bounds)


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)),
    on=st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31)),
    age=st.integers(min_value=0, max_value=140),
)
def test_age_bounds_are_exact_birth_date_bounds(born: date, on: date, age: int) -> None:
    """The filter's rule (born on or before the bound) is the calendar's full years."""
    assert (born <= latest_birth_for_age(on, age)) == (ref.full_years(born, on) >= age)


@pytest.mark.parametrize(
    ("born", "on", "years"),
    [
        (date(2000, 2, 29), date(2018, 2, 28), 17),
        (date(2000, 2, 29), date(2018, 3, 1), 18),
        (date(2000, 2, 29), date(2024, 2, 29), 24),
        (date(1990, 11, 28), date(2026, 11, 27), 35),
        (date(1990, 11, 28), date(2026, 11, 28), 36),
    ],
)
def test_full_years_of_the_reference(born: date, on: date, years: int) -> None:
    assert ref.full_years(born, on) == years
