"""/api/v1/reference/...: the lists every form of the UI is fed from (GET, any role), and
their editor (POST, PATCH, DELETE: admins). Disabled rows are listed too (`enabled`)."""

from __future__ import annotations

from typing import Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request, status

from dataquery.audit.service import audit_context
from dataquery.auth.deps import AdminUser, current_user
from dataquery.core.db import DB
from dataquery.core.schemas import ItemList, errors
from dataquery.reference import service
from dataquery.reference.models import Channel, Filial, PushEventType, Stream
from dataquery.reference.schemas import (
    ChannelCreate,
    ChannelOut,
    ChannelUpdate,
    FilialCreate,
    FilialOut,
    FilialUpdate,
    PushEventTypeCreate,
    PushEventTypeOut,
    PushEventTypeUpdate,
    StreamCreate,
    StreamOut,
    StreamUpdate,
)

router = APIRouter(
    prefix="/reference",
    tags=["reference"],
    dependencies=[Depends(current_user)],
    responses=errors(401, 422),
)
EDIT = errors(403, 404, 409)


def _audit(request: Request, kind: service.Kind, code: str, summary: dict[str, Any]) -> None:
    context = audit_context(request)
    context.target = f"{kind}={code}"
    context.summary.update(summary)


@router.get("/streams")
def list_streams(db: DB, campaign_type: Literal["RB1", "RB3"] | None = None) -> ItemList[StreamOut]:
    query = sa.select(Stream).order_by(Stream.campaign_type, Stream.sort_order, Stream.code)
    if campaign_type:
        query = query.where(Stream.campaign_type == campaign_type)
    items = [StreamOut.model_validate(s) for s in db.scalars(query)]
    return ItemList(items=items, total=len(items))


@router.post("/streams", status_code=status.HTTP_201_CREATED, responses=EDIT)
def create_stream(request: Request, body: StreamCreate, db: DB, _: AdminUser) -> StreamOut:
    _audit(request, "stream", body.code, {"created": body.model_dump()})
    row = service.create(db, Stream, "stream", body)
    return StreamOut.model_validate(row)


@router.patch("/streams/{code}", responses=EDIT)
def update_stream(
    request: Request, code: str, body: StreamUpdate, db: DB, _: AdminUser
) -> StreamOut:
    _audit(request, "stream", code, {})  # the target, also when refused
    row, changes = service.update(db, Stream, "stream", code, body)
    audit_context(request).summary["changes"] = changes
    return StreamOut.model_validate(row)


@router.delete("/streams/{code}", status_code=status.HTTP_204_NO_CONTENT, responses=EDIT)
def delete_stream(request: Request, code: str, db: DB, _: AdminUser) -> None:
    _audit(request, "stream", code, {"deleted": True})
    service.delete(db, Stream, "stream", code)


@router.get("/filials")
def list_filials(db: DB) -> ItemList[FilialOut]:
    items = [FilialOut.model_validate(f) for f in db.scalars(sa.select(Filial).order_by("code"))]
    return ItemList(items=items, total=len(items))


@router.post("/filials", status_code=status.HTTP_201_CREATED, responses=EDIT)
def create_filial(request: Request, body: FilialCreate, db: DB, _: AdminUser) -> FilialOut:
    _audit(request, "filial", body.code, {"created": body.model_dump()})
    row = service.create(db, Filial, "filial", body)
    return FilialOut.model_validate(row)


@router.patch("/filials/{code}", responses=EDIT)
def update_filial(
    request: Request, code: str, body: FilialUpdate, db: DB, _: AdminUser
) -> FilialOut:
    _audit(request, "filial", code, {})  # the target, also when refused
    row, changes = service.update(db, Filial, "filial", code, body)
    audit_context(request).summary["changes"] = changes
    return FilialOut.model_validate(row)


@router.delete("/filials/{code}", status_code=status.HTTP_204_NO_CONTENT, responses=EDIT)
def delete_filial(request: Request, code: str, db: DB, _: AdminUser) -> None:
    _audit(request, "filial", code, {"deleted": True})
    service.delete(db, Filial, "filial", code)


@router.get("/push-event-types")
def list_push_event_types(db: DB) -> ItemList[PushEventTypeOut]:
    rows = db.scalars(sa.select(PushEventType).order_by("code"))
    items = [PushEventTypeOut.model_validate(p) for p in rows]
    return ItemList(items=items, total=len(items))


@router.post("/push-event-types", status_code=status.HTTP_201_CREATED, responses=EDIT)
def create_push_event_type(
    request: Request, body: PushEventTypeCreate, db: DB, _: AdminUser
) -> PushEventTypeOut:
    _audit(request, "push_event_type", body.code, {"created": body.model_dump()})
    row = service.create(db, PushEventType, "push_event_type", body)
    return PushEventTypeOut.model_validate(row)


@router.patch("/push-event-types/{code}", responses=EDIT)
def update_push_event_type(
    request: Request, code: str, body: PushEventTypeUpdate, db: DB, _: AdminUser
) -> PushEventTypeOut:
    _audit(request, "push_event_type", code, {})  # the target, also when refused
    row, changes = service.update(db, PushEventType, "push_event_type", code, body)
    audit_context(request).summary["changes"] = changes
    return PushEventTypeOut.model_validate(row)


@router.delete("/push-event-types/{code}", status_code=status.HTTP_204_NO_CONTENT, responses=EDIT)
def delete_push_event_type(request: Request, code: str, db: DB, _: AdminUser) -> None:
    _audit(request, "push_event_type", code, {"deleted": True})
    service.delete(db, PushEventType, "push_event_type", code)


@router.get("/channels")
def list_channels(db: DB) -> ItemList[ChannelOut]:
    items = [ChannelOut.model_validate(c) for c in db.scalars(sa.select(Channel).order_by("code"))]
    return ItemList(items=items, total=len(items))


@router.post("/channels", status_code=status.HTTP_201_CREATED, responses=EDIT)
def create_channel(request: Request, body: ChannelCreate, db: DB, _: AdminUser) -> ChannelOut:
    _audit(request, "channel", body.code, {"created": body.model_dump()})
    row = service.create(db, Channel, "channel", body)
    return ChannelOut.model_validate(row)


@router.patch("/channels/{code}", responses=EDIT)
def update_channel(
    request: Request, code: str, body: ChannelUpdate, db: DB, _: AdminUser
) -> ChannelOut:
    _audit(request, "channel", code, {})  # the target, also when refused
    row, changes = service.update(db, Channel, "channel", code, body)
    audit_context(request).summary["changes"] = changes
    return ChannelOut.model_validate(row)


@router.delete("/channels/{code}", status_code=status.HTTP_204_NO_CONTENT, responses=EDIT)
def delete_channel(request: Request, code: str, db: DB, _: AdminUser) -> None:
    _audit(request, "channel", code, {"deleted": True})
    service.delete(db, Channel, "channel", code)
