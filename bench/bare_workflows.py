"""Bare Temporal workflows with the shapes of Govern's, for side-by-side benchmarks."""

from __future__ import annotations

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
