"""GET /api/v1/datasets and POST /api/v1/datasets/{name}/refresh.

Everyone sees the bank's datasets; an upload's dataset only its owner and administrators (to
anyone else it is missing: 404, and left out of the list).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends

from dataquery.auth.deps import AdminUser, CurrentUser, current_user
from dataquery.core.db import DB
from dataquery.core.schemas import ItemList, errors
from dataquery.datasets import service
from dataquery.datasets.access import Viewer
from dataquery.datasets.schemas import DatasetOut

router = APIRouter(
    prefix="/datasets",
    tags=["datasets"],
    dependencies=[Depends(current_user)],
    responses=errors(401, 403, 404, 422),
)


@router.get("")
def list_datasets(db: DB, user: CurrentUser, category: str | None = None) -> ItemList[DatasetOut]:
    datasets = service.list_datasets(db, Viewer.of(user), category)
    items = [DatasetOut.model_validate(d) for d in datasets]
    return ItemList(items=items, total=len(items))


@router.get("/{name}")
def get_dataset(db: DB, user: CurrentUser, name: str) -> DatasetOut:
    return DatasetOut.model_validate(service.get_dataset(db, name, Viewer.of(user)))


@router.post("/{name}/refresh")
def refresh_dataset(db: DB, name: str, _: AdminUser) -> DatasetOut:
    return DatasetOut.model_validate(service.refresh_dataset(db, name))
