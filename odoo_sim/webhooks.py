"""Odoo 17's "Send Webhook Notification": automation rules that POST a record's fields.

As on the recorded server the POST is synchronous, inside the transaction that triggered
it (so before that change commits), with a 1 s timeout and no retry; a failure is logged
and forgotten.
"""

from __future__ import annotations

import ast
import http.client
import json
import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from odoo_sim import domain as domains
from odoo_sim.store import Record

if TYPE_CHECKING:
    from odoo_sim.orm import Env

log = logging.getLogger(__name__)
WEBHOOK_TIMEOUT_SECONDS = 1.0
ACTION_NAME = "Send Webhook Notification"

# Exactly the headers Odoo 17 (python-requests) sent, in order; Host and length are added.
WEBHOOK_HEADERS = (
    ("User-Agent", "python-requests/2.25.1"),
    ("Accept-Encoding", "gzip, deflate"),
    ("Accept", "*/*"),
    ("Connection", "keep-alive"),
    ("Content-Type", "application/json"),
)


@dataclass
class Delivery:
    url: str
    body: bytes
    status: int | None
    error: str | None = None


@dataclass
class Automations:
    """Evaluates automation rules during a call and remembers what it sent."""

    deliveries: list[Delivery] = field(default_factory=list)
    sent_in_call: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _rules(self, env: Env, model: str) -> list[Record]:
        model_ids = env.search("ir.model", [("model", "=", model)], check=False)
        if not model_ids:
            return []
        return [
            env.raw("base.automation", i) | {"id": i}
            for i in env.search("base.automation", [("model_id", "=", model_ids[0])], check=False)
        ]

    def on_create(self, env: Env, model: str, record_id: int) -> None:
        for rule in self._rules(env, model):
            if rule.get("trigger") in ("on_create", "on_create_or_write", "on_state_set") and (
                self._after_matches(env, model, record_id, rule)
            ):
                self._fire(env, model, record_id, rule)

    def on_write(
        self, env: Env, model: str, record_id: int, before: Record, changed: set[str]
    ) -> None:
        for rule in self._rules(env, model):
            trigger = rule.get("trigger")
            if trigger not in ("on_write", "on_create_or_write", "on_state_set"):
                continue
            fields = self._field_names(env, rule.get("trigger_field_ids", []))
            if fields and not fields & changed:
                continue
            if (
                trigger == "on_state_set"
                and fields
                and not self._state_reached(env, model, record_id, rule)
            ):
                continue
            if not self._before_matches(before, rule) or not self._after_matches(
                env, model, record_id, rule
            ):
                continue
            self._fire(env, model, record_id, rule)

    def _state_reached(self, env: Env, model: str, record_id: int, rule: Record) -> bool:
        selection = env.tx.get("ir.model.fields.selection", rule.get("trg_selection_field_id") or 0)
        if not selection:
            return True
        field_record = env.tx.get("ir.model.fields", selection.get("field_id") or 0) or {}
        return env.value(model, record_id, field_record.get("name", "state")) == selection.get(
            "value"
        )

    @staticmethod
    def _field_names(env: Env, field_ids: list[int]) -> set[str]:
        return {str((env.tx.get("ir.model.fields", i) or {}).get("name")) for i in field_ids}

    @staticmethod
    def _parse(text: Any) -> list[Any]:
        return list(ast.literal_eval(text)) if text else []

    def _after_matches(self, env: Env, model: str, record_id: int, rule: Record) -> bool:
        domain = self._parse(rule.get("filter_domain"))
        return domains.evaluate(domain, lambda t: env._leaf(model, record_id, t))

    def _before_matches(self, before: Record, rule: Record) -> bool:
        domain = self._parse(rule.get("filter_pre_domain"))
        return domains.evaluate(
            domain, lambda t: domains.compare(before.get(t[0], False), t[1], t[2])
        )

    def _fire(self, env: Env, model: str, record_id: int, rule: Record) -> None:
        for action_id in env.value("base.automation", rule["id"], "action_server_ids"):
            action = env.raw("ir.actions.server", action_id)
            if action.get("state") != "webhook" or not action.get("webhook_url"):
                continue
            payload: Record = {
                "_action": f"{ACTION_NAME}(#{action_id})",
                "_id": record_id,
                "_model": model,
                "id": record_id,
            }
            for name in sorted(self._field_names(env, action.get("webhook_field_ids", []))):
                payload[name] = env.value(model, record_id, name)
            self.send(str(action["webhook_url"]), payload)

    def send(self, url: str, payload: Record) -> Delivery:
        """POST ``payload`` as Odoo does; never raises."""
        body = json.dumps(payload, sort_keys=True).encode()
        parts = urlsplit(url)
        connection_class = (
            http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        )
        delivery = Delivery(url=url, body=body, status=None)
        try:
            connection = connection_class(parts.netloc, timeout=WEBHOOK_TIMEOUT_SECONDS)
            connection.putrequest("POST", parts.path or "/", skip_accept_encoding=True)
            for name, value in WEBHOOK_HEADERS:
                connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            delivery.status = connection.getresponse().status
            connection.close()
        except Exception as error:  # Odoo logs and carries on
            delivery.error = f"{type(error).__name__}: {error}"
            log.warning("webhook to %s failed: %s", url, delivery.error)
        with self._lock:
            self.deliveries.append(delivery)
            self.sent_in_call += 1
        return delivery
