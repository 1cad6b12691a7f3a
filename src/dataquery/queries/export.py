"""Exports of a query's result (or a viewer's filtered table, sent as a spec) as CSV, XLSX or
Parquet, streamed in Arrow batches through a signed download link.

The link carries the spec, signed: the download compiles it again for the user named in it, so a
role taken away since is a role taken away. Up to `JOB_ROWS` rows the link streams the result
directly; above, a job writes the file first (with progress) and the link fetches it once.
XLSX: IINs (and every text) as text cells, a bold header, the header row frozen.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import sqlalchemy as sa
import xlsxwriter
from sqlalchemy.engine import Connection, Engine

from dataquery.core import links
from dataquery.core.bulk import compiled_sql, settled
from dataquery.core.errors import NotAuthenticated, NotFound
from dataquery.core.progress import Progress
from dataquery.queries import sources as src
from dataquery.queries.compiler import Compiled

BATCH_ROWS = 50_000
CHUNK_BYTES = 1 << 20
XLSX_MAX_ROWS = 1_048_575
JOB_ROWS = 100_000
FILE_HOURS = 1
AUDIENCE = "dq:query-export"
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "parquet": "application/vnd.apache.parquet",
}
_FILE = re.compile(r"[0-9a-f]{32}\.(csv|xlsx|parquet)")
_ARROW_TYPES = {
    src.NUMBER: pa.float64(),
    src.TEXT: pa.string(),
    src.BOOLEAN: pa.bool_(),
    src.DATE: pa.date32(),
    src.TIMESTAMP: pa.timestamp("us"),
}


def sign(secret: str, username: str, spec: dict[str, Any], fmt: str, file: str = "") -> Any:
    return links.sign(
        secret, AUDIENCE, {"sub": username, "spec": spec, "format": fmt, "file": file}
    )


def read(secret: str, token: str) -> dict[str, Any]:
    try:
        return links.read(secret, AUDIENCE, token, ("sub", "spec", "format"))
    except links.LinkRefused as exc:
        if exc.expired:
            raise NotAuthenticated(
                "the download link has expired; export again", code="query.export.link_expired"
            ) from exc
        raise NotAuthenticated(
            "the download link is not valid", code="query.export.link_invalid"
        ) from exc


def schema_of(compiled: Compiled) -> pa.Schema:
    return pa.schema([(c.name, _ARROW_TYPES[c.kind]) for c in compiled.columns])


def unlimited(compiled: Compiled) -> sa.Select[Any]:
    """The statement for an export: every row up to the limit (compiled with the export's cap,
    DQ_QUERY_EXPORT_MAX_ROWS), without the extra row a result asks for to tell it was cut."""
    return compiled.statement.limit(compiled.limit)


def count_rows(engine: Engine, compiled: Compiled) -> int:
    query = sa.select(sa.func.count()).select_from(unlimited(compiled).order_by(None).subquery())
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


def _batches(
    conn: Connection, query: sa.Select[Any], schema: pa.Schema
) -> Iterator[pa.RecordBatch]:
    if conn.dialect.name == "duckdb":
        sql, params = compiled_sql(conn, query)
        reader = settled(conn).sql(sql, params=params).to_arrow_reader(BATCH_ROWS)
        for batch in reader:
            yield pa.RecordBatch.from_arrays(
                [col.cast(field.type) for col, field in zip(batch.columns, schema, strict=True)],
                schema=schema,
            )
        return
    result = conn.execution_options(stream_results=True, yield_per=BATCH_ROWS).execute(query)
    for rows in result.partitions():
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in schema]
        arrays = [
            pa.array(
                [float(v) if v is not None and f.type == pa.float64() else v for v in col], f.type
            )
            for col, f in zip(columns, schema, strict=True)
        ]
        yield pa.RecordBatch.from_arrays(arrays, schema=schema)


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


def _csv(batches: Iterator[pa.RecordBatch], schema: pa.Schema) -> Iterator[bytes]:
    header = io.BytesIO()
    pacsv.write_csv(pa.table({f.name: pa.array([], f.type) for f in schema}), header)
    yield header.getvalue()
    options = pacsv.WriteOptions(include_header=False)
    for batch in batches:
        buffer = io.BytesIO()
        pacsv.write_csv(batch, buffer, write_options=options)
        yield buffer.getvalue()


def _parquet(batches: Iterator[pa.RecordBatch], schema: pa.Schema) -> Iterator[bytes]:
    sink = _Drain()
    with pq.ParquetWriter(sink, schema, compression="zstd") as writer:
        for batch in batches:
            writer.write_batch(batch)
            if data := sink.take():
                yield data
    yield sink.take()


def write_xlsx(
    batches: Iterator[pa.RecordBatch],
    schema: pa.Schema,
    path: Path,
    rows_written: Callable[[int], None] | None = None,
) -> int:
    """Constant memory; a sheet per 1 048 575 rows; text cells for text (IINs keep their zeros),
    a bold header row, frozen."""
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    header = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    names = schema.names
    kinds = [f.type for f in schema]
    sheet: Any = None
    row = XLSX_MAX_ROWS
    sheets = written = 0

    def new_sheet() -> Any:
        nonlocal sheets
        sheets += 1
        added = workbook.add_worksheet("result" if sheets == 1 else f"result{sheets}")
        for index, name in enumerate(names):
            added.set_column(index, index, max(12, min(40, len(name) + 4)))
            added.write_string(0, index, name, header)
        added.freeze_panes(1, 0)
        return added

    for batch in batches:
        columns = [c.to_pylist() for c in batch.columns]
        for values in zip(*columns, strict=True):
            if row >= XLSX_MAX_ROWS:
                sheet, row = new_sheet(), 0
            row += 1
            for index, value in enumerate(values):
                if value is None:
                    continue
                kind = kinds[index]
                if kind == pa.string():
                    sheet.write_string(row, index, value, text)
                elif kind == pa.date32():
                    sheet.write_datetime(row, index, value, day)
                elif pa.types.is_timestamp(kind):
                    sheet.write_datetime(row, index, value, moment)
                elif kind == pa.bool_():
                    sheet.write_boolean(row, index, value)
                else:
                    sheet.write_number(row, index, value)
        written += batch.num_rows
        if rows_written is not None:
            rows_written(written)
    if sheet is None:
        new_sheet()
    workbook.close()
    return written


def stream(engine: Engine, compiled: Compiled, fmt: str) -> Iterator[bytes]:
    """The export, in chunks; holds its own connection until the last chunk is sent."""
    import os
    import tempfile

    schema = schema_of(compiled)
    with engine.connect() as conn:
        batches = _batches(conn, unlimited(compiled), schema)
        if fmt == "csv":
            yield from _csv(batches, schema)
        elif fmt == "parquet":
            yield from _parquet(batches, schema)
        else:
            handle, name = tempfile.mkstemp(suffix=".xlsx")
            os.close(handle)
            path = Path(name)
            try:
                write_xlsx(batches, schema, path)
                with open(path, "rb") as file:
                    while chunk := file.read(CHUNK_BYTES):
                        yield chunk
            finally:
                path.unlink(missing_ok=True)


def exports_dir(data_dir: Path) -> Path:
    folder = data_dir / "query-exports"
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - FILE_HOURS * 3600
    for stale in folder.iterdir():
        if stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)
    return folder


def write_job_file(
    engine: Engine, compiled: Compiled, fmt: str, path: Path, total: int, progress: Progress
) -> int:
    """The job's work: the whole result into `path`, reporting rows written."""

    def rows_written(n: int) -> None:
        progress(stage_code="job.stage.export_rows", done=n, total=max(total, n))

    rows_written(0)
    partial = path.with_suffix(".part")
    schema = schema_of(compiled)
    written = 0
    with engine.connect() as conn:
        batches = _batches(conn, unlimited(compiled), schema)
        if fmt == "xlsx":
            written = write_xlsx(batches, schema, partial, rows_written)
        else:
            with open(partial, "wb") as out:
                writer = _csv if fmt == "csv" else _parquet

                def counted() -> Iterator[pa.RecordBatch]:
                    nonlocal written
                    for batch in batches:
                        yield batch
                        written += batch.num_rows
                        rows_written(written)

                for chunk in writer(counted(), schema):
                    out.write(chunk)
    partial.rename(path)  # a reader never sees half a file
    return written


def job_file(data_dir: Path, name: str) -> Path:
    path = exports_dir(data_dir) / name
    if not _FILE.fullmatch(name) or not path.exists():
        raise NotFound(
            "the exported file is gone (fetched once already, or expired); export again",
            code="query.export.file_gone",
        )
    return path


def stream_file(path: Path) -> Iterator[bytes]:
    """A job's file, once: it is removed when sent."""
    try:
        with open(path, "rb") as file:
            while chunk := file.read(CHUNK_BYTES):
                yield chunk
    finally:
        path.unlink(missing_ok=True)
