"""What a file is, from its first bytes (never from its name), and which encoding its text uses."""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np

from dataquery.core.errors import InvalidInput, UnsupportedMediaType

_HEAD_BYTES = 8192
_STATS_BLOCK = 4 << 20


class FileFormat(StrEnum):
    TEXT = "text"  # CSV, TSV or one value a line: which one is decided by the parser
    XLSX = "xlsx"
    XLS = "xls"
    PARQUET = "parquet"


class Encoding(StrEnum):
    UTF8 = "utf-8"
    UTF8_BOM = "utf-8-bom"
    UTF16LE = "utf-16le"
    UTF16BE = "utf-16be"
    CP1251 = "cp1251"


_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_REFUSED_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
)
_ACCEPTED = "CSV, TSV, text (one IIN a line), XLSX, XLS or Parquet"
# Control characters that never appear in text files (tab, newlines and form feed do).
_CONTROL = frozenset(range(32)) - {9, 10, 11, 12, 13, 26, 27}


def detect_format(path: Path) -> FileFormat:
    """The file's format from its content; raises 415/422 for what cannot be an IIN list."""
    with path.open("rb") as handle:
        head = handle.read(_HEAD_BYTES)
    if not head:
        raise InvalidInput("the file is empty", code="upload.empty_file")
    if head.startswith(_ZIP):
        return _zip_format(path, head)
    if head.startswith(_OLE2):
        return FileFormat.XLS
    if head.startswith(b"PAR1"):
        return FileFormat.PARQUET
    for magic, what in _REFUSED_MAGIC:
        if head.startswith(magic):
            raise UnsupportedMediaType(
                f"the file is {what}; upload {_ACCEPTED}",
                code="upload.unsupported_type",
                params={"kind": what},
            )
    byte_order = utf16_byte_order(head)
    text = _utf16_sample(head, byte_order) if byte_order is not None else None
    if (text is None and _looks_binary(head)) or (text is not None and _looks_binary_text(text)):
        raise UnsupportedMediaType(
            f"the file is binary, not text; upload {_ACCEPTED}", code="upload.binary_file"
        )
    return FileFormat.TEXT


def _zip_format(path: Path, head: bytes) -> FileFormat:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        if b"[Content_Types].xml" in head or b"xl/" in head:
            raise InvalidInput(
                "the Excel workbook is damaged or incomplete (was the upload cut short?); "
                "save it again and upload it",
                code="upload.damaged_workbook",
            ) from exc
        raise UnsupportedMediaType(
            f"the file is a damaged zip archive; upload {_ACCEPTED}", code="upload.damaged_zip"
        ) from exc
    if "xl/workbook.xml" in names:
        return FileFormat.XLSX
    if "xl/workbook.bin" in names:
        raise UnsupportedMediaType(
            "the file is a binary Excel workbook (.xlsb): save it as .xlsx and upload that",
            code="upload.xlsb",
        )
    if "content.xml" in names and "mimetype" in names:
        raise UnsupportedMediaType(
            "the file is an OpenDocument file: save it as .xlsx or .csv and upload that",
            code="upload.opendocument",
        )
    raise UnsupportedMediaType(
        f"the file is a zip archive; unpack it and upload the file inside ({_ACCEPTED})",
        code="upload.zip_archive",
    )


def utf16_byte_order(head: bytes) -> Encoding | None:
    """UTF-16 by its BOM, or by the zero bytes ASCII characters leave in every other position."""
    if head.startswith(codecs.BOM_UTF16_LE):
        return Encoding.UTF16LE
    if head.startswith(codecs.BOM_UTF16_BE):
        return Encoding.UTF16BE
    sample = head[: len(head) - len(head) % 2]
    if len(sample) < 4:
        return None
    half = len(sample) // 2
    zeros_even = sample[0::2].count(0) / half
    zeros_odd = sample[1::2].count(0) / half
    if zeros_odd > 0.3 and zeros_even < 0.02:
        return Encoding.UTF16LE
    if zeros_even > 0.3 and zeros_odd < 0.02:
        return Encoding.UTF16BE
    return None


def _looks_binary(head: bytes) -> bool:
    if 0 in head:
        return True
    control = sum(1 for byte in head if byte in _CONTROL)
    return control > max(2, len(head) // 100)


def _utf16_sample(head: bytes, byte_order: Encoding) -> str:
    codec = "utf-16-le" if byte_order is Encoding.UTF16LE else "utf-16-be"
    return head[: len(head) - len(head) % 2].decode(codec, errors="replace")


def _looks_binary_text(text: str) -> bool:
    """Zero bytes in every other place make UTF-16 likely; the characters must still be text."""
    odd = sum(1 for char in text if ord(char) in _CONTROL or char in "\x00\ufffd")
    return odd > max(2, len(text) // 100)


def text_encoding(raw: bytes) -> Encoding:
    """The encoding of a text file, among UTF-8 (with or without BOM), UTF-16 LE/BE and CP1251,
    Russian Excel's default, decided on the whole file: a file mostly in UTF-8 is UTF-8 even when
    a few of its lines are not (they are read as CP1251 and reported, see `decode_to_utf8`)."""
    if raw.startswith(codecs.BOM_UTF8):
        body = raw[len(codecs.BOM_UTF8) :]
        return Encoding.UTF8_BOM if _mostly_utf8(body) else Encoding.CP1251
    byte_order = utf16_byte_order(raw[:_HEAD_BYTES])
    if byte_order is not None:
        return byte_order
    return Encoding.UTF8 if _mostly_utf8(raw) else Encoding.CP1251


@dataclass
class DecodedText:
    data: bytes  # UTF-8, without BOM
    encoding: Encoding
    # Lines (1-based) of a UTF-8 file that were not UTF-8 and were read as CP1251.
    recoded_lines: list[int] = field(default_factory=list)


def decode_to_utf8(raw: bytes, encoding: Encoding | None = None) -> DecodedText:
    """The text as UTF-8 (BOM removed), the encoding it was in, and the lines read otherwise."""
    encoding = encoding or text_encoding(raw)
    if encoding in (Encoding.UTF8, Encoding.UTF8_BOM):
        body = raw[len(codecs.BOM_UTF8) :] if encoding is Encoding.UTF8_BOM else raw
        if _is_utf8(body):
            return DecodedText(body, encoding)
        data, lines = _recode_invalid_lines(body)
        return DecodedText(data, encoding, lines)
    if encoding is Encoding.CP1251:
        return DecodedText(raw.decode("cp1251", errors="replace").encode("utf-8"), encoding)
    codec = "utf-16-le" if encoding is Encoding.UTF16LE else "utf-16-be"
    bom = codecs.BOM_UTF16_LE if encoding is Encoding.UTF16LE else codecs.BOM_UTF16_BE
    body = raw[len(bom) :] if raw.startswith(bom) else raw
    return DecodedText(body.decode(codec, errors="replace").encode("utf-8"), encoding)


def _mostly_utf8(raw: bytes) -> bool:
    """Whether more of the file's non-ASCII bytes form UTF-8 sequences than not. Russian text in
    CP1251 almost never does (its letters are not followed by UTF-8 continuation bytes)."""
    if _is_utf8(raw):
        return True
    in_sequences = outside = 0
    for start in range(0, len(raw), _STATS_BLOCK):  # in blocks: a few bytes of memory a byte
        # Three bytes more, so that a sequence starting in this block is seen whole.
        data = np.frombuffer(raw[start : start + _STATS_BLOCK + 3], dtype=np.uint8)
        end = min(_STATS_BLOCK, data.size)
        high = np.flatnonzero(data[:end] >= 0x80)
        lead = data[high]
        padded = np.concatenate([data, np.zeros(3, dtype=np.uint8)])
        follows = [(padded[high + k] & 0xC0) == 0x80 for k in (1, 2, 3)]
        two = (lead >= 0xC2) & (lead <= 0xDF) & follows[0]
        three = (lead >= 0xE0) & (lead <= 0xEF) & follows[0] & follows[1]
        four = (lead >= 0xF0) & (lead <= 0xF4) & follows[0] & follows[1] & follows[2]
        valid = 2 * np.count_nonzero(two) + 3 * np.count_nonzero(three)
        valid += 4 * np.count_nonzero(four)
        in_sequences += int(valid)
        outside += int(high.size - valid)
    return in_sequences >= outside


_INVALID_BYTES = re.compile("[\udc80-\udcff]")


def _recode_invalid_lines(raw: bytes) -> tuple[bytes, list[int]]:
    """A mostly-UTF-8 text as UTF-8, each line that is not UTF-8 read as CP1251 instead (a line
    pasted from a Russian Excel CSV), and the numbers of those lines."""
    text = raw.decode("utf-8", errors="surrogateescape")  # invalid bytes kept as U+DC80..DCFF
    pieces: list[str] = []
    lines: list[int] = []
    line_number = 1
    done = 0
    while (found := _INVALID_BYTES.search(text, done)) is not None:
        start = text.rfind("\n", 0, found.start()) + 1
        end = text.find("\n", found.start())
        end = len(text) if end < 0 else end
        line_number += text.count("\n", done, start)
        lines.append(line_number)
        original = text[start:end].encode("utf-8", errors="surrogateescape")
        pieces += [text[done:start], original.decode("cp1251", errors="replace")]
        done = end
    pieces.append(text[done:])
    return "".join(pieces).encode("utf-8"), lines


def _is_utf8(raw: bytes) -> bool:
    # A failed decode copies the whole input into the exception: try the start first.
    prefix = raw[:65536]
    try:
        codecs.getincrementaldecoder("utf-8")().decode(prefix, final=len(prefix) == len(raw))
        if len(prefix) < len(raw):
            raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
