"""The vectorised classification must say exactly what `iin.check` says, value by value."""

from __future__ import annotations

import random
from datetime import date

import numpy as np
import pyarrow as pa
from corpus import bin_number, person_iins
from hypothesis import given, settings
from hypothesis import strategies as st

from dataquery import iin
from dataquery.uploads.iins import Category, category_of, classify, first_occurrences


def _assert_like_check(values: list[str | None], float_cells: np.ndarray | None = None) -> None:
    result = classify(pa.array(values, type=pa.string()), float_cells)
    for row, value in enumerate(values):
        subject: object = value
        if float_cells is not None and float_cells[row] and value is not None:
            subject = float(value)
        expected = iin.check(subject)
        got = Category(int(result.category[row]))
        assert got is category_of(expected), (value, got, expected)
        if expected.valid:
            assert f"{int(result.keys[row]):012d}" == expected.normalized, value
            assert bool(result.fixed[row]) == expected.was_normalized, value


def _with_check_digit(prefix7: str, serials: range) -> list[str]:
    out = []
    for serial in serials:
        first11 = f"{prefix7}{serial:04d}"
        digit = iin.check_digit(first11)
        if digit is not None:
            out.append(f"{first11}{digit}")
    return out[:3]


def _tricky(rng: random.Random, seeds: list[str]) -> str:
    """A value an export from Excel, pandas or a person might hold."""
    base = rng.choice(seeds)
    digits = "".join(rng.choice("0123456789") for _ in range(12))
    forms = [
        base,
        digits,
        base[1:],  # lost leading zero
        base.lstrip("0"),  # every leading zero lost (born 2000-2009: up to three)
        base.lstrip("0") + ".0",
        digits[3:],  # 9 digits that are no IIN when padded
        digits[: rng.randint(0, 14)],
        base + ".0",
        base[1:] + ",00",
        base + ".5",
        f"{int(base):.10E}".replace("E+", rng.choice(["E+", "e+", "E"])),
        f"{int(base) / 10**11:.11f}E+11",
        f"{int(base[1:]) / 10**10:.10f}E+11",
        " " + base + " ",
        "'" + base,
        "\u2019" + base,
        base[:4] + "-" + base[4:8] + "-" + base[8:],
        base[:6] + " " + base[6:],
        "\u200b" + base,
        "-" + base,
        "nan",
        "NULL",
        "",
        "  ",
        "ИИН",
        base[:6] + rng.choice("0789") + base[7:],  # impossible century
        rng.choice(["99", "00"]) + rng.choice(["02", "13", "00"]) + "29" + base[6:],
        "０" * 12,  # full-width digits
        base[:11] + rng.choice("0123456789"),
        base[:11] + "x",
    ]
    return rng.choice(forms)


def test_thousands_of_tricky_values_classify_like_check() -> None:
    rng = random.Random(20261128)
    seeds = person_iins(300) + [bin_number(s) for s in range(1, 40)]
    # 29 February in leap and common years of each century, and impossible dates, all with a
    # correct check digit: only the date can make them invalid.
    for yy, century in (("00", "3"), ("00", "5"), ("96", "4"), ("01", "5"), ("04", "6")):
        for month_day in ("0229", "0228", "0230", "1301", "0431", "0001", "0100"):
            seeds += _with_check_digit(f"{yy}{month_day}{century}", range(30))
    values: list[str | None] = [_tricky(rng, seeds) for _ in range(5000)]
    values += [None, None]
    _assert_like_check(values)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=20), st.from_regex(r"[0-9]{8,13}"))))
def test_arbitrary_text_classifies_like_check(values: list[str | None]) -> None:
    _assert_like_check(values)


def test_spreadsheet_numbers_count_as_normalised_like_check_of_a_float() -> None:
    born_2000 = iin.make_iin(date(2000, 4, 21), "M", 15)
    assert born_2000 is not None and born_2000.startswith("000")
    values = [
        "61211600012", "612116000120", born_2000.lstrip("0"), "1500.5", "-5", "1e+16", "123", None
    ]  # fmt: skip
    floats = np.array([True, True, True, True, True, True, True, False])
    _assert_like_check(values, floats)


def test_first_occurrences_keep_the_first_of_each_key() -> None:
    keys = np.array([5, 3, 5, 7, 3, 3, 9], dtype=np.int64)
    assert first_occurrences(keys).tolist() == [True, True, False, True, False, False, True]
    rng = np.random.default_rng(1)
    many = rng.integers(0, 1000, 50_000)
    _, expected = np.unique(many, return_index=True)
    assert np.flatnonzero(first_occurrences(many)).tolist() == sorted(expected.tolist())


def test_normalised_strings_are_the_twelve_digits() -> None:
    values = pa.array(["061211600012", "61211600012", "6.1211600012E+11", "x"])
    result = classify(values)
    keep = result.category == Category.VALID
    assert result.normalized(keep).to_pylist() == ["061211600012"] * 3
