"""SMS length in segments. Pure.

GSM-7 text fits 160 characters in one segment and 153 per segment once split (the rest carries
the concatenation header); the extension characters (^{}\\[~]|€ and form feed) take two. Any
other character (Cyrillic and Kazakh letters, «», emoji) switches the whole message to UCS-2:
70 UTF-16 units in one segment, 67 per segment once split.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from dataquery.core.schemas import Notice

_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")

GSM7_SINGLE, GSM7_MULTI = 160, 153
UCS2_SINGLE, UCS2_MULTI = 70, 67


@dataclass(frozen=True)
class SmsLength:
    encoding: Literal["gsm7", "ucs2"]
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int
    per_segment: int  # capacity of one segment at this length

    def as_dict(self) -> dict[str, object]:
        return {
            "encoding": self.encoding,
            "characters": self.units,
            "segments": self.segments,
            "per_segment": self.per_segment,
        }


def is_gsm7(text: str) -> bool:
    return all(char in _GSM7_BASIC or char in _GSM7_EXTENSION for char in text)


def sms_length(text: str) -> SmsLength:
    if is_gsm7(text):
        units = sum(2 if char in _GSM7_EXTENSION else 1 for char in text)
        single, multi, encoding = GSM7_SINGLE, GSM7_MULTI, "gsm7"
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, multi, encoding = UCS2_SINGLE, UCS2_MULTI, "ucs2"
    if units <= single:
        return SmsLength(encoding, units, 1 if units else 0, single)  # type: ignore[arg-type]
    return SmsLength(encoding, units, math.ceil(units / multi), multi)  # type: ignore[arg-type]


def segment_warning(language: str, length: SmsLength) -> Notice | None:
    if length.segments <= 1:
        return None
    single = GSM7_SINGLE if length.encoding == "gsm7" else UCS2_SINGLE
    return Notice(
        code="notice.campaign.sms_segments",
        message=(
            f"SMS text ({language}) takes {length.segments} segments: {length.units} characters"
            f" in {length.encoding.upper()}, one segment holds {single}"
        ),
        params={
            "language": language,
            "segments": length.segments,
            "characters": length.units,
            "encoding": length.encoding,
            "single": single,
        },
    )
