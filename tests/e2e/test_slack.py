"""Approvals in Slack: signed interactions against a local fake of the Slack Web API."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import SecretStr
from slack_sdk import WebClient
from temporalio.client import Client

from governance.approval_case import Action, DecisionInput
from governance.directory import load_people
from governance.facts import CaseFacts
from integrations.notify import Delivery
from integrations.slack import SentMessages, SlackNotifier
from runtime.temporal_servers import free_port
from starters.http_api import create_app
from starters.http_server import http_service
from starters.intake import Intake
from starters.outbox import Outbox
from starters.slack_app import create_slack_app, temporal_decide
from tests.e2e.fake_slack import FakeSlack, block_action, signed, view_submission
from tests.e2e.service_stack import wait_for
from tests.workflows.approval_harness import ApprovalHarness, approval_worker
from tests.workflows.conftest import POLICY
from workflows.approval import ApprovalWorkflow

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
PEOPLE = """
people:
  - {id: p-req, name: Requester, slack_id: U0REQ}
  - {id: p-lead, name: Lead, slack_id: U0LEAD, roles: [{role: lead}]}
  - {id: p-fin, name: Finance, email: fin@firm.example, roles: [{role: finance}]}
  - {id: p-head, name: Head, slack_id: U0HEAD, roles: [{role: head}]}
  - {id: p-other, name: Other, slack_id: U0OTHER}
"""


@dataclass
class SlackStack:
    harness: ApprovalHarness
    slack: FakeSlack
    url: str

    async def click(
        self,
        user: str,
        action: str,
        value: str,
        secret: str = SECRET,
        timestamp: float | None = None,
    ) -> httpx.Response:
        body, headers = signed(
            secret,
            block_action(user, action, value, f"{self.slack.url}/response/{uuid.uuid4().hex[:6]}"),
            timestamp,
        )
        async with httpx.AsyncClient() as http:
            return await http.post(f"{self.url}/slack/events", content=body, headers=headers)

    def button_value(self, user: str) -> str:
        [message] = [
            m
            for m in self.slack.posted(user)
            if "blocks" in m and any(b.get("type") == "actions" for b in m["blocks"])
        ][-1:]
        actions = next(b for b in message["blocks"] if b["type"] == "actions")
        return str(actions["elements"][0]["value"])


@asynccontextmanager
async def slack_stack(client: Client, tmp_path: Path, task_queue: str) -> AsyncIterator[SlackStack]:
    policy, people_file = tmp_path / "policy.yaml", tmp_path / "people.yaml"
    policy.write_text(POLICY)
    people_file.write_text(PEOPLE)
    people = load_people(people_file)
    slack = FakeSlack(emails={"U0FIN": "fin@firm.example", "U0NOBODY": "nobody@else.example"})
    web = WebClient(token="xoxb-test", base_url=f"{slack.url}/api/")
    notifier = SlackNotifier(
        web,
        people,
        SentMessages(tmp_path / "sent.sqlite"),
        temporal_ui="http://127.0.0.1:8233",
        odoo_url="http://odoo.test",
        summary_channel="C0GOVERN",
    )

    async def provide() -> Client:
        return client

    app = create_app(
        Intake(Outbox(tmp_path / "intake.sqlite"), task_queue, provide),
        provide,
        SecretStr("w"),
        SecretStr("a"),
        slack=create_slack_app(
            SECRET, web, people, temporal_decide(provide), asyncio.get_running_loop()
        ),
    )
    port = free_port()
    try:
        async with (
            approval_worker(client, task_queue, policy, people_file, notifier=notifier) as h,
            http_service(app, "127.0.0.1", port),
        ):
            yield SlackStack(h, slack, f"http://127.0.0.1:{port}")
    finally:
        slack.close()


async def _requested(stack: SlackStack, user: str) -> str:
    async def posted() -> str | None:
        try:
            return stack.button_value(user)
        except (ValueError, StopIteration):
            return None

    return await wait_for(posted)


async def _answer(stack: SlackStack, count: int = 1) -> list[dict[str, Any]]:
    async def answered() -> list[dict[str, Any]] | None:
        return stack.slack.responses if len(stack.slack.responses) >= count else None

    return await wait_for(answered)


async def test_approve_and_reject_from_buttons(
    dev_client: Client, tmp_path: Path, task_queue: str
) -> None:
    async with slack_stack(dev_client, tmp_path, task_queue) as stack:
        handle = await stack.harness.start("two_stages", CaseFacts(amount=90000))
        value = await _requested(stack, "U0LEAD")
        assert json.loads(value) == {"case": handle.id, "stage": "first"}  # no amounts, no names
        [request] = stack.slack.posted("U0LEAD")
        shown = json.dumps(request["blocks"])
        assert "Requested by p-req; amount at stake 90,000.00" in shown
        assert "http://127.0.0.1:8233/namespaces/default/workflows/" in shown
        clicked = await stack.click("U0LEAD", "govern_approve", value)
        assert clicked.status_code == 200  # acknowledged; the answer follows by response_url
        [answer] = await _answer(stack)
        assert answer["text"].startswith("Done: approve recorded")
        status = await stack.harness.status(handle)
        assert status.stage == "second"
        assert any("stage closed" in json.dumps(u["blocks"]) for u in stack.slack.updates())
        # p-fin has no Slack id in the directory: found by the e-mail users.info gives.
        await wait_for(lambda: _has_request(stack, handle.id))
        await stack.click(
            "U0FIN", "govern_reject", json.dumps({"case": handle.id, "stage": "second"})
        )
        answers = await _answer(stack, 2)
        assert answers[1]["text"].startswith("Done: reject recorded")
        assert (await handle.result()).outcome.value == "rejected"

        async def summarised() -> bool:
            return any("rejected" in m["text"] for m in stack.slack.posted("C0GOVERN"))

        await wait_for(summarised)  # one line in the team's channel when the case ends


async def _has_request(stack: SlackStack, case: str) -> bool:
    status = await stack.harness.status(stack.harness.client.get_workflow_handle(case))
    return status.stage == "second"


async def test_delegate_through_the_modal(
    dev_client: Client, tmp_path: Path, task_queue: str
) -> None:
    async with slack_stack(dev_client, tmp_path, task_queue) as stack:
        handle = await stack.harness.start("two_stages", CaseFacts())
        value = await _requested(stack, "U0LEAD")
        await stack.click("U0LEAD", "govern_delegate", value)
        await wait_for(lambda: _called(stack, "views.open"))
        view = next(p for m, p in stack.slack.calls if m == "views.open")["view"]
        body, headers = signed(
            SECRET, view_submission("U0LEAD", view["private_metadata"], "p-head", "on leave")
        )
        async with httpx.AsyncClient() as http:
            submitted = await http.post(f"{stack.url}/slack/events", content=body, headers=headers)
        assert submitted.status_code == 200

        async def delegated() -> bool:
            return (await stack.harness.status(handle)).pending_approvers == ["p-head"]

        await wait_for(delegated)
        assert await _requested(stack, "U0HEAD")  # the delegate got the buttons
        status = await stack.harness.status(handle)
        event = next(e for e in status.state.audit if e.kind == "delegate")
        assert (event.actor, event.via, event.detail) == ("p-lead", "slack", "on leave")


async def _called(stack: SlackStack, method: str) -> bool:
    return any(m == method for m, _ in stack.slack.calls)


async def test_forged_or_stale_requests_are_refused(
    dev_client: Client, tmp_path: Path, task_queue: str
) -> None:
    async with slack_stack(dev_client, tmp_path, task_queue) as stack:
        handle = await stack.harness.start("two_stages", CaseFacts())
        value = await _requested(stack, "U0LEAD")
        forged = await stack.click("U0LEAD", "govern_approve", value, secret="not-the-secret")
        stale = await stack.click("U0LEAD", "govern_approve", value, timestamp=time.time() - 6 * 60)
        assert (forged.status_code, stale.status_code) == (401, 401)
        await asyncio.sleep(0.5)
        status = await stack.harness.status(handle)
        assert status.stage == "first" and stack.slack.responses == []


async def test_unknown_user_and_unauthorized_approver_are_told(
    dev_client: Client, tmp_path: Path, task_queue: str
) -> None:
    async with slack_stack(dev_client, tmp_path, task_queue) as stack:
        handle = await stack.harness.start("two_stages", CaseFacts())
        value = await _requested(stack, "U0LEAD")
        await stack.click("U0NOBODY", "govern_approve", value)
        await stack.click("U0OTHER", "govern_approve", value)
        answers = await _answer(stack, 2)
        texts = sorted(a["text"] for a in answers)
        assert texts[0].startswith("Govern does not know your Slack account")
        assert texts[1].startswith("Refused: p-other is not an approver of stage 'first'")
        assert (await stack.harness.status(handle)).stage == "first"


async def test_double_click_makes_one_decision(
    dev_client: Client, tmp_path: Path, task_queue: str
) -> None:
    async with slack_stack(dev_client, tmp_path, task_queue) as stack:
        handle = await stack.harness.start("two_stages", CaseFacts())
        value = await _requested(stack, "U0LEAD")
        await asyncio.gather(
            stack.click("U0LEAD", "govern_approve", value),
            stack.click("U0LEAD", "govern_approve", value),
        )
        await _answer(stack, 2)
        status = await stack.harness.status(handle)
        assert [e.kind for e in status.state.audit].count("approve") == 1


async def test_decided_elsewhere_updates_the_slack_message(
    dev_client: Client, tmp_path: Path, task_queue: str
) -> None:
    async with slack_stack(dev_client, tmp_path, task_queue) as stack:
        handle = await stack.harness.start("two_stages", CaseFacts())
        await _requested(stack, "U0LEAD")
        await handle.execute_update(
            ApprovalWorkflow.decide,
            DecisionInput(decision_id="cli-1", actor="p-lead", action=Action.APPROVE, via="cli"),
        )

        async def updated() -> bool:
            return any(
                "approved" in json.dumps(u["blocks"]) and u["channel"] == "U0LEAD"
                for u in stack.slack.updates()
            )

        await wait_for(updated)
        [update] = [u for u in stack.slack.updates() if u["channel"] == "U0LEAD"]
        assert "actions" not in json.dumps(update["blocks"])  # no live buttons left


async def test_slack_refusing_every_call_never_fails_the_case(
    dev_client: Client, tmp_path: Path, task_queue: str
) -> None:
    async with slack_stack(dev_client, tmp_path, task_queue) as stack:
        stack.slack.failing = True
        handle = await stack.harness.start("two_stages", CaseFacts())
        h = stack.harness
        await wait_for(lambda: _pending(h, handle, ["p-lead"]))
        await h.decide(handle, "p-lead", Action.APPROVE)
        await h.decide(handle, "p-fin", Action.APPROVE)
        result = await handle.result()
    assert result.outcome.value == "approved"
    undelivered = [e for e in result.audit if e.kind == "notification_failed"]
    assert undelivered and "account_inactive" in undelivered[0].detail


async def _pending(h: ApprovalHarness, handle: Any, people: list[str]) -> bool:
    try:
        return (await h.status(handle)).pending_approvers == people
    except Exception:
        return False


def test_unreachable_slack_is_a_retryable_failure() -> None:
    from integrations.slack import SlackDeliveryError

    people = load_people_from_text(PEOPLE)
    web = WebClient(token="xoxb-test", base_url=f"http://127.0.0.1:{free_port()}/api/", timeout=1)
    notifier = SlackNotifier(web, people, SentMessages(":memory:"))
    with pytest.raises(SlackDeliveryError) as failure:
        notifier.send(Delivery("p-lead", "requested", "case-1", "Title", "why", stage="first"))
    assert failure.value.retryable


def load_people_from_text(text: str):  # type: ignore[no-untyped-def]
    import yaml

    from governance.directory import People

    return People.model_validate(yaml.safe_load(text))
