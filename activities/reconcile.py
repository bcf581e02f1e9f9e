"""Reading Odoo for the reconciliation sweep."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from temporalio import activity

from activities.errors import odoo_failures
from integrations.odoo import OdooGateway

PAGE = 200


class ConfirmedOrdersQuery(BaseModel):
    since: datetime
    limit: int = 200


class ReconcileActivities:
    def __init__(self, odoo: OdooGateway) -> None:
        self._odoo = odoo

    @activity.defn
    @odoo_failures
    def find_confirmed_orders(self, query: ConfirmedOrdersQuery) -> list[int]:
        """Ids of orders confirmed since ``query.since``, newest first, in pages."""
        states = list(self._odoo.dialect().sale_order_confirmed_states)
        domain = [
            ("state", "in", states),
            ("date_order", ">=", query.since.strftime("%Y-%m-%d %H:%M:%S")),
        ]
        ids: list[int] = []
        while len(ids) < query.limit:
            rows = self._odoo.search_read(
                "sale.order",
                domain,
                ["id"],
                limit=min(PAGE, query.limit - len(ids)),
                offset=len(ids),
                order="date_order desc, id desc",
            )
            ids += [row["id"] for row in rows]
            if len(rows) < PAGE:
                break
        return ids
