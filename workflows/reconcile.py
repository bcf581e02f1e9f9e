"""The safety net for lost webhooks: launch every recently confirmed order that has no case."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field
from temporalio import workflow
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities.reconcile import ConfirmedOrdersQuery, ReconcileActivities
    from governance.launch import LaunchRequest
    from workflows.project_launch import ProjectLaunchWorkflow, launch_workflow_id

RECONCILE_SCHEDULE_ID = "govern-reconcile-launches"


class ReconcileRequest(BaseModel):
    window_days: float = Field(default=7, gt=0, le=90)
    batch_size: int = Field(default=200, ge=1, le=1000)


class ReconcileReport(BaseModel):
    orders_seen: int
    launches_started: list[int]


@workflow.defn
class ReconcileLaunchesWorkflow:
    """Run by a Temporal Schedule: one batched Odoo read, then a launch per order lacking one.
    A launch that exists (running or finished) makes the start a no-op."""

    @workflow.run
    async def run(self, request: ReconcileRequest) -> ReconcileReport:
        orders: list[int] = await workflow.execute_activity_method(
            ReconcileActivities.find_confirmed_orders,
            ConfirmedOrdersQuery(
                since=workflow.now() - timedelta(days=request.window_days), limit=request.batch_size
            ),
            start_to_close_timeout=timedelta(minutes=2),
        )
        started = []
        for order_id in orders:
            try:
                await workflow.start_child_workflow(
                    ProjectLaunchWorkflow.run,
                    LaunchRequest(order_id=order_id, source="reconcile"),
                    id=launch_workflow_id(order_id),
                    parent_close_policy=ParentClosePolicy.ABANDON,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                )
            except WorkflowAlreadyStartedError:
                continue
            started.append(order_id)
        if started:
            workflow.logger.info("reconciliation started launches", extra={"orders": started})
        return ReconcileReport(orders_seen=len(orders), launches_started=started)
