"""Running ApprovalWorkflow on a real Temporal test server with injected clients."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from temporalio import activity
from temporalio.client import Client, WorkflowHandle
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from activities.approvals import ApprovalActivities
from activities.notifications import NotificationActivities
from governance.approval_case import Action, DecisionInput, DecisionResult
from governance.approval_messages import (
    ApprovalRequest,
    ApprovalResult,
    ApprovalStatus,
    ChatterPost,
    ChatterReceipt,
    OdooRef,
)
from governance.facts import CaseFacts, Parties
from integrations.notify import Delivery
from workflows.approval import ApprovalWorkflow


@dataclass
class RecordingNotifier:
    """Keeps every notice (a real Notifier implementation, in memory)."""

    sent: list[tuple[str, str, str]] = field(default_factory=list)
    fail: bool = False

    def send(self, delivery: Delivery) -> str:
        if self.fail:
            # Given up at once so the test does not wait through real retry back-off.
            raise ApplicationError("notification channel down", non_retryable=True)
        self.sent.append((delivery.recipient, delivery.kind, delivery.case_key))
        return f"{delivery.kind}:{delivery.recipient}"


@dataclass
class ChatterRecorder:
    """Stands in for the Odoo chatter activity; counts posts by reference."""

    posts: dict[str, str] = field(default_factory=dict)
    calls: int = 0

    @activity.defn(name="post_to_chatter")
    def post_to_chatter(self, post: ChatterPost) -> ChatterReceipt:
        self.calls += 1
        created = post.ref not in self.posts
        self.posts.setdefault(post.ref, post.body)
        return ChatterReceipt(message_id=len(self.posts), created=created)


@dataclass
class ApprovalHarness:
    client: Client
    task_queue: str
    notifier: RecordingNotifier
    chatter: ChatterRecorder

    async def start(
        self,
        step: str,
        facts: CaseFacts,
        requester: str = "p-req",
        lifecycle: str = "test",
        salesperson: str | None = None,
        odoo: OdooRef | None = None,
    ) -> WorkflowHandle[ApprovalWorkflow, ApprovalResult]:
        case_key = f"approval:{step}:{uuid.uuid4().hex[:8]}"
        request = ApprovalRequest(
            case_key=case_key,
            lifecycle=lifecycle,
            step=step,
            title=f"Test {step}",
            facts=facts,
            parties=Parties(requester=requester, salesperson=salesperson),
            odoo=odoo,
        )
        return await self.client.start_workflow(
            ApprovalWorkflow.run, request, id=case_key, task_queue=self.task_queue
        )

    @staticmethod
    async def decide(
        handle: WorkflowHandle[ApprovalWorkflow, ApprovalResult],
        actor: str,
        action: Action,
        decision_id: str | None = None,
        **extra: object,
    ) -> DecisionResult:
        decision = DecisionInput(
            decision_id=decision_id or uuid.uuid4().hex, actor=actor, action=action, **extra
        )  # type: ignore[arg-type]
        return await handle.execute_update(ApprovalWorkflow.decide, decision)

    @staticmethod
    async def status(handle: WorkflowHandle[ApprovalWorkflow, ApprovalResult]) -> ApprovalStatus:
        return await handle.query(ApprovalWorkflow.status)


@asynccontextmanager
async def approval_worker(
    client: Client,
    task_queue: str,
    policy_file: Path,
    people_file: Path,
    notifier: RecordingNotifier | None = None,
) -> AsyncIterator[ApprovalHarness]:
    from concurrent.futures import ThreadPoolExecutor

    notifier = notifier or RecordingNotifier()
    chatter = ChatterRecorder()
    approvals = ApprovalActivities(policy_file, people_file, odoo=None)
    notifications = NotificationActivities(notifier)
    async with Worker(
        client,
        task_queue=task_queue,
        workflows=[ApprovalWorkflow],
        activities=[
            approvals.plan_approval,
            approvals.resolve_approvers,
            notifications.notify,
            chatter.post_to_chatter,
        ],
        activity_executor=ThreadPoolExecutor(4),
    ):
        yield ApprovalHarness(client, task_queue, notifier, chatter)
