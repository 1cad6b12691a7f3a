"""Read a CSV/TSV/text file, an Excel sheet or a Parquet file into text columns.

Every format gives the same shape: one Arrow string column per column of the file, plus the row
number a person sees for each row (the line of a text file, the row of an Excel sheet), so the
report can point at the very row to fix.
"""

from __future__ import annotations

import contextlib
import csv
import ctypes
import io
import itertools
import math
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeAlias

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from dataquery.core.errors import InvalidInput, PayloadTooLarge
from dataquery.uploads.formats import Encoding, FileFormat, decode_to_utf8, text_encoding
from dataquery.uploads.limits import UploadLimits, damaged
from dataquery.uploads.xls_guard import check_xls
from dataquery.uploads.xlsx_guard import check_xlsx

DELIMITERS = ("\t", ";", ",", "|")
_DELIMITER_NAMES = {"\t": "tab", ";": ";", ",": ",", "|": "|"}
# The "delimiter" given to the parsers for a one-column file: a control character no text has.
_NO_DELIMITER = "\x1f"
_SNIFF_BYTES = 65536
_SNIFF_RECORDS = 200
_EXCEL_CHUNK_ROWS = 50_000
# The careful CSV parser turns its records into Arrow columns every this many cells, so that
# Python objects never hold more than one chunk of the file.
_CAREFUL_CHUNK_CELLS = 1 << 20
_PYTHON_SLICE = 65_536

# Arrow's CSV reader gives chunked columns; combining them is a copy, made only where needed.
Column: TypeAlias = pa.Array | pa.ChunkedArray


@dataclass
class ParsedTable:
    """The cells of a file as text, before the header and the IIN column are decided."""

    format: str  # csv, tsv, text, xlsx, xls, parquet
    columns: list[Column]  # string columns, all of the same length
    row_numbers: np.ndarray  # int64: the row as the user sees it in the file (1-based)
    float_cells: list[np.ndarray | None] = field(default_factory=list)
    header: list[str] | None = None  # known names (Parquet); None: the first row may be one
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    sheets: list[str] | None = None
    # Lines of a UTF-8 text that were not UTF-8 and were read as CP1251.
    recoded_lines: list[int] = field(default_factory=list)

    def float_mask(self, index: int) -> np.ndarray | None:
        return self.float_cells[index] if index < len(self.float_cells) else None


def read_file(
    path: Path, file_format: FileFormat, sheet: str | None, limits: UploadLimits | None = None
) -> ParsedTable:
    """The file's cells as text; refuses (413/422) what goes past the limits, checked before
    anything large is built."""
    limits = limits or UploadLimits()
    if file_format is FileFormat.TEXT:
        parsed = read_text(path.read_bytes(), limits)
    elif file_format in (FileFormat.XLSX, FileFormat.XLS):
        parsed = read_excel(path, file_format, sheet, limits)
    else:
        parsed = read_parquet(path, limits)
    limits.check_cells(len(parsed.row_numbers), len(parsed.columns))
    check_cell_sizes(parsed, limits)
    return parsed


def check_cell_sizes(parsed: ParsedTable, limits: UploadLimits) -> None:
    """Every cell within `max_cell_bytes` (IIN lists have short cells; a 1 GB cell would be
    copied into the report and the dataset)."""
    for column in parsed.columns:
        if len(column) == 0:
            continue
        sizes = pc.binary_length(column)
        longest = pc.max(sizes).as_py()
        if longest is not None and longest > limits.max_cell_bytes:
            index = pc.index(pc.greater(sizes, limits.max_cell_bytes), True).as_py()
            limits.check_cell_bytes(longest, int(parsed.row_numbers[index]))


# --- text -------------------------------------------------------------------------------------


def read_text(raw: bytes, limits: UploadLimits | None = None) -> ParsedTable:
    limits = limits or UploadLimits()
    encoding = text_encoding(raw)
    parsed = None
    recoded: list[int] = []
    if encoding is Encoding.CP1251:
        # A single-byte encoding whose delimiters, quotes and newlines are ASCII: parse the bytes
        # as they are and convert only the columns that hold anything but ASCII.
        delimiter, width = sniff_delimiter(raw, limits)
        parsed = _parse_with_arrow(raw, delimiter, width, limits, binary=True)
        if parsed is not None:
            parsed = ([_cp1251_to_utf8(column) for column in parsed[0]], parsed[1])
    if parsed is None:
        decoded = decode_to_utf8(raw, encoding)
        del raw
        data, recoded = decoded.data, decoded.recoded_lines
        delimiter, width = sniff_delimiter(data, limits)
        parsed = _parse_with_arrow(data, delimiter, width, limits)
        if parsed is None:
            parsed = _parse_with_csv_module(data, delimiter, limits)
    columns, row_numbers = parsed
    file_format = "text" if delimiter is None else "tsv" if delimiter == "\t" else "csv"
    return ParsedTable(
        format=file_format,
        columns=columns,
        row_numbers=row_numbers,
        float_cells=[None] * len(columns),
        encoding=encoding.value,
        delimiter=None if delimiter is None else _DELIMITER_NAMES[delimiter],
        recoded_lines=recoded,
    )


def _cp1251_extra_bytes() -> np.ndarray:
    """How many more bytes each CP1251 byte takes in UTF-8 (0 for ASCII, 1 for Cyrillic)."""
    return np.array(
        [len(bytes([b]).decode("cp1251", errors="replace").encode()) - 1 for b in range(256)],
        dtype=np.int32,
    )


_CP1251_EXTRA_BYTES = _cp1251_extra_bytes()
# With fewer non-ASCII bytes than this share of rows, the rows holding them are converted one
# by one; with more, the whole chunk at once.
_FEW_ROWS = 0.05


def _cp1251_to_utf8(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """CP1251 bytes to UTF-8 text, chunk by chunk; an all-ASCII chunk is only relabelled."""
    return pa.chunked_array([_cp1251_chunk(chunk) for chunk in column.chunks], type=pa.string())


def _cp1251_chunk(chunk: pa.Array) -> pa.Array:
    if chunk.offset:
        chunk = pa.concat_arrays([chunk])  # a copy that starts at offset 0
    offsets = np.frombuffer(chunk.buffers()[1], dtype=np.int32)[: len(chunk) + 1]
    starts = offsets - offsets[0]
    data = np.frombuffer(chunk.buffers()[2] or b"", dtype=np.uint8)[offsets[0] : offsets[-1]]
    high = data >= 0x80
    high_count = int(np.count_nonzero(high))
    if not high_count:
        return chunk.view(pa.string())
    if high_count < _FEW_ROWS * len(chunk):  # e.g. a Russian header above the IINs
        positions = np.flatnonzero(high)
        rows = np.unique(np.searchsorted(starts, positions, side="right") - 1)
        mask = np.zeros(len(chunk), dtype=bool)
        mask[rows] = True
        converted = [
            value.decode("cp1251", errors="replace").encode()
            for value in chunk.take(pa.array(rows)).to_pylist()
        ]
        replaced = pc.replace_with_mask(chunk, pa.array(mask), pa.array(converted, pa.binary()))
        return replaced.view(pa.string())
    text = data.tobytes().decode("cp1251", errors="replace").encode("utf-8")
    growth = np.concatenate(([0], np.cumsum(_CP1251_EXTRA_BYTES[data], dtype=np.int32)))
    new_offsets = (starts + growth[starts]).astype(np.int32)
    return pa.StringArray.from_buffers(
        len(chunk),
        pa.py_buffer(new_offsets),
        pa.py_buffer(text),
        chunk.buffers()[0],
        chunk.null_count,
    )


def sniff_delimiter(data: bytes, limits: UploadLimits | None = None) -> tuple[str | None, int]:
    """The delimiter among tab ; , | that splits the first records most consistently, and how
    many fields the first record has. (None, 1) for one value a line. Refuses a file whose first
    records are wider than the column limit before any parser builds them (a few MB of commas
    are millions of columns)."""
    sample = data[:_SNIFF_BYTES]
    if len(data) > len(sample) and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n")]  # drop the cut last line
    text = sample.decode("utf-8", errors="replace")
    best: tuple[float, int, str | None, int] = (0.0, 0, None, 1)
    widest = 1
    for rank, delimiter in enumerate(DELIMITERS):
        counts = _field_counts(text, delimiter)
        if not counts:
            continue
        mode = max(set(counts), key=counts.count)
        if mode < 2:
            continue
        consistency = counts.count(mode) / len(counts)
        if (consistency, -rank) > (best[0], best[1]):
            best = (consistency, -rank, delimiter, counts[0])
            widest = max(counts)
    if best[2] is not None:
        (limits or UploadLimits()).check_columns(widest)
    return best[2], best[3]


def _field_counts(text: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    counts = []
    try:
        for record in reader:
            if record:
                counts.append(len(record))
            if len(counts) >= _SNIFF_RECORDS:
                break
    except csv.Error:
        pass
    return counts


def _parse_with_arrow(
    data: bytes,
    delimiter: str | None,
    width: int,
    limits: UploadLimits | None = None,
    *,
    binary: bool = False,
) -> tuple[list[Column], np.ndarray] | None:
    """The fast path: Arrow's multi-threaded parser. None when the file needs the careful one
    (rows of different widths, line breaks inside quoted values). `binary` leaves the values as
    bytes (for a text in another encoding than UTF-8)."""
    names = [f"c{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            pa.py_buffer(data),
            read_options=pacsv.ReadOptions(column_names=names, block_size=4 << 20),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter or _NO_DELIMITER, ignore_empty_lines=True
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.binary() if binary else pa.string()),
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                check_utf8=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    (limits or UploadLimits()).check_rows(table.num_rows)
    row_numbers = _line_numbers(data, table.num_rows)
    if row_numbers is None:
        # A quoted value spans lines, or lines end in a lone CR: the careful parser counts them.
        return None
    return [table.column(i) for i in range(width)], row_numbers


def _line_numbers(data: bytes, records: int) -> np.ndarray | None:
    """The line number of each of Arrow's records, or None when records and lines differ.

    Arrow skips empty lines, and a quoted line break joins lines: both make fewer records than
    lines, so equal counts mean one record a line. Memory stays a few bytes a byte of the file
    (50 MB of empty lines is 50 million lines).
    """
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines == records:
        return np.arange(1, records + 1, dtype=np.int64)
    raw = np.frombuffer(data, dtype=np.uint8)
    if raw.size == 0:
        return np.zeros(0, dtype=np.int64) if records == 0 else None
    newline = raw == 10
    starts = np.empty(raw.size, dtype=bool)  # where a line starts
    starts[0] = True
    starts[1:] = newline[:-1]
    # A line is empty when it is only "\n", "\r\n" or a last "\r".
    empty = newline.copy()
    empty[:-1] |= (raw[:-1] == 13) & newline[1:]
    empty[-1] |= raw[-1] == 13
    positions = np.flatnonzero(starts & ~empty)
    del starts, empty
    if positions.size != records:
        return None
    if records == 0:
        return np.zeros(0, dtype=np.int64)
    # Line number = 1 + the newlines before the line's first byte.
    between = np.add.reduceat(newline.view(np.uint8), positions, dtype=np.int64)[:-1]
    first = np.count_nonzero(newline[: positions[0]])
    return 1 + first + np.concatenate(([0], np.cumsum(between)))


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


class _Lines:
    """The lines of a text, as csv.reader reads a file opened with newline="", refusing a record
    that runs on for more than `limit` characters (a quote never closed, or a line of a million
    commas): csv.reader builds each record whole, in Python objects."""

    def __init__(self, text: str, limit: int) -> None:
        self._lines = _LINE.finditer(text)
        self._limit = limit
        self._since_record = 0
        self.line = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines).group()
        self.line += 1
        self._since_record += len(line)
        if self._since_record > self._limit:
            raise PayloadTooLarge(
                f"a row of the file (from around line {self.line}) is longer than "
                f"{self._limit:,} characters: more columns or longer cells than an upload may have",
                code="upload.row_too_large",
                params={"line": self.line, "limit": self._limit},
            )
        return line

    def record_ended(self) -> None:
        self._since_record = 0


class _ColumnChunks:
    """Records gathered into Arrow string columns a chunk at a time (rows may differ in width:
    missing cells are nulls)."""

    def __init__(self) -> None:
        self.columns: list[list[pa.Array]] = []
        self.rows = 0
        self._pending: list[list[str]] = []
        self._cells = 0

    def add(self, record: list[str]) -> None:
        self._pending.append(record)
        self._cells += len(record)
        if self._cells >= _CAREFUL_CHUNK_CELLS:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        width = max(len(record) for record in self._pending)
        while len(self.columns) < width:
            self.columns.append([pa.nulls(self.rows, pa.string())] if self.rows else [])
        for i, chunks in enumerate(self.columns):
            values = [(r[i] or None) if i < len(r) else None for r in self._pending]
            chunks.append(pa.array(values, type=pa.string()))
        self.rows += len(self._pending)
        self._pending = []
        self._cells = 0

    def finish(self) -> list[Column]:
        self.flush()
        if not self.columns:
            return [pa.chunked_array([], type=pa.string())]
        return [pa.chunked_array(chunks, type=pa.string()) for chunks in self.columns]


def _parse_with_csv_module(
    data: bytes, delimiter: str | None, limits: UploadLimits | None = None
) -> tuple[list[Column], np.ndarray]:
    """The careful path: Python's csv module knows on which line each record starts."""
    limits = limits or UploadLimits()
    text = data.decode("utf-8", errors="replace")
    lines = _Lines(text, limits.max_columns * (limits.max_cell_bytes + 3))
    reader = csv.reader(lines, delimiter=delimiter or _NO_DELIMITER, strict=False)
    table = _ColumnChunks()
    numbers = array("q")
    previous_line = 0
    try:
        for record in reader:
            lines.record_ended()
            start = previous_line + 1
            previous_line = reader.line_num
            if record:
                limits.check_columns(len(record))
                table.add(record)
                numbers.append(start)
                if len(numbers) > limits.max_rows:
                    limits.check_rows(len(numbers))
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise PayloadTooLarge(
                f"a cell of the file (near line {previous_line + 1}) holds more than "
                f"{csv.field_size_limit():,} characters; a cell may hold at most "
                f"{limits.max_cell_bytes:,} bytes (DQ_UPLOAD_MAX_CELL_BYTES)",
                code="upload.cell_too_large",
                params={
                    "bytes": csv.field_size_limit() + 1,
                    "row": previous_line + 1,
                    "limit": limits.max_cell_bytes,
                },
            ) from exc
        raise InvalidInput(
            f"the file cannot be read as CSV near line {previous_line + 1}: {exc}",
            code="upload.malformed_csv",
            params={"line": previous_line + 1},
        ) from exc
    columns = table.finish()
    return columns, np.frombuffer(numbers, dtype=np.int64).copy()


def combined(column: Column) -> pa.Array:
    """One contiguous array (a copy only when the column has several chunks)."""
    if isinstance(column, pa.Array):
        return column
    if column.num_chunks == 1:
        return column.chunk(0)
    if column.num_chunks == 0:
        return pa.array([], type=column.type)
    return column.combine_chunks()


# --- Excel ------------------------------------------------------------------------------------


def read_excel(
    path: Path, file_format: FileFormat, requested: str | None, limits: UploadLimits | None = None
) -> ParsedTable:
    from python_calamine import CalamineWorkbook, PasswordError

    limits = limits or UploadLimits()
    # calamine builds a sheet (an .xls: every sheet, on opening) as one dense grid, and aborts
    # the process when it cannot allocate one: measure what it would build first.
    if file_format is FileFormat.XLSX:
        check_xlsx(path, limits)
    else:
        check_xls(path, limits)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        name, sheet = _pick_sheet(workbook, names, requested)
        start_row = int(sheet.start[0])
        width = int(sheet.width)
        limits.check_sheet(name, int(sheet.height), width)
        # Rows stream out of calamine: a million-row sheet never exists as Python objects.
        rows = itertools.islice(sheet.iter_rows(), start_row, None)
        column_chunks: list[list[pa.Array]] = [[] for _ in range(width)]
        float_chunks: list[list[np.ndarray]] = [[] for _ in range(width)]
        count = 0
        while chunk := list(itertools.islice(rows, _EXCEL_CHUNK_ROWS)):
            count += len(chunk)
            for index, values in enumerate(zip(*chunk, strict=True)):
                strings, floats = excel_column(values)
                column_chunks[index].append(strings)
                float_chunks[index].append(floats)
        del chunk, rows, sheet, workbook
        _return_freed_memory()
    except (InvalidInput, PayloadTooLarge):
        raise
    except PasswordError as exc:
        raise InvalidInput(
            "the workbook is password-protected: remove the password",
            code="upload.password_protected",
        ) from exc
    except BaseException as exc:  # calamine raises a dozen kinds for damaged files
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":
            raise  # KeyboardInterrupt, SystemExit
        raise InvalidInput(
            f"the {file_format.value} workbook cannot be read; it may be damaged or incomplete "
            f"({type(exc).__name__}): save it again and upload it",
            code="upload.damaged_file",
            params={"format": file_format.value, "reason": type(exc).__name__},
        ) from exc
    return ParsedTable(
        format=file_format.value,
        columns=[pa.chunked_array(chunks, type=pa.string()) for chunks in column_chunks],
        row_numbers=np.arange(start_row + 1, start_row + 1 + count, dtype=np.int64),
        float_cells=[np.concatenate(chunks) for chunks in float_chunks],
        sheet=name,
        sheets=names,
    )


def _return_freed_memory() -> None:
    """Give the heap that calamine's grid used back to the system (glibc keeps freed memory
    for reuse): the dataset is stored next, and it needs its own few hundred MB."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to give back so
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _pick_sheet(workbook: Any, names: list[str], requested: str | None) -> tuple[str, Any]:
    """The requested sheet (by name or 1-based number), else the first visible non-empty one."""
    if requested is not None and requested.strip():
        wanted = requested.strip()
        match = next((n for n in names if n == wanted), None) or next(
            (n for n in names if n.strip().casefold() == wanted.casefold()), None
        )
        if match is None and wanted.isdigit() and 1 <= int(wanted) <= len(names):
            match = names[int(wanted) - 1]
        if match is None:
            raise InvalidInput(
                f"the workbook has no sheet {wanted!r}; its sheets: {', '.join(names)}",
                extra={"sheets": names},
                code="upload.no_such_sheet",
                params={"sheet": wanted, "sheets": ", ".join(names)},
            )
        sheet = workbook.get_sheet_by_name(match)
        if sheet.start is None:
            raise InvalidInput(
                f"the sheet {match!r} is empty",
                extra={"sheets": names},
                code="upload.empty_sheet",
                params={"sheet": match},
            )
        return match, sheet
    visible = {
        meta.name
        for meta in workbook.sheets_metadata
        if str(meta.visible).endswith("Visible") and str(meta.typ).endswith("WorkSheet")
    }
    for name in sorted(names, key=lambda n: n not in visible):
        sheet = workbook.get_sheet_by_name(name)
        if sheet.start is not None:  # calamine trims empty rows and columns around the data
            return name, sheet
    raise InvalidInput(
        "every sheet of the workbook is empty" if names else "the workbook has no sheets",
        extra={"sheets": names},
        code="upload.no_sheets",
    )


def excel_column(values: Sequence[Any]) -> tuple[pa.Array, np.ndarray]:
    """A column of spreadsheet cells as text (empty cells as nulls), and which cells were
    numbers (floats). Whole numbers lose the ".0" a float prints with: 61211600012.0 is shown
    as 61211600012."""
    try:
        typed = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
        typed = None
    if typed is not None:
        kind = typed.type
        if pa.types.is_string(kind) or pa.types.is_null(kind) or pa.types.is_integer(kind):
            return _blank_as_null(pc.cast(typed, pa.string())), np.zeros(len(typed), dtype=bool)
        if pa.types.is_floating(kind):
            return float_strings(typed)
    # Mixed cells (a header above numbers, numbers and text in one column): one pass per type.
    texts = pa.array([v if type(v) is str else None for v in values], type=pa.string())
    numbers = pa.array([v if type(v) is float else None for v in values], type=pa.float64())
    number_texts, floats = float_strings(numbers)
    merged = pc.coalesce(_blank_as_null(texts), number_texts)
    typed_cells = 2 * len(values) - texts.null_count - numbers.null_count
    others = (
        []
        if typed_cells == len(values)
        else [i for i, v in enumerate(values) if type(v) not in (str, float) and v is not None]
    )
    if others:  # booleans, dates, integers: rare enough for one at a time
        mask = np.zeros(len(values), dtype=bool)
        mask[others] = True
        replacements = pa.array([cell_text(values[i]) for i in others], type=pa.string())
        merged = pc.replace_with_mask(merged, pa.array(mask), replacements)
    return merged, floats


def _blank_as_null(strings: pa.Array) -> pa.Array:
    if strings.null_count == len(strings):
        return strings
    return pc.if_else(pc.equal(strings, ""), pa.scalar(None, pa.string()), strings)


def float_strings(array: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """Floats as text: whole numbers without a decimal part, others as Arrow prints them."""
    numbers = np.asarray(pc.fill_null(array, np.nan).to_numpy(zero_copy_only=False), dtype=float)
    present = ~np.asarray(array.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    with np.errstate(invalid="ignore"):
        whole = present & np.isfinite(numbers) & (np.abs(numbers) < 1e15)
        whole &= numbers == np.floor(np.where(whole, numbers, 0))
    text = pc.cast(pa.array(np.where(whole, numbers, 0).astype(np.int64)), pa.string())
    if not whole.all():
        others = pc.cast(pc.cast(array, pa.float64()), pa.string())
        text = pc.if_else(pa.array(whole), text, others)  # nulls stay null
    return text, present


def cell_text(value: Any) -> str | None:
    """One spreadsheet cell as the text a person would see."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


# --- Parquet ----------------------------------------------------------------------------------


def read_parquet(path: Path, limits: UploadLimits | None = None) -> ParsedTable:
    """A Parquet file's columns as text, one row group at a time. Rows, columns and the size of
    the data once uncompressed come from the footer and are checked before any page is read;
    repeated (dictionary) values are counted as the text they become before they are expanded
    (400 KB of Parquet can be 100 million copies of one string)."""
    limits = limits or UploadLimits()
    try:
        parquet = pq.ParquetFile(path)
        metadata = parquet.metadata
        schema = parquet.schema_arrow
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise damaged("Parquet file", str(exc)[:200]) from exc
    limits.check_cells(metadata.num_rows, len(schema.names))
    groups = [metadata.row_group(i) for i in range(metadata.num_row_groups)]
    if any(g.num_rows < 0 or g.total_byte_size < 0 for g in groups) or (
        sum(g.num_rows for g in groups) != metadata.num_rows
    ):
        raise damaged("Parquet file", "its row groups do not add up")
    limits.check_unzipped(sum(g.total_byte_size for g in groups), "the Parquet file")
    for field_ in schema:
        if pa.types.is_nested(field_.type) or pa.types.is_union(field_.type):
            raise InvalidInput(
                f"the column {field_.name!r} holds {field_.type}, not single values: save the "
                "list with plain columns",
                code="upload.unsupported_column",
                params={"column": field_.name, "type": str(field_.type)},
            )
    textual = [
        f.name
        for f in schema
        if pa.types.is_string(f.type)
        or pa.types.is_large_string(f.type)
        or pa.types.is_binary(f.type)
        or pa.types.is_large_binary(f.type)
    ]
    columns: list[list[pa.Array]] = [[] for _ in schema.names]
    float_chunks: list[list[np.ndarray]] = [[] for _ in schema.names]
    floating = [False] * len(schema.names)
    text_bytes = 0
    try:
        # Text columns stay dictionary-encoded until their expanded size is known.
        parquet = pq.ParquetFile(path, read_dictionary=textual)
        for index in range(metadata.num_row_groups):
            group = parquet.read_row_group(index)
            for position in range(group.num_columns):
                for chunk in group.column(position).chunks:
                    text_bytes += _text_size(chunk)
                    limits.check_text(text_bytes)
                    strings, floats = arrow_column_text(chunk)
                    columns[position].append(strings)
                    if floats is not None:
                        floating[position] = True
                        float_chunks[position].append(floats)
                    else:
                        float_chunks[position].append(np.zeros(len(chunk), dtype=bool))
            del group
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise damaged("Parquet file", str(exc)[:200]) from exc
    return ParsedTable(
        format=FileFormat.PARQUET.value,
        columns=[pa.chunked_array(chunks, type=pa.string()) for chunks in columns],
        row_numbers=np.arange(1, metadata.num_rows + 1, dtype=np.int64),
        float_cells=[
            np.concatenate(chunks) if is_float and chunks else None
            for chunks, is_float in zip(float_chunks, floating, strict=True)
        ],
        header=[str(name) for name in schema.names],
    )


def _text_size(array: pa.Array) -> int:
    """The bytes a column chunk's text takes once expanded (a dictionary's values repeated)."""
    if pa.types.is_dictionary(array.type):
        lengths = pc.binary_length(array.dictionary)
        return int(pc.sum(pc.take(lengths, array.indices)).as_py() or 0)
    if pa.types.is_string(array.type) or pa.types.is_binary(array.type):
        return int(pc.sum(pc.binary_length(array)).as_py() or 0)
    if pa.types.is_large_string(array.type) or pa.types.is_large_binary(array.type):
        return int(pc.sum(pc.binary_length(array)).as_py() or 0)
    return 24 * len(array)  # a number or a date as text


def arrow_column_text(array: pa.Array) -> tuple[pa.Array, np.ndarray | None]:
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    kind = array.type
    if pa.types.is_floating(kind):
        return float_strings(pc.cast(array, pa.float64()))
    if (
        pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_null(kind)
    ):
        return pc.cast(array, pa.string()), None
    # Dates, decimals, booleans, bytes: one slice at a time, so Python objects stay few.
    pieces = []
    for start in range(0, len(array), _PYTHON_SLICE):
        values = array.slice(start, _PYTHON_SLICE).to_pylist()
        if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
            values = [None if v is None else v.decode("utf-8", errors="replace") for v in values]
        pieces.append(pa.array([cell_text(v) for v in values], type=pa.string()))
    if not pieces:
        return pa.array([], type=pa.string()), None
    return pa.concat_arrays(pieces), None
