"""The bank's today: at 23:30 UTC it is already tomorrow in Almaty (UTC+5)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from dataquery.audiences.spec import AudienceSpec
from dataquery.core import clock
from dataquery.core.config import Settings

LATE_EVENING_UTC = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)


@pytest.fixture
def late_evening(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(clock, "utc_now", lambda: LATE_EVENING_UTC)
    yield
    clock.set_timezone(Settings().timezone)


def test_the_bank_is_a_day_ahead_of_utc_late_in_the_evening(late_evening: None) -> None:
    clock.set_timezone("Asia/Almaty")
    assert clock.bank_today() == date(2026, 12, 7)
    clock.set_timezone("UTC")
    assert clock.bank_today() == date(2026, 12, 6)


def test_a_spec_without_a_reference_date_takes_the_banks_today(late_evening: None) -> None:
    clock.set_timezone("Asia/Almaty")
    assert AudienceSpec.model_validate({"version": 1}).reference_date == date(2026, 12, 7)


def test_an_unknown_time_zone_is_refused_at_start() -> None:
    assert Settings().timezone == "Asia/Almaty"
    with pytest.raises(ValidationError, match="not an IANA time zone"):
        Settings(timezone="Mars/Olympus")
