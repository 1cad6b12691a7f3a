"""The dataset catalog: register, load and refresh datasets."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from dataquery.core.db import utcnow
from dataquery.core.errors import InvalidInput
from dataquery.core.progress import Progress, no_progress
from dataquery.datasets import contact_index, list_index, member_index, reach_index
from dataquery.datasets.access import Viewer, get_visible_dataset, visible_datasets
from dataquery.datasets.catalog import STANDARD_BY_NAME, DatasetSpec
from dataquery.datasets.loader import (
    describe_columns,
    read_parquet_schema,
    replace_table_from_parquet,
)
from dataquery.datasets.models import Dataset, DatasetCategory


def list_datasets(db: Session, viewer: Viewer | None, category: str | None = None) -> list[Dataset]:
    """The catalog as the viewer sees it: someone else's uploads are left out."""
    return visible_datasets(db, viewer, category)


def get_dataset(db: Session, name: str, viewer: Viewer | None = None) -> Dataset:
    """404 when missing or someone else's upload; `viewer=None` is the operator's view."""
    return get_visible_dataset(db, viewer, name)


def load_dataset(db: Session, spec: DatasetSpec, path: Path) -> Dataset:
    """Load `path` into the spec's table and record it in the catalog, in one transaction."""
    rows = replace_table_from_parquet(db.connection(), spec.table_name, path)
    dataset = db.get(Dataset, spec.name) or Dataset(name=spec.name, created_at=utcnow())
    dataset.category = spec.category.value
    dataset.description = spec.description
    dataset.table_name = spec.table_name
    dataset.source = str(path)
    dataset.row_count = rows
    dataset.columns = describe_columns(read_parquet_schema(path))
    dataset.refreshed_at = utcnow()
    db.add(dataset)
    db.flush()
    # The indexes follow in the same transaction: a reloaded feature store gets every list's
    # and campaign group's bits, every customer's latest contacts and what it lacks for push
    # and SMS again, a reloaded list its own bits.
    if spec.category is DatasetCategory.FEATURE_STORE:
        list_index.rebuild(db)
        contact_index.build(db)
        member_index.rebuild(db)
        reach_index.build(db)
    else:
        list_index.index_dataset(db, dataset)
    return dataset


def refresh_dataset(db: Session, name: str) -> Dataset:
    """Reload a dataset from the Parquet file it came from."""
    dataset = get_dataset(db, name)  # the admin's route: every dataset
    spec = STANDARD_BY_NAME.get(name)
    if spec is None or not dataset.source:
        raise InvalidInput(
            f"dataset {name!r} has no file source to refresh from",
            code="dataset.no_source",
            params={"name": name},
        )
    path = Path(dataset.source)
    if not path.is_file():
        raise InvalidInput(
            f"the source file of {name!r} is missing: {path.name}",
            code="dataset.source_missing",
            params={"name": name, "file": path.name},
        )
    return load_dataset(db, spec, path)


def load_demo(
    db: Session,
    customers: int,
    seed: int,
    out_dir: Path,
    as_of: date,
    progress: Progress = no_progress,
) -> list[Dataset]:
    """Generate the synthetic bank and load every dataset of it into the warehouse."""
    from dataquery.datasets.demo import generate_demo

    files = generate_demo(customers, seed, out_dir, as_of, progress)
    loaded = []
    for done, demo_file in enumerate(files):
        progress(stage_code="job.stage.load", done=done, total=len(files))
        loaded.append(load_dataset(db, STANDARD_BY_NAME[demo_file.name], demo_file.path))
    return loaded
