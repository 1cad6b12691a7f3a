""" "Use as audience source": a query result's IINs become an upload-like list (an accepted
upload of purpose `audience`, dataset `upload_<id>`), which the audience builder takes as a
source (`{"kind": "upload", "upload_id": ...}`) like any uploaded file.

The result must have an `iin` column (the source's iin, or a joined table's `<table>__iin`);
distinct valid person IINs are kept, the rest are counted as the upload report counts them.
"""

from __future__ import annotations

import uuid
from typing import Any

import pyarrow as pa
from sqlalchemy.orm import Session

from dataquery import iin as iin_module
from dataquery.core.db import utcnow
from dataquery.core.errors import InvalidInput
from dataquery.core.problems import problem
from dataquery.datasets.access import Viewer
from dataquery.datasets.models import upload_dataset_name
from dataquery.queries import service
from dataquery.queries.execute import run_read_only
from dataquery.queries.export import unlimited
from dataquery.queries.spec import QuerySpec
from dataquery.uploads.models import Upload
from dataquery.uploads.service import STATUS_READY, store_upload


def _iin_position(names: list[str]) -> int:
    for index, name in enumerate(names):
        if name == "iin" or name.endswith("__iin"):
            return index
    message = "the result has no iin column to make a list of"
    raise InvalidInput(
        message,
        code="query.no_iin_column",
        errors=[problem("spec.columns", "query.no_iin_column", message)],
    )


def to_upload(
    db: Session, viewer: Viewer, spec: QuerySpec, name: str, max_rows: int, timeout: float
) -> Upload:
    compiled = service.compile_for(db, viewer, spec, max_rows)
    position = _iin_position([c.name for c in compiled.columns])
    found = run_read_only(service.engine_of(db), unlimited(compiled), timeout)
    values = [row[position] for row in found.rows]
    seen: set[str] = set()
    counts = {"rows_empty": 0, "rows_invalid_format": 0, "rows_bin": 0, "rows_duplicate": 0}
    for value in values:
        if value is None or str(value).strip() == "":
            counts["rows_empty"] += 1
            continue
        text = str(value)
        if not iin_module.is_valid(text):
            kind = iin_module.kind(text) if len(text) == 12 and text.isdigit() else None
            bin_ = kind is iin_module.IINKind.BIN
            counts["rows_bin" if bin_ else "rows_invalid_format"] += 1
        elif text in seen:
            counts["rows_duplicate"] += 1
        else:
            seen.add(text)
    iins = sorted(seen)
    upload_id = uuid.uuid4().hex
    report: dict[str, Any] = {
        "id": upload_id,
        "filename": name,
        "size_bytes": 0,
        "format": "parquet",  # an Arrow table, stored as a Parquet upload is (UploadReport.format)
        "encoding": None,
        "delimiter": None,
        "sheet": None,
        "sheets": None,
        "has_header": True,
        "iin_column": "iin",
        "columns": [{"name": "iin", "column": "iin"}],
        "mode": "skip",
        "purpose": "audience",
        "rows_total": len(values),
        "rows_valid": len(values) - sum(counts.values()) + counts["rows_duplicate"],
        "rows_normalized": 0,
        "rows_bad_checksum": 0,
        "rows_blank": 0,
        "unique_iins": len(iins),
        "errors": [],
        "normalized_rows": [],
        "preview": [{"row": i + 1, "values": [v]} for i, v in enumerate(iins[:20])],
        "rows_recoded": 0,
        "recoded_rows": [],
        "status": STATUS_READY,
        "dataset": upload_dataset_name(upload_id),
        "owner": viewer.username,
        "created_at": utcnow(),
        "job_id": None,
        **counts,
    }
    return store_upload(db, report, pa.table({"iin": pa.array(iins, pa.string())}))
