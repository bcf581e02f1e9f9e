"""Slack: approval requests with buttons, reminders as DMs, messages kept current.

Button values carry only the approval case id and the stage (business keys), never
amounts or personal data. Every message Govern posts is remembered by an idempotency key
(case, stage, kind, person) so a retried activity updates instead of posting twice.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any
from urllib.parse import quote

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from governance.directory import People
from integrations.notify import Delivery
from runtime.logging import get_logger

log = get_logger(__name__)
ACTIONS = (
    ("approve", "Approve", "primary"),
    ("reject", "Reject", "danger"),
    ("request_changes", "Request changes", None),
    ("delegate", "Delegate…", None),
)
# Kinds that close a person's request message: it is edited, its buttons go.
CLOSING_KINDS = {"stage_closed", "withdrawn", "expired"}
# Kinds that end a case: a summary line goes to the configured channel.
SUMMARY_KINDS = {
    "approved",
    "rejected",
    "expired",
    "launch_on_hold",
    "invoice_ready",
    "change_request_closed",
    "unroutable",
}


class SlackDeliveryError(Exception):
    """Slack did not take the message; ``retryable`` says whether trying again may help."""

    def __init__(self, message: str, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


class SentMessages:
    """Where Govern posted what (SQLite), so retries and later updates find the message."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS sent (key TEXT PRIMARY KEY, channel TEXT, ts TEXT)"
        )
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[str, str] | None:
        with self._lock:
            row = self._db.execute("SELECT channel, ts FROM sent WHERE key = ?", (key,)).fetchone()
        return (row[0], row[1]) if row else None

    def put(self, key: str, channel: str, ts: str) -> None:
        with self._lock:
            self._db.execute("INSERT OR REPLACE INTO sent VALUES (?, ?, ?)", (key, channel, ts))


def request_blocks(
    case_key: str, stage: str, title: str, detail: str, links: dict[str, str]
) -> list[dict[str, Any]]:
    """What an approver sees: what is asked, why, links, and the four buttons."""
    value = json.dumps({"case": case_key, "stage": stage})
    link_text = "  ".join(f"<{url}|{name}>" for name, url in links.items())
    return [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*\nStage: {stage}"}},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": f"Why: {detail}"[:2900]}]},
        *(
            [{"type": "context", "elements": [{"type": "mrkdwn", "text": link_text}]}]
            if link_text
            else []
        ),
        {
            "type": "actions",
            "block_id": "govern_decision",
            "elements": [
                {
                    "type": "button",
                    "action_id": f"govern_{action}",
                    "text": {"type": "plain_text", "text": label},
                    "value": value,
                    **({"style": style} if style else {}),
                }
                for action, label, style in ACTIONS
            ],
        },
    ]


def closed_blocks(title: str, stage: str, detail: str) -> list[dict[str, Any]]:
    return [
        {
            "type": "section",
            "text": {"type": "mrkdwn", "text": f"*{title}*\nStage: {stage} — {detail}"},
        }
    ]


class SlackNotifier:
    """A Notifier for Slack: DMs each person through their Slack id from the directory."""

    def __init__(
        self,
        client: WebClient,
        people: People,
        sent: SentMessages,
        temporal_ui: str | None = None,
        namespace: str = "default",
        odoo_url: str | None = None,
        summary_channel: str | None = None,
    ) -> None:
        self._client = client
        self._people = people.by_id()
        self._sent = sent
        self._temporal_ui = temporal_ui.rstrip("/") if temporal_ui else None
        self._namespace = namespace
        self._odoo_url = odoo_url.rstrip("/") if odoo_url else None
        self._summary_channel = summary_channel

    def _links(self, case_key: str, record: tuple[str, int] | None) -> dict[str, str]:
        links = {}
        if self._odoo_url and record:
            links["Odoo record"] = f"{self._odoo_url}/web#model={record[0]}&id={record[1]}"
        if self._temporal_ui:
            links["Temporal UI"] = (
                f"{self._temporal_ui}/namespaces/{self._namespace}/workflows/"
                f"{quote(case_key, safe='')}"
            )
        return links

    def _summary(self, kind: str, case_key: str, title: str, detail: str) -> None:
        """When a case ends, once, a line in the configured channel."""
        key = f"{case_key}|summary|{kind}"
        if not self._summary_channel or kind not in SUMMARY_KINDS or self._sent.get(key):
            return
        text = f"*{title}* — {kind.replace('_', ' ')}" + (f": {detail}" if detail else "")
        answer = self._call("chat_postMessage", channel=self._summary_channel, text=text)
        self._sent.put(key, answer["channel"], answer["ts"])

    def send(self, delivery: Delivery) -> str:
        recipient, kind, case_key, title, detail, stage, record = (
            delivery.recipient,
            delivery.kind,
            delivery.case_key,
            delivery.title,
            delivery.detail,
            delivery.stage,
            delivery.record,
        )
        self._summary(kind, case_key, title, detail)
        person = self._people.get(recipient)
        if person is None or not person.slack_id:
            return f"skipped:{recipient} has no Slack id"
        request_key = f"{case_key}|{stage}|request|{recipient}"
        if kind in CLOSING_KINDS and (found := self._sent.get(request_key)) is not None:
            # The request message stops offering buttons that no longer do anything.
            self._call(
                "chat_update",
                channel=found[0],
                ts=found[1],
                text=f"{title}: {detail}",
                blocks=closed_blocks(title, stage or "", f"{kind.replace('_', ' ')}: {detail}"),
            )
            return f"updated:{found[1]}"
        if kind == "stage_closed":
            return "nothing to update"
        key = (
            request_key
            if kind in ("requested", "escalated")
            else f"{case_key}|{stage}|{kind}|{recipient}|{detail}"
        )
        if (found := self._sent.get(key)) is not None:
            return f"already:{found[1]}"  # a retry: the message is there
        if kind in ("requested", "escalated"):
            blocks = request_blocks(
                case_key, stage or "", title, detail, self._links(case_key, record)
            )
        else:
            blocks = [
                {
                    "type": "section",
                    "text": {
                        "type": "mrkdwn",
                        "text": f"*{kind.replace('_', ' ')}* — {title}\n{detail}",
                    },
                }
            ]
        answer = self._call(
            "chat_postMessage", channel=person.slack_id, text=f"{title}: {kind}", blocks=blocks
        )
        self._sent.put(key, answer["channel"], answer["ts"])
        return f"posted:{answer['ts']}"

    def _call(self, method: str, **kwargs: Any) -> Any:
        try:
            return getattr(self._client, method)(**kwargs)
        except SlackApiError as error:
            status = error.response.status_code if error.response is not None else 0
            raise SlackDeliveryError(
                f"Slack {method}: {error.response.get('error') if error.response else error}",
                retryable=status >= 500 or status == 429,
            ) from error
        except OSError as error:  # unreachable
            raise SlackDeliveryError(f"Slack {method}: {error}", retryable=True) from error
