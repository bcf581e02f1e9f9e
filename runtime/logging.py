"""One logging pipeline for Govern, the stdlib and the Temporal SDK, through structlog.

JSON lines when stderr is not a terminal (workers under a supervisor), coloured
key-value lines on a terminal. Every record, whoever emitted it, passes the secret
scrubber: configured secret values are masked wherever they appear, and values of keys
that name a secret (``password``, ``api_key``, ``token``...) are masked whole.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any

import structlog

from runtime.settings import LogFormat

MASK = "***"
_SECRET_KEY = re.compile(r"(pass(word)?|secret|token|api_?key|authorization|cookie)", re.I)


class SecretScrubber:
    """A structlog processor that masks secrets in every field of an event."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        # Longest first so a secret that contains another is masked whole.
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def _scrub(self, value: Any) -> Any:
        if isinstance(value, str):
            for secret in self._secrets:
                if secret in value:
                    value = value.replace(secret, MASK)
            return value
        if isinstance(value, dict):
            return {k: MASK if _is_secret_key(k) else self._scrub(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._scrub(v) for v in value)
        return value

    def __call__(
        self, _logger: Any, _method: str, event: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        for key in list(event):
            value = event[key]
            if _is_secret_key(key):
                event[key] = MASK
            elif value is None or isinstance(value, int | float | bool):
                continue
            else:
                # Objects are rendered later; render them now so their text is scrubbed.
                plain = value if isinstance(value, str | dict | list | tuple) else str(value)
                event[key] = self._scrub(plain)
        return event


def _is_secret_key(key: Any) -> bool:
    return isinstance(key, str) and bool(_SECRET_KEY.search(key))


def _render_exception_then_scrub(scrubber: SecretScrubber) -> Any:
    """Turn exc_info into text first, so a secret inside a traceback is masked too."""
    formatter = structlog.processors.format_exc_info

    def process(logger: Any, method: str, event: MutableMapping[str, Any]) -> Any:
        return scrubber(logger, method, formatter(logger, method, event))

    return process


def configure_logging(
    level: str = "INFO",
    log_format: LogFormat = LogFormat.AUTO,
    secrets: Iterable[str] = (),
    stream: Any = None,
) -> None:
    """Route structlog and stdlib logging (Temporal SDK included) through one pipeline.

    Args:
        level: the root level, e.g. ``INFO``.
        log_format: ``json``, ``console``, or ``auto`` (console on a terminal, else JSON).
        secrets: secret values to mask wherever they appear.
        stream: where to write (default stderr); tests pass a buffer.
    """
    stream = stream or sys.stderr
    as_json = log_format == LogFormat.JSON or (
        log_format == LogFormat.AUTO and not getattr(stream, "isatty", lambda: False)()
    )
    scrub = _render_exception_then_scrub(SecretScrubber(secrets))
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if as_json
        else structlog.dev.ConsoleRenderer(colors=getattr(stream, "isatty", lambda: False)())
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                scrub,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for existing in list(root.handlers):
        root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Chatty libraries stay at WARNING unless Govern itself debugs.
    for name in ("httpx", "httpcore", "urllib3", "uvicorn.access"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


def get_logger(name: str) -> structlog.stdlib.BoundLogger:
    """A structlog logger named for its module."""
    return structlog.stdlib.get_logger(name)
