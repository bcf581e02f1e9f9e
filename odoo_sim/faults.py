"""Fault injection: latency, outages (refused or 503), error rates, webhook commit timing."""

from __future__ import annotations

import random
import time
from dataclasses import asdict, dataclass
from typing import Any


@dataclass
class Faults:
    """What the simulator does wrong on purpose; all switchable at run time.

    Attributes:
        latency_ms: added to every RPC answer.
        error_rate: share of RPC calls answered with HTTP 503 (0..1).
        outage_until: monotonic time until which every call gets HTTP 503.
        webhook_commit_delay_ms: how long a call that sent a webhook waits before it
            commits (the window in which readers still see the old state).
        abort_after_webhook: how many upcoming calls that send a webhook then fail and
            roll back, so the change announced by the webhook never commits.
    """

    latency_ms: float = 0.0
    error_rate: float = 0.0
    outage_until: float = 0.0
    webhook_commit_delay_ms: float = 0.0
    abort_after_webhook: int = 0

    def should_fail(self) -> bool:
        if time.monotonic() < self.outage_until:
            return True
        return self.error_rate > 0 and random.random() < self.error_rate

    def describe(self) -> dict[str, Any]:
        shown = asdict(self)
        shown["outage_seconds_left"] = max(0.0, round(self.outage_until - time.monotonic(), 3))
        del shown["outage_until"]
        return shown

    def update(self, changes: dict[str, Any]) -> None:
        for key in ("latency_ms", "error_rate", "webhook_commit_delay_ms"):
            if key in changes:
                setattr(self, key, float(changes[key]))
        if "abort_after_webhook" in changes:
            self.abort_after_webhook = int(changes["abort_after_webhook"])
        if "outage_seconds" in changes:
            self.outage_until = time.monotonic() + float(changes["outage_seconds"])
