"""Who may see which dataset: an upload is its owner's and the administrators'; the bank's
datasets (feature store, lists, products, …) are everyone's.

The one place that answers it, for the catalog, the audience builder's options and every spec
that names an upload. Someone else's upload is answered exactly like a missing one, so its id
tells nothing about it (nor that it exists).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery.auth.models import User
from dataquery.auth.roles import Role
from dataquery.core.errors import NotFound
from dataquery.datasets.models import Dataset, DatasetCategory, upload_dataset_name


@dataclass(frozen=True)
class Viewer:
    """Who asks. `None` where a Viewer is optional means the operator (the CLI): everything."""

    username: str
    is_admin: bool

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(user.username, Role(user.role) is Role.ADMIN)


def may_see(dataset: Dataset, viewer: Viewer | None) -> bool:
    if dataset.category != DatasetCategory.UPLOAD.value:
        return True
    return viewer is None or viewer.is_admin or dataset.owner == viewer.username


def _visible(viewer: Viewer | None) -> sa.ColumnElement[bool]:
    """SQL: the datasets `viewer` may see."""
    if viewer is None or viewer.is_admin:
        return sa.true()
    return sa.or_(
        Dataset.category != DatasetCategory.UPLOAD.value, Dataset.owner == viewer.username
    )


def visible_datasets(
    db: Session, viewer: Viewer | None, category: str | None = None
) -> list[Dataset]:
    """The catalog as `viewer` sees it, by category and name."""
    query = sa.select(Dataset).where(_visible(viewer)).order_by(Dataset.category, Dataset.name)
    if category:
        query = query.where(Dataset.category == category)
    return list(db.scalars(query))


def find_visible_dataset(db: Session, viewer: Viewer | None, name: str) -> Dataset | None:
    dataset = db.get(Dataset, name)
    return dataset if dataset is not None and may_see(dataset, viewer) else None


def get_visible_dataset(db: Session, viewer: Viewer | None, name: str) -> Dataset:
    """The dataset, or 404 when it is missing or someone else's upload (the same answer)."""
    dataset = find_visible_dataset(db, viewer, name)
    if dataset is None:
        raise NotFound(
            f"dataset {name!r} is not in the catalog",
            code="dataset.not_found",
            params={"name": name},
        )
    return dataset


def find_visible_upload(db: Session, viewer: Viewer | None, upload_id: str) -> Dataset | None:
    """The dataset of an accepted upload the viewer may use, or None (missing or not theirs)."""
    dataset = find_visible_dataset(db, viewer, upload_dataset_name(upload_id))
    if dataset is None or dataset.category != DatasetCategory.UPLOAD.value:
        return None
    return dataset
