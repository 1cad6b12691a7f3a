"""The corpus through the reader and validator (no database): the report a person expects."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from corpus import (
    bad_checksum,
    bin_number,
    csv_bytes,
    parquet_bytes,
    person_iins,
    png_bytes,
    xls_bytes,
    xlsx_bytes,
)

from dataquery.core.errors import DQError, InvalidInput, PayloadTooLarge, UnsupportedMediaType
from dataquery.uploads import service
from dataquery.uploads.parse import (
    _cp1251_to_utf8,
    _parse_with_arrow,
    _parse_with_csv_module,
    sniff_delimiter,
)

IINS = person_iins(40)
LOST_ZERO = next(v for v in IINS if v.startswith("0"))
BIN = bin_number()


def inspect(
    tmp_path: Path, content: bytes, name: str = "list.csv", **options: Any
) -> dict[str, Any]:
    path = tmp_path / name
    path.write_bytes(content)
    source = service.SourceFile(path, name, len(content))
    analysis = service.inspect_file(
        source, service.UploadOptions(**options), upload_id="t" * 16, owner="anna"
    )
    return analysis.report


def counts(report: dict[str, Any]) -> dict[str, int]:
    keys = ("rows_total", "rows_valid", "rows_normalized", "rows_invalid_format")
    keys += ("rows_bad_checksum", "rows_bin", "rows_empty", "rows_duplicate", "unique_iins")
    return {k.removeprefix("rows_"): report[k] for k in keys}


def test_cp1251_semicolon_russian_header(tmp_path: Path) -> None:
    rows = [["ИИН", "Сумма предложения", "Сегмент"]]
    rows += [[v, "1500,50", "Премиум"] for v in IINS[:5]]
    report = inspect(tmp_path, csv_bytes(rows, ";", "cp1251"))
    assert (report["format"], report["encoding"], report["delimiter"]) == ("csv", "cp1251", ";")
    assert report["has_header"] and report["iin_column"] == "ИИН"
    assert counts(report)["valid"] == 5 and report["errors"] == []
    assert [c["column"] for c in report["columns"]] == ["iin", "summa_predlozheniya", "segment"]
    assert report["preview"][0] == {"row": 2, "values": [IINS[0], "1500,50", "Премиум"]}


def test_utf16_tab_separated_unicode_text(tmp_path: Path) -> None:
    rows = [["Клиент", "ИИН"]] + [["Иванов И.", v] for v in IINS[:4]]
    content = codecs.BOM_UTF16_LE + csv_bytes(rows, "\t", "utf-16-le")
    report = inspect(tmp_path, content, "unicode.txt")
    assert (report["format"], report["encoding"], report["delimiter"]) == ("tsv", "utf-16le", "tab")
    assert report["iin_column"] == "ИИН" and report["rows_valid"] == 4


def test_utf16_big_endian_without_bom(tmp_path: Path) -> None:
    content = csv_bytes([[v] for v in IINS[:3]], ";", "utf-16-be")
    report = inspect(tmp_path, content)
    assert report["encoding"] == "utf-16be" and report["rows_valid"] == 3


def test_utf8_with_bom_comma_separated(tmp_path: Path) -> None:
    content = codecs.BOM_UTF8 + csv_bytes([["iin", "segment"], [IINS[0], "a"]], ",")
    report = inspect(tmp_path, content)
    assert (report["encoding"], report["delimiter"]) == ("utf-8-bom", ",")
    assert report["iin_column"] == "iin"  # the BOM is not part of the header name
    assert report["rows_valid"] == 1


def test_plain_text_one_iin_a_line_without_header(tmp_path: Path) -> None:
    content = "\n".join(IINS[:3]).encode()  # no final newline
    report = inspect(tmp_path, content, "list.txt")
    assert report["format"] == "text" and not report["has_header"]
    assert report["iin_column"] == "column_1" and report["rows_valid"] == 3
    assert report["preview"][0]["row"] == 1


def test_numeric_scientific_and_eleven_digit_values_are_normalised(tmp_path: Path) -> None:
    scientific = f"{int(LOST_ZERO) / 10**10:.10f}E+11"  # 6.1211600012E+11
    rows = [["iin"], [LOST_ZERO[1:]], [scientific], [LOST_ZERO + ".0"], [IINS[1]]]
    report = inspect(tmp_path, csv_bytes(rows))
    assert counts(report) | {} == {
        "total": 4,
        "valid": 4,
        "normalized": 3,
        "invalid_format": 0,
        "bad_checksum": 0,
        "bin": 0,
        "empty": 0,
        "duplicate": 2,
        "unique_iins": 2,
    }


def test_duplicates_bins_bad_rows_and_empty_cells(tmp_path: Path) -> None:
    rows = [["ИИН", "Оффер"]]
    rows += [[IINS[0], "1"], [IINS[0], "2"], [BIN, "3"], [bad_checksum(IINS[1]), "4"]]
    rows += [["12345", "5"], ["", "6"], ["abc", "7"], [IINS[2], "8"]]
    report = inspect(tmp_path, csv_bytes(rows))
    assert counts(report) == {
        "total": 8,
        "valid": 3,
        "normalized": 0,
        "invalid_format": 2,
        "bad_checksum": 1,
        "bin": 1,
        "empty": 1,
        "duplicate": 1,
        "unique_iins": 2,
    }
    errors = {e["row"]: (e["problem"], e["value"]) for e in report["errors"]}
    assert errors == {
        4: ("bin", BIN),
        5: ("bad_checksum", bad_checksum(IINS[1])),
        6: ("invalid_format", "12345"),
        7: ("empty", None),
        8: ("invalid_format", "abc"),
    }
    reasons = {e["row"]: (e["code"], e["params"]) for e in report["errors"]}
    expected_digit = int(IINS[1][11])
    assert reasons == {
        4: ("iin.reason.bin", {}),
        5: (
            "iin.reason.check_digit",
            {"actual": bad_checksum(IINS[1])[11], "expected": expected_digit},
        ),
        6: ("iin.reason.digits", {"n": 5}),
        7: ("iin.reason.empty", {}),
        8: ("iin.reason.not_digits", {}),
    }


def test_blank_lines_are_skipped_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    content = f"ИИН;Сумма\r\n\r\n{IINS[0]};1\r\n;\r\n\r\n{bad_checksum(IINS[1])};2\r\n\r\n\r\n"
    report = inspect(tmp_path, content.encode("cp1251"))
    assert report["rows_total"] == 2 and report["rows_blank"] == 1
    assert [e["row"] for e in report["errors"]] == [6]
    assert [p["row"] for p in report["preview"]] == [3, 6]


def test_quoted_fields_with_the_delimiter_and_line_breaks_inside(tmp_path: Path) -> None:
    rows = [["ИИН", "Комментарий"], [IINS[0], "да; точно"], [IINS[1], 'сказал "нет"']]
    rows += [[IINS[2], "две\nстроки"], ["bad", "x"]]
    report = inspect(tmp_path, csv_bytes(rows))
    assert report["rows_valid"] == 3 and report["rows_invalid_format"] == 1
    assert report["preview"][1]["values"] == [IINS[1], 'сказал "нет"']
    assert report["preview"][2]["values"] == [IINS[2], "две\nстроки"]
    assert report["errors"][0]["row"] == 6  # the quoted line break moved it one line down


def test_pipe_delimiter_and_header_found_by_content(tmp_path: Path) -> None:
    rows = [["client", "segment", "code"]] + [[v, "a", "12"] for v in IINS[:6]]
    report = inspect(tmp_path, csv_bytes(rows, "|"))
    assert report["delimiter"] == "|" and report["iin_column"] == "client"


def test_headerless_file_finds_the_iin_column_by_content(tmp_path: Path) -> None:
    rows = [["Иванов", v, "1500"] for v in IINS[:6]]
    report = inspect(tmp_path, csv_bytes(rows))
    assert not report["has_header"]
    assert report["iin_column"] == "column_2" and report["rows_valid"] == 6
    assert report["preview"][0]["row"] == 1


def test_two_iin_columns_are_ambiguous_unless_one_is_named(tmp_path: Path) -> None:
    rows = [["a", "b"]] + [[v, w] for v, w in zip(IINS[:5], IINS[5:10], strict=True)]
    content = csv_bytes(rows)
    with pytest.raises(InvalidInput) as caught:
        inspect(tmp_path, content)
    assert "'a'" in caught.value.detail and caught.value.extra["candidates"] == ["a", "b"]
    assert inspect(tmp_path, content, iin_column="b")["iin_column"] == "b"
    assert inspect(tmp_path, content, iin_column="2")["iin_column"] == "b"
    with pytest.raises(InvalidInput, match="no column 'c'"):
        inspect(tmp_path, content, iin_column="c")


def test_no_iin_column_names_the_columns(tmp_path: Path) -> None:
    content = csv_bytes([["name", "city"], ["Иван", "Алматы"], ["Пётр", "Астана"]])
    with pytest.raises(InvalidInput, match="no column looks like IINs") as caught:
        inspect(tmp_path, content)
    assert caught.value.extra["columns"] == ["name", "city"]


def test_xlsx_numeric_cells_second_sheet_and_sheet_row_numbers(tmp_path: Path) -> None:
    rows: list[list[object]] = [["ИИН", "Сумма"]]
    rows += [[float(LOST_ZERO), 1500.0], [LOST_ZERO, 10.5], [float(IINS[1]), None]]
    rows += [[f"{int(LOST_ZERO) / 10**10:.10f}E+11", 1], ["нет", 2]]
    content = xlsx_bytes({"Пусто": [], "Данные": rows}, start_row=2)
    report = inspect(tmp_path, content, "list.xlsx")
    assert (report["format"], report["sheet"]) == ("xlsx", "Данные")
    assert report["sheets"] == ["Пусто", "Данные"]
    assert counts(report)["valid"] == 4 and report["rows_normalized"] == 3
    assert report["rows_duplicate"] == 2
    assert report["errors"] == [
        {
            "row": 8,
            "value": "нет",
            "code": "iin.reason.not_digits",
            "params": {},
            "problem": "invalid_format",
        }
    ]
    assert report["preview"][0] == {"row": 4, "values": [str(int(LOST_ZERO)), "1500"]}
    assert report["preview"][1]["values"] == [LOST_ZERO, "10.5"]


def test_xlsx_sheet_by_name_or_number(tmp_path: Path) -> None:
    content = xlsx_bytes({"A": [["iin"], [IINS[0]]], "B": [["iin"], [IINS[1]], [IINS[2]]]})
    assert inspect(tmp_path, content, "x.xlsx", sheet="B")["rows_valid"] == 2
    assert inspect(tmp_path, content, "x.xlsx", sheet="2")["sheet"] == "B"
    with pytest.raises(InvalidInput, match="no sheet 'C'") as caught:
        inspect(tmp_path, content, "x.xlsx", sheet="C")
    assert caught.value.extra["sheets"] == ["A", "B"]


def test_xls_with_numeric_cells(tmp_path: Path) -> None:
    content = xls_bytes({"Лист1": [["ИИН", "Имя"], [float(LOST_ZERO), "Иван"], [IINS[1], "Пётр"]]})
    report = inspect(tmp_path, content, "old.xls")
    assert report["format"] == "xls" and report["rows_valid"] == 2
    assert report["rows_normalized"] == 1


def test_parquet_with_integer_iins(tmp_path: Path) -> None:
    table = pa.table({"IIN": pa.array([int(v) for v in IINS[:3]]), "x": [1.5, 2.0, None]})
    report = inspect(tmp_path, parquet_bytes(table), "list.parquet")
    assert report["format"] == "parquet" and report["has_header"]
    assert report["rows_valid"] == 3
    assert report["preview"][1] == {"row": 2, "values": [str(int(IINS[1])), "2"]}


@pytest.mark.parametrize(
    ("content", "error", "words"),
    [
        (b"", InvalidInput, "the file is empty"),
        (png_bytes(), UnsupportedMediaType, "PNG image"),
        (b"%PDF-1.4\n...", UnsupportedMediaType, "PDF"),
        (b"\x00\x01\x02\x03" * 100, UnsupportedMediaType, "binary"),
        (b"ELF\x7f\x00\x00garbage\x00\x00\x00\x00", UnsupportedMediaType, "binary"),
    ],
    ids=["empty", "png", "pdf", "binary", "program"],
)
def test_what_is_not_a_list_is_refused(
    tmp_path: Path, content: bytes, error: type[DQError], words: str
) -> None:
    with pytest.raises(error, match=words):
        inspect(tmp_path, content)


def test_a_zip_archive_is_refused_and_a_truncated_xlsx_is_damaged(tmp_path: Path) -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("list.csv", "iin\n" + IINS[0])
    with pytest.raises(UnsupportedMediaType, match="zip archive"):
        inspect(tmp_path, buffer.getvalue(), "list.zip")
    workbook = xlsx_bytes({"S": [["iin"]] + [[v] for v in IINS]})
    with pytest.raises(InvalidInput, match="damaged or incomplete"):
        inspect(tmp_path, workbook[: len(workbook) // 2], "cut.xlsx")


def test_strict_mode_and_no_valid_rows_are_rejections(tmp_path: Path) -> None:
    content = csv_bytes([["iin"], [IINS[0]], ["bad"]])
    path = tmp_path / "s.csv"
    path.write_bytes(content)
    source = service.SourceFile(path, "s.csv", len(content))
    strict = service.inspect_file(
        source, service.UploadOptions(mode="strict"), upload_id="t" * 16, owner="anna"
    )
    assert strict.table is None and strict.rejection is not None
    assert "strict mode: 1 of 2 rows" in strict.rejection.detail
    assert (strict.rejection.code, strict.rejection.params) == (
        "upload.strict_rejected",
        {"bad": 1, "total": 2},
    )
    assert strict.report["status"] == "rejected" and strict.report["id"] is None
    lenient = service.inspect_file(source, service.UploadOptions(), upload_id="t" * 16, owner="a")
    assert lenient.table is not None and lenient.table.column("iin").to_pylist() == [IINS[0]]

    path.write_bytes(csv_bytes([["iin"], ["bad"], [bad_checksum(IINS[0])]]))
    nothing = service.inspect_file(source, service.UploadOptions(), upload_id="t" * 16, owner="a")
    assert nothing.rejection is not None and nothing.rejection.code == "upload.no_valid_iin"
    assert nothing.rejection.detail == "the file has no valid IIN; nothing was stored"


def test_stored_table_keeps_first_occurrence_and_extra_columns(tmp_path: Path) -> None:
    rows = [["ИИН", "Сумма", "Сумма", "rowid"]]
    rows += [
        [IINS[0], "1", "a", "x"],
        [IINS[0][1:] if IINS[0][0] == "0" else IINS[0], "2", "b", "y"],
    ]
    rows += [[IINS[1], "", "c", "z"]]
    path = tmp_path / "d.csv"
    path.write_bytes(csv_bytes(rows))
    analysis = service.inspect_file(
        service.SourceFile(path, "d.csv", 1), service.UploadOptions(), upload_id="t" * 16, owner="a"
    )
    assert analysis.table is not None
    assert analysis.table.column_names == ["iin", "summa", "summa_2", "rowid_"]
    assert analysis.table.to_pylist() == [
        {"iin": IINS[0], "summa": "1", "summa_2": "a", "rowid_": "x"},
        {"iin": IINS[1], "summa": None, "summa_2": "c", "rowid_": "z"},
    ]


@pytest.mark.parametrize(
    "text",
    [
        "a;b\n1;2\n\n3;4\n",
        'a;b\r\n"x;y";2\r\n"multi\r\nline";3\r\n',
        "a\rb\rc\r",
        'a,b\n"unterminated,2\n3,4\n',
        "x;y;z\n1;2\n3;4;5;6\n",
        "только текст\n\n\n",
    ],
    ids=["blank-line", "quoted", "cr-only", "unterminated-quote", "ragged", "trailing-blanks"],
)
def test_the_fast_and_the_careful_parser_agree(text: str) -> None:
    data = text.encode()
    delimiter, width = sniff_delimiter(data)
    careful_columns, careful_rows = _parse_with_csv_module(data, delimiter)
    fast = _parse_with_arrow(data, delimiter, width)
    if fast is not None:  # when the fast parser takes a file, it must read it the same way
        fast_columns, fast_rows = fast
        assert [c.to_pylist() for c in fast_columns] == [c.to_pylist() for c in careful_columns]
        assert np.array_equal(fast_rows, careful_rows)


def test_too_many_columns_or_none(tmp_path: Path) -> None:
    with pytest.raises(PayloadTooLarge, match="201 columns; an upload may have at most 200") as e:
        inspect(tmp_path, (";".join([IINS[0]] * 201) + "\n").encode())
    assert e.value.code == "upload.too_many_columns"
    with pytest.raises(InvalidInput, match="no columns"):
        inspect(tmp_path, parquet_bytes(pa.table({})), "empty.parquet")


@pytest.mark.parametrize("share", [0.0, 0.01, 0.5, 1.0], ids=["ascii", "sparse", "half", "all"])
def test_cp1251_columns_convert_exactly(share: float) -> None:
    rng = np.random.default_rng(5)
    words = ["061211600012", "нет данных", "", "€„", "Сумма", "x;y"]
    values: list[bytes | None] = []
    for i in range(2000):
        russian = rng.random() < share
        text = words[int(rng.integers(1, len(words)))] if russian else words[0]
        values.append(None if i % 97 == 0 else text.encode("cp1251"))
    column = pa.chunked_array(
        [pa.array(values[:700], pa.binary()), pa.array(values, pa.binary())[700:]]
    )
    expected = [None if v is None else v.decode("cp1251") for v in values]
    assert _cp1251_to_utf8(column).to_pylist() == expected


def test_a_report_stored_with_english_reasons_reads_as_codes() -> None:
    from dataquery.uploads.schemas import RowError

    stored = {"row": 5, "value": "123", "reason": "check digit is 1 but should be 2"}
    error = RowError.model_validate({**stored, "problem": "bad_checksum"})
    assert (error.code, error.params) == ("iin.reason.bad_checksum", {})
    assert RowError.model_validate({**stored, "problem": "bin"}).code == "iin.reason.bin"
