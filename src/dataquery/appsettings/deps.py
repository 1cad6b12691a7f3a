"""`Effective`: the app's settings with an admin's run-time values, for any route to read."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from dataquery.appsettings import service
from dataquery.auth.deps import AppSettings
from dataquery.core.config import Settings
from dataquery.core.db import DB


def effective_settings(db: DB, settings: AppSettings) -> Settings:
    return service.effective(db, settings)


Effective = Annotated[Settings, Depends(effective_settings)]
