"""Hostile files: each is refused with a coded 413/422 before it can crash, freeze or bloat the
server, and the server goes on answering. Every file is made here and stays small on disk.

On the code before these limits, the dense-grid workbooks (far-apart cells, a DIMENSIONS record
that wraps around) made calamine ask for hundreds of gigabytes and abort the test process; the
others were read whole (gigabytes for a few megabytes of file) and answered 201 or a 422
without a code.
"""

from __future__ import annotations

import base64
import io
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from corpus import cells_row, csv_bytes, person_iins, xls_bytes, xlsx_by_hand
from fastapi.testclient import TestClient
from upload_clients import Clients

from dataquery.uploads.limits import UploadLimits
from dataquery.uploads.xlsx_guard import check_xlsx

IINS = person_iins(20)
URL = "/api/v1/uploads"


def post(client: TestClient, content: bytes, name: str, **fields: str) -> Any:
    return client.post(URL, files={"file": (name, content)}, data=fields)


def refused(
    client: TestClient, content: bytes, name: str, status: int, code: str
) -> dict[str, Any]:
    """Upload a hostile file: it must be refused with this status and code, and the server must
    still take a normal upload afterwards."""
    response = post(client, content, name)
    assert response.status_code == status, response.text[:500]
    body: dict[str, Any] = response.json()
    assert body["code"] == code, body
    still_up = post(client, csv_bytes([["iin"], [IINS[0]], [IINS[1]]]), "normal.csv")
    assert still_up.status_code == 201, still_up.text[:500]
    return body


def iin_rows(count: int = 3) -> str:
    """A header and `count` IIN rows, as sheet XML."""
    rows = cells_row(1, {"A": "iin"})
    return rows + "".join(cells_row(i + 2, {"A": IINS[i % len(IINS)]}) for i in range(count))


# --- finding 1: a sheet whose two cells are far apart ---------------------------------------


def test_a_sheet_spanning_the_whole_grid_is_refused_before_calamine_reads_it(
    as_analyst: TestClient,
) -> None:
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'
    # The declared dimension says A1 only: it is not what the guard trusts.
    content = xlsx_by_hand(iin_rows() + far, dimension="A1")
    assert len(content) < 2000
    body = refused(as_analyst, content, "grid.xlsx", 413, "upload.sheet_too_large")
    assert (body["params"]["rows"], body["params"]["columns"]) == (1_048_576, 16_384)
    assert body["params"]["sheet"] == "Лист1"


def test_far_cells_without_references_or_with_prefixes_are_measured_too(
    as_analyst: TestClient,
) -> None:
    # Cells without `r`: calamine places them after the row's `r` and the cell before.
    implicit = '<row r="1048576"><c><v>1</v></c></row><row r="5"><c r="ZZ5"><v>2</v></c></row>'
    content = xlsx_by_hand(iin_rows() + implicit)
    body = refused(as_analyst, content, "implicit.xlsx", 413, "upload.sheet_too_large")
    assert (body["params"]["rows"], body["params"]["columns"]) == (1_048_576, 702)
    # A namespace prefix on every element (some writers do this).
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    prefixed = (
        f'<x:worksheet xmlns:x="{main}"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr">'
        f'<x:is><x:t>iin</x:t></x:is></x:c></x:row><x:row r="900000"><x:c r="KZ900000">'
        "<x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>"
    ).encode()
    body = refused(
        as_analyst, xlsx_by_hand(prefixed), "prefixed.xlsx", 413, "upload.sheet_too_large"
    )
    assert (body["params"]["rows"], body["params"]["columns"]) == (900_000, 312)


def test_rows_past_excels_last_row_are_refused(as_analyst: TestClient) -> None:
    tall = '<row r="20000000"><c r="A20000000" t="inlineStr"><is><t>x</t></is></c></row>'
    body = refused(
        as_analyst, xlsx_by_hand(iin_rows() + tall), "tall.xlsx", 413, "upload.sheet_too_large"
    )
    assert body["params"]["rows"] == 20_000_000
    assert body["params"]["max_rows"] == 1_048_576


def test_an_xls_spanning_its_whole_grid_or_declaring_a_wrapped_one_is_refused(
    as_analyst: TestClient,
) -> None:
    sheet: list[list[object]] = [["iin"], *[[v] for v in IINS[:3]]]
    wide = xls_bytes({"L": [*sheet, *([[]] * 65_531), [None] * 255 + [1.0]]})
    body = refused(as_analyst, wide, "grid.xls", 413, "upload.sheet_too_large")
    assert body["params"]["cells"] == 65_536 * 256  # as its DIMENSIONS record declares
    # The same cells with DIMENSIONS declaring five rows: the cells themselves are measured.
    lying = _with_dimensions(wide, first_row=0, last_row=5)
    body = refused(as_analyst, lying, "lying.xls", 413, "upload.sheet_too_large")
    assert (body["params"]["rows"], body["params"]["columns"]) == (65_536, 256)
    # DIMENSIONS with its last row before its first: calamine's u32 arithmetic wraps around and
    # reserves room for four billion rows.
    wrapped = _with_dimensions(xls_bytes({"L": sheet}), first_row=5, last_row=1)
    refused(as_analyst, wrapped, "wrapped.xls", 413, "upload.sheet_too_large")


def test_an_xls_whose_directory_chain_loops_is_refused(as_analyst: TestClient) -> None:
    # calamine follows the directory's sector chain until its end, growing a buffer: a chain
    # that points back at itself never ends (the old code ran out of memory).
    content = bytearray(xls_bytes({"L": [["iin"], [IINS[0]]]}))
    directory, fat = (
        struct.unpack_from("<I", content, 48)[0],
        struct.unpack_from("<I", content, 76)[0],
    )
    struct.pack_into("<I", content, (fat + 1) * 512 + 4 * directory, directory)
    body = refused(as_analyst, bytes(content), "loop.xls", 422, "upload.damaged_file")
    assert "loops" in body["detail"]


def _with_dimensions(content: bytes, first_row: int, last_row: int) -> bytes:
    """The .xls with its (first) DIMENSIONS record rewritten in place."""
    marker = struct.pack("<HH", 0x0200, 14)
    at = content.index(marker) + 4
    patched = bytearray(content)
    patched[at : at + 8] = struct.pack("<II", first_row, last_row)
    return bytes(patched)


# --- finding 5: what a small file expands to --------------------------------------------------


def test_a_csv_of_commas_is_refused_from_its_first_line(as_analyst: TestClient) -> None:
    body = refused(
        as_analyst, b"," * 3_000_000 + b"\n", "commas.csv", 413, "upload.too_many_columns"
    )
    assert body["params"]["limit"] == 200


def test_a_long_cell_is_refused_and_report_values_are_clipped(as_analyst: TestClient) -> None:
    long_cell = csv_bytes([["iin", "note"], [IINS[0], "я" * 2000], [IINS[1], "x" * 5000]])
    body = refused(as_analyst, long_cell, "long.csv", 413, "upload.cell_too_large")
    assert body["params"] == {"bytes": 5000, "row": 3, "limit": 4096}

    # Within the cell limit, a long value is clipped to 200 characters in the stored report.
    ok = post(as_analyst, csv_bytes([["iin", "note"], [IINS[0], "я" * 2000]]), "note.csv")
    assert ok.status_code == 201, ok.text[:300]
    report = ok.json()
    note = report["preview"][0]["values"][1]
    assert len(note) == 200 and note.endswith("…")
    assert as_analyst.get(f"{URL}/{report['id']}").json()["preview"] == report["preview"]


def test_a_runaway_quoted_row_is_refused_before_the_csv_module_builds_it(
    as_analyst: TestClient,
) -> None:
    head = b"iin;note\n" + IINS[0].encode()
    # A quote never closed: one cell swallowing the rest of the file.
    unclosed = head + b';"' + b"a;\n" * 400_000
    refused(as_analyst, unclosed, "quote.csv", 413, "upload.cell_too_large")
    # Quoted line breaks chaining one row over 300 000 lines, one short field each (after 300
    # ordinary rows, so that the delimiter sniffer does not see it).
    ordinary = b"".join(f"{IINS[i % 20]};x\n".encode() for i in range(300))
    chained = head + b";x\n" + ordinary + IINS[1].encode() + b';"' + b'\n";"' * 300_000 + b'"\n'
    body = refused(as_analyst, chained, "chain.csv", 413, "upload.row_too_large")
    assert body["params"]["limit"] == 200 * (4096 + 3)


def test_a_huge_shared_string_is_refused_before_calamine_opens_the_workbook(
    clients_with: Callable[..., Clients],
) -> None:
    analyst = clients_with(upload_max_text_mb=1)["analyst"]
    # 1.5 MB of text that does not compress (the attack was 1 GB of it, well compressed: the
    # zip's ratio limit refuses that, see the whitespace bomb below).
    huge = base64.b64encode(np.random.default_rng(1).bytes(1_100_000)).decode()
    content = xlsx_by_hand(iin_rows() + '<row r="9"><c r="B9" t="s"><v>0</v></c></row>', [huge])
    body = refused(analyst, content, "huge.xlsx", 413, "upload.text_too_large")
    assert body["params"]["limit_mb"] == 1


def test_a_shared_string_repeated_in_every_cell_counts_each_copy(
    clients_with: Callable[..., Clients],
) -> None:
    analyst = clients_with(upload_max_text_mb=1)["analyst"]
    note = "z" * 1000  # 1 KB, stored once, copied into each of 2 000 cells: 2 MB
    rows = "".join(f'<row r="{r}"><c r="B{r}" t="s"><v>0</v></c></row>' for r in range(5, 2005))
    content = xlsx_by_hand(iin_rows() + rows, [note])
    refused(analyst, content, "copies.xlsx", 413, "upload.text_too_large")


def test_a_whitespace_bomb_and_a_lying_zip_are_refused(as_analyst: TestClient) -> None:
    bomb = xlsx_by_hand(iin_rows(), big_member=("xl/styles.xml", 20 << 20))
    assert len(bomb) < 200_000
    body = refused(as_analyst, bomb, "bomb.xlsx", 413, "upload.unzipped_too_large")
    assert body["params"]["member"] == "xl/styles.xml" and body["params"]["ratio"] > 100

    honest = xlsx_by_hand(iin_rows(50))
    refused(
        as_analyst,
        _declared_smaller(honest, "xl/worksheets/sheet1.xml"),
        "lie.xlsx",
        422,
        "upload.damaged_file",
    )


def _declared_smaller(content: bytes, name: str) -> bytes:
    """The zip with `name` declaring a tenth of its real size (local and central headers)."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        info = archive.getinfo(name)
    patched = bytearray(content)
    small = struct.pack("<I", info.file_size // 10)
    patched[info.header_offset + 22 : info.header_offset + 26] = small
    central = patched.index(b"PK\x01\x02")
    while patched[central + 46 : central + 46 + len(name)] != name.encode():
        central = patched.index(b"PK\x01\x02", central + 4)
    patched[central + 24 : central + 28] = small
    return bytes(patched)


def test_rows_past_the_row_limit_are_refused_in_every_format(
    clients_with: Callable[..., Clients],
) -> None:
    analyst = clients_with(upload_max_rows=10)["analyst"]
    eleven = csv_bytes([["iin"], *[[v] for v in IINS[:11]]])
    body = refused(analyst, eleven, "rows.csv", 413, "upload.too_many_rows")
    assert body["params"]["limit"] == 10
    refused(analyst, xlsx_by_hand(iin_rows(11)), "rows.xlsx", 413, "upload.sheet_too_large")
    table = pa.table({"iin": IINS[:11]})
    refused(analyst, _parquet(table), "rows.parquet", 413, "upload.too_many_rows")


def test_a_parquet_of_a_hundred_million_dictionary_rows_is_refused_from_its_footer(
    as_analyst: TestClient,
) -> None:
    # 100 million rows of one repeated value: a few hundred KB on disk, written in row groups so
    # the test never holds them.
    schema = pa.schema([("iin", pa.dictionary(pa.int32(), pa.string()))])
    buffer = io.BytesIO()
    group = pa.table(
        {"iin": pa.DictionaryArray.from_arrays(np.zeros(5_000_000, np.int32), [IINS[0]])},
        schema=schema,
    )
    with pq.ParquetWriter(buffer, schema) as writer:
        for _ in range(20):
            writer.write_table(group, row_group_size=5_000_000)
    content = buffer.getvalue()
    assert len(content) < 2_000_000
    body = refused(as_analyst, content, "many.parquet", 413, "upload.too_many_rows")
    assert body["params"]["rows"] == 100_000_000


def test_repeated_parquet_text_is_counted_before_it_is_expanded(
    clients_with: Callable[..., Clients],
) -> None:
    analyst = clients_with(upload_max_text_mb=1)["analyst"]
    note = "n" * 1000
    table = pa.table(
        {
            "iin": pa.array([IINS[i % 20] for i in range(2000)]),
            "note": pa.DictionaryArray.from_arrays(np.zeros(2000, np.int32), [note]),
        }
    )
    refused(analyst, _parquet(table), "notes.parquet", 413, "upload.text_too_large")


def _parquet(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


# --- finding 13: one CP1251 line in a UTF-8 file ---------------------------------------------


def test_one_cp1251_line_does_not_make_a_utf8_file_cp1251(as_analyst: TestClient) -> None:
    lines = ["имя;iin", *[f"Әлия {i};{IINS[i]}" for i in range(6)]]
    content = "\n".join(lines).encode() + b"\n" + "Иван;".encode("cp1251") + IINS[7].encode()
    response = post(as_analyst, content, "mixed.csv")
    assert response.status_code == 201, response.text[:300]
    report = response.json()
    assert report["encoding"] == "utf-8"
    assert [c["name"] for c in report["columns"]] == ["имя", "iin"]
    assert report["preview"][0]["values"] == ["Әлия 0", IINS[0]]
    assert report["preview"][-1] == {"row": 8, "values": ["Иван", IINS[7]]}
    assert (report["rows_recoded"], report["recoded_rows"]) == (1, [8])
    assert as_analyst.get(f"{URL}/{report['id']}").json() == report


# --- the guard itself ---------------------------------------------------------------------------


def test_the_fast_and_the_exact_sheet_scans_agree(tmp_path: Path) -> None:
    rows = iin_rows(5) + '<row r="7"><c r="C7" s="1"/><c r="D7" t="s"><v>0</v></c></row>'
    plain = tmp_path / "plain.xlsx"
    plain.write_bytes(xlsx_by_hand(rows, ["shared"]))
    # The same cells, with one reference missing: only the exact tokenizer reads that.
    odd = tmp_path / "odd.xlsx"
    odd.write_bytes(xlsx_by_hand(rows.replace('<c r="D7"', "<c"), ["shared"]))
    fast, exact = (check_xlsx(p, UploadLimits()).sheets[0] for p in (plain, odd))
    # C7 is empty (calamine skips it) and D7 follows it: the sheet is A1:D7 both ways.
    assert (fast.rows, fast.columns) == (exact.rows, exact.columns) == (7, 4)
    assert fast.text_bytes == exact.text_bytes


def test_cells_are_limited_in_csv_too(clients_with: Callable[..., Clients]) -> None:
    analyst = clients_with(upload_max_cells=50)["analyst"]
    header = ["iin", *[f"c{i}" for i in range(9)]]
    wide = csv_bytes([header, *[[v, *"abcdefghi"] for v in IINS[:6]]])
    body = refused(analyst, wide, "cells.csv", 413, "upload.too_many_cells")
    assert body["params"] == {"rows": 7, "columns": 10, "limit": 50}
