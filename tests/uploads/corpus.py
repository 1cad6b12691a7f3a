"""The upload corpus: files made by the tests, the way other departments send them."""

from __future__ import annotations

import io
import zlib
from datetime import date, timedelta

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from dataquery import iin


def person_iins(count: int, start: date = date(1961, 3, 15)) -> list[str]:
    """`count` distinct valid person IINs; every third one born in the 2000s (leading zero)."""
    out: list[str] = []
    serial = 0
    while len(out) < count:
        n = len(out)
        born = date(2003, 1, 1) + timedelta(days=n) if n % 3 == 0 else start + timedelta(days=n)
        made = iin.make_iin(born, "M" if n % 2 else "F", serial % 10_000)
        serial += 1
        if made is not None:
            out.append(made)
    return out


def bin_number(serial: int = 1) -> str:
    """A valid BIN (5th digit 4: a legal entity)."""
    while True:
        first11 = f"0704{4}{serial:06d}"[:11]
        digit = iin.check_digit(first11)
        if digit is not None:
            return f"{first11}{digit}"
        serial += 1


def bad_checksum(value: str) -> str:
    return value[:11] + str((int(value[11]) + 1) % 10)


def csv_bytes(
    rows: list[list[str]], delimiter: str = ";", encoding: str = "utf-8", newline: str = "\r\n"
) -> bytes:
    lines = [delimiter.join(_quoted(cell, delimiter) for cell in row) for row in rows]
    return (newline.join(lines) + newline).encode(encoding)


def _quoted(cell: str, delimiter: str) -> str:
    if delimiter in cell or '"' in cell or "\n" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def xlsx_bytes(sheets: dict[str, list[list[object]]], start_row: int = 0) -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    for name, rows in sheets.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(start_row + r, c, value)
                elif value is not None:
                    sheet.write(start_row + r, c, value)
    workbook.close()
    return buffer.getvalue()


def xls_bytes(sheets: dict[str, list[list[object]]]) -> bytes:
    import xlwt

    workbook = xlwt.Workbook(encoding="utf-8")
    for name, rows in sheets.items():
        sheet = workbook.add_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def many_iins_csv(count: int, seed: int = 3) -> tuple[bytes, int]:
    """`count` rows of one IIN each (valid, generated with numpy), and how many are distinct."""
    rng = np.random.default_rng(seed)
    m = int(count * 1.1) + 10
    year = rng.integers(0, 100, m, dtype=np.int16)
    month = rng.integers(1, 13, m, dtype=np.int16)
    day = rng.integers(1, 29, m, dtype=np.int16)
    century = rng.integers(3, 7, m, dtype=np.int16)
    serial = rng.integers(0, 10_000, m, dtype=np.int16)
    first = [
        year // 10,
        year % 10,
        month // 10,
        month % 10,
        day // 10,
        day % 10,
        century,
        serial // 1000,
        serial // 100 % 10,
        serial // 10 % 10,
        serial % 10,
    ]
    s1 = sum(w * d for w, d in zip(range(1, 12), first, strict=True)) % 11
    s2 = sum(w * d for w, d in zip((3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2), first, strict=True)) % 11
    check = np.where(s1 == 10, s2, s1)
    ok = np.flatnonzero(check != 10)[:count]
    lines = np.empty((count, 13), dtype=np.uint8)
    for position, digit in enumerate([*first, check]):
        lines[:, position] = digit[ok] + 48
    lines[:, 12] = ord("\n")
    numbers = np.zeros(count, dtype=np.int64)
    for position in range(12):
        numbers = numbers * 10 + (lines[:, position] - 48)
    numbers.sort()
    distinct = 1 + int(np.count_nonzero(numbers[1:] != numbers[:-1]))
    return b"iin\n" + lines.tobytes(), distinct
