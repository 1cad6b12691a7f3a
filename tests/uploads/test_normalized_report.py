"""An upload's report names what it fixed: IINs of people born 2000-2009 stored as Excel numbers
lose two or three zeros, and every one of them becomes a member."""

from __future__ import annotations

from datetime import date

from corpus import xlsx_bytes
from fastapi.testclient import TestClient

from dataquery import iin

URL = "/api/v1/uploads"


def test_numbers_that_lost_zeros_are_restored_and_named(as_analyst: TestClient) -> None:
    born = [date(2000, 4, 21), date(2003, 1, 9), date(2009, 12, 31), date(1985, 6, 1)]
    iins = [iin.make_iin(day, "F", serial) for serial, day in enumerate(born, start=11)]
    assert all(iins)
    rows: list[list[object]] = [["ИИН"], *([int(number or "0")] for number in iins)]
    answer = as_analyst.post(
        URL, files={"file": ("clients.xlsx", xlsx_bytes({"Лист1": rows}))}, data={"mode": "strict"}
    )
    assert answer.status_code in (200, 201), answer.text
    report = answer.json()
    assert report["rows_valid"] == 4 and report["rows_normalized"] == 4
    fixed = {row["normalized"]: row["fixes"] for row in report["normalized_rows"]}
    assert set(fixed) == set(iins)
    assert fixed[iins[0]] == ["iin.fix.excel_float", "iin.fix.leading_zeros"]  # 421500150...
    assert fixed[iins[3]] == ["iin.fix.excel_float"]  # born 1985: no zero lost
    assert [row["row"] for row in report["normalized_rows"]] == [2, 3, 4, 5]
    assert (
        as_analyst.get(f"{URL}/{report['id']}").json()["normalized_rows"]
        == (report["normalized_rows"])
    )
