"""Editing reference data: add, change, disable/enable, and delete only what no campaign uses.

The audience builder and the campaign forms read these tables on every request (no cache), so
a change is visible to them on their next call, without a restart.
"""

from __future__ import annotations

from typing import Any, Literal, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.orm import Session

from dataquery.bank.tables import CampaignDict
from dataquery.core.errors import Conflict, NotFound
from dataquery.reference.models import Channel, Filial, PushEventType, Stream

Kind = Literal["stream", "filial", "push_event_type", "channel"]
Row = Stream | Filial | PushEventType | Channel
R = TypeVar("R", Stream, Filial, PushEventType, Channel)

MODELS: dict[Kind, type[Row]] = {
    "stream": Stream,
    "filial": Filial,
    "push_event_type": PushEventType,
    "channel": Channel,
}

# The campaigns' own detail table belongs to campaigns/, a higher domain: named here by its
# columns alone, so reference/ does not import upwards.
_campaign_details = sa.table(
    "dq_campaign_details", sa.column("camp_cd", sa.String), sa.column("push_event_type", sa.String)
)


def _get(db: Session, model: type[R], kind: Kind, code: str) -> R:
    row = db.get(model, code)
    if row is None:
        raise NotFound(
            f"no {kind} with code {code!r}",
            code="reference.not_found",
            params={"kind": kind, "code": code},
        )
    return row


def create(db: Session, model: type[R], kind: Kind, body: BaseModel) -> R:
    values = body.model_dump()
    code = str(values["code"])
    if db.get(model, code) is not None:
        raise Conflict(
            f"a {kind} with code {code!r} exists already",
            code="reference.duplicate",
            params={"kind": kind, "code": code},
        )
    row = model(**values)
    db.add(row)
    db.flush()
    return row


def update(
    db: Session, model: type[R], kind: Kind, code: str, body: BaseModel
) -> tuple[R, dict[str, Any]]:
    """Apply the fields the body sets; returns the row and what changed (old → new)."""
    row = _get(db, model, kind, code)
    changes: dict[str, Any] = {}
    for field, value in body.model_dump(exclude_unset=True).items():
        if value is None and field != "description_ru":
            continue  # a required field is left as it is rather than emptied
        if field == "description_ru" and value is not None:
            value = value.strip() or None
        old = getattr(row, field)
        if old != value:
            changes[field] = {"from": old, "to": value}
            setattr(row, field, value)
    db.flush()
    return row, changes


def campaigns_using(db: Session, kind: Kind, code: str) -> int:
    """How many campaigns (drafts included) refer to this row."""
    if kind == "stream":
        query = sa.select(sa.func.count()).where(CampaignDict.stream == code)
        return int(db.scalar(query) or 0)
    if kind == "channel":
        listed = sa.literal(",") + CampaignDict.channels + sa.literal(",")
        query = sa.select(sa.func.count()).where(listed.like(f"%,{code},%"))
        return int(db.scalar(query) or 0)
    if kind == "push_event_type":
        query = (
            sa.select(sa.func.count())
            .select_from(_campaign_details)
            .where(_campaign_details.c.push_event_type == code)
        )
        return int(db.scalar(query) or 0)
    # Filials live in the campaigns' audience specs: a text match narrows, the spec decides.
    spec_text = sa.type_coerce(CampaignDict.audience_spec, sa.Text)
    specs = db.scalars(
        sa.select(CampaignDict.audience_spec).where(spec_text.like(f'%"{code}"%'))
    ).all()
    return sum(1 for spec in specs if _spec_names_filial(spec, code))


def _spec_names_filial(node: Any, code: str) -> bool:
    if isinstance(node, dict):
        if node.get("kind") == "filial" and code in (node.get("codes") or []):
            return True
        return any(_spec_names_filial(v, code) for v in node.values())
    if isinstance(node, list):
        return any(_spec_names_filial(v, code) for v in node)
    return False


def delete(db: Session, model: type[R], kind: Kind, code: str) -> None:
    row = _get(db, model, kind, code)
    used = campaigns_using(db, kind, code)
    if used:
        raise Conflict(
            f"{used} campaign(s) use the {kind} {code!r}: disable it instead of deleting it",
            code="reference.in_use",
            params={"kind": kind, "code": code, "campaigns": used},
        )
    db.delete(row)
    db.flush()
