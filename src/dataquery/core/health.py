"""GET /api/v1/health: is the warehouse reachable? No auth."""

from __future__ import annotations

from datetime import date
from importlib.metadata import version
from typing import Literal

import sqlalchemy as sa
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from dataquery.core.clock import bank_timezone, bank_today

router = APIRouter(tags=["health"])


class WarehouseHealth(BaseModel):
    dialect: str
    reachable: bool


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    warehouse: WarehouseHealth
    bank_date: date = Field(description="Today in the bank's time zone: the product's today.")
    timezone: str = Field(description="The bank's time zone (DQ_TIMEZONE).")


def app_version() -> str:
    return version("dataquery")


@router.get("/health", response_model=Health, responses={503: {"model": Health}})
def health(request: Request) -> JSONResponse:
    engine = request.app.state.engine
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        reachable = True
    except sa.exc.SQLAlchemyError:
        reachable = False
    body = Health(
        status="ok" if reachable else "degraded",
        version=app_version(),
        warehouse=WarehouseHealth(dialect=engine.dialect.name, reachable=reachable),
        bank_date=bank_today(),
        timezone=str(bank_timezone()),
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if reachable else 503)
