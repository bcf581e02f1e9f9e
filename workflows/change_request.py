"""ChangeRequestWorkflow: measure a change, route it by policy, apply it to Odoo once."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.change_request import ChangeRequestActivities
    from activities.notifications import OdooChatterActivities
    from governance import search_attributes as sa
    from governance.approval_case import Notice, Outcome
    from governance.approval_messages import (
        ApprovalRequest,
        ApprovalResult,
        ChatterPost,
        OdooRef,
    )
    from governance.change_request import (
        ApplyChange,
        ChangeRequestInput,
        ChangeState,
        ChangeStatus,
    )
    from governance.facts import Parties
    from workflows.approval import ApprovalWorkflow
    from workflows.journal import note, set_state, tell

LIFECYCLE = "change_request"
ODOO_CALL = {
    "start_to_close_timeout": timedelta(seconds=60),
    "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=2)),
}
OUTCOME_STATE = {
    Outcome.REJECTED: ChangeState.REJECTED,
    Outcome.EXPIRED: ChangeState.EXPIRED,
    Outcome.WITHDRAWN: ChangeState.WITHDRAWN,
    Outcome.UNROUTABLE: ChangeState.UNROUTABLE,
}


def change_request_workflow_id(project_id: int, request_key: str) -> str:
    return f"change-request:project.project:{project_id}:{request_key}"


@workflow.defn
class ChangeRequestWorkflow:
    def __init__(self) -> None:
        self._status: ChangeStatus | None = None

    @workflow.run
    async def run(self, request: ChangeRequestInput) -> ChangeStatus:
        status = self._status = ChangeStatus(request=request)
        case_id = workflow.info().workflow_id
        workflow.upsert_search_attributes(
            [
                sa.LIFECYCLE.value_set(LIFECYCLE),
                sa.ODOO_MODEL.value_set("project.project"),
                sa.ODOO_ID.value_set(request.project_id),
                sa.AMOUNT_AT_STAKE.value_set(abs(request.amount_delta)),
                sa.STATE.value_set(ChangeState.ASSESSING.value),
            ]
        )
        impact = await workflow.execute_activity_method(
            ChangeRequestActivities.assess_change, request, **ODOO_CALL
        )
        status.impact = impact
        note(status, impact.summary(request.description))
        status.approval_id = f"{case_id}/approval"
        set_state(status, ChangeState.AWAITING_APPROVAL, "routed by policy")
        result: ApprovalResult = await workflow.execute_child_workflow(
            ApprovalWorkflow.run,
            ApprovalRequest(
                case_key=status.approval_id,
                lifecycle=LIFECYCLE,
                step="budget_impact",
                title=f"Change request on {impact.project_name}: {request.description}"[:300],
                facts=impact.case_facts(request.customer_approval_required),
                parties=Parties(requester=request.requested_by),
                # Decisions reach Odoo with the outcome below: a withdrawn request must
                # leave Odoo untouched, so the approval itself does not post.
                odoo=None,
            ),
            id=status.approval_id,
        )
        if result.outcome == Outcome.APPROVED:
            status.applied = await workflow.execute_activity_method(
                ChangeRequestActivities.apply_change,
                ApplyChange(impact=impact, description=request.description, ref=case_id),
                **ODOO_CALL,
            )
            set_state(status, ChangeState.APPLIED, "applied to Odoo")
        else:
            # A withdrawn request leaves Odoo untouched; the others tell the requester.
            set_state(
                status,
                OUTCOME_STATE.get(result.outcome, ChangeState.REJECTED),
                f"approval {result.outcome.value}",
            )
            if result.outcome != Outcome.WITHDRAWN:
                deciders = ", ".join(result.decided_by) or "no decision in time"
                closed = (
                    f"change request {result.outcome.value} ({deciders}): {request.description}"
                )
                await workflow.execute_activity_method(
                    OdooChatterActivities.post_to_chatter,
                    ChatterPost(
                        odoo=OdooRef(model="project.project", id=request.project_id),
                        ref=f"{case_id}/closed",
                        body=f"Govern — {closed}",
                    ),
                    **ODOO_CALL,
                )
                await tell(
                    status,
                    "Change request",
                    Notice(
                        kind="change_request_closed",
                        recipients=[request.requested_by],
                        detail=closed,
                    ),
                )
        return status

    @workflow.query
    def status(self) -> ChangeStatus:
        assert self._status is not None
        return self._status
