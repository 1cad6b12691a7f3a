"""Request and response shapes of the audiences API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from dataquery.audiences.spec import AudienceSpec
from dataquery.core.schemas import APIModel, Notice
from dataquery.reference.schemas import ChannelOut, FilialOut, PushEventTypeOut, StreamOut


class PreviewRequest(BaseModel):
    spec: AudienceSpec
    sample: bool = Field(default=True, description="Include 20 sample rows.")
    distributions: bool = Field(default=True, description="Include the distributions.")
    reachability: bool = Field(
        default=True, description="Include how many of the final audience each channel reaches."
    )
    push_event_type: str | None = Field(
        default=None,
        max_length=60,
        description="Reachability by push leaves out who opted out of this push event type "
        "(a code of the reference data), as a deploy of a campaign naming it would.",
    )
    overlap: bool = Field(
        default=True,
        description="Include how many of the final audience are already in deployed campaigns "
        "not ended by the reference date.",
    )


CodeParam = str | int | float | None
STEP_CODE = Field(
    description="What the step is, for people: `funnel.source.*` or `funnel.step.*`; the web "
    "renders it with `params` in the interface language."
)


def _legacy_label(data: Any) -> Any:
    """Funnels saved before steps had codes carry a Russian `label`: shown as it was."""
    if isinstance(data, dict) and "code" not in data and "label" in data:
        label = data["label"]
        data = {k: v for k, v in data.items() if k != "label"}
        data.update(code="funnel.step.legacy", params={"label": label})
    return data


class FunnelStep(BaseModel):
    step: int = Field(description="0 is the source; then one step per filter; rank and limit last.")
    kind: str = Field(description="source, not_in_feature_store, a filter kind, rank or limit.")
    code: str = STEP_CODE
    params: dict[str, CodeParam] = Field(default_factory=dict)
    removed: int
    remaining: int
    filter_index: int | None = Field(
        default=None, description="The position of the step's filter in spec.filters."
    )

    @model_validator(mode="before")
    @classmethod
    def _stored_before_codes(cls, data: Any) -> Any:
        return _legacy_label(data)


class SampleRow(BaseModel):
    iin: str
    age: int | None
    gender: str | None
    filial: str | None
    device: str | None
    mau: bool | None
    score: float | None = None


class Bucket(BaseModel):
    key: str
    count: int


class Distributions(BaseModel):
    age: list[Bucket] = Field(
        default_factory=list,
        description="Bands 18-24, 25-34, 35-44, 45-54, 55-64, 65+ (always), <18 and unknown "
        "when present.",
    )
    gender: list[Bucket] = Field(default_factory=list, description="M, F, unknown when present.")
    filial: list[Bucket] = Field(default_factory=list, description="By filial code.")
    device: list[Bucket] = Field(default_factory=list, description="android, ios, none (no app).")


class Reachability(BaseModel):
    """Of the final audience, how many each channel reaches, by the deploy's rules."""

    total: int = Field(description="The final audience.")
    push: int
    sms: int
    popup: int
    push_event_type: str | None = Field(
        default=None, description="Push opt-outs of this event type are left out."
    )
    dropouts: dict[str, dict[str, int]] = Field(
        default_factory=dict,
        description="Per channel (push, sms): who drops out, by the first reason that applies "
        "(not_in_feature_store, no_p_sid, push_disabled, opted_out; no_valid_phone).",
    )


class OverlapCampaign(BaseModel):
    camp_cd: str
    name: str
    stream: str
    start_date: date
    end_date: date
    members: int = Field(description="Of the IINs, how many are in its target or control group.")


class OverlapStream(BaseModel):
    stream: str
    members: int = Field(description="Of the IINs, how many are in its overlapping campaigns.")


class Overlap(BaseModel):
    """How many of a set of IINs are already members of other deployed campaigns (status
    deployed or active) whose dates overlap [start_date, end_date]."""

    members: int = Field(description="IINs in at least one overlapping campaign.")
    start_date: date
    end_date: date | None = Field(description="None: open (campaigns not ended by start_date).")
    campaign_count: int = Field(description="Overlapping campaigns holding any of the IINs.")
    campaigns: list[OverlapCampaign] = Field(description="The top 10 by members.")
    streams: list[OverlapStream]


class PreviewOut(BaseModel):
    reference_date: date
    funnel: list[FunnelStep]
    size: int
    sample: list[SampleRow]
    distributions: Distributions
    warnings: list[Notice]
    elapsed_ms: float
    reachability: Reachability | None = Field(default=None, description="When asked for.")
    overlap: Overlap | None = Field(default=None, description="When asked for.")


Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class AudienceCreate(BaseModel):
    name: Name
    spec: AudienceSpec


class AudienceVersionCreate(BaseModel):
    spec: AudienceSpec
    name: Name | None = Field(default=None, description="Default: the name of the version opened.")


class AudienceSummary(APIModel):
    id: str
    name: str
    owner: str
    size: int
    reference_date: date
    created_at: datetime
    family_id: str = Field(description="The first version's id: shared by all versions.")
    version: int = Field(description="1, 2, ... within the family.")


class AudienceVersion(AudienceSummary):
    used_by_campaigns: int = Field(default=0, description="Campaigns built on this version.")


class AudienceOut(AudienceSummary):
    spec: AudienceSpec
    funnel: list[FunnelStep]


class AudienceList(BaseModel):
    items: list[AudienceSummary]
    total: int
    limit: int
    offset: int


class ExplainRequest(BaseModel):
    spec: AudienceSpec
    iin: str = Field(min_length=1, max_length=40)


class ExplainStep(BaseModel):
    step: int
    kind: str
    code: str = STEP_CODE
    params: dict[str, CodeParam] = Field(default_factory=dict)
    filter_index: int | None = None


class ExplainGroup(BaseModel):
    """An any_of step of the spec and which of its inner filters the IIN passes (each tested on
    its own; an empty list: the group removes it)."""

    step: int
    filter_index: int | None = None
    passed: list[int] = Field(description="Positions in the group's `filters`.")


class ExplainOut(BaseModel):
    iin: str = Field(description="The IIN as normalised (e.g. a lost leading zero restored).")
    in_audience: bool | None = Field(
        description="Whether the spec selects it now; None when the spec cannot be evaluated."
    )
    in_source: bool | None
    removed_by: list[ExplainStep] = Field(
        description="Every step that removes it, each tested on its own (not only the first)."
    )
    first_removed_by: ExplainStep | None = Field(
        description="The step the funnel counts it at (the first of removed_by)."
    )
    in_snapshot: bool | None = Field(
        default=None, description="Saved audiences: whether it is in the frozen snapshot."
    )
    any_of: list[ExplainGroup] = Field(
        default_factory=list, description="Each any_of step: the inner filters the IIN passes."
    )


class ListOption(BaseModel):
    name: str
    category: str
    description: str | None
    row_count: int
    purpose: str | None = None
    default: bool = Field(description="On in a new spec (the global control group).")


class UploadOption(BaseModel):
    upload_id: str
    dataset: str
    description: str | None
    row_count: int
    purpose: str | None
    owner: str | None
    created_at: datetime


class ProductOption(BaseModel):
    code: str
    rows: int = Field(description="Product holdings with this code (about the owners).")


class FeatureStoreInfo(BaseModel):
    loaded: bool
    customers: int
    columns: list[str]


ColumnKind = Literal["number", "text", "boolean", "date"]


class ColumnOption(BaseModel):
    """A feature-store column a `column` filter can test."""

    name: str
    type: ColumnKind
    label: str = Field(description="The catalog's description of the column, else its name.")
    min: float | str | None = Field(
        default=None, description="Numbers: the smallest value; dates: the earliest (ISO)."
    )
    max: float | str | None = None
    categories: list[str] | None = Field(
        default=None,
        description="Texts with at most 50 distinct values: the values, sorted; else null.",
    )
    null_share: float = Field(description="The share of rows where the column is NULL, 0..1.")


class OptionsOut(BaseModel):
    """Everything the builder's panels need, in one call."""

    feature_store: FeatureStoreInfo
    suppression_lists: list[ListOption]
    uploads: list[UploadOption]
    products: list[ProductOption]
    score_columns: list[str]
    columns: list[ColumnOption] = Field(
        default_factory=list, description="The columns `column` filters can test."
    )
    streams: list[StreamOut]
    filials: list[FilialOut]
    push_event_types: list[PushEventTypeOut]
    channels: list[ChannelOut]
    genders: list[str]
    devices: list[str]
    audiences: list[AudienceSummary]
    default_spec: AudienceSpec
