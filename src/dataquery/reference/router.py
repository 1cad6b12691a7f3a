"""GET /api/v1/reference/...: the lists every form of the UI is fed from."""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends

from dataquery.auth.deps import current_user
from dataquery.core.db import DB
from dataquery.core.schemas import ItemList, errors
from dataquery.reference.models import Channel, Filial, PushEventType, Stream
from dataquery.reference.schemas import ChannelOut, FilialOut, PushEventTypeOut, StreamOut

router = APIRouter(
    prefix="/reference",
    tags=["reference"],
    dependencies=[Depends(current_user)],
    responses=errors(401, 422),
)


@router.get("/streams")
def list_streams(db: DB, campaign_type: Literal["RB1", "RB3"] | None = None) -> ItemList[StreamOut]:
    query = sa.select(Stream).order_by(Stream.campaign_type, Stream.sort_order, Stream.code)
    if campaign_type:
        query = query.where(Stream.campaign_type == campaign_type)
    items = [StreamOut.model_validate(s) for s in db.scalars(query)]
    return ItemList(items=items, total=len(items))


@router.get("/filials")
def list_filials(db: DB) -> ItemList[FilialOut]:
    items = [FilialOut.model_validate(f) for f in db.scalars(sa.select(Filial).order_by("code"))]
    return ItemList(items=items, total=len(items))


@router.get("/push-event-types")
def list_push_event_types(db: DB) -> ItemList[PushEventTypeOut]:
    rows = db.scalars(sa.select(PushEventType).order_by("code"))
    items = [PushEventTypeOut.model_validate(p) for p in rows]
    return ItemList(items=items, total=len(items))


@router.get("/channels")
def list_channels(db: DB) -> ItemList[ChannelOut]:
    items = [ChannelOut.model_validate(c) for c in db.scalars(sa.select(Channel).order_by("code"))]
    return ItemList(items=items, total=len(items))
