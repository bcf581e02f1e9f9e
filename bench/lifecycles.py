"""Change requests and billing readiness: governed vs a bare Temporal workflow of the same
activities, side by side in one run; Odoo calls per case counted at the simulator.

    python -m bench.lifecycles [--cases 20]
"""

from __future__ import annotations

import argparse
import asyncio
import time
import uuid
from collections.abc import Callable
from typing import Any

from temporalio.client import Client

from bench.bare_workflows import BareBillingWorkflow, BareChangeWorkflow
from bench.harness import bench_stack, confirmed_order, default_deps, odoo_admin, worker
from governance.billing import BillingRequest, timesheet_approval_key
from governance.change_request import ChangeRequestInput
from workers.registry import WORKFLOWS, build_activities
from workflows.billing_readiness import BillingReadinessWorkflow
from workflows.change_request import ChangeRequestWorkflow

PERIOD = "2026-12"


def projects_with_approved_time(port: int, count: int) -> list[tuple[int, int]]:
    """Confirmed orders whose project has approved, billable time in PERIOD."""
    odoo = odoo_admin(port)
    made = []
    for _ in range(count):
        order = confirmed_order(odoo, partner=12)
        [row] = odoo.execute_kw(
            "sale.order", "read", [[order]], {"fields": ["project_ids", "tasks_ids"]}
        )
        project = row["project_ids"][0]
        odoo.execute_kw("project.project", "write", [[project], {"allocated_hours": 40.0}])
        odoo.execute_kw(
            "account.analytic.line",
            "create",
            [
                {
                    "project_id": project,
                    "task_id": row["tasks_ids"][0],
                    "employee_id": 1,
                    "unit_amount": 8.0,
                    "date": f"{PERIOD}-02",
                    "name": "work",
                }
            ],
        )
        key = timesheet_approval_key(project, PERIOD)
        odoo.execute_kw(
            "project.project",
            "message_post",
            [[project]],
            {
                "body": f"approved: every stage approved\n[govern:{key}/9]",
                "message_type": "comment",
            },
        )
        made.append((order, project))
    return made


async def run_all(
    client: Client, queue: str, starts: list[tuple[Callable[..., Any], Any, str]], sim: Any
) -> tuple[float, int]:
    sim.reset_stats()
    started = time.perf_counter()
    handles = [
        await client.start_workflow(run, arg, id=case, task_queue=queue)
        for run, arg, case in starts
    ]
    await asyncio.gather(*(h.result() for h in handles))
    return time.perf_counter() - started, sim.stats()["total"]


def row(name: str, cases: int, seconds: float, calls: int) -> str:
    return f"{name:<32} {cases:>6} {seconds:>8.2f} {cases / seconds:>9.1f} {calls / cases:>10.1f}"


async def main(cases: int) -> None:
    async with bench_stack() as stack:
        deps = default_deps(stack)
        queue = f"bench-{uuid.uuid4().hex[:6]}"
        async with worker(
            stack.client,
            queue,
            [*WORKFLOWS, BareChangeWorkflow, BareBillingWorkflow],
            build_activities(deps),
        ):
            made = await asyncio.to_thread(projects_with_approved_time, stack.sim.port, 2 * cases)
            bare_set, governed_set = made[:cases], made[cases:]

            def change(project: int) -> ChangeRequestInput:
                # 2 % of the budget: policy approves it without a person.
                return ChangeRequestInput(
                    project_id=project,
                    request_key="bench",
                    description="small change",
                    hours_delta=1,
                    amount_delta=144,
                    cost_delta=110,
                    requested_by="p-marc",
                )

            results = {}
            results["bare change request"] = await run_all(
                stack.client,
                queue,
                [(BareChangeWorkflow.run, change(p), f"bare-cr:{p}") for _, p in bare_set],
                stack.sim,
            )
            results["governed change request"] = await run_all(
                stack.client,
                queue,
                [(ChangeRequestWorkflow.run, change(p), f"cr:{p}") for _, p in governed_set],
                stack.sim,
            )
            results["bare billing readiness"] = await run_all(
                stack.client,
                queue,
                [
                    (
                        BareBillingWorkflow.run,
                        BillingRequest(order_id=o, period=PERIOD),
                        f"bare-bill:{o}",
                    )
                    for o, _ in bare_set
                ],
                stack.sim,
            )
            results["governed billing readiness"] = await run_all(
                stack.client,
                queue,
                [
                    (
                        BillingReadinessWorkflow.run,
                        BillingRequest(order_id=o, period=PERIOD),
                        f"bill:{o}",
                    )
                    for o, _ in governed_set
                ],
                stack.sim,
            )
    print(
        f"\nChange requests (auto-approved by policy) and billing periods (clean): {cases} each\n"
    )
    print(f"{'run':<32} {'cases':>6} {'seconds':>8} {'cases/s':>9} {'odoo/case':>10}")
    for name, (seconds, calls) in results.items():
        print(row(name, cases, seconds, calls))
    for kind in ("change request", "billing readiness"):
        bare, governed = results[f"bare {kind}"][0], results[f"governed {kind}"][0]
        print(f"{kind}: governed / bare throughput {bare / governed:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=20)
    asyncio.run(main(parser.parse_args().cases))
