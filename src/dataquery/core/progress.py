"""The one progress-callback signature of the server: long work reports the stage it is in
(a code `job.stage.<x>` the web translates) and, when it knows them, how much of it is done.

Pure: work written against it runs the same under the job runner, the CLI or a test.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(
        self, stage_code: str, done: int | None = None, total: int | None = None
    ) -> None: ...


def no_progress(stage_code: str, done: int | None = None, total: int | None = None) -> None:
    """For callers that do not follow the work."""
    return None
