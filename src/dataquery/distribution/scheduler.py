"""The 09:00 run: APScheduler's BackgroundScheduler in the app process, at DQ_DISTRIBUTION_CRON
in the bank's time zone. On start it catches up once: every day after the last done one up to
today (when today's time has passed) or yesterday, each in order (`service.run_due`). With
several app instances on one PostgreSQL each has a scheduler; the database lock and the
done-day check make the day run once."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from sqlalchemy.orm import Session, sessionmaker

from dataquery.core import clock
from dataquery.core.logging import get_logger
from dataquery.distribution import service
from dataquery.distribution.schemas import DistributionReport, RunTrigger

log = get_logger("dataquery.distribution.scheduler")
JOB_ID = "distribution"


class DistributionScheduler:
    def __init__(
        self,
        factory: sessionmaker[Session],
        cron: str,
        timezone: ZoneInfo,
        catchup_days: int,
        after_commit: Callable[[DistributionReport], None] | None = None,
        on_failure: Callable[[date, str], None] | None = None,
    ) -> None:
        self.factory = factory
        self.timezone = timezone
        self.trigger = CronTrigger.from_crontab(cron, timezone=timezone)
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
        self.scheduler.add_job(
            self._run,
            self.trigger,
            args=[RunTrigger.SCHEDULE],
            id=JOB_ID,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
        )
        # The catch-up runs now by the app's clock (a date trigger would read the wall clock).
        self.scheduler.add_job(
            self._run, DateTrigger(self.now()), args=[RunTrigger.CATCH_UP],
            id=f"{JOB_ID}.catch_up", misfire_grace_time=None,
        )  # fmt: skip
        self.scheduler.start()

    def next_run_time(self) -> datetime | None:
        job = self.scheduler.get_job(JOB_ID)
        return job.next_run_time if job is not None else None

    def shutdown(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)

    def _run(self, trigger: RunTrigger) -> None:
        now = self.now()
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
