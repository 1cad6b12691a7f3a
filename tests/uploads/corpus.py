"""The upload corpus: files made by the tests, the way other departments send them."""

from __future__ import annotations

import io
import zipfile
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


# --- hostile files, written by hand so that they stay tiny ------------------------------------

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsx_by_hand(
    sheet_data: str | bytes,
    shared_strings: list[str] | None = None,
    *,
    dimension: str | None = None,
    big_member: tuple[str, int] | None = None,
) -> bytes:
    """A one-sheet workbook from the XML inside `<sheetData>` (str) or the whole sheet (bytes),
    with optional shared strings, an optional `<dimension>` (which may lie) and an optional
    extra member of `big_member[1]` spaces (a whitespace bomb, written in blocks)."""
    if isinstance(sheet_data, bytes):
        sheet = sheet_data
    else:
        declared = f'<dimension ref="{dimension}"/>' if dimension else ""
        sheet = (
            f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}">{declared}'
            f"<sheetData>{sheet_data}</sheetData></worksheet>"
        ).encode()
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.sheet.main+xml"/></Types>'
    )
    package_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_DOC}">'
        '<sheets><sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_RELS}">'
        f'<Relationship Id="rId1" Type="{_DOC}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_DOC}/sharedStrings" Target="sharedStrings.xml"/>'
        "</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", package_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        if shared_strings is not None:
            items = "".join(f"<si><t>{text}</t></si>" for text in shared_strings)
            archive.writestr(
                "xl/sharedStrings.xml",
                f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}" '
                f'count="{len(shared_strings)}">{items}</sst>',
            )
        if big_member is not None:
            name, size = big_member
            with archive.open(name, "w", force_zip64=True) as member:
                for _ in range(size // (1 << 20)):
                    member.write(b" " * (1 << 20))
    return buffer.getvalue()


def cells_row(row: int, values: dict[str, str]) -> str:
    """`<row>` with inline-string cells, e.g. cells_row(1, {"A": "iin"})."""
    cells = "".join(
        f'<c r="{column}{row}" t="inlineStr"><is><t>{text}</t></is></c>'
        for column, text in values.items()
    )
    return f'<row r="{row}">{cells}</row>'
