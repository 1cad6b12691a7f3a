"""Checks on the seeded reference data (DESIGN.md §3)."""

from __future__ import annotations

import math
import re
from fractions import Fraction

from dataquery.reference.seed import (
    CHANNELS,
    FILIALS,
    PUSH_EVENT_TYPES,
    RB1_STREAM_CODES,
    STREAMS,
)

CYRILLIC = re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")
KAZAKH_ONLY = set("ӘәҒғҚқҢңӨөҰұҮүҺһІі")
ASCII_SLUG = re.compile(r"^[a-z][a-z0-9_]*$")
EXPECTED_RB1 = [
    "market",
    "general",
    "travel",
    "govtech",
    "credit",
    "insurance",
    "deposit",
    "kino",
    "transactions",
    "hm",
]


def test_stream_counts_and_rb1_codes() -> None:
    rb1 = [s for s in STREAMS if s.campaign_type == "RB1"]
    rb3 = [s for s in STREAMS if s.campaign_type == "RB3"]
    assert len(rb1) == 10
    assert len(rb3) == 22
    assert len(STREAMS) == 32
    assert [s.code for s in rb1] == EXPECTED_RB1
    assert list(RB1_STREAM_CODES) == EXPECTED_RB1


def test_stream_codes_unique_and_slugs() -> None:
    codes = [s.code for s in STREAMS]
    assert len(codes) == len(set(codes))
    assert all(ASCII_SLUG.match(c) for c in codes)
    rb3_codes = {s.code for s in STREAMS if s.campaign_type == "RB3"}
    assert {"bzk", "business", "real_estate", "transport"} <= rb3_codes
    bzk = next(s for s in STREAMS if s.code == "bzk")
    assert bzk.name_ru == "БЗК (беззалоговое потребительское кредитование)"


def test_stream_sort_order_per_type() -> None:
    for ctype, n in (("RB1", 10), ("RB3", 22)):
        orders = [s.sort_order for s in STREAMS if s.campaign_type == ctype]
        assert sorted(orders) == list(range(1, n + 1))


def test_filial_codes() -> None:
    assert len(FILIALS) == 36
    assert [f.code for f in FILIALS] == [f"{i:02d}" for i in range(1, 37)]


def test_filial_weights() -> None:
    assert all(f.weight > 0 for f in FILIALS)
    assert abs(math.fsum(f.weight for f in FILIALS) - 1.0) < 1e-9
    assert abs(sum(f.weight for f in FILIALS) - 1.0) < 1e-9
    # The literal decimals sum to exactly one.
    assert sum(Fraction(repr(f.weight)) for f in FILIALS) == 1


def test_big_three_are_largest() -> None:
    big = [f for f in FILIALS if f.is_big_city]
    assert sorted(f.name_kz.split()[0] for f in big) == ["Алматы", "Астана", "Шымкент"]
    ranked = sorted(FILIALS, key=lambda f: f.weight, reverse=True)
    assert {f.code for f in ranked[:3]} == {f.code for f in big}
    assert ranked[0].name_kz.startswith("Алматы")
    smallest_big = min(f.weight for f in big)
    assert all(f.weight < smallest_big for f in FILIALS if not f.is_big_city)


def test_codes_unique_elsewhere() -> None:
    assert len(PUSH_EVENT_TYPES) == 18
    push_codes = [p.code for p in PUSH_EVENT_TYPES]
    assert len(set(push_codes)) == 18
    assert all(ASCII_SLUG.match(c) for c in push_codes)
    assert [c.code for c in CHANNELS] == ["push", "popup", "sms"]
    assert [c.name_ru for c in CHANNELS] == ["Push-уведомление", "POP-UP", "SMS"]


def test_names_have_cyrillic() -> None:
    for s in STREAMS:
        assert CYRILLIC.search(s.name_ru) and CYRILLIC.search(s.name_kz), s.code
    for f in FILIALS:
        for text in (f.name_ru, f.name_kz, f.region):
            assert CYRILLIC.search(text), f.code
    for p in PUSH_EVENT_TYPES:
        for text in (p.name_ru, p.name_kz, p.description_ru):
            assert CYRILLIC.search(text), p.code
    # Channel Russian names are the fixed labels "POP-UP" and "SMS"; Kazakh names are Cyrillic.
    for c in CHANNELS:
        assert CYRILLIC.search(c.name_kz), c.code


def test_kazakh_names_use_kazakh_letters() -> None:
    for rows in (STREAMS, FILIALS, PUSH_EVENT_TYPES):
        kz_text = "".join(r.name_kz for r in rows)
        assert set(kz_text) & KAZAKH_ONLY
    assert not set("".join(s.name_ru for s in STREAMS)) & KAZAKH_ONLY
