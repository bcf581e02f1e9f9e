"""Models of the worker probe: a round trip that proves a worker serves the task queue."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class WorkerProbeRequest(BaseModel):
    """What `govern doctor` sends through a worker."""

    note: str = Field(default="doctor", max_length=200)


class WorkerProbeResult(BaseModel):
    """Who answered, and what that worker is configured to talk to."""

    worker_identity: str
    govern_version: str
    odoo_url: str
    answered_at: datetime
