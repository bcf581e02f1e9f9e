"""Project launch on the real dev server, against odoo_sim through odoorpc."""

from __future__ import annotations

from temporalio.client import Client

from governance.approval_case import Action
from tests.integration.launch_stack import launch_stack


async def test_clean_order_launches_an_active_project_with_summary(dev_client: Client) -> None:
    async with launch_stack(dev_client) as stack:
        order = stack.create_order()
        stack.confirm(order)
        launch = await stack.start_launch(order)
        status = await stack.settle(launch, {"active", "on_hold"})
        assert status.state.value == "active", status.history
        assert all(c.passed for c in status.controls), status.controls
        steps = {a.step: a.outcome for a in status.approvals}
        assert steps == {
            "delivery_review": "approved",
            "finance_confirmation": "approved",
            "staffing": "approved",
            "kickoff": "approved",
        }
        project = stack.project(status.project_id, ["last_update_status", "sale_order_id"])  # type: ignore[arg-type]
        assert project["last_update_status"] == "on_track"
        assert project["sale_order_id"][0] == order  # type: ignore[index]
        summary = [b for b in stack.chatter("sale.order", order) if "Project launched: active" in b]
        assert len(summary) == 1
        assert "staffing_assumptions: ok" in summary[0]
        # The staffing To-Do was raised for the resource manager and closed on approval.
        notes = stack.chatter("project.project", status.project_id)  # type: ignore[arg-type]
        assert any("Staffing request" in b and "done" in b for b in notes)


async def test_failed_control_needs_a_waiver_and_rejection_holds_the_project(
    dev_client: Client,
) -> None:
    async with launch_stack(dev_client) as stack:
        order = stack.create_order(payment_term_id=False)
        stack.confirm(order)
        launch = await stack.start_launch(order)
        status = await stack.settle(launch, {"on_hold", "active"}, action=Action.REJECT)
        assert status.state.value == "on_hold"
        failed = [c.name.value for c in status.controls if not c.passed]
        assert failed == ["payment_terms"]
        assert any(a.step == "control_waiver/payment_terms" for a in status.approvals)
        project = stack.project(status.project_id, ["last_update_status"])  # type: ignore[arg-type]
        assert project["last_update_status"] == "on_hold"
        told = [n for n in stack.notifier.sent if n[1] == "launch_on_hold"]
        assert told and told[0][0] == "p-mitchell"  # the salesperson (admin's person)


async def test_reconciliation_launches_confirmed_orders_without_a_case(dev_client: Client) -> None:
    from workflows.reconcile import ReconcileLaunchesWorkflow, ReconcileReport, ReconcileRequest

    async with launch_stack(dev_client) as stack:
        order = stack.create_order()
        stack.confirm(order)  # no webhook: as if Odoo's had been lost
        first: ReconcileReport = await dev_client.execute_workflow(
            ReconcileLaunchesWorkflow.run,
            ReconcileRequest(window_days=1),
            id=f"reconcile-test-{order}",
            task_queue=stack.task_queue,
        )
        again: ReconcileReport = await dev_client.execute_workflow(
            ReconcileLaunchesWorkflow.run,
            ReconcileRequest(window_days=1),
            id=f"reconcile-test-{order}-2",
            task_queue=stack.task_queue,
        )
        assert first.launches_started == [order]
        assert again.launches_started == [] and again.orders_seen == first.orders_seen
        # The seeded orders are older than the window: nothing old is swept up.
        assert first.orders_seen == 1
