"""The 09:00 run: APScheduler's BackgroundScheduler in the app process, in the bank's time zone.

When it runs follows the run-time settings (`appsettings`, stored in the warehouse): daily at
`distribution_time` once an admin set it (or DQ_DISTRIBUTION_TIME is given), else at
DQ_DISTRIBUTION_CRON; `distribution_enabled` false pauses it. The settings are read again every
minute (and at once when an admin changes them through this instance, `refresh`), so a change
needs no restart: the job is rescheduled, paused or resumed.

On start it catches up once: every day after the last done one up to today (when today's time
has passed) or yesterday, each in order (`service.run_due`). With several app instances on one
PostgreSQL each has a scheduler; the database lock and the done-day check make the day run
once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.orm import Session, sessionmaker

from dataquery.appsettings.models import SettingValue
from dataquery.appsettings.service import runtime
from dataquery.core import clock
from dataquery.core.config import Settings
from dataquery.core.logging import get_logger
from dataquery.distribution import service
from dataquery.distribution.schemas import DistributionReport, RunTrigger

log = get_logger("dataquery.distribution.scheduler")
JOB_ID = "distribution"
CHECK_SECONDS = 60  # how often the settings are read again


@dataclass(frozen=True)
class Schedule:
    """When the daily run fires (a crontab line in the bank's time zone) and whether it does."""

    cron: str
    enabled: bool


def schedule_of(db: Session, settings: Settings) -> Schedule:
    """The effective schedule: `distribution_time` when an admin stored it or the environment
    gives it, else DQ_DISTRIBUTION_CRON; `distribution_enabled` from the settings."""
    values = runtime(db, settings)
    stored = db.get(SettingValue, "distribution_time") is not None
    if stored or "distribution_time" in settings.model_fields_set:
        hour, minute = values.distribution_time.split(":")
        cron = f"{int(minute)} {int(hour)} * * *"
    else:
        cron = settings.distribution_cron
    return Schedule(cron=cron, enabled=values.distribution_enabled)


class DistributionScheduler:
    def __init__(
        self,
        factory: sessionmaker[Session],
        settings: Settings,
        timezone: ZoneInfo,
        catchup_days: int,
        after_commit: Callable[[DistributionReport], None] | None = None,
        on_failure: Callable[[date, str], None] | None = None,
    ) -> None:
        self.factory = factory
        self.settings = settings
        self.timezone = timezone
        self.schedule = self._read_schedule() or Schedule(settings.distribution_cron, True)
        self.trigger = CronTrigger.from_crontab(self.schedule.cron, timezone=timezone)
        self._refresh_lock = threading.Lock()
        self.catchup_days = catchup_days
        self.after_commit = after_commit
        self.on_failure = on_failure
        self.scheduler = BackgroundScheduler(timezone=timezone)
        self.caught_up = threading.Event()
        self.fired: list[tuple[RunTrigger, datetime]] = []  # what ran, when (bank time)

    def now(self) -> datetime:
        return clock.utc_now().astimezone(self.timezone)

    def today_due(self, now: datetime) -> bool:
        """Whether today's run time has come."""
        midnight = datetime.combine(now.date(), time(0), self.timezone)
        fire = self.trigger.get_next_fire_time(None, midnight)
        return fire is not None and fire.date() == now.date() and fire <= now

    def start(self) -> None:
        # misfire_grace_time=None: a late wake-up still runs (the done-day check keeps it once).
        job = self.scheduler.add_job(
            self._run,
            self.trigger,
            args=[RunTrigger.SCHEDULE],
            id=JOB_ID,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        if not self.schedule.enabled:
            job.pause()
        # The catch-up runs now by the app's clock (a date trigger would read the wall clock).
        self.scheduler.add_job(
            self._run, DateTrigger(self.now()), args=[RunTrigger.CATCH_UP],
            id=f"{JOB_ID}.catch_up", misfire_grace_time=None,
        )  # fmt: skip
        self.scheduler.add_job(
            self.refresh, IntervalTrigger(seconds=CHECK_SECONDS, start_date=self.now()),
            id=f"{JOB_ID}.settings", coalesce=True, max_instances=1, misfire_grace_time=None,
        )  # fmt: skip
        self.scheduler.start()

    def _read_schedule(self) -> Schedule | None:
        try:
            with self.factory() as db:
                return schedule_of(db, self.settings)
        except Exception:  # the warehouse is away: keep what we had
            log.exception("distribution settings not read")
            return None

    def refresh(self) -> Schedule:
        """Follow the stored settings: reschedule on a new time, pause or resume."""
        with self._refresh_lock:
            schedule = self._read_schedule()
            if schedule is None or schedule == self.schedule:
                return self.schedule
            log.info("distribution schedule changed", cron=schedule.cron, enabled=schedule.enabled)
            if schedule.cron != self.schedule.cron:
                self.trigger = CronTrigger.from_crontab(schedule.cron, timezone=self.timezone)
            self.schedule = schedule
            if self.scheduler.get_job(JOB_ID) is not None:
                if schedule.enabled:
                    self.scheduler.reschedule_job(JOB_ID, trigger=self.trigger)
                else:
                    self.scheduler.pause_job(JOB_ID)
            return schedule

    def next_run_time(self) -> datetime | None:
        job = self.scheduler.get_job(JOB_ID)
        return job.next_run_time if job is not None else None

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)

    def _run(self, trigger: RunTrigger) -> None:
        now = self.now()
        self.refresh()
        if not self.schedule.enabled:
            log.info("distribution is switched off in the settings", trigger=trigger.value)
            if trigger is RunTrigger.CATCH_UP:
                self.caught_up.set()
            return
        self.fired.append((trigger, now))
        try:
            service.run_due(
                self.factory,
                now.date(),
                self.today_due(now),
                self.catchup_days,
                trigger,
                self.after_commit,
                self.on_failure,
            )
        except Exception:  # never kill the scheduler thread; failed runs are recorded
            log.exception("distribution run failed")
        finally:
            if trigger is RunTrigger.CATCH_UP:
                self.caught_up.set()
