"""Which workflows and activities a Govern worker serves, with their dependencies wired."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from activities.diagnostics import DiagnosticsActivities
from workflows.diagnostics import WorkerProbeWorkflow

WORKFLOWS: Sequence[type] = (WorkerProbeWorkflow,)


@dataclass(frozen=True)
class ActivityDependencies:
    """The clients activities are built with; tests pass doubles or test-scoped ones."""

    odoo_url: str


def build_activities(deps: ActivityDependencies) -> list[Callable[..., Any]]:
    """Every activity of Govern, bound to its injected clients."""
    diagnostics = DiagnosticsActivities(odoo_url=deps.odoo_url)
    return [diagnostics.describe_worker]
