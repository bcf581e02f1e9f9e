"""ApprovalWorkflow: one policy-driven approval, as a child of a lifecycle or on its own."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.approvals import ApprovalActivities
    from activities.notifications import NotificationActivities, OdooChatterActivities
    from governance import search_attributes as sa
    from governance.approval_case import (
        ApprovalState,
        AuditEvent,
        DecisionInput,
        DecisionResult,
        Notice,
    )
    from governance.approval_messages import (
        ApprovalRequest,
        ApprovalResult,
        ApprovalStatus,
        ChatterPost,
        NotifyRequest,
        PlanRequest,
        ResolveRequest,
    )

DIRECTORY_TIMEOUT = timedelta(seconds=30)
NOTIFY_RETRY = RetryPolicy(
    maximum_attempts=5, initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1)
)
CHATTER_RETRY = RetryPolicy(
    maximum_attempts=8, initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=2)
)
CHATTER_EVENTS = {
    "approve",
    "reject",
    "request_changes",
    "delegate",
    "withdraw",
    "resubmit",
    "escalated",
    "expired",
    "approved",
    "rejected",
    "unroutable",
}


@workflow.defn
class ApprovalWorkflow:
    """Runs the stages of one approval plan until it is approved, rejected, expired,
    withdrawn or unroutable. Decisions arrive as the ``decide`` update (validated before
    they are accepted) or the ``decide_signal`` signal (same checks; a refusal is audited)."""

    def __init__(self) -> None:
        self._state: ApprovalState | None = None
        self._request: ApprovalRequest | None = None
        self._notices: list[Notice] = []
        self._early_signals: list[DecisionInput] = []
        self._wake = False
        self._posted = 0

    @workflow.run
    async def run(self, request: ApprovalRequest) -> ApprovalResult:
        self._request = request
        self._upsert_identity(request)
        plan = request.plan or await workflow.execute_activity_method(
            ApprovalActivities.plan_approval,
            PlanRequest(lifecycle=request.lifecycle, step=request.step, facts=request.facts),
            start_to_close_timeout=DIRECTORY_TIMEOUT,
        )
        resolved = await workflow.execute_activity_method(
            ApprovalActivities.resolve_approvers,
            ResolveRequest(
                plan=plan, facts=request.facts, parties=request.parties, at=workflow.now()
            ),
            start_to_close_timeout=DIRECTORY_TIMEOUT,
        )
        state = ApprovalState(
            case_key=request.case_key,
            title=request.title,
            plan=plan,
            facts=request.facts,
            parties=request.parties,
            known_people=resolved.known_people,
        )
        self._notices += state.start(resolved.stages, workflow.now())
        self._state = state
        for early in self._early_signals:
            self._accept_signal(early)
        while True:
            await self._carry_out_effects()
            if state.outcome.closed:
                break
            deadline = state.next_deadline()
            self._wake = False
            try:
                await workflow.wait_condition(
                    lambda: self._wake,
                    timeout=(deadline - workflow.now()) if deadline else None,
                )
            except TimeoutError:
                self._notices += state.on_clock(workflow.now())
        workflow.logger.info(
            "approval closed", extra={"case": request.case_key, "outcome": state.outcome.value}
        )
        return ApprovalResult(
            case_key=request.case_key,
            outcome=state.outcome,
            policy_version=state.plan.policy_version,
            decided_by=[
                e.actor for e in state.audit if e.kind in ("approve", "reject") and e.actor
            ],
            audit=state.audit,
        )

    # -- decisions -----------------------------------------------------------------

    @workflow.update
    async def decide(self, decision: DecisionInput) -> DecisionResult:
        await workflow.wait_condition(lambda: self._state is not None)
        assert self._state is not None
        reason = self._state.refusal(decision)
        if reason:
            raise ApplicationError(reason, type="DecisionRefused", non_retryable=True)
        result, notices = self._state.apply(decision, workflow.now())
        self._notices += notices
        self._wake = True
        return result

    @decide.validator
    def validate_decide(self, decision: DecisionInput) -> None:
        if self._state is None:
            return  # still planning; the handler checks once the plan is known
        reason = self._state.refusal(decision)
        if reason:
            raise ValueError(reason)

    @workflow.signal
    def decide_signal(self, decision: DecisionInput) -> None:
        """The Temporal UI's way in: same checks as the update; refusals are audited."""
        if self._state is None:
            self._early_signals.append(decision)
            return
        self._accept_signal(decision)

    def _accept_signal(self, decision: DecisionInput) -> None:
        assert self._state is not None
        reason = self._state.refusal(decision)
        if reason:
            self._state.record_refusal(decision, reason, workflow.now())
        else:
            _, notices = self._state.apply(decision, workflow.now())
            self._notices += notices
        self._wake = True

    @workflow.query
    def status(self) -> ApprovalStatus:
        if self._state is None:
            raise ApplicationError("the approval is still being planned")
        stage = self._state.stage
        return ApprovalStatus(
            state=self._state,
            stage=stage.name if stage else None,
            pending_approvers=self._state.pending_approvers(),
            next_deadline=self._state.next_deadline(),
        )

    # -- effects -------------------------------------------------------------------

    async def _carry_out_effects(self) -> None:
        """Notify people, post new audit events to Odoo, refresh search attributes."""
        assert self._state is not None and self._request is not None
        while self._notices:
            notice = self._notices.pop(0)
            # Cases started before stage-closed notices existed replay without them.
            if notice.kind == "stage_closed" and not workflow.patched("stage-closed-notices"):
                continue
            if notice.recipients:
                await self._notify(notice)
        await self._post_new_audit_events()
        self._upsert_progress()

    async def _notify(self, notice: Notice) -> None:
        assert self._state is not None and self._request is not None
        try:
            await workflow.execute_activity_method(
                NotificationActivities.notify,
                NotifyRequest(
                    case_key=self._request.case_key,
                    title=self._request.title,
                    notice=notice,
                    odoo=self._request.odoo,
                ),
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=NOTIFY_RETRY,
            )
        except ActivityError as error:
            self._state.audit.append(
                AuditEvent(
                    at=workflow.now(),
                    kind="notification_failed",
                    stage=notice.stage,
                    detail=f"{notice.kind} to {', '.join(notice.recipients)} "
                    f"not delivered: {error.cause or error}",
                )
            )

    async def _post_new_audit_events(self) -> None:
        assert self._state is not None and self._request is not None
        odoo = self._request.odoo
        events = self._state.audit
        while self._posted < len(events):
            index, event = self._posted, events[self._posted]
            self._posted += 1
            if odoo is None or event.kind not in CHATTER_EVENTS:
                continue
            try:
                await workflow.execute_activity_method(
                    OdooChatterActivities.post_to_chatter,
                    ChatterPost(
                        odoo=odoo,
                        ref=f"{self._request.case_key}/{index}",
                        body=_chatter_body(self._request.title, event),
                    ),
                    start_to_close_timeout=timedelta(seconds=30),
                    retry_policy=CHATTER_RETRY,
                )
            except ActivityError as error:
                events.append(
                    AuditEvent(
                        at=workflow.now(),
                        kind="chatter_failed",
                        stage=event.stage,
                        detail=f"event {index} not posted to Odoo: {error.cause or error}",
                    )
                )

    def _upsert_identity(self, request: ApprovalRequest) -> None:
        updates = [
            sa.LIFECYCLE.value_set(request.lifecycle),
            sa.BUSINESS_UNIT.value_set(request.facts.business_unit),
            sa.AMOUNT_AT_STAKE.value_set(float(request.facts.amount)),
            sa.STATE.value_set("planning"),
        ]
        if request.odoo:
            updates += [
                sa.ODOO_MODEL.value_set(request.odoo.model),
                sa.ODOO_ID.value_set(request.odoo.id),
            ]
        workflow.upsert_search_attributes(updates)

    def _upsert_progress(self) -> None:
        assert self._state is not None
        stage = self._state.stage
        state = self._state.outcome.value
        if stage is not None and state == "pending":
            state = f"awaiting:{stage.name}"
        workflow.upsert_search_attributes(
            [
                sa.STATE.value_set(state),
                sa.PENDING_APPROVERS.value_set(self._state.pending_approvers()),
                sa.SLA_BREACHED.value_set(self._state.sla_breached),
            ]
        )


def _chatter_body(title: str, event: AuditEvent) -> str:
    who = f" by {event.actor}" if event.actor else ""
    acting = f" (acting for {event.acting_for})" if event.acting_for else ""
    stage = f" [{event.stage}]" if event.stage else ""
    detail = f": {event.detail}" if event.detail else ""
    return f"Govern — {title}{stage}: {event.kind.replace('_', ' ')}{who}{acting}{detail}"
