"""From an accepted event to a Temporal case: start it, signal it, or say why not."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any

from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from governance.billing import BillingRequest
from governance.change_request import ChangeRequestInput
from governance.launch import LaunchRequest, OrderEvent
from runtime.logging import get_logger
from starters.outbox import Event, Outbox
from workflows.billing_readiness import BillingReadinessWorkflow, billing_workflow_id
from workflows.change_request import ChangeRequestWorkflow, change_request_workflow_id
from workflows.project_launch import ProjectLaunchWorkflow, launch_workflow_id

log = get_logger(__name__)

ClientGetter = Callable[[], Awaitable[Client]]
CONFIRMED_STATES = ("sale", "done")
# Which Odoo model's events drive which lifecycle.
LIFECYCLE_BY_MODEL = {"sale.order": "project_launch", "project.task": "change_request"}
# Convention: a task whose name starts with this is a change request on its project; its
# allocated hours are the hours added, priced at the order's service rate.
CHANGE_REQUEST_PREFIX = "CR:"
MAX_CONCURRENT_DELIVERIES = 8


class Intake:
    """Delivers outbox events to Temporal; the drainer retries what could not go at once."""

    def __init__(
        self,
        outbox: Outbox,
        task_queue: str,
        client: ClientGetter,
        commit_wait: list[float] | None = None,
    ) -> None:
        self.outbox = outbox
        self.task_queue = task_queue
        self.client = client
        self._commit_wait = commit_wait
        self._in_flight: set[int] = set()
        # Bounded, so a burst of deliveries never starves the answers to Odoo.
        self._delivering = asyncio.Semaphore(MAX_CONCURRENT_DELIVERIES)
        self._tasks: set[asyncio.Task[str | None]] = set()

    async def deliver(self, event: Event) -> str:
        client = await self.client()
        if event.kind == "odoo_webhook":
            return await self._odoo_event(client, event.payload)
        if event.kind == "api_start":
            order_id = int(event.payload["odoo_id"])
            return await self._start_once(
                client,
                ProjectLaunchWorkflow.run,
                self._request(order_id, "api"),
                launch_workflow_id(order_id),
            )
        if event.kind == "api_change_request":
            change = ChangeRequestInput.model_validate(event.payload)
            return await self._start_once(
                client,
                ChangeRequestWorkflow.run,
                change,
                change_request_workflow_id(change.project_id, change.request_key),
            )
        if event.kind == "api_billing":
            billing = BillingRequest.model_validate(event.payload)
            return await self._start_once(
                client,
                BillingReadinessWorkflow.run,
                billing,
                billing_workflow_id(billing.order_id, billing.period),
            )
        raise ValueError(f"unknown event kind {event.kind!r}")

    async def _start_once(self, client: Client, run: Any, argument: Any, case_id: str) -> str:
        try:
            await client.start_workflow(
                run,
                argument,
                id=case_id,
                task_queue=self.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError:
            return "exists already"
        return "started"

    async def _deliver_one(self, event: Event, timeout: float) -> str | None:
        """Deliver and record the outcome; ``None`` when it should be tried again later.

        An event Temporal could not take (down, slow) stays for the drainer; an event that
        can never be delivered (malformed beyond what the API checks) is closed as
        ``rejected`` with the reason, kept in the outbox, and does not hold up the rest.
        """
        try:
            async with self._delivering:
                outcome = await asyncio.wait_for(self.deliver(event), timeout)
        except (ValueError, KeyError, TypeError) as error:  # pydantic's errors are ValueErrors
            outcome = f"rejected: {type(error).__name__}: {error}"[:500]
            log.error("event rejected", event_id=event.id, reason=outcome)
        except Exception as error:  # Temporal down or slow
            self.outbox.failed(event.id, f"{type(error).__name__}: {error}", event.attempts)
            log.warning("event not delivered yet", event_id=event.id, error=str(error))
            return None
        self.outbox.delivered(event.id, outcome)
        return outcome

    async def try_now(self, event_id: int, timeout: float) -> str | None:
        """Deliver one event within ``timeout``; on failure it stays for the drainer."""
        event = self.outbox.get(event_id)
        if event is None or event_id in self._in_flight:
            return "delivered"
        self._in_flight.add(event_id)
        try:
            return await self._deliver_one(event, timeout)
        finally:
            self._in_flight.discard(event_id)

    def deliver_soon(self, event_id: int, timeout: float = 10.0) -> None:
        """Deliver in the background, so the caller can answer at once (the event is durable)."""
        task = asyncio.get_running_loop().create_task(self.try_now(event_id, timeout))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> int:
        delivered = 0
        for event in self.outbox.due():
            if event.id in self._in_flight:
                continue
            if await self._deliver_one(event, 10) is None:
                break  # keep order: try the rest after the back-off
            delivered += 1
        return delivered

    async def drain_forever(self, stop: asyncio.Event, every: float = 1.0) -> None:
        while not stop.is_set():
            try:
                await self.drain()
            except Exception as error:  # never let the drainer die
                log.warning("drainer failed", error=str(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), every)

    async def _odoo_event(self, client: Client, payload: dict[str, Any]) -> str:
        if payload.get("_model") == "project.task":
            return await self._task_event(client, payload)
        order_id = int(payload.get("_id") or payload["id"])
        state = payload.get("state")
        event = OrderEvent(order_id=order_id, amount_total=payload.get("amount_total"), state=state)
        if state is None or state in CONFIRMED_STATES:
            return await self._start_launch(client, order_id, "odoo-webhook", event)
        try:  # a quotation's event only matters to a launch already under way
            await client.get_workflow_handle(launch_workflow_id(order_id)).signal(
                ProjectLaunchWorkflow.order_event, event
            )
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                return f"ignored: order in state {state}, no launch under way"
            raise
        return "signalled"

    async def _task_event(self, client: Client, payload: dict[str, Any]) -> str:
        name = str(payload.get("name") or "")
        project = payload.get("project_id")
        if not name.startswith(CHANGE_REQUEST_PREFIX) or not isinstance(project, int):
            return "ignored: not a change request task"
        task_id = int(payload.get("_id") or payload["id"])
        change = ChangeRequestInput(
            project_id=project,
            request_key=f"task-{task_id}",
            description=name.removeprefix(CHANGE_REQUEST_PREFIX).strip()[:500] or "change request",
            hours_delta=float(payload.get("allocated_hours") or 0),
            requested_by="govern",
            price_from_hours=True,
        )
        return await self._start_once(
            client,
            ChangeRequestWorkflow.run,
            change,
            change_request_workflow_id(project, change.request_key),
        )

    def _request(self, order_id: int, source: str) -> LaunchRequest:
        request = LaunchRequest(order_id=order_id, source=source)
        if self._commit_wait is not None:
            request.commit_wait = list(self._commit_wait)
        return request

    async def _start_launch(
        self, client: Client, order_id: int, source: str, event: OrderEvent
    ) -> str:
        """Signal-with-start: a running launch hears the event, a new one starts with it."""
        try:
            await client.start_workflow(
                ProjectLaunchWorkflow.run,
                self._request(order_id, source),
                id=launch_workflow_id(order_id),
                task_queue=self.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                start_signal="order_event",
                start_signal_args=[event],
            )
        except WorkflowAlreadyStartedError:
            return "already launched"
        return "started"
