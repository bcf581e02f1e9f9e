"""Change requests on the real dev server against odoo_sim."""

from __future__ import annotations

import dataclasses
import uuid

from pydantic import SecretStr
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import ActivityEnvironment

from activities.change_request import ChangeRequestActivities
from governance.approval_case import Action, DecisionInput
from governance.change_request import ApplyChange, ChangeRequestInput, ChangeStatus
from integrations.odoo import OdooCredentials, OdooGateway
from tests.integration.launch_stack import LaunchStack, launch_stack
from workflows.approval import ApprovalWorkflow
from workflows.change_request import ChangeRequestWorkflow, change_request_workflow_id


def _project(stack: LaunchStack) -> int:
    order = stack.create_order()  # 40 h at 180 = 7 200 budget
    stack.confirm(order)
    [row] = stack.odoo.execute_kw("sale.order", "read", [[order]], {"fields": ["project_ids"]})
    project = row["project_ids"][0]
    stack.odoo.execute_kw("project.project", "write", [[project], {"allocated_hours": 40.0}])
    return int(project)


async def _start(
    stack: LaunchStack, project: int, **change: object
) -> WorkflowHandle[ChangeRequestWorkflow, ChangeStatus]:
    request = ChangeRequestInput(
        project_id=project,
        request_key=f"t-{uuid.uuid4().hex[:6]}",
        description="extra reporting module",
        requested_by="p-marc",
        **change,
    )  # type: ignore[arg-type]
    return await stack.client.start_workflow(
        ChangeRequestWorkflow.run,
        request,
        id=change_request_workflow_id(project, request.request_key),
        task_queue=stack.task_queue,
    )


async def _decide(
    client: Client, approval_id: str, action: Action = Action.APPROVE, actor: str | None = None
) -> str:
    handle = client.get_workflow_handle(approval_id)
    for _ in range(100):
        try:
            status = await handle.query(ApprovalWorkflow.status)
            if status.pending_approvers or status.state.outcome.closed:
                break
        except Exception:
            pass
        import asyncio

        await asyncio.sleep(0.1)
    person = actor or status.pending_approvers[0]
    await handle.execute_update(
        ApprovalWorkflow.decide,
        DecisionInput(
            decision_id=uuid.uuid4().hex, actor=person, action=action, stage=status.stage
        ),
    )
    return f"{status.stage}:{person}"


def _amendments(stack: LaunchStack, project: int) -> list[dict[str, object]]:
    [row] = stack.odoo.execute_kw(
        "project.project", "read", [[project]], {"fields": ["sale_order_id"]}
    )
    return stack.odoo.execute_kw(
        "sale.order.line",
        "search_read",
        [[["order_id", "=", row["sale_order_id"][0]], ["name", "ilike", "Change request"]]],
        {"fields": ["price_unit", "name"]},
    )


async def test_small_change_is_approved_by_policy_and_applied(dev_client: Client) -> None:
    async with launch_stack(dev_client) as stack:
        project = _project(stack)
        status = await (
            await _start(stack, project, amount_delta=180.0, cost_delta=110.0, hours_delta=1.0)
        ).result()
        assert status.state.value == "applied"
        assert status.impact is not None and status.impact.budget_impact_pct == 2.5
        [line] = _amendments(stack, project)
        assert line["price_unit"] == 180.0
        hours = stack.project(project, ["allocated_hours"])["allocated_hours"]
        assert hours == 41.0
        assert any(
            "change request approved and applied" in b
            for b in stack.chatter("project.project", project)
        )


async def test_large_change_goes_through_delivery_finance_and_the_customer(
    dev_client: Client,
) -> None:
    async with launch_stack(dev_client) as stack:
        project = _project(stack)
        handle = await _start(
            stack,
            project,
            amount_delta=2000.0,
            cost_delta=1500.0,
            hours_delta=12.0,
            customer_approval_required=True,
        )
        approval = (
            change_request_workflow_id(
                project, (await handle.query(ChangeRequestWorkflow.status)).request.request_key
            )
            + "/approval"
        )
        decided = [await _decide(dev_client, approval) for _ in range(3)]
        status = await handle.result()
    assert decided == ["delivery_lead:p-dario", "finance:p-ines", "customer:p-customer-gemini"]
    assert status.state.value == "applied"
    assert status.applied is not None and status.applied.allocated_hours == 52.0


async def test_rejection_tells_the_requester_and_changes_nothing(dev_client: Client) -> None:
    async with launch_stack(dev_client) as stack:
        project = _project(stack)
        handle = await _start(stack, project, amount_delta=1000.0, hours_delta=6.0)
        approval = handle.id + "/approval"
        await _decide(dev_client, approval, Action.REJECT)
        status = await handle.result()
        assert status.state.value == "rejected"
        assert _amendments(stack, project) == []
        assert stack.project(project, ["allocated_hours"])["allocated_hours"] == 40.0
        assert ("p-marc", "change_request_closed", handle.id) in stack.notifier.sent
        notes = stack.chatter("project.project", project)
        assert any("change request rejected (p-dario)" in b for b in notes), notes


async def test_withdrawn_request_leaves_odoo_untouched(dev_client: Client) -> None:
    async with launch_stack(dev_client) as stack:
        project = _project(stack)
        before = stack.chatter("project.project", project)
        handle = await _start(stack, project, amount_delta=1000.0, hours_delta=6.0)
        await _decide(dev_client, handle.id + "/approval", Action.WITHDRAW, actor="p-marc")
        status = await handle.result()
        assert status.state.value == "withdrawn"
        assert _amendments(stack, project) == []
        assert stack.chatter("project.project", project) == before


async def test_a_retried_apply_never_writes_twice(dev_client: Client) -> None:
    async with launch_stack(dev_client) as stack:
        project = _project(stack)
        gateway = OdooGateway(OdooCredentials(stack.sim.url, "govern", "admin", SecretStr("admin")))
        activities = ChangeRequestActivities(gateway)
        request = ChangeRequestInput(
            project_id=project,
            request_key="crash",
            description="crash test",
            amount_delta=500.0,
            hours_delta=3.0,
            requested_by="p-marc",
        )
        impact = ActivityEnvironment().run(activities.assess_change, request)
        change = ApplyChange(impact=impact, description="crash test", ref="change-request:crash")
        first = ActivityEnvironment().run(activities.apply_change, change)
        retry_env = ActivityEnvironment()
        retry_env.info = dataclasses.replace(retry_env.info, attempt=2)  # the retry after a crash
        second = retry_env.run(activities.apply_change, change)
        assert first == second
        assert len(_amendments(stack, project)) == 1
        assert stack.project(project, ["allocated_hours"])["allocated_hours"] == 43.0
        applied = [
            b for b in stack.chatter("project.project", project) if "approved and applied" in b
        ]
        assert len(applied) == 1
