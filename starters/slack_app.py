"""Slack interactivity: approvers decide from buttons (and a modal to delegate).

Every request is signature-checked by Bolt (signing secret, 5-minute window) and
acknowledged at once; the decision then goes to the case as the ``decide`` update and the
person gets the answer — done, or refused with the reason — through the response URL.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from slack_bolt import App
from slack_sdk import WebClient

from governance.approval_case import Action, DecisionInput, DecisionResult
from governance.directory import People
from runtime.logging import get_logger

log = get_logger(__name__)
Decide = Callable[[str, DecisionInput], Awaitable[DecisionResult]]
DECISION_TIMEOUT_SECONDS = 20.0


class Refused(Exception):
    """The case said no; the message is for the person."""


def _person(client: WebClient, people: People, slack_user: str) -> str | None:
    """The directory id of a Slack user: by Slack id, else by the e-mail Slack knows."""
    found = people.find(slack_user)
    if found:
        return found.id
    try:
        email = client.users_info(user=slack_user)["user"]["profile"].get("email")
    except Exception as error:  # Slack down or the user gone: unknown is the answer
        log.warning("users.info failed", error=str(error))
        return None
    found = people.find(email) if email else None
    return found.id if found else None


def create_slack_app(
    signing_secret: str,
    client: WebClient,
    people: People,
    decide: Decide,
    loop: asyncio.AbstractEventLoop,
) -> App:
    app = App(
        signing_secret=signing_secret,
        client=client,
        token_verification_enabled=False,
        request_verification_enabled=True,
    )

    def run(case: str, decision: DecisionInput) -> str:
        future = asyncio.run_coroutine_threadsafe(decide(case, decision), loop)
        try:
            result = future.result(DECISION_TIMEOUT_SECONDS)
        except Refused as refusal:
            return f"Refused: {refusal}"
        return f"Done: {result.message} ({case}, now {result.outcome.value})."

    @app.action(re.compile(r"^govern_(approve|reject|request_changes)$"))
    def decide_from_button(
        ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any, client: WebClient
    ) -> None:
        ack()
        target = json.loads(action["value"])
        person = _person(client, people, body["user"]["id"])
        if person is None:
            respond(
                text="Govern does not know your Slack account: ask to be added to the "
                "directory (people file) with your Slack id or e-mail.",
                replace_original=False,
                response_type="ephemeral",
            )
            return
        kind = action["action_id"].removeprefix("govern_")
        decision = DecisionInput(
            # The same click twice is the same decision: the case answers the first result.
            decision_id=f"slack:{target['case']}:{target['stage']}:{person}:{kind}"[:120],
            actor=person,
            action=Action(kind),
            stage=target["stage"],
            via="slack",
        )
        respond(
            text=run(target["case"], decision), replace_original=False, response_type="ephemeral"
        )

    @app.action("govern_delegate")
    def open_delegate_modal(
        ack: Any, body: dict[str, Any], action: dict[str, Any], client: WebClient
    ) -> None:
        ack()
        client.views_open(
            trigger_id=body["trigger_id"],
            view={
                "type": "modal",
                "callback_id": "govern_delegate_modal",
                "private_metadata": action["value"],
                "title": {"type": "plain_text", "text": "Delegate"},
                "submit": {"type": "plain_text", "text": "Delegate"},
                "blocks": [
                    {
                        "type": "input",
                        "block_id": "delegate",
                        "label": {"type": "plain_text", "text": "To (directory id)"},
                        "element": {"type": "plain_text_input", "action_id": "value"},
                    },
                    {
                        "type": "input",
                        "block_id": "comment",
                        "optional": True,
                        "label": {"type": "plain_text", "text": "Comment"},
                        "element": {
                            "type": "plain_text_input",
                            "action_id": "value",
                            "multiline": True,
                        },
                    },
                ],
            },
        )

    @app.view("govern_delegate_modal")
    def delegate_from_modal(
        ack: Any, body: dict[str, Any], view: dict[str, Any], client: WebClient
    ) -> None:
        ack()  # closes the modal; the answer comes as a DM
        target = json.loads(view["private_metadata"])
        values = view["state"]["values"]
        slack_user = body["user"]["id"]
        person = _person(client, people, slack_user)
        if person is None:
            client.chat_postMessage(
                channel=slack_user, text="Govern does not know your Slack account."
            )
            return
        try:
            decision = DecisionInput(
                decision_id=f"slack:{target['case']}:{target['stage']}:{person}:delegate"[:120],
                actor=person,
                action=Action.DELEGATE,
                stage=target["stage"],
                via="slack",
                delegate_to=(values["delegate"]["value"]["value"] or "").strip() or None,
                comment=(values.get("comment", {}).get("value", {}).get("value") or "")[:4000],
            )
        except ValidationError:
            client.chat_postMessage(
                channel=slack_user, text="Refused: the delegate must be a directory id, e.g. p-sam."
            )
            return
        client.chat_postMessage(channel=slack_user, text=run(target["case"], decision))

    return app


def temporal_decide(client: Callable[[], Awaitable[Any]]) -> Decide:
    """Deliver a decision as the case's ``decide`` update; refusals become :class:`Refused`."""
    from temporalio.client import WorkflowUpdateFailedError
    from temporalio.service import RPCError, RPCStatusCode

    from workflows.approval import ApprovalWorkflow

    async def decide(case: str, decision: DecisionInput) -> DecisionResult:
        handle = (await client()).get_workflow_handle(case)
        try:
            return await handle.execute_update(ApprovalWorkflow.decide, decision)
        except WorkflowUpdateFailedError as error:
            raise Refused(str(error.cause or error).removeprefix("ValueError: ")) from None
        except RPCError as error:
            if error.status == RPCStatusCode.NOT_FOUND:
                raise Refused("this approval is already closed") from None
            raise

    return decide
