"""The worker: every workflow registered, graceful shutdown lets in-flight work finish."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

from temporalio import activity, workflow
from temporalio.client import Client
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

from workers.registry import WORKFLOWS, ActivityDependencies, build_activities
from workers.worker import run_until_stopped
from workflows.diagnostics import WorkerProbeWorkflow

activity_started = asyncio.Event()


@activity.defn
async def slow_step(seconds: float) -> str:
    activity_started.set()
    await asyncio.sleep(seconds)
    return "finished"


@workflow.defn
class SlowWorkflow:
    @workflow.run
    async def run(self, seconds: float) -> str:
        return await workflow.execute_activity(
            slow_step, seconds, start_to_close_timeout=timedelta(seconds=30)
        )


def test_registry_lists_every_workflow_and_activity() -> None:
    assert WorkerProbeWorkflow in WORKFLOWS
    names = {fn.__name__ for fn in build_activities(ActivityDependencies(odoo_url="x"))}
    assert "describe_worker" in names


async def test_stop_request_lets_in_flight_activity_finish(
    dev_client: Client, task_queue: str
) -> None:
    activity_started.clear()
    worker = Worker(
        dev_client,
        task_queue=task_queue,
        workflows=[SlowWorkflow],
        activities=[slow_step],
        graceful_shutdown_timeout=timedelta(seconds=10),
        # The test module holds an asyncio.Event, which the sandbox will not re-import.
        workflow_runner=UnsandboxedWorkflowRunner(),
    )
    stop = asyncio.Event()
    running = asyncio.create_task(run_until_stopped(worker, stop))
    handle = await dev_client.start_workflow(
        SlowWorkflow.run, 1.5, id=f"slow-{uuid.uuid4()}", task_queue=task_queue
    )
    await asyncio.wait_for(activity_started.wait(), 10)
    stop.set()  # what SIGTERM does
    await asyncio.wait_for(running, 20)
    # The activity completed during the drain; a fresh worker only has to finish the workflow.
    async with Worker(
        dev_client,
        task_queue=task_queue,
        workflows=[SlowWorkflow],
        activities=[slow_step],
        workflow_runner=UnsandboxedWorkflowRunner(),
    ):
        assert await handle.result() == "finished"
    history = await handle.fetch_history()
    attempts = [
        e.activity_task_started_event_attributes.attempt
        for e in history.events
        if e.HasField("activity_task_started_event_attributes")
    ]
    assert attempts == [1], "the first attempt must finish during the drain, not be retried"
