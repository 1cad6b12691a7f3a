"""A copy is not a dead end: copy a deployed campaign under a new name, land in the wizard on the
copy, give SMS a shorter text of its own, deploy through the confirmation; and a draft left in
Active Theories opens again with "Продолжить"."""

from __future__ import annotations

import json
import re
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from dq_e2e import DQServer, OpenPage, count_text
from playwright.sync_api import expect
from python_calamine import CalamineWorkbook

from dataquery import iin
from dataquery.core.clock import bank_today


def _deployed_campaign(server: DQServer, suffix: str) -> dict[str, Any]:
    token = server.access_token("analyst")
    status, audience = server.post_json(
        "/api/v1/audiences",
        {
            "name": f"Возобновление {suffix}",
            "spec": {"filters": [{"kind": "age", "min": 30, "max": 40}], "limit": 800},
        },
        token,
    )
    assert status == 201 and isinstance(audience, dict), (status, audience)
    start: date = bank_today() + timedelta(days=3)
    status, draft = server.post_json(
        "/api/v1/campaigns",
        {
            "type": "RB1",
            "name": f"Кешбэк {suffix}",
            "stream": "travel",
            "channels": ["push", "sms"],
            "texts": {
                "ru": {"title": "Кешбэк", "body": "Оплачивайте билеты картой и получайте кешбэк"},
                "kz": {"title": "Кешбэк", "body": "Билеттерді картамен төлеп, кешбэк алыңыз"},
            },
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=10)).isoformat(),
            "audience_id": audience["id"],
            "control_share": 0.1,
            "split_seed": 5,
        },
        token,
    )
    assert status == 201 and isinstance(draft, dict), (status, draft)
    status, report = server.post_json(f"/api/v1/campaigns/{draft['code']}/deploy", {}, token)
    assert status == 200, (status, report)
    return draft


def test_copy_resume_edit_sms_and_deploy(
    open_page: OpenPage, dq_server: DQServer, results_dir: Path
) -> None:
    source = _deployed_campaign(dq_server, "resume")
    page = open_page("analyst")
    page.goto(dq_server.url(f"/campaigns/{source['code']}"))
    page.get_by_test_id("action-copy").click()
    name = page.get_by_test_id("copy-name")
    expect(name).to_have_value(f"Копия: {source['name']}")
    name.fill("Кешбэк: короткое SMS")
    page.get_by_role("button", name="Копировать и открыть").click()

    # The wizard, on the copy, at its review.
    wizard = page.get_by_test_id("campaign-wizard")
    expect(wizard).to_have_attribute("data-step", "review", timeout=30_000)
    heading = page.get_by_role("heading", level=3, name=re.compile(r"^Черновик C\d+$"))
    expect(heading).to_be_visible()
    copy_code = heading.inner_text().split()[-1]
    assert copy_code != source["code"]
    shot_path = results_dir / "resume-1-review.png"
    page.screenshot(path=str(shot_path))

    # Its details hold the source's texts; SMS gets a shorter text of its own.
    page.get_by_text("Параметры", exact=True).click()
    expect(wizard).to_have_attribute("data-step", "details")
    expect(page.get_by_test_id("details-name")).to_have_value("Кешбэк: короткое SMS")
    expect(page.get_by_test_id("sms-counter-ru")).to_have_attribute("data-segments", "1")
    page.get_by_test_id("details-sms-ru").fill("Кешбэк за билеты")
    page.screenshot(path=str(results_dir / "resume-2-sms.png"), full_page=True)
    page.get_by_test_id("wizard-next").click()
    expect(wizard).to_have_attribute("data-step", "review")
    saved = dq_server.get_json(f"/api/v1/campaigns/{copy_code}", dq_server.access_token("analyst"))
    assert isinstance(saved, dict)
    assert saved["status"] == "draft" and saved["texts"]["ru"]["sms"] == "Кешбэк за билеты"

    # Deploy through the confirmation, watching the job.
    page.get_by_test_id("wizard-next").click()
    page.get_by_test_id("deploy-button").click()
    page.get_by_test_id("deploy-confirm-code").fill(copy_code)
    page.get_by_test_id("deploy-confirm-ok").click()
    result = page.get_by_test_id("deploy-result")
    expect(result).to_have_attribute("data-code", copy_code, timeout=60_000)
    page.screenshot(path=str(results_dir / "resume-3-deployed.png"))


def test_a_draft_left_behind_continues(open_page: OpenPage, dq_server: DQServer) -> None:
    token = dq_server.access_token("analyst")
    source = _deployed_campaign(dq_server, "left")
    status, copy = dq_server.post_json(
        f"/api/v1/campaigns/{source['code']}/copy", {"name": "Оставленный черновик"}, token
    )
    assert status == 201 and isinstance(copy, dict), (status, copy)
    page = open_page("analyst")
    page.goto(dq_server.url(f"/campaigns/{copy['code']}"))
    page.get_by_test_id("action-resume").click()
    expect(page.get_by_test_id("campaign-wizard")).to_have_attribute(
        "data-step", "review", timeout=30_000
    )
    # The audience step is done, with the draft's audience.
    expect(page.get_by_test_id("chosen-audience")).to_have_attribute("data-id", copy["audience_id"])
    page.get_by_text("Параметры", exact=True).click()
    expect(page.get_by_test_id("details-name")).to_have_value("Оставленный черновик")


def test_leaving_the_wizard_midway_keeps_everything(
    open_page: OpenPage, dq_server: DQServer
) -> None:
    token = dq_server.access_token("analyst")
    status, audience = dq_server.post_json(
        "/api/v1/audiences",
        {"name": "Ушёл и вернулся", "spec": {"filters": [{"kind": "age", "min": 25, "max": 35}]}},
        token,
    )
    assert status == 201 and isinstance(audience, dict), (status, audience)
    page = open_page("analyst")
    page.goto(dq_server.url("/campaigns/new"))
    pick = page.get_by_label("Готовая аудитория")
    pick.click()
    pick.fill("Ушёл и вернулся")
    page.locator(".ant-select-item-option", has_text="Ушёл и вернулся").click()
    expect(page.get_by_test_id("chosen-audience")).to_have_attribute("data-id", audience["id"])
    page.get_by_test_id("wizard-next").click()
    wizard = page.get_by_test_id("campaign-wizard")
    expect(wizard).to_have_attribute("data-step", "split")
    seed = page.get_by_label("Зерно разделения (seed)")
    seed.fill("31337")
    seed.press("Tab")

    # Away through the sidebar and back: the same step, the same audience and seed.
    page.get_by_role("menuitem", name="Активные теории").click()
    expect(page).to_have_url(re.compile(r"/campaigns$"))
    page.get_by_role("menuitem", name="Менеджер кампаний").click()
    expect(wizard).to_have_attribute("data-step", "split")
    expect(page.get_by_label("Зерно разделения (seed)")).to_have_value("31337")
    # And after a reload.
    page.reload()
    expect(wizard).to_have_attribute("data-step", "split")
    expect(page.get_by_label("Зерно разделения (seed)")).to_have_value("31337")
    expect(page.get_by_test_id("chosen-audience")).to_have_attribute("data-id", audience["id"])


def test_removing_members_updates_the_dropout_block(
    open_page: OpenPage, dq_server: DQServer
) -> None:
    campaign = _deployed_campaign(dq_server, "dropouts")
    code, token = campaign["code"], dq_server.access_token("analyst")
    before = dq_server.get_json(f"/api/v1/campaigns/{code}/stats", token)
    assert isinstance(before, dict) and before["dropouts"]["push"]["dropped"] > 0
    request = urllib.request.Request(
        dq_server.url(f"/api/v1/campaigns/{code}/export?format=csv&group=target"),
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        targets = [line.split(",")[0] for line in response.read().decode().splitlines()[1:]]

    page = open_page("analyst")
    page.goto(dq_server.url(f"/campaigns/{code}"))
    dropped = page.get_by_test_id("dropped-push")
    expect(dropped).to_have_text(count_text(before["dropouts"]["push"]["dropped"]))
    page.get_by_test_id("action-members").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("Исключить", exact=True).click()
    dialog.get_by_test_id("members-iins").fill("\n".join(targets))
    dialog.get_by_test_id("members-submit").click()
    expect(dialog.get_by_test_id("members-changed")).to_contain_text(count_text(len(targets)))
    dialog.get_by_role("button", name="Закрыть").first.click()
    # Every target gone: nobody is left to drop out, and the block says so without a reload.
    after = dq_server.get_json(f"/api/v1/campaigns/{code}/stats", token)
    assert isinstance(after, dict) and after["dropouts"]["push"] == {
        "eligible": 0,
        "dropped": 0,
        "reasons": {},
    }
    expect(dropped).to_have_text("0")


def _post(server: DQServer, path: str, body: object, token: str) -> dict[str, Any]:
    request = urllib.request.Request(
        server.url(path),
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=120) as response:
        answer: dict[str, Any] = json.load(response)
        return answer


def test_a_200k_member_export_goes_through_the_signed_link_to_disk(
    open_page: OpenPage, dq_server: DQServer, tmp_path: Path
) -> None:
    campaign = _deployed_campaign(dq_server, "export")
    code, token = campaign["code"], dq_server.access_token("analyst")
    # 200 000 more members in the control group (valid IINs of people outside the demo bank).
    extra = [
        number
        for serial in range(9000, 9100)
        for day in range(2100)
        if (number := iin.make_iin(date(1950, 1, 1) + timedelta(days=day), "M", serial))
    ][:200_000]
    for start in range(0, len(extra), 100_000):
        report = _post(
            dq_server,
            f"/api/v1/campaigns/{code}/members",
            {"iins": extra[start : start + 100_000], "group": "control"},
            token,
        )
        assert report["changed"] == len(extra[start : start + 100_000]), report
    stats = dq_server.get_json(f"/api/v1/campaigns/{code}/stats", token)
    assert isinstance(stats, dict)
    total = stats["groups"]["target"] + stats["groups"]["control"]
    assert total >= 200_000

    page = open_page("analyst")
    page.goto(dq_server.url(f"/campaigns/{code}"))
    page.get_by_test_id("action-export").click()
    dialog = page.get_by_role("dialog", name=f"Выгрузка участников {code}")
    dialog.get_by_text("Excel (XLSX)", exact=True).click()
    dialog.get_by_text(re.compile(r"^Обе группы · ")).click()
    with page.expect_download(timeout=180_000) as download_info:
        dialog.get_by_test_id("export-confirm").click()
    download = download_info.value
    assert download.suggested_filename == f"{code}_all.xlsx"
    assert "/api/v1/campaigns/exports/" in download.url  # the signed link, no bearer token
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert sheet[0] == ["iin", "group"] and len(sheet) == total + 1
