"""dq_uploads: one row per accepted upload, with its validation report.

The upload's data is the dataset `upload_<id>` (category `upload`): a table of the same name with
an `iin` column (unique, 12 characters) and the file's other columns as text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from dataquery.core.db import Base, JSONText, utcnow


class Upload(Base):
    __tablename__ = "dq_uploads"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    size_bytes: Mapped[int] = mapped_column(sa.BigInteger)
    format: Mapped[str] = mapped_column(sa.String(10))
    encoding: Mapped[str | None] = mapped_column(sa.String(20))
    delimiter: Mapped[str | None] = mapped_column(sa.String(5))
    sheet: Mapped[str | None] = mapped_column(sa.String(255))
    sheets: Mapped[list[str] | None] = mapped_column(JSONText)
    has_header: Mapped[bool] = mapped_column(sa.Boolean)
    iin_column: Mapped[str | None] = mapped_column(sa.String(255))
    columns: Mapped[list[dict[str, Any]]] = mapped_column(JSONText)
    mode: Mapped[str] = mapped_column(sa.String(10))
    purpose: Mapped[str] = mapped_column(sa.String(20))
    rows_total: Mapped[int] = mapped_column(sa.BigInteger)
    rows_valid: Mapped[int] = mapped_column(sa.BigInteger)
    rows_normalized: Mapped[int] = mapped_column(sa.BigInteger)
    rows_invalid_format: Mapped[int] = mapped_column(sa.BigInteger)
    rows_bad_checksum: Mapped[int] = mapped_column(sa.BigInteger)
    rows_bin: Mapped[int] = mapped_column(sa.BigInteger)
    rows_empty: Mapped[int] = mapped_column(sa.BigInteger)
    rows_duplicate: Mapped[int] = mapped_column(sa.BigInteger)
    rows_blank: Mapped[int] = mapped_column(sa.BigInteger)
    unique_iins: Mapped[int] = mapped_column(sa.BigInteger)
    # Lines of a UTF-8 file that were not UTF-8 and were read as CP1251 (None before 0008).
    rows_recoded: Mapped[int | None] = mapped_column(sa.BigInteger)
    recoded_rows: Mapped[list[int] | None] = mapped_column(JSONText)
    # The first rows whose IIN was fixed, with the fixes by name (uploads.service._normalized).
    normalized_rows: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONText)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSONText)
    preview: Mapped[list[dict[str, Any]]] = mapped_column(JSONText)
    status: Mapped[str] = mapped_column(sa.String(20))
    owner: Mapped[str] = mapped_column(sa.String(100), index=True)
    dataset_name: Mapped[str] = mapped_column(sa.String(64))
    job_id: Mapped[str | None] = mapped_column(sa.String(36))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, index=True)
