"""Bare Temporal workflows with the shapes of Govern's, for side-by-side benchmarks."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.approvals import ApprovalActivities
    from activities.notifications import NotificationActivities, OdooChatterActivities
    from governance.approval_case import DecisionInput, DecisionResult, Notice, Outcome
    from governance.approval_messages import (
        ApprovalRequest,
        ChatterPost,
        NotifyRequest,
        PlanRequest,
        ResolveRequest,
    )


@workflow.defn
class BareTwoStepWorkflow:
    """The same activities and updates as a two-stage approval, with no engine behind them."""

    def __init__(self) -> None:
        self._decisions: list[DecisionInput] = []

    @workflow.run
    async def run(self, request: ApprovalRequest) -> str:
        options = {"start_to_close_timeout": timedelta(seconds=30)}
        plan = await workflow.execute_activity_method(
            ApprovalActivities.plan_approval,
            PlanRequest(lifecycle=request.lifecycle, step=request.step, facts=request.facts),
            **options,
        )
        await workflow.execute_activity_method(
            ApprovalActivities.resolve_approvers,
            ResolveRequest(
                plan=plan, facts=request.facts, parties=request.parties, at=workflow.now()
            ),
            **options,
        )
        for stage in (1, 2):
            await workflow.execute_activity_method(
                NotificationActivities.notify,
                NotifyRequest(
                    case_key=request.case_key,
                    title=request.title,
                    notice=Notice(kind="requested", recipients=["p-lead"]),
                ),
                **options,
            )
            await workflow.wait_condition(lambda stage=stage: len(self._decisions) >= stage)
            await workflow.execute_activity_method(
                OdooChatterActivities.post_to_chatter,
                ChatterPost(odoo=request.odoo, ref=f"{request.case_key}/{stage}", body="approved"),  # type: ignore[arg-type]
                **options,
            )
        await workflow.execute_activity_method(
            OdooChatterActivities.post_to_chatter,
            ChatterPost(odoo=request.odoo, ref=f"{request.case_key}/done", body="done"),  # type: ignore[arg-type]
            **options,
        )
        return "approved"

    @workflow.update
    async def decide(self, decision: DecisionInput) -> DecisionResult:
        self._decisions.append(decision)
        return DecisionResult(
            decision_id=decision.decision_id, accepted=True, message="ok", outcome=Outcome.PENDING
        )


with workflow.unsafe.imports_passed_through():
    from activities.launch import LaunchActivities
    from governance.approval_messages import OdooRef
    from governance.launch import LaunchFacts, LaunchSummary, ProjectHold, StaffingRequest


@workflow.defn
class BareApprovalWorkflow:
    """One update and done: an approval with no engine."""

    def __init__(self) -> None:
        self._decided = False

    @workflow.run
    async def run(self, step: str) -> str:
        await workflow.wait_condition(lambda: self._decided)
        return step

    @workflow.update
    async def decide(self, decision: DecisionInput) -> DecisionResult:
        self._decided = True
        return DecisionResult(
            decision_id=decision.decision_id, accepted=True, message="ok", outcome=Outcome.APPROVED
        )


@workflow.defn
class BareLaunchWorkflow:
    """The project launch's activities and child approvals, without controls or policy."""

    def __init__(self) -> None:
        self.children: list[str] = []

    @workflow.run
    async def run(self, order_id: int) -> str:
        options = {"start_to_close_timeout": timedelta(seconds=60)}
        facts: LaunchFacts = await workflow.execute_activity_method(
            LaunchActivities.gather_launch_facts, order_id, **options
        )
        project = await workflow.execute_activity_method(
            LaunchActivities.ensure_launch_project, facts, **options
        )
        ref = workflow.info().workflow_id
        await workflow.execute_activity_method(
            LaunchActivities.set_project_status,
            ProjectHold(project_id=project, status="to_define"),
            **options,
        )
        staffing = await workflow.execute_activity_method(
            LaunchActivities.raise_staffing_request,
            StaffingRequest(
                project_id=project,
                order_name=facts.order_name,
                hours=facts.sold_hours,
                facts=facts.case_facts(),
                ref=f"{ref}/s",
            ),
            **options,
        )
        steps = ["delivery_review", "finance_confirmation", "staffing"]
        self.children = [f"{ref}/{step}" for step in steps]
        await asyncio.gather(
            *(
                workflow.execute_child_workflow(BareApprovalWorkflow.run, step, id=child)
                for step, child in zip(steps, self.children, strict=True)
            )
        )
        self.children.append(f"{ref}/kickoff")
        await workflow.execute_child_workflow(
            BareApprovalWorkflow.run, "kickoff", id=self.children[-1]
        )
        await workflow.execute_activity_method(
            LaunchActivities.close_staffing_request, staffing, **options
        )
        await workflow.execute_activity_method(
            LaunchActivities.set_project_status,
            ProjectHold(project_id=project, status="on_track"),
            **options,
        )
        await workflow.execute_activity_method(
            LaunchActivities.post_launch_summary,
            LaunchSummary(
                odoo=[
                    OdooRef(model="sale.order", id=order_id),
                    OdooRef(model="project.project", id=project),
                ],
                ref=f"{ref}/summary",
                body="launched",
            ),
            **options,
        )
        return "active"

    @workflow.query
    def pending_children(self) -> list[str]:
        return self.children


with workflow.unsafe.imports_passed_through():
    from activities.billing import BillingActivities
    from activities.change_request import ChangeRequestActivities
    from governance.billing import BillingRequest, InvoiceRequest
    from governance.change_request import ApplyChange, ChangeRequestInput
    from governance.policy import BillingRules


@workflow.defn
class BareChangeWorkflow:
    """A change request's activities without policy: assess, then apply."""

    @workflow.run
    async def run(self, request: ChangeRequestInput) -> str:
        options = {"start_to_close_timeout": timedelta(seconds=60)}
        impact = await workflow.execute_activity_method(
            ChangeRequestActivities.assess_change, request, **options
        )
        await workflow.execute_activity_method(
            ChangeRequestActivities.apply_change,
            ApplyChange(
                impact=impact, description=request.description, ref=workflow.info().workflow_id
            ),
            **options,
        )
        return "applied"


@workflow.defn
class BareBillingWorkflow:
    """Billing readiness's activities without rules: assess, then invoice."""

    @workflow.run
    async def run(self, request: BillingRequest) -> str:
        options = {"start_to_close_timeout": timedelta(seconds=60)}
        assessment = await workflow.execute_activity_method(
            BillingActivities.assess_billing, args=[request, BillingRules()], **options
        )
        await workflow.execute_activity_method(
            BillingActivities.create_draft_invoice,
            InvoiceRequest(
                order_id=request.order_id,
                order_name=assessment.order_name,
                ref=workflow.info().workflow_id,
            ),
            **options,
        )
        return "invoiced"
