"""ApprovalWorkflow on the real time-skipping test server."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.service import RPCError
from temporalio.testing import WorkflowEnvironment

from governance.approval_case import Action, DecisionInput, Outcome
from governance.approval_messages import OdooRef
from governance.facts import CaseFacts
from tests.workflows.approval_harness import ApprovalHarness, RecordingNotifier, approval_worker
from workflows.approval import ApprovalWorkflow

FACTS = CaseFacts(amount=5000)
Files = tuple[Path, Path]


async def _refused(h: ApprovalHarness, handle, actor: str, action: Action, **extra: object) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(WorkflowUpdateFailedError) as failed:
        await h.decide(handle, actor, action, **extra)
    return str(failed.value.cause)


async def test_sequential_stages_then_approved(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    async with approval_worker(time_skipping_env.client, task_queue, *policy_files) as h:
        handle = await h.start("two_stages", FACTS, odoo=OdooRef(model="sale.order", id=7))
        assert (await h.status(handle)).pending_approvers == ["p-lead"]
        first = await h.decide(handle, "p-lead", Action.APPROVE, comment="scope is fine")
        assert first.accepted and first.stage == "first"
        status = await h.status(handle)
        assert (status.stage, status.pending_approvers) == ("second", ["p-fin"])
        await h.decide(handle, "p-fin", Action.APPROVE)
        result = await handle.result()
    assert result.outcome == Outcome.APPROVED
    assert result.decided_by == ["p-lead", "p-fin"]
    assert result.policy_version == "test-1"
    kinds = [e.kind for e in result.audit]
    assert kinds.count("stage_approved") == 2 and kinds[-1] == "approved"
    assert ("p-lead", "requested", handle.id) in h.notifier.sent
    assert ("p-fin", "requested", handle.id) in h.notifier.sent
    # Decisions reach the record's chatter once each.
    bodies = list(h.chatter.posts.values())
    assert any("approve by p-lead" in b and "scope is fine" in b for b in bodies)
    assert any(b.endswith("approved: every stage approved") for b in bodies)


async def test_all_mode_waits_for_everyone(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    async with approval_worker(time_skipping_env.client, task_queue, *policy_files) as h:
        handle = await h.start("all_of_two", FACTS)
        await h.decide(handle, "p-fin", Action.APPROVE)
        assert (await h.status(handle)).pending_approvers == ["p-lead"]
        await h.decide(handle, "p-lead", Action.APPROVE)
        assert (await handle.result()).outcome == Outcome.APPROVED


async def test_quorum_two_of_three(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    async with approval_worker(time_skipping_env.client, task_queue, *policy_files) as h:
        handle = await h.start("quorum", FACTS)
        assert (await h.status(handle)).pending_approvers == ["p-b1", "p-b2", "p-b3"]
        await h.decide(handle, "p-b3", Action.APPROVE)
        assert (await h.status(handle)).state.outcome == Outcome.PENDING
        await h.decide(handle, "p-b1", Action.APPROVE)
        result = await handle.result()
    assert result.outcome == Outcome.APPROVED
    assert sorted(result.decided_by) == ["p-b1", "p-b3"]


async def test_reject_ends_the_case(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    async with approval_worker(time_skipping_env.client, task_queue, *policy_files) as h:
        handle = await h.start("two_stages", FACTS)
        await h.decide(handle, "p-lead", Action.REJECT, comment="no budget")
        result = await handle.result()
        with pytest.raises(RPCError):  # the case is over: the CLI and Slack say so
            await h.decide(handle, "p-fin", Action.APPROVE)
    assert result.outcome == Outcome.REJECTED
    assert ("p-req", "rejected", handle.id) in h.notifier.sent


async def test_request_changes_then_resubmission(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    async with approval_worker(time_skipping_env.client, task_queue, *policy_files) as h:
        handle = await h.start("two_stages", FACTS)
        await h.decide(handle, "p-lead", Action.REQUEST_CHANGES, comment="add a milestone plan")
        assert (await h.status(handle)).state.outcome == Outcome.CHANGES_REQUESTED
        waiting = await _refused(h, handle, "p-lead", Action.APPROVE)
        assert "waiting for the requester to resubmit" in waiting
        assert "only the requester" in await _refused(h, handle, "p-lead", Action.RESUBMIT)
        await h.decide(handle, "p-req", Action.RESUBMIT, comment="milestones added")
        assert (await h.status(handle)).pending_approvers == ["p-lead"]
        await h.decide(handle, "p-lead", Action.APPROVE)
        await h.decide(handle, "p-fin", Action.APPROVE)
        result = await handle.result()
    assert result.outcome == Outcome.APPROVED
    assert [e.kind for e in result.audit].count("resubmit") == 1


async def test_explicit_delegation_records_acting_for(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    async with approval_worker(time_skipping_env.client, task_queue, *policy_files) as h:
        handle = await h.start("two_stages", FACTS)
        await h.decide(handle, "p-lead", Action.DELEGATE, delegate_to="p-head", comment="on leave")
        assert (await h.status(handle)).pending_approvers == ["p-head"]
        assert "not an approver" in await _refused(h, handle, "p-lead", Action.APPROVE)
        await h.decide(handle, "p-head", Action.APPROVE)
        await h.decide(handle, "p-fin", Action.APPROVE)
        result = await handle.result()
    approval = next(e for e in result.audit if e.kind == "approve" and e.stage == "first")
    assert (approval.actor, approval.acting_for) == ("p-head", "p-lead")


async def test_automatic_delegation_for_an_absent_approver(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    policy, people = policy_files
    people.write_text(
        people.read_text().replace(
            "{id: p-lead, name: Lead, manager: p-head, roles: [{role: lead}]}",
            "{id: p-lead, name: Lead, manager: p-head, roles: [{role: lead}], out_of_office: "
            "[{start: '2000-01-01T00:00:00Z', end: '2100-01-01T00:00:00Z', delegate: p-other}]}",
        )
    )
    async with approval_worker(time_skipping_env.client, task_queue, policy, people) as h:
        handle = await h.start("two_stages", FACTS)
        status = await h.status(handle)
        assert status.pending_approvers == ["p-other"]
        delegated = next(e for e in status.state.audit if e.kind == "delegated")
        assert (delegated.actor, delegated.acting_for) == ("p-other", "p-lead")
        assert "absent" in delegated.detail
        await h.decide(handle, "p-other", Action.APPROVE)
        await h.decide(handle, "p-fin", Action.APPROVE)
        assert (await handle.result()).outcome == Outcome.APPROVED


async def test_reminder_escalation_and_expiry_at_the_right_times(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    async with approval_worker(time_skipping_env.client, task_queue, *policy_files) as h:
        handle = await h.start("clocked", FACTS)
        result = await handle.result()  # the test server skips time to each deadline
    assert result.outcome == Outcome.EXPIRED
    opened = next(e.at for e in result.audit if e.kind == "stage_opened")
    at = {e.kind: e.at - opened for e in result.audit}
    # Each fires at its deadline (the workflow wakes a few milliseconds after it).
    for kind, due in (
        ("reminded", timedelta(hours=4)),
        ("escalated", timedelta(days=1)),
        ("expired", timedelta(days=3)),
    ):
        assert due <= at[kind] < due + timedelta(seconds=1), kind
    escalation = next(e for e in result.audit if e.kind == "escalated")
    assert "p-head" in escalation.detail
    kinds = [(r, k) for r, k, _ in h.notifier.sent]
    assert ("p-lead", "reminder") in kinds and ("p-head", "escalated") in kinds
    assert ("p-req", "expired") in kinds


async def test_escalated_approver_can_decide_and_sla_is_flagged(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    async with approval_worker(time_skipping_env.client, task_queue, *policy_files) as h:
        handle = await h.start("clocked", FACTS)
        await time_skipping_env.sleep(timedelta(days=1, minutes=1))
        status = await h.status(handle)
        assert status.pending_approvers == ["p-head", "p-lead"]
        assert status.state.sla_breached
        await h.decide(handle, "p-head", Action.APPROVE)
        assert (await handle.result()).outcome == Outcome.APPROVED
        described = await handle.describe()
    assert described.typed_search_attributes
    from governance import search_attributes as sa

    assert described.typed_search_attributes.get(sa.SLA_BREACHED) is True
    assert described.typed_search_attributes.get(sa.STATE) == "approved"


async def test_each_refusal_names_its_reason(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    async with approval_worker(time_skipping_env.client, task_queue, *policy_files) as h:
        handle = await h.start("two_stages", FACTS, salesperson="p-other")
        assert "is not an approver" in await _refused(h, handle, "p-head", Action.APPROVE)
        assert "you requested this approval" in await _refused(h, handle, "p-req", Action.APPROVE)
        assert "salesperson" in await _refused(h, handle, "p-other", Action.APPROVE)
        assert "delegate needs delegate_to" in await _refused(h, handle, "p-lead", Action.DELEGATE)
        assert "unknown person" in await _refused(
            h, handle, "p-lead", Action.DELEGATE, delegate_to="p-nobody"
        )
        assert "they are the salesperson" in await _refused(
            h, handle, "p-lead", Action.DELEGATE, delegate_to="p-other"
        )
        await h.decide(handle, "p-lead", Action.APPROVE)
        closed = await _refused(h, handle, "p-fin", Action.APPROVE, stage="first")
        assert "stage 'first' is closed; the case is at stage 'second'" in closed
        # Malformed input never reaches the workflow's logic.
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update(
                "decide", {"decision_id": "x", "actor": "p-fin", "action": "bribe"}
            )
        status = await h.status(handle)
    assert status.pending_approvers == ["p-fin"]
    assert [e.kind for e in status.state.audit].count("approve") == 1


async def test_no_eligible_approver_is_unroutable_not_stuck(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    async with approval_worker(time_skipping_env.client, task_queue, *policy_files) as h:
        handle = await h.start("two_stages", FACTS, requester="p-lead")
        result = await handle.result()
    assert result.outcome == Outcome.UNROUTABLE
    assert "p-lead skipped: segregation of duties" in str(result.audit)


async def test_prior_decider_cannot_approve_a_later_stage(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    policy, people = policy_files
    people.write_text(
        people.read_text().replace(
            "roles: [{role: finance}]", "roles: [{role: finance}, {role: lead}]"
        )
    )
    async with approval_worker(time_skipping_env.client, task_queue, policy, people) as h:
        handle = await h.start("two_stages", FACTS)
        await h.decide(handle, "p-fin", Action.APPROVE)
        refusal = await _refused(h, handle, "p-fin", Action.APPROVE)
        assert "you already decided stage 'first'" in refusal
        assert "segregation of duties" in refusal


async def test_repeated_decision_id_returns_the_first_result(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    async with approval_worker(time_skipping_env.client, task_queue, *policy_files) as h:
        handle = await h.start("two_stages", FACTS)
        first = await h.decide(handle, "p-lead", Action.APPROVE, decision_id="slack-click-1")
        again = await h.decide(handle, "p-lead", Action.APPROVE, decision_id="slack-click-1")
        status = await h.status(handle)
    assert first == again
    assert [e.kind for e in status.state.audit].count("approve") == 1


async def test_signals_pass_the_same_checks_and_refusals_are_audited(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    async with approval_worker(time_skipping_env.client, task_queue, *policy_files) as h:
        handle = await h.start("two_stages", FACTS)
        await handle.signal(
            ApprovalWorkflow.decide_signal,
            DecisionInput(
                decision_id="ui-1", actor="p-other", action=Action.APPROVE, via="temporal-ui"
            ),
        )
        await handle.signal(
            ApprovalWorkflow.decide_signal,
            DecisionInput(
                decision_id="ui-2", actor="p-lead", action=Action.APPROVE, via="temporal-ui"
            ),
        )
        status = await h.status(handle)
    refused = next(e for e in status.state.audit if e.kind == "refused")
    assert refused.actor == "p-other" and "not an approver" in refused.detail
    assert status.stage == "second"
    approval = next(e for e in status.state.audit if e.kind == "approve")
    assert (approval.actor, approval.via) == ("p-lead", "temporal-ui")


async def test_policy_is_pinned_while_the_file_changes(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    policy, people = policy_files
    async with approval_worker(time_skipping_env.client, task_queue, policy, people) as h:
        pinned = await h.start("two_stages", FACTS)
        await h.status(pinned)  # planned under test-1
        policy.write_text(
            policy.read_text()
            .replace('version: "test-1"', 'version: "test-2"')
            .replace("approvers: [{role: finance}]", "approvers: [{role: board}]")
        )
        await h.decide(pinned, "p-lead", Action.APPROVE)
        assert (await h.status(pinned)).pending_approvers == ["p-fin"]
        await h.decide(pinned, "p-fin", Action.APPROVE)
        old = await pinned.result()
        fresh = await h.start("two_stages", FACTS)
        await h.decide(fresh, "p-lead", Action.APPROVE)
        fresh_status = await h.status(fresh)
    assert fresh_status.pending_approvers == ["p-b1", "p-b2", "p-b3"]
    assert old.policy_version == "test-1"
    assert fresh_status.state.plan.policy_version == "test-2"


async def test_low_value_case_is_automated_with_its_reason(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    async with approval_worker(time_skipping_env.client, task_queue, *policy_files) as h:
        result = await (await h.start("auto", CaseFacts(amount=10))).result()
    assert result.outcome == Outcome.APPROVED
    assert "amount >= 1000 (is 10.0) does not hold" in result.audit[-1].detail


async def test_withdrawal_by_the_requester(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    async with approval_worker(time_skipping_env.client, task_queue, *policy_files) as h:
        handle = await h.start("two_stages", FACTS)
        assert "only the requester" in await _refused(h, handle, "p-lead", Action.WITHDRAW)
        await h.decide(handle, "p-req", Action.WITHDRAW, comment="deal lost")
        assert (await handle.result()).outcome == Outcome.WITHDRAWN


async def test_notification_failures_never_fail_the_case(
    time_skipping_env: WorkflowEnvironment, task_queue: str, policy_files: Files
) -> None:
    notifier = RecordingNotifier(fail=True)
    async with approval_worker(
        time_skipping_env.client, task_queue, *policy_files, notifier=notifier
    ) as h:
        handle = await h.start("two_stages", FACTS)
        await h.decide(handle, "p-lead", Action.APPROVE)
        await h.decide(handle, "p-fin", Action.APPROVE)
        result = await handle.result()
    assert result.outcome == Outcome.APPROVED
    failed = [e for e in result.audit if e.kind == "notification_failed"]
    assert failed and "notification channel down" in failed[0].detail
