"""Where notices to people go. Slack comes as its own integration; until a channel is
configured, notices are written to the structured log (and so reach whoever tails it)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from runtime.logging import get_logger

log = get_logger("govern.notices")


@dataclass(frozen=True)
class Delivery:
    """One notice for one person.

    Attributes:
        recipient: the person's directory id.
        kind: requested, reminder, escalated, stage_closed, approved...
        case_key: the case (its workflow id).
        title: what the case is about.
        detail: why, or what happened.
        stage: the approval stage, when there is one.
        record: the Odoo record ``(model, id)``, when there is one.
    """

    recipient: str
    kind: str
    case_key: str
    title: str
    detail: str = ""
    stage: str | None = None
    record: tuple[str, int] | None = None


class Notifier(Protocol):
    def send(self, delivery: Delivery) -> str:
        """Deliver one notice; return a delivery id. Raise to have the activity retry."""
        ...


class LogNotifier:
    """Writes each notice as one structured log line (recipient ids, never personal data)."""

    def send(self, delivery: Delivery) -> str:
        log.info(
            "notice",
            recipient=delivery.recipient,
            kind=delivery.kind,
            case_key=delivery.case_key,
            title=delivery.title,
            detail=delivery.detail,
            stage=delivery.stage,
        )
        return f"log:{delivery.case_key}:{delivery.kind}:{delivery.recipient}"
