"""GET /api/v1/jobs/{id}: a job's status, progress, and its result or error (owner or admin)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from starlette.concurrency import run_in_threadpool

from dataquery.auth.deps import CurrentUser
from dataquery.auth.roles import Role
from dataquery.core.db import DB
from dataquery.core.errors import NotFound
from dataquery.core.logging import get_logger
from dataquery.core.schemas import errors
from dataquery.jobs.models import Job
from dataquery.jobs.runner import get_runner
from dataquery.jobs.schemas import JobOut

log = get_logger(__name__)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    runner = get_runner(app)
    try:
        await run_in_threadpool(runner.start)
    except Exception:  # the warehouse may be down: the app still starts and reports it
        log.exception("could not start the job workers")
    yield
    await run_in_threadpool(runner.shutdown)
    app.state.job_runner = None


router = APIRouter(
    prefix="/jobs", tags=["jobs"], lifespan=_lifespan, responses=errors(401, 404, 422)
)


@router.get("/{job_id}")
def get_job(db: DB, user: CurrentUser, job_id: str) -> JobOut:
    job = db.get(Job, job_id)
    # Someone else's job is reported as missing: its id tells nothing about it.
    if job is None or (job.owner != user.username and Role(user.role) is not Role.ADMIN):
        raise NotFound(f"job {job_id!r} not found", code="job.not_found", params={"job_id": job_id})
    return JobOut.model_validate(job)
