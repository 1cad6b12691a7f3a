from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from dataquery.core.schemas import APIModel

# Names are shown in every form: trimmed, never empty.
Name200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Name100 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
Slug40 = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
Slug10 = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,9}$")]
FilialCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{2}$")]


class StreamOut(APIModel):
    code: str
    campaign_type: str
    name_ru: str
    name_kz: str
    sort_order: int
    enabled: bool


class FilialOut(APIModel):
    code: str
    name_ru: str
    name_kz: str
    region: str
    is_big_city: bool
    enabled: bool


class PushEventTypeOut(APIModel):
    code: str
    name_ru: str
    name_kz: str
    description_ru: str | None
    enabled: bool


class ChannelOut(APIModel):
    code: str
    name_ru: str
    name_kz: str
    enabled: bool


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StreamCreate(_Input):
    code: Slug40 = Field(description="Lower-case latin letters, digits and `_`; unique")
    campaign_type: Literal["RB1", "RB3"]
    name_ru: Name200
    name_kz: Name200
    sort_order: int = Field(default=0, ge=0, le=10_000)
    enabled: bool = True


class StreamUpdate(_Input):
    name_ru: Name200 | None = None
    name_kz: Name200 | None = None
    sort_order: int | None = Field(default=None, ge=0, le=10_000)
    enabled: bool | None = None


class FilialCreate(_Input):
    code: FilialCode = Field(description="Two digits, e.g. `37`")
    name_ru: Name200
    name_kz: Name200
    region: Name200
    is_big_city: bool = False
    enabled: bool = True


class FilialUpdate(_Input):
    name_ru: Name200 | None = None
    name_kz: Name200 | None = None
    region: Name200 | None = None
    is_big_city: bool | None = None
    enabled: bool | None = None


class PushEventTypeCreate(_Input):
    code: Slug40
    name_ru: Name200
    name_kz: Name200
    description_ru: str | None = Field(default=None, max_length=2000)
    enabled: bool = True


class PushEventTypeUpdate(_Input):
    name_ru: Name200 | None = None
    name_kz: Name200 | None = None
    description_ru: str | None = Field(default=None, max_length=2000)
    enabled: bool | None = None


class ChannelCreate(_Input):
    code: Slug10
    name_ru: Name100
    name_kz: Name100
    enabled: bool = True


class ChannelUpdate(_Input):
    name_ru: Name100 | None = None
    name_kz: Name100 | None = None
    enabled: bool | None = None
