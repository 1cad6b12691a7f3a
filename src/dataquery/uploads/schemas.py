from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from dataquery.core.schemas import APIModel, ErrorBody

Problem = Literal["invalid_format", "bad_checksum", "bin", "empty"]


class ColumnMapping(BaseModel):
    name: str = Field(description="The column's name in the file (column_N without a header)")
    column: str = Field(description="The column's name in the stored dataset")


# Reports stored before row reasons had codes hold an English `reason`: the row's problem says
# enough to name it in any language.
_LEGACY_CODES = {
    "invalid_format": "iin.reason.invalid_format",
    "bad_checksum": "iin.reason.bad_checksum",
    "bin": "iin.reason.bin",
    "empty": "iin.reason.empty",
}


class RowError(BaseModel):
    row: int = Field(description="The row as the user sees it in the file (the header is row 1)")
    value: str | None
    code: str = Field(description="Why the row is not valid: `iin.reason.*`")
    params: dict[str, str | int] = Field(default_factory=dict)
    problem: Problem

    @model_validator(mode="before")
    @classmethod
    def _stored_before_codes(cls, data: Any) -> Any:
        if isinstance(data, dict) and "code" not in data and "problem" in data:
            data = {k: v for k, v in data.items() if k != "reason"}
            data["code"] = _LEGACY_CODES.get(data["problem"], "iin.reason.invalid_format")
        return data


class PreviewRow(BaseModel):
    row: int
    values: list[str | None] = Field(description="One value per entry of `columns`")


class UploadSummary(APIModel):
    id: str | None = Field(description="None when the file was rejected: nothing was stored")
    filename: str
    size_bytes: int
    format: Literal["csv", "tsv", "text", "xlsx", "xls", "parquet"]
    encoding: str | None = Field(description="utf-8, utf-8-bom, utf-16le, utf-16be or cp1251")
    delimiter: str | None = Field(description="; , | or tab; None for one value a line")
    sheet: str | None
    sheets: list[str] | None = Field(description="Every sheet of an Excel workbook")
    has_header: bool
    iin_column: str
    mode: Literal["skip", "strict"]
    purpose: Literal["audience", "suppression"]
    rows_total: int = Field(description="valid + invalid_format + bad_checksum + bin + empty")
    rows_valid: int
    rows_normalized: int = Field(description="Valid rows that needed fixing (lost zero, …)")
    rows_invalid_format: int
    rows_bad_checksum: int
    rows_bin: int
    rows_empty: int
    rows_duplicate: int = Field(description="Valid rows whose IIN appeared earlier in the file")
    rows_blank: int = Field(description="Rows with no value at all: skipped, not in rows_total")
    unique_iins: int = Field(description="Distinct valid IINs: the rows of the dataset")
    status: Literal["ready", "rejected"]
    dataset: str | None = Field(description="The catalog dataset and table: upload_<id>")
    owner: str
    created_at: datetime
    job_id: str | None


class NormalizedRow(BaseModel):
    row: int = Field(description="The row number the user sees (as in errors)")
    value: str | None = Field(description="What the file held")
    normalized: str | None = Field(description="The IIN it became")
    fixes: list[str] = Field(description="What was fixed: `iin.fix.*` codes, e.g. leading_zeros")


class UploadReport(UploadSummary):
    columns: list[ColumnMapping]
    errors: list[RowError] = Field(description="The first 100 rows that are not valid")
    preview: list[PreviewRow] = Field(description="The first 20 rows, every column")
    rows_recoded: int = Field(
        0, description="Lines of a UTF-8 file that were not UTF-8 and were read as CP1251"
    )
    recoded_rows: list[int] = Field(
        default_factory=list, description="The first 100 of those lines (1-based)"
    )
    normalized_rows: list[NormalizedRow] = Field(
        default_factory=list, description="The first 100 valid rows that needed a fix, named"
    )


class UploadQueued(BaseModel):
    job_id: str
    status: Literal["queued"]
    upload_id: str = Field(description="The upload's id once the job has succeeded")


class UploadRejected(ErrorBody):
    """A 422: `report` when the file was read but rejected (strict mode, no valid IIN);
    `columns`/`candidates` when the IIN column is missing or ambiguous; `sheets` when the
    requested sheet does not exist."""

    report: UploadReport | None = None
    columns: list[str] | None = None
    candidates: list[str] | None = None
    sheets: list[str] | None = None
