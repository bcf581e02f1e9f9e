"""What every lifecycle workflow does with its status: note, change state, tell people."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Protocol

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError

with workflow.unsafe.imports_passed_through():
    from activities.notifications import NotificationActivities
    from governance import search_attributes as sa
    from governance.approval_case import Notice
    from governance.approval_messages import NotifyRequest


class CaseStatus(Protocol):
    state: StrEnum
    history: list[str]


def note(status: CaseStatus, text: str) -> None:
    """Add a timestamped line to the case's history (workflow time, so replay-safe)."""
    status.history.append(f"{workflow.now().isoformat(timespec='seconds')} {text}")


def set_state(status: CaseStatus, state: StrEnum, text: str) -> None:
    """Change the case's state, say why, and keep the GovernState search attribute in step."""
    status.state = state
    note(status, text)
    workflow.upsert_search_attributes([sa.STATE.value_set(state.value)])


async def tell(status: CaseStatus, title: str, notice: Notice) -> None:
    """Best effort: a notification that cannot be delivered is noted, never fails the case."""
    try:
        await workflow.execute_activity_method(
            NotificationActivities.notify,
            NotifyRequest(case_key=workflow.info().workflow_id, title=title, notice=notice),
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=RetryPolicy(maximum_attempts=5),
        )
    except ActivityError as error:
        note(status, f"notification not delivered: {error.cause or error}")
