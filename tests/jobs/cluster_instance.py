"""`dataquery serve` as the two-instance test starts it: the same server, plus a test-only job
kind, `test.slow`, that blocks until a gate file exists (so an instance can be killed mid-job
deterministically) and leaves one audit row each time its work commits.

Run as `python cluster_instance.py PORT`; the settings come from the DQ_* environment."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from dataquery.cli import app
from dataquery.jobs.runner import JobAudit, ProgressReporter, job_handler

SLOW_EFFECT = "test.slow_effect"


@job_handler("test.slow")
def slow(db: Session, params: dict[str, Any], progress: ProgressReporter) -> dict[str, Any]:
    Path(params["started"]).write_text(progress.job_id)  # the test sees the work has begun
    db.add(JobAudit("test", SLOW_EFFECT, params["target"]).entry("success", {}))
    db.flush()
    gate = Path(params["gate"])
    while not gate.exists():  # the gate opens only after the first instance was killed
        progress("job.stage.wait")
        time.sleep(0.05)
    return {"target": params["target"]}


if __name__ == "__main__":
    app(["serve", "--port", sys.argv[1]])
