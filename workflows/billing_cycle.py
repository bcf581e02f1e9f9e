"""Once a billing cycle: a billing-readiness case for every order with something to invoice."""

from __future__ import annotations

from datetime import timedelta

from pydantic import BaseModel, Field
from temporalio import workflow
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from activities.billing import BillingActivities
    from governance.billing import BillingRequest
    from workflows.billing_readiness import BillingReadinessWorkflow, billing_workflow_id

BILLING_CYCLE_SCHEDULE_ID = "govern-billing-cycle"


class BillingCycleRequest(BaseModel):
    period: str | None = Field(default=None, description="YYYY-MM; default: the month before now")
    limit: int = Field(default=500, ge=1, le=5000)


class BillingCycleReport(BaseModel):
    period: str
    started: list[int]


def previous_period(year: int, month: int) -> str:
    return f"{year - (month == 1)}-{12 if month == 1 else month - 1:02d}"


@workflow.defn
class BillingCycleWorkflow:
    @workflow.run
    async def run(self, request: BillingCycleRequest) -> BillingCycleReport:
        now = workflow.now()
        period = request.period or previous_period(now.year, now.month)
        orders: list[int] = await workflow.execute_activity_method(
            BillingActivities.orders_to_invoice,
            request.limit,
            start_to_close_timeout=timedelta(minutes=2),
        )
        started = []
        for order_id in orders:
            try:
                await workflow.start_child_workflow(
                    BillingReadinessWorkflow.run,
                    BillingRequest(order_id=order_id, period=period),
                    id=billing_workflow_id(order_id, period),
                    parent_close_policy=ParentClosePolicy.ABANDON,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                )
            except WorkflowAlreadyStartedError:
                continue
            started.append(order_id)
        return BillingCycleReport(period=period, started=started)
