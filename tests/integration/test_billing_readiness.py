"""Billing readiness against odoo_sim: checks, exceptions, waivers, holds, one invoice."""

from __future__ import annotations

import asyncio
import uuid

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDReusePolicy
from temporalio.testing import WorkflowEnvironment

from governance.approval_case import Action, DecisionInput
from governance.approval_messages import ApprovalRequest, OdooRef
from governance.billing import BillingRequest, BillingStatus, timesheet_approval_key
from governance.facts import CaseFacts, Parties
from tests.integration.launch_stack import LaunchStack, launch_stack
from workflows.approval import ApprovalWorkflow
from workflows.billing_readiness import BillingReadinessWorkflow, billing_workflow_id

PERIOD = "2026-12"


def _order_with_time(stack: LaunchStack, hours: float = 10.0) -> tuple[int, int]:
    order = stack.create_order(client_order_ref="PO-7781")
    stack.confirm(order)
    [row] = stack.odoo.execute_kw(
        "sale.order", "read", [[order]], {"fields": ["project_ids", "tasks_ids"]}
    )
    project, task = row["project_ids"][0], row["tasks_ids"][0]
    if hours:
        stack.odoo.execute_kw(
            "account.analytic.line",
            "create",
            [
                {
                    "project_id": project,
                    "task_id": task,
                    "employee_id": 1,
                    "unit_amount": hours,
                    "date": f"{PERIOD}-02",
                    "name": "design work",
                }
            ],
        )
    return order, project


async def _decide_all(client: Client, case_id: str, action: Action = Action.APPROVE) -> None:
    handle = client.get_workflow_handle(case_id)
    for _ in range(100):
        try:
            status = await handle.query(ApprovalWorkflow.status)
        except Exception:
            await asyncio.sleep(0.1)
            continue
        if not status.pending_approvers:
            if status.state.outcome.closed:
                return
            await asyncio.sleep(0.1)
            continue
        await handle.execute_update(
            ApprovalWorkflow.decide,
            DecisionInput(
                decision_id=uuid.uuid4().hex, actor=status.pending_approvers[0], action=action
            ),
        )
        if action != Action.APPROVE:
            return


async def _approve_time(stack: LaunchStack, project: int) -> None:
    key = timesheet_approval_key(project, PERIOD)
    handle = await stack.client.start_workflow(
        ApprovalWorkflow.run,
        ApprovalRequest(
            case_key=key,
            lifecycle="timesheets",
            step="period_approval",
            title=f"Time of project {project} in {PERIOD}",
            facts=CaseFacts(),
            parties=Parties(requester="govern"),
            odoo=OdooRef(model="project.project", id=project),
        ),
        id=key,
        task_queue=stack.task_queue,
    )
    await _decide_all(stack.client, key)
    await handle.result()


async def _start(
    stack: LaunchStack, order: int, reuse: bool = False
) -> WorkflowHandle[BillingReadinessWorkflow, BillingStatus]:
    return await stack.client.start_workflow(
        BillingReadinessWorkflow.run,
        BillingRequest(order_id=order, period=PERIOD),
        id=billing_workflow_id(order, PERIOD),
        task_queue=stack.task_queue,
        id_reuse_policy=WorkflowIDReusePolicy.ALLOW_DUPLICATE
        if reuse
        else WorkflowIDReusePolicy.ALLOW_DUPLICATE_FAILED_ONLY,
    )


def _invoices(stack: LaunchStack, order: int) -> list[dict[str, object]]:
    [row] = stack.odoo.execute_kw("sale.order", "read", [[order]], {"fields": ["name"]})
    return stack.odoo.execute_kw(
        "account.move",
        "search_read",
        [[["invoice_origin", "=", row["name"]]]],
        {"fields": ["ref", "amount_untaxed", "state"]},
    )


async def test_clean_period_is_invoiced_once_and_a_second_run_adds_nothing(
    dev_client: Client,
) -> None:
    async with launch_stack(dev_client) as stack:
        order, project = _order_with_time(stack)
        await _approve_time(stack, project)
        first = await (await _start(stack, order)).result()
        assert first.state.value == "invoiced", first.history
        assert all(c.passed for c in first.assessment.checks), first.assessment.checks  # type: ignore[union-attr]
        assert first.invoice is not None and first.invoice.amount_untaxed == 1800.0
        second = await (await _start(stack, order, reuse=True)).result()
        assert second.state.value == "invoiced" and second.invoice.move_id == first.invoice.move_id  # type: ignore[union-attr]
        [invoice] = _invoices(stack, order)
        assert invoice["state"] == "draft" and "[govern:billing-readiness:sale.order:" in str(
            invoice["ref"]
        )
        assert ("p-ines", "invoice_ready") in [(r, k) for r, k, _ in stack.notifier.sent]


async def test_missing_time_approval_is_an_exception_finance_waives(dev_client: Client) -> None:
    async with launch_stack(dev_client) as stack:
        order, _ = _order_with_time(stack)
        handle = await _start(stack, order)
        await _decide_all(dev_client, f"{handle.id}/r0/time_approved")
        status = await handle.result()
        assert status.state.value == "invoiced"
        assert [w.value for w in status.waived] == ["time_approved"]
        failed = [c for c in status.assessment.checks if not c.passed]  # type: ignore[union-attr]
        assert [c.name.value for c in failed] == ["time_approved"]
        assert "10 h logged in 2026-12; not approved" in failed[0].evidence
        assert len(_invoices(stack, order)) == 1


async def test_nothing_to_invoice_is_an_outcome(dev_client: Client) -> None:
    async with launch_stack(dev_client) as stack:
        order, _ = _order_with_time(stack, hours=0)
        status = await (await _start(stack, order)).result()
        assert status.state.value == "nothing_to_invoice"
        assert _invoices(stack, order) == []


async def test_a_hold_is_rechecked_and_invoiced_once_fixed(
    time_skipping_env: WorkflowEnvironment,
) -> None:
    async with launch_stack(time_skipping_env.client) as stack:
        order, project = _order_with_time(stack)
        handle = await _start(stack, order)
        await _decide_all(stack.client, f"{handle.id}/r0/time_approved", Action.REJECT)
        for _ in range(100):
            if (await handle.query(BillingReadinessWorkflow.status)).state.value == "on_hold":
                break
            await asyncio.sleep(0.1)
        await _approve_time(stack, project)  # the delivery lead approves the time meanwhile
        status = await handle.result()  # the test server skips the week of the hold
        assert status.state.value == "invoiced", status.history
        assert status.rounds == 1 and status.waived == []
        assert any("held by finance" in h for h in status.history)
        assert len(_invoices(stack, order)) == 1


async def test_billing_cycle_opens_one_case_per_order_with_something_to_invoice(
    dev_client: Client,
) -> None:
    from workflows.billing_cycle import (
        BillingCycleReport,
        BillingCycleRequest,
        BillingCycleWorkflow,
    )

    async with launch_stack(dev_client) as stack:
        order, _ = _order_with_time(stack)
        report: BillingCycleReport = await dev_client.execute_workflow(
            BillingCycleWorkflow.run,
            BillingCycleRequest(period=PERIOD),
            id=f"cycle-{order}",
            task_queue=stack.task_queue,
        )
        again: BillingCycleReport = await dev_client.execute_workflow(
            BillingCycleWorkflow.run,
            BillingCycleRequest(period=PERIOD),
            id=f"cycle-{order}-2",
            task_queue=stack.task_queue,
        )
        assert order in report.started and order not in again.started
        # Seeded orders with something to invoice get their case too (the sweep is firm-wide).
        assert len(report.started) > 1


async def test_schedules_are_created_and_updated(dev_client: Client) -> None:
    from starters.schedules import ensure_billing_cycle_schedule, ensure_reconcile_schedule

    assert await ensure_reconcile_schedule(dev_client, "q-sched") in ("created", "updated")
    assert await ensure_reconcile_schedule(dev_client, "q-sched") == "updated"
    assert await ensure_billing_cycle_schedule(dev_client, "q-sched") in ("created", "updated")
    described = await dev_client.get_schedule_handle("govern-billing-cycle").describe()
    # The server stores the cron expression as a calendar: 06:00 on the 1st.
    [calendar] = described.schedule.spec.calendars
    assert [r.start for r in calendar.hour] == [6]
    assert [r.start for r in calendar.day_of_month] == [1]
