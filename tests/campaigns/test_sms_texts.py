"""SMS has a text of its own beside the push title and body: stored, counted, copied."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from campaign_data import save_audience
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

LONG = "Оплачивайте билеты картой и получайте кешбэк 5 % на все покупки до конца декабря"
SHORT = "Кешбэк 5 % за билеты"


def test_sms_text_of_its_own(
    as_analyst: TestClient,
    engine: Engine,
    bank: list[str],
    create_draft: Callable[..., dict[str, Any]],
) -> None:
    texts = {
        "ru": {"title": "Кешбэк", "body": LONG, "sms": SHORT},
        "kz": {"title": "Кешбэк", "body": "Билеттерді картамен төлеңіз"},
    }
    draft = create_draft(save_audience(engine, bank[:300]), texts=texts)
    assert draft["texts"]["ru"] == texts["ru"]
    assert draft["texts"]["kz"]["sms"] is None  # the push body goes by SMS
    # Segments are counted on what the SMS carries: one, not the push body's two.
    assert draft["sms_segments"]["ru"]["segments"] == 1
    assert not [w for w in draft["warnings"] if w["code"] == "notice.campaign.sms_segments"]

    copy = as_analyst.post(f"/api/v1/campaigns/{draft['code']}/copy", json={})
    assert copy.status_code == 201, copy.text
    assert copy.json()["texts"]["ru"]["sms"] == SHORT

    # Without SMS the own text is not kept; SMS alone may carry only its own text.
    code = draft["code"]
    push_only = as_analyst.patch(f"/api/v1/campaigns/{code}", json={"channels": ["push"]})
    assert push_only.status_code == 200, push_only.text
    assert push_only.json()["texts"]["ru"]["sms"] is None
    sms_only = as_analyst.patch(
        f"/api/v1/campaigns/{code}",
        json={
            "channels": ["sms"],
            "texts": {"ru": {"sms": SHORT}, "kz": {"sms": "5 % кешбэк"}},
        },
    )
    assert sms_only.status_code == 200, sms_only.text
    assert sms_only.json()["sms_segments"]["ru"]["segments"] == 1
    missing = as_analyst.patch(
        f"/api/v1/campaigns/{code}", json={"texts": {"ru": {"sms": SHORT}, "kz": {}}}
    )
    assert missing.status_code == 422
    assert [e["field"] for e in missing.json()["errors"]] == ["texts.kz.body"]
