"""Tests for dataquery.iin: known numbers, every normalisation and reason, and properties."""

from __future__ import annotations

import json
import math
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dataquery import iin
from dataquery.iin import Gender, IINCheck, IINKind

KNOWN_PERSONS = [
    # iin, birth date, gender
    ("061211600012", date(2006, 12, 11), "F"),
    ("791028302728", date(1979, 10, 28), "M"),
    ("880515300120", date(1988, 5, 15), "M"),
    ("950101400012", date(1995, 1, 1), "F"),
]
KNOWN_BINS = ["940140000385", "990140004654"]
REASONS = {"ok", "empty", "invalid_format", "bad_checksum", "bad_date", "bad_century"}

# Independent reference model, written from the rule in DESIGN.md §3 with loops and datetime, so
# the unrolled fast path in the module is compared against something that does not share its code.
WEIGHTS_FIRST = list(range(1, 12))
WEIGHTS_SECOND = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]


def first_pass(number: str) -> int:
    return sum(int(d) * w for d, w in zip(number[:11], WEIGHTS_FIRST, strict=True)) % 11


def reference_check_digit(first11: str) -> int | None:
    total = first_pass(first11)
    if total == 10:
        total = sum(int(d) * w for d, w in zip(first11, WEIGHTS_SECOND, strict=True)) % 11
    return None if total == 10 else total


def reference_valid(number: str) -> bool:
    if len(number) != 12 or not all(c in "0123456789" for c in number):
        return False
    if reference_check_digit(number[:11]) != int(number[11]):
        return False
    if number[4] in "456":
        return True
    if number[6] not in "123456":
        return False
    century = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}[number[6]]
    try:
        date(century + int(number[:2]), int(number[2:4]), int(number[4:6]))
    except ValueError:
        return False
    return True


def with_check_digit(first11: str) -> str:
    """Complete 11 digits with their check digit (the test data must have one)."""
    digit = reference_check_digit(first11)
    assert digit is not None, f"{first11} has no check digit; pick other test data"
    return first11 + str(digit)


# --- known numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(("number", "born", "sex"), KNOWN_PERSONS)
def test_known_person_is_valid_with_birth_date_and_gender(number: str, born: date, sex: str):
    assert iin.is_valid(number)
    result = iin.check(number)
    assert result.valid
    assert result.reason == "ok"
    assert result.kind is IINKind.PERSON
    assert result.birth_date == born
    assert result.gender == sex
    assert result.normalized == number
    assert result.fixes == ()
    assert not result.was_normalized
    assert iin.kind(number) is IINKind.PERSON
    assert iin.birth_date(number) == born
    assert iin.gender(number) == sex
    assert iin.check_digit(number[:11]) == int(number[11])


@pytest.mark.parametrize("number", KNOWN_BINS)
def test_known_bin_is_valid_without_person_fields(number: str):
    assert iin.is_valid(number)
    result = iin.check(number)
    assert result.valid
    assert result.reason == "ok"
    assert result.kind is IINKind.BIN
    assert result.birth_date is None
    assert result.gender is None
    assert iin.kind(number) is IINKind.BIN
    assert iin.birth_date(number) is None
    assert iin.gender(number) is None
    assert iin.check_digit(number[:11]) == int(number[11])


def test_known_person_that_needs_the_second_weights():
    # 061211600012's first pass gives 10, so its check digit comes from weights 3..11, 1, 2.
    assert first_pass("061211600012") == 10
    assert iin.check_digit("06121160001") == 2


def test_check_digit_is_none_when_both_passes_give_ten():
    first11 = "06121169819"
    assert iin.check_digit(first11) is None
    for last in "0123456789":
        result = iin.check(first11 + last)
        assert not result.valid
        assert result.reason == "bad_checksum"
        assert "no check digit" in result.message
        assert not iin.is_valid(first11 + last)


@pytest.mark.parametrize("bad", ["", "0612116000", "061211600012", "0612116000a", "٠٦١٢١١٦٠٠٠١"])
def test_check_digit_rejects_anything_but_eleven_digits(bad: str):
    with pytest.raises(ValueError):
        iin.check_digit(bad)


# --- normalisation ---------------------------------------------------------------------------

NORMALISATION_CASES: list[tuple[object, str, tuple[str, ...]]] = [
    ("  061211600012 ", "061211600012", ("whitespace",)),
    ("0612 1160 0012", "061211600012", ("whitespace",)),
    ("\u00a00612\u00a01160\u00a00012\u00a0", "061211600012", ("whitespace",)),
    ("061211600012\t\n", "061211600012", ("whitespace",)),
    ("\ufeff061211600012\u200b", "061211600012", ("whitespace",)),
    ("'061211600012", "061211600012", ("apostrophe",)),
    ("’061211600012", "061211600012", ("apostrophe",)),
    (" '061211600012", "061211600012", ("whitespace", "apostrophe")),
    ("'61211600012", "061211600012", ("apostrophe", "leading_zero")),
    ("61211600012", "061211600012", ("leading_zero",)),
    (61211600012, "061211600012", ("leading_zero",)),
    (791028302728, "791028302728", ()),
    ("61211600012.0", "061211600012", ("excel_float", "leading_zero")),
    ("61211600012,0", "061211600012", ("excel_float", "leading_zero")),
    ("791028302728.00", "791028302728", ("excel_float",)),
    (61211600012.0, "061211600012", ("excel_float", "leading_zero")),
    (791028302728.0, "791028302728", ("excel_float",)),
    ("6.1211600012E+10", "061211600012", ("scientific_notation", "leading_zero")),
    ("6,1211600012E+10", "061211600012", ("scientific_notation", "leading_zero")),
    ("6.1211600012e10", "061211600012", ("scientific_notation", "leading_zero")),
    ("7.91028302728E+11", "791028302728", ("scientific_notation",)),
    # 6.1211600012 × 10¹¹ = 612116000120 fails the checksum, while its 11 significant digits
    # are a valid IIN that lost its leading zero: files carry this exponent slip, recover it.
    ("6.1211600012E+11", "061211600012", ("scientific_notation", "leading_zero")),
    ("6,1211600012E+11", "061211600012", ("scientific_notation", "leading_zero")),
    ("0612-1160-0012", "061211600012", ("separators",)),
    ("0612.1160.0012", "061211600012", ("separators",)),
    ("061211-600012", "061211600012", ("separators",)),
    ("061211600012", "061211600012", ()),
    (Decimal("61211600012"), "061211600012", ("leading_zero",)),
]


@pytest.mark.parametrize(("value", "expected", "fixes"), NORMALISATION_CASES)
def test_normalize_fixes_what_excel_and_people_do(
    value: object, expected: str, fixes: tuple[str, ...]
):
    assert iin.normalize(value) == (expected, fixes)
    result = iin.check(value)
    assert result.normalized == expected
    assert result.fixes == fixes
    assert result.was_normalized == bool(fixes)
    assert result.input == (value if isinstance(value, str) else str(value))


@pytest.mark.parametrize(
    "value",
    [
        "abc",
        "06121160001X",
        "ИИН061211600012",
        "٠٦١٢١١٦٠٠٠١٢",  # Arabic-Indic digits: str.isdigit() is True, but they are not an IIN
        "０６１２１１６０００１２",  # full-width digits
        "1234567890",  # 10 digits whose zero-padded form is no IIN (month 34)
        1234567890,
        "123456789",
        "1234567890123",
        "0061211600012",
        1234567890123,
        "61211600012.5",
        "061211600012.5",
        61211600012.5,
        "061211.600012",  # one dot reads as a decimal point, and this one has a fraction
        -61211600012,
        -61211600012.0,
        "-61211600012",
        "-6.1211600012E+10",
        math.inf,
        -math.inf,
        True,
        False,
        "6.12116E+10",  # Excel's display rounded away the last five digits
        "6.1E-5",
        "0612-1160-001",  # separators that give 11 digits are not padded
        "0612--1160-0012",
        "-061211600012",
        "061211600012-",
        "06,121,160,0012",
        "+061211600012",
        pytest.param(10**5000, id="huge-int"),  # str() of it raises ValueError (Python ≥ 3.11)
        b"061211600012",
        [0, 6, 1, 2],
    ],
)
def test_invalid_format_is_rejected_without_guessing(value: object):
    assert iin.normalize(value) == (None, ())
    result = iin.check(value)
    assert result.reason == "invalid_format"
    assert not result.valid
    assert result.normalized is None
    assert result.kind is None
    assert result.message


@pytest.mark.parametrize(
    "value", [None, math.nan, float("nan"), "", "   ", "\u00a0", "nan", "NaN", "None", "'", "<NA>"]
)
def test_missing_values_are_empty(value: object):
    assert iin.normalize(value) == (None, ())
    result = iin.check(value)
    assert result.reason == "empty"
    assert not result.valid
    assert result.normalized is None


def test_input_keeps_the_raw_value_as_text():
    assert iin.check(None).input == "None"
    assert iin.check(61211600012.0).input == "61211600012.0"
    assert iin.check(" '061211600012").input == " '061211600012"


def test_message_says_what_was_normalised():
    result = iin.check(" '61211600012")
    assert result.valid
    assert "spaces" in result.message
    assert "apostrophe" in result.message
    assert "leading zero" in result.message
    assert "normalised" not in iin.check("061211600012").message


# --- reasons ---------------------------------------------------------------------------------


def test_bad_checksum():
    result = iin.check("061211600013")
    assert result.reason == "bad_checksum"
    assert not result.valid
    assert result.normalized == "061211600013"
    assert result.kind is None
    assert result.birth_date is None
    assert "should be 2" in result.message
    assert not iin.is_valid("061211600013")


def test_bad_checksum_after_normalisation_keeps_the_fixes():
    result = iin.check("'61211600013")
    assert result.reason == "bad_checksum"
    assert result.normalized == "061211600013"
    assert result.fixes == ("apostrophe", "leading_zero")
    assert result.was_normalized


@pytest.mark.parametrize(
    "first11",
    [
        "79132830272",  # month 13
        "06023060001",  # 30 February 2006
        "00022930001",  # 29 February 1900: not a leap year
        "79003130272",  # month 00
        "79100030272",  # day 00
        "79043130272",  # 31 April
    ],
)
def test_impossible_birth_date_is_bad_date(first11: str):
    number = with_check_digit(first11)
    result = iin.check(number)
    assert result.reason == "bad_date"
    assert not result.valid
    assert result.kind is IINKind.PERSON
    assert result.birth_date is None
    assert result.gender is None
    assert "impossible birth date" in result.message
    assert not iin.is_valid(number)
    assert iin.birth_date(number) is None


@pytest.mark.parametrize(
    ("first11", "born"),
    [
        ("00022950001", date(2000, 2, 29)),
        ("04022960001", date(2004, 2, 29)),
        ("96022940001", date(1996, 2, 29)),
        ("99123130001", date(1999, 12, 31)),
        ("50010110001", date(1850, 1, 1)),
    ],
)
def test_edge_dates_that_exist_are_valid(first11: str, born: date):
    number = with_check_digit(first11)
    assert iin.check(number).birth_date == born
    assert iin.is_valid(number)


@pytest.mark.parametrize("century_digit", "0789")
def test_century_digit_outside_one_to_six_is_bad_century(century_digit: str):
    number = with_check_digit(f"791028{century_digit}0272")
    result = iin.check(number)
    assert result.reason == "bad_century"
    assert not result.valid
    assert result.kind is IINKind.PERSON
    assert result.gender is None
    assert not iin.is_valid(number)
    assert iin.gender(number) is None
    assert iin.birth_date(number) is None


def test_reason_precedence():
    # An impossible date with a wrong check digit reports the checksum.
    bad_date = with_check_digit("79132830272")
    wrong_digit = bad_date[:11] + str((int(bad_date[11]) + 1) % 10)
    assert iin.check(wrong_digit).reason == "bad_checksum"
    # A bad century digit and an impossible date report the century.
    assert iin.check(with_check_digit("79132870272")).reason == "bad_century"
    # Letters are a format problem even when 12 characters long.
    assert iin.check("06121160001O").reason == "invalid_format"


def test_checksum_valid_number_with_bin_marker_is_a_valid_bin():
    # 5th digit 4/5/6 means a legal entity: no date or century check applies.
    number = with_check_digit("99134099999")
    result = iin.check(number)
    assert result.valid
    assert result.kind is IINKind.BIN
    assert iin.is_valid(number)


# --- to_dict ---------------------------------------------------------------------------------


def test_to_dict_is_json_ready():
    data = iin.check(" 61211600012.0").to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data == {
        "input": " 61211600012.0",
        "normalized": "061211600012",
        "valid": True,
        "reason": "ok",
        "kind": "person",
        "birth_date": "2006-12-11",
        "gender": "F",
        "message": data["message"],
        "fixes": ["whitespace", "excel_float", "leading_zero"],
        "was_normalized": True,
    }
    assert data["message"].startswith("valid person IIN")


def test_to_dict_of_invalid_value():
    data = iin.check("abc").to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["valid"] is False
    assert data["reason"] == "invalid_format"
    assert data["normalized"] is None
    assert data["kind"] is None
    assert data["birth_date"] is None
    assert data["fixes"] == []


# --- helpers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["61211600012", " 061211600012", "'061211600012", "abc", ""])
def test_is_valid_is_only_a_fast_path_for_normalised_values(value: str):
    assert not iin.is_valid(value)


def test_is_valid_rejects_non_strings():
    assert not iin.is_valid(791028302728)  # type: ignore[arg-type]
    assert not iin.is_valid(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("value", ["", "79102830272", "7910283027280", "79102830272X"])
def test_kind_needs_twelve_digits(value: str):
    with pytest.raises(ValueError):
        iin.kind(value)
    assert iin.birth_date(value) is None
    assert iin.gender(value) is None


def test_make_iin_builds_the_known_numbers():
    assert iin.make_iin(date(1979, 10, 28), "M", 272) == "791028302728"
    assert iin.make_iin(date(2006, 12, 11), "F", 1) == "061211600012"
    assert iin.make_iin(date(1850, 1, 1), "F", 0) == with_check_digit("50010120000")


def test_make_iin_returns_none_when_no_check_digit_exists():
    assert iin.make_iin(date(2006, 12, 11), "F", 9819) is None


@pytest.mark.parametrize(
    ("born", "sex", "serial"),
    [
        (date(1799, 12, 31), "M", 1),
        (date(2100, 1, 1), "M", 1),
        (date(1990, 1, 1), "X", 1),
        (date(1990, 1, 1), "M", -1),
        (date(1990, 1, 1), "M", 10_000),
    ],
)
def test_make_iin_rejects_what_it_cannot_encode(born: date, sex: Any, serial: int):
    with pytest.raises(ValueError):
        iin.make_iin(born, sex, serial)


# --- properties ------------------------------------------------------------------------------

births = st.dates(min_value=date(1800, 1, 1), max_value=date(2099, 12, 31))
genders: st.SearchStrategy[Gender] = st.sampled_from(["M", "F"])
serials = st.integers(min_value=0, max_value=9999)


@st.composite
def valid_person_iins(draw: st.DrawFn) -> str:
    number = iin.make_iin(draw(births), draw(genders), draw(serials))
    assume(number is not None)
    assert number is not None
    return number


@st.composite
def twelve_digit_strings(draw: st.DrawFn) -> str:
    """12 digits, mostly with the right check digit so the date and BIN rules get exercised."""
    first11 = draw(st.text(alphabet="0123456789", min_size=11, max_size=11))
    expected = reference_check_digit(first11)
    if expected is not None and draw(st.booleans()):
        return first11 + str(expected)
    return first11 + draw(st.sampled_from("0123456789"))


@settings(deadline=None)
@given(births, genders, serials)
def test_make_iin_validates_and_round_trips(born: date, sex: Any, serial: int):
    number = iin.make_iin(born, sex, serial)
    first11 = f"{born:%y%m%d}"
    century_digit = 2 * (born.year // 100 - 18) + (1 if sex == "M" else 2)
    if number is None:
        assert reference_check_digit(f"{first11}{century_digit}{serial:04d}") is None
        return
    assert number[6] == str(century_digit)
    assert len(number) == 12
    assert number.startswith(first11)
    assert number[7:11] == f"{serial:04d}"
    assert iin.is_valid(number)
    assert reference_valid(number)
    result = iin.check(number)
    assert result.valid
    assert result.kind is IINKind.PERSON
    assert result.birth_date == born
    assert result.gender == sex
    assert iin.birth_date(number) == born
    assert iin.gender(number) == sex


@settings(deadline=None)
@given(twelve_digit_strings())
def test_fast_path_agrees_with_reference_and_check(number: str):
    expected = reference_valid(number)
    assert iin.is_valid(number) == expected
    assert iin.check(number).valid == expected
    assert (iin.check_digit(number[:11])) == reference_check_digit(number[:11])


@settings(deadline=None)
@given(valid_person_iins(), st.integers(min_value=0, max_value=11), st.integers(1, 9))
def test_single_digit_change(number: str, position: int, step: int):
    """What a one-digit typo does, for the weights as specified.

    Weight 11 is ≡ 0 mod 11, so when the first pass decides the check digit (about 10 numbers in
    11), a change to the 11th digit goes unnoticed. Any other change alters the first-pass sum, so
    it is caught unless the second pass decides the check digit before or after the change.
    """
    changed_digit = (int(number[position]) + step) % 10
    mutant = number[:position] + str(changed_digit) + number[position + 1 :]
    assert mutant != number
    mutant_checksum_ok = iin.check_digit(mutant[:11]) == int(mutant[11])
    if position == 11:
        assert not mutant_checksum_ok
    elif position == 10:
        # The 11th digit is the last serial digit: neither date nor kind change with it.
        assert first_pass(mutant) == first_pass(number)
        if first_pass(number) != 10:
            assert mutant_checksum_ok
            assert iin.is_valid(mutant)
    else:
        assert first_pass(mutant) != first_pass(number)
        if mutant_checksum_ok:
            assert first_pass(number) == 10 or first_pass(mutant) == 10


def test_single_digit_changes_that_slip_through():
    # The 11th digit: 791028302728 → 791028302738, another valid IIN.
    assert iin.is_valid("791028302738")
    # Through the second pass: 061211600012 (second pass) → 361211600012 (first pass gives 2).
    assert iin.is_valid("361211600012")
    # ...and into a BIN: changing the 5th digit of 061211600012 to 6.
    assert iin.check("061261600012").kind is IINKind.BIN


anything = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789 .,-'eE+\u00a0", max_size=20),
    st.integers(),
    st.floats(),
    st.decimals(),
    twelve_digit_strings(),
    valid_person_iins().map(lambda number: f" '{number[:6]} {number[6:]}"),
    valid_person_iins().map(int),
    valid_person_iins().map(float),
)


@settings(deadline=None)
@given(anything)
def test_normalize_is_idempotent(value: object):
    normalized, fixes = iin.normalize(value)
    if normalized is None:
        assert fixes == ()
        return
    assert len(normalized) == 12
    assert normalized.isascii()
    assert normalized.isdigit()
    assert iin.normalize(normalized) == (normalized, ())


@settings(deadline=None)
@given(anything)
def test_check_never_raises_and_is_consistent(value: object):
    result = iin.check(value)
    assert isinstance(result, IINCheck)
    assert result.reason in REASONS
    assert result.valid == (result.reason == "ok")
    assert (result.normalized is None) == (result.reason in {"empty", "invalid_format"})
    assert result.was_normalized == (result.normalized is not None and bool(result.fixes))
    if result.normalized is not None:
        assert iin.is_valid(result.normalized) == result.valid
    person = result.valid and result.kind is IINKind.PERSON
    assert (result.birth_date is not None) == person
    assert (result.gender is not None) == person
    assert result.message
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data


@settings(deadline=None)
@given(valid_person_iins())
def test_excel_damage_to_a_valid_iin_is_undone(number: str):
    damaged_forms = [f"'{number}", f"  {number}\u00a0", f"{number[:4]}-{number[4:8]}-{number[8:]}"]
    damaged_forms += [f"{int(number)}.0", f"{int(number)},0", f"{int(number):.11E}"]
    for damaged in damaged_forms:
        result = iin.check(damaged)
        assert result.valid, damaged
        assert result.normalized == number


@settings(deadline=None)
@given(valid_person_iins())
def test_an_iin_written_as_an_excel_number_keeps_every_zero(number: str):
    # Born 1900-1909 or 2000-2009, an IIN starts with "00": as a number it keeps 9 to 10 digits
    # (000421500150 is 421500150), and zero-padding is its only reading.
    for written in (int(number), float(int(number)), str(int(number))):
        result = iin.check(written)
        assert result.valid, written
        assert result.normalized == number
        lost = len(number) - len(str(int(number)))
        expected = {0: (), 1: ("leading_zero",)}.get(lost, ("leading_zeros",))
        assert tuple(f for f in result.fixes if f != "excel_float") == expected
        assert result.was_normalized == (lost > 0 or isinstance(written, float))


@settings(deadline=None)
@given(st.integers(min_value=10**7, max_value=10**10 - 1))
def test_a_short_number_is_padded_only_into_a_persons_iin(number: int):
    result = iin.check(number)
    padded = f"{number:012d}"
    if result.valid:
        assert result.normalized == padded
        assert iin.kind(padded) is iin.IINKind.PERSON and iin.birth_date(padded) is not None
    else:
        assert result.detail_code == "iin.reason.digits"
        assert not (iin.is_valid(padded) and iin.kind(padded) is iin.IINKind.PERSON)


def test_an_invalid_value_has_a_reason_code_and_its_params() -> None:
    impossible_century = "900101" + "7" + "0001" + "0"
    result = iin.check(impossible_century)
    if result.reason == "bad_checksum":  # find the check digit that lets the century fail
        digits = next(
            candidate
            for candidate in (impossible_century[:11] + str(d) for d in range(10))
            if iin.check(candidate).reason == "bad_century"
        )
        result = iin.check(digits)
    assert (result.reason_code, result.params) == ("iin.reason.bad_century", {"digit": "7"})
    assert iin.check("").reason_code == "iin.reason.empty"
    valid = iin.make_iin(date(1990, 1, 1), "M", 1)
    assert valid is not None and iin.check(valid).reason_code is None


@pytest.mark.parametrize(
    ("value", "code", "params"),
    [
        ("1234567890123", "iin.reason.digits", {"n": 13}),
        ("12-34-56", "iin.reason.separated_digits", {"n": 6}),
        ("12AB", "iin.reason.not_digits", {}),
        ("ИИН", "iin.reason.not_digits", {}),
        ("123.5", "iin.reason.fraction", {}),
        (12.5, "iin.reason.fraction", {}),
        (-5, "iin.reason.negative", {}),
        (float("inf"), "iin.reason.not_finite", {}),
        (10**13, "iin.reason.too_long", {}),
        (True, "iin.reason.yes_no", {}),
        ("6.12E+11", "iin.reason.rounded", {"n": 3}),
    ],
)
def test_an_invalid_format_says_exactly_what_is_wrong(
    value: object, code: str, params: dict[str, object]
) -> None:
    result = iin.check(value)
    assert result.reason == "invalid_format"
    assert (result.reason_code, result.params) == (code, params)


def test_a_wrong_check_digit_names_the_expected_one() -> None:
    valid = iin.make_iin(date(1990, 1, 1), "M", 1)
    assert valid is not None
    wrong = valid[:11] + str((int(valid[11]) + 1) % 10)
    result = iin.check(wrong)
    assert result.reason == "bad_checksum"
    assert result.reason_code == "iin.reason.check_digit"
    assert result.params == {"actual": wrong[11], "expected": int(valid[11])}
