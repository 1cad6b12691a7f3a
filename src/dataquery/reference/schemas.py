from __future__ import annotations

from dataquery.core.schemas import APIModel


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


class PushEventTypeOut(APIModel):
    code: str
    name_ru: str
    name_kz: str
    description_ru: str | None


class ChannelOut(APIModel):
    code: str
    name_ru: str
    name_kz: str
