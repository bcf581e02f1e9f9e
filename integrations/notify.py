"""Where notices to people go. Slack comes as its own integration; until a channel is
configured, notices are written to the structured log (and so reach whoever tails it)."""

from __future__ import annotations

from typing import Protocol

from runtime.logging import get_logger

log = get_logger("govern.notices")


class Notifier(Protocol):
    def send(
        self,
        recipient: str,
        kind: str,
        case_key: str,
        title: str,
        detail: str,
        stage: str | None = None,
        record: tuple[str, int] | None = None,
    ) -> str:
        """Deliver one notice; return a delivery id. Raise to have the activity retry."""
        ...


class LogNotifier:
    """Writes each notice as one structured log line (recipient ids, never personal data)."""

    def send(
        self,
        recipient: str,
        kind: str,
        case_key: str,
        title: str,
        detail: str,
        stage: str | None = None,
        record: tuple[str, int] | None = None,
    ) -> str:
        log.info(
            "notice",
            recipient=recipient,
            kind=kind,
            case_key=case_key,
            title=title,
            detail=detail,
            stage=stage,
        )
        return f"log:{case_key}:{kind}:{recipient}"
