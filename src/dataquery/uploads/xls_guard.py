"""Measure an .xls (BIFF in an OLE2 compound file) before calamine opens it.

calamine reads every sheet of an .xls when the workbook is opened, each into a dense grid from
its first to its last cell (and a second grid for formulas), after reserving room for the cells
that the sheet's DIMENSIONS record declares; a shared string is copied into every cell that uses
it. Any of these can ask for terabytes from a few kilobytes, and a failed allocation aborts the
process. Its compound-file reader also follows sector chains without noticing a loop.

This guard reads the file the way calamine does (the same streams, chains and records) with
every chain checked for loops, and refuses a workbook whose grids, declared dimensions or text
go past the limits. BIFF records are walked in Python: a few seconds for a 50 MB workbook.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from dataquery.uploads.limits import UploadLimits, damaged

_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_END_OF_CHAIN = 0xFFFFFFFE
_RESERVED = 0xFFFFFFFA  # ids from here on are markers, not sectors
_DIFAT_SECTOR = 0xFFFFFFFC
_MINI_STREAM_CUTOFF = 4096
_WORKBOOK_STREAMS = ("Workbook", "Book", "WORKBOOK", "BOOK")

_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")

# BIFF record types (MS-XLS 2.3)
_BOF, _EOF, _CONTINUE = 0x0809, 0x000A, 0x003C
_BOUND_SHEET, _SST, _DIMENSIONS, _FILE_PASS = 0x0085, 0x00FC, 0x0200, 0x002F
_FORMULA, _STRING, _LABEL_SST, _MUL_RK = 0x0006, 0x0207, 0x00FD, 0x00BD
_SINGLE_CELLS = (0x0203, 0x0204, 0x00D6, 0x0205, 0x027E)  # number, label, rstring, boolerr, rk
_TEXT_CELLS = (0x0204, 0x00D6)
# A formula's text, as calamine rebuilds it from its tokens, is a few characters a token byte.
_FORMULA_TEXT_PER_BYTE = 4


def _u16(data: bytes, at: int = 0) -> int:
    return int(_U16.unpack_from(data, at)[0])


def _u32(data: bytes, at: int = 0) -> int:
    return int(_U32.unpack_from(data, at)[0])


def _broken(reason: str) -> Exception:
    return damaged("Excel 97-2003 workbook", reason)


# --- the compound file -------------------------------------------------------------------------


class _CompoundFile:
    """Just enough of [MS-CFB] to read one stream as calamine does, refusing chains that loop or
    point past the file, and header counts larger than the file could hold."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512 or data[:8] != _SIGNATURE:
            raise _broken("no compound file header")
        self.data = data
        shift = _u16(data, 30)
        if shift not in (9, 12):
            raise _broken("unknown sector size")
        self.size = 1 << shift
        self.sectors = len(data) // self.size
        fat_sectors = _u32(data, 44)
        mini_fat_sectors = _u32(data, 64)
        # calamine reserves room from these counts: none may be more than the file can hold.
        # (It takes bytes 62..65 for the DIFAT count: 65 535 or a few times 65 536 in a real
        # file, billions when the mini FAT count is made large.)
        if max(fat_sectors, mini_fat_sectors) > len(data) // 4 + 109 or _u32(data, 62) > 1 << 24:
            raise _broken("its header counts more sectors than the file holds")
        difat = [_u32(data, 76 + 4 * i) for i in range(109)]
        sector = _u32(data, 68)
        seen: set[int] = set()
        while sector < _RESERVED:  # the DIFAT chain: its last entry points to the next sector
            self._check_new(sector, seen)
            entries = self._sector_words(sector)
            difat += entries[:-1]
            sector = entries[-1]
        self.fat: list[int] = []
        for sector in difat:
            if sector < _DIFAT_SECTOR:
                self.fat += self._sector_words(sector)
        directory = self._chain(_u32(data, 48), None)
        self.entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
        if not self.entries:
            raise _broken("no directory")
        root = self.entries[0]
        self.mini_stream = b""
        self.mini_fat: list[int] = []
        if mini_fat_sectors > 0:
            self.mini_stream = self._chain(_u32(root, 116), self._length(root))
            mini_fat = self._chain(_u32(data, 60), mini_fat_sectors * self.size)
            self.mini_fat = [_u32(mini_fat, i) for i in range(0, len(mini_fat) - 3, 4)]

    def _check_new(self, sector: int, seen: set[int]) -> None:
        if sector in seen:
            raise _broken("a sector chain loops")
        if sector >= self.sectors:
            raise _broken("a sector chain points past the end of the file")
        seen.add(sector)

    def _sector_words(self, sector: int) -> list[int]:
        start = (sector + 1) * self.size  # sector 0 follows the 512-byte header (or 4096)
        block = self.data[start : start + self.size]
        return [_u32(block, i) for i in range(0, len(block) - 3, 4)]

    def _length(self, entry: bytes) -> int:
        return (
            _u32(entry, 120) if self.size == 512 else int(struct.unpack_from("<Q", entry, 120)[0])
        )

    def _chain(self, sector: int, length: int | None) -> bytes:
        """The bytes of a chain of sectors, up to `length` (the whole chain when None)."""
        out = bytearray()
        seen: set[int] = set()
        while sector != _END_OF_CHAIN and (length is None or len(out) < length):
            self._check_new(sector, seen)
            start = (sector + 1) * self.size
            out += self.data[start : start + self.size]
            if sector >= len(self.fat):
                raise _broken("a sector chain points past the allocation table")
            sector = self.fat[sector]
        return bytes(out if length is None else out[:length])

    def _mini_chain(self, sector: int, length: int) -> bytes:
        out = bytearray()
        seen: set[int] = set()
        while sector != _END_OF_CHAIN and len(out) < length:
            if sector in seen or sector >= len(self.mini_fat):
                raise _broken("a mini sector chain loops or points past its table")
            seen.add(sector)
            out += self.mini_stream[sector * 64 : sector * 64 + 64]
            sector = self.mini_fat[sector]
        return bytes(out[:length])

    def stream(self, names: tuple[str, ...]) -> bytes | None:
        for wanted in names:
            for entry in self.entries:
                name = entry[:64].decode("utf-16-le", errors="replace").split("\0", 1)[0]
                if name == wanted:
                    length = self._length(entry)
                    if length > len(self.data):
                        raise _broken("a stream is longer than the file")
                    if length < _MINI_STREAM_CUTOFF:
                        return self._mini_chain(_u32(entry, 116), length)
                    return self._chain(_u32(entry, 116), length)
        return None  # calamine finds none either (an encrypted .xlsx, say) and stops


# --- BIFF records --------------------------------------------------------------------------------


def _records(stream: bytes, start: int) -> Iterator[tuple[int, bytes, list[bytes]]]:
    """calamine's record walk from `start`: (type, data, continuations), up to an EOF record or
    to where calamine would stop with an error (having allocated nothing for that sheet)."""
    at = start
    while at + 4 <= len(stream):
        kind, length = _u16(stream, at), _u16(stream, at + 2)
        if at + 4 + length > len(stream):
            return
        data = stream[at + 4 : at + 4 + length]
        at += 4 + length
        continuations = []
        while at + 4 < len(stream) and _u16(stream, at) == _CONTINUE:
            size = _u16(stream, at + 2)
            if at + 4 + size > len(stream):
                return
            continuations.append(stream[at + 4 : at + 4 + size])
            at += 4 + size
        yield kind, data, continuations
        if kind == _EOF:
            return


class _Segments:
    """The SST's bytes across its CONTINUE records, read in order."""

    def __init__(self, segments: list[bytes]) -> None:
        self.segments = segments
        self.index = 0
        self.at = 0

    def exhausted(self) -> bool:
        while self.index < len(self.segments) and self.at >= len(self.segments[self.index]):
            self.index, self.at = self.index + 1, 0
        return self.index >= len(self.segments)

    def left_in_segment(self) -> int:
        return len(self.segments[self.index]) - self.at if self.index < len(self.segments) else 0

    def skip(self, count: int) -> bytes:
        out = b""
        while len(out) < count:
            if self.exhausted():
                raise _broken("the shared strings are cut short")
            piece = self.segments[self.index][self.at : self.at + count - len(out)]
            out += piece
            self.at += len(piece)
        return out


def _shared_string_sizes(data: bytes, continuations: list[bytes]) -> list[int]:
    """The UTF-8 bytes each string of the SST can take (MS-XLS 2.5.293 XLUnicodeRichExtended
    String): 2 a character stored in one byte, 3 a character stored in two."""
    reader = _Segments([data[8:], *continuations])
    sizes: list[int] = []
    while not reader.exhausted():
        characters = _u16(reader.skip(2))
        flags = reader.skip(1)[0]
        runs = _u16(reader.skip(2)) if flags & 0x08 else 0
        extra = _u32(reader.skip(4)) if flags & 0x04 else 0
        size = 0
        left = characters
        while left:
            width = 2 if flags & 0x01 else 1
            fit = reader.left_in_segment() // width
            if fit == 0:
                # The characters go on in the next CONTINUE record, which restates the width.
                reader.index, reader.at = reader.index + 1, 0
                if reader.index >= len(reader.segments):
                    raise _broken("the shared strings are cut short")
                flags = reader.skip(1)[0]
                continue
            step = min(left, fit)
            reader.skip(step * width)
            size += step * (3 if width == 2 else 2)
            left -= step
        reader.skip(4 * runs + extra)
        sizes.append(size)
    return sizes


@dataclass
class _Grid:
    first_row: int = -1
    last_row: int = -1
    first_column: int = -1
    last_column: int = -1

    def add(self, row: int, column: int) -> None:
        if self.last_row < 0:
            self.first_row = self.last_row = row
            self.first_column = self.last_column = column
            return
        self.first_row = min(self.first_row, row)
        self.last_row = max(self.last_row, row)
        self.first_column = min(self.first_column, column)
        self.last_column = max(self.last_column, column)

    @property
    def rows(self) -> int:
        return 0 if self.last_row < 0 else self.last_row - self.first_row + 1

    @property
    def columns(self) -> int:
        return 0 if self.last_row < 0 else self.last_column - self.first_column + 1


def _declared_cells(data: bytes) -> int:
    """The cells calamine reserves room for from a DIMENSIONS record (with its u32 wrap-around:
    a last row before the first is four billion rows)."""
    if len(data) == 10:
        first_row, last_row, first_col, last_col = (_u16(data, i) for i in (0, 2, 4, 6))
    elif len(data) == 14:
        first_row, last_row = _u32(data, 0), _u32(data, 4)
        first_col, last_col = _u16(data, 8), _u16(data, 10)
    else:
        return 0
    if first_col > 0xFF or last_col < first_col:
        first_col = 0
    if last_row >= 1 and last_col >= 1:
        end_row, end_col = last_row - 1, last_col - 1
    else:
        end_row, end_col = first_row, first_col
    rows = ((end_row - first_row) % 2**32 + 1) % 2**32
    columns = ((end_col - first_col) % 2**32 + 1) % 2**32
    return rows * columns


def check_xls(path: Path, limits: UploadLimits) -> None:
    """Refuse (413/422) an .xls that calamine could not open within the limits."""
    compound = _CompoundFile(path.read_bytes())
    stream = compound.stream(_WORKBOOK_STREAMS)
    if stream is None:
        return
    globals_ = _records(stream, 0)
    sheets: list[tuple[int, str]] = []
    shared: list[int] = []
    for kind, data, continuations in globals_:
        if kind == _FILE_PASS and data[:2] != b"\0\0":
            return  # encrypted: calamine stops here with a password error
        if kind == _BOUND_SHEET and len(data) >= 4:
            sheets.append((_u32(data, 0), _sheet_name(data) or f"#{len(sheets) + 1}"))
        elif kind == _SST and len(data) >= 8:
            shared = _shared_string_sizes(data, continuations)
            limits.check_text(sum(shared))
    total_cells = 0
    total_text = 0
    for position, name in sheets:
        if position > len(stream):
            raise _broken("a sheet starts past the end of the workbook")
        values, formulas, text = _sheet_grids(stream, position, shared, limits, name)
        for grid in (values, formulas):
            limits.check_sheet(name, grid.rows, grid.columns)
            total_cells += grid.rows * grid.columns
        total_text += text
        limits.check_text(total_text)
        # calamine holds every sheet at once: together they have one sheet's budget.
        limits.check_workbook_cells(total_cells)


def _sheet_name(data: bytes) -> str:
    if len(data) < 8:
        return ""
    length, wide = data[6], data[7] & 0x01
    raw = data[8 : 8 + length * (2 if wide else 1)]
    return raw.decode("utf-16-le" if wide else "latin-1", errors="replace")


def _sheet_grids(
    stream: bytes, position: int, shared: list[int], limits: UploadLimits, name: str
) -> tuple[_Grid, _Grid, int]:
    values, formulas = _Grid(), _Grid()
    text = 0
    records = _records(stream, position)
    seen_bof = False
    depth = 0
    formula_at = (0, 0)
    for kind, data, _continuations in records:
        if depth:
            depth += kind == _BOF
            depth -= kind == _EOF
            continue
        if kind == _BOF:
            depth += seen_bof
            seen_bof = True
        elif kind == _EOF:
            break
        elif kind == _DIMENSIONS:
            limits.check_declared_cells(name, _declared_cells(data))
        elif kind in _SINGLE_CELLS and len(data) >= 6:
            values.add(_u16(data, 0), _u16(data, 2))
            text += len(data) * 2 if kind in _TEXT_CELLS else 0
        elif kind == _LABEL_SST and len(data) >= 10:
            values.add(_u16(data, 0), _u16(data, 2))
            index = _u32(data, 6)
            text += shared[index] if index < len(shared) else 0
        elif kind == _MUL_RK and len(data) >= 6:
            row, first, last = _u16(data, 0), _u16(data, 2), _u16(data, len(data) - 2)
            if last >= first and len(data) == 6 + 6 * (last - first + 1):
                values.add(row, first)
                values.add(row, last)
        elif kind == _FORMULA and len(data) >= 20:
            formula_at = (_u16(data, 0), _u16(data, 2))
            values.add(*formula_at)
            formulas.add(*formula_at)
            text += len(data) * _FORMULA_TEXT_PER_BYTE
        elif kind == _STRING:
            values.add(*formula_at)
            text += len(data) * 2
    return values, formulas, text
