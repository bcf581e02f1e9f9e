"""Which workflows and activities a Govern worker serves, with their dependencies wired."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from activities.approvals import ApprovalActivities
from activities.billing import BillingActivities
from activities.change_request import ChangeRequestActivities
from activities.diagnostics import DiagnosticsActivities
from activities.launch import LaunchActivities
from activities.notifications import NotificationActivities, OdooChatterActivities
from activities.reconcile import ReconcileActivities
from governance.directory import load_people
from integrations.notify import LogNotifier, Notifier
from integrations.odoo import OdooGateway
from runtime.settings import default_people_file, default_policy_file
from workflows.approval import ApprovalWorkflow
from workflows.billing_cycle import BillingCycleWorkflow
from workflows.billing_readiness import BillingReadinessWorkflow
from workflows.change_request import ChangeRequestWorkflow
from workflows.diagnostics import WorkerProbeWorkflow
from workflows.project_launch import ProjectLaunchWorkflow
from workflows.reconcile import ReconcileLaunchesWorkflow

WORKFLOWS: Sequence[type] = (
    WorkerProbeWorkflow,
    ApprovalWorkflow,
    ProjectLaunchWorkflow,
    ReconcileLaunchesWorkflow,
    ChangeRequestWorkflow,
    BillingReadinessWorkflow,
    BillingCycleWorkflow,
)


@dataclass(frozen=True)
class ActivityDependencies:
    """The clients activities are built with; tests pass doubles or test-scoped ones."""

    odoo_url: str
    odoo: OdooGateway | None = None
    policy_file: Path = field(default_factory=default_policy_file)
    people_file: Path = field(default_factory=default_people_file)
    notifier: Notifier = field(default_factory=LogNotifier)


def build_activities(deps: ActivityDependencies) -> list[Callable[..., Any]]:
    """Every activity of Govern, bound to its injected clients.

    Lifecycles that read and write Odoo need ``deps.odoo``; without it a worker still
    serves standalone approvals (chatter posts then fail, audited, never the case).
    """
    diagnostics = DiagnosticsActivities(odoo_url=deps.odoo_url)
    approvals = ApprovalActivities(deps.policy_file, deps.people_file, deps.odoo)
    notifications = NotificationActivities(deps.notifier)
    chatter = OdooChatterActivities(deps.odoo)
    activities = [
        diagnostics.describe_worker,
        approvals.plan_approval,
        approvals.read_launch_controls,
        approvals.read_billing_rules,
        approvals.people_for_role,
        approvals.resolve_approvers,
        notifications.notify,
        chatter.post_to_chatter,
    ]
    if deps.odoo is not None:
        launch = LaunchActivities(deps.odoo, load_people(deps.people_file))
        activities += [
            launch.gather_launch_facts,
            launch.person_for_login,
            launch.ensure_launch_project,
            launch.set_project_status,
            launch.raise_staffing_request,
            launch.close_staffing_request,
            launch.post_launch_summary,
            ReconcileActivities(deps.odoo).find_confirmed_orders,
        ]
        changes = ChangeRequestActivities(deps.odoo)
        billing = BillingActivities(deps.odoo)
        activities += [
            changes.assess_change,
            changes.apply_change,
            billing.assess_billing,
            billing.create_draft_invoice,
            billing.orders_to_invoice,
        ]
    return activities
