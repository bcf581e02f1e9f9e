"""Activities that describe the worker itself."""

from __future__ import annotations

import os
import socket
from datetime import UTC, datetime
from importlib.metadata import version

from temporalio import activity

from governance.diagnostics import WorkerProbeRequest, WorkerProbeResult


class DiagnosticsActivities:
    """Answers the worker probe with facts about this worker process."""

    def __init__(self, odoo_url: str) -> None:
        self._odoo_url = odoo_url

    @activity.defn
    async def describe_worker(self, request: WorkerProbeRequest) -> WorkerProbeResult:
        activity.logger.info("answering worker probe", extra={"note": request.note})
        return WorkerProbeResult(
            # The SDK's default worker identity has this same pid@host shape.
            worker_identity=f"{os.getpid()}@{socket.gethostname()}",
            govern_version=version("govern"),
            odoo_url=self._odoo_url,
            answered_at=datetime.now(UTC),
        )
