"""SMS segments: GSM-7 160/153, UCS-2 70/67, extension characters count twice."""

from __future__ import annotations

import pytest

from dataquery.campaigns.sms import segment_warning, sms_length


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "gsm7", 0, 0),
        ("a" * 160, "gsm7", 160, 1),
        ("a" * 161, "gsm7", 161, 2),
        ("a" * 306, "gsm7", 306, 2),
        ("a" * 307, "gsm7", 307, 3),
        ("€" * 80, "gsm7", 160, 1),  # extension characters take two septets
        ("[" * 81, "gsm7", 162, 2),
        ("Ä é ñ @ £", "gsm7", 9, 1),
        ("б" * 70, "ucs2", 70, 1),
        ("б" * 71, "ucs2", 71, 2),
        ("a" * 159 + "ә", "ucs2", 160, 3),  # one Kazakh letter: the whole text is UCS-2
        ("Скидка 🎉", "ucs2", 9, 1),  # an emoji is two UTF-16 units
        ("«Акция»", "ucs2", 7, 1),
    ],
)
def test_segments(text: str, encoding: str, units: int, segments: int) -> None:
    length = sms_length(text)
    assert (length.encoding, length.units, length.segments) == (encoding, units, segments)
    warning = segment_warning("ru", length)
    assert (warning is None) == (segments <= 1)
