"""Streamed exports of a campaign's members as CSV, XLSX or Parquet.

Rows leave the warehouse in Arrow batches (DuckDB's reader, PostgreSQL's server-side cursor) and
are written out batch by batch: memory stays flat whatever the campaign's size. XLSX is written
by xlsxwriter in constant-memory mode to a temporary file (a zip is only readable once closed)
and streamed from there; IINs are text cells, so Excel keeps their leading zeros.
"""

from __future__ import annotations

import io
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import sqlalchemy as sa
import xlsxwriter
from sqlalchemy.engine import Connection, Engine

from dataquery.bank.tables import local_control, local_target
from dataquery.core import links
from dataquery.core.bulk import compiled_sql, settled
from dataquery.core.errors import NotAuthenticated
from dataquery.core.progress import Progress

BATCH_ROWS = 100_000
CHUNK_BYTES = 1 << 20
XLSX_MAX_ROWS = 1_048_575  # per sheet, below the header row

SCHEMA = pa.schema([("iin", pa.string()), ("group", pa.string())])
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}


LINK_SECONDS = links.LINK_SECONDS
_LINK_AUDIENCE = "dq:campaign-export"


def sign_link(
    secret: str, code: str, format: str, group: str, username: str, file: str = ""
) -> tuple[str, datetime]:
    """A signed token for one export (JWT, minutes-long): the URL carries no bearer token.
    `file`: the name of a file a job wrote (large XLSX), sent instead of a fresh stream."""
    claims = {"sub": username, "code": code, "format": format, "group": group, "file": file}
    return links.sign(secret, _LINK_AUDIENCE, claims, LINK_SECONDS)


def read_link(secret: str, token: str) -> dict[str, str]:
    """The export a link stands for; 401 when it is forged, expired or of another kind."""
    try:
        claims = links.read(secret, _LINK_AUDIENCE, token, ("sub", "code", "format", "group"))
    except links.LinkRefused as exc:
        if exc.expired:
            raise NotAuthenticated(
                "the download link has expired; export again",
                code="campaign.export.link_expired",
            ) from exc
        raise NotAuthenticated(
            "the download link is not valid", code="campaign.export.link_invalid"
        ) from exc
    found = {key: str(claims[key]) for key in ("sub", "code", "format", "group")}
    return {**found, "file": str(claims.get("file") or "")}


def members_query(code: str, group: str) -> sa.Select[Any]:
    parts = []
    for name, table in (("target", local_target), ("control", local_control)):
        if group in (name, "all"):
            parts.append(
                sa.select(table.c.iin, sa.literal(name, sa.String).label("group")).where(
                    table.c.camp_cd == code
                )
            )
    union = sa.union_all(*parts).subquery("members") if len(parts) > 1 else parts[0].subquery()
    return sa.select(union.c.iin, union.c.group).order_by(union.c.group.desc(), union.c.iin)


def _batches(conn: Connection, query: sa.Select[Any]) -> Iterator[pa.RecordBatch]:
    if conn.dialect.name == "duckdb":
        sql, params = compiled_sql(conn, query)
        reader = settled(conn).sql(sql, params=params).to_arrow_reader(BATCH_ROWS)
        for batch in reader:
            yield pa.RecordBatch.from_arrays(batch.columns, schema=SCHEMA)
        return
    result = conn.execution_options(stream_results=True, yield_per=BATCH_ROWS).execute(query)
    for rows in result.partitions():
        iins, groups = zip(*rows, strict=True) if rows else ((), ())
        yield pa.RecordBatch.from_arrays(
            [pa.array(iins, pa.string()), pa.array(groups, pa.string())], schema=SCHEMA
        )


def stream(engine: Engine, code: str, group: str, fmt: str) -> Iterator[bytes]:
    """The export, in chunks; holds its own connection until the last chunk is sent."""
    with engine.connect() as conn:
        batches = _batches(conn, members_query(code, group))
        if fmt == "csv":
            yield from _csv(batches)
        elif fmt == "parquet":
            yield from _parquet(batches)
        else:
            yield from _xlsx(batches)


def _csv(batches: Iterator[pa.RecordBatch]) -> Iterator[bytes]:
    yield b"iin,group\n"
    options = pacsv.WriteOptions(include_header=False, quoting_style="none")
    for batch in batches:
        buffer = io.BytesIO()
        pacsv.write_csv(batch, buffer, write_options=options)
        yield buffer.getvalue()


class _Drain(io.RawIOBase):
    """A write-only file whose contents are taken away as they come."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._position = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._chunks.append(chunk)
        self._position += len(chunk)
        return len(chunk)

    def tell(self) -> int:
        return self._position

    def take(self) -> bytes:
        data = b"".join(self._chunks)
        self._chunks.clear()
        return data


def _parquet(batches: Iterator[pa.RecordBatch]) -> Iterator[bytes]:
    sink = _Drain()
    with pq.ParquetWriter(sink, SCHEMA, compression="zstd") as writer:
        for batch in batches:
            writer.write_batch(batch)
            if data := sink.take():
                yield data
    yield sink.take()


def _xlsx(batches: Iterator[pa.RecordBatch]) -> Iterator[bytes]:
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(batches, Path(path))
        with open(path, "rb") as file:
            while chunk := file.read(CHUNK_BYTES):
                yield chunk
    finally:
        os.unlink(path)


def write_xlsx(
    batches: Iterator[pa.RecordBatch], path: Path, rows_written: Callable[[int], None] | None = None
) -> int:
    """The members into an XLSX file at `path` (constant memory, a sheet per 1 048 575 rows);
    `rows_written(n)` after each batch. Returns the rows written."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    header = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    sheet = None
    row = XLSX_MAX_ROWS  # forces the first sheet
    sheets = written = 0
    for batch in batches:
        iins = batch.column(0).to_pylist()
        groups = batch.column(1).to_pylist()
        for iin, group in zip(iins, groups, strict=True):
            if row >= XLSX_MAX_ROWS:
                sheets += 1
                sheet = workbook.add_worksheet("members" if sheets == 1 else f"members{sheets}")
                sheet.set_column(0, 0, 16, text)
                sheet.set_column(1, 1, 10)
                sheet.write_string(0, 0, "iin", header)
                sheet.write_string(0, 1, "group", header)
                sheet.freeze_panes(1, 0)
                row = 0
            row += 1
            assert sheet is not None
            sheet.write_string(row, 0, iin, text)
            sheet.write_string(row, 1, group)
        written += len(iins)
        if rows_written is not None:
            rows_written(written)
    if sheet is None:
        sheet = workbook.add_worksheet("members")
        sheet.write_string(0, 0, "iin", header)
        sheet.write_string(0, 1, "group", header)
        sheet.freeze_panes(1, 0)
    workbook.close()
    return written


# Large XLSX exports are written by a job (with progress) into DQ_DATA_DIR/exports, then fetched
# once through a signed link, which removes the file; files nobody fetched go after an hour.
XLSX_JOB_ROWS = 100_000
FILE_HOURS = 1


def exports_dir(data_dir: Path) -> Path:
    folder = data_dir / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - FILE_HOURS * 3600
    for stale in folder.glob("*.xlsx"):
        if stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)
    return folder


def write_job_file(
    engine: Engine, code: str, group: str, path: Path, total: int, progress: Progress
) -> int:
    """The job's work: the XLSX of `code`'s members at `path`, reporting rows written."""

    def rows_written(n: int) -> None:
        progress(stage_code="job.stage.export_rows", done=n, total=max(total, n))

    rows_written(0)
    partial = path.with_suffix(".part")
    with engine.connect() as conn:
        written = write_xlsx(_batches(conn, members_query(code, group)), partial, rows_written)
    partial.rename(path)  # a reader never sees half a file
    return written


def stream_file(path: Path) -> Iterator[bytes]:
    """A job's file, once: it is removed when sent."""
    try:
        with open(path, "rb") as file:
            while chunk := file.read(CHUNK_BYTES):
                yield chunk
    finally:
        path.unlink(missing_ok=True)
