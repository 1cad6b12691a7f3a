"""Benchmark: the worst files the upload limits accept, each through the product, with its peak
memory. Target (issue 10): every accepted upload is processed with peak RSS <= 1.5 GB.

    .venv/bin/python bench/upload_limits.py [--only NAME ...] [--keep]

Builds each file once under var/bench/limits/ (at the default limits: 50 MB, 5 M rows, 200
columns, 12 M cells, 4 KB cells, 256 MB of text), then uploads it in a fresh process through
`dataquery.uploads.service.process_upload` (format detection, the guards, parse, validation,
report, dataset stored in a temporary DuckDB warehouse) and reads that process's VmHWM. A file
the limits refuse is reported as such (it is then not "accepted": the limits would be wrong).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from common import peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench" / "limits"
MB = 1024 * 1024
TARGET_MB = 1536
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
W1 = np.arange(1, 12)
W2 = np.array([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])


# --- data ---------------------------------------------------------------------------------------


def iins(n: int, seed: int = 7) -> np.ndarray:
    """n valid person IINs as 12-byte strings (numpy 'S12')."""
    rng = np.random.default_rng(seed)
    out = np.empty((0, 12), dtype=np.uint8)
    while len(out) < n:
        m = int((n - len(out)) * 1.2) + 16
        year, month, day = rng.integers(0, 100, m), rng.integers(1, 13, m), rng.integers(1, 29, m)
        century, serial = rng.integers(3, 7, m), rng.integers(0, 10000, m)
        first = np.stack(
            [
                *(year // 10, year % 10, month // 10, month % 10, day // 10, day % 10, century),
                *(serial // 1000, serial // 100 % 10, serial // 10 % 10, serial % 10),
            ],
            axis=1,
        )
        s1, s2 = (first * W1).sum(axis=1) % 11, (first * W2).sum(axis=1) % 11
        check = np.where(s1 == 10, s2, s1)
        ok = check != 10
        digits = np.concatenate([first[ok], check[ok, None]], axis=1).astype(np.uint8) + 48
        out = np.concatenate([out, digits])
    return out[:n].copy().view("S12").ravel()


def _lines(rows: list[bytes]) -> bytes:
    return b"\n".join(rows) + b"\n"


def csv_widest(path: Path) -> None:
    """200 columns x 60 000 rows with the header: 12 M cells, the cell limit, in about 48 MB."""
    rows = 59_999
    ids = iins(rows)
    filler = b";" + b";".join([b"abc"] * 199)
    header = b";".join([b"iin", *[f"c{i}".encode() for i in range(1, 200)]])
    path.write_bytes(_lines([header, *[i + filler for i in ids.tolist()]]))


def csv_tallest(path: Path) -> None:
    """5 M rows (the row limit) of one value: one in ten an IIN, the rest a short code."""
    rows = 4_999_999  # and the header: the row limit
    values = np.full(rows, b"123456", dtype="S12")
    values[::10] = iins(len(values[::10]))
    path.write_bytes(b"iin\n" + b"\n".join(values.tolist()) + b"\n")


def csv_biggest_cells(path: Path) -> None:
    """An IIN and a 4 000-byte note a row, to 50 MB: the cell limit in every row."""
    rows = 12_000
    note = base64.b64encode(np.random.default_rng(3).bytes(3000))[:4000]
    path.write_bytes(_lines([b"iin;note"] + [i + b";" + note for i in iins(rows).tolist()]))


def csv_cyrillic(path: Path) -> None:
    """CP1251 text that doubles in UTF-8: 2 000 Cyrillic letters a cell (4 000 bytes once read)."""
    rows = 24_000
    note = ("Ж" * 2000).encode("cp1251")
    lines = ["ИИН;Примечание".encode("cp1251")] + [i + b";" + note for i in iins(rows).tolist()]
    path.write_bytes(b"\r\n".join(lines) + b"\r\n")


def csv_ragged(path: Path) -> None:
    """Rows of 6 and 5 fields (the careful csv-module path), 12 M cells in 48 MB."""
    rows = 1_999_999
    ids = iins(rows).tolist()
    out = [b"iin;a;b;c;d;e"]
    out += [i + (b";1;2;3;4;5" if n % 2 else b";1;2;3;4") for n, i in enumerate(ids)]
    path.write_bytes(_lines(out))


def _zip_xlsx(
    path: Path, sheet_rows: Callable[[Callable[[bytes], None]], None], shared: list[str]
) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats'
            '-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"'
            "/></Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets><sheet '
            'name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        items = "".join(f"<si><t>{s}</t></si>" for s in shared)
        archive.writestr(
            "xl/sharedStrings.xml", f'<?xml version="1.0"?><sst xmlns="{MAIN}">{items}</sst>'
        )
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(f'<?xml version="1.0"?><worksheet xmlns="{MAIN}"><sheetData>'.encode())
            sheet_rows(sheet.write)
            sheet.write(b"</sheetData></worksheet>")


def xlsx_at_limits(path: Path) -> None:
    """1 000 000 rows x 12 columns (12 M cells, the cell limit) where a row holds an IIN in A and
    a number in L, and 47 500 rows also hold in B a 4 000-byte shared string: 245 MB of text
    once calamine copies it into every cell (the text limit is 256 MB)."""
    rows = 999_999
    ids = iins(rows).tolist()
    note = base64.b64encode(np.random.default_rng(4).bytes(3000))[:4000].decode()

    def write(put: Callable[[bytes], None]) -> None:
        put(b'<row r="1"><c r="A1" t="inlineStr"><is><t>iin</t></is></c></row>')
        block = []
        for n, value in enumerate(ids, start=2):
            shared = f'<c r="B{n}" t="s"><v>0</v></c>' if n % 16 == 0 and n < 760_000 else ""
            block.append(
                f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>{value.decode()}</t></is></c>'
                f'{shared}<c r="L{n}"><v>{n}</v></c></row>'
            )
            if len(block) == 50_000:
                put("".join(block).encode())
                block = []
        put("".join(block).encode())

    _zip_xlsx(path, write, [note])


def xls_at_limits(path: Path) -> None:
    """65 536 rows x 183 columns (12 M cells): an IIN in the first column, a number in the last."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("L")
    sheet.write(0, 0, "iin")
    for r, value in enumerate(iins(65_535).tolist(), start=1):
        sheet.write(r, 0, value.decode())
        sheet.write(r, 182, r)
    book.save(str(path))


def parquet_at_limits(path: Path) -> None:
    """2.4 M rows x 5 columns (12 M cells); one column a 40-byte dictionary value a row: 96 MB
    of text out of a few MB, 245 MB in all as the guard counts it (the text limit is 256 MB)."""
    rows = 2_400_000
    note = "n" * 40
    table = pa.table(
        {
            "iin": pa.array(iins(rows).astype(str)),
            "amount": pa.array(np.arange(rows, dtype=np.int64)),
            "score": pa.array(np.round(np.random.default_rng(5).random(rows), 2)),
            "segment": pa.DictionaryArray.from_arrays(
                np.arange(rows, dtype=np.int32) % 4, ["A", "B", "C", "D"]
            ),
            "note": pa.DictionaryArray.from_arrays(np.zeros(rows, np.int32), [note]),
        }
    )
    pq.write_table(table, path, row_group_size=500_000)


FILES: dict[str, tuple[str, Callable[[Path], None]]] = {
    "csv-widest": ("widest.csv", csv_widest),
    "csv-tallest": ("tallest.csv", csv_tallest),
    "csv-biggest-cells": ("cells.csv", csv_biggest_cells),
    "csv-cyrillic": ("cyrillic.csv", csv_cyrillic),
    "csv-ragged": ("ragged.csv", csv_ragged),
    "xlsx": ("limits.xlsx", xlsx_at_limits),
    "xls": ("limits.xls", xls_at_limits),
    "parquet": ("limits.parquet", parquet_at_limits),
}


# --- the product, in a fresh process -------------------------------------------------------------


def run_product(path: Path) -> dict[str, Any]:
    from dataquery.core.db import create_warehouse_engine, make_sessionmaker
    from dataquery.core.errors import DQError
    from dataquery.core.migrate import upgrade
    from dataquery.uploads import service

    with tempfile.TemporaryDirectory() as tmp:
        engine = create_warehouse_engine(f"duckdb:///{tmp}/warehouse.duckdb")
        upgrade(engine)
        factory = make_sessionmaker(engine)
        warm = Path(tmp) / "warm.csv"
        warm.write_bytes("ИИН;Сумма\r\n061211600012;1\r\n".encode("cp1251"))
        with factory.begin() as db:
            service.process_upload(
                db,
                service.SourceFile(warm, warm.name, warm.stat().st_size),
                service.UploadOptions(),
                owner="bench",
                upload_id="warmup0000000001",
            )
        source = service.SourceFile(path, path.name, path.stat().st_size)
        started = time.perf_counter()
        try:
            with factory.begin() as db:
                report = service.process_upload(
                    db, source, service.UploadOptions(), owner="bench", upload_id="limits0000000001"
                )
            outcome = f"accepted: {report['rows_total']:,} rows, {report['unique_iins']:,} IINs"
        except DQError as exc:
            outcome = f"REFUSED {exc.status_code} {exc.code}: {exc.detail[:120]}"
        seconds = time.perf_counter() - started
        engine.dispose()
    return {"seconds": seconds, "outcome": outcome, "peak_rss_mb": peak_rss_mb()}


def _in_fresh_process(path: Path) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run(
        [sys.executable, __file__, "--child", str(path)],
        capture_output=True,
        text=True,
        env=env,
    )
    if done.returncode != 0:
        return {"seconds": 0.0, "peak_rss_mb": 0.0, "outcome": f"CRASHED ({done.returncode})"}
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(FILES), help="some of the files")
    parser.add_argument("--child", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_product(Path(args.child))))
        return

    OUT.mkdir(parents=True, exist_ok=True)
    worst = 0.0
    all_ok = True
    print(f"{'file':18} {'size':>8} {'time':>8} {'peak RSS':>9}  outcome")
    for name in args.only or FILES:
        filename, make = FILES[name]
        path = OUT / filename
        if not path.exists():
            make(path)
        result = _in_fresh_process(path)
        peak = result["peak_rss_mb"]
        ok = result["outcome"].startswith("accepted") and peak <= TARGET_MB
        all_ok &= ok
        worst = max(worst, peak)
        print(
            f"{name:18} {path.stat().st_size / MB:6.1f}MB {result['seconds']:7.1f}s "
            f"{peak:7.0f}MB  {'ok ' if ok else 'MISSED '}{result['outcome']}",
            flush=True,
        )
    verdict = "ok" if all_ok else "MISSED"
    print(
        f"\nworst peak RSS {worst:.0f} MB "
        f"(target <= {TARGET_MB} MB, every file accepted: {verdict})"
    )


if __name__ == "__main__":
    main()
