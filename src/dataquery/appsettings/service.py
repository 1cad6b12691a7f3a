"""Effective settings: the DQ_ defaults with what an admin stored in `dq_settings` on top.

Read from the warehouse on every use (one small primary-key table), so every instance sees a
change at once and nothing needs a restart.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from dataquery.appsettings.models import SettingValue
from dataquery.appsettings.schemas import (
    SETTING_KEYS,
    RuntimeSettings,
    SettingChange,
    SettingsOut,
    SettingsUpdate,
)
from dataquery.core.config import Settings
from dataquery.core.db import utcnow
from dataquery.core.errors import InvalidInput
from dataquery.core.logging import get_logger

log = get_logger(__name__)


def defaults(settings: Settings) -> RuntimeSettings:
    return RuntimeSettings.model_validate({key: getattr(settings, key) for key in SETTING_KEYS})


def _stored(db: Session) -> list[SettingValue]:
    return list(db.scalars(sa.select(SettingValue).where(SettingValue.key.in_(SETTING_KEYS))))


def runtime(db: Session, settings: Settings) -> RuntimeSettings:
    values = defaults(settings).model_dump()
    for row in _stored(db):
        values[row.key] = row.value
    try:
        return RuntimeSettings.model_validate(values)
    except ValueError:
        # A row written by hand that no longer validates: the defaults, loudly.
        log.error("stored settings are invalid; using the defaults")
        return defaults(settings)


def effective(db: Session, settings: Settings) -> Settings:
    """`settings` with the stored values: what every code path reading a limit uses."""
    return settings.model_copy(update=runtime(db, settings).model_dump())


def describe(db: Session, settings: Settings) -> SettingsOut:
    return SettingsOut(
        values=runtime(db, settings),
        defaults=defaults(settings),
        changed=[SettingChange.model_validate(row) for row in _stored(db)],
    )


def update(
    db: Session, settings: Settings, data: SettingsUpdate, username: str
) -> tuple[SettingsOut, dict[str, Any]]:
    """Store the given values, reset the named ones; returns the result and what changed
    (`{key: [old, new]}`, for the audit row)."""
    before = runtime(db, settings).model_dump()
    given = data.model_dump(exclude_unset=True, exclude={"reset"})
    given = {key: value for key, value in given.items() if value is not None}
    combined = {**before, **{k: v for k, v in defaults(settings).model_dump().items()
                              if k in data.reset}, **given}  # fmt: skip
    if combined["upload_job_threshold_mb"] > combined["upload_max_mb"]:
        raise InvalidInput(
            "upload_job_threshold_mb must not be above upload_max_mb",
            code="settings.job_threshold_above_max",
            params={
                "upload_job_threshold_mb": combined["upload_job_threshold_mb"],
                "upload_max_mb": combined["upload_max_mb"],
            },
        )
    now = utcnow()
    for key in data.reset:
        if key not in given:
            db.execute(sa.delete(SettingValue).where(SettingValue.key == key))
    for key, value in given.items():
        row = db.get(SettingValue, key)
        if row is None:
            db.add(SettingValue(key=key, value=value, updated_at=now, updated_by=username))
        elif row.value != value:
            row.value, row.updated_at, row.updated_by = value, now, username
    db.flush()
    after = runtime(db, settings).model_dump()
    changes = {key: [before[key], after[key]] for key in SETTING_KEYS if before[key] != after[key]}
    return describe(db, settings), changes
