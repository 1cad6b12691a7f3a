"""Read a CSV/TSV/text file, an Excel sheet or a Parquet file into text columns.

Every format gives the same shape: one Arrow string column per column of the file, plus the row
number a person sees for each row (the line of a text file, the row of an Excel sheet), so the
report can point at the very row to fix.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
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

from dataquery.core.errors import InvalidInput
from dataquery.uploads.formats import Encoding, FileFormat, decode_to_utf8, text_encoding

DELIMITERS = ("\t", ";", ",", "|")
_DELIMITER_NAMES = {"\t": "tab", ";": ";", ",": ",", "|": "|"}
# The "delimiter" given to the parsers for a one-column file: a control character no text has.
_NO_DELIMITER = "\x1f"
_SNIFF_BYTES = 65536
_SNIFF_RECORDS = 200
_EXCEL_CHUNK_ROWS = 50_000
MAX_COLUMNS = 200

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

    def float_mask(self, index: int) -> np.ndarray | None:
        return self.float_cells[index] if index < len(self.float_cells) else None


def read_file(path: Path, file_format: FileFormat, sheet: str | None) -> ParsedTable:
    if file_format is FileFormat.TEXT:
        parsed = read_text(path.read_bytes())
    elif file_format in (FileFormat.XLSX, FileFormat.XLS):
        parsed = read_excel(path, file_format, sheet)
    else:
        parsed = read_parquet(path)
    check_width(len(parsed.columns))
    return parsed


def check_width(width: int) -> None:
    if width == 0:
        raise InvalidInput("the file has no columns")
    if width > MAX_COLUMNS:
        raise InvalidInput(
            f"the file has {width} columns; an upload may have at most {MAX_COLUMNS} "
            "(an IIN and the columns that go with it)"
        )


# --- text -------------------------------------------------------------------------------------


def read_text(raw: bytes) -> ParsedTable:
    encoding = text_encoding(raw)
    parsed = None
    if encoding is Encoding.CP1251:
        # A single-byte encoding whose delimiters, quotes and newlines are ASCII: parse the bytes
        # as they are and convert only the columns that hold anything but ASCII.
        delimiter, width = sniff_delimiter(raw)
        parsed = _parse_with_arrow(raw, delimiter, width, binary=True)
        if parsed is not None:
            parsed = ([_cp1251_to_utf8(column) for column in parsed[0]], parsed[1])
    if parsed is None:
        data, _ = decode_to_utf8(raw, encoding)
        del raw
        delimiter, width = sniff_delimiter(data)
        parsed = _parse_with_arrow(data, delimiter, width)
        if parsed is None:
            parsed = _parse_with_csv_module(data, delimiter)
    columns, row_numbers = parsed
    file_format = "text" if delimiter is None else "tsv" if delimiter == "\t" else "csv"
    return ParsedTable(
        format=file_format,
        columns=columns,
        row_numbers=row_numbers,
        float_cells=[None] * len(columns),
        encoding=encoding.value,
        delimiter=None if delimiter is None else _DELIMITER_NAMES[delimiter],
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


def sniff_delimiter(data: bytes) -> tuple[str | None, int]:
    """The delimiter among tab ; , | that splits the first records most consistently, and how
    many fields the first record has. (None, 1) for one value a line."""
    sample = data[:_SNIFF_BYTES]
    if len(data) > len(sample) and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n")]  # drop the cut last line
    text = sample.decode("utf-8", errors="replace")
    best: tuple[float, int, str | None, int] = (0.0, 0, None, 1)
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
    data: bytes, delimiter: str | None, width: int, *, binary: bool = False
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
    row_numbers = _line_numbers(data, table.num_rows)
    if row_numbers is None:
        # A quoted value spans lines, or lines end in a lone CR: the careful parser counts them.
        return None
    return [table.column(i) for i in range(width)], row_numbers


def _line_numbers(data: bytes, records: int) -> np.ndarray | None:
    """The line number of each of Arrow's records, or None when records and lines differ.

    Arrow skips empty lines, and a quoted line break joins lines: both make fewer records than
    lines, so equal counts mean one record a line.
    """
    lines = data.count(b"\n") + (0 if data.endswith(b"\n") else 1)
    if lines == records:
        return np.arange(1, records + 1, dtype=np.int64)
    raw = np.frombuffer(data, dtype=np.uint8)
    starts = np.concatenate(([0], np.flatnonzero(raw == 10) + 1))
    starts = starts[starts < raw.size]
    first = raw[starts]
    after = raw[np.minimum(starts + 1, raw.size - 1)]
    empty = (first == 10) | ((first == 13) & ((after == 10) | (starts + 1 >= raw.size)))
    numbers = np.flatnonzero(~empty).astype(np.int64) + 1
    return numbers if len(numbers) == records else None


def _parse_with_csv_module(data: bytes, delimiter: str | None) -> tuple[list[Column], np.ndarray]:
    """The careful path: Python's csv module knows on which line each record starts."""
    text = data.decode("utf-8", errors="replace")
    reader = csv.reader(
        io.StringIO(text, newline=""), delimiter=delimiter or _NO_DELIMITER, strict=False
    )
    records: list[list[str]] = []
    numbers: list[int] = []
    previous_line = 0
    try:
        for record in reader:
            start = previous_line + 1
            previous_line = reader.line_num
            if record:
                records.append(record)
                numbers.append(start)
    except csv.Error as exc:
        raise InvalidInput(
            f"the file cannot be read as CSV near line {previous_line + 1}: {exc}"
        ) from exc
    width = max((len(r) for r in records), default=1)
    columns = [
        pa.array([(r[i] or None) if i < len(r) else None for r in records], type=pa.string())
        for i in range(width)
    ]
    return columns, np.array(numbers, dtype=np.int64)


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


def read_excel(path: Path, file_format: FileFormat, requested: str | None) -> ParsedTable:
    from python_calamine import CalamineWorkbook, PasswordError

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        name, sheet = _pick_sheet(workbook, names, requested)
        start_row = int(sheet.start[0])
        width = int(sheet.width)
        check_width(width)
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
    except InvalidInput:
        raise
    except PasswordError as exc:
        raise InvalidInput("the workbook is password-protected: remove the password") from exc
    except Exception as exc:  # calamine raises a dozen kinds for damaged files
        raise InvalidInput(
            f"the {file_format.value} workbook cannot be read; it may be damaged or incomplete "
            f"({type(exc).__name__}): save it again and upload it"
        ) from exc
    return ParsedTable(
        format=file_format.value,
        columns=[pa.chunked_array(chunks, type=pa.string()) for chunks in column_chunks],
        row_numbers=np.arange(start_row + 1, start_row + 1 + count, dtype=np.int64),
        float_cells=[np.concatenate(chunks) for chunks in float_chunks],
        sheet=name,
        sheets=names,
    )


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
            )
        sheet = workbook.get_sheet_by_name(match)
        if sheet.start is None:
            raise InvalidInput(f"the sheet {match!r} is empty", extra={"sheets": names})
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


def read_parquet(path: Path) -> ParsedTable:
    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InvalidInput(
            f"the Parquet file cannot be read; it may be damaged or incomplete: {exc}"
        ) from exc
    columns: list[Column] = []
    float_cells: list[np.ndarray | None] = []
    for index in range(table.num_columns):
        strings, floats = arrow_column_text(combined(table.column(index)))
        columns.append(strings)
        float_cells.append(floats)
    return ParsedTable(
        format=FileFormat.PARQUET.value,
        columns=columns,
        row_numbers=np.arange(1, table.num_rows + 1, dtype=np.int64),
        float_cells=float_cells,
        header=[str(name) for name in table.column_names],
    )


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
    values = array.to_pylist()
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind):
        values = [None if v is None else v.decode("utf-8", errors="replace") for v in values]
    return pa.array([cell_text(v) for v in values], type=pa.string()), None
