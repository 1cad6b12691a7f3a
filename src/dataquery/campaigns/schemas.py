"""Request and response shapes of the campaigns API."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from dataquery.core.problems import CodedValueError
from dataquery.core.schemas import APIModel, Notice

CampaignType = Literal["RB1", "RB3"]
ChannelCode = Literal["push", "popup", "sms"]
GroupName = Literal["target", "control"]
ExportGroup = Literal["target", "control", "all"]
ExportFormat = Literal["csv", "xlsx", "parquet"]

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Body = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
Link = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^[a-z][a-z0-9+.\-]*://\S+$"),
]

MAX_SEED = 2**63 - 1


class CampaignStatus(StrEnum):
    """Stored status. `deployed` campaigns become `active` by hand (or show as active between
    their dates, see `effective_status`); `finished` and `cancelled` are final."""

    DRAFT = "draft"
    DEPLOYED = "deployed"
    ACTIVE = "active"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LanguageText(Strict):
    title: Title | None = Field(default=None, description="Push title (required with push).")
    body: Body | None = Field(default=None, description="Push text; the SMS text when no `sms`.")
    sms: Body | None = Field(
        default=None,
        description="The SMS text, when it differs from the push body (e.g. shorter, to fit one "
        "segment); the body is sent by SMS when it is left out.",
    )


class CampaignTexts(Strict):
    ru: LanguageText | None = None
    kz: LanguageText | None = None


class RB3Terms(Strict):
    bonus_type: Literal["cashback_pct", "fixed", "points"]
    bonus_value: Decimal = Field(gt=0, max_digits=14, decimal_places=2)
    bonus_cap: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    min_txn_amount: Decimal | None = Field(default=None, ge=0, max_digits=14, decimal_places=2)
    mcc_codes: list[Annotated[str, StringConstraints(pattern=r"^[0-9]{4}$")]] = Field(
        default_factory=list, max_length=80, description="Merchant category codes, 4 digits each."
    )
    partner: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    accrual_start: date | None = None
    accrual_end: date | None = None
    conditions_ru: Annotated[str, StringConstraints(max_length=4000)] | None = None
    conditions_kz: Annotated[str, StringConstraints(max_length=4000)] | None = None


class PopupContent(Strict):
    title_ru: Title
    title_kz: Title
    text_ru: Body
    text_kz: Body
    button_ru: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] | None = None
    button_kz: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] | None = None
    image_url: Link | None = None
    deep_link: Link | None = None
    priority: int = Field(default=100, ge=1, le=1000, description="Lower shows first.")


class CampaignDraft(Strict):
    """Everything a draft holds. Cross-field rules (stream of the type, texts for the channels,
    RB3 terms, pop-up content, dates) are checked by the service and answered with 422 naming
    the field."""

    type: CampaignType
    name: Name
    description: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)] | None
    ) = None
    stream: str = Field(max_length=40, description="A stream of this campaign type.")
    channels: list[ChannelCode] = Field(min_length=1, max_length=3)
    texts: CampaignTexts | None = None
    deep_link: Link | None = None
    start_date: date
    end_date: date
    product_code: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)] | None
    ) = None
    audience_id: str = Field(min_length=1, max_length=36, description="A saved audience.")
    control_share: float = Field(default=0.1, ge=0, le=0.5)
    split_seed: int | None = Field(
        default=None, ge=0, le=MAX_SEED, description="Random when omitted; kept on the draft."
    )
    push_event_type: str | None = Field(
        default=None,
        max_length=40,
        description="Push event type: its opt-outs drop out of the push channel.",
    )
    rb3: RB3Terms | None = Field(default=None, description="Bonus terms (RB3 only, required).")
    popup: PopupContent | None = Field(default=None, description="Required with popup.")
    pool_share: bool = Field(
        default=False, description="Take a share of the daily new-user pool while active."
    )

    @field_validator("channels")
    @classmethod
    def _unique_channels(cls, channels: list[str]) -> list[str]:
        if len(set(channels)) != len(channels):
            raise CodedValueError("each channel at most once", code="campaign.channels.duplicate")
        return sorted(channels, key=("push", "popup", "sms").index)


class CampaignCreate(CampaignDraft):
    pass


class CampaignUpdate(Strict):
    """A partial change of a draft; the result is checked like a new draft. `pool_share` alone
    also changes a deployed campaign (opting in to or out of the daily pool)."""

    name: Name | None = None
    description: str | None = None
    stream: str | None = None
    channels: list[ChannelCode] | None = None
    texts: CampaignTexts | None = None
    deep_link: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    product_code: str | None = None
    audience_id: str | None = None
    control_share: float | None = None
    split_seed: int | None = None
    push_event_type: str | None = None
    rb3: RB3Terms | None = None
    popup: PopupContent | None = None
    pool_share: bool | None = Field(
        default=None, description="Alone, also for a deployed campaign: opt in to the pool."
    )


class CampaignCopy(Strict):
    name: Name | None = Field(default=None, description="Default: the source's name + (копия).")
    start_date: date | None = Field(default=None, description="Default: kept, or moved to today.")
    end_date: date | None = None
    audience_id: str | None = Field(default=None, max_length=36)


class StatusChange(Strict):
    status: Literal["active", "finished", "cancelled"]
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None


class PasswordConfirmation(Strict):
    password: str = Field(min_length=1, max_length=200)


class MembersChange(Strict):
    iins: list[Any] | None = Field(
        default=None,
        max_length=100_000,
        description="IINs as typed or pasted (strings or numbers; normalised as in uploads).",
    )
    upload_id: str | None = Field(default=None, max_length=36)
    group: GroupName = "target"
    force: bool = Field(
        default=False,
        description="Add to the target group also the IINs the campaign's suppression steps "
        "block (administrators only; audited with the counts per reason). The global control "
        "group is never overridden.",
    )


class SplitPreviewRequest(Strict):
    audience_id: str = Field(min_length=1, max_length=36)
    control_share: float = Field(default=0.1, ge=0, le=0.5)
    split_seed: int = Field(ge=0, le=MAX_SEED)


# Responses -----------------------------------------------------------------------------------


class SplitResult(APIModel):
    target: int
    control: int
    control_share: float = Field(description="Intended share of the control group.")
    observed_control_share: float
    chi2: float
    srm_p_value: float = Field(description="Sample-ratio chi-square p-value vs the intended share.")
    mismatch: bool = Field(description="p < 0.001: the split does not match the intended share.")
    source: Literal["audience", "tables"] = Field(
        description="audience: computed now from the saved audience; tables: counted in the "
        "deployed mb22/mb21 rows."
    )


class SmsSegments(APIModel):
    encoding: Literal["gsm7", "ucs2"]
    characters: int
    segments: int
    per_segment: int


class EffectiveStatus(StrEnum):
    """What a campaign is doing today: a deployed or active campaign is `scheduled` before its
    start, `active` between its dates and `ended` after them; other statuses are themselves."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    ACTIVE = "active"
    ENDED = "ended"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class CampaignSummary(APIModel):
    code: str
    type: CampaignType
    xls_ow_id: str | None
    name: str
    description: str | None
    stream: str
    channels: list[str]
    status: CampaignStatus
    effective_status: EffectiveStatus = Field(description="What the campaign does today.")
    owner: str
    start_date: date
    end_date: date
    target_count: int
    control_count: int
    created_at: datetime
    updated_at: datetime
    deployed_at: datetime | None


class CampaignOut(CampaignSummary):
    texts: CampaignTexts
    deep_link: str | None
    product_code: str | None
    audience_id: str | None
    audience_spec: dict[str, Any] | None
    control_share: float
    split_seed: int
    push_event_type: str | None
    pool_share: bool = Field(description="Takes a share of the daily new-user pool.")
    rb3: RB3Terms | None
    popup: PopupContent | None
    copied_from: str | None
    deploy_job_id: str | None
    split: SplitResult | None = Field(description="None when the audience no longer exists.")
    sms_segments: dict[str, SmsSegments] = Field(description="Per language, with sms only.")
    warnings: list[Notice]
    allowed_statuses: list[str] = Field(description="Statuses POST /status accepts now.")
    can_edit: bool = Field(description="The caller may change this campaign.")


class CampaignList(APIModel):
    items: list[CampaignSummary]
    total: int
    limit: int
    offset: int


class ChannelDropouts(APIModel):
    eligible: int
    dropped: int
    reasons: dict[str, int] = Field(
        description="not_in_feature_store, no_p_sid, push_disabled, opted_out, no_valid_phone"
    )


class DeployReport(APIModel):
    code: str
    dry_run: bool
    target: int
    control: int
    split: SplitResult
    tables: dict[str, int] = Field(description="Rows written (or to be written) per table.")
    channels: dict[str, ChannelDropouts]
    warnings: list[Notice]
    seconds: float


class ExportLinkRequest(Strict):
    format: ExportFormat = "csv"
    group: ExportGroup = "all"


class ExportQueued(BaseModel):
    job_id: str = Field(description="Its result is the ExportLink, once the file is written.")
    rows: int


class ExportLink(BaseModel):
    url: str = Field(description="GET it without a bearer token: the link itself is the right.")
    expires_at: datetime
    filename: str


class DeployAccepted(APIModel):
    code: str
    job_id: str
    members: int


class InvalidExample(BaseModel):
    input: str
    code: str = Field(description="Why it is not an IIN: `iin.reason.*`")
    params: dict[str, str | int] = Field(default_factory=dict)


class BlockedReason(APIModel):
    """One suppression step of the campaign (its funnel step code and params) and the added
    IINs it blocks, each step tested on its own."""

    code: str = Field(description="The funnel step's code (funnel.step.*).")
    params: dict[str, str | int | float | None]
    count: int
    sample: list[str] = Field(description="Up to 5 of the blocked IINs.")


class MembersReport(APIModel):
    code: str
    group: GroupName
    action: Literal["add", "remove"]
    received: int
    valid: int
    invalid: int
    duplicate: int = Field(description="Repeated in the input (counted once).")
    normalized: int = Field(description="Valid after normalising (leading zero, spaces, E+11…).")
    already_member: int = Field(description="add: already in this campaign (either group).")
    global_control: int = Field(description="add to target: in the global control, skipped.")
    not_member: int = Field(description="remove: not in that group of this campaign.")
    changed: int = Field(description="Added or removed.")
    blocked: list[BlockedReason] = Field(
        description="add to target: per suppression step of the campaign, the IINs it blocks.",
    )
    blocked_total: int = Field(
        default=0, description="add to target: IINs blocked by at least one step."
    )
    forced: bool = Field(
        default=False, description="Blocked IINs were added (force, by an administrator)."
    )
    channels: dict[str, ChannelDropouts] = Field(description="add to target: delivery rows.")
    invalid_examples: list[InvalidExample] = Field(description="Up to 20 invalid values.")
    target_count: int
    control_count: int


class CampaignEventOut(APIModel):
    occurred_at: datetime
    username: str | None
    kind: str
    detail: dict[str, Any] | None


class DailyCount(APIModel):
    day: date
    count: int


class ChannelDailyCount(APIModel):
    day: date
    channel: str
    count: int


class CampaignStats(APIModel):
    code: str
    status: CampaignStatus
    effective_status: EffectiveStatus
    groups: dict[str, int] = Field(description="target and control sizes")
    channels: dict[str, int] = Field(description="delivery rows per channel")
    contacts_per_day: list[ChannelDailyCount] = Field(description="Contacts per day and channel.")
    dropouts: dict[str, ChannelDropouts] = Field(description="From the deploy and later adds.")
    split: SplitResult | None
    history: list[CampaignEventOut]


class Dashboard(APIModel):
    total: int
    by_status: dict[str, int]
    by_effective_status: dict[str, int]
    by_type: dict[str, int]
    by_stream: dict[str, int]
    by_owner: dict[str, int]
    members_deployed_per_day: list[DailyCount]
    contacts_per_day: list[DailyCount]
    active_today: int
    members_in_active: int


class SmsCount(APIModel):
    segments: SmsSegments
    warning: Notice | None


class Deleted(APIModel):
    code: str
    rows: dict[str, int]
