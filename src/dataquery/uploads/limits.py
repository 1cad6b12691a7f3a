"""How far an upload may expand once read, and the coded errors that say it went past.

A file under the size limit can still stand for far more: a 2 KB workbook can declare a sheet of
17 billion cells, a 400 KB Parquet file 100 million rows. Every reader checks these limits from
what the file declares (or from a cheap scan) *before* it builds anything in memory, and refuses
with 413 (too large) or 422 (damaged), each with a stable code.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dataquery.core.config import Settings
from dataquery.core.errors import InvalidInput, PayloadTooLarge

MB = 1024 * 1024
# Excel's own sheet size: a workbook that claims more is not one Excel wrote.
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
# Values copied into the report (preview, errors, column names) are cut to this many characters:
# the report is stored and sent with every GET.
REPORT_VALUE_CHARS = 200


def _default(name: str) -> Any:
    return Settings.model_fields[name].default


@dataclass(frozen=True)
class UploadLimits:
    max_rows: int = _default("upload_max_rows")
    max_columns: int = _default("upload_max_columns")
    max_cells: int = _default("upload_max_cells")
    max_cell_bytes: int = _default("upload_max_cell_bytes")
    max_text_bytes: int = _default("upload_max_text_mb") * MB
    max_unzipped_bytes: int = _default("upload_max_unzipped_mb") * MB
    max_zip_ratio: int = _default("upload_max_zip_ratio")

    @classmethod
    def from_settings(cls, settings: Settings) -> UploadLimits:
        return cls(
            max_rows=settings.upload_max_rows,
            max_columns=settings.upload_max_columns,
            max_cells=settings.upload_max_cells,
            max_cell_bytes=settings.upload_max_cell_bytes,
            max_text_bytes=settings.upload_max_text_mb * MB,
            max_unzipped_bytes=settings.upload_max_unzipped_mb * MB,
            max_zip_ratio=settings.upload_max_zip_ratio,
        )

    # --- checks: each raises the coded error, or returns ----------------------------------------

    def check_columns(self, columns: int) -> None:
        if columns == 0:
            raise InvalidInput("the file has no columns", code="upload.no_columns")
        if columns > self.max_columns:
            raise PayloadTooLarge(
                f"the file has {columns} columns; an upload may have at most {self.max_columns} "
                "(an IIN and the columns that go with it; DQ_UPLOAD_MAX_COLUMNS)",
                code="upload.too_many_columns",
                params={"columns": columns, "limit": self.max_columns},
            )

    def check_rows(self, rows: int) -> None:
        if rows > self.max_rows:
            raise PayloadTooLarge(
                f"the file has more than {self.max_rows:,} rows, the upload limit "
                "(DQ_UPLOAD_MAX_ROWS)",
                code="upload.too_many_rows",
                params={"rows": rows, "limit": self.max_rows},
            )

    def check_cells(self, rows: int, columns: int) -> None:
        self.check_columns(columns)
        self.check_rows(rows)
        if rows * columns > self.max_cells:
            raise PayloadTooLarge(
                f"the file has {rows:,} rows x {columns} columns = {rows * columns:,} cells; "
                f"an upload may have at most {self.max_cells:,} (DQ_UPLOAD_MAX_CELLS)",
                code="upload.too_many_cells",
                params={"rows": rows, "columns": columns, "limit": self.max_cells},
            )

    def check_sheet(self, sheet: str, rows: int, columns: int) -> None:
        """An Excel sheet is read as the whole rectangle from its first to its last cell: two
        cells far apart make billions of empty ones."""
        too_big = (
            rows > min(self.max_rows, EXCEL_MAX_ROWS)
            or columns > self.max_columns
            or rows * columns > self.max_cells
        )
        if too_big:
            raise PayloadTooLarge(
                f"the sheet {sheet!r} spans {rows:,} rows x {columns:,} columns from its first "
                f"to its last cell; a sheet may span at most {min(self.max_rows, EXCEL_MAX_ROWS):,}"
                f" rows, {self.max_columns} columns and {self.max_cells:,} cells: delete what is "
                "far from the list (DQ_UPLOAD_MAX_ROWS, _COLUMNS, _CELLS)",
                code="upload.sheet_too_large",
                params={
                    "sheet": sheet,
                    "rows": rows,
                    "columns": columns,
                    "max_rows": min(self.max_rows, EXCEL_MAX_ROWS),
                    "max_columns": self.max_columns,
                    "max_cells": self.max_cells,
                },
            )

    def check_declared_cells(self, sheet: str, cells: int) -> None:
        """A sheet's declared size, which calamine reserves memory for before reading it."""
        if cells > self.max_cells:
            raise PayloadTooLarge(
                f"the sheet {sheet!r} declares {cells:,} cells; a sheet may have at most "
                f"{self.max_cells:,} (DQ_UPLOAD_MAX_CELLS)",
                code="upload.sheet_too_large",
                params={"sheet": sheet, "cells": cells, "max_cells": self.max_cells},
            )

    def check_workbook_cells(self, cells: int) -> None:
        """All sheets of a workbook that is read whole (.xls) together."""
        if cells > self.max_cells:
            raise PayloadTooLarge(
                f"the workbook's sheets span {cells:,} cells together; a workbook may span at "
                f"most {self.max_cells:,} (DQ_UPLOAD_MAX_CELLS): delete the other sheets",
                code="upload.workbook_too_large",
                params={"cells": cells, "max_cells": self.max_cells},
            )

    def check_cell_bytes(self, size: int, row: int | None = None) -> None:
        if size > self.max_cell_bytes:
            where = "" if row is None else f" (row {row})"
            raise PayloadTooLarge(
                f"a cell of the file{where} holds {size:,} bytes; a cell may hold at most "
                f"{self.max_cell_bytes:,} (DQ_UPLOAD_MAX_CELL_BYTES)",
                code="upload.cell_too_large",
                params={"bytes": size, "row": row, "limit": self.max_cell_bytes},
            )

    def check_text(self, size: int) -> None:
        if size > self.max_text_bytes:
            raise PayloadTooLarge(
                f"the file's cells hold {size / MB:,.0f} MB of text once read; an upload may "
                f"hold at most {self.max_text_bytes // MB} MB (DQ_UPLOAD_MAX_TEXT_MB)",
                code="upload.text_too_large",
                params={"megabytes": round(size / MB), "limit_mb": self.max_text_bytes // MB},
            )

    def check_zip_ratio(self, member: str, ratio: float) -> None:
        """A zip member packed far tighter than any spreadsheet XML is (a zip bomb)."""
        if ratio > self.max_zip_ratio:
            raise PayloadTooLarge(
                f"the workbook member {member} is compressed {ratio:,.0f} times; an upload's "
                f"members may be compressed at most {self.max_zip_ratio} times "
                "(DQ_UPLOAD_MAX_ZIP_RATIO)",
                code="upload.unzipped_too_large",
                params={"member": member, "ratio": round(ratio), "limit": self.max_zip_ratio},
            )

    def check_unzipped(self, size: int, what: str = "the workbook") -> None:
        if size > self.max_unzipped_bytes:
            raise PayloadTooLarge(
                f"{what} unpacks to {size / MB:,.0f} MB; an upload may unpack to at most "
                f"{self.max_unzipped_bytes // MB} MB (DQ_UPLOAD_MAX_UNZIPPED_MB)",
                code="upload.unzipped_too_large",
                params={"megabytes": round(size / MB), "limit_mb": self.max_unzipped_bytes // MB},
            )


def damaged(what: str, reason: str) -> InvalidInput:
    """A file whose structure contradicts itself: 422, never read further."""
    return InvalidInput(
        f"the {what} is damaged ({reason}); save it again and upload it",
        code="upload.damaged_file",
        params={"format": what, "reason": reason},
    )


def clip(value: str | None, limit: int = REPORT_VALUE_CHARS) -> str | None:
    """A value as the report keeps it: at most `limit` characters, with an ellipsis when cut."""
    if value is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"
