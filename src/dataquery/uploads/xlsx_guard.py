"""Measure an .xlsx before calamine opens it, so that no workbook under the upload limit can make
it allocate more than the limits allow.

calamine reads a sheet into one dense grid from its first to its last cell (32 bytes a cell, and
a failed allocation aborts the whole process): a sheet with cells A1 and XFD1048576 asks for
549 GB. It also copies a shared string into every cell that refers to it, so one long string
referred to a million times is a million copies. The sheet's declared `<dimension>` cannot be
trusted for either (a writer may leave it out, or lie), so this guard reads what calamine would
read, in a bounded stream:

* the zip directory: only stored or deflated members, their declared sizes within
  `max_unzipped_bytes` and `max_zip_ratio`, and then every member inflated here to check that
  it really is the size it declares (a member that inflates past its declared size is refused);
* the shared strings: how long each is, and all of them together;
* every worksheet: the rectangle calamine will allocate (from the `r` reference of every cell
  with a value) and how much text its cells will hold once shared strings are copied in.

The scan is vectorised with numpy (about a second for 300 MB of sheet XML); files written with
unusual markup (namespace prefixes, cells without a reference) take a slower exact tokenizer.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO
from xml.etree import ElementTree

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from dataquery.uploads.limits import UploadLimits, damaged

_READ_BLOCK = 1 << 20
_CHUNK = 16 << 20  # sheet XML scanned at a time
_RATIO_FROM = 1 << 20  # the compression ratio is checked for members larger than this
_SMALL_XML = 4 << 20  # workbook.xml and its relationships are parsed only when this small
_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_LOCAL_SIGNATURE = 0x04034B50

_LT, _GT, _SLASH, _QUOTE = 60, 62, 47, 34
# What may follow a tag's name: white space, `>` or `/`.
_ENDS_NAME = np.zeros(256, dtype=bool)
_ENDS_NAME[[32, 9, 10, 13, 62, 47]] = True
# The bytes of a cell's start tag looked at: `<c r="XFD1048576" s="65535" t="inlineStr">` fits.
_TAG_WINDOW = 64
_CELL_REF = np.frombuffer(b' r="', dtype=np.uint8)
_SHARED_TYPE = np.frombuffer(b' t="s"', dtype=np.uint8)
_VALUE_OPEN = np.frombuffer(b"<v>", dtype=np.uint8)
# Bytes of markup around a value that the text estimate does not count (`<v></v>`).
_VALUE_MARKUP = 7
_POWERS_OF_TEN = 10 ** np.arange(10, dtype=np.int64)


@dataclass
class SheetExtent:
    """What reading one worksheet costs: calamine's grid and the text of its cells."""

    member: str
    first_row: int = -1
    last_row: int = -1
    first_column: int = -1
    last_column: int = -1
    text_bytes: int = 0

    @property
    def rows(self) -> int:
        return 0 if self.last_row < 0 else self.last_row - self.first_row + 1

    @property
    def columns(self) -> int:
        return 0 if self.last_column < 0 else self.last_column - self.first_column + 1

    def add(self, rows: np.ndarray, columns: np.ndarray) -> None:
        if rows.size == 0:
            return
        low, high = int(rows.min()), int(rows.max())
        left, right = int(columns.min()), int(columns.max())
        self.first_row = low if self.first_row < 0 else min(self.first_row, low)
        self.last_row = max(self.last_row, high)
        self.first_column = left if self.first_column < 0 else min(self.first_column, left)
        self.last_column = max(self.last_column, right)


@dataclass
class WorkbookScan:
    shared_strings: int = 0
    shared_text_bytes: int = 0
    sheets: list[SheetExtent] = field(default_factory=list)


def check_xlsx(path: Path, limits: UploadLimits) -> WorkbookScan:
    """Refuse (413/422) an .xlsx that calamine could not read within the limits."""
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
    _check_directory(members, limits)
    names = _sheet_names(path, members)
    scan = WorkbookScan()
    shared = [m for m in members if m.filename.lower().endswith("sharedstrings.xml")]
    lengths = np.zeros(0, dtype=np.int64)
    with path.open("rb") as handle:
        for member in shared:
            found = _shared_string_lengths(_inflated(handle, member))
            lengths = _longest(lengths, found)
        scan.shared_strings = int(lengths.size)
        scan.shared_text_bytes = int(lengths.sum())
        limits.check_text(scan.shared_text_bytes)
        for member in members:
            if member in shared:
                continue
            extent = _sheet_extent(member, partial(_inflated, handle, member), lengths)
            if extent.rows == 0:
                continue
            scan.sheets.append(extent)
            sheet = names.get(member.filename, member.filename.rsplit("/", 1)[-1])
            limits.check_sheet(sheet, extent.rows, extent.columns)
            limits.check_text(extent.text_bytes)
    return scan


# --- the zip directory and the members' real sizes ---------------------------------------------


def _check_directory(members: list[zipfile.ZipInfo], limits: UploadLimits) -> None:
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise damaged("Excel workbook", f"{member.filename} is encrypted")
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise damaged("Excel workbook", f"{member.filename} uses an unknown compression")
        total += member.file_size
        limits.check_unzipped(total)
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_FROM:
            limits.check_zip_ratio(member.filename, ratio)


def _inflated(handle: BinaryIO, member: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's content in blocks, inflated from its own compressed bytes; refuses a member
    whose content is longer or shorter than its declared size (the size every check relies on)."""
    handle.seek(member.header_offset)
    header = handle.read(_LOCAL_HEADER.size)
    if len(header) < _LOCAL_HEADER.size or _LOCAL_HEADER.unpack(header)[0] != _LOCAL_SIGNATURE:
        raise damaged("Excel workbook", f"{member.filename} has no local header")
    name_length, extra_length = _LOCAL_HEADER.unpack(header)[9:11]
    handle.seek(member.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    left = member.compress_size
    inflater = zlib.decompressobj(-15) if member.compress_type == zipfile.ZIP_DEFLATED else None
    produced = 0
    while left > 0:
        block = handle.read(min(_READ_BLOCK, left))
        if not block:
            raise damaged("Excel workbook", f"{member.filename} is cut short")
        left -= len(block)
        while block:
            if inflater is None:
                out, block = block, b""
            else:
                # Never more than the declared size (+1 to notice a lie) from one block.
                out = inflater.decompress(block, member.file_size - produced + 1)
                block = inflater.unconsumed_tail
            produced += len(out)
            if produced > member.file_size:
                raise damaged("Excel workbook", f"{member.filename} is larger than it declares")
            if out:
                yield out
            if inflater is not None and inflater.eof:
                block = b""
    if produced != member.file_size or (inflater is not None and not inflater.eof):
        raise damaged("Excel workbook", f"{member.filename} is not the size it declares")


def _chunks(blocks: Iterator[bytes]) -> Iterator[bytes]:
    """The XML in chunks of about `_CHUNK` bytes, each cut before a `<`, so that no tag is split
    (an attribute value cannot hold a `<`)."""
    pending = bytearray()
    for block in blocks:
        pending += block
        if len(pending) >= _CHUNK:
            cut = pending.rfind(b"<")
            if cut > 0:
                yield bytes(pending[:cut])
                del pending[:cut]
    if pending:
        yield bytes(pending)


# --- shared strings ----------------------------------------------------------------------------

_SHARED_ITEM = re.compile(rb"<(?:[\w.-]+:)?si(?=[\s/>])[^>]*?(/?)>")


def _shared_string_lengths(blocks: Iterator[bytes]) -> np.ndarray:
    """How many bytes each shared string can hold: from its `<si>` to the next one, markup
    included (rich text counts its formatting too, which only errs on the safe side)."""
    starts: list[np.ndarray] = []
    empties: list[np.ndarray] = []
    base = 0
    for chunk in _chunks(blocks):
        found = [(m.start(), m.group(1) == b"/") for m in _SHARED_ITEM.finditer(chunk)]
        starts.append(np.array([base + s for s, _ in found], dtype=np.int64))
        empties.append(np.array([e for _, e in found], dtype=bool))
        base += len(chunk)
    if not starts:
        return np.zeros(0, dtype=np.int64)
    positions = np.concatenate(starts)
    lengths = np.diff(np.append(positions, base))
    lengths[np.concatenate(empties)] = 0  # <si/>
    return lengths


def _longest(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if a.size < b.size:
        a, b = b, a
    out = a.copy()
    out[: b.size] = np.maximum(out[: b.size], b)
    return out


# --- worksheets: fast scan ---------------------------------------------------------------------


class _Unusual(Exception):
    """Markup the vectorised scan does not read (prefixes, cells without a reference): the exact
    tokenizer reads it instead."""


def _sheet_extent(
    member: zipfile.ZipInfo, inflate: Callable[[], Iterator[bytes]], shared: np.ndarray
) -> SheetExtent:
    extent = SheetExtent(member.filename)
    try:
        for chunk in _chunks(inflate()):
            _scan_chunk(chunk, extent, shared)
    except _Unusual:
        extent = SheetExtent(member.filename)
        exact = _ExactScan(extent, shared)
        for chunk in _chunks(inflate()):  # from the start again
            exact.feed(chunk)
    return extent


def _scan_chunk(chunk: bytes, extent: SheetExtent, shared: np.ndarray) -> None:
    data = np.frombuffer(chunk, dtype=np.uint8)
    if data.size < 3:
        return
    padded = np.concatenate([data, np.zeros(_TAG_WINDOW + 16, dtype=np.uint8)])
    colons = np.flatnonzero(data == ord(":"))
    if (
        (padded[colons + 1] == ord("c")) & _ENDS_NAME[padded[colons + 2]]
    ).any():  # <x:c r="A1">: a namespace prefix
        raise _Unusual
    opening = np.flatnonzero(data == _LT)
    cells = opening[(padded[opening + 1] == ord("c")) & _ENDS_NAME[padded[opening + 2]]]
    if cells.size == 0:
        return
    # Each cell's tag, `<c r="XFD1048576" s="12" t="s">` or `.../>`, as one row of bytes.
    tags = sliding_window_view(padded, _TAG_WINDOW)[cells]
    if not (tags[:, 2:6] == _CELL_REF).all():
        raise _Unusual  # a cell without a reference first: calamine counts its position
    closes = tags == _GT
    if not closes.any(axis=1).all():
        raise _Unusual  # a tag longer than the window
    tag_length = closes.argmax(axis=1)  # the index of the tag's `>`
    ends = cells + tag_length
    filled = tags[np.arange(cells.size), tag_length - 1] != _SLASH  # <c r="B7"/> is skipped

    rows, columns = _references(tags[:, 6:18])
    extent.add(rows[filled], columns[filled])

    # Text: a cell's value runs from the end of its tag to the next cell (markup included).
    following = np.append(cells[1:], data.size)
    spans = np.maximum(following - ends - 1 - _VALUE_MARKUP, 0)
    shared_cells = np.zeros(cells.size, dtype=bool)
    if shared.size:
        window = tags[:, :-5]
        found = np.ones(window.shape, dtype=bool)
        for offset, byte in enumerate(_SHARED_TYPE):
            found &= tags[:, offset : offset + window.shape[1]] == byte
        found &= np.arange(window.shape[1]) < tag_length[:, None]
        shared_cells = found.any(axis=1) & filled
        indexes = _shared_indexes(padded, ends[shared_cells])
        known = indexes < shared.size
        extent.text_bytes += int(shared[indexes[known]].sum())
    extent.text_bytes += int(spans[filled & ~shared_cells].sum())


def _references(window: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row and column (0-based) of references like `XFD1048576"`, one a row of `window`."""
    letter = (window[:, :4] >= ord("A")) & (window[:, :4] <= ord("Z"))
    one = letter[:, 0]
    two = one & letter[:, 1]
    three = two & letter[:, 2]
    if not one.all() or (three & letter[:, 3]).any():
        raise _Unusual  # no letter, or more than three: past Excel's last column
    value = window[:, :3].astype(np.int64) - (ord("A") - 1)
    column = np.where(two, value[:, 0] * 26 + value[:, 1], value[:, 0])
    column = np.where(three, column * 26 + value[:, 2], column)
    # The digits after the letters, aligned to start at 0, and how many there are.
    digits = np.where(
        three[:, None], window[:, 3:12], np.where(two[:, None], window[:, 2:11], window[:, 1:10])
    )
    is_digit = np.logical_and.accumulate((digits >= ord("0")) & (digits <= ord("9")), axis=1)
    count = is_digit.sum(axis=1)
    after = digits[np.arange(digits.shape[0]), np.minimum(count, digits.shape[1] - 1)]
    if ((count == 0) | (count == digits.shape[1]) | (after != _QUOTE)).any():
        raise _Unusual  # not letters then one to eight digits then a quote
    power = _POWERS_OF_TEN[np.maximum(count[:, None] - 1 - np.arange(digits.shape[1]), 0)]
    row = ((digits.astype(np.int64) - ord("0")) * power * is_digit).sum(axis=1)
    return row - 1, column - 1


def _shared_indexes(padded: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The shared-string index in `<v>123</v>` right after each tag end."""
    if ends.size == 0:
        return np.zeros(0, dtype=np.int64)
    window = sliding_window_view(padded, 15)[ends + 1].astype(np.int64)
    if not (window[:, :3] == _VALUE_OPEN).all():
        raise _Unusual
    index = np.zeros(ends.size, dtype=np.int64)
    going = np.ones(ends.size, dtype=bool)
    count = np.zeros(ends.size, dtype=np.int64)
    closed = np.zeros(ends.size, dtype=bool)
    for k in range(3, 15):
        is_digit = (window[:, k] >= ord("0")) & (window[:, k] <= ord("9"))
        closed |= going & (window[:, k] == _LT) & (count > 0)
        going &= is_digit
        index = np.where(going, index * 10 + window[:, k] - ord("0"), index)
        count += going
    if not closed.all():
        raise _Unusual
    return index


# --- worksheets: exact tokenizer for unusual markup ---------------------------------------------

_TAG = re.compile(rb"<(/?)(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*)>")
_ATTRIBUTE = re.compile(rb"""(?:^|\s)(?:[\w.-]+:)?(r|t)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REFERENCE = re.compile(rb"([A-Za-z]*)([0-9]+)")
_SHARED_VALUE = re.compile(rb"\s*<(?:[\w.-]+:)?v>\s*([0-9]+)\s*<")


class _ExactScan:
    """calamine's own walk over a sheet: a row's `r`, or the row after the last; a cell's `r`, or
    the column after the last. Every cell that is not an empty element counts."""

    def __init__(self, extent: SheetExtent, shared: np.ndarray) -> None:
        self.extent = extent
        self.shared = shared
        self.row = 0
        self.column = 0
        self.rows: list[int] = []
        self.columns: list[int] = []

    def feed(self, chunk: bytes) -> None:
        tags = list(_TAG.finditer(chunk))
        # Where each cell's value ends, as the fast scan counts it: at the next cell's tag.
        starts = [t.start() for t in tags if t.group(2) == b"c" and not t.group(1)]
        following = dict(zip(starts, [*starts[1:], len(chunk)], strict=True))
        for tag in tags:
            closing, name, attributes = tag.group(1), tag.group(2), tag.group(3)
            empty = attributes.endswith(b"/")
            if name == b"row":
                if not closing:
                    reference = _attribute(attributes, b"r")
                    row_number = None if reference is None else _row_of(reference)
                    if row_number is not None:
                        self.row = row_number
                if closing or empty:
                    self.row += 1
                    self.column = 0
                continue
            if closing:
                continue
            reference = _attribute(attributes, b"r")
            cell = None if reference is None else _position_of(reference)
            if cell is not None:
                row, self.column = cell
            else:
                row = self.row
            column = self.column
            self.column += 1
            if empty:
                continue
            self.rows.append(row)
            self.columns.append(column)
            end = following[tag.start()]
            if _attribute(attributes, b"t") == b"s" and self.shared.size:
                value = _SHARED_VALUE.match(chunk, tag.end())
                index = int(value.group(1)) if value else -1
                if 0 <= index < self.shared.size:
                    self.extent.text_bytes += int(self.shared[index])
            else:
                self.extent.text_bytes += max(end - tag.end() - _VALUE_MARKUP, 0)
        self.extent.add(np.array(self.rows, dtype=np.int64), np.array(self.columns, np.int64))
        self.rows.clear()
        self.columns.clear()


def _attribute(attributes: bytes, name: bytes) -> bytes | None:
    for match in _ATTRIBUTE.finditer(attributes):
        if match.group(1) == name:
            return match.group(2) if match.group(2) is not None else match.group(3)
    return None


def _row_of(reference: bytes) -> int | None:
    """A row's `r` as calamine reads it, or None where calamine would stop with an error (so
    nothing is allocated for that sheet)."""
    found = _REFERENCE.fullmatch(reference.strip())
    if found is None or found.group(1):
        return None
    return max(int(found.group(2)) - 1, 0)


def _position_of(reference: bytes) -> tuple[int, int] | None:
    found = _REFERENCE.fullmatch(reference.strip())
    if found is None or not found.group(1):
        return None
    column = 0
    for letter in found.group(1).upper():
        column = column * 26 + letter - ord("A") + 1
    return max(int(found.group(2)) - 1, 0), column - 1


# --- sheet names, for the messages --------------------------------------------------------------


def _sheet_names(path: Path, members: list[zipfile.ZipInfo]) -> dict[str, str]:
    """Member path -> the sheet's name, as far as a small workbook.xml tells (best effort: only
    the messages use it)."""
    sizes = {m.filename: m.file_size for m in members}
    try:
        with zipfile.ZipFile(path) as archive:
            if sizes.get("xl/workbook.xml", _SMALL_XML) >= _SMALL_XML:
                return {}
            if sizes.get("xl/_rels/workbook.xml.rels", _SMALL_XML) >= _SMALL_XML:
                return {}
            workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError, ValueError):
        return {}
    targets = {
        rel.get("Id"): rel.get("Target", "")
        for rel in relations
        if rel.tag.endswith("}Relationship")
    }
    names = {}
    for sheet in workbook.iter():
        if not sheet.tag.endswith("}sheet"):
            continue
        rel_id = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rel_id, "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        names[member] = sheet.get("name", member)
    return names
