"""/api/v1/data-sources: external SQL sources and the catalog datasets refreshed from them
(admins only). Credentials go in and never come out."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, Response, status

from dataquery.audit.service import audit_context
from dataquery.auth.deps import AdminUser, AppSettings, current_user
from dataquery.core.db import DB
from dataquery.core.schemas import ItemList, errors
from dataquery.datasets.models import Dataset
from dataquery.datasources import service
from dataquery.datasources.models import SourceDataset
from dataquery.datasources.schemas import (
    ConnectionTestOut,
    DataSourceCreate,
    DataSourceOut,
    DataSourceUpdate,
    RefreshAccepted,
    SourceDatasetCreate,
    SourceDatasetOut,
    SourceDatasetUpdate,
)
from dataquery.jobs.models import Job
from dataquery.jobs.runner import Runner

router = APIRouter(
    prefix="/data-sources",
    tags=["data_sources"],
    dependencies=[Depends(current_user)],
    responses=errors(401, 403, 404, 409, 422),
)


def _target(request: Request, target: str, **summary: object) -> None:
    context = audit_context(request)
    context.target = target
    context.summary.update(summary)


@router.get("")
def list_sources(db: DB, _: AdminUser) -> ItemList[DataSourceOut]:
    items = [DataSourceOut.model_validate(s) for s in service.list_sources(db)]
    return ItemList(items=items, total=len(items))


@router.post("", status_code=status.HTTP_201_CREATED)
def create_source(
    request: Request, body: DataSourceCreate, db: DB, settings: AppSettings, admin: AdminUser
) -> DataSourceOut:
    _target(request, f"source={body.name}")  # the URL (credentials) is never in the audit row
    source = service.create_source(db, settings, admin.username, body.name, body.url)
    _target(request, f"source={body.name}", id=source.id, url=source.display_url)
    return DataSourceOut.model_validate(source)


@router.patch("/{source_id}")
def update_source(
    request: Request,
    source_id: str,
    body: DataSourceUpdate,
    db: DB,
    settings: AppSettings,
    _: AdminUser,
) -> DataSourceOut:
    _target(request, f"source={source_id}", url_changed=body.url is not None)  # never the URL
    source = service.update_source(db, settings, source_id, body.name, body.url)
    _target(request, f"source={source.name}", id=source.id, url=source.display_url)
    return DataSourceOut.model_validate(source)


@router.delete("/{source_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_source(request: Request, source_id: str, db: DB, _: AdminUser) -> None:
    source = service.delete_source(db, source_id)
    _target(request, f"source={source.name}", id=source_id)


@router.post("/{source_id}/test")
def test_source(
    request: Request, source_id: str, db: DB, settings: AppSettings, _: AdminUser
) -> ConnectionTestOut:
    source = service.get_source(db, source_id)
    result = service.test_connection(db, settings, source)
    _target(request, f"source={source.name}", ok=result.ok, code=result.code)
    return ConnectionTestOut(ok=result.ok, ms=result.ms, code=result.code, detail=result.detail)


def _mapping_out(
    mapping: SourceDataset, dataset: Dataset | None, job: Job | None
) -> SourceDatasetOut:
    # Validated again with the catalog's values, so their timestamps are marked UTC too.
    return SourceDatasetOut.model_validate(
        {
            **SourceDatasetOut.model_validate(mapping).model_dump(),
            "refreshed_at": dataset.refreshed_at if dataset is not None else None,
            "row_count": dataset.row_count if dataset is not None else None,
            "last_job_status": job.status if job is not None else None,
        }
    )


@router.get("/datasets")
def list_source_datasets(db: DB, _: AdminUser) -> ItemList[SourceDatasetOut]:
    rows = db.execute(
        sa.select(SourceDataset, Dataset, Job)
        .outerjoin(Dataset, Dataset.name == SourceDataset.dataset)
        .outerjoin(Job, Job.id == SourceDataset.last_job_id)
        .order_by(SourceDataset.dataset)
    ).all()
    items = [_mapping_out(m, d, j) for m, d, j in rows]
    return ItemList(items=items, total=len(items))


@router.post("/datasets", status_code=status.HTTP_201_CREATED)
def create_source_dataset(
    request: Request, body: SourceDatasetCreate, db: DB, admin: AdminUser
) -> SourceDatasetOut:
    _target(request, f"dataset={body.dataset}", **body.model_dump(exclude_none=True))
    mapping = service.create_mapping(db, admin.username, **body.model_dump())
    return _mapping_out(mapping, db.get(Dataset, mapping.dataset), None)


@router.patch("/datasets/{dataset}")
def update_source_dataset(
    request: Request, dataset: str, body: SourceDatasetUpdate, db: DB, _: AdminUser
) -> SourceDatasetOut:
    _target(request, f"dataset={dataset}", schedule=body.schedule)
    mapping = service.update_mapping(db, dataset, body.schedule)
    return _mapping_out(mapping, db.get(Dataset, mapping.dataset), None)


@router.delete("/datasets/{dataset}", status_code=status.HTTP_204_NO_CONTENT)
def delete_source_dataset(request: Request, dataset: str, db: DB, _: AdminUser) -> None:
    _target(request, f"dataset={dataset}")
    service.delete_mapping(db, dataset)


@router.post("/datasets/{dataset}/refresh", status_code=status.HTTP_202_ACCEPTED)
def refresh_source_dataset(
    request: Request,
    response: Response,
    dataset: str,
    db: DB,
    settings: AppSettings,
    runner: Runner,
    admin: AdminUser,
) -> RefreshAccepted:
    """Refresh now, as a job: follow it at GET /jobs/{job_id}."""
    _target(request, f"dataset={dataset}")
    job = service.start_refresh(runner, db, settings, admin.username, dataset)
    _target(request, f"dataset={dataset}", job_id=job.id)
    response.status_code = audit_context(request).status_code = status.HTTP_202_ACCEPTED
    return RefreshAccepted(dataset=dataset, job_id=job.id)
