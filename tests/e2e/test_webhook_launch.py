"""End to end: Odoo's webhook → a governed launch → approvals by people in the CLI →
an active project with its summary in Odoo."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import odoorpc
import pytest
from temporalio.client import Client, WorkflowExecutionStatus

from governance.launch import LaunchStatus
from runtime.temporal_servers import DevServer, free_port
from starters.lazy_client import LazyClient
from tests.e2e.service_stack import service_stack, wait_for
from workflows.project_launch import ProjectLaunchWorkflow, launch_workflow_id

pytestmark = pytest.mark.slow


def _launch_status(client: Client, order: int):  # type: ignore[no-untyped-def]
    async def read():  # type: ignore[no-untyped-def]
        try:
            return await client.get_workflow_handle(launch_workflow_id(order)).query(
                ProjectLaunchWorkflow.status
            )
        except Exception:
            return None

    return read


async def test_webhook_to_active_project_with_approvals_from_the_cli(
    dev_client: Client, tmp_path: Path
) -> None:
    async with service_stack(dev_client, tmp_path) as svc:
        stack = svc.launch
        order = stack.create_order()
        await asyncio.to_thread(stack.confirm, order)  # Odoo posts its webhook to Govern
        status = await wait_for(_launch_status(dev_client, order))
        assert "odoo-webhook" in status.history[0]

        async def decide_as(person: str) -> bool:
            listed = await svc.govern("approvals", "pending", "--as", person, "-o", "json")
            assert listed.returncode == 0, listed.stderr
            cases = [row["case"] for row in json.loads(listed.stdout or "[]")]
            for case in cases:
                if not case.startswith(launch_workflow_id(order)):
                    continue
                approved = await svc.govern(
                    "approvals", "approve", case, "--as", person, "-m", "ok"
                )
                assert approved.returncode == 0, approved.stderr
            return bool(cases)

        async def progressed() -> bool:
            for person in ("p-dario", "p-rosa"):
                await decide_as(person)
            current = await _launch_status(dev_client, order)()
            return current is not None and current.state.value == "active"

        await wait_for(progressed, timeout=60, every=0.5)
        # A person who is not the approver is refused, clearly.
        refusal = await svc.govern(
            "approvals", "approve", f"{launch_workflow_id(order)}/r0/kickoff", "--as", "p-marc"
        )
        assert refusal.returncode == 1
        assert "No open approval" in refusal.stderr or "Refused" in refusal.stderr
        shown = await svc.govern("case", "show", launch_workflow_id(order))
        assert (
            shown.returncode == 0 and "active" in shown.stdout and "payment_terms" in shown.stdout
        )
        status = await _launch_status(dev_client, order)()
        project = stack.project(status.project_id, ["last_update_status"])
        assert project["last_update_status"] == "on_track"
        assert any("Project launched: active" in b for b in stack.chatter("sale.order", order))


async def test_duplicate_webhooks_make_one_case(dev_client: Client, tmp_path: Path) -> None:
    async with service_stack(dev_client, tmp_path) as svc:
        order = svc.launch.create_order()
        body = {
            "_action": "Send Webhook Notification(#452)",
            "_id": order,
            "_model": "sale.order",
            "amount_total": 8280.0,
            "id": order,
            "name": f"S{order:05d}",
            "partner_id": 14,
            "state": "sale",
            "user_id": 2,
        }
        async with await svc.http() as http:
            first = (await http.post(f"/odoo/webhook/{svc.token}", json=body)).json()
            second = (await http.post(f"/odoo/webhook/{svc.token}", json=body)).json()
            draft = (
                await http.post(f"/odoo/webhook/{svc.token}", json={**body, "state": "draft"})
            ).json()
        assert (first["status"], first["outcome"]) == ("accepted", "queued")
        assert second["status"] == "duplicate" and second["event_id"] == first["event_id"]
        assert draft["status"] == "accepted"  # a different event: a running launch hears of it
        status = await wait_for(_launch_status(dev_client, order))
        await wait_for(lambda: _nothing_pending(svc))
        assert status.history[0].endswith("started from odoo-webhook")
        # One run only: its history holds exactly one start.
        history = await dev_client.get_workflow_handle(launch_workflow_id(order)).fetch_history()
        starts = [
            e for e in history.events if e.HasField("workflow_execution_started_event_attributes")
        ]
        assert len(starts) == 1


async def _nothing_pending(svc) -> bool:  # type: ignore[no-untyped-def]
    return svc.outbox.pending_count() == 0


async def test_webhook_before_commit_waits_then_proceeds(
    dev_client: Client, tmp_path: Path
) -> None:
    async with service_stack(dev_client, tmp_path) as svc:
        stack = svc.launch
        stack.sim.faults.update({"webhook_commit_delay_ms": 1500})
        order = stack.create_order()
        await asyncio.to_thread(stack.confirm, order)
        status = await wait_for(_launch_status(dev_client, order))

        async def past_commit():  # type: ignore[no-untyped-def]
            current = await _launch_status(dev_client, order)()
            return current if current and current.state.value == "awaiting_approvals" else None

        status = await wait_for(past_commit)
        assert any("reads as draft; waiting for the commit" in h for h in status.history)


async def test_never_committed_order_closes_without_side_effects(
    dev_client: Client, tmp_path: Path
) -> None:
    async with service_stack(dev_client, tmp_path, commit_wait=[0.3, 0.6]) as svc:
        stack = svc.launch
        stack.sim.faults.update({"abort_after_webhook": 1})
        order = stack.create_order()
        with pytest.raises(odoorpc.error.RPCError, match="nothing was committed"):
            await asyncio.to_thread(stack.confirm, order)
        await wait_for(_launch_status(dev_client, order))  # delivered in the background
        result = await dev_client.get_workflow_handle(
            launch_workflow_id(order), result_type=LaunchStatus
        ).result()
        assert result.state.value == "not_confirmed"
        [row] = stack.odoo.execute_kw(
            "sale.order", "read", [[order]], {"fields": ["state", "project_ids"]}
        )
        assert row["state"] == "draft" and row["project_ids"] == []
        assert not any("govern" in b for b in stack.chatter("sale.order", order))
        assert not stack.odoo.execute_kw(
            "mail.activity", "search", [[["summary", "ilike", "Staffing"]]]
        )


async def test_temporal_down_at_webhook_time_then_started_when_back(
    dev_client: Client, tmp_path: Path
) -> None:
    from temporalio.contrib.pydantic import pydantic_data_converter

    port = free_port()
    server = DevServer(port=port, ui_port=None)

    async def connect() -> Client:
        return await Client.connect(server.address, data_converter=pydantic_data_converter)

    lazy = LazyClient(connect)
    # The worker runs on the session's server; the intake under test talks to one that is down.
    async with service_stack(dev_client, tmp_path, connect=lazy) as svc:
        order = svc.launch.create_order()
        await asyncio.to_thread(svc.launch.confirm, order)  # Temporal is down: kept, not lost
        assert svc.outbox.pending_count() == 1
        server.start()
        try:
            await server.wait_ready()
            client = await connect()

            async def started():  # type: ignore[no-untyped-def]
                try:
                    return await client.get_workflow_handle(launch_workflow_id(order)).describe()
                except Exception:
                    return None

            described = await wait_for(started, timeout=60)
            assert described.status == WorkflowExecutionStatus.RUNNING
            assert svc.outbox.pending_count() == 0
        finally:
            server.stop()


async def test_a_cr_task_in_odoo_starts_a_priced_change_request(
    dev_client: Client, tmp_path: Path
) -> None:
    from workflows.change_request import ChangeRequestWorkflow, change_request_workflow_id

    async with service_stack(dev_client, tmp_path) as svc:
        stack = svc.launch
        stack.sim.add_webhook(
            "project.task", svc.webhook_url, ["name", "project_id", "allocated_hours"]
        )
        order = stack.create_order()
        await asyncio.to_thread(stack.confirm, order)
        [row] = stack.odoo.execute_kw("sale.order", "read", [[order]], {"fields": ["project_ids"]})
        project = row["project_ids"][0]

        def create_tasks() -> int:
            stack.odoo.execute_kw(
                "project.task", "create", [{"name": "Design review", "project_id": project}]
            )
            return int(
                stack.odoo.execute_kw(
                    "project.task",
                    "create",
                    [
                        {
                            "name": "CR: add a reporting module",
                            "project_id": project,
                            "allocated_hours": 4.0,
                        }
                    ],
                )
            )

        task = await asyncio.to_thread(create_tasks)
        case = change_request_workflow_id(project, f"task-{task}")

        async def assessed():  # type: ignore[no-untyped-def]
            try:
                status = await dev_client.get_workflow_handle(case).query(
                    ChangeRequestWorkflow.status
                )
            except Exception:
                return None
            return status if status.impact else None

        status = await wait_for(assessed)
        assert status.request.description == "add a reporting module"
        assert (status.impact.hours_delta, status.impact.amount_delta) == (4.0, 720.0)  # 4 h × 180
        assert status.impact.cost_delta == 440.0
