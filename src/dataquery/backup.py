"""Backup and restore of the warehouse's own tables: the app's `dq_*` tables, the bank's
campaign tables and their code sequences, and the catalog's dataset tables.

A backup is a directory: one Parquet file per table and `manifest.json` with the schema
revision, each table's row count and the SHA-256 of its file, and the sequences' values.
DuckDB writes and reads the Parquet itself (COPY ... TO / read_parquet); PostgreSQL streams each
table through COPY ... TO STDOUT into Arrow batches, and back through COPY ... FROM STDIN.

Restore checks everything it can before it touches the warehouse (manifest, files, checksums,
schema revision: a backup made by newer code is refused), then replaces the rows of every table
in one transaction and checks each table's row count against the manifest before it commits.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection, Engine

from dataquery.core.bulk import settled
from dataquery.core.health import app_version
from dataquery.core.migrate import alembic_config, upgrade
from dataquery.datasets.models import Dataset
from dataquery.models import Base

FORMAT = 1
MANIFEST = "manifest.json"
VERSION_TABLE = "dq_alembic_version"
BATCH_ROWS = 200_000

Say = Callable[[str], None]


class BackupError(Exception):
    """A backup that cannot be made or restored; `code` names why (the CLI prints both)."""

    def __init__(self, detail: str, *, code: str) -> None:
        super().__init__(detail)
        self.code = code


@dataclass(frozen=True)
class TableEntry:
    name: str
    file: str
    rows: int
    sha256: str
    dataset: bool  # a catalog dataset's table (made by the loader, not by the migrations)


# --- what is in the warehouse --------------------------------------------------------------


def code_revision() -> str:
    """The newest schema revision this code knows."""
    script = ScriptDirectory.from_config(alembic_config("duckdb://"))
    head = script.get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config("duckdb://"))
    return {rev.revision for rev in script.walk_revisions()}


def warehouse_revision(conn: Connection) -> str | None:
    """The warehouse's schema revision, None when it was never migrated. (Read directly:
    Alembic's MigrationContext needs the DuckDB implementation that only env.py registers.)"""
    if VERSION_TABLE not in table_names(conn):
        return None
    versions = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(versions) != 1:
        raise BackupError(
            f"the warehouse has {len(versions)} schema revisions (branches?)",
            code="backup.bad_revision",
        )
    return str(versions[0])


def _app_tables() -> list[sa.Table]:
    return list(Base.metadata.sorted_tables)


def _dataset_tables(conn: Connection) -> list[str]:
    names = conn.execute(sa.select(Dataset.table_name).order_by(Dataset.table_name)).scalars().all()
    existing = table_names(conn)
    return [n for n in names if n in existing]


def table_names(conn: Connection) -> set[str]:
    """The warehouse's tables (information_schema: DuckDB's SQLAlchemy reflection is partial)."""
    query = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
    return set(conn.execute(sa.text(query)).scalars())


def _sequences() -> list[sa.Sequence]:
    return sorted(Base.metadata._sequences.values(), key=lambda s: s.name)


def _sequence_value(conn: Connection, sequence: sa.Sequence) -> int | None:
    """The last value handed out, or None when none was."""
    if conn.dialect.name == "duckdb":
        row = conn.execute(
            sa.text("SELECT last_value FROM duckdb_sequences() WHERE sequence_name = :n"),
            {"n": sequence.name},
        ).first()
        return None if row is None or row[0] is None else int(row[0])
    quoted = conn.dialect.identifier_preparer.format_sequence(sequence)
    last, called = conn.execute(sa.text(f"SELECT last_value, is_called FROM {quoted}")).one()
    return int(last) if called else None


def _set_sequence(conn: Connection, sequence: sa.Sequence, last: int | None) -> None:
    quoted = conn.dialect.identifier_preparer.format_sequence(sequence)
    if conn.dialect.name == "duckdb":
        # DuckDB has no setval: the sequence is made again, starting after the last value.
        conn.execute(sa.text(f"DROP SEQUENCE {quoted}"))
        conn.execute(sa.text(f"CREATE SEQUENCE {quoted} START WITH {int(last or 0) + 1}"))
        return
    if last is None:
        conn.execute(sa.text("SELECT setval(:s, 1, false)"), {"s": sequence.name})
    else:
        conn.execute(sa.text("SELECT setval(:s, :v, true)"), {"s": sequence.name, "v": last})


# --- Arrow types of the app's columns (PostgreSQL's COPY speaks CSV) ---------------------


def _arrow_type(column: sa.Column[Any]) -> pa.DataType:
    kind = column.type
    if isinstance(kind, sa.TypeDecorator):
        kind = kind.impl_instance
    if isinstance(kind, sa.Boolean):
        return pa.bool_()
    if isinstance(kind, sa.BigInteger | sa.Integer | sa.SmallInteger):
        return pa.int64()
    if isinstance(kind, sa.Float):
        return pa.float64()
    if isinstance(kind, sa.Numeric):
        return pa.decimal128(kind.precision or 38, kind.scale or 0)
    if isinstance(kind, sa.DateTime):
        return pa.timestamp("us")
    if isinstance(kind, sa.Date):
        return pa.date32()
    return pa.string()


def _schema_of(table: sa.Table) -> pa.Schema:
    return pa.schema([pa.field(c.name, _arrow_type(c)) for c in table.columns])


_PG_TYPES: list[tuple[Callable[[pa.DataType], bool], str]] = [
    (pa.types.is_boolean, "BOOLEAN"),
    (pa.types.is_integer, "BIGINT"),
    (pa.types.is_floating, "DOUBLE PRECISION"),
    (pa.types.is_decimal, "NUMERIC"),
    (pa.types.is_timestamp, "TIMESTAMP"),
    (pa.types.is_date, "DATE"),
]


def _pg_type(kind: pa.DataType) -> str:
    return next((sql for test, sql in _PG_TYPES if test(kind)), "TEXT")


def _pg_dataset_schema(conn: Connection, table: str) -> pa.Schema:
    """A dataset table's columns as Arrow types, from PostgreSQL's catalog."""
    rows = conn.execute(
        sa.text(
            "SELECT column_name, data_type FROM information_schema.columns"
            " WHERE table_name = :t AND table_schema = current_schema() ORDER BY ordinal_position"
        ),
        {"t": table},
    ).all()
    mapping = {
        "boolean": pa.bool_(),
        "bigint": pa.int64(),
        "integer": pa.int64(),
        "smallint": pa.int64(),
        "double precision": pa.float64(),
        "real": pa.float64(),
        "date": pa.date32(),
        "timestamp without time zone": pa.timestamp("us"),
    }
    return pa.schema([pa.field(name, mapping.get(kind, pa.string())) for name, kind in rows])


# --- writing a backup ----------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _dump_duckdb(conn: Connection, table: str, path: Path) -> None:
    quoted = conn.dialect.identifier_preparer.quote(table)
    settled(conn).execute(
        f"COPY (SELECT * FROM {quoted}) TO {_sql_string(str(path))} (FORMAT parquet)"
    )


def _dump_postgres(conn: Connection, table: str, schema: pa.Schema, path: Path) -> None:
    """COPY the table out as CSV to a scratch file, then into Parquet batch by batch."""
    quote = conn.dialect.identifier_preparer.quote
    columns = ", ".join(quote(n) for n in schema.names)
    dbapi = conn.connection.driver_connection
    with tempfile.NamedTemporaryFile(suffix=".csv", dir=path.parent, delete=False) as scratch:
        scratch_path = Path(scratch.name)
        with (
            dbapi.cursor() as cursor,  # type: ignore[union-attr]
            cursor.copy(
                f"COPY (SELECT {columns} FROM {quote(table)}) TO STDOUT (FORMAT csv)"
            ) as copy,
        ):
            for chunk in copy:
                scratch.write(chunk)
    try:
        with pq.ParquetWriter(path, schema) as writer:
            if scratch_path.stat().st_size == 0:
                writer.write_table(schema.empty_table())
                return
            reader = pacsv.open_csv(
                scratch_path,
                read_options=pacsv.ReadOptions(column_names=schema.names, block_size=16 << 20),
                parse_options=pacsv.ParseOptions(newlines_in_values=True),
                convert_options=pacsv.ConvertOptions(
                    column_types=schema,
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=False,
                    true_values=["t"],
                    false_values=["f"],
                ),
            )
            for batch in reader:
                writer.write_batch(batch)
    finally:
        scratch_path.unlink(missing_ok=True)


def backup(engine: Engine, out: Path, say: Say | None = None) -> dict[str, Any]:
    """Write a backup of the warehouse to the new directory `out`; returns the manifest."""
    say = say or (lambda _: None)
    if out.exists() and any(out.iterdir()):
        raise BackupError(f"{out} exists and is not empty", code="backup.out_not_empty")
    out.mkdir(parents=True, exist_ok=True)
    entries: list[TableEntry] = []
    # One read transaction: every table as of the same moment (PostgreSQL: REPEATABLE READ).
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as conn, conn.begin():
        revision = warehouse_revision(conn)
        if revision is None:
            raise BackupError("the warehouse is not migrated", code="backup.not_migrated")
        tables: list[tuple[str, pa.Schema | None, bool]] = [
            (t.name, _schema_of(t), False) for t in _app_tables()
        ]
        tables += [
            (name, None if conn.dialect.name == "duckdb" else _pg_dataset_schema(conn, name), True)
            for name in _dataset_tables(conn)
        ]
        for name, schema, is_dataset in tables:
            path = out / f"{name}.parquet"
            if conn.dialect.name == "duckdb":
                _dump_duckdb(conn, name, path)
            else:
                assert schema is not None
                _dump_postgres(conn, name, schema, path)
            rows = pq.ParquetFile(path).metadata.num_rows
            entries.append(TableEntry(name, path.name, rows, _sha256(path), is_dataset))
            say(f"{name}: {rows} rows")
        sequences = {s.name: _sequence_value(conn, s) for s in _sequences()}
    manifest = {
        "format": FORMAT,
        "app_version": app_version(),
        "schema_revision": revision,
        "engine": engine.dialect.name,
        "created_at": datetime.now(UTC).isoformat(),
        "tables": [e.__dict__ for e in entries],
        "sequences": sequences,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return manifest


# --- restoring one -------------------------------------------------------------------------


def read_manifest(source: Path) -> tuple[dict[str, Any], list[TableEntry]]:
    """The manifest and its tables, with every file present and matching its checksum."""
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{path} is missing: not a backup", code="backup.no_manifest")
    try:
        manifest = json.loads(path.read_text())
        entries = [TableEntry(**t) for t in manifest["tables"]]
        revision = str(manifest["schema_revision"])
    except (ValueError, KeyError, TypeError) as exc:
        detail = f"{path} is not a valid manifest: {exc}"
        raise BackupError(detail, code="backup.bad_manifest") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(
            f"backup format {manifest.get('format')!r} is not {FORMAT}", code="backup.bad_manifest"
        )
    if revision not in known_revisions():
        raise BackupError(
            f"the backup's schema revision {revision} is newer than this code's "
            f"({code_revision()}): restore it with the version that made it",
            code="backup.newer_schema",
        )
    for entry in entries:
        file = source / entry.file
        if Path(entry.file).name != entry.file or not file.is_file():
            raise BackupError(f"{entry.file} is missing", code="backup.file_missing")
        if _sha256(file) != entry.sha256:
            raise BackupError(
                f"{entry.file} does not match its checksum: the backup is damaged",
                code="backup.checksum_mismatch",
            )
        if pq.ParquetFile(file).metadata.num_rows != entry.rows:
            raise BackupError(
                f"{entry.file} does not hold the {entry.rows} rows the manifest says",
                code="backup.row_count_mismatch",
            )
    return manifest, entries


def _batches(file: Path) -> Iterator[pa.RecordBatch]:
    yield from pq.ParquetFile(file).iter_batches(batch_size=BATCH_ROWS)


def _copy_in(conn: Connection, table: str, file: Path) -> None:
    """PostgreSQL: COPY the Parquet file's rows into the table, batch by batch."""
    quote = conn.dialect.identifier_preparer.quote
    names = pq.ParquetFile(file).schema_arrow.names
    columns = ", ".join(quote(n) for n in names)
    # Every value quoted, so that an empty string stays one and only an empty field is NULL.
    options = pacsv.WriteOptions(include_header=False, quoting_style="all_valid")
    dbapi = conn.connection.driver_connection
    with (
        dbapi.cursor() as cursor,  # type: ignore[union-attr]
        cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN (FORMAT csv)") as copy,
    ):
        for batch in _batches(file):
            buffer = pa.BufferOutputStream()
            pacsv.write_csv(batch, buffer, write_options=options)
            copy.write(buffer.getvalue().to_pybytes())


def _load(conn: Connection, entry: TableEntry, file: Path) -> None:
    quoted = conn.dialect.identifier_preparer.quote(entry.name)
    if conn.dialect.name == "duckdb":
        source = f"read_parquet({_sql_string(str(file))})"
        if entry.dataset:
            settled(conn).execute(f"CREATE OR REPLACE TABLE {quoted} AS SELECT * FROM {source}")
        else:
            settled(conn).execute(f"INSERT INTO {quoted} BY NAME SELECT * FROM {source}")
        return
    if entry.dataset:
        schema = pq.ParquetFile(file).schema_arrow
        columns = ", ".join(
            f"{conn.dialect.identifier_preparer.quote(f.name)} {_pg_type(f.type)}" for f in schema
        )
        conn.execute(sa.text(f"DROP TABLE IF EXISTS {quoted}"))
        conn.execute(sa.text(f"CREATE TABLE {quoted} ({columns})"))
    _copy_in(conn, entry.name, file)
    if entry.dataset and "iin" in pq.ParquetFile(file).schema_arrow.names:
        conn.execute(sa.text(f"CREATE INDEX ON {quoted} (iin)"))  # as the loader makes them
        conn.execute(sa.text(f"ANALYZE {quoted}"))


def restore(engine: Engine, source: Path, say: Say | None = None) -> dict[str, Any]:
    """Replace the warehouse's tables with the backup in `source`; returns its manifest.

    The warehouse must be at the backup's schema revision, or not migrated at all (then it is
    migrated to that revision first); afterwards it is migrated to this code's newest."""
    say = say or (lambda _: None)
    manifest, entries = read_manifest(source)
    revision = str(manifest["schema_revision"])
    with engine.connect() as conn:
        current = warehouse_revision(conn)
    if current is None:
        say(f"migrating the empty warehouse to the backup's revision {revision}")
        upgrade(engine, revision)
    elif current != revision:
        raise BackupError(
            f"the warehouse is at schema revision {current}, the backup at {revision}: "
            "restore into a new, empty warehouse",
            code="backup.revision_differs",
        )
    app_names = {t.name for t in _app_tables()}
    unknown = [e.name for e in entries if not e.dataset and e.name not in app_names]
    if unknown:
        raise BackupError(f"unknown tables in the backup: {unknown}", code="backup.bad_manifest")
    with engine.begin() as conn:
        for table in reversed(_app_tables()):
            conn.execute(table.delete())
        for name in _dataset_tables(conn):
            if name not in {e.name for e in entries}:
                conn.execute(sa.text(f"DROP TABLE {conn.dialect.identifier_preparer.quote(name)}"))
        for entry in entries:
            _load(conn, entry, source / entry.file)
            quoted = conn.dialect.identifier_preparer.quote(entry.name)
            count = int(conn.execute(sa.text(f"SELECT COUNT(*) FROM {quoted}")).scalar_one())
            if count != entry.rows:
                raise BackupError(
                    f"{entry.name}: {count} rows restored, the manifest says {entry.rows}",
                    code="backup.row_count_mismatch",
                )
            say(f"{entry.name}: {count} rows")
        by_name = {s.name: s for s in _sequences()}
        for name, last in (manifest.get("sequences") or {}).items():
            if name in by_name:
                _set_sequence(conn, by_name[name], last)
    if revision != code_revision():
        say(f"migrating from {revision} to {code_revision()}")
        upgrade(engine)
    return manifest
