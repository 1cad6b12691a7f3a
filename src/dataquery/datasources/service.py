"""External SQL sources and the catalog datasets refreshed from them.

A source is a SQLAlchemy URL (the bank's Oracle schemas, PostgreSQL, a DuckDB file). Its URL,
credentials included, is kept encrypted (Fernet, key from DQ_SOURCES_KEY or DQ_SECRET_KEY);
the API and the logs only ever see it with the password replaced by ***.

A refresh reads the source's table or SELECT in batches (a server-side cursor, `yield_per`)
into a Parquet scratch file through Arrow, then loads it with the catalog's own loader inside
the job's transaction: the table, the catalog row and the list index change together or not at
all, so a failed refresh, wherever it fails, leaves the old data as it was.
"""

from __future__ import annotations

import base64
import hashlib
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import sqlalchemy as sa
from apscheduler.triggers.cron import CronTrigger
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from dataquery.core.clock import bank_timezone
from dataquery.core.config import Settings
from dataquery.core.db import Base, utcnow
from dataquery.core.errors import Conflict, InvalidInput, NotFound
from dataquery.core.progress import Progress
from dataquery.datasets.catalog import STANDARD_BY_NAME, DatasetSpec
from dataquery.datasets.models import Dataset, DatasetCategory
from dataquery.datasets.service import load_dataset
from dataquery.datasources.models import DataSource, SourceDataset
from dataquery.jobs.models import Job
from dataquery.jobs.runner import JobAudit, JobRunner, job_handler, job_settings

BACKENDS = frozenset({"postgresql", "duckdb", "oracle"})
BATCH_ROWS = 50_000
STAGES = ("job.stage.source_read", "job.stage.load")

_DATASET_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$#]*(\.[A-Za-z_][A-Za-z0-9_$#]*)?$")
_SELECT = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)


# --- credentials -----------------------------------------------------------------------------


def _fernet(settings: Settings) -> Fernet:
    secret = (settings.sources_key or settings.secret_key).get_secret_value()
    digest = hashlib.sha256(b"dataquery.datasources:" + secret.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _encrypt(settings: Settings, url: URL) -> str:
    plain = url.render_as_string(hide_password=False).encode()
    return _fernet(settings).encrypt(plain).decode()


def source_url(settings: Settings, source: DataSource) -> URL:
    try:
        return make_url(_fernet(settings).decrypt(source.secret.encode()).decode())
    except InvalidToken as exc:
        raise Conflict(
            f"the URL of source {source.name!r} cannot be decrypted with the current key; "
            "enter it again",
            code="datasource.undecryptable",
            params={"name": source.name},
        ) from exc


def parse_url(text: str) -> URL:
    try:
        url = make_url(text.strip())
    except (sa.exc.ArgumentError, ValueError) as exc:
        raise InvalidInput(
            "not a SQLAlchemy URL", code="datasource.bad_url", params={"field": "url"}
        ) from exc
    backend = url.get_backend_name()
    if backend not in BACKENDS:
        raise InvalidInput(
            f"sources may be {', '.join(sorted(BACKENDS))}, not {backend}",
            code="datasource.unsupported_backend",
            params={"backend": backend, "allowed": sorted(BACKENDS)},
        )
    if backend == "duckdb" and url.database in (None, "", ":memory:"):
        raise InvalidInput(
            "a DuckDB source is a file: duckdb:///path/to/file.duckdb",
            code="datasource.duckdb_needs_file",
        )
    return url


def display_url(url: URL) -> str:
    return url.render_as_string(hide_password=True)


def _scrub(text: str, url: URL) -> str:
    """An error message of a driver, without the source's password in it (some echo the DSN)."""
    if url.password:
        text = text.replace(str(url.password), "***")
    return text[:500]


# --- sources ---------------------------------------------------------------------------------


def list_sources(db: Session) -> Sequence[DataSource]:
    return db.scalars(sa.select(DataSource).order_by(DataSource.name)).all()


def get_source(db: Session, source_id: str) -> DataSource:
    source = db.get(DataSource, source_id)
    if source is None:
        raise NotFound("no such data source", code="datasource.not_found", params={"id": source_id})
    return source


def create_source(
    db: Session, settings: Settings, username: str, name: str, url_text: str
) -> DataSource:
    url = parse_url(url_text)
    if db.scalar(sa.select(DataSource.id).where(DataSource.name == name)) is not None:
        raise Conflict(
            f"a data source named {name!r} exists already",
            code="datasource.duplicate",
            params={"name": name},
        )
    source = DataSource(
        id=str(uuid.uuid4()),
        name=name,
        dialect=url.get_backend_name(),
        display_url=display_url(url),
        secret=_encrypt(settings, url),
        created_by=username,
        created_at=utcnow(),
    )
    db.add(source)
    db.flush()
    return source


def update_source(
    db: Session, settings: Settings, source_id: str, name: str | None, url_text: str | None
) -> DataSource:
    source = get_source(db, source_id)
    if name is not None and name != source.name:
        if db.scalar(sa.select(DataSource.id).where(DataSource.name == name)) is not None:
            raise Conflict(
                f"a data source named {name!r} exists already",
                code="datasource.duplicate",
                params={"name": name},
            )
        source.name = name
    if url_text is not None:
        url = parse_url(url_text)
        source.dialect = url.get_backend_name()
        source.display_url = display_url(url)
        source.secret = _encrypt(settings, url)
        source.last_test_at = None  # the old test said nothing about the new address
        source.last_test_ok = None
    db.flush()
    return source


def delete_source(db: Session, source_id: str) -> DataSource:
    source = get_source(db, source_id)
    used = db.scalars(
        sa.select(SourceDataset.dataset).where(SourceDataset.source_id == source_id)
    ).all()
    if used:
        raise Conflict(
            f"datasets are refreshed from {source.name!r}: {', '.join(used)}; remove them first",
            code="datasource.in_use",
            params={"name": source.name, "datasets": list(used)},
        )
    db.delete(source)
    db.flush()
    return source


def source_engine(settings: Settings, source: DataSource) -> Engine:
    url = source_url(settings, source)
    if url.get_backend_name() == "duckdb":
        # Another DuckDB file is read, never written: read-only lets its owner keep writing.
        return sa.create_engine(url, poolclass=NullPool, connect_args={"read_only": True})
    return sa.create_engine(url, poolclass=NullPool)


@dataclass(frozen=True)
class ConnectionTest:
    ok: bool
    ms: float
    code: str | None = None
    detail: str | None = None


def test_connection(db: Session, settings: Settings, source: DataSource) -> ConnectionTest:
    """Connect and run a trivial query; the outcome is kept on the source."""
    url = source_url(settings, source)
    started = time.perf_counter()
    probe = "SELECT 1 FROM DUAL" if source.dialect == "oracle" else "SELECT 1"
    try:
        engine = source_engine(settings, source)
        try:
            with engine.connect() as conn:
                conn.execute(sa.text(probe)).scalar_one()
        finally:
            engine.dispose()
        result = ConnectionTest(ok=True, ms=round((time.perf_counter() - started) * 1000, 1))
    except ModuleNotFoundError as exc:
        result = ConnectionTest(
            ok=False,
            ms=round((time.perf_counter() - started) * 1000, 1),
            code="datasource.driver_missing",
            detail=f"the driver is not installed: {exc.name}",
        )
    except Exception as exc:  # any driver's error: the outcome, not a 500
        result = ConnectionTest(
            ok=False,
            ms=round((time.perf_counter() - started) * 1000, 1),
            code="datasource.connection_failed",
            detail=_scrub(f"{type(exc).__name__}: {exc}", url),
        )
    source.last_test_at = utcnow()
    source.last_test_ok = result.ok
    db.flush()
    return result


# --- datasets from sources -------------------------------------------------------------------


def list_mappings(db: Session) -> Sequence[SourceDataset]:
    return db.scalars(sa.select(SourceDataset).order_by(SourceDataset.dataset)).all()


def get_mapping(db: Session, dataset: str) -> SourceDataset:
    mapping = db.get(SourceDataset, dataset)
    if mapping is None:
        raise NotFound(
            f"dataset {dataset!r} is not refreshed from a source",
            code="datasource.mapping_not_found",
            params={"dataset": dataset},
        )
    return mapping


def check_schedule(schedule: str | None) -> str | None:
    if schedule is None or not schedule.strip():
        return None
    try:
        CronTrigger.from_crontab(schedule.strip(), timezone=bank_timezone())
    except ValueError as exc:
        raise InvalidInput(
            f"not a cron schedule (minute hour day month weekday): {exc}",
            code="datasource.bad_schedule",
            params={"field": "schedule"},
        ) from exc
    return schedule.strip()


def create_mapping(
    db: Session,
    username: str,
    *,
    dataset: str,
    source_id: str,
    category: str,
    description: str | None,
    source_table: str | None,
    query: str | None,
    schedule: str | None,
) -> SourceDataset:
    get_source(db, source_id)
    if not _DATASET_NAME.match(dataset) or dataset.startswith(("dq_", "upload_")):
        raise InvalidInput(
            "a dataset name is lower-case latin letters, digits and _, not dq_ or upload_",
            code="datasource.bad_dataset_name",
            params={"field": "dataset"},
        )
    if category not in {c.value for c in DatasetCategory} or category == "upload":
        raise InvalidInput(
            f"unknown category {category!r}",
            code="datasource.bad_category",
            params={"field": "category"},
        )
    if (source_table is None) == (query is None):
        raise InvalidInput(
            "give either a table of the source or a SELECT, not both",
            code="datasource.table_or_query",
            params={"field": "source_table"},
        )
    if source_table is not None and not _TABLE_NAME.match(source_table):
        raise InvalidInput(
            "a table is NAME or SCHEMA.NAME",
            code="datasource.bad_table",
            params={"field": "source_table"},
        )
    if query is not None and (not _SELECT.match(query) or ";" in query):
        raise InvalidInput(
            "a query is one SELECT (or WITH ... SELECT) statement, without ;",
            code="datasource.bad_query",
            params={"field": "query"},
        )
    if db.get(SourceDataset, dataset) is not None:
        raise Conflict(
            f"dataset {dataset!r} is refreshed from a source already",
            code="datasource.mapping_exists",
            params={"dataset": dataset},
        )
    existing = db.get(Dataset, dataset)
    if existing is not None and existing.category == DatasetCategory.UPLOAD.value:
        raise Conflict(
            f"{dataset!r} is an upload",
            code="datasource.mapping_exists",
            params={"dataset": dataset},
        )
    mapping = SourceDataset(
        dataset=dataset,
        source_id=source_id,
        category=category,
        description=description,
        source_table=source_table,
        query=query,
        schedule=check_schedule(schedule),
        created_by=username,
        created_at=utcnow(),
    )
    db.add(mapping)
    db.flush()
    return mapping


def update_mapping(db: Session, dataset: str, schedule: str | None) -> SourceDataset:
    mapping = get_mapping(db, dataset)
    mapping.schedule = check_schedule(schedule)
    db.flush()
    return mapping


def delete_mapping(db: Session, dataset: str) -> None:
    """Stop refreshing the dataset from its source (the dataset and its data stay)."""
    db.delete(get_mapping(db, dataset))
    db.flush()


def source_statement(mapping: SourceDataset) -> sa.Executable:
    """What a refresh runs on the source, for the source's dialect."""
    if mapping.source_table is not None:
        # Unquoted, as the admin typed it, so each database folds its case as usual (Oracle
        # to upper, PostgreSQL to lower); only letters, digits, _ $ # and one dot get here.
        if not _TABLE_NAME.match(mapping.source_table):
            raise InvalidInput(
                "a table is NAME or SCHEMA.NAME",
                code="datasource.bad_table",
                params={"field": "source_table"},
            )
        return sa.text(f"SELECT * FROM {mapping.source_table}")
    assert mapping.query is not None
    return sa.text(mapping.query)


def _array(values: Sequence[Any], kind: pa.DataType | None) -> pa.Array:
    if kind is None:
        array = pa.array(values)
        return array.cast(pa.string()) if pa.types.is_null(array.type) else array
    if pa.types.is_string(kind):
        return pa.array([None if v is None else str(v) for v in values], type=kind)
    return pa.array(values, type=kind)


def _iin_text(batch: pa.RecordBatch) -> pa.RecordBatch:
    """IINs as 12-character strings: a NUMBER column of Oracle loses the leading zero."""
    position = batch.schema.get_field_index("iin")
    column = batch.column(position)
    if pa.types.is_string(column.type):
        return batch
    text = pc.utf8_lpad(pc.cast(column, pa.string()), width=12, padding="0")
    return batch.set_column(position, pa.field("iin", pa.string()), text)


def stream_to_parquet(
    engine: Engine, statement: sa.Executable, path: Path, progress: Progress | None = None
) -> int:
    """Read `statement` on `engine` batch by batch into the Parquet file `path`; its rows."""
    writer: pq.ParquetWriter | None = None
    schema: pa.Schema | None = None
    total = 0
    try:
        with engine.connect() as conn:
            result = conn.execution_options(stream_results=True, yield_per=BATCH_ROWS).execute(
                statement
            )
            names = [str(k).lower() for k in result.keys()]  # noqa: SIM118 (a Result, not a dict)
            if "iin" not in names:
                raise InvalidInput(
                    "the source's rows have no iin column",
                    code="datasource.no_iin_column",
                    params={"columns": names[:50]},
                )
            for part in result.partitions(BATCH_ROWS):
                columns = list(zip(*part, strict=True))
                kinds = [None] * len(names) if schema is None else list(schema.types)
                arrays = [_array(col, k) for col, k in zip(columns, kinds, strict=True)]
                batch = _iin_text(pa.RecordBatch.from_arrays(arrays, names=names))
                if writer is None:
                    schema = batch.schema
                    writer = pq.ParquetWriter(path, schema)
                writer.write_batch(batch)
                total += batch.num_rows
                if progress:
                    progress(stage_code="job.stage.source_read", done=total)
            if writer is None:  # no rows: the columns, as text
                schema = pa.schema([pa.field(n, pa.string()) for n in names])
                writer = pq.ParquetWriter(path, schema)
                writer.write_table(schema.empty_table())
    finally:
        if writer is not None:
            writer.close()
    return total


def spec_of(mapping: SourceDataset) -> DatasetSpec:
    """A standard dataset keeps its table; another lives in `src_<name>`, never an app table."""
    standard = STANDARD_BY_NAME.get(mapping.dataset)
    if standard is not None:
        return standard
    table = f"src_{mapping.dataset}"
    assert table not in Base.metadata.tables
    return DatasetSpec(
        mapping.dataset, DatasetCategory(mapping.category), mapping.description or "", table
    )


def refresh(
    db: Session, settings: Settings, dataset: str, progress: Progress | None = None
) -> dict[str, Any]:
    """Refresh a dataset from its source in the caller's transaction (the job's)."""
    mapping = get_mapping(db, dataset)
    source = get_source(db, mapping.source_id)
    scratch_dir = settings.data_dir / "sources"
    scratch_dir.mkdir(parents=True, exist_ok=True)
    scratch = scratch_dir / f"{dataset}-{uuid.uuid4().hex[:12]}.parquet"
    engine = source_engine(settings, source)
    try:
        try:
            rows = stream_to_parquet(engine, source_statement(mapping), scratch, progress)
        except InvalidInput:
            raise
        except Exception as exc:
            raise InvalidInput(
                _scrub(
                    f"reading {source.name} failed: {type(exc).__name__}: {exc}",
                    source_url(settings, source),
                ),
                code="datasource.read_failed",
                params={"source": source.name, "dataset": dataset},
            ) from exc
        if progress:
            progress(stage_code="job.stage.load", done=0, total=1)
        loaded = load_dataset(db, spec_of(mapping), scratch)
        loaded.source = f"{source.name}:{mapping.source_table or 'query'}"
        db.flush()
    finally:
        engine.dispose()
        scratch.unlink(missing_ok=True)
    return {"dataset": dataset, "rows": rows, "source": source.name}


def due_refreshes(db: Session, now: datetime) -> list[str]:
    """The datasets whose cron schedule (bank time) fired since they were last started or
    refreshed (or since they were mapped), as of `now` (aware, or naive UTC)."""
    moment = now if now.tzinfo else now.replace(tzinfo=UTC)
    due = []
    rows = db.execute(
        sa.select(SourceDataset, Dataset.refreshed_at)
        .outerjoin(Dataset, Dataset.name == SourceDataset.dataset)
        .where(SourceDataset.schedule.is_not(None))
    ).all()
    for mapping, refreshed_at in rows:
        assert mapping.schedule is not None
        trigger = CronTrigger.from_crontab(mapping.schedule, timezone=bank_timezone())
        since = max(
            t for t in (mapping.created_at, refreshed_at, mapping.last_started_at) if t
        ).replace(tzinfo=UTC)
        fire = trigger.get_next_fire_time(None, since)
        if fire is not None and since < fire <= moment:
            due.append(mapping.dataset)
    return due


def start_refresh(
    runner: JobRunner, db: Session, settings: Settings, username: str, dataset: str
) -> Job:
    """Refresh as a job (its own session, commit, audit row and progress)."""
    mapping = get_mapping(db, dataset)

    job = runner.enqueue(
        db,
        "datasource.refresh",
        username,
        {"dataset": dataset},
        audit=JobAudit(username, "data_sources.refresh_job", f"dataset={dataset}"),
        exclusive=f"datasource.refresh:{dataset}",
        busy=lambda job_id: Conflict(
            f"{dataset!r} is being refreshed already",
            code="datasource.refresh_running",
            params={"dataset": dataset, "job_id": job_id},
        ),
    )
    mapping.last_job_id = job.id
    mapping.last_started_at = utcnow()
    db.flush()
    return job


@job_handler("datasource.refresh")
def refresh_job(db: Session, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    return refresh(db, job_settings(db), params["dataset"], progress)


def run_due(runner: JobRunner, factory: sessionmaker[Session], settings: Settings) -> list[str]:
    """Start a refresh of every dataset whose schedule is due (the scheduler's tick)."""
    started = []
    with factory.begin() as db:
        for dataset in due_refreshes(db, datetime.now(UTC)):
            try:
                start_refresh(runner, db, settings, "scheduler", dataset)
            except Conflict:
                continue  # still running from the last tick
            started.append(dataset)
    return started
