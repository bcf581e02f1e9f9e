"""Plays the approvers for the demo: every pending approval gets approved by the person it
waits for, through the same update a person's CLI or Slack click sends."""

from __future__ import annotations

import asyncio
import contextlib

from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError

from governance import search_attributes as sa
from governance.approval_case import Action, DecisionInput
from runtime.logging import get_logger
from workflows.approval import ApprovalWorkflow

log = get_logger(__name__)
PENDING = (
    f"WorkflowType = 'ApprovalWorkflow' AND ExecutionStatus = 'Running' "
    f"AND {sa.PENDING_APPROVERS.name} IS NOT NULL"
)


async def approve_pending_once(client: Client, on_decision=None) -> int:  # type: ignore[no-untyped-def]
    """Approve every approval waiting right now; returns how many decisions were made."""
    decided = 0
    async for execution in client.list_workflows(PENDING):
        handle = client.get_workflow_handle(execution.id)
        try:
            status = await handle.query(ApprovalWorkflow.status)
        except RPCError:
            continue
        for person in status.pending_approvers[:1]:
            stage = status.stage
            decision = DecisionInput(
                decision_id=f"autopilot:{execution.id}:{stage}:{person}",
                actor=person,
                action=Action.APPROVE,
                stage=stage,
                comment="approved by the demo autopilot",
                via="autopilot",
            )
            try:
                await handle.execute_update(ApprovalWorkflow.decide, decision)
            except (WorkflowUpdateFailedError, RPCError) as error:
                log.info("autopilot decision refused", case=execution.id, reason=str(error))
                continue
            decided += 1
            if on_decision:
                on_decision(execution.id, person, stage)
    return decided


async def autopilot(
    client: Client, stop: asyncio.Event, pace: float = 2.0, on_decision=None
) -> None:  # type: ignore[no-untyped-def]
    while not stop.is_set():
        try:
            await approve_pending_once(client, on_decision)
        except RPCError as error:
            log.warning("autopilot could not list approvals", error=str(error))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), pace)
