"""BillingReadinessWorkflow: a project's period, checked, its exceptions waived or held by
finance, then invoiced once through Odoo's wizard."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.approvals import ApprovalActivities, RoleQuery
    from activities.billing import BillingActivities
    from governance import search_attributes as sa
    from governance.approval_case import Notice, Outcome
    from governance.approval_messages import ApprovalRequest, ApprovalResult, OdooRef
    from governance.billing import (
        BillingAssessment,
        BillingCheck,
        BillingRequest,
        BillingState,
        BillingStatus,
        InvoiceRequest,
    )
    from governance.facts import CaseFacts, Parties
    from governance.policy import BillingRules
    from workflows.approval import ApprovalWorkflow
    from workflows.journal import set_state, tell

LIFECYCLE = "billing"
ODOO_CALL = {
    "start_to_close_timeout": timedelta(seconds=60),
    "retry_policy": RetryPolicy(maximum_interval=timedelta(minutes=2)),
}
MAX_ROUNDS = 12


def _title(assessment: BillingAssessment, request: BillingRequest, check: BillingCheck) -> str:
    return f"{assessment.order_name} {request.period}: {check.name.value} — {check.evidence}"[:300]


def billing_workflow_id(order_id: int, period: str) -> str:
    return f"billing-readiness:sale.order:{order_id}:{period}"


@workflow.defn
class BillingReadinessWorkflow:
    def __init__(self) -> None:
        self._status: BillingStatus | None = None

    @workflow.run
    async def run(self, request: BillingRequest) -> BillingStatus:
        status = self._status = BillingStatus(request=request)
        case_id = workflow.info().workflow_id
        workflow.upsert_search_attributes(
            [
                sa.LIFECYCLE.value_set(LIFECYCLE),
                sa.ODOO_MODEL.value_set("sale.order"),
                sa.ODOO_ID.value_set(request.order_id),
                sa.STATE.value_set(BillingState.CHECKING.value),
            ]
        )
        rules: BillingRules = await workflow.execute_activity_method(
            ApprovalActivities.read_billing_rules, **ODOO_CALL
        )
        while status.rounds < MAX_ROUNDS:
            assessment: BillingAssessment = await workflow.execute_activity_method(
                BillingActivities.assess_billing, args=[request, rules], **ODOO_CALL
            )
            status.assessment = assessment
            workflow.upsert_search_attributes(
                [
                    sa.AMOUNT_AT_STAKE.value_set(assessment.billable_amount),
                    sa.BUSINESS_UNIT.value_set(assessment.business_unit),
                ]
            )
            if assessment.existing_invoice_id is None and assessment.billable_amount <= 0:
                set_state(
                    status, BillingState.NOTHING_TO_INVOICE, "nothing to invoice for the period"
                )
                return status
            failed = [c for c in assessment.checks if not c.passed and c.name not in status.waived]
            if assessment.existing_invoice_id is None and failed:
                set_state(
                    status,
                    BillingState.AWAITING_FINANCE,
                    "exceptions: " + "; ".join(f"{c.name.value} ({c.evidence})" for c in failed),
                )
                outcomes = await asyncio.gather(*(self._exception(c, assessment) for c in failed))
                if not all(outcomes):
                    status.rounds += 1
                    set_state(
                        status,
                        BillingState.ON_HOLD,
                        f"held by finance; re-checked in {rules.hold_review_days:g} days",
                    )
                    await workflow.sleep(timedelta(days=rules.hold_review_days))
                    continue
            invoice = await workflow.execute_activity_method(
                BillingActivities.create_draft_invoice,
                InvoiceRequest(
                    order_id=request.order_id, order_name=assessment.order_name, ref=case_id
                ),
                **ODOO_CALL,
            )
            status.invoice = invoice
            if invoice.nothing_to_invoice:
                set_state(
                    status, BillingState.NOTHING_TO_INVOICE, "Odoo had nothing left to invoice"
                )
                return status
            set_state(
                status,
                BillingState.INVOICED,
                f"draft invoice {invoice.move_id}: {invoice.amount_untaxed:,.2f} for "
                f"{', '.join(invoice.lines)}",
            )
            await self._tell_finance(
                assessment,
                f"{assessment.order_name} {request.period}: draft "
                f"invoice {invoice.move_id} for {invoice.amount_untaxed:,.2f}",
            )
            return status
        set_state(
            status, BillingState.ON_HOLD, f"still held after {MAX_ROUNDS} reviews; closing the case"
        )
        return status

    async def _exception(self, check: BillingCheck, assessment: BillingAssessment) -> bool:
        """Finance waives (approve) or holds (reject) one failed check."""
        assert self._status is not None
        request = self._status.request
        child_id = f"{workflow.info().workflow_id}/r{self._status.rounds}/{check.name.value}"
        result: ApprovalResult = await workflow.execute_child_workflow(
            ApprovalWorkflow.run,
            ApprovalRequest(
                case_key=child_id,
                lifecycle=LIFECYCLE,
                step="exception_waiver",
                title=_title(assessment, request, check),
                facts=CaseFacts(
                    amount=assessment.billable_amount,
                    business_unit=assessment.business_unit,
                    extra={"check": check.name.value},
                ),
                parties=Parties(requester=request.requested_by),
                odoo=OdooRef(model="sale.order", id=request.order_id),
            ),
            id=child_id,
        )
        if result.outcome == Outcome.APPROVED:
            self._status.waived.append(check.name)
            return True
        return False

    async def _tell_finance(self, assessment: BillingAssessment, detail: str) -> None:
        assert self._status is not None
        people = await workflow.execute_activity_method(
            ApprovalActivities.people_for_role,
            RoleQuery(
                role="finance_controller",
                facts=CaseFacts(business_unit=assessment.business_unit, region=assessment.region),
            ),
            **ODOO_CALL,
        )
        await tell(
            self._status,
            "Draft invoice ready",
            Notice(kind="invoice_ready", recipients=people, detail=detail),
        )

    @workflow.query
    def status(self) -> BillingStatus:
        assert self._status is not None
        return self._status
