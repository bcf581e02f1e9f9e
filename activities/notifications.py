"""Notification activities: best effort; the workflow never fails because of them."""

from __future__ import annotations

from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.errors import odoo_failures
from governance.approval_messages import ChatterPost, ChatterReceipt, NotifyRequest
from integrations.notify import Delivery, Notifier
from integrations.odoo import OdooGateway
from integrations.slack import SlackDeliveryError


class NotificationActivities:
    def __init__(self, notifier: Notifier) -> None:
        self._notifier = notifier

    @activity.defn
    def notify(self, request: NotifyRequest) -> list[str]:
        """Tell every recipient of the notice; returns the delivery ids."""
        notice = request.notice
        record = (request.odoo.model, request.odoo.id) if request.odoo else None
        try:
            return [
                self._notifier.send(
                    Delivery(
                        recipient=person,
                        kind=notice.kind,
                        case_key=request.case_key,
                        title=request.title,
                        detail=notice.detail,
                        stage=notice.stage,
                        record=record,
                    )
                )
                for person in notice.recipients
            ]
        except SlackDeliveryError as error:
            raise ApplicationError(
                str(error), type="SlackDeliveryError", non_retryable=not error.retryable
            ) from error


class OdooChatterActivities:
    def __init__(self, odoo: OdooGateway | None) -> None:
        self._odoo = odoo

    @activity.defn
    @odoo_failures
    def post_to_chatter(self, post: ChatterPost) -> ChatterReceipt:
        """Post one audit event to the record's chatter, once, whatever the retries."""
        if self._odoo is None:
            from temporalio.exceptions import ApplicationError

            raise ApplicationError(
                "Odoo is not configured", type="OdooNotConfigured", non_retryable=True
            )
        message_id, created = self._odoo.post_message_once(
            post.odoo.model,
            post.odoo.id,
            post.body,
            govern_ref=post.ref,
            look_first=activity.info().attempt > 1,
        )
        return ChatterReceipt(message_id=message_id, created=created)
