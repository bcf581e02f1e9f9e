"""A real stack for lifecycle tests: dev server, odoo_sim over HTTP, a Govern worker."""

from __future__ import annotations

import asyncio
import itertools
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field

import odoorpc
from pydantic import SecretStr
from temporalio.client import Client, WorkflowHandle

from governance.approval_case import Action, DecisionInput
from governance.launch import LaunchRequest, LaunchStatus
from integrations.odoo import OdooCredentials, OdooGateway
from odoo_sim import OdooSim
from tests.workflows.approval_harness import RecordingNotifier
from workers.registry import ActivityDependencies
from workers.worker import build_worker
from workflows.approval import ApprovalWorkflow
from workflows.project_launch import ProjectLaunchWorkflow, launch_workflow_id


@dataclass
class LaunchStack:
    client: Client
    sim: OdooSim
    odoo: odoorpc.ODOO
    task_queue: str
    notifier: RecordingNotifier
    orders: list[int] = field(default_factory=list)

    def create_order(
        self, partner: int = 14, product: int = 52, qty: float = 40, **extra: object
    ) -> int:
        order = int(
            self.odoo.execute_kw(
                "sale.order",
                "create",
                [
                    {
                        "partner_id": partner,
                        "payment_term_id": 4,
                        "team_id": 1,
                        "order_line": [[0, 0, {"product_id": product, "product_uom_qty": qty}]],
                        **extra,
                    }
                ],
            )
        )
        self.orders.append(order)
        return order

    async def end_cases(self) -> None:
        """Each test's simulator reuses order ids: end this test's launches (and children)."""
        for order in self.orders:
            with suppress(Exception):
                await self.client.get_workflow_handle(launch_workflow_id(order)).terminate(
                    "test over"
                )

    def confirm(self, order_id: int) -> None:
        self.odoo.execute_kw("sale.order", "action_confirm", [[order_id]])

    async def start_launch(
        self, order_id: int
    ) -> WorkflowHandle[ProjectLaunchWorkflow, LaunchStatus]:
        return await self.client.start_workflow(
            ProjectLaunchWorkflow.run,
            LaunchRequest(order_id=order_id, source="test"),
            id=launch_workflow_id(order_id),
            task_queue=self.task_queue,
        )

    async def decide_pending(
        self,
        launch: WorkflowHandle[ProjectLaunchWorkflow, LaunchStatus],
        action: Action = Action.APPROVE,
        only: str | None = None,
    ) -> list[str]:
        """Decide every pending approval of the launch as its pending approvers; returns steps."""
        decided = []
        status = await launch.query(ProjectLaunchWorkflow.status)
        for approval in status.approvals:
            if approval.outcome != "pending" or (only and only not in approval.step):
                continue
            child = self.client.get_workflow_handle(approval.workflow_id)
            try:
                child_status = await child.query(ApprovalWorkflow.status)
            except Exception:
                continue  # still planning
            for person in child_status.pending_approvers:
                await child.execute_update(
                    ApprovalWorkflow.decide,
                    DecisionInput(
                        decision_id=uuid.uuid4().hex, actor=person, action=action, via="test"
                    ),
                )
                decided.append(approval.step)
                break
        return decided

    async def settle(
        self,
        launch: WorkflowHandle[ProjectLaunchWorkflow, LaunchStatus],
        until: set[str],
        action: Action = Action.APPROVE,
        timeout: float = 30,
    ) -> LaunchStatus:
        """Keep deciding until the launch reaches one of ``until`` states."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            status = await launch.query(ProjectLaunchWorkflow.status)
            if status.state.value in until:
                return status
            await self.decide_pending(launch, action)
            await asyncio.sleep(0.2)
        raise TimeoutError(f"launch stuck in {status.state}: {status.history[-3:]}")

    def project(self, project_id: int, fields: list[str]) -> dict[str, object]:
        return self.odoo.execute_kw("project.project", "read", [[project_id]], {"fields": fields})[
            0
        ]

    def chatter(self, model: str, record_id: int) -> list[str]:
        rows = self.odoo.execute_kw(
            "mail.message",
            "search_read",
            [[["model", "=", model], ["res_id", "=", record_id]]],
            {"fields": ["body"]},
        )
        return [r["body"] for r in rows]


# Each stack's simulator starts orders at its own id: the session's Temporal keeps every
# launch id it has seen, and a launch id is never reused (that is the point of it).
_ORDER_IDS = itertools.count(random.randrange(10_000, 10_000_000, 1000), 1000)


@asynccontextmanager
async def launch_stack(client: Client) -> AsyncIterator[LaunchStack]:
    sim = OdooSim(port=0).start()
    sim.store.set_next_id("sale.order", next(_ORDER_IDS))
    gateway = OdooGateway(OdooCredentials(sim.url, "govern", "admin", SecretStr("admin")))
    odoo = odoorpc.ODOO("127.0.0.1", port=sim.port)
    odoo.login("govern", "admin", "admin")
    notifier = RecordingNotifier()
    task_queue = f"launch-{uuid.uuid4().hex[:8]}"
    deps = ActivityDependencies(odoo_url=sim.url, odoo=gateway, notifier=notifier)
    stack = LaunchStack(client, sim, odoo, task_queue, notifier)
    try:
        async with build_worker(client, task_queue, deps):
            try:
                yield stack
            finally:
                await stack.end_cases()
    finally:
        sim.close()
