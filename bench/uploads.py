"""Benchmark: uploads of a 50 MB CSV and a 50 MB XLSX, product path against the old baseline.

    .venv/bin/python bench/uploads.py [--rows 2000000] [--xlsx-rows 1040000] [--skip-xlsx]

Generates the files once under var/bench/ (a CP1251 CSV with `;` and a Russian header, and an
XLSX written by xlsxwriter in constant-memory mode), then, each in a fresh process so one cannot
pollute the other's memory:

* product: `dataquery.uploads.service.process_upload` (format detection, parse, IIN validation,
  report, dataset stored in a temporary DuckDB warehouse, committed);
* baseline: what the old system did, pandas `read_csv` / `read_excel` (openpyxl), then a Python
  loop validating each IIN, then the counts and the distinct IINs.

Prints both timings, the ratios and the peak RSS of each process. Targets (issue 4): CSV end to
end <= 2 s and >= 5x the baseline; XLSX >= 5x the baseline; peak memory <= 1 GB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from common import peak_rss_mb

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"
MB = 1024 * 1024
SEGMENTS = ["А1", "Б2", "В3", "VIP", "Г"]
_W1 = np.arange(1, 12)
_W2 = np.array([3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])


# --- data -------------------------------------------------------------------------------------


def _valid_iins(rng: np.random.Generator, n: int) -> np.ndarray:
    """n valid person IINs as (n, 12) ASCII bytes (numbers with no check digit are redrawn)."""
    out = np.empty((0, 12), dtype=np.uint8)
    while len(out) < n:
        m = int((n - len(out)) * 1.2) + 16
        year = rng.integers(0, 100, m)
        month = rng.integers(1, 13, m)
        day = rng.integers(1, 29, m)
        century = rng.integers(3, 7, m)
        serial = rng.integers(0, 10000, m)
        first = np.stack(
            [
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
            ],
            axis=1,
        )
        s1 = (first * _W1).sum(axis=1) % 11
        s2 = (first * _W2).sum(axis=1) % 11
        check = np.where(s1 == 10, s2, s1)
        ok = check != 10
        digits = np.concatenate([first[ok], check[ok, None]], axis=1).astype(np.uint8) + 48
        out = np.concatenate([out, digits])
    return out[:n]


def iin_texts(rng: np.random.Generator, n: int) -> list[str]:
    """IINs as an analyst's file has them: mostly valid, about 2% bad or odd, some repeats."""
    digits = _valid_iins(rng, n)
    texts = digits.view("S12").ravel().astype(str).tolist()
    pick = rng.random(n)
    for i in np.flatnonzero(pick < 0.02).tolist():
        kind = i % 6
        if kind == 0:  # wrong check digit
            texts[i] = texts[i][:11] + str((int(texts[i][11]) + 1) % 10)
        elif kind == 1 and texts[i][0] == "0":  # Excel lost the leading zero
            texts[i] = texts[i][1:]
        elif kind == 2:  # a repeat of an earlier row
            texts[i] = texts[max(0, i - 1000)]
        elif kind == 3:
            texts[i] = ""
        elif kind == 4:
            texts[i] = "нет данных"
        else:
            texts[i] = texts[i][:6] + "5" + texts[i][7:]  # century digit moved: bad checksum
    return texts


def make_csv(path: Path, rows: int, seed: int = 1) -> None:
    rng = np.random.default_rng(seed)
    iins = iin_texts(rng, rows)
    amounts = rng.integers(0, 100_000, rows).astype(str).tolist()
    segments = [SEGMENTS[i] for i in rng.integers(0, len(SEGMENTS), rows).tolist()]
    filials = [f"{i:02d}" for i in rng.integers(1, 37, rows).tolist()]
    lines = ["ИИН;Сумма;Сегмент;Филиал"]
    lines += [
        f"{a};{b};{c};{d}" for a, b, c, d in zip(iins, amounts, segments, filials, strict=True)
    ]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1251"))


def make_xlsx(path: Path, rows: int, seed: int = 2) -> None:
    import xlsxwriter

    rng = np.random.default_rng(seed)
    iins = iin_texts(rng, rows)
    amounts = rng.integers(0, 100_000, rows).tolist()
    scores = np.round(rng.random(rows), 4).tolist()
    segments = [SEGMENTS[i] for i in rng.integers(0, len(SEGMENTS), rows).tolist()]
    filials = [f"{i:02d}" for i in rng.integers(1, 37, rows).tolist()]
    phones = [f"+77{n:09d}" for n in rng.integers(0, 10**9, rows).tolist()]
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("Клиенты")
    sheet.write_row(0, 0, ["ИИН", "Сумма", "Скоринг", "Сегмент", "Филиал", "Телефон"])
    for r in range(rows):
        text = iins[r]
        if r % 7 == 0 and text.isdigit():  # a numeric cell: the leading zero is gone
            sheet.write_number(r + 1, 0, int(text))
        else:
            sheet.write_string(r + 1, 0, text)
        sheet.write_number(r + 1, 1, amounts[r])
        sheet.write_number(r + 1, 2, scores[r])
        sheet.write_string(r + 1, 3, segments[r])
        sheet.write_string(r + 1, 4, filials[r])
        sheet.write_string(r + 1, 5, phones[r])
    workbook.close()


# --- the two paths, each run in a fresh process -----------------------------------------------


PRODUCT_RUNS = 3  # the baseline, at ten times the time, runs once


def run_product(path: Path) -> dict[str, Any]:
    from dataquery.core.db import create_warehouse_engine, make_sessionmaker
    from dataquery.core.migrate import upgrade
    from dataquery.uploads import service

    with tempfile.TemporaryDirectory() as tmp:
        engine = create_warehouse_engine(f"duckdb:///{tmp}/warehouse.duckdb")
        upgrade(engine)
        factory = make_sessionmaker(engine)
        # A server has its modules loaded and warmed up before an upload: do the same with a
        # small file, so one-time import costs (pyarrow loads its pandas shim) are not counted.
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
        runs = []  # [wall, cpu] of each upload: the median is reported
        for run in range(PRODUCT_RUNS):
            started = time.perf_counter()
            cpu = time.process_time()
            with factory.begin() as db:
                report = service.process_upload(
                    db, source, service.UploadOptions(), owner="bench", upload_id=f"bench{run:011d}"
                )
            runs.append((time.perf_counter() - started, time.process_time() - cpu))
            if run == 0:  # one upload's peak (later ones add their tables to DuckDB's cache)
                peak = peak_rss_mb()
        seconds, cpu_seconds = sorted(runs)[len(runs) // 2]
        engine.dispose()
    counts = {k: v for k, v in report.items() if k.startswith(("rows_", "unique_"))}
    return {"seconds": seconds, "cpu_seconds": cpu_seconds, "counts": counts, "peak_rss_mb": peak}


def _baseline_valid(value: object) -> tuple[str, str | None]:
    """A straightforward per-IIN validation, as the old Streamlit app did it."""
    if value is None or (isinstance(value, float) and value != value):
        return "empty", None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    if not text:
        return "empty", None
    if not text.isdigit():
        return "invalid_format", None
    if len(text) == 11:
        text = "0" + text
    if len(text) != 12:
        return "invalid_format", None
    digits = [int(c) for c in text]
    total = sum(d * w for d, w in zip(digits[:11], range(1, 12), strict=True)) % 11
    if total == 10:
        weights = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
        total = sum(d * w for d, w in zip(digits[:11], weights, strict=True)) % 11
        if total == 10:
            return "bad_checksum", None
    if total != digits[11]:
        return "bad_checksum", None
    if digits[4] in (4, 5, 6):
        return "bin", None
    century = digits[6]
    if not 1 <= century <= 6:
        return "invalid_format", None
    month, day = digits[2] * 10 + digits[3], digits[4] * 10 + digits[5]
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return "invalid_format", None
    return "valid", text


def run_baseline(path: Path) -> dict[str, Any]:
    import pandas as pd

    started = time.perf_counter()
    cpu = time.process_time()
    if path.suffix == ".csv":
        frame = pd.read_csv(path, sep=";", encoding="cp1251", dtype=str)
    else:
        frame = pd.read_excel(path, engine="openpyxl")
    counts: dict[str, int] = {}
    valid: list[str] = []
    for value in frame.iloc[:, 0].tolist():
        kind, iin = _baseline_valid(value)
        counts[kind] = counts.get(kind, 0) + 1
        if iin is not None:
            valid.append(iin)
    counts["unique"] = len(set(valid))
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "cpu_seconds": time.process_time() - cpu, "counts": counts}


def _child(kind: str, path: Path) -> None:
    result = run_product(path) if kind == "product" else run_baseline(path)
    result.setdefault("peak_rss_mb", peak_rss_mb())
    print(json.dumps(result))


def _in_fresh_process(kind: str, path: Path) -> dict[str, Any]:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    output = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _compare(label: str, path: Path, seconds_target: float | None) -> None:
    size = path.stat().st_size / MB
    product = _in_fresh_process("product", path)
    baseline = _in_fresh_process("baseline", path)
    ratio = baseline["seconds"] / product["seconds"]
    print(f"\n{label}: {path.name}, {size:.1f} MB")
    print(
        f"  product : {product['seconds']:6.2f} s wall, {product['cpu_seconds']:6.2f} s CPU, "
        f"peak RSS {product['peak_rss_mb']:.0f} MB (median of {PRODUCT_RUNS}; RSS: 1st)"
    )
    print(
        f"  baseline: {baseline['seconds']:6.2f} s wall, {baseline['cpu_seconds']:6.2f} s CPU, "
        f"peak RSS {baseline['peak_rss_mb']:.0f} MB"
    )
    verdicts = [f"{ratio:.1f}x faster (target >= 5x: {'ok' if ratio >= 5 else 'MISSED'})"]
    if seconds_target is not None:
        met = "ok" if product["seconds"] <= seconds_target else "MISSED"
        verdicts.append(
            f"end to end {product['seconds']:.2f} s (target <= {seconds_target} s: {met})"
        )
    memory = "ok" if product["peak_rss_mb"] <= 1024 else "MISSED"
    verdicts.append(f"peak memory {product['peak_rss_mb']:.0f} MB (target <= 1024 MB: {memory})")
    print("  " + "; ".join(verdicts))
    print(f"  product counts : {product['counts']}")
    print(f"  baseline counts: {baseline['counts']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000, help="CSV data rows")
    parser.add_argument("--xlsx-rows", type=int, default=1_040_000, help="XLSX data rows")
    parser.add_argument("--skip-xlsx", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], Path(args.child[1]))
        return

    OUT.mkdir(parents=True, exist_ok=True)
    csv_path = OUT / f"upload_{args.rows}.csv"
    if not csv_path.exists():
        print(f"generating {csv_path} ...", flush=True)
        make_csv(csv_path, args.rows)
    _compare("CSV (CP1251, ';', Russian header)", csv_path, 2.0)
    if not args.skip_xlsx:
        xlsx_path = OUT / f"upload_{args.xlsx_rows}.xlsx"
        if not xlsx_path.exists():
            print(f"generating {xlsx_path} ...", flush=True)
            make_xlsx(xlsx_path, args.xlsx_rows)
        _compare("XLSX (xlsxwriter, constant memory)", xlsx_path, None)


if __name__ == "__main__":
    main()
