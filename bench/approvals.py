"""Approval throughput: governed two-stage approvals vs a bare Temporal workflow of the
same shape (same activities and updates, no policy logic), side by side in one run.

    python -m bench.approvals [--cases 200] [--concurrency 50]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from pathlib import Path

from activities.approvals import ApprovalActivities
from activities.notifications import NotificationActivities, OdooChatterActivities
from bench.bare_workflows import BareTwoStepWorkflow
from bench.harness import (
    HEADER,
    Run,
    SilentNotifier,
    bench_stack,
    timed,
    worker,
    write_temp_files,
)
from governance.approval_case import Action, DecisionInput, DecisionResult
from governance.approval_messages import (
    ApprovalRequest,
    OdooRef,
)
from governance.facts import CaseFacts, Parties
from integrations.notify import Notifier
from workflows.approval import ApprovalWorkflow

POLICY = """
version: bench
lifecycles:
  bench:
    two_stages:
      title: Two stages
      automate_low_risk: false
      stages:
        - name: first
          title: First
          approvers: [{role: lead}]
          clock: {remind_after: P1D, expire_after: P5D}
        - name: second
          title: Second
          approvers: [{role: finance}]
          clock: {remind_after: P1D, expire_after: P5D}
"""
PEOPLE = """
people:
  - {id: p-req, name: Requester}
  - {id: p-lead, name: Lead, roles: [{role: lead}]}
  - {id: p-fin, name: Finance, roles: [{role: finance}]}
"""


async def run_cases(
    client,
    task_queue: str,
    workflow_run,
    cases: int,
    concurrency: int,  # type: ignore[no-untyped-def]
    name: str,
    sim,
) -> Run:  # type: ignore[no-untyped-def]
    latencies: list[float] = []
    gate = asyncio.Semaphore(concurrency)
    update = "decide"

    async def one(n: int) -> None:
        async with gate:
            key = f"bench:{name.split()[0]}:{uuid.uuid4().hex[:10]}"
            request = ApprovalRequest(
                case_key=key,
                lifecycle="bench",
                step="two_stages",
                title=f"Bench case {n}",
                facts=CaseFacts(amount=5000),
                parties=Parties(requester="p-req"),
                odoo=OdooRef(model="sale.order", id=6 + n % 10),
            )
            handle = await client.start_workflow(
                workflow_run, request, id=key, task_queue=task_queue
            )
            for actor in ("p-lead", "p-fin"):
                decision = DecisionInput(
                    decision_id=f"{key}:{actor}", actor=actor, action=Action.APPROVE
                )
                await timed(
                    handle.execute_update(update, decision, result_type=DecisionResult), latencies
                )
            await handle.result()

    sim.reset_stats()
    started = time.perf_counter()
    await asyncio.gather(*(one(n) for n in range(cases)))
    seconds = time.perf_counter() - started
    return Run(name, cases, seconds, latencies, sim.stats()["total"])


async def main(cases: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        files = write_temp_files(Path(folder), {"policy.yaml": POLICY, "people.yaml": PEOPLE})
        async with bench_stack() as stack:
            notifier: Notifier = SilentNotifier()
            approvals = ApprovalActivities(files["policy.yaml"], files["people.yaml"], odoo=None)
            activities = [
                approvals.plan_approval,
                approvals.resolve_approvers,
                NotificationActivities(notifier).notify,
                OdooChatterActivities(stack.gateway).post_to_chatter,
            ]
            queue = f"bench-{uuid.uuid4().hex[:6]}"
            async with worker(
                stack.client, queue, [ApprovalWorkflow, BareTwoStepWorkflow], activities
            ):
                await run_cases(
                    stack.client,
                    queue,
                    BareTwoStepWorkflow.run,
                    10,
                    concurrency,
                    "warm-up",
                    stack.sim,
                )
                bare = await run_cases(
                    stack.client,
                    queue,
                    BareTwoStepWorkflow.run,
                    cases,
                    concurrency,
                    "bare temporal (same shape)",
                    stack.sim,
                )
                governed = await run_cases(
                    stack.client,
                    queue,
                    ApprovalWorkflow.run,
                    cases,
                    concurrency,
                    "governed approval",
                    stack.sim,
                )
    print(f"\nApprovals: {cases} two-stage cases, {concurrency} at a time, decided by updates\n")
    print(HEADER)
    print(bare.row())
    print(governed.row())
    print(f"\ngoverned / bare throughput: {governed.per_second / bare.per_second:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(main(args.cases, args.concurrency))
