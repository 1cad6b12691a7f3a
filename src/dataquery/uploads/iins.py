"""The rules of `dataquery.iin.check`, applied to a whole column at once.

A file of two million IINs cannot go through `check` one value at a time within the time an
analyst waits, so the common shapes are classified with numpy on fixed-width bytes:

* 12 ASCII digits, 11 that lost their leading zero in Excel, and 9 or 10 that lost two or three
  (born 2000-2009), accepted only when the zero-padded value is a person's IIN;
* the same written as a float (`61211600012.0`, `612116000120,00`).

For those, the check digit, the BIN marker, the century digit and the birth date are computed
vectorised. Every other value (scientific notation, spaces, apostrophes, separators, text, …) is
rare: each distinct one goes through `iin.check` itself. A test compares the two on thousands of
generated values, so the fast path cannot drift from the module's rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataquery import iin

IIN_LENGTH = 12

_WEIGHTS_FIRST = np.arange(1, 12, dtype=np.int16)
_WEIGHTS_SECOND = np.array([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2], dtype=np.int16)
# Index 13 stands for every impossible month.
_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 0], dtype=np.int16)
_ZERO = ord("0")
# The widths of digit strings classified here: 12, and the shorter ones of lost leading zeros.
_WIDTHS = tuple(range(IIN_LENGTH, iin.MIN_LOST_ZEROS_LENGTH - 1, -1))
# A float written by Excel or pandas: 9 to 12 digits, then a zero decimal part.
_FLOAT_FORM = rf"^[0-9]{{{iin.MIN_LOST_ZEROS_LENGTH},{IIN_LENGTH}}}[.,]0*$"
_FLOAT_SUFFIX = r"[.,]0*$"
# Sorting (IIN << 24 | row) finds first occurrences in one pass; IINs fit in 40 bits.
_ROW_BITS = 24


class Category(IntEnum):
    """Each row counts in exactly one of these."""

    VALID = 0
    BIN = 1
    INVALID_FORMAT = 2
    BAD_CHECKSUM = 3
    EMPTY = 4


@dataclass
class Classified:
    values: pa.StringArray  # what was classified
    category: np.ndarray  # uint8 Category per row
    fixed: np.ndarray  # bool: the value had to be normalised to give its 12 digits
    keys: np.ndarray  # int64: the normalised IIN as a number (leading zeros implied); 0 if none

    def normalized(self, keep: np.ndarray) -> pa.Array:
        """The normalised IINs of the rows in `keep` (valid ones) as 12-character strings.

        A valid value that needed no fixing is its own normalised form; only the fixed ones
        are written out from their numbers.
        """
        kept = self.values.filter(pa.array(keep))
        fixed = self.fixed[keep]
        if fixed.any():
            rows = np.flatnonzero(keep)[fixed]
            kept = pc.replace_with_mask(kept, pa.array(fixed), digit_strings(self.keys[rows]))
        return kept


def digit_strings(keys: np.ndarray) -> pa.Array:
    """int64 IINs as 12-character strings with their leading zeros, without a Python loop."""
    block = np.empty((len(keys), IIN_LENGTH), dtype=np.uint8)
    for position in range(IIN_LENGTH):
        block[:, position] = (keys // 10 ** (IIN_LENGTH - 1 - position)) % 10 + _ZERO
    offsets = np.arange(0, IIN_LENGTH * (len(keys) + 1), IIN_LENGTH, dtype=np.int32)
    return pa.StringArray.from_buffers(
        len(keys), pa.py_buffer(offsets), pa.py_buffer(block.tobytes())
    )


def category_of(result: iin.IINCheck) -> Category:
    """The report's category for one `iin.check` result."""
    if result.valid:
        return Category.BIN if result.kind is iin.IINKind.BIN else Category.VALID
    if result.reason == "empty":
        return Category.EMPTY
    if result.reason == "bad_checksum":
        return Category.BAD_CHECKSUM
    return Category.INVALID_FORMAT  # invalid_format, bad_century, bad_date


def classify(
    values: pa.Array | pa.ChunkedArray, float_cells: np.ndarray | None = None
) -> Classified:
    """Classify every value of a text column like `iin.check` would.

    `float_cells` marks values that were numbers in a spreadsheet, written as text without a
    zero decimal part (`61211600012`): `check` of such a float counts as normalised.
    """
    strings = _string_array(values)
    n = len(strings)
    result = Classified(
        values=strings,
        category=np.full(n, Category.INVALID_FORMAT, dtype=np.uint8),
        fixed=np.zeros(n, dtype=bool),
        keys=np.zeros(n, dtype=np.int64),
    )
    if n == 0:
        return result

    lengths = np.diff(_offsets(strings))
    present = (
        np.ones(n, dtype=bool)
        if strings.null_count == 0
        else np.asarray(strings.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    )
    result.category[~present | (lengths == 0)] = Category.EMPTY
    done = ~present | (lengths == 0)

    for width in _WIDTHS:
        mask = present & (lengths == width)
        if mask.any():
            rows = np.flatnonzero(mask)
            digits = _digit_rows(_fixed_width(strings, mask, width), width)
            ok = _all_digits(digits)
            if not ok.all():
                rows, digits = rows[ok], np.stack([row[ok] for row in digits])
            _record(result, rows, digits, width=width)
            done[rows] = True

    if not done.all():
        rest = ~done
        _classify_rest(result, strings.filter(pa.array(rest)), np.flatnonzero(rest))
    if float_cells is not None:
        result.fixed |= float_cells & (result.category != Category.EMPTY)
    return result


def _string_array(values: pa.Array | pa.ChunkedArray) -> pa.StringArray:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks() if values.num_chunks else pa.array([], type=values.type)
    if not pa.types.is_string(values.type):
        values = pc.cast(values, pa.string())
    return values


def _offsets(strings: pa.StringArray) -> np.ndarray:
    return np.frombuffer(strings.buffers()[1], dtype=np.int32)[
        strings.offset : strings.offset + len(strings) + 1
    ]


def _fixed_width(strings: pa.StringArray, mask: np.ndarray, width: int) -> np.ndarray:
    """The bytes of the rows in `mask` (all of length `width`) as a (rows, width) array."""
    selected = strings if mask.all() else strings.filter(pa.array(mask))
    start = _offsets(selected)[0]
    data = np.frombuffer(selected.buffers()[2], dtype=np.uint8)
    return data[start : start + width * len(selected)].reshape(len(selected), width)


def _digit_rows(block: np.ndarray, width: int) -> np.ndarray:
    """(12, rows) digit values 0–9 (or garbage for non-digits): one contiguous row per
    position, so every later step is a fast pass over a row. Shorter ones get leading zeros."""
    digits = np.zeros((IIN_LENGTH, block.shape[0]), dtype=np.uint8)
    np.subtract(block.T, _ZERO, out=digits[IIN_LENGTH - width :], casting="unsafe")
    return digits


def _all_digits(digits: np.ndarray) -> np.ndarray:
    ok = digits[0] < 10  # the subtraction wrapped anything below "0" to a large value
    for row in digits[1:]:
        ok &= row < 10
    return ok


def _record(result: Classified, rows: np.ndarray, digits: np.ndarray, *, width: int) -> None:
    if not rows.size:
        return
    category, keys = _validate(digits)
    if width < IIN_LENGTH - 1:
        # Two or three lost zeros are restored only for a person's IIN (iin._finish).
        wrong = category != Category.VALID
        category[wrong] = Category.INVALID_FORMAT
        keys[wrong] = 0
    fixed = width != IIN_LENGTH
    result.category[rows] = category
    result.keys[rows] = keys
    if fixed:
        result.fixed[rows] = True


def _classify_rest(result: Classified, values: pa.StringArray, rows: np.ndarray) -> None:
    """Values that are not plain digits: floats vectorised, everything else by `iin.check`."""
    floats = np.asarray(
        pc.match_substring_regex(values, _FLOAT_FORM).to_numpy(zero_copy_only=False), dtype=bool
    )
    if floats.any():
        whole = pc.replace_substring_regex(values.filter(pa.array(floats)), _FLOAT_SUFFIX, "")
        float_rows = rows[floats]
        whole_lengths = np.diff(_offsets(whole))
        for width in _WIDTHS:
            mask = whole_lengths == width
            if mask.any():
                digits = _digit_rows(_fixed_width(whole, mask, width), width)
                _record(result, float_rows[mask], digits, width=width)
                result.fixed[float_rows[mask]] = True
        rows, values = rows[~floats], values.filter(pa.array(~floats))
    if not rows.size:
        return
    distinct = pc.unique(values)
    position = np.asarray(pc.index_in(values, value_set=distinct).to_numpy(zero_copy_only=False))
    categories = np.empty(len(distinct), dtype=np.uint8)
    fixes = np.zeros(len(distinct), dtype=bool)
    keys = np.zeros(len(distinct), dtype=np.int64)
    for index, value in enumerate(distinct.to_pylist()):
        checked = iin.check(value)
        categories[index] = category_of(checked)
        fixes[index] = checked.was_normalized
        if checked.normalized is not None:
            keys[index] = int(checked.normalized)
    result.category[rows] = categories[position]
    result.fixed[rows] = fixes[position]
    result.keys[rows] = keys[position]


def _validate(digits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Categories and numbers of (12, rows) digits: check digit, BIN marker, century digit and
    birth date, in the order `iin.check` tests them."""
    d = digits.astype(np.int16, order="C")
    first = d[0].copy()
    second = 3 * d[0]
    for position in range(1, 11):
        first += int(_WEIGHTS_FIRST[position]) * d[position]
        second += int(_WEIGHTS_SECOND[position]) * d[position]
    first %= 11
    second %= 11
    check_digit = d[11]
    checksum_ok = np.where(
        first == 10, (second != 10) & (second == check_digit), first == check_digit
    )

    is_bin = (d[4] >= 4) & (d[4] <= 6)
    century = d[6]
    month = 10 * d[2] + d[3]
    day = 10 * d[4] + d[5]
    days = _DAYS_IN_MONTH[np.clip(month, 0, 13)]
    person_ok = (century >= 1) & (century <= 6) & (day >= 1) & (day <= days)
    february_29 = np.flatnonzero((month == 2) & (day == 29) & (century >= 1) & (century <= 6))
    if february_29.size:  # only then does the year matter
        c = century[february_29].astype(np.int32)
        year = 1700 + 100 * ((c + 1) // 2) + 10 * d[0, february_29] + d[1, february_29]
        person_ok[february_29] = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))

    category = np.full(d.shape[1], Category.INVALID_FORMAT, dtype=np.uint8)
    category[checksum_ok & person_ok] = Category.VALID
    category[checksum_ok & is_bin] = Category.BIN
    category[~checksum_ok] = Category.BAD_CHECKSUM
    return category, _numbers(digits)


def _numbers(digits: np.ndarray) -> np.ndarray:
    """(12, rows) digits as int64 numbers, six digits at a time in int32."""
    high = np.zeros(digits.shape[1], dtype=np.int32)
    low = np.zeros(digits.shape[1], dtype=np.int32)
    for position in range(6):
        high *= 10
        high += digits[position]
        low *= 10
        low += digits[position + 6]
    return high.astype(np.int64) * 1_000_000 + low


def first_occurrences(keys: np.ndarray) -> np.ndarray:
    """True where a key appears for the first time (keys in row order)."""
    n = len(keys)
    first = np.zeros(n, dtype=bool)
    if n == 0:
        return first
    if n < 1 << _ROW_BITS:
        packed = (keys.astype(np.uint64) << np.uint64(_ROW_BITS)) | np.arange(n, dtype=np.uint64)
        packed.sort()  # a SIMD sort; ties cannot happen, so the row order inside a key is kept
        sorted_keys = packed >> np.uint64(_ROW_BITS)
        starts = np.empty(n, dtype=bool)
        starts[0] = True
        np.not_equal(sorted_keys[1:], sorted_keys[:-1], out=starts[1:])
        rows = (packed[starts] & np.uint64((1 << _ROW_BITS) - 1)).astype(np.int64)
    else:
        _, rows = np.unique(keys, return_index=True)
    first[rows] = True
    return first
