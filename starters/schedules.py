"""Temporal Schedules Govern keeps: the reconciliation sweep for lost Odoo webhooks, and the
monthly billing cycle."""

from __future__ import annotations

from datetime import timedelta

from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)

from workflows.billing_cycle import (
    BILLING_CYCLE_SCHEDULE_ID,
    BillingCycleRequest,
    BillingCycleWorkflow,
)
from workflows.reconcile import RECONCILE_SCHEDULE_ID, ReconcileLaunchesWorkflow, ReconcileRequest


def reconcile_schedule(task_queue: str, every: timedelta) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            ReconcileLaunchesWorkflow.run,
            ReconcileRequest(),
            id=RECONCILE_SCHEDULE_ID,
            task_queue=task_queue,
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
    )


def billing_cycle_schedule(task_queue: str) -> Schedule:
    """On the 1st of each month at 06:00 UTC: check last month's billing for every order."""
    return Schedule(
        action=ScheduleActionStartWorkflow(
            BillingCycleWorkflow.run,
            BillingCycleRequest(),
            id=BILLING_CYCLE_SCHEDULE_ID,
            task_queue=task_queue,
        ),
        spec=ScheduleSpec(cron_expressions=["0 6 1 * *"]),
    )


async def ensure_schedule(client: Client, schedule_id: str, schedule: Schedule) -> str:
    """Create the schedule, or bring an existing one up to date. Returns what happened."""
    try:
        await client.create_schedule(schedule_id, schedule)
        return "created"
    except ScheduleAlreadyRunningError:

        def replace(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=schedule)

        await client.get_schedule_handle(schedule_id).update(replace)
        return "updated"


async def ensure_reconcile_schedule(
    client: Client, task_queue: str, every: timedelta = timedelta(minutes=15)
) -> str:
    return await ensure_schedule(
        client, RECONCILE_SCHEDULE_ID, reconcile_schedule(task_queue, every)
    )


async def ensure_billing_cycle_schedule(client: Client, task_queue: str) -> str:
    return await ensure_schedule(
        client, BILLING_CYCLE_SCHEDULE_ID, billing_cycle_schedule(task_queue)
    )
