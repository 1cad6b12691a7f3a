"""Kazakhstan IIN (ИИН) and BIN: normalise, validate, and read birth date and gender.

An IIN is 12 digits: YYMMDD, a century/gender digit (1–6: odd male, even female; 1–2 → 1800s,
3–4 → 1900s, 5–6 → 2000s), a 4-digit serial and a check digit. A BIN (legal entity) has 4, 5 or 6
as its 5th digit and shares the check-digit rule.

The check digit is the sum of digits 1–11 weighted 1..11, mod 11; if that is 10 the sum is redone
with weights 3..11, 1, 2; if it is 10 again no check digit exists and the number is invalid.

Since 2013 an IIN need not match its holder's birth date, so the birth date and gender read here
are fallbacks for when the feature store has none.

Pure: stdlib only, no I/O.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Literal

__all__ = [
    "Gender",
    "IINCheck",
    "IINKind",
    "birth_date",
    "check",
    "check_digit",
    "gender",
    "is_valid",
    "kind",
    "make_iin",
    "normalize",
]

Gender = Literal["M", "F"]

IIN_LENGTH = 12

_WEIGHTS_FIRST = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)

_BIN_MARKERS = frozenset("456")
# Century/gender digit → (century start, gender).
_CENTURY: dict[str, tuple[int, Gender]] = {
    "1": (1800, "M"),
    "2": (1800, "F"),
    "3": (1900, "M"),
    "4": (1900, "F"),
    "5": (2000, "M"),
    "6": (2000, "F"),
}
_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)

# Text that spreadsheets and data frames write for a missing cell.
_MISSING_MARKERS = frozenset({"nan", "none", "null", "<na>", "nat"})
# Excel shows a text cell as '0612…; some tools turn the apostrophe typographic.
_APOSTROPHES = frozenset("'‘’`")
# Invisible characters that str.split() does not treat as whitespace.
_INVISIBLE = str.maketrans(dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff"))

_DECIMAL = re.compile(r"([0-9]+)[.,]([0-9]*)")
_SCIENTIFIC = re.compile(r"([0-9]+)(?:[.,]([0-9]*))?[eE]([-+]?[0-9]{1,3})")
_SEPARATED = re.compile(r"[0-9]+(?:[-.][0-9]+)+")
_NEGATIVE = re.compile(r"-[0-9]+(?:[.,][0-9]*)?(?:[eE][-+]?[0-9]+)?")

# The shortest number an IIN becomes in Excel: born 2000-2009 in January-September, "0001..."
# keeps 9 digits (the month's own zero is the third lost; a month is never 00).
MIN_LOST_ZEROS_LENGTH = 9

# Scientific notation that leaves more than this many trailing digits unwritten was rounded for
# display (Excel shows 61211600012 as 6.12116E+10): the lost digits cannot be recovered.
_MAX_IMPLIED_ZEROS = 3

_FIX_DESCRIPTIONS = {
    "whitespace": "removed spaces",
    "apostrophe": "removed the leading apostrophe",
    "excel_float": "dropped a zero decimal part",
    "scientific_notation": "expanded scientific notation",
    "leading_zero": "restored the leading zero lost by Excel",
    "leading_zeros": "restored the leading zeros lost by Excel",
    "separators": "removed separators",
}


# The code people see for each fix `normalize` made (upload reports name them). A code table.
FIX_CODES: dict[str, str] = {
    "whitespace": "iin.fix.whitespace",
    "apostrophe": "iin.fix.apostrophe",
    "excel_float": "iin.fix.excel_float",
    "scientific_notation": "iin.fix.scientific_notation",
    "leading_zero": "iin.fix.leading_zero",
    "leading_zeros": "iin.fix.leading_zeros",
    "separators": "iin.fix.separators",
}

# The code people see for each `check` reason (web/src/i18n/codes/iin.ts), and for a BIN where a
# person's IIN is wanted. A code table: scripts/server_codes.py collects its values.
REASON_CODES: dict[str, str] = {
    "empty": "iin.reason.empty",
    "invalid_format": "iin.reason.invalid_format",
    "bad_checksum": "iin.reason.bad_checksum",
    "bad_century": "iin.reason.bad_century",
    "bad_date": "iin.reason.bad_date",
    "bin": "iin.reason.bin",
}


class IINKind(StrEnum):
    PERSON = "person"
    BIN = "bin"


@dataclass(frozen=True)
class IINCheck:
    """The outcome of `check`: what was given, what it became, and whether it is valid."""

    input: str
    normalized: str | None
    valid: bool
    reason: str
    message: str
    was_normalized: bool
    fixes: tuple[str, ...]
    kind: IINKind | None
    birth_date: date | None
    gender: Gender | None
    # What the reason's text for people needs (bad_century: digit; bad_date: year, month, day).
    params: dict[str, str | int] = field(default_factory=dict)
    # What exactly is wrong when the reason has several kinds (invalid_format: `iin.reason.digits`).
    detail_code: str | None = None

    @property
    def reason_code(self) -> str | None:
        """The code people read for an invalid value (the detail when known, else
        `iin.reason.<reason>`), None for a valid one."""
        if self.valid:
            return None
        return self.detail_code or REASON_CODES[self.reason]

    def to_dict(self) -> dict[str, Any]:
        return {
            "input": self.input,
            "normalized": self.normalized,
            "valid": self.valid,
            "reason": self.reason,
            "kind": None if self.kind is None else self.kind.value,
            "birth_date": None if self.birth_date is None else self.birth_date.isoformat(),
            "gender": self.gender,
            "message": self.message,
            "fixes": list(self.fixes),
            "was_normalized": self.was_normalized,
        }


@dataclass(frozen=True)
class _Normalized:
    digits: str | None
    fixes: tuple[str, ...]
    reason: str  # "ok" when digits is set
    message: str
    code: str | None = None  # what exactly is wrong, for people (`iin.reason.digits`)
    params: dict[str, str | int] = field(default_factory=dict)


def _is_twelve_digits(value: str) -> bool:
    return len(value) == IIN_LENGTH and value.isascii() and value.isdigit()


# --- check digit -----------------------------------------------------------------------------


def check_digit(first11: str) -> int | None:
    """The check digit for the first 11 digits, or None when both passes give 10.

    Raises ValueError unless `first11` is 11 ASCII digits.
    """
    if len(first11) != IIN_LENGTH - 1 or not (first11.isascii() and first11.isdigit()):
        raise ValueError(f"expected 11 digits, got {first11!r}")
    digits = [ord(char) - 48 for char in first11]
    total = sum(d * w for d, w in zip(digits, _WEIGHTS_FIRST, strict=True)) % 11
    if total != 10:
        return total
    total = sum(d * w for d, w in zip(digits, _WEIGHTS_SECOND, strict=True)) % 11
    return None if total == 10 else total


def _checksum_ok(iin: str) -> bool:
    """Check digit test for 12 ASCII digits, unrolled: this is the hot path of `is_valid`."""
    d0, d1, d2, d3, d4, d5, d6, d7, d8, d9, d10, d11 = iin.encode("ascii")
    # The bytes are digits + 48. Weight 11 is ≡ 0 mod 11, so d10 drops out of the first pass;
    # the weights left (1..10) sum to 55 and the second ones to 66, both ≡ 0 mod 11, so the
    # "+ 48" of every byte adds nothing to either remainder and need not be subtracted.
    total = (
        d0 + 2 * d1 + 3 * d2 + 4 * d3 + 5 * d4 + 6 * d5 + 7 * d6 + 8 * d7 + 9 * d8 + 10 * d9
    ) % 11
    if total == 10:
        total = (
            3 * d0
            + 4 * d1
            + 5 * d2
            + 6 * d3
            + 7 * d4
            + 8 * d5
            + 9 * d6
            + 10 * d7
            + 11 * d8
            + d9
            + 2 * d10
        ) % 11
        if total == 10:
            return False
    return total == d11 - 48


# --- person fields ---------------------------------------------------------------------------


def _person_ymd(iin: str) -> tuple[int, int, int] | None:
    """(year, month, day) of a 12-digit person IIN, or None when the century digit or the date is
    impossible. Byte arithmetic instead of int() on slices: this runs inside `is_valid`."""
    y1, y2, m1, m2, d1, d2, century = iin.encode("ascii")[:7]
    century -= 48
    if not 1 <= century <= 6:
        return None
    # 10 * 48 + 48 == 528: removes the ASCII offset of a two-digit number.
    year = 1700 + 100 * ((century + 1) // 2) + 10 * y1 + y2 - 528
    month = 10 * m1 + m2 - 528
    day = 10 * d1 + d2 - 528
    if not 1 <= month <= 12 or day < 1:
        return None
    if day > _DAYS_IN_MONTH[month] and not (
        month == 2 and day == 29 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    ):
        return None
    return year, month, day


def _person_date(iin: str) -> date | None:
    """Birth date of a 12-digit person IIN, or None when the century digit or date is impossible."""
    ymd = _person_ymd(iin)
    return None if ymd is None else date(*ymd)


def kind(iin: str) -> IINKind:
    """BIN when the 5th digit is 4, 5 or 6, else person. Raises ValueError unless 12 digits."""
    if not _is_twelve_digits(iin):
        raise ValueError(f"expected 12 digits, got {iin!r}")
    return IINKind.BIN if iin[4] in _BIN_MARKERS else IINKind.PERSON


def birth_date(iin: str) -> date | None:
    """Birth date encoded in a person IIN; None for BINs, malformed input or impossible dates.

    Does not verify the check digit (use `check` or `is_valid`). A fallback only: since 2013 the
    number need not match the real birth date.
    """
    if not _is_twelve_digits(iin) or iin[4] in _BIN_MARKERS:
        return None
    return _person_date(iin)


def gender(iin: str) -> Gender | None:
    """Gender encoded in a person IIN's 7th digit; None for BINs, malformed input or digits 0, 7–9.

    Does not verify the check digit. A fallback only, like `birth_date`.
    """
    if not _is_twelve_digits(iin) or iin[4] in _BIN_MARKERS:
        return None
    century = _CENTURY.get(iin[6])
    return None if century is None else century[1]


# --- validation ------------------------------------------------------------------------------


def is_valid(value: str) -> bool:
    """Fast path for values already normalised: 12 ASCII digits, a correct check digit and, for a
    person, a century digit of 1–6 and a real birth date. BINs are valid."""
    if not isinstance(value, str) or not _is_twelve_digits(value) or not _checksum_ok(value):
        return False
    return value[4] in _BIN_MARKERS or _person_ymd(value) is not None


def make_iin(birth: date, gender: Gender, serial: int) -> str | None:
    """A valid person IIN for this birth date, gender and 4-digit serial (0–9999).

    Returns None when these 11 digits have no check digit (both passes give 10): try another
    serial. Raises ValueError for a year outside 1800–2099, an unknown gender or serial.
    """
    if not 1800 <= birth.year <= 2099:
        raise ValueError(f"birth year {birth.year} is outside 1800–2099")
    if gender not in ("M", "F"):
        raise ValueError(f"gender must be 'M' or 'F', got {gender!r}")
    if not 0 <= serial <= 9999:
        raise ValueError(f"serial must be 0–9999, got {serial}")
    century_digit = 2 * (birth.year // 100 - 18) + (1 if gender == "M" else 2)
    first11 = f"{birth:%y%m%d}{century_digit}{serial:04d}"
    digit = check_digit(first11)
    return None if digit is None else f"{first11}{digit}"


# --- normalisation ---------------------------------------------------------------------------


def _fail(reason: str, message: str, code: str | None = None, **params: str | int) -> _Normalized:
    return _Normalized(None, (), reason, message, code, params)


def _finish(number: str, fixes: list[str]) -> _Normalized:
    """Length rules shared by every path: 12 digits; 11 that lost their leading zero; 9 or 10
    that lost two or three (born 2000-2009: `000421500150` is the number 421500150), accepted
    only when the zero-padded value is a person's IIN (check digit and birth date), since
    zero-padding is the one reading of such a number."""
    if len(number) == IIN_LENGTH:
        return _Normalized(number, tuple(fixes), "ok", "")
    if len(number) == IIN_LENGTH - 1:
        fixes.append("leading_zero")
        return _Normalized("0" + number, tuple(fixes), "ok", "")
    if MIN_LOST_ZEROS_LENGTH <= len(number) < IIN_LENGTH - 1:
        padded = number.zfill(IIN_LENGTH)
        if _checksum_ok(padded) and _person_ymd(padded) is not None:
            fixes.append("leading_zeros")
            return _Normalized(padded, tuple(fixes), "ok", "")
    return _fail(
        "invalid_format",
        f"has {len(number)} digits; an IIN has 12 (fewer when Excel dropped its leading zeros)",
        code="iin.reason.digits",
        n=len(number),
    )


def _expand_scientific(mantissa_int: str, mantissa_frac: str, exponent: int) -> _Normalized | str:
    """The integer written in scientific notation, or a failure when it is not a whole number
    or was rounded for display."""
    mantissa = mantissa_int + mantissa_frac
    shift = exponent - len(mantissa_frac)
    if shift >= 0:
        number = mantissa + "0" * shift
    elif mantissa[shift:].strip("0"):
        return _fail("invalid_format", "is not a whole number", code="iin.reason.not_whole")
    else:
        number = mantissa[:shift]
    number = number.lstrip("0") or "0"
    shown = len(mantissa.lstrip("0"))
    if len(number) - shown > _MAX_IMPLIED_ZEROS:
        return _fail(
            "invalid_format",
            f"scientific notation shows only {shown} digits: the number was rounded for display "
            "and its last digits are lost; export the column as text",
            code="iin.reason.rounded",
            n=shown,
        )
    return number


def _normalize_text(text: str) -> _Normalized:
    fixes: list[str] = []
    cleaned = "".join(text.split()).translate(_INVISIBLE)
    if cleaned != text:
        fixes.append("whitespace")
    if cleaned[:1] in _APOSTROPHES:
        cleaned = cleaned[1:]
        fixes.append("apostrophe")
    if not cleaned or cleaned.lower() in _MISSING_MARKERS:
        return _fail("empty", "empty value")
    if not cleaned.isascii():
        return _fail(
            "invalid_format", "contains characters other than digits", code="iin.reason.not_digits"
        )
    if cleaned.isdigit():
        return _finish(cleaned, fixes)

    if match := _DECIMAL.fullmatch(cleaned):
        whole, fraction = match.groups()
        if fraction.strip("0"):
            return _fail(
                "invalid_format", "is a number with a fractional part", code="iin.reason.fraction"
            )
        fixes.append("excel_float")
        return _finish(whole, fixes)

    if match := _SCIENTIFIC.fullmatch(cleaned):
        whole, fraction, exponent = match.groups()
        expanded = _expand_scientific(whole, fraction or "", int(exponent))
        if isinstance(expanded, _Normalized):
            return expanded
        fixes.append("scientific_notation")
        mantissa = whole + (fraction or "")
        if _lost_zero_in_mantissa(expanded, mantissa):
            # "6.1211600012E+11": the 11 significant digits are an IIN that lost its leading
            # zero, written with the wrong exponent; the expansion itself fails the checksum.
            return _finish(mantissa, fixes)
        return _finish(expanded, fixes)

    if _SEPARATED.fullmatch(cleaned):
        joined = cleaned.replace("-", "").replace(".", "")
        if len(joined) != IIN_LENGTH:
            return _fail(
                "invalid_format",
                f"has {len(joined)} digits between separators; an IIN has 12",
                code="iin.reason.separated_digits",
                n=len(joined),
            )
        fixes.append("separators")
        return _Normalized(joined, tuple(fixes), "ok", "")

    if _NEGATIVE.fullmatch(cleaned):
        return _fail("invalid_format", "is a negative number", code="iin.reason.negative")
    return _fail(
        "invalid_format", "contains characters other than digits", code="iin.reason.not_digits"
    )


def _lost_zero_in_mantissa(expanded: str, mantissa: str) -> bool:
    if len(expanded) != IIN_LENGTH or len(mantissa) != IIN_LENGTH - 1 or not mantissa.isdigit():
        return False
    return not _checksum_ok(expanded) and _checksum_ok("0" + mantissa)


def _normalize_float(value: float) -> _Normalized:
    if math.isnan(value):
        return _fail("empty", "empty value")
    if math.isinf(value):
        return _fail("invalid_format", "is not a finite number", code="iin.reason.not_finite")
    if value < 0:
        return _fail("invalid_format", "is a negative number", code="iin.reason.negative")
    if not value.is_integer():
        return _fail(
            "invalid_format", "is a number with a fractional part", code="iin.reason.fraction"
        )
    if value >= 1e12:
        return _fail(
            "invalid_format", "is a number with more than 12 digits", code="iin.reason.too_long"
        )
    return _finish(str(int(value)), ["excel_float"])


def _normalize(value: object) -> _Normalized:
    if value is None:
        return _fail("empty", "empty value")
    if isinstance(value, str):
        if _is_twelve_digits(value):
            return _Normalized(value, (), "ok", "")
        return _normalize_text(value)
    if isinstance(value, bool):
        return _fail("invalid_format", "is a yes/no value, not a number", code="iin.reason.yes_no")
    if isinstance(value, int):
        if value < 0:
            return _fail("invalid_format", "is a negative number", code="iin.reason.negative")
        if value >= 10**IIN_LENGTH:
            return _fail(
                "invalid_format",
                "is a number with more than 12 digits",
                code="iin.reason.too_long",
            )
        return _finish(str(value), [])
    if isinstance(value, float):
        return _normalize_float(value)
    # Decimal, numpy scalars and the like: read what they print as.
    try:
        text = str(value)
    except Exception:  # an object whose __str__ fails is not an IIN; check() must not raise
        return _fail("invalid_format", "cannot be read as text", code="iin.reason.not_digits")
    return _normalize_text(text)


def normalize(value: object) -> tuple[str | None, tuple[str, ...]]:
    """The 12-digit string `value` stands for, and what had to be fixed to get it.

    Returns (None, ()) when no 12-digit IIN can be made without guessing.
    """
    result = _normalize(value)
    return result.digits, result.fixes


def _describe_fixes(fixes: tuple[str, ...]) -> str:
    if not fixes:
        return ""
    return "; normalised: " + ", ".join(_FIX_DESCRIPTIONS[fix] for fix in fixes)


def _safe_str(value: object) -> str:
    if isinstance(value, str):
        return value
    try:
        return str(value)
    except Exception:  # e.g. a huge int (sys.int_max_str_digits); check() must not raise
        return f"<unprintable {type(value).__name__}>"


def check(value: object) -> IINCheck:
    """Normalise and validate one value; never raises.

    `reason` is the first problem found, in this order: "empty", "invalid_format",
    "bad_checksum", then for persons "bad_century" and "bad_date"; "ok" when valid.
    """
    raw = _safe_str(value)
    result = _normalize(value)
    digits = result.digits
    if digits is None:
        return IINCheck(
            input=raw,
            normalized=None,
            valid=False,
            reason=result.reason,
            message=result.message,
            was_normalized=False,
            fixes=(),
            kind=None,
            birth_date=None,
            gender=None,
            params=result.params,
            detail_code=result.code,
        )

    fixes = result.fixes
    note = _describe_fixes(fixes)

    def failed(
        reason: str,
        message: str,
        number_kind: IINKind | None,
        params: dict[str, str | int] | None = None,
        code: str | None = None,
    ) -> IINCheck:
        return IINCheck(
            input=raw,
            normalized=digits,
            valid=False,
            reason=reason,
            message=message + note,
            was_normalized=digits != raw,
            fixes=fixes,
            kind=number_kind,
            birth_date=None,
            gender=None,
            params=params or {},
            detail_code=code,
        )

    if not _checksum_ok(digits):
        expected = check_digit(digits[:11])
        if expected is None:
            return failed(
                "bad_checksum",
                "no check digit is possible for the first 11 digits",
                None,
                code="iin.reason.no_check_digit",
            )
        return failed(
            "bad_checksum",
            f"check digit is {digits[11]} but should be {expected}",
            None,
            {"actual": digits[11], "expected": expected},
            code="iin.reason.check_digit",
        )

    if digits[4] in _BIN_MARKERS:
        return IINCheck(
            input=raw,
            normalized=digits,
            valid=True,
            reason="ok",
            message="valid BIN (legal entity)" + note,
            was_normalized=digits != raw,
            fixes=fixes,
            kind=IINKind.BIN,
            birth_date=None,
            gender=None,
        )

    century = _CENTURY.get(digits[6])
    if century is None:
        return failed(
            "bad_century",
            f"7th digit (century and gender) is {digits[6]}; it must be 1–6",
            IINKind.PERSON,
            {"digit": digits[6]},
        )
    born = _person_date(digits)
    if born is None:
        return failed(
            "bad_date",
            f"impossible birth date: year {century[0] + int(digits[0:2])}, "
            f"month {digits[2:4]}, day {digits[4:6]}",
            IINKind.PERSON,
            {"year": str(century[0] + int(digits[0:2])), "month": digits[2:4], "day": digits[4:6]},
        )
    return IINCheck(
        input=raw,
        normalized=digits,
        valid=True,
        reason="ok",
        message="valid person IIN" + note,
        was_normalized=digits != raw,
        fixes=fixes,
        kind=IINKind.PERSON,
        birth_date=born,
        gender=century[1],
    )
