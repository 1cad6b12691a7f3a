"""Stream a multipart upload to a temporary file, refusing it past the size limit.

Starlette's form parser would spool the whole body before the endpoint sees it; this one counts
the file's bytes as they arrive and stops at the limit, so a 2 GB upload costs 50 MB of disk.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from fastapi import Request
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.concurrency import run_in_threadpool

from dataquery.core.errors import InvalidInput, PayloadTooLarge, UnsupportedMediaType

FILE_FIELD = "file"
_MAX_FIELD_BYTES = 1000
_MAX_FIELDS = 20
# Multipart boundaries and part headers around the file: a body this much larger than the limit
# is refused on its Content-Length alone.
_MULTIPART_OVERHEAD = 64 * 1024
_WRITE_BLOCK = 1 << 20


@dataclass
class ReceivedUpload:
    path: Path
    filename: str
    size: int
    fields: dict[str, str] = field(default_factory=dict)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


class _Receiver:
    def __init__(self, handle: IO[bytes], max_bytes: int, max_mb: int) -> None:
        self.handle = handle
        self.max_bytes = max_bytes
        self.max_mb = max_mb
        self.size = 0
        self.files = 0
        self.filename: str | None = None
        self.fields: dict[str, str] = {}
        self._pending: list[bytes] = []
        self._pending_bytes = 0
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""
        self._in_file = False
        self._field_name: str | None = None
        self._field_data = bytearray()

    # python-multipart callbacks
    def on_part_begin(self) -> None:
        self._disposition = b""
        self._in_file = False
        self._field_name = None
        self._field_data = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.strip().lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = b""
        self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        name = _decode(options.get(b"name", b""))
        if name == FILE_FIELD or b"filename" in options:
            if name != FILE_FIELD:
                raise InvalidInput(
                    f"send the file in the form field {FILE_FIELD!r}, not {name!r}",
                    code="upload.wrong_field",
                    params={"field": FILE_FIELD},
                )
            self.files += 1
            if self.files > 1:
                raise InvalidInput("send one file per upload", code="upload.one_file")
            self._in_file = True
            self.filename = clean_filename(_decode(options.get(b"filename", b"")))
        else:
            if len(self.fields) >= _MAX_FIELDS:
                raise InvalidInput("too many form fields", code="upload.too_many_fields")
            self._field_name = name

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._in_file:
            self.size += end - start
            if self.size > self.max_bytes:
                raise PayloadTooLarge(
                    too_large(self.max_mb), code="upload.too_large", params={"max_mb": self.max_mb}
                )
            self._pending.append(data[start:end])
            self._pending_bytes += end - start
        else:
            self._field_data += data[start:end]
            if len(self._field_data) > _MAX_FIELD_BYTES:
                raise InvalidInput(
                    f"the form field {self._field_name!r} is too long",
                    code="upload.field_too_long",
                    params={"field": self._field_name},
                )

    def on_part_end(self) -> None:
        if not self._in_file and self._field_name:
            self.fields[self._field_name] = _decode(bytes(self._field_data)).strip()

    def take_pending(self) -> bytes:
        block = b"".join(self._pending)
        self._pending.clear()
        self._pending_bytes = 0
        return block


def too_large(max_mb: int) -> str:
    return f"the file is larger than {max_mb} MB, the upload limit (DQ_UPLOAD_MAX_MB)"


def _decode(value: bytes) -> str:
    return value.decode("utf-8", errors="replace")


def clean_filename(name: str) -> str:
    """The file's own name: no folders (browsers on Windows may send them), no control
    characters, at most 255 characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(char for char in base if char.isprintable()).strip()
    return base[:255] or "upload"


async def receive_upload(
    request: Request, directory: Path, max_bytes: int, max_mb: int
) -> ReceivedUpload:
    content_type = request.headers.get("content-type", "")
    kind, params = parse_options_header(content_type)
    if kind != b"multipart/form-data":
        raise UnsupportedMediaType(
            f"send the file as multipart/form-data in a field named {FILE_FIELD!r}",
            code="upload.not_multipart",
            params={"field": FILE_FIELD},
        )
    boundary = params.get(b"boundary")
    if not boundary:
        raise InvalidInput("the multipart body has no boundary", code="upload.malformed_multipart")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + _MULTIPART_OVERHEAD:
        raise PayloadTooLarge(too_large(max_mb), code="upload.too_large", params={"max_mb": max_mb})

    directory.mkdir(parents=True, exist_ok=True)
    descriptor, name = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=directory)
    path = Path(name)
    handle = os.fdopen(descriptor, "wb")
    receiver = _Receiver(handle, max_bytes, max_mb)
    try:
        parser = MultipartParser(
            boundary,
            {
                "on_part_begin": receiver.on_part_begin,
                "on_part_data": receiver.on_part_data,
                "on_part_end": receiver.on_part_end,
                "on_header_field": receiver.on_header_field,
                "on_header_value": receiver.on_header_value,
                "on_header_end": receiver.on_header_end,
                "on_headers_finished": receiver.on_headers_finished,
            },
        )
        async for chunk in request.stream():
            parser.write(chunk)
            if receiver._pending_bytes >= _WRITE_BLOCK:
                await run_in_threadpool(handle.write, receiver.take_pending())
        parser.finalize()
        if receiver._pending_bytes:
            await run_in_threadpool(handle.write, receiver.take_pending())
        handle.close()
    except BaseException as exc:
        handle.close()
        path.unlink(missing_ok=True)
        if isinstance(exc, FormParserError):
            raise InvalidInput(
                "the multipart body is malformed", code="upload.malformed_multipart"
            ) from exc
        raise
    if receiver.files == 0:
        path.unlink(missing_ok=True)
        raise InvalidInput(
            f"no file: send it in the form field {FILE_FIELD!r}",
            code="upload.no_file",
            params={"field": FILE_FIELD},
        )
    return ReceivedUpload(path, receiver.filename or "upload", receiver.size, receiver.fields)
