"""ProjectLaunchWorkflow: from a confirmed sale order to an active (or held) project."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ChildWorkflowError

with workflow.unsafe.imports_passed_through():
    from activities.approvals import ApprovalActivities
    from activities.launch import LaunchActivities
    from governance import search_attributes as sa
    from governance.approval_case import Notice, Outcome
    from governance.approval_messages import ApprovalRequest, ApprovalResult, OdooRef
    from governance.facts import Parties
    from governance.launch import (
        ControlResult,
        LaunchApproval,
        LaunchFacts,
        LaunchRequest,
        LaunchState,
        LaunchStatus,
        LaunchSummary,
        OrderEvent,
        ProjectHold,
        StaffingRequest,
        run_launch_controls,
    )
    from governance.policy import LaunchControls
    from workflows.approval import ApprovalWorkflow
    from workflows.journal import note, set_state, tell

LIFECYCLE = "project_launch"
WATCH_WINDOW = timedelta(days=30)
ODOO_CALL = {
    "start_to_close_timeout": timedelta(seconds=60),
    "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=2)),
}
APPROVAL_STEPS = ("delivery_review", "finance_confirmation", "staffing")
REOPENED_BY_CHANGE = ("delivery_review", "finance_confirmation")


def launch_workflow_id(order_id: int) -> str:
    """The case's business key: one launch per sale order, ever."""
    return f"project-launch:sale.order:{order_id}"


@workflow.defn
class ProjectLaunchWorkflow:
    """Governs one launch: controls, the project held pending, staffing, approvals (and a
    waiver for each failed control), then active or on hold; re-opens approvals when a
    later Odoo event shows a material change of the order."""

    def __init__(self) -> None:
        self._status: LaunchStatus | None = None
        self._events: list[OrderEvent] = []

    @workflow.run
    async def run(self, request: LaunchRequest) -> LaunchStatus:
        status = self._status = LaunchStatus(
            order_id=request.order_id, state=LaunchState.WAITING_FOR_COMMIT
        )
        set_state(self._status, LaunchState.WAITING_FOR_COMMIT, f"started from {request.source}")
        workflow.upsert_search_attributes(
            [
                sa.LIFECYCLE.value_set(LIFECYCLE),
                sa.ODOO_MODEL.value_set("sale.order"),
                sa.ODOO_ID.value_set(request.order_id),
            ]
        )
        facts = await self._read_until_confirmed(request.order_id, request.commit_wait)
        if facts is None:
            set_state(
                self._status,
                LaunchState.NOT_CONFIRMED,
                "the order never showed as confirmed; nothing was changed in Odoo",
            )
            return status
        status.order_name = facts.order_name
        workflow.upsert_search_attributes(
            [
                sa.BUSINESS_UNIT.value_set(facts.business_unit),
                sa.AMOUNT_AT_STAKE.value_set(facts.amount_untaxed),
            ]
        )
        limits: LaunchControls = await workflow.execute_activity_method(
            ApprovalActivities.read_launch_controls, **ODOO_CALL
        )
        salesperson = await self._salesperson(facts)
        status.parties = Parties(requester=salesperson, salesperson=salesperson)
        set_state(self._status, LaunchState.CHECKING, f"gathered {facts.order_name}")
        await self._govern(facts, limits, round_=0)
        await self._watch_for_changes(facts, limits)
        return status

    # -- the launch ----------------------------------------------------------------------

    async def _govern(
        self,
        facts: LaunchFacts,
        limits: LaunchControls,
        round_: int,
        steps: tuple[str, ...] = APPROVAL_STEPS,
    ) -> bool:
        status = self._status
        assert status is not None
        status.controls = run_launch_controls(facts, limits)
        failed = [c for c in status.controls if not c.passed]
        project_id = status.project_id or await workflow.execute_activity_method(
            LaunchActivities.ensure_launch_project, facts, **ODOO_CALL
        )
        status.project_id = project_id
        ref = f"{workflow.info().workflow_id}/r{round_}"
        await self._project_status(project_id, "to_define")  # launch pending
        staffing_id = None
        if "staffing" in steps:
            staffing_id = await workflow.execute_activity_method(
                LaunchActivities.raise_staffing_request,
                StaffingRequest(
                    project_id=project_id,
                    order_name=facts.order_name,
                    hours=facts.sold_hours,
                    facts=facts.case_facts(),
                    ref=f"{ref}/staffing",
                ),
                **ODOO_CALL,
            )
        set_state(
            self._status,
            LaunchState.AWAITING_APPROVALS,
            f"round {round_}: approvals {', '.join(steps)}; waivers for "
            f"{', '.join(c.name.value for c in failed) or 'nothing'}",
        )
        first = [self._approve(step, facts, round_) for step in steps]
        first += [self._approve("control_waiver", facts, round_, control=c) for c in failed]
        outcomes = await asyncio.gather(*first)
        if all(outcomes) and "staffing" in steps:
            outcomes.append(await self._approve("kickoff", facts, round_))
        approved = all(outcomes)
        if approved and staffing_id is not None:
            await workflow.execute_activity_method(
                LaunchActivities.close_staffing_request, staffing_id, **ODOO_CALL
            )
        await self._conclude(facts, project_id, approved, ref)
        return approved

    async def _approve(
        self, step: str, facts: LaunchFacts, round_: int, control: ControlResult | None = None
    ) -> bool:
        status = self._status
        assert status is not None and status.parties is not None
        suffix = f"{step}/{control.name.value}" if control else step
        child_id = f"{workflow.info().workflow_id}/r{round_}/{suffix}"
        entry = LaunchApproval(step=suffix, workflow_id=child_id)
        status.approvals.append(entry)
        case_facts = facts.case_facts()
        if control:
            case_facts = case_facts.model_copy(update={"extra": {"control": control.name.value}})
        request = ApprovalRequest(
            case_key=child_id,
            lifecycle=LIFECYCLE,
            step=step,
            facts=case_facts,
            title=f"{facts.order_name} {facts.customer}: "
            + (
                f"waive {control.name.value} ({control.evidence})"
                if control
                else step.replace("_", " ")
            ),
            parties=status.parties,
        )
        try:
            result: ApprovalResult = await workflow.execute_child_workflow(
                ApprovalWorkflow.run, request, id=child_id
            )
        except ChildWorkflowError as error:
            entry.outcome, entry.reason = "failed", str(error.cause or error)
            return False
        entry.outcome = result.outcome.value
        entry.reason = next((e.detail for e in reversed(result.audit) if e.detail), "")
        return result.outcome == Outcome.APPROVED

    async def _conclude(
        self, facts: LaunchFacts, project_id: int, approved: bool, ref: str
    ) -> None:
        status = self._status
        assert status is not None
        lines = [
            f"{a.step}: {a.outcome}" for a in status.approvals if a.workflow_id.startswith(ref)
        ]
        controls = [
            f"{c.name.value}: {'ok' if c.passed else 'FAILED'} ({c.evidence})"
            for c in status.controls
        ]
        verdict = "Project launched: active" if approved else "Project launch on hold"
        body = "\n".join(
            [
                f"Govern — {verdict} for {facts.order_name} ({facts.customer}).",
                "Controls:",
                *controls,
                "Approvals:",
                *lines,
            ]
        )
        await self._project_status(project_id, "on_track" if approved else "on_hold")
        await workflow.execute_activity_method(
            LaunchActivities.post_launch_summary,
            LaunchSummary(
                odoo=[
                    OdooRef(model="sale.order", id=facts.order_id),
                    OdooRef(model="project.project", id=project_id),
                ],
                ref=f"{ref}/summary",
                body=body,
            ),
            **ODOO_CALL,
        )
        if not approved and status.parties:
            await tell(
                self._status,
                "Project launch",
                Notice(
                    kind="launch_on_hold",
                    recipients=[status.parties.salesperson or ""],
                    detail=f"{facts.order_name}: {'; '.join(lines)}",
                ),
            )
        set_state(self._status, LaunchState.ACTIVE if approved else LaunchState.ON_HOLD, verdict)

    async def _watch_for_changes(self, facts: LaunchFacts, limits: LaunchControls) -> None:
        """For a while after launch, a material change of the order re-opens its approvals."""
        round_ = 0
        while True:
            try:
                await workflow.wait_condition(lambda: bool(self._events), timeout=WATCH_WINDOW)
            except TimeoutError:
                return
            event = self._events.pop(0)
            if event.amount_total is None or facts.amount_total <= 0:
                continue
            change = abs(event.amount_total - facts.amount_total) / facts.amount_total * 100
            if change <= limits.material_change_pct:
                note(self._status, f"order changed by {change:.1f} %: within tolerance")
                continue
            round_ += 1
            fresh = await workflow.execute_activity_method(
                LaunchActivities.gather_launch_facts, facts.order_id, **ODOO_CALL
            )
            note(
                self._status,
                f"order changed by {change:.1f} % (> {limits.material_change_pct:g} %): "
                f"re-opening {', '.join(REOPENED_BY_CHANGE)}",
            )
            facts = fresh
            await self._govern(facts, limits, round_, steps=REOPENED_BY_CHANGE)
            if workflow.info().is_continue_as_new_suggested():
                return

    # -- helpers ---------------------------------------------------------------------------

    async def _read_until_confirmed(
        self, order_id: int, schedule: list[float]
    ) -> LaunchFacts | None:
        for delay in [0, *schedule]:
            if delay:
                await workflow.sleep(delay)
            facts: LaunchFacts = await workflow.execute_activity_method(
                LaunchActivities.gather_launch_facts, order_id, **ODOO_CALL
            )
            if facts.confirmed:
                return facts
            note(
                self._status,
                f"order {facts.order_name or order_id} reads as {facts.state}; "
                "waiting for the commit",
            )
        return None

    async def _salesperson(self, facts: LaunchFacts) -> str:
        if not facts.salesperson_login:
            return "govern"
        person = await workflow.execute_activity_method(
            LaunchActivities.person_for_login, facts.salesperson_login, **ODOO_CALL
        )
        return person or "govern"

    async def _project_status(self, project_id: int, value: str) -> None:
        await workflow.execute_activity_method(
            LaunchActivities.set_project_status,
            ProjectHold(project_id=project_id, status=value),
            **ODOO_CALL,
        )

    @workflow.signal
    def order_event(self, event: OrderEvent) -> None:
        """A later Odoo event about the order (webhook): a material change re-opens approvals."""
        self._events.append(event)

    @workflow.query
    def status(self) -> LaunchStatus:
        assert self._status is not None
        return self._status
