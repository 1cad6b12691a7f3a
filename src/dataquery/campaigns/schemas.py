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


GroupLabel = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
StratumName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64)]
MAX_RERANDOMIZE = 1000
DEFAULT_RERANDOMIZE = 100


class GroupShare(Strict):
    """One group of a split: the first is the control group, the others its arms."""

    name: GroupLabel | None = Field(default=None, description="Default: control, A, B, …")
    share: float = Field(gt=0, le=1)


class SplitDesign(Strict):
    """The experiment fields shared by the split preview and the draft. No `groups` and no
    `strata`: the plain target/control split by `control_share`."""

    groups: list[GroupShare] | None = Field(
        default=None,
        min_length=2,
        max_length=5,
        description="2–5 groups, the first the control; shares add up to 1.",
    )
    strata: list[StratumName] = Field(
        default_factory=list,
        max_length=4,
        description="age_band, gender, filial, region, device, mau, or a numeric feature-store "
        "column (cut into deciles).",
    )
    rerandomize: int | None = Field(
        default=None,
        ge=1,
        le=MAX_RERANDOMIZE,
        description="Salts tried (default 100); the split with the smallest max |SMD| is kept.",
    )

    @field_validator("groups")
    @classmethod
    def _shares_add_up(cls, groups: list[GroupShare] | None) -> list[GroupShare] | None:
        if groups is not None and abs(sum(g.share for g in groups) - 1) > 1e-3:
            raise CodedValueError("group shares must add up to 1", code="split.shares_sum")
        return groups

    @field_validator("strata")
    @classmethod
    def _unique_strata(cls, strata: list[str]) -> list[str]:
        if len(set(strata)) != len(strata):
            raise CodedValueError("each stratum at most once", code="split.strata.duplicate")
        return strata

    def is_experiment(self) -> bool:
        return self.groups is not None or bool(self.strata)

    @property
    def salts(self) -> int:
        return self.rerandomize or DEFAULT_RERANDOMIZE


class CampaignDraft(SplitDesign):
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
    cost_per_contact: float | None = Field(
        default=None, ge=0, le=1e9, description="Cost of contacting one member (KZT), for ROI."
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
    groups: list[GroupShare] | None = None
    strata: list[str] | None = None
    rerandomize: int | None = None
    pool_share: bool | None = Field(
        default=None, description="Alone, also for a deployed campaign: opt in to the pool."
    )
    cost_per_contact: float | None = Field(
        default=None, ge=0, le=1e9, description="Alone (or with pool_share), also when deployed."
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


class SplitPreviewRequest(SplitDesign):
    audience_id: str = Field(min_length=1, max_length=36)
    control_share: float = Field(default=0.1, ge=0, le=0.5)
    split_seed: int = Field(ge=0, le=MAX_SEED)


# Responses -----------------------------------------------------------------------------------


Verdict = Literal["ok", "warn", "fail"]


class SampleRatioCheck(APIModel):
    chi2: float
    p_value: float
    verdict: Literal["ok", "fail"] = Field(description="fail: p < 0.001 (sample-ratio mismatch).")


class ArmBalance(APIModel):
    group: int = Field(description="The arm's index (1..); compared with the control (0).")
    ks: float = Field(description="Two-sample Kolmogorov–Smirnov statistic vs control.")
    p_value: float
    smd: float = Field(description="Standardised mean difference vs control.")


class CovariateBalance(APIModel):
    name: str
    kind: Literal["numeric", "categorical"]
    p_value: float = Field(description="numeric: the smallest KS p over arms; categorical: chi2.")
    max_abs_smd: float
    verdict: Verdict
    means: list[float | None] | None = None
    arms: list[ArmBalance] | None = None
    edges: list[float] | None = Field(default=None, description="Histogram bin edges.")
    histograms: list[list[float]] | None = Field(
        default=None, description="Per group, the share of members in each bin."
    )
    chi2: float | None = None
    dof: int | None = None
    largest_share_difference: float | None = None
    largest_category: str | None = None
    categories: list[str] | None = None
    shares: list[list[float]] | None = Field(
        default=None, description="Per group, the share of each category."
    )


class LovePoint(APIModel):
    name: str
    before: float = Field(description="max |SMD| of the plain stratified split (salt 0).")
    after: float = Field(description="max |SMD| of the kept split.")


class BalanceProof(APIModel):
    groups: int
    shares: list[float]
    sizes: list[int]
    srm: SampleRatioCheck
    covariates: list[CovariateBalance]
    love_plot: list[LovePoint]
    verdict: Verdict


class GroupOut(APIModel):
    name: str
    share: float
    size: int


class ExperimentOut(APIModel):
    groups: list[GroupOut]
    strata: list[str]
    rerandomize: int
    salt: int = Field(description="The kept salt (0: the plain stratified split).")
    max_smd_before: float
    max_smd_after: float
    strata_count: int = Field(description="Distinct strata among the members.")
    balance: BalanceProof
    computed_at: datetime


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
    experiment: ExperimentOut | None = Field(
        default=None,
        description="Groups, strata and the balance proof (stored with the campaign); None for "
        "the plain target/control split.",
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
    experiment: str | None = Field(
        default=None,
        description="The lead campaign's code when this one is an arm of an A/B/n experiment "
        "(the lead's own code on the lead); None otherwise.",
    )
    arm: str | None = Field(default=None, description="Its arm's name in the experiment (A, B…).")


class ExperimentArm(APIModel):
    """One arm of an A/B/n experiment: a campaign of its own (code, texts, channels) whose
    target is the arm's group; every arm shares the experiment's one control group."""

    group: int = Field(description="The arm's index in the design (1..; 0 is the control).")
    name: str
    code: str | None = Field(description="None while the arm has no campaign yet.")
    campaign_name: str | None
    status: CampaignStatus | None
    effective_status: EffectiveStatus | None = Field(description="What it does today.")
    channels: list[str]
    target_count: int = Field(description="The arm's group size in the stored split.")


class ExperimentArms(APIModel):
    lead: str = Field(description="The campaign holding the design; it deploys every arm.")
    control_count: int
    arms: list[ExperimentArm]
    complete: bool = Field(description="Every arm has its campaign: the experiment can deploy.")


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
    cost_per_contact: float | None = Field(description="Cost of contacting one member (KZT).")
    rb3: RB3Terms | None
    popup: PopupContent | None
    copied_from: str | None
    deploy_job_id: str | None
    split: SplitResult | None = Field(description="None when the audience no longer exists.")
    sms_segments: dict[str, SmsSegments] = Field(description="Per language, with sms only.")
    warnings: list[Notice]
    allowed_statuses: list[str] = Field(description="Statuses POST /status accepts now.")
    can_edit: bool = Field(description="The caller may change this campaign.")
    arms: ExperimentArms | None = Field(
        default=None, description="The A/B/n experiment this campaign leads or is an arm of."
    )


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
    arms: list[ArmDeploy] = Field(
        default_factory=list,
        description="An A/B/n experiment: what each arm's campaign got (the totals above are "
        "the whole experiment's).",
    )


class ArmDeploy(APIModel):
    code: str
    name: str
    target: int
    channels: dict[str, ChannelDropouts]


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


# Effect --------------------------------------------------------------------------------------


class OutcomeOption(APIModel):
    name: str
    built_in: bool = Field(description="products: products.opened_date (the campaign's product).")
    has_value: bool = Field(description="The outcome has a numeric value (mean value, ROI).")
    description: str | None = None
    rows: int | None = None


class LiftOut(APIModel):
    control: float = Field(description="Control's rate (conversion) or mean (value).")
    treatment: float
    absolute: float = Field(description="treatment − control")
    absolute_low: float = Field(description="95 % CI")
    absolute_high: float
    relative: float = Field(description="treatment / control − 1")
    relative_low: float
    relative_high: float
    p_value: float
    significant: bool = Field(description="p < 0.05")


class EffectGroup(APIModel):
    index: int = Field(description="0: control; 1..: arms")
    name: str
    members: int
    converted: int = Field(description="Members with an outcome event in the window.")
    conversion_rate: float
    mean_value: float | None = Field(description="Sum of values per member (with a value).")


class ArmEffect(APIModel):
    index: int
    name: str
    conversion: LiftOut = Field(description="Two-proportion test against control.")
    conversion_cuped: LiftOut = Field(description="Welch on the CUPED-adjusted conversion.")
    value: LiftOut | None = Field(description="Welch on value per member.")
    value_cuped: LiftOut | None
    roi: float | None = Field(
        description="(incremental value − cost) / cost, with cost_per_contact and a value."
    )


class DailyCurve(APIModel):
    index: int
    name: str
    cumulative_rate: list[float] = Field(description="Share converted by each day of `dates`.")


class EffectOut(APIModel):
    code: str
    outcome: str
    days: int
    observed_days: int = Field(
        description="Days of the window that have passed by today (≤ days); the later ones "
        "have no events yet."
    )
    window_start: date
    window_end: date
    pre_start: date = Field(description="The pre-period (for CUPED): pre_start .. start − 1.")
    has_value: bool
    cost_per_contact: float | None
    groups: list[EffectGroup]
    arms: list[ArmEffect]
    variance_reduction_conversion: float = Field(description="CUPED: 1 − var(adj)/var(raw).")
    variance_reduction_value: float | None
    unplaced: int = Field(description="Target members outside the randomised arms (left out).")
    dates: list[str]
    daily: list[DailyCurve]


class CurrentBalance(APIModel):
    """The balance proof of a deployed campaign's members as they are now ("Стратифицировать")."""

    groups: list[GroupOut]
    unplaced: int = Field(description="Target members outside the randomised arms (left out).")
    balance: BalanceProof
    computed_at: datetime
