"""The Uploads page against a real server: drop a file, read its report, find it in the list,
delete it; and what the page says about a file the server refuses."""

from __future__ import annotations

import re
import secrets
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from dq_e2e import THIN_SPACE, BrowserErrors, DQServer, drop_file
from playwright.sync_api import Page, expect

from dataquery import iin

pytestmark = pytest.mark.e2e


def person_iins(count: int) -> list[str]:
    """`count` distinct valid IINs; the first born in 2003, so it starts with a zero."""
    births = [date(2003, 1, 15)] + [date(1961 + n, 3, 15) for n in range(count - 1)]
    found: list[str] = []
    for born in births:
        serial = 1
        while (made := iin.make_iin(born, "F", serial)) is None:
            serial += 1
        found.append(made)
    return found


def bad_checksum(value: str) -> str:
    return value[:11] + str((int(value[11]) + 1) % 10)


def cp1251_list(path: Path) -> dict[str, Any]:
    """A list the way Russian Excel saves it: CP1251, `;`, a Russian header. Returns what the
    report must say about it."""
    lost_zero, a, b, c, d = person_iins(5)
    assert lost_zero.startswith("0")
    rows = [
        ("ИИН", "Сумма"),
        (a, "1500"),
        (b, "2000,50"),
        (c, "300"),
        (bad_checksum(a), "10"),  # row 5: a bad check digit
        (lost_zero[1:], "20"),  # 11 digits: Excel dropped the leading zero; fixed, valid
        (b, "999"),  # a duplicate of row 3
        (d, "4100"),
    ]
    path.write_bytes("".join(f"{iin_};{amount}\r\n" for iin_, amount in rows).encode("cp1251"))
    return {
        "bad_row": 5,
        "bad_value": bad_checksum(a),
        "fixed_value": lost_zero[1:],
        "counts": {
            "rows_valid": 6,
            "rows_normalized": 1,
            "rows_invalid_format": 0,
            "rows_bad_checksum": 1,
            "rows_bin": 0,
            "rows_empty": 0,
            "rows_duplicate": 1,
            "unique_iins": 5,
        },
    }


def delete_upload(server: DQServer, upload_id: str) -> int:
    request = urllib.request.Request(
        server.url(f"/api/v1/uploads/{upload_id}"),
        method="DELETE",
        headers={"Authorization": f"Bearer {server.access_token('analyst')}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


def test_upload_a_cp1251_list_read_its_report_and_delete_it(
    page: Page,
    dq_server: DQServer,
    browser_errors: BrowserErrors,
    results_dir: Path,
    tmp_path: Path,
) -> None:
    filename = f"клиенты-{secrets.token_hex(3)}.csv"
    path = tmp_path / filename
    expected = cp1251_list(path)

    page.goto(dq_server.url("/uploads"))
    expect(page.get_by_role("heading", name="Загрузки")).to_be_visible()
    expect(page.get_by_text("Перетащите файл сюда или нажмите, чтобы выбрать")).to_be_visible()
    drop_file(page, filename, path.read_bytes())

    # The report, on the page.
    report = page.get_by_test_id("upload-report")
    expect(report.get_by_test_id("report-filename")).to_have_text(filename)
    expect(report.get_by_test_id("report-status")).to_have_text("Принят")
    for key, value in expected["counts"].items():
        expect(report.get_by_test_id(f"count-{key}-value")).to_have_text(str(value))
    expect(report.get_by_test_id("count-rows_valid")).to_have_text("Верные: 6")
    expect(report.get_by_test_id("count-unique_iins")).to_have_text("Уникальных ИИН: 5")
    expect(report.get_by_test_id("report-encoding")).to_have_text("cp1251")
    expect(report.get_by_test_id("report-iin-column")).to_have_text("ИИН")
    expect(page.get_by_test_id("upload-done")).to_contain_text(f"Файл «{filename}» загружен")

    # The bad row: its number as in the file (the header is row 1), the value, the reason.
    bad = report.get_by_test_id("report-errors").locator(
        "tr", has=page.get_by_text(expected["bad_value"], exact=True)
    )
    expect(bad.locator("td").first).to_have_text(str(expected["bad_row"]))
    expect(bad).to_contain_text("Контрольная цифра")
    # The reason names the digits: "последняя цифра X, а по расчёту должна быть Y".
    value = expected["bad_value"]
    expect(bad).to_contain_text(
        f"последняя цифра {value[11]}, а по расчёту должна быть {(int(value[11]) + 9) % 10}"
    )
    # The preview shows the file's columns and the values as they were in it.
    preview = report.get_by_test_id("report-preview")
    expect(preview.get_by_text("Сумма").first).to_be_visible()
    expect(preview.get_by_text("2000,50", exact=True)).to_be_visible()
    expect(preview.get_by_text(expected["fixed_value"], exact=True)).to_be_visible()

    # The report has an address; the server says the same as the page.
    upload_id = parse_qs(urlparse(page.url).query)["upload"][0]
    token = dq_server.access_token("analyst")
    stored = dq_server.get_json(f"/api/v1/uploads/{upload_id}", token)
    assert isinstance(stored, dict)
    assert {key: stored[key] for key in expected["counts"]} == expected["counts"]
    assert (stored["encoding"], stored["delimiter"], stored["iin_column"]) == ("cp1251", ";", "ИИН")

    # In the list: the file, its purpose, unique IINs and owner.
    listed = page.get_by_test_id("uploads-list").locator(
        "tr", has=page.get_by_text(filename, exact=True)
    )
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("Аудитория")
    expect(listed.get_by_test_id("upload-unique")).to_have_text("5")
    expect(listed).to_contain_text("e2e-analyst")

    page.screenshot(path=str(results_dir / "uploads.png"), full_page=True)

    # Reopening it from the list after closing the report.
    report.get_by_role("button", name="Закрыть отчёт").click()
    expect(page.get_by_test_id("upload-report")).to_have_count(0)
    listed.get_by_role("button", name=filename, exact=True).click()
    expect(page.get_by_test_id("upload-report").get_by_test_id("report-filename")).to_have_text(
        filename
    )

    # Delete, after confirming.
    listed.get_by_role("button", name=f"Удалить {filename}").click()
    confirm = page.locator(".ant-popover", has_text=f"Удалить загрузку «{filename}»?")
    expect(confirm).to_contain_text(f"upload_{upload_id}")
    confirm.get_by_role("button", name="Удалить").click()
    expect(page.get_by_text(f"Загрузка «{filename}» удалена.")).to_be_visible()
    expect(listed).to_have_count(0)
    expect(page.get_by_test_id("upload-report")).to_have_count(0)
    listing = dq_server.get_json("/api/v1/uploads", token)
    assert isinstance(listing, dict)
    assert upload_id not in [item["id"] for item in listing["items"]]
    assert browser_errors.messages == []


def test_the_page_says_why_a_file_is_refused_and_asks_for_the_iin_column(
    page: Page, dq_server: DQServer, browser_errors: BrowserErrors, results_dir: Path
) -> None:
    page.goto(dq_server.url("/uploads"))
    expect(page.get_by_role("heading", name="Загрузки")).to_be_visible()

    # A PNG renamed .csv: 415, said plainly.
    png = b"\x89PNG\r\n\x1a\n" + secrets.token_bytes(64)
    drop_file(page, "список.csv", png)
    problem = page.get_by_test_id("upload-problem")
    expect(problem).to_contain_text("Этот файл не подходит")
    expect(problem).to_contain_text("Неподдерживаемый тип файла.")

    # Two columns of IINs: the page asks which one, and sends the file again with it.
    first, second, third, fourth = person_iins(4)
    name = f"два-столбца-{secrets.token_hex(3)}.csv"
    two_columns = f"Клиент;Поручитель\r\n{first};{third}\r\n{second};{fourth}\r\n".encode("cp1251")
    drop_file(page, name, two_columns)
    expect(problem).to_contain_text("ИИН есть в нескольких столбцах — выберите нужный")
    picker = problem.get_by_test_id("picker-column")
    page.get_by_test_id("upload-panel").screenshot(path=str(results_dir / "uploads-column.png"))
    picker.get_by_role("combobox", name="Столбец ИИН").click()
    page.locator(".ant-select-item-option", has_text="Поручитель").click()
    picker.get_by_role("button", name="Загрузить снова").click()

    report = page.get_by_test_id("upload-report")
    expect(report.get_by_test_id("report-filename")).to_have_text(name)
    expect(report.get_by_test_id("report-iin-column")).to_have_text("Поручитель")
    expect(report.get_by_test_id("count-unique_iins-value")).to_have_text("2")
    expect(page.get_by_test_id("upload-problem")).to_have_count(0)

    # Tidy up through the API (the first test deletes through the page).
    upload_id = parse_qs(urlparse(page.url).query)["upload"][0]
    assert delete_upload(dq_server, upload_id) == 204
    # The browser logs the refusals it was meant to get; nothing else.
    expected = ("status of 415", "status of 422")
    assert [m for m in browser_errors.messages if not any(e in m for e in expected)] == []


def test_a_slow_upload_shows_its_progress(
    page: Page, dq_server: DQServer, browser_errors: BrowserErrors, results_dir: Path
) -> None:
    # About 600 KB of IINs, sent at 200 KB/s: the bar has three seconds to show itself.
    iins = [
        made
        for n in range(30_000)
        if (made := iin.make_iin(date(1970, 1, 1) + timedelta(days=n % 9000), "M", n // 9000 + 1))
    ]
    body = ("ИИН;Сегмент\r\n" + "".join(f"{value};B\r\n" for value in iins)).encode("cp1251")
    name = f"большой-{secrets.token_hex(3)}.csv"

    page.goto(dq_server.url("/uploads"))
    expect(page.get_by_role("heading", name="Загрузки")).to_be_visible()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    slow = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": 204_800}
    cdp.send("Network.emulateNetworkConditions", slow)
    drop_file(page, name, body)

    progress = page.get_by_test_id("upload-progress")
    expect(progress).to_have_attribute("data-phase", "sending")
    expect(progress).to_contain_text(f"Передача файла «{name}»")
    expect(progress).to_have_attribute("data-percent", re.compile(r"^([1-9]\d?)$"))
    page.get_by_test_id("upload-panel").screenshot(path=str(results_dir / "uploads-progress.png"))

    report = page.get_by_test_id("upload-report")
    expect(report.get_by_test_id("report-filename")).to_have_text(name, timeout=30_000)
    expect(report.get_by_test_id("count-rows_valid-value")).to_have_text(
        f"{len(iins):,}".replace(",", THIN_SPACE)
    )
    expect(progress).to_have_count(0)
    expect(report.get_by_test_id("count-unique_iins-value")).to_have_text(
        f"{len(set(iins)):,}".replace(",", THIN_SPACE)
    )

    upload_id = parse_qs(urlparse(page.url).query)["upload"][0]
    assert delete_upload(dq_server, upload_id) == 204
    assert browser_errors.messages == []
