"""Uploads: from a received file to a validation report and, when accepted, a dataset.

An accepted upload `X` is the dataset and table `upload_X` (category `upload`) with a unique `iin`
column and the file's other columns as text, plus a row in `dq_uploads` with its report. Nothing
is stored for a rejected file (strict mode with bad rows, or no valid IIN at all).
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery import iin
from dataquery.core import metrics
from dataquery.core.db import IIN, utcnow
from dataquery.core.errors import InvalidInput, NotFound, PayloadTooLarge, UnsupportedMediaType
from dataquery.core.progress import Progress, no_progress
from dataquery.datasets.loader import create_table_from_arrow, describe_columns, quoted
from dataquery.datasets.models import Dataset, DatasetCategory, upload_dataset_name
from dataquery.jobs.runner import ProgressReporter, job_handler, job_settings
from dataquery.uploads.columns import (
    choose_iin_column,
    header_names,
    looks_like_header,
    positional_names,
    safe_identifiers,
)
from dataquery.uploads.formats import detect_format
from dataquery.uploads.iins import Category, Classified, classify, first_occurrences
from dataquery.uploads.limits import UploadLimits, clip
from dataquery.uploads.models import Upload
from dataquery.uploads.parse import Column, ParsedTable, combined, read_file
from dataquery.uploads.schemas import UploadReport

Mode = Literal["skip", "strict"]
Purpose = Literal["audience", "suppression"]

MAX_ERRORS = 100
MAX_SHEETS = 100  # sheet names listed in the report
PREVIEW_ROWS = 20
STATUS_READY = "ready"
STATUS_REJECTED = "rejected"
# How far to look for the first row with content (the header or the first data row).
_LEADING_ROWS = 1000

_PROBLEMS = {
    Category.BIN: "bin",
    Category.INVALID_FORMAT: "invalid_format",
    Category.BAD_CHECKSUM: "bad_checksum",
    Category.EMPTY: "empty",
}


@dataclass(frozen=True)
class UploadOptions:
    iin_column: str | None = None
    sheet: str | None = None
    mode: Mode = "skip"
    purpose: Purpose = "audience"


@dataclass(frozen=True)
class SourceFile:
    path: Path
    filename: str
    size: int


@dataclass
class Analysis:
    report: dict[str, Any]
    table: pa.Table | None  # what to store; None when rejected
    rejection: InvalidInput | None  # why the file is refused, raised with the report


def new_upload_id() -> str:
    return uuid.uuid4().hex[:16]


# An upload's stages, in order (`done` of a stage is its index).
STAGES = ("job.stage.detect_format", "job.stage.read", "job.stage.validate", "job.stage.store")


def _stage(progress: Progress, stage_code: str) -> None:
    progress(stage_code, STAGES.index(stage_code), len(STAGES))


def process_upload(
    db: Session,
    source: SourceFile,
    options: UploadOptions,
    *,
    owner: str,
    upload_id: str,
    job_id: str | None = None,
    progress: Progress | None = None,
    limits: UploadLimits | None = None,
) -> dict[str, Any]:
    """Read, validate, report and (unless rejected) store one file; returns the report.

    Raises InvalidInput (422) with the report in `extra["report"]` when the file is rejected.
    The caller owns the transaction and the temporary file. Counted by outcome (metrics).
    """
    outcome = "failed"
    try:
        with metrics.track_query("upload.process", owner) as timer:
            report = _process_upload(
                db, source, options, owner, upload_id, job_id, progress, limits
            )
            timer.rows, timer.detail = report.get("rows_total"), upload_id
        outcome = "accepted"
        return report
    except PayloadTooLarge:
        outcome = "too_large"
        raise
    except (InvalidInput, UnsupportedMediaType):
        outcome = "rejected"
        raise
    finally:
        metrics.UPLOADS.labels(outcome).inc()


def _process_upload(
    db: Session,
    source: SourceFile,
    options: UploadOptions,
    owner: str,
    upload_id: str,
    job_id: str | None,
    progress: Progress | None,
    limits: UploadLimits | None,
) -> dict[str, Any]:
    report_progress = progress or no_progress
    analysis = inspect_file(
        source, options, upload_id=upload_id, owner=owner, progress=report_progress, limits=limits
    )
    analysis.report["job_id"] = job_id
    if analysis.rejection is not None:
        report = UploadReport.model_validate(analysis.report).model_dump(mode="json")
        analysis.rejection.extra["report"] = report
        raise analysis.rejection
    assert analysis.table is not None  # a file not rejected has its table
    _stage(report_progress, stage_code="job.stage.store")
    store_upload(db, analysis.report, analysis.table)
    return analysis.report


@job_handler("upload")
def process_upload_job(
    db: Session, params: dict[str, Any], progress: ProgressReporter
) -> dict[str, Any]:
    """A large upload's job: `process_upload` in the job's session (the runner commits, and
    removes the input file once the job ends); the result is the report as the API answers it.
    `params` are `upload_job_params`'."""
    source = SourceFile(
        job_settings(db).data_dir / params["path"], params["filename"], params["size"]
    )
    report = process_upload(
        db,
        source,
        UploadOptions(**params["options"]),
        owner=params["owner"],
        upload_id=params["upload_id"],
        job_id=progress.job_id,
        progress=progress,
        limits=UploadLimits(**params["limits"]),
    )
    return UploadReport.model_validate(report).model_dump(mode="json")


def upload_job_params(
    data_dir: Path,
    source: SourceFile,
    options: UploadOptions,
    *,
    owner: str,
    upload_id: str,
    limits: UploadLimits,
) -> dict[str, Any]:
    """What an upload job runs by, on whichever instance claims it: the file is in the shared
    DQ_DATA_DIR (its path relative to it)."""
    return {
        "path": str(source.path.relative_to(data_dir)),
        "filename": source.filename,
        "size": source.size,
        "options": asdict(options),
        "owner": owner,
        "upload_id": upload_id,
        "limits": asdict(limits),
    }


# --- analysis ---------------------------------------------------------------------------------


def inspect_file(
    source: SourceFile,
    options: UploadOptions,
    *,
    upload_id: str,
    owner: str,
    progress: Progress = no_progress,
    limits: UploadLimits | None = None,
) -> Analysis:
    """Detect, read and validate a file: the report, and the table to store unless rejected.
    Touches no database. What the file may expand to is bounded by `limits` (413 past them)."""
    _stage(progress, stage_code="job.stage.detect_format")
    file_format = detect_format(source.path)
    _stage(progress, stage_code="job.stage.read")
    parsed = read_file(source.path, file_format, options.sheet, limits)
    _stage(progress, stage_code="job.stage.validate")
    return analyse(parsed, options, source=source, upload_id=upload_id, owner=owner)


def analyse(
    parsed: ParsedTable,
    options: UploadOptions,
    *,
    source: SourceFile,
    upload_id: str,
    owner: str,
) -> Analysis:
    names, columns, floats, row_numbers, has_header = _split_header(parsed)
    choice = choose_iin_column(names, columns, floats, options.iin_column)
    iin_index = choice.index
    iin_values = combined(columns[iin_index])
    classified = classify(iin_values, floats[iin_index])
    category = classified.category

    blank = _blank_rows(columns, category)
    counted = ~blank
    counts = {c: int(np.count_nonzero((category == c) & counted)) for c in Category}
    valid_rows = np.flatnonzero(category == Category.VALID)
    first = first_occurrences(classified.keys[valid_rows])
    kept_rows = valid_rows[first]
    bad = counted & (category != Category.VALID)
    rows_bad = int(np.count_nonzero(bad))
    identifiers = safe_identifiers(names, iin_index)

    report: dict[str, Any] = {
        "id": upload_id,
        "filename": source.filename,
        "size_bytes": source.size,
        "format": parsed.format,
        "encoding": parsed.encoding,
        "delimiter": parsed.delimiter,
        "sheet": parsed.sheet,
        "sheets": None if parsed.sheets is None else [clip(n) for n in parsed.sheets[:MAX_SHEETS]],
        "has_header": has_header,
        "iin_column": clip(names[iin_index]),
        "columns": [
            {"name": clip(name), "column": column}
            for name, column in zip(names, identifiers, strict=True)
        ],
        "mode": options.mode,
        "purpose": options.purpose,
        "rows_total": int(np.count_nonzero(counted)),
        "rows_valid": counts[Category.VALID],
        "rows_normalized": int(np.count_nonzero(classified.fixed & (category == Category.VALID))),
        "rows_invalid_format": counts[Category.INVALID_FORMAT],
        "rows_bad_checksum": counts[Category.BAD_CHECKSUM],
        "rows_bin": counts[Category.BIN],
        "rows_empty": counts[Category.EMPTY],
        "rows_duplicate": int(valid_rows.size - kept_rows.size),
        "rows_blank": int(np.count_nonzero(blank)),
        "unique_iins": int(kept_rows.size),
        "errors": _errors(iin_values, floats[iin_index], row_numbers, category, bad),
        "normalized_rows": _normalized(
            iin_values, floats[iin_index], row_numbers, classified.fixed & counted & ~bad
        ),
        "preview": _preview(columns, row_numbers, counted),
        "rows_recoded": len(parsed.recoded_lines),
        "recoded_rows": parsed.recoded_lines[:MAX_ERRORS],
        "status": STATUS_READY,
        "dataset": upload_dataset_name(upload_id),
        "owner": owner,
        "created_at": utcnow(),
        "job_id": None,
    }

    rejection = None
    if report["rows_total"] == 0:
        rejection = InvalidInput(
            "the file has no rows of data; nothing was stored", code="upload.no_rows"
        )
    elif options.mode == "strict" and rows_bad:
        rejection = InvalidInput(
            f"strict mode: {rows_bad} of {report['rows_total']} rows are not valid IINs "
            "(see report.errors); nothing was stored",
            code="upload.strict_rejected",
            params={"bad": rows_bad, "total": report["rows_total"]},
        )
    elif not kept_rows.size:
        rejection = InvalidInput(
            "the file has no valid IIN; nothing was stored", code="upload.no_valid_iin"
        )
    if rejection is not None:
        report.update(id=None, dataset=None, status=STATUS_REJECTED)
        return Analysis(report, None, rejection)

    table = _dataset_table(classified, kept_rows, columns, identifiers, iin_index)
    return Analysis(report, table, None)


def _split_header(
    parsed: ParsedTable,
) -> tuple[list[str], list[Column], list[np.ndarray | None], np.ndarray, bool]:
    """Column names, the data columns (header row removed), their float masks, row numbers."""
    columns = parsed.columns
    floats = [parsed.float_mask(i) for i in range(len(columns))]
    if parsed.header is not None:
        return parsed.header, columns, floats, parsed.row_numbers, True
    start = _first_row_with_content(columns)
    if start is None:
        raise InvalidInput("the file has no rows of data", code="upload.no_rows")
    cells = [column[start].as_py() for column in columns]
    numeric = [bool(f is not None and f[start]) for f in floats]
    has_header = looks_like_header(cells, numeric)
    begin = start + 1 if has_header else start
    names = header_names(cells) if has_header else positional_names(len(columns))
    if begin:
        columns = [column.slice(begin) for column in columns]
        floats = [None if f is None else f[begin:] for f in floats]
    return names, columns, floats, parsed.row_numbers[begin:], has_header


def _first_row_with_content(columns: list[Column]) -> int | None:
    count = len(columns[0]) if columns else 0
    for row in range(min(count, _LEADING_ROWS)):
        for column in columns:
            value = column[row].as_py()
            if value is not None and value.strip():
                return row
    return None if count <= _LEADING_ROWS else _LEADING_ROWS


def _blank_rows(columns: list[Column], category: np.ndarray) -> np.ndarray:
    """Rows with nothing in any cell: not data, so not counted (their numbers are kept)."""
    blank = np.zeros(len(category), dtype=bool)
    empty_rows = np.flatnonzero(category == Category.EMPTY)
    if not empty_rows.size:
        return blank
    indices = pa.array(empty_rows)
    all_blank = np.ones(empty_rows.size, dtype=bool)
    for column in columns:
        values = column.take(indices)
        cell_blank = pc.or_kleene(pc.is_null(values), pc.equal(pc.utf8_trim_whitespace(values), ""))
        all_blank &= np.asarray(
            pc.fill_null(cell_blank, True).to_numpy(zero_copy_only=False), dtype=bool
        )
    blank[empty_rows[all_blank]] = True
    return blank


def _errors(
    column: pa.Array,
    floats: np.ndarray | None,
    row_numbers: np.ndarray,
    category: np.ndarray,
    bad: np.ndarray,
) -> list[dict[str, Any]]:
    rows = np.flatnonzero(bad)[:MAX_ERRORS]
    values = column.take(pa.array(rows)).to_pylist() if rows.size else []
    errors = []
    for row, value in zip(rows.tolist(), values, strict=True):
        problem = Category(int(category[row]))
        code, params = iin.REASON_CODES["bin"], {}
        if problem is not Category.BIN:
            checked = iin.check(_as_cell(value, floats is not None and bool(floats[row])))
            code, params = checked.reason_code or code, checked.params
        errors.append(
            {
                "row": int(row_numbers[row]),
                "value": clip(value),
                "code": code,
                "params": params,
                "problem": _PROBLEMS[problem],
            }
        )
    return errors


def _normalized(
    column: pa.Array, floats: np.ndarray | None, row_numbers: np.ndarray, fixed: np.ndarray
) -> list[dict[str, Any]]:
    """The first rows whose IIN had to be fixed: what the file held, the IIN it became, and the
    fixes by name (`iin.fix.*`: `leading_zeros`, `excel_float`, ...), as `iin.check` says."""
    rows = np.flatnonzero(fixed)[:MAX_ERRORS]
    values = column.take(pa.array(rows)).to_pylist() if rows.size else []
    found = []
    for row, value in zip(rows.tolist(), values, strict=True):
        checked = iin.check(_as_cell(value, floats is not None and bool(floats[row])))
        found.append(
            {
                "row": int(row_numbers[row]),
                "value": clip(value),
                "normalized": checked.normalized,
                "fixes": [iin.FIX_CODES[fix] for fix in checked.fixes],
            }
        )
    return found


def _as_cell(value: str | None, was_float: bool) -> object:
    """The value as the spreadsheet held it, so the reason matches what `check` says of it."""
    if was_float and value is not None:
        try:
            return float(value)
        except ValueError:
            return value
    return value


def _preview(
    columns: list[Column], row_numbers: np.ndarray, counted: np.ndarray
) -> list[dict[str, Any]]:
    rows = np.flatnonzero(counted)[:PREVIEW_ROWS]
    if not rows.size:
        return []
    indices = pa.array(rows)
    values = [column.take(indices).to_pylist() for column in columns]
    return [
        {"row": int(row_numbers[row]), "values": [clip(column[i]) for column in values]}
        for i, row in enumerate(rows.tolist())
    ]


def _dataset_table(
    classified: Classified,
    kept_rows: np.ndarray,
    columns: list[Column],
    identifiers: list[str],
    iin_index: int,
) -> pa.Table:
    keep = np.zeros(len(classified.category), dtype=bool)
    keep[kept_rows] = True  # a filter keeps the rows in order, and is faster than a take
    arrays: list[Column] = [classified.normalized(keep)]
    names = ["iin"]
    mask = pa.array(keep)
    for index, column in enumerate(columns):
        if index != iin_index:
            arrays.append(column.filter(mask))
            names.append(identifiers[index])
    return pa.table(arrays, names=names)


# --- storage ----------------------------------------------------------------------------------


def store_upload(db: Session, report: dict[str, Any], table: pa.Table) -> Upload:
    """Create the dataset table, its catalog row and the upload row in the caller's transaction."""
    name = upload_dataset_name(report["id"])
    created_at: datetime = report["created_at"]
    rows = create_table_from_arrow(
        db.connection(),
        name,
        table,
        column_types={"iin": IIN},
        unique_index="iin",
        # Storing the text uncompressed makes the load about 3x faster: an upload is there to be
        # read soon (and usually deleted), not to be archived.
        compress_strings=False,
    )
    db.add(
        Dataset(
            name=name,
            category=DatasetCategory.UPLOAD.value,
            description=f"Загруженный список: {report['filename']}",
            source=report["filename"][:500],
            table_name=name,
            row_count=rows,
            columns=describe_columns(table.schema),
            owner=report["owner"],
            purpose=report["purpose"],
            created_at=created_at,
            refreshed_at=created_at,
        )
    )
    upload = Upload(
        id=report["id"],
        filename=report["filename"],
        size_bytes=report["size_bytes"],
        format=report["format"],
        encoding=report["encoding"],
        delimiter=report["delimiter"],
        sheet=report["sheet"],
        sheets=report["sheets"],
        has_header=report["has_header"],
        iin_column=report["iin_column"][:255],
        columns=report["columns"],
        mode=report["mode"],
        purpose=report["purpose"],
        errors=report["errors"],
        preview=report["preview"],
        rows_recoded=report["rows_recoded"],
        recoded_rows=report["recoded_rows"],
        normalized_rows=report["normalized_rows"],
        status=report["status"],
        owner=report["owner"],
        dataset_name=name,
        job_id=report["job_id"],
        created_at=created_at,
        **{key: report[key] for key in COUNT_KEYS},
    )
    db.add(upload)
    db.flush()
    return upload


COUNT_KEYS = (
    "rows_total",
    "rows_valid",
    "rows_normalized",
    "rows_invalid_format",
    "rows_bad_checksum",
    "rows_bin",
    "rows_empty",
    "rows_duplicate",
    "rows_blank",
    "unique_iins",
)


def report_of(upload: Upload) -> dict[str, Any]:
    return {
        "id": upload.id,
        "filename": upload.filename,
        "size_bytes": upload.size_bytes,
        "format": upload.format,
        "encoding": upload.encoding,
        "delimiter": upload.delimiter,
        "sheet": upload.sheet,
        "sheets": upload.sheets,
        "has_header": upload.has_header,
        "iin_column": upload.iin_column,
        "columns": upload.columns,
        "mode": upload.mode,
        "purpose": upload.purpose,
        **{key: getattr(upload, key) for key in COUNT_KEYS},
        "errors": upload.errors,
        "preview": upload.preview,
        "rows_recoded": upload.rows_recoded or 0,
        "recoded_rows": upload.recoded_rows or [],
        "normalized_rows": upload.normalized_rows or [],
        "status": upload.status,
        "dataset": upload.dataset_name,
        "owner": upload.owner,
        "created_at": upload.created_at,
        "job_id": upload.job_id,
    }


# --- reading and deleting ---------------------------------------------------------------------


def get_upload(db: Session, upload_id: str, username: str, is_admin: bool) -> Upload:
    upload = db.get(Upload, upload_id)
    # Someone else's upload is reported as missing: its id tells nothing about it.
    if upload is None or (upload.owner != username and not is_admin):
        raise NotFound(
            f"upload {upload_id!r} not found",
            code="upload.not_found",
            params={"upload_id": upload_id},
        )
    return upload


def list_uploads(
    db: Session,
    username: str,
    is_admin: bool,
    limit: int,
    offset: int,
    owner: str | None = None,
) -> tuple[list[Upload], int]:
    """A page of uploads, newest first: the user's own, or for an admin everyone's (or
    `owner`'s)."""
    if not is_admin:
        owner = username
    conditions = [] if owner is None else [Upload.owner == owner.strip().lower()]
    total = db.scalar(sa.select(sa.func.count()).select_from(Upload).where(*conditions)) or 0
    rows = db.scalars(
        sa.select(Upload)
        .where(*conditions)
        .order_by(Upload.created_at.desc(), Upload.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), int(total)


def delete_upload(db: Session, upload: Upload) -> None:
    """Drop the table, the catalog row and the upload row, in the caller's transaction."""
    # The upload row goes first, and must go: of concurrent deletes of one upload, PostgreSQL
    # makes the others wait for the first and then delete nothing (404 here), and DuckDB
    # refuses them with a write conflict (409), instead of each answering 204.
    deleted = db.execute(
        sa.delete(Upload).where(Upload.id == upload.id),
        execution_options={"synchronize_session": False},
    )
    if deleted.rowcount != 1:  # type: ignore[attr-defined]
        raise NotFound(
            f"upload {upload.id!r} not found", code="upload.not_found", params={"id": upload.id}
        )
    db.expunge(upload)
    conn = db.connection()
    conn.execute(sa.text(f"DROP TABLE IF EXISTS {quoted(conn, upload.dataset_name)}"))
    dataset = db.get(Dataset, upload.dataset_name)
    if dataset is not None:
        db.delete(dataset)
    db.flush()
