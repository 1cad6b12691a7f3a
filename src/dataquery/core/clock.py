"""The bank's calendar: what day it is in the bank (DQ_TIMEZONE, Asia/Almaty by default).

At 00:30 in Almaty it is still yesterday in UTC: every "today" of the product (the default
reference date of an audience, campaign date checks, dashboards) is the bank's, never the
server's or the browser's. `utc_now` is the one clock read, so a test can set it; the time zone
is the process's, set by `create_app` from its settings (else read from the environment).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from dataquery.core.config import get_settings

_timezone: ZoneInfo | None = None


def utc_now() -> datetime:
    return datetime.now(UTC)


def set_timezone(name: str) -> None:
    global _timezone
    _timezone = ZoneInfo(name)


def bank_timezone() -> ZoneInfo:
    return _timezone or ZoneInfo(get_settings().timezone)


def bank_today() -> date:
    """Today in the bank's time zone."""
    return utc_now().astimezone(bank_timezone()).date()


def bank_midnight_utc(day: date) -> datetime:
    """The moment the bank's `day` begins, as naive UTC (how timestamps are stored): midnight in
    Almaty is 19:00 UTC of the day before."""
    local = datetime.combine(day, time.min, tzinfo=bank_timezone())
    return local.astimezone(UTC).replace(tzinfo=None)
