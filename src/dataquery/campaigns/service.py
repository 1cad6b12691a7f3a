"""Campaign drafts and their life: create, edit, copy, status, delete, read.

Status rules (409 for anything else):

    draft ──deploy──▶ deployed ──activate──▶ active ──finish──▶ finished
      │                  │  └────────────finish─────────────────▲
      └─cancel─▶ cancelled ◀─cancel (before the start date)─┘

- activate: deployed → active, between start_date and end_date;
- finish: deployed|active → finished once started; an early finish moves end_date to today
  in every table that holds it, so delivery stops;
- cancel: a draft, or a deployed campaign that has not started; the latter releases its
  members (its rows leave fd_rb2_campaigns_users, mb22, mb21 and off_limit_campaigns_users),
  since nobody was contacted.

Who: everyone reads every campaign; analysts change their own (403 otherwise: a campaign's
existence is no secret), administrators all. A campaign is made (created, edited, copied, split,
deployed) only from a saved audience its maker may see: their own, or any for an administrator.
Someone else's audience is answered like a missing one (`audiences.access`).
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.orm import Session

from dataquery.audiences.access import Viewer, find_visible_audience
from dataquery.audiences.models import Audience, audience_members
from dataquery.audiences.overlap import Window, overlap_of
from dataquery.audiences.schemas import Overlap
from dataquery.auth.models import User
from dataquery.auth.roles import Role
from dataquery.bank.tables import (
    CAMPAIGN_CODE_SEQ,
    XLS_OW_ID_SEQ,
    CampaignDict,
    PopUpCampaign,
    RB3CampaignDict,
    campaign_users,
    contact_history,
    local_control,
    local_target,
)
from dataquery.campaigns import experiment
from dataquery.campaigns.app_tables import CampaignDetail, CampaignEvent
from dataquery.campaigns.schemas import (
    CampaignCopy,
    CampaignCreate,
    CampaignDraft,
    CampaignOut,
    CampaignStatus,
    CampaignSummary,
    CampaignTexts,
    CampaignUpdate,
    EffectiveStatus,
    ExperimentArm,
    ExperimentArms,
    LanguageText,
    PopupContent,
    RB3Terms,
    SmsSegments,
    SplitPreviewRequest,
    SplitResult,
)
from dataquery.campaigns.sms import segment_warning, sms_length
from dataquery.campaigns.split import split_audience, split_result
from dataquery.core.clock import bank_today
from dataquery.core.db import utcnow
from dataquery.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from dataquery.core.problems import Problems, problem
from dataquery.core.schemas import Notice
from dataquery.datasets import contact_index, member_index
from dataquery.reference.models import Channel, PushEventType, Stream

MAX_XLS_OW_ID = 9999

# Tables holding a campaign's members: what delete and cancel clear.
MEMBER_TABLES = (campaign_users, local_target, local_control, contact_history)


def today() -> date:
    """The bank's date (DQ_TIMEZONE): start dates and activity are judged by it."""
    return bank_today()


# Codes ---------------------------------------------------------------------------------------


def next_codes(db: Session, camp_type: str) -> tuple[str, str | None]:
    """A new camp_cd (C + 9 digits) and, for RB3, an xls_ow_id (KKB_ + 4 digits), both from
    database sequences: concurrent creates never share a code."""
    number = db.execute(sa.select(CAMPAIGN_CODE_SEQ.next_value())).scalar_one()
    code = f"C{int(number):09d}"
    if camp_type != "RB3":
        return code, None
    xls = int(db.execute(sa.select(XLS_OW_ID_SEQ.next_value())).scalar_one())
    if xls > MAX_XLS_OW_ID:
        raise Conflict(
            "the xls_ow_id sequence is exhausted (KKB_9999); ask an administrator",
            code="campaign.xls_ow_id_exhausted",
        )
    return code, f"KKB_{xls:04d}"


# Reading -------------------------------------------------------------------------------------


def get_campaign(db: Session, code: str, *, lock: bool = False) -> CampaignDict:
    """The campaign; with lock, its row is locked for this transaction (NOWAIT: a running
    deploy answers 409 instead of blocking). DuckDB has no row locks; its conflicting writes
    fail at the write and are answered 409 as well."""
    query = sa.select(CampaignDict).where(CampaignDict.camp_cd == code.strip().upper())
    if lock and db.get_bind().dialect.name != "duckdb":
        query = query.with_for_update(nowait=True)
    with write_conflicts_as_409(f"campaign {code} is being changed (a deploy may be running)"):
        campaign = db.scalars(query).one_or_none()
    if campaign is None:
        raise NotFound(
            f"campaign {code!r} does not exist",
            code="campaign.not_found",
            params={"campaign": code},
        )
    return campaign


def get_detail(db: Session, code: str) -> CampaignDetail:
    return db.get(CampaignDetail, code) or CampaignDetail(camp_cd=code)


def can_manage(user: User, campaign: CampaignDict) -> bool:
    role = Role(user.role)
    return role is Role.ADMIN or (role is Role.ANALYST and campaign.owner == user.username)


def ensure_can_manage(user: User, campaign: CampaignDict) -> None:
    if not can_manage(user, campaign):
        raise PermissionDenied(
            f"campaign {campaign.camp_cd} belongs to {campaign.owner}; analysts manage their own "
            "campaigns, administrators all",
            code="campaign.not_yours",
            params={"campaign": campaign.camp_cd, "owner": campaign.owner},
        )


@contextmanager
def write_conflicts_as_409(message: str) -> Iterator[None]:
    """Concurrent writers of one row: PostgreSQL's NOWAIT lock and DuckDB's write-write conflict
    both surface as driver errors; answer them as a business conflict."""
    try:
        yield
    except sa.exc.DBAPIError as exc:
        text = str(exc.orig).lower()
        # psycopg LockNotAvailable: "could not obtain lock on row…"; DuckDB: "Conflict on tuple…"
        if "could not obtain lock" in text or "conflict on" in text:
            raise Conflict(message, code="campaign.busy") from exc
        raise


# Deployed campaigns (stored `deployed` or `active`) run between their dates.
_LIVE = (CampaignStatus.DEPLOYED, CampaignStatus.ACTIVE)


def effective_status(campaign: CampaignDict, on: date | None = None) -> EffectiveStatus:
    on = on or today()
    if campaign.status in _LIVE:
        if on < campaign.start_date:
            return EffectiveStatus.SCHEDULED
        if on > campaign.end_date:
            return EffectiveStatus.ENDED
        return EffectiveStatus.ACTIVE
    return EffectiveStatus(campaign.status)


def effective_status_is(state: EffectiveStatus, on: date) -> sa.ColumnElement[bool]:
    """SQL: the campaigns whose effective status on `on` is `state`."""
    live = CampaignDict.status.in_([s.value for s in _LIVE])
    if state is EffectiveStatus.SCHEDULED:
        return sa.and_(live, CampaignDict.start_date > on)
    if state is EffectiveStatus.ACTIVE:
        return sa.and_(live, CampaignDict.start_date <= on, CampaignDict.end_date >= on)
    if state is EffectiveStatus.ENDED:
        return sa.and_(live, CampaignDict.end_date < on)
    return CampaignDict.status == state.value


def allowed_statuses(campaign: CampaignDict, on: date | None = None) -> list[str]:
    on = on or today()
    status = campaign.status
    allowed: list[str] = []
    if status == CampaignStatus.DRAFT:
        allowed.append(CampaignStatus.CANCELLED)
    if status == CampaignStatus.DEPLOYED and campaign.start_date <= on <= campaign.end_date:
        allowed.append(CampaignStatus.ACTIVE)
    if status in (CampaignStatus.DEPLOYED, CampaignStatus.ACTIVE) and campaign.start_date <= on:
        allowed.append(CampaignStatus.FINISHED)
    if status == CampaignStatus.DEPLOYED and on < campaign.start_date:
        allowed.append(CampaignStatus.CANCELLED)
    return allowed


def summary(campaign: CampaignDict, label: tuple[str, str] | None = None) -> CampaignSummary:
    """`label`: the experiment's lead and the arm's name (`experiment_labels`)."""
    return CampaignSummary(
        code=campaign.camp_cd,
        type=campaign.camp_type,
        xls_ow_id=campaign.xls_ow_id,
        name=campaign.camp_name,
        description=campaign.camp_desc,
        stream=campaign.stream,
        channels=channels_of(campaign),
        status=CampaignStatus(campaign.status),
        effective_status=effective_status(campaign),
        owner=campaign.owner,
        start_date=campaign.start_date,
        end_date=campaign.end_date,
        target_count=campaign.target_cnt,
        control_count=campaign.control_cnt,
        created_at=campaign.created_at,
        updated_at=campaign.updated_at,
        deployed_at=campaign.deployed_at,
        experiment=label[0] if label else None,
        arm=label[1] if label else None,
    )


def channels_of(campaign: CampaignDict) -> list[str]:
    return [c for c in campaign.channels.split(",") if c]


def texts_of(campaign: CampaignDict, detail: CampaignDetail) -> CampaignTexts:
    sms = detail.sms or {}

    def language(code: str, title: str | None, body: str | None) -> LanguageText | None:
        if title is None and body is None and sms.get(code) is None:
            return None
        return LanguageText(title=title, body=body, sms=sms.get(code))

    return CampaignTexts(
        ru=language("ru", campaign.title_ru, campaign.text_ru),
        kz=language("kz", campaign.title_kz, campaign.text_kz),
    )


def sms_texts(campaign: CampaignDict, detail: CampaignDetail) -> dict[str, str | None]:
    """Per language, the text an SMS carries: its own, else the push body."""
    own = detail.sms or {}
    return {
        "ru": own.get("ru") or campaign.text_ru,
        "kz": own.get("kz") or campaign.text_kz,
    }


def draft_of(campaign: CampaignDict, detail: CampaignDetail) -> dict[str, Any]:
    """The campaign as the fields of a CampaignDraft (for edits and copies)."""
    return {
        "type": campaign.camp_type,
        "name": campaign.camp_name,
        "description": campaign.camp_desc,
        "stream": campaign.stream,
        "channels": channels_of(campaign),
        "texts": texts_of(campaign, detail).model_dump(),
        "deep_link": campaign.deep_link,
        "start_date": campaign.start_date,
        "end_date": campaign.end_date,
        "product_code": campaign.product_code,
        "audience_id": campaign.audience_id or "",
        "control_share": float(campaign.control_share),
        "split_seed": campaign.split_seed,
        "push_event_type": detail.push_event_type,
        "rb3": detail.rb3,
        "popup": detail.popup,
        **(detail.experiment or {}).get("design", {}),
        "pool_share": bool(detail.pool_share),
        "cost_per_contact": detail.cost_per_contact,
    }


def sms_segments(campaign: CampaignDict, detail: CampaignDetail) -> dict[str, SmsSegments]:
    if "sms" not in channels_of(campaign):
        return {}
    return {
        language: SmsSegments(**sms_length(body).as_dict())
        for language, body in sms_texts(campaign, detail).items()
        if body
    }


def draft_warnings(
    campaign: CampaignDict, detail: CampaignDetail, audience_size: int | None
) -> list[Notice]:
    warnings = []
    if "sms" in channels_of(campaign):
        for language, body in sms_texts(campaign, detail).items():
            warning = segment_warning(language, sms_length(body or ""))
            if warning:
                warnings.append(warning)
    if float(campaign.control_share) == 0:
        message = "control_share is 0: without a control group the effect is not measurable"
        warnings.append(Notice(code="notice.campaign.no_control", message=message))
    if audience_size == 0:
        warnings.append(
            Notice(code="notice.campaign.audience_empty", message="the saved audience is empty")
        )
    if audience_size is None and campaign.status == CampaignStatus.DRAFT:
        warnings.append(
            Notice(
                code="notice.campaign.audience_gone",
                message=f"the saved audience {campaign.audience_id} no longer exists",
                params={"audience_id": campaign.audience_id},
            )
        )
    if campaign.status == CampaignStatus.DRAFT and campaign.start_date < today():
        warnings.append(
            Notice(
                code="notice.campaign.start_passed",
                message=f"start_date {campaign.start_date} has passed: move it before deploying",
                params={"start_date": campaign.start_date.isoformat()},
            )
        )
    return warnings


def current_split(db: Session, campaign: CampaignDict) -> SplitResult | None:
    """Drafts: computed now from the saved audience; otherwise counted in mb22/mb21."""
    arm = _arm_split(db, campaign)
    if arm is not None:
        return arm
    share = float(campaign.control_share)
    stored = get_detail(db, campaign.camp_cd).experiment
    if campaign.status == CampaignStatus.DRAFT:
        if not campaign.audience_id or audience_size(db, campaign.audience_id) is None:
            return None
        if stored is not None:
            # Computed when the draft was saved (re-randomisation is too costly per read).
            sizes = [int(g["size"]) for g in stored["groups"]]
            return split_result(sum(sizes[1:]), sizes[0], share, experiment=stored)
        split = split_audience(db.connection(), campaign.audience_id, campaign.split_seed, share)
        return split_result(split.target_size, split.control_size, share)
    target, control = member_counts(db, campaign.camp_cd)
    return split_result(target, control, share, source="tables", experiment=stored)


def _arm_split(db: Session, campaign: CampaignDict) -> SplitResult | None:
    """A campaign of an experiment with arm campaigns: its arm against the shared control, the
    expected control share being the two groups' (20/40/40 → 1/3), with the lead's design.
    None for any other campaign (or a draft whose audience is gone)."""
    lead = experiment_lead(db, campaign.camp_cd)
    if lead is None:
        return None
    stored = get_detail(db, lead.camp_cd).experiment
    groups = _design(get_detail(db, lead.camp_cd))
    group = get_detail(db, campaign.camp_cd).arm or 1
    if group >= len(groups):
        return None
    control, own = float(groups[0]["share"]), float(groups[group]["share"])
    share = control / (control + own)
    if campaign.status == CampaignStatus.DRAFT:
        if not campaign.audience_id or audience_size(db, campaign.audience_id) is None:
            return None
        sizes = int(groups[group].get("size") or 0), int(groups[0].get("size") or 0)
        return split_result(*sizes, share, experiment=stored)
    target, members = member_counts(db, campaign.camp_cd)
    return split_result(target, members, share, source="tables", experiment=stored)


def member_counts(db: Session, code: str) -> tuple[int, int]:
    target = db.scalar(
        sa.select(sa.func.count()).select_from(local_target).where(local_target.c.camp_cd == code)
    )
    control = db.scalar(
        sa.select(sa.func.count()).select_from(local_control).where(local_control.c.camp_cd == code)
    )
    return int(target or 0), int(control or 0)


def audience_size(db: Session, audience_id: str, viewer: Viewer | None = None) -> int | None:
    """The saved audience's size, or None when there is no such audience, or (with a viewer)
    when it is not the viewer's to use: someone else's is answered as a missing one.
    `viewer=None` reads any: a campaign shows its own audience to whoever may read it."""
    audience = find_visible_audience(db, viewer, audience_id)
    return None if audience is None else int(audience.size or 0)


def no_such_audience(audience_id: str | None) -> Conflict:
    """A draft whose saved audience is gone, or is not the deployer's: the same answer."""
    return Conflict(
        f"the saved audience {audience_id!r} of the campaign is gone",
        code="campaign.audience_gone",
        params={"audience_id": audience_id},
    )


def preview_split(db: Session, user: User, data: SplitPreviewRequest) -> SplitResult:
    """Target/control sizes and the sample-ratio check of one of the caller's audiences."""
    if audience_size(db, data.audience_id, Viewer.of(user)) is None:
        errors = Problems()
        errors.add(
            "audience_id",
            code="campaign.unknown_audience",
            message=f"there is no saved audience {data.audience_id!r}",
            audience_id=data.audience_id,
        )
        errors.raise_if_any(code="campaign.invalid_draft")
    if data.is_experiment():
        experiment.check_strata(db.connection(), data.strata)
        share = data.groups[0].share if data.groups else data.control_share
        ran = experiment.run(
            db.connection(), data.audience_id, data.split_seed, data, share, today()
        )
        sizes = [int(g["size"]) for g in ran.stored["groups"]]
        return split_result(sum(sizes[1:]), sizes[0], share, experiment=ran.stored)
    split = split_audience(db.connection(), data.audience_id, data.split_seed, data.control_share)
    return split_result(split.target_size, split.control_size, data.control_share)


def to_out(db: Session, campaign: CampaignDict, user: User) -> CampaignOut:
    detail = get_detail(db, campaign.camp_cd)
    size = audience_size(db, campaign.audience_id) if campaign.audience_id else None
    label = experiment_labels(db, [campaign.camp_cd]).get(campaign.camp_cd)
    return CampaignOut(
        **summary(campaign, label).model_dump(),
        texts=texts_of(campaign, detail),
        deep_link=campaign.deep_link,
        product_code=campaign.product_code,
        audience_id=campaign.audience_id,
        audience_spec=campaign.audience_spec,
        control_share=float(campaign.control_share),
        split_seed=campaign.split_seed,
        push_event_type=detail.push_event_type,
        pool_share=bool(detail.pool_share),
        cost_per_contact=detail.cost_per_contact,
        rb3=RB3Terms.model_validate(detail.rb3) if detail.rb3 else None,
        popup=PopupContent.model_validate(detail.popup) if detail.popup else None,
        copied_from=detail.copied_from,
        deploy_job_id=detail.deploy_job_id,
        split=current_split(db, campaign),
        sms_segments=sms_segments(campaign, detail),
        warnings=draft_warnings(campaign, detail, size),
        allowed_statuses=allowed_statuses(campaign) if can_manage(user, campaign) else [],
        can_edit=can_manage(user, campaign),
        arms=experiment_arms(db, campaign),
    )


# Validation ----------------------------------------------------------------------------------


def parse_draft(fields: dict[str, Any]) -> CampaignDraft:
    """Pydantic's field checks, answered as 422 in the same shape as request validation."""
    try:
        return CampaignDraft.model_validate(fields)
    except ValidationError as exc:
        errors = Problems()
        errors.add_validation_errors(exc.errors())
        errors.raise_if_any(code="campaign.invalid_draft")
        raise  # unreachable: a ValidationError has errors


def disabled_channels(db: Session, channels: Iterable[str]) -> list[str]:
    wanted = sorted(set(channels))
    if not wanted:
        return []
    return sorted(
        db.scalars(
            sa.select(Channel.code).where(Channel.code.in_(wanted), Channel.enabled.is_(False))
        )
    )


def disabled_references(
    db: Session, stream: str, channels: list[str], push_event_type: str | None
) -> list[dict[str, Any]]:
    """The problems of a draft naming reference rows an administrator has since disabled; a
    deploy refuses them (campaigns already deployed are not touched)."""
    found: list[dict[str, Any]] = []
    row = db.get(Stream, stream)
    if row is not None and not row.enabled:
        found.append(
            problem(
                "stream",
                code="campaign.disabled_stream",
                message=f"stream {stream!r} is disabled",
                stream=stream,
            )
        )
    off = disabled_channels(db, channels)
    if off:
        found.append(
            problem(
                "channels",
                code="campaign.disabled_channel",
                message=f"disabled channels: {', '.join(off)}",
                channels=", ".join(off),
            )
        )
    event_type = db.get(PushEventType, push_event_type) if push_event_type else None
    if event_type is not None and not event_type.enabled:
        found.append(
            problem(
                "push_event_type",
                code="campaign.disabled_push_event_type",
                message=f"push event type {push_event_type!r} is disabled",
                push_event_type=push_event_type,
            )
        )
    return found


def check_draft(db: Session, draft: CampaignDraft, user: User, *, check_start: bool = True) -> None:
    """The cross-field rules of a draft; raises 422 naming every failing field. The audience
    must be one `user` may use (their own; any for an administrator)."""
    errors = Problems()
    stream = db.get(Stream, draft.stream)
    if stream is None or stream.campaign_type != draft.type or not stream.enabled:
        codes = db.scalars(
            sa.select(Stream.code)
            .where(Stream.campaign_type == draft.type, Stream.enabled.is_(True))
            .order_by(Stream.sort_order)
        ).all()
        errors.add(
            "stream",
            code="campaign.stream_not_of_type",
            message=f"{draft.stream!r} is not a {draft.type} stream; one of {codes}",
            stream=draft.stream,
            type=draft.type,
            streams=", ".join(codes),
        )
    channels = set(draft.channels)
    disabled = disabled_channels(db, channels)
    if disabled:
        errors.add(
            "channels",
            code="campaign.disabled_channel",
            message=f"disabled channels: {', '.join(disabled)}",
            channels=", ".join(disabled),
        )
    needed: list[tuple[str, str]] = []
    if "push" in channels:
        needed += [(lang, part) for lang in ("ru", "kz") for part in ("title", "body")]
    if "sms" in channels:
        needed += [(lang, "body") for lang in ("ru", "kz") if (lang, "body") not in needed]
    for language, part in needed:
        text = getattr(draft.texts, language, None) if draft.texts else None
        sms_only = "push" not in channels and text is not None and text.sms is not None
        if text is None or (getattr(text, part) is None and not sms_only):
            uses = " and ".join(c for c in ("push", "sms") if c in channels)
            errors.add(
                f"texts.{language}.{part}",
                code="campaign.text_required",
                message=f"required with {uses}",
                channels=uses,
            )
    if "popup" in channels and draft.popup is None:
        errors.add(
            "popup",
            code="campaign.popup_required",
            message="pop-up content is required with the popup channel",
        )
    if "popup" not in channels and draft.popup is not None:
        errors.add(
            "popup",
            code="campaign.popup_without_channel",
            message="given, but the popup channel is not chosen",
        )
    if draft.type == "RB3" and draft.rb3 is None:
        errors.add(
            "rb3",
            code="campaign.rb3_required",
            message="bonus terms are required for RB3 campaigns",
        )
    if draft.type == "RB1" and draft.rb3 is not None:
        errors.add(
            "rb3", code="campaign.rb3_only", message="bonus terms apply to RB3 campaigns only"
        )
    if draft.rb3 is not None:
        terms = draft.rb3
        if terms.bonus_type == "cashback_pct" and terms.bonus_value > Decimal(100):
            errors.add(
                "rb3.bonus_value",
                code="campaign.rb3.cashback_above_100",
                message="a cashback percentage is at most 100",
            )
        if terms.accrual_start and terms.accrual_end and terms.accrual_end < terms.accrual_start:
            errors.add(
                "rb3.accrual_end",
                code="campaign.rb3.accrual_end_before_start",
                message="is before rb3.accrual_start",
            )
    if draft.end_date < draft.start_date:
        errors.add(
            "end_date",
            code="campaign.end_before_start",
            message=f"{draft.end_date} is before start_date {draft.start_date}",
            start_date=draft.start_date.isoformat(),
            end_date=draft.end_date.isoformat(),
        )
    if check_start and draft.start_date < today():
        errors.add(
            "start_date",
            code="campaign.start_in_past",
            message=f"{draft.start_date} is in the past (today is {today()})",
            start_date=draft.start_date.isoformat(),
            today=today().isoformat(),
        )
    if draft.push_event_type is not None:
        event_type = db.get(PushEventType, draft.push_event_type)
        if event_type is None:
            errors.add(
                "push_event_type",
                code="campaign.unknown_push_event_type",
                message=f"{draft.push_event_type!r} is not a push event type",
                push_event_type=draft.push_event_type,
            )
        elif not event_type.enabled:
            errors.add(
                "push_event_type",
                code="campaign.disabled_push_event_type",
                message=f"push event type {draft.push_event_type!r} is disabled",
                push_event_type=draft.push_event_type,
            )
        elif "push" not in channels:
            errors.add(
                "push_event_type",
                code="campaign.push_event_type_without_push",
                message="only meaningful with the push channel",
            )
    if audience_size(db, draft.audience_id, Viewer.of(user)) is None:
        errors.add(
            "audience_id",
            code="campaign.unknown_audience",
            message=f"there is no saved audience {draft.audience_id!r}",
            audience_id=draft.audience_id,
        )
    errors.raise_if_any(code="campaign.invalid_draft")
    if draft.strata:
        experiment.check_strata(db.connection(), draft.strata)


def _apply(
    db: Session, campaign: CampaignDict, detail: CampaignDetail, draft: CampaignDraft
) -> None:
    texts = draft.texts or CampaignTexts()
    ru, kz = texts.ru or LanguageText(), texts.kz or LanguageText()
    if campaign.audience_id != draft.audience_id or campaign.audience_spec is None:
        spec = db.execute(
            sa.select(Audience.spec).where(Audience.id == draft.audience_id)
        ).scalar_one_or_none()
        campaign.audience_spec = spec
    campaign.camp_type = draft.type
    campaign.camp_name = draft.name
    campaign.camp_desc = draft.description
    campaign.stream = draft.stream
    campaign.channels = ",".join(draft.channels)
    campaign.title_ru, campaign.text_ru = ru.title, ru.body
    campaign.title_kz, campaign.text_kz = kz.title, kz.body
    campaign.deep_link = draft.deep_link
    campaign.start_date = draft.start_date
    campaign.end_date = draft.end_date
    campaign.product_code = draft.product_code
    campaign.audience_id = draft.audience_id
    share = draft.groups[0].share if draft.groups else draft.control_share
    campaign.control_share = Decimal(str(round(share, 4)))
    campaign.split_seed = (
        draft.split_seed if draft.split_seed is not None else secrets.randbelow(2**31)
    )
    detail.push_event_type = draft.push_event_type
    detail.pool_share = draft.pool_share
    detail.cost_per_contact = draft.cost_per_contact
    detail.rb3 = draft.rb3.model_dump(mode="json") if draft.rb3 else None
    detail.popup = draft.popup.model_dump(mode="json") if draft.popup else None
    own_sms = {"ru": ru.sms, "kz": kz.sms} if "sms" in draft.channels else {}
    detail.sms = {k: v for k, v in own_sms.items() if v} or None


# Changes -------------------------------------------------------------------------------------


def record_event(
    db: Session, code: str, username: str | None, kind: str, detail: dict[str, Any] | None = None
) -> None:
    db.add(
        CampaignEvent(
            id=str(uuid.uuid4()),
            camp_cd=code,
            occurred_at=utcnow(),
            username=username,
            kind=kind,
            detail=detail,
        )
    )


def _new_campaign(
    db: Session,
    user: User,
    draft: CampaignDraft,
    copied_from: str | None = None,
    arm_of: tuple[CampaignDict, Arm] | None = None,
) -> CampaignDict:
    code, xls_ow_id = next_codes(db, draft.type)
    now = utcnow()
    campaign = CampaignDict(
        camp_cd=code,
        xls_ow_id=xls_ow_id,
        status=CampaignStatus.DRAFT.value,
        owner=user.username,
        target_cnt=0,
        control_cnt=0,
        created_at=now,
        updated_at=now,
    )
    detail = CampaignDetail(camp_cd=code, copied_from=copied_from)
    _apply(db, campaign, detail, draft)
    event: dict[str, Any] | None = {"from": copied_from} if copied_from else None
    if arm_of is not None:
        lead, arm = arm_of
        detail.experiment_lead, detail.arm = lead.camp_cd, arm.group
        campaign.target_cnt, campaign.control_cnt = arm.size, lead.control_cnt
        event = {"experiment": lead.camp_cd, "arm": arm.name}
    elif campaign.audience_id:
        _count_split(db, campaign, detail, draft)
    db.add_all([campaign, detail])
    record_event(db, code, user.username, "copied" if copied_from else "created", event)
    db.flush()
    return campaign


def _count_split(
    db: Session, campaign: CampaignDict, detail: CampaignDetail, draft: CampaignDraft
) -> None:
    """The draft's group sizes; an experiment's design, kept salt and balance proof stored."""
    if draft.is_experiment():
        ran = experiment.run(
            db.connection(),
            draft.audience_id,
            campaign.split_seed,
            draft,
            float(campaign.control_share),
            today(),
        )
        detail.experiment = ran.stored
        sizes = [int(g["size"]) for g in ran.stored["groups"]]
        campaign.target_cnt, campaign.control_cnt = sum(sizes[1:]), sizes[0]
        return
    detail.experiment = None
    split = split_audience(
        db.connection(), draft.audience_id, campaign.split_seed, float(campaign.control_share)
    )
    campaign.target_cnt, campaign.control_cnt = split.target_size, split.control_size


def create(db: Session, user: User, data: CampaignCreate) -> CampaignDict:
    check_draft(db, data, user)
    return _new_campaign(db, user, data)


def update(db: Session, user: User, code: str, data: CampaignUpdate) -> CampaignDict:
    campaign = get_campaign(db, code, lock=True)
    ensure_can_manage(user, campaign)
    changes = data.model_dump(exclude_unset=True)
    if changes and set(changes) <= _LIVE_FIELDS and campaign.status in _LIVE:
        return _set_live_fields(db, user, campaign, changes)
    if campaign.status != CampaignStatus.DRAFT:
        raise Conflict(
            f"campaign {campaign.camp_cd} is {campaign.status}; only drafts are edited",
            code="campaign.not_draft",
            params={"campaign": campaign.camp_cd, "status": campaign.status},
        )
    detail = get_detail(db, campaign.camp_cd)
    changes = data.model_dump(exclude_unset=True)
    if "strata" in changes and changes["strata"] is None:
        changes["strata"] = []
    current = draft_of(campaign, detail)
    arms = _arm_campaigns(db, campaign.camp_cd)
    _check_experiment_change(campaign, detail, current, changes, arms)
    draft = parse_draft({**current, **changes})
    check_draft(
        db, draft, user, check_start="start_date" in changes or campaign.start_date >= today()
    )
    _apply(db, campaign, detail, draft)
    if detail.experiment_lead is None:
        _count_split(db, campaign, detail, draft)
    if arms:
        _sync_arms(db, campaign, detail, arms)
    campaign.updated_at = utcnow()
    db.add(detail)
    record_event(db, campaign.camp_cd, user.username, "updated", {"fields": sorted(changes)})
    with write_conflicts_as_409(f"campaign {campaign.camp_cd} is being changed"):
        db.flush()
    return campaign


_LIVE_FIELDS = frozenset({"pool_share", "cost_per_contact"})


def _set_live_fields(
    db: Session, user: User, campaign: CampaignDict, changes: dict[str, Any]
) -> CampaignDict:
    """The changes a deployed campaign takes: opting in to (or out of) the daily pool, and its
    cost per contact (the effect's ROI)."""
    detail = get_detail(db, campaign.camp_cd)
    if "pool_share" in changes:
        detail.pool_share = bool(changes["pool_share"])
    if "cost_per_contact" in changes:
        detail.cost_per_contact = changes["cost_per_contact"]
    campaign.updated_at = utcnow()
    db.add(detail)
    record_event(db, campaign.camp_cd, user.username, "updated", {"fields": sorted(changes)})
    with write_conflicts_as_409(f"campaign {campaign.camp_cd} is being changed"):
        db.flush()
    return campaign


def copy(db: Session, user: User, code: str, data: CampaignCopy) -> CampaignDict:
    """A new draft from any campaign (as a template), owned by the caller, with new codes.

    Dates: kept when the copy may still start on them; otherwise moved to start today with the
    same duration. The template's audience is kept only if the caller may use it: copying
    someone else's campaign needs an `audience_id` of the caller's own."""
    source = get_campaign(db, code)
    fields = draft_of(source, get_detail(db, source.camp_cd))
    fields["name"] = data.name or f"{source.camp_name} (копия)"[:200]
    start, end = source.start_date, source.end_date
    if data.start_date is None and start < today():
        start, end = today(), today() + (end - start)
    fields["start_date"] = data.start_date or start
    fields["end_date"] = data.end_date or (
        end if data.start_date is None else data.start_date + (end - source.start_date)
    )
    if data.audience_id:
        fields["audience_id"] = data.audience_id
    draft = parse_draft(fields)
    check_draft(db, draft, user)
    return _new_campaign(db, user, draft, copied_from=source.camp_cd)


def change_status(
    db: Session, user: User, code: str, status: str, reason: str | None = None
) -> CampaignDict:
    campaign = get_campaign(db, code, lock=True)
    ensure_can_manage(user, campaign)
    on = today()
    if status not in allowed_statuses(campaign, on):
        raise Conflict(
            _refusal(campaign, status, on),
            code="campaign.status_refused",
            params={"campaign": campaign.camp_cd, "status": campaign.status, "target": status},
        )
    previous = campaign.status
    code = campaign.camp_cd
    released = 0
    with write_conflicts_as_409(f"campaign {code} is being changed (a deploy may be running)"):
        if status == CampaignStatus.FINISHED and campaign.end_date > on:
            for table in (campaign_users, local_target, local_control):
                db.execute(
                    sa.update(table)
                    .where(table.c.camp_cd == code, table.c.end_date > on)
                    .values(end_date=on)
                )
            db.execute(
                sa.update(PopUpCampaign)
                .where(PopUpCampaign.camp_cd == code, PopUpCampaign.end_date > on)
                .values(end_date=on)
            )
            campaign.end_date = on
        if status == CampaignStatus.CANCELLED and previous == CampaignStatus.DEPLOYED:
            with contact_index.following(db, _contacted_by(code)):
                for table in MEMBER_TABLES:
                    released += _delete(db, sa.delete(table).where(table.c.camp_cd == code))
            member_index.drop_campaign(db, code)
        campaign.status = status
        campaign.updated_at = utcnow()
        record_event(
            db,
            code,
            user.username,
            "status",
            {"from": previous, "to": status, "reason": reason, "rows_released": released},
        )
        db.flush()
    return campaign


def _refusal(campaign: CampaignDict, status: str, on: date) -> str:
    current = campaign.status
    code = campaign.camp_cd
    if current in (CampaignStatus.FINISHED, CampaignStatus.CANCELLED):
        return f"campaign {code} is {current}: that is final"
    if current == CampaignStatus.DRAFT:
        return f"campaign {code} is a draft: deploy it first (a draft can only be cancelled)"
    if status == CampaignStatus.ACTIVE:
        if current == CampaignStatus.ACTIVE:
            return f"campaign {code} is already active"
        if on < campaign.start_date:
            return f"campaign {code} starts on {campaign.start_date}; activate it from then"
        return f"campaign {code} ended on {campaign.end_date}: finish it instead"
    if status == CampaignStatus.FINISHED:
        return f"campaign {code} has not started (starts {campaign.start_date}): cancel it instead"
    return f"campaign {code} has started ({campaign.start_date}): finish it instead of cancelling"


def delete(db: Session, user: User, code: str) -> dict[str, int]:
    """Removes the campaign from every table in the caller's transaction: all or nothing.
    The caller has checked the password."""
    campaign = get_campaign(db, code, lock=True)
    code = campaign.camp_cd
    arms = _arm_campaigns(db, code)
    if arms:
        raise Conflict(
            f"campaign {code} leads an experiment whose arms are campaigns "
            f"({', '.join(c.camp_cd for c in arms.values())}): delete them first",
            code="campaign.experiment.has_arms",
            params={"campaign": code, "arms": ", ".join(c.camp_cd for c in arms.values())},
        )
    removed: dict[str, int] = {}
    with (
        write_conflicts_as_409(f"campaign {code} is being changed (a deploy may be running)"),
        contact_index.following(db, _contacted_by(code)),
    ):
        for table in MEMBER_TABLES:
            removed[table.name] = _delete(db, sa.delete(table).where(table.c.camp_cd == code))
        member_index.drop_campaign(db, code)
        removed[PopUpCampaign.__tablename__] = _delete(
            db, sa.delete(PopUpCampaign).where(PopUpCampaign.camp_cd == code)
        )
        removed[RB3CampaignDict.__tablename__] = _delete(
            db, sa.delete(RB3CampaignDict).where(RB3CampaignDict.camp_cd == code)
        )
        _delete(db, sa.delete(CampaignDetail).where(CampaignDetail.camp_cd == code))
        _delete(db, sa.delete(CampaignEvent).where(CampaignEvent.camp_cd == code))
        db.delete(campaign)
        db.flush()
    removed[CampaignDict.__tablename__] = 1
    return removed


def _contacted_by(code: str) -> sa.Select[Any]:
    return sa.select(contact_history.c.iin).where(contact_history.c.camp_cd == code).distinct()


def _delete(db: Session, statement: sa.Delete) -> int:
    result = db.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


# A/B/n experiments ---------------------------------------------------------------------------
#
# A draft whose design has a control and two or more arms can give each arm a campaign of its
# own (its code, texts and channels): the lead campaign holds the design and is arm 1; the
# others are drafts that name it (dq_campaign_details.experiment_lead, .arm). The lead's deploy
# writes every arm in one transaction, the shared control group under each arm's code. What
# the split depends on is the lead's: the arms take it over, and refuse edits of it.

DESIGN_FIELDS = ("groups", "strata", "rerandomize")
SHARED_FIELDS = (
    "type", "stream", "audience_id", "start_date", "end_date", "control_share", "split_seed",
    *DESIGN_FIELDS,
)  # fmt: skip


@dataclass(frozen=True)
class Arm:
    group: int
    name: str
    size: int  # in the lead's stored split
    campaign: CampaignDict | None = None


def _design(detail: CampaignDetail) -> list[dict[str, Any]]:
    return list((detail.experiment or {}).get("groups") or [])


def _arm_campaigns(db: Session, lead: str) -> dict[int, CampaignDict]:
    """The lead's arm campaigns by group (2..)."""
    rows = db.execute(
        sa.select(CampaignDetail.arm, CampaignDict)
        .join(CampaignDict, CampaignDict.camp_cd == CampaignDetail.camp_cd)
        .where(CampaignDetail.experiment_lead == lead)
    ).all()
    return {int(arm or 0): campaign for arm, campaign in rows}


def arms_of(db: Session, lead: CampaignDict) -> list[Arm]:
    """Every arm of the lead's design (group 1 is the lead itself), with its campaign if any."""
    groups = _design(get_detail(db, lead.camp_cd))
    campaigns = _arm_campaigns(db, lead.camp_cd)
    return [
        Arm(
            index,
            str(group["name"]),
            int(group.get("size") or 0),
            lead if index == 1 else campaigns.get(index),
        )
        for index, group in enumerate(groups)
        if index >= 1
    ]


def experiment_lead(db: Session, code: str) -> CampaignDict | None:
    """The lead campaign when `code` leads an experiment with arm campaigns or is an arm."""
    detail = db.get(CampaignDetail, code)
    if detail is not None and detail.experiment_lead:
        return get_campaign(db, detail.experiment_lead)
    if db.scalar(sa.select(CampaignDetail.camp_cd).where(CampaignDetail.experiment_lead == code)):
        return get_campaign(db, code)
    return None


def experiment_labels(db: Session, codes: list[str]) -> dict[str, tuple[str, str]]:
    """Of these campaigns, the ones in an experiment of arm campaigns: (lead, arm name)."""
    if not codes:
        return {}
    rows = db.execute(
        sa.select(CampaignDetail.camp_cd, CampaignDetail.experiment_lead, CampaignDetail.arm).where(
            CampaignDetail.experiment_lead.is_not(None),
            sa.or_(CampaignDetail.camp_cd.in_(codes), CampaignDetail.experiment_lead.in_(codes)),
        )
    ).all()
    leads = {str(lead) for _, lead, _ in rows}
    designs = {
        code: list((stored or {}).get("groups") or [])
        for code, stored in db.execute(
            sa.select(CampaignDetail.camp_cd, CampaignDetail.experiment).where(
                CampaignDetail.camp_cd.in_(leads)
            )
        )
    }

    def name(lead: str, group: int) -> str:
        groups = designs.get(lead, [])
        return str(groups[group]["name"]) if group < len(groups) else str(group)

    labels: dict[str, tuple[str, str]] = {}
    for code, lead, arm in rows:
        labels[str(lead)] = (str(lead), name(str(lead), 1))
        labels[str(code)] = (str(lead), name(str(lead), int(arm or 0)))
    return {code: label for code, label in labels.items() if code in codes}


def experiment_arms(db: Session, campaign: CampaignDict) -> ExperimentArms | None:
    """The experiment a campaign leads or is an arm of; a multi-arm draft's arms before they
    have campaigns (the page offers to create them). None for a plain campaign."""
    lead = experiment_lead(db, campaign.camp_cd)
    if lead is None:
        if len(_design(get_detail(db, campaign.camp_cd))) < 3:
            return None
        lead = campaign
    arms = arms_of(db, lead)
    has_campaigns = any(a.campaign is not None for a in arms if a.group > 1)

    def size(arm: Arm) -> int:
        deployed = arm.campaign is not None and arm.campaign.status != CampaignStatus.DRAFT
        return arm.campaign.target_cnt if deployed and has_campaigns else arm.size  # type: ignore[union-attr]

    return ExperimentArms(
        lead=lead.camp_cd,
        control_count=int((_design(get_detail(db, lead.camp_cd)) or [{}])[0].get("size") or 0),
        arms=[
            ExperimentArm(
                group=arm.group,
                name=arm.name,
                code=arm.campaign.camp_cd if arm.campaign else None,
                campaign_name=arm.campaign.camp_name if arm.campaign else None,
                status=CampaignStatus(arm.campaign.status) if arm.campaign else None,
                effective_status=effective_status(arm.campaign) if arm.campaign else None,
                channels=channels_of(arm.campaign) if arm.campaign else [],
                target_count=size(arm),
            )
            for arm in arms
        ],
        complete=all(arm.campaign is not None for arm in arms),
    )


def create_arms(db: Session, user: User, code: str) -> list[CampaignDict]:
    """A draft campaign for each arm of the lead's design that has none: a copy of the lead
    (texts, channels, terms) named after the arm, to be edited on its own. Idempotent."""
    lead = get_campaign(db, code, lock=True)
    ensure_can_manage(user, lead)
    detail = get_detail(db, lead.camp_cd)
    if detail.experiment_lead:
        raise Conflict(
            f"campaign {lead.camp_cd} is an arm of experiment {detail.experiment_lead}: "
            "create the arms on the lead",
            code="campaign.experiment.is_arm",
            params={"campaign": lead.camp_cd, "lead": detail.experiment_lead},
        )
    if lead.status != CampaignStatus.DRAFT:
        raise Conflict(
            f"campaign {lead.camp_cd} is {lead.status}; arms are added to a draft",
            code="campaign.not_draft",
            params={"campaign": lead.camp_cd, "status": lead.status},
        )
    if len(_design(detail)) < 3:
        raise Conflict(
            f"campaign {lead.camp_cd} splits into one target group: an A/B/n experiment needs "
            "a control and at least two arms (groups)",
            code="campaign.experiment.single_arm",
            params={"campaign": lead.camp_cd},
        )
    fields = {k: v for k, v in draft_of(lead, detail).items() if k not in DESIGN_FIELDS}
    created = []
    for arm in arms_of(db, lead):
        if arm.campaign is not None:
            continue
        draft = parse_draft({**fields, "name": f"{lead.camp_name} · {arm.name}"[:200]})
        created.append(_new_campaign(db, user, draft, arm_of=(lead, arm)))
    lead.target_cnt = int(_design(detail)[1].get("size") or 0)
    lead.updated_at = utcnow()
    record_event(
        db, lead.camp_cd, user.username, "arms_created", {"arms": [c.camp_cd for c in created]}
    )
    with write_conflicts_as_409(f"campaign {lead.camp_cd} is being changed"):
        db.flush()
    return created


def _check_experiment_change(
    campaign: CampaignDict,
    detail: CampaignDetail,
    current: dict[str, Any],
    changes: dict[str, Any],
    arms: dict[int, CampaignDict],
) -> None:
    """An arm takes what the split depends on from its lead; a lead with arm campaigns keeps
    its number of groups and its type (each arm's stream and terms are of the type)."""
    if detail.experiment_lead:
        changed = [
            k
            for k in SHARED_FIELDS
            if k in changes and (changes[k] or None) != (current.get(k) or None)
        ]
        if changed:
            errors = Problems()
            for field in changed:
                errors.add(
                    field,
                    code="campaign.experiment.shared_field",
                    message=f"shared by the experiment: edit it on {detail.experiment_lead}",
                    lead=detail.experiment_lead,
                )
            errors.raise_if_any(code="campaign.experiment.shared_field")
    if not arms:
        return
    groups = changes.get("groups", current.get("groups"))
    if changes.get("type", campaign.camp_type) != campaign.camp_type or len(groups or []) != len(
        _design(detail)
    ):
        raise Conflict(
            f"campaign {campaign.camp_cd} has arm campaigns: its type and number of groups stay "
            "(delete the arms first)",
            code="campaign.experiment.has_arms",
            params={
                "campaign": campaign.camp_cd,
                "arms": ", ".join(c.camp_cd for c in arms.values()),
            },
        )


def _sync_arms(
    db: Session, lead: CampaignDict, detail: CampaignDetail, arms: dict[int, CampaignDict]
) -> None:
    """The lead's shared fields and the arms' sizes of its (new) split, onto its arms."""
    groups = _design(detail)
    for group, campaign in arms.items():
        campaign.stream = lead.stream
        campaign.audience_id, campaign.audience_spec = lead.audience_id, lead.audience_spec
        campaign.start_date, campaign.end_date = lead.start_date, lead.end_date
        campaign.control_share, campaign.split_seed = lead.control_share, lead.split_seed
        campaign.target_cnt = int(groups[group].get("size") or 0) if group < len(groups) else 0
        campaign.control_cnt = lead.control_cnt
        campaign.updated_at = utcnow()
    lead.target_cnt = int(groups[1].get("size") or 0)


# Listing -------------------------------------------------------------------------------------

SORTABLE = {
    "created_at": CampaignDict.created_at,
    "start_date": CampaignDict.start_date,
    "end_date": CampaignDict.end_date,
    "name": CampaignDict.camp_name,
    "code": CampaignDict.camp_cd,
    "target_count": CampaignDict.target_cnt,
    "deployed_at": CampaignDict.deployed_at,
}


def list_campaigns(
    db: Session,
    *,
    camp_type: str | None = None,
    stream: str | None = None,
    status: list[str] | None = None,
    state: list[EffectiveStatus] | None = None,
    owner: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    text: str | None = None,
    sort: str = "-created_at",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[CampaignDict], int]:
    """Filters combine with AND; the date range keeps campaigns whose [start, end] overlaps it;
    text matches code, xls_ow_id, name or description, case-insensitively."""
    conditions: list[sa.ColumnElement[bool]] = []
    if camp_type:
        conditions.append(CampaignDict.camp_type == camp_type)
    if stream:
        conditions.append(CampaignDict.stream == stream)
    if status:
        conditions.append(CampaignDict.status.in_(status))
    if state:
        on = today()
        conditions.append(sa.or_(*(effective_status_is(s, on) for s in state)))
    if owner:
        conditions.append(CampaignDict.owner == owner.strip().lower())
    if date_from:
        conditions.append(CampaignDict.end_date >= date_from)
    if date_to:
        conditions.append(CampaignDict.start_date <= date_to)
    if text and text.strip():
        needle = text.strip()
        conditions.append(
            sa.or_(
                CampaignDict.camp_cd.icontains(needle, autoescape=True),
                CampaignDict.xls_ow_id.icontains(needle, autoescape=True),
                CampaignDict.camp_name.icontains(needle, autoescape=True),
                CampaignDict.camp_desc.icontains(needle, autoescape=True),
            )
        )
    descending = sort.startswith("-")
    key = SORTABLE.get(sort.lstrip("-"))
    if key is None:
        raise InvalidInput(
            f"sort: one of {sorted(SORTABLE)} (prefix - for descending)",
            code="campaign.list.bad_sort",
            params={"columns": ", ".join(sorted(SORTABLE))},
        )
    order = key.desc() if descending else key.asc()
    total = db.scalar(sa.select(sa.func.count()).select_from(CampaignDict).where(*conditions))
    rows = db.scalars(
        sa.select(CampaignDict)
        .where(*conditions)
        .order_by(order, CampaignDict.camp_cd.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), int(total or 0)


def history(db: Session, code: str) -> list[CampaignEvent]:
    return list(
        db.scalars(
            sa.select(CampaignEvent)
            .where(CampaignEvent.camp_cd == code)
            .order_by(CampaignEvent.occurred_at, CampaignEvent.id)
        )
    )


# Overlap with other campaigns ----------------------------------------------------------------


def campaign_overlap(db: Session, campaign: CampaignDict) -> Overlap:
    """How many of the campaign's members are already in other deployed campaigns whose dates
    overlap its own: a draft's are its saved audience (what a deploy would write), a deployed
    campaign's its target and control groups."""
    if campaign.status == CampaignStatus.DRAFT:
        iins: sa.FromClause = (
            sa.select(audience_members.c.iin)
            .where(audience_members.c.audience_id == (campaign.audience_id or ""))
            .subquery("campaign_iins")
        )
    else:
        iins = sa.union(
            *(
                sa.select(group.c.iin).where(group.c.camp_cd == campaign.camp_cd)
                for group in (local_target, local_control)
            )
        ).subquery("campaign_iins")
    # An experiment's arms share its control group: they are one campaign here.
    lead = experiment_lead(db, campaign.camp_cd)
    arms = [a.campaign.camp_cd for a in arms_of(db, lead) if a.campaign] if lead else []
    exclude = tuple(arms) or (campaign.camp_cd,)
    window = Window(campaign.start_date, campaign.end_date, exclude=exclude)
    return overlap_of(db, iins, window)
