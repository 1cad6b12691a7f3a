"""The 09:00 run with a controllable clock: APScheduler's own BackgroundScheduler and trigger,
the wall clock replaced (APScheduler's `datetime.now` and the app's `clock.utc_now` read the
same fake time), woken up by hand after each move of the clock."""

from __future__ import annotations

import time as wall
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import apscheduler.schedulers.base as aps_base
import pytest
import sqlalchemy as sa
from dist_data import DAY, build_bank
from sqlalchemy.engine import Engine

from dataquery.appsettings import service as appsettings
from dataquery.appsettings.schemas import SettingsUpdate
from dataquery.core import clock
from dataquery.core.config import Settings
from dataquery.core.db import make_sessionmaker
from dataquery.datasets.catalog import STANDARD_BY_NAME
from dataquery.distribution import service
from dataquery.distribution.models import DistributionRun
from dataquery.distribution.scheduler import CHECK_SECONDS, DistributionScheduler
from dataquery.distribution.schemas import RunTrigger

ALMATY = ZoneInfo("Asia/Almaty")


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2000, 1, 1, tzinfo=ALMATY)

    def set(self, moment: datetime) -> None:
        self.now = moment


@pytest.fixture
def fake_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fake = Clock()

    class FakeDatetime(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:  # type: ignore[override]
            return fake.now.astimezone(tz) if tz else fake.now.replace(tzinfo=None)

    monkeypatch.setattr(aps_base, "datetime", FakeDatetime)
    monkeypatch.setattr(clock, "utc_now", lambda: fake.now.astimezone(ZoneInfo("UTC")))
    yield fake


def _settings(engine: Engine, **values: Any) -> Settings:
    return Settings(
        warehouse_url=engine.url.render_as_string(hide_password=False), scheduler_enabled=False,
        distribution_cron="0 9 * * *", **values,
    )  # fmt: skip


def _runs(engine: Engine) -> list[tuple[Any, str, str]]:
    with make_sessionmaker(engine)() as db:
        rows = db.scalars(sa.select(DistributionRun).order_by(DistributionRun.day)).all()
        return [(r.day, r.status, r.trigger) for r in rows]


def _wait_for(condition: Any, timeout: float = 60) -> None:
    deadline = wall.monotonic() + timeout
    while not condition():
        assert wall.monotonic() < deadline, "the scheduler did not get there"
        wall.sleep(0.05)


def _settle(scheduler: DistributionScheduler) -> None:
    """Let the scheduler thread process what is due now (and run it, if anything)."""
    scheduler.scheduler.wakeup()
    wall.sleep(0.5)
    # A job that ends before APScheduler counts it leaves its count at 0, not removed.
    executor = scheduler.scheduler._executors["default"]  # type: ignore[attr-defined]
    _wait_for(lambda: not any(executor._instances.values()))


def test_nine_oclock_fires_once_and_a_restart_catches_up_a_missed_day_once(
    engine: Engine, demo_files: Path, tmp_path: Path, fake_clock: Clock
) -> None:
    build_bank(engine, demo_files, tmp_path, size=300)
    factory = make_sessionmaker(engine)
    pool = STANDARD_BY_NAME["spss_user_pool"].table_name
    following = DAY + timedelta(days=1)
    with engine.begin() as conn:  # the next day's pool, new customers of their own
        conn.execute(
            sa.text(f"INSERT INTO {pool} (iin, pool_date) VALUES (:iin, :day)"),
            [{"iin": f"{n:012d}", "day": following} for n in range(10**11, 10**11 + 50)],
        )
    with factory.begin() as db:  # the day before was done
        db.add(service._run_row(DAY - timedelta(days=1), service.DistributionReport(
            day=DAY - timedelta(days=1), status=service.RunStatus.DONE, run_id=None,
            pool_size=0, distributed=0, campaigns=[], undistributed={}, seconds=0.0,
        ), RunTrigger.SCHEDULE, None, datetime(2026, 12, 6, 3, 0)))  # fmt: skip

    # 08:59: started; nothing is due yet (yesterday is done, today's time has not come).
    fake_clock.set(datetime.combine(DAY, datetime.min.time(), ALMATY).replace(hour=8, minute=59))
    first = DistributionScheduler(factory, _settings(engine), ALMATY, 7)
    first.start()
    try:
        _wait_for(first.caught_up.is_set)
        _settle(first)
        assert [d for d, *_ in _runs(engine)] == [DAY - timedelta(days=1)]
        assert first.next_run_time() == fake_clock.now.replace(hour=9, minute=0)

        # 09:00 fires once; later wake-ups the same morning do nothing.
        fake_clock.set(fake_clock.now.replace(hour=9, minute=0, second=1))
        _settle(first)
        _wait_for(lambda: len(_runs(engine)) == 2)
        for minute in (1, 30):
            fake_clock.set(fake_clock.now.replace(minute=minute))
            _settle(first)
        assert [t for t, _ in first.fired] == [RunTrigger.CATCH_UP, RunTrigger.SCHEDULE]
        assert _runs(engine)[-1] == (DAY, "done", "schedule")
    finally:
        first.shutdown()

    # The server is down the whole next day and restarts at 11:00 the day after: the missed
    # day and today are caught up, each once, in order; a second start adds nothing.
    fake_clock.set(fake_clock.now.replace(hour=11, minute=0) + timedelta(days=2))
    for _ in range(2):
        restarted = DistributionScheduler(factory, _settings(engine), ALMATY, 7)
        restarted.start()
        try:
            _wait_for(restarted.caught_up.is_set)
            _settle(restarted)
            assert [t for t, _ in restarted.fired] == [RunTrigger.CATCH_UP]
        finally:
            restarted.shutdown()
    runs = _runs(engine)
    assert runs[2:] == [
        (DAY + timedelta(days=1), "done", "catch_up"),
        (DAY + timedelta(days=2), "done", "catch_up"),
    ]
    with factory() as db:
        missed = service.done_run(db, DAY + timedelta(days=1))
        assert missed is not None and missed.distributed == 50


def test_the_schedule_follows_the_stored_settings_without_a_restart(
    engine: Engine, demo_files: Path, tmp_path: Path, fake_clock: Clock
) -> None:
    """An admin moves the run to 10:30, switches it off and on again: the running scheduler
    reads the settings again within a minute (no restart) and fires by them."""
    build_bank(engine, demo_files, tmp_path, size=300)
    factory = make_sessionmaker(engine)
    settings = _settings(engine)
    with factory.begin() as db:  # the day before was done
        db.add(service._run_row(DAY - timedelta(days=1), service.DistributionReport(
            day=DAY - timedelta(days=1), status=service.RunStatus.DONE, run_id=None,
            pool_size=0, distributed=0, campaigns=[], undistributed={}, seconds=0.0,
        ), RunTrigger.SCHEDULE, None, datetime(2026, 12, 6, 3, 0)))  # fmt: skip

    def change(**values: Any) -> None:
        with factory.begin() as db:
            appsettings.update(db, settings, SettingsUpdate(**values), "admin")

    def tick(**moved: int) -> None:
        """Move the clock, past one settings check at least, and let the scheduler run."""
        fake_clock.set(fake_clock.now + timedelta(**moved))
        _settle(scheduler)

    fake_clock.set(datetime.combine(DAY, datetime.min.time(), ALMATY).replace(hour=8))
    scheduler = DistributionScheduler(factory, settings, ALMATY, 7)
    scheduler.start()
    try:
        _wait_for(scheduler.caught_up.is_set)
        _settle(scheduler)
        assert scheduler.next_run_time() == fake_clock.now.replace(hour=9)

        # Switched off at 08:00: 09:00 passes without a run.
        change(distribution_enabled=False)
        tick(seconds=CHECK_SECONDS + 1)
        assert scheduler.next_run_time() is None
        tick(hours=1, minutes=5)  # 09:06
        assert [t for t, _ in scheduler.fired] == [RunTrigger.CATCH_UP]
        assert [d for d, *_ in _runs(engine)] == [DAY - timedelta(days=1)]

        # On again, at 10:30 (a stored time wins over DQ_DISTRIBUTION_CRON).
        change(distribution_enabled=True, distribution_time="10:30")
        tick(seconds=CHECK_SECONDS + 1)
        assert scheduler.schedule.cron == "30 10 * * *"
        assert scheduler.next_run_time() == fake_clock.now.replace(hour=10, minute=30, second=0)
        tick(hours=1, minutes=25)  # 10:32
        _wait_for(lambda: len(_runs(engine)) == 2)
        assert [t for t, _ in scheduler.fired] == [RunTrigger.CATCH_UP, RunTrigger.SCHEDULE]
        assert _runs(engine)[-1] == (DAY, "done", "schedule")
        assert scheduler.next_run_time() == (
            fake_clock.now.replace(hour=10, minute=30, second=0) + timedelta(days=1)
        )
    finally:
        scheduler.shutdown()


def test_due_days() -> None:
    assert service.due_days(None, DAY, today_due=False, limit=7) == []
    assert service.due_days(None, DAY, today_due=True, limit=7) == [DAY]
    assert service.due_days(DAY - timedelta(days=1), DAY, today_due=False, limit=7) == []
    assert service.due_days(DAY - timedelta(days=3), DAY, today_due=True, limit=7) == [
        DAY - timedelta(days=2),
        DAY - timedelta(days=1),
        DAY,
    ]
    assert service.due_days(DAY - timedelta(days=30), DAY, True, limit=2) == [
        DAY - timedelta(days=1),
        DAY,
    ]
