"""GET /api/v1/datasets and POST /api/v1/datasets/{name}/refresh."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from dataquery.auth.deps import AdminUser, current_user
from dataquery.core.db import DB
from dataquery.core.schemas import ItemList
from dataquery.datasets import service
from dataquery.datasets.schemas import DatasetOut

router = APIRouter(prefix="/datasets", tags=["datasets"], dependencies=[Depends(current_user)])


@router.get("")
def list_datasets(db: DB, category: str | None = None) -> ItemList[DatasetOut]:
    items = [DatasetOut.model_validate(d) for d in service.list_datasets(db, category)]
    return ItemList(items=items, total=len(items))


@router.get("/{name}")
def get_dataset(db: DB, name: str) -> DatasetOut:
    return DatasetOut.model_validate(service.get_dataset(db, name))


@router.post("/{name}/refresh")
def refresh_dataset(db: DB, name: str, _: AdminUser) -> DatasetOut:
    return DatasetOut.model_validate(service.refresh_dataset(db, name))
