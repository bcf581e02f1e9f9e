"""Project launches end to end vs a bare Temporal workflow of the same shape; Odoo calls
per launch; webhook answer times under a burst. One run, side by side.

    python -m bench.launch [--launches 30] [--burst 500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from temporalio.client import Client

from bench.bare_workflows import BareApprovalWorkflow, BareLaunchWorkflow
from bench.harness import bench_stack, confirmed_order, default_deps, odoo_admin
from governance.approval_case import Action, DecisionInput
from governance.launch import LaunchRequest
from runtime.temporal_servers import free_port
from starters.http_api import create_app
from starters.http_server import http_service
from starters.intake import Intake
from starters.outbox import Outbox
from workers.registry import WORKFLOWS, build_activities
from workflows.approval import ApprovalWorkflow
from workflows.project_launch import ProjectLaunchWorkflow, launch_workflow_id


def confirmed_orders(port: int, count: int) -> list[int]:
    odoo = odoo_admin(port)
    return [confirmed_order(odoo) for _ in range(count)]


async def approve_children(client: Client, children: list[str], bare: bool) -> None:
    for child in children:
        handle = client.get_workflow_handle(child)
        try:
            if bare:
                await handle.execute_update(
                    BareApprovalWorkflow.decide,
                    DecisionInput(
                        decision_id=uuid.uuid4().hex, actor="p-bot", action=Action.APPROVE
                    ),
                )
                continue
            status = await handle.query(ApprovalWorkflow.status)
            for person in status.pending_approvers[:1]:
                await handle.execute_update(
                    ApprovalWorkflow.decide,
                    DecisionInput(
                        decision_id=f"{child}:{person}:{status.stage}",
                        actor=person,
                        action=Action.APPROVE,
                    ),
                )
        except Exception:
            continue  # not started yet, or already decided


async def run_launches(client: Client, queue: str, orders: list[int], bare: bool) -> float:
    started = time.perf_counter()
    handles = []
    for order in orders:
        if bare:
            handles.append(
                await client.start_workflow(
                    BareLaunchWorkflow.run, order, id=f"bare-launch:{order}", task_queue=queue
                )
            )
        else:
            handles.append(
                await client.start_workflow(
                    ProjectLaunchWorkflow.run,
                    LaunchRequest(order_id=order, source="bench"),
                    id=launch_workflow_id(order),
                    task_queue=queue,
                )
            )
    pending = set(range(len(handles)))
    while pending:
        for index in list(pending):
            handle = handles[index]
            if bare:
                description = await handle.describe()
                if description.status and description.status.name != "RUNNING":
                    pending.discard(index)
                    continue
                children = await handle.query(BareLaunchWorkflow.pending_children)
            else:
                status = await handle.query(ProjectLaunchWorkflow.status)
                if status.state.value in ("active", "on_hold", "not_confirmed"):
                    pending.discard(index)
                    continue
                children = [a.workflow_id for a in status.approvals if a.outcome == "pending"]
            await approve_children(client, children, bare)
        await asyncio.sleep(0.05)
    return time.perf_counter() - started


async def webhook_burst(client: Client, burst: int, concurrency: int, folder: Path) -> list[float]:
    """Answer times of Govern's webhook endpoint for a burst of distinct confirmed-order
    events, sent by another process (as Odoo would)."""
    token = "bench-token"

    async def provide() -> Client:
        return client

    # No worker polls this queue: the burst measures the intake, not the launches it starts.
    intake = Intake(Outbox(folder / "intake.sqlite"), f"burst-{uuid.uuid4().hex[:6]}", provide)
    app = create_app(intake, provide, SecretStr(token), SecretStr("x"))
    port = free_port()
    async with http_service(app, "127.0.0.1", port):
        load = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.webhook_load",
            f"http://127.0.0.1:{port}/odoo/webhook/{token}",
            str(burst),
            str(concurrency),
            stdout=asyncio.subprocess.PIPE,
        )
        output, _ = await load.communicate()
        while intake.outbox.pending_count():  # let delivery finish before the server stops
            await asyncio.sleep(0.1)
    return list(json.loads(output))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)]


async def main(launches: int, burst: int, concurrency: list[int]) -> None:
    import tempfile

    async with bench_stack() as stack:
        deps = default_deps(stack)
        from bench.harness import worker

        queue = f"bench-{uuid.uuid4().hex[:6]}"
        async with worker(
            stack.client,
            queue,
            [*WORKFLOWS, BareLaunchWorkflow, BareApprovalWorkflow],
            build_activities(deps),
        ):
            bare_orders = await asyncio.to_thread(confirmed_orders, stack.sim.port, launches)
            governed_orders = await asyncio.to_thread(confirmed_orders, stack.sim.port, launches)
            stack.sim.reset_stats()
            bare_seconds = await run_launches(stack.client, queue, bare_orders, bare=True)
            bare_calls = stack.sim.stats()["total"]
            stack.sim.reset_stats()
            governed_seconds = await run_launches(stack.client, queue, governed_orders, bare=False)
            governed_stats = stack.sim.stats()
        bursts = {}
        for parallel in concurrency:
            with tempfile.TemporaryDirectory() as folder:
                bursts[parallel] = await webhook_burst(stack.client, burst, parallel, Path(folder))

    print(f"\nProject launches: {launches} each, approvals decided by updates as soon as pending\n")
    print(f"{'run':<30} {'seconds':>8} {'launches/s':>11} {'odoo calls/launch':>18}")
    print(
        f"{'bare temporal (same shape)':<30} {bare_seconds:>8.2f} {launches / bare_seconds:>11.2f} "
        f"{bare_calls / launches:>18.1f}"
    )
    print(
        f"{'governed launch':<30} {governed_seconds:>8.2f} {launches / governed_seconds:>11.2f} "
        f"{governed_stats['total'] / launches:>18.1f}"
    )
    print(f"\ngoverned / bare throughput: {bare_seconds / governed_seconds:.2f}")
    calls: dict[str, Any] = governed_stats["calls"]
    top = sorted(calls.items(), key=lambda kv: -kv[1])[:8]
    print(
        "Odoo calls per governed launch by method: "
        + ", ".join(f"{k} {v / launches:.1f}" for k, v in top)
    )
    print(
        f"\nWebhook bursts of {burst} events (Odoo gives up at 1000 ms; each Odoo worker "
        "sends its webhooks one at a time):"
    )
    for parallel, answers in bursts.items():
        print(
            f"  {parallel:>3} senders at once: answer p50 {statistics.median(answers):6.1f} ms, "
            f"p99 {percentile(answers, 0.99):6.1f} ms, max {max(answers):6.1f} ms"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--launches", type=int, default=30)
    parser.add_argument("--burst", type=int, default=500)
    parser.add_argument("--concurrency", default="1,10,50", help="senders at once, per burst")
    args = parser.parse_args()
    asyncio.run(main(args.launches, args.burst, [int(c) for c in args.concurrency.split(",")]))
