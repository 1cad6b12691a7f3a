"""Structured logging with structlog; stdlib loggers go through the same renderer.

Three rules, each learned from an incident:
- Rendering and writing happen on a thread of their own (a queue in between), so a long
  traceback never blocks the event loop that serves requests.
- Tracebacks are plain text (console) or a list of frames (JSON), never with local variables:
  locals hold request bodies, passwords and hashes.
- Values under secret-looking keys are replaced before anything is rendered.
"""

from __future__ import annotations

import atexit
import logging
import logging.handlers
import queue
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog
from structlog.tracebacks import ExceptionDictTransformer

REDACTED = "[redacted]"
_SECRET_KEY = re.compile(
    r"pass(word|wd)?|secret|token|authorization|cookie|hash|api_?key|credential", re.IGNORECASE
)
_listener: logging.handlers.QueueListener | None = None


def redact_secrets(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Replace the value of every key that names a secret, at any depth of dicts."""
    return _redact(event_dict)


def _redact(value: Any) -> Any:
    if isinstance(value, MutableMapping):
        for key in list(value):
            if isinstance(key, str) and _SECRET_KEY.search(key) and value[key] is not None:
                value[key] = REDACTED
            else:
                value[key] = _redact(value[key])
    elif isinstance(value, list | tuple):
        return type(value)(_redact(item) for item in value)
    return value


def _capture_exc_info(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Resolve `exc_info=True` in the thread that logs: the writer thread has no exception."""
    if event_dict.get("exc_info") is True:
        event_dict["exc_info"] = sys.exc_info()
    return event_dict


class _DeferredQueueHandler(logging.handlers.QueueHandler):
    """Hands the record over as it is: the listener's handler formats it on its own thread."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        return record


def configure_logging(level: str = "INFO", json: bool = False) -> None:
    global _listener
    stop_logging()
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: list[structlog.types.Processor] = (
        [
            structlog.processors.ExceptionRenderer(
                ExceptionDictTransformer(show_locals=False, max_frames=30)
            ),
            structlog.processors.JSONRenderer(default=str),
        ]
        if json
        else [
            structlog.dev.ConsoleRenderer(
                colors=sys.stderr.isatty(), exception_formatter=structlog.dev.plain_traceback
            )
        ]
    )
    structlog.configure(
        processors=[
            *shared,
            _capture_exc_info,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    writer = logging.StreamHandler(sys.stderr)
    writer.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                redact_secrets,
                *renderer,
            ],
        )
    )
    records: queue.SimpleQueue[logging.LogRecord] = queue.SimpleQueue()
    _listener = logging.handlers.QueueListener(records, writer, respect_handler_level=False)
    _listener.start()
    root = logging.getLogger()
    root.handlers[:] = [_DeferredQueueHandler(records)]
    root.setLevel(level.upper())
    # uvicorn's access log duplicates our request log line.
    logging.getLogger("uvicorn.access").handlers.clear()
    logging.getLogger("uvicorn.access").propagate = False


def stop_logging() -> None:
    """Write out what is queued and stop the writer thread (at exit, or before reconfiguring)."""
    global _listener
    if _listener is not None:
        _listener.stop()
        _listener = None


atexit.register(stop_logging)


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    logger: structlog.stdlib.BoundLogger = structlog.get_logger(name)
    return logger
