"""Project-launch activities: read the order, hold and release the project, staffing
requests and launch summaries in Odoo. Every write is keyed by the case, so a retry after
a crash never writes twice."""

from __future__ import annotations

import threading
import time
from contextlib import suppress
from typing import Any

from temporalio import activity

from activities.errors import odoo_failures
from governance.directory import People
from governance.facts import Parties
from governance.launch import (
    BUSINESS_UNIT_BY_TEAM,
    TIER_BY_TAG,
    LaunchFacts,
    LaunchSummary,
    OrderLine,
    ProjectHold,
    StaffingRequest,
)
from governance.policy import ApproverRef
from integrations.odoo import OdooGateway, OdooMissingError

ORDER_FIELDS = [
    "name",
    "state",
    "amount_untaxed",
    "amount_total",
    "partner_id",
    "user_id",
    "payment_term_id",
    "fiscal_position_id",
    "team_id",
    "order_line",
    "project_ids",
]
LINE_FIELDS = ["product_id", "product_uom_qty", "price_unit", "discount", "price_subtotal"]
PRODUCT_FIELDS = ["service_tracking", "service_type", "invoice_policy", "standard_price"]
CATALOGUE_TTL_SECONDS = 300.0


class _TtlCache:
    """Products, tags and user logins change rarely: read them once per few minutes."""

    def __init__(self, ttl: float) -> None:
        self._ttl = ttl
        self._values: dict[tuple[str, int], tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get_many(self, model: str, ids: list[int], load: Any) -> dict[int, Any]:
        now = time.monotonic()
        with self._lock:
            fresh = {i: self._values.get((model, i)) for i in ids}
        hit = {i: e[1] for i, e in fresh.items() if e is not None and now - e[0] < self._ttl}
        missing = [i for i in ids if i not in hit]
        if missing:
            for record in load(missing):
                hit[record["id"]] = record
                with self._lock:
                    self._values[(model, record["id"])] = (now, record)
        return hit


class LaunchActivities:
    """Odoo reads and writes of the project-launch lifecycle.

    Args:
        odoo: the gateway.
        people: the directory, to turn Odoo users into approvers' person ids.
    """

    def __init__(self, odoo: OdooGateway, people: People) -> None:
        self._odoo = odoo
        self._people = people
        self._cache = _TtlCache(CATALOGUE_TTL_SECONDS)
        self._searches: dict[tuple[str, str], tuple[float, list[int]]] = {}

    @activity.defn
    @odoo_failures
    def gather_launch_facts(self, order_id: int) -> LaunchFacts:
        """The order and what the controls need; stops after one read if not confirmed."""
        odoo = self._odoo
        rows = odoo.read("sale.order", [order_id], ORDER_FIELDS)
        if not rows:
            return LaunchFacts(order_id=order_id, order_name="", state="missing", confirmed=False)
        order = rows[0]
        confirmed = order["state"] in odoo.dialect().sale_order_confirmed_states
        facts = LaunchFacts(
            order_id=order_id, order_name=order["name"], state=order["state"], confirmed=confirmed
        )
        if not confirmed:
            return facts
        lines = odoo.read("sale.order.line", order["order_line"], LINE_FIELDS)
        product_ids = sorted({li["product_id"][0] for li in lines if li["product_id"]})
        products = self._cache.get_many(
            "product.product",
            product_ids,
            lambda ids: odoo.read("product.product", ids, PRODUCT_FIELDS),
        )
        partner = odoo.read(
            "res.partner", [order["partner_id"][0]], ["name", "country_id", "category_id"]
        )[0]
        tags = self._cache.get_many(
            "res.partner.category",
            partner["category_id"],
            lambda ids: odoo.read("res.partner.category", ids, ["name"]),
        )
        tier = next(
            (TIER_BY_TAG[t["name"]] for t in tags.values() if t["name"] in TIER_BY_TAG), "standard"
        )
        country = self._cache.get_many(
            "res.country",
            [partner["country_id"][0]] if partner["country_id"] else [],
            lambda ids: odoo.read("res.country", ids, ["code"]),
        )
        salesperson = self._cache.get_many(
            "res.users",
            [order["user_id"][0]] if order["user_id"] else [],
            lambda ids: odoo.read("res.users", ids, ["login"]),
        )
        projects = order["project_ids"]
        tasks = (
            odoo.search_read("project.task", [("project_id", "in", projects)], ["allocated_hours"])
            if projects
            else []
        )
        billed_by_milestone = any(
            products.get(li["product_id"][0] if li["product_id"] else 0, {}).get("service_type")
            == "milestones"
            for li in lines
        )
        milestones = (
            odoo.search_count("project.milestone", [("project_id", "in", projects)])
            if projects and billed_by_milestone
            else 0
        )
        team = order["team_id"][1] if order["team_id"] else ""
        return facts.model_copy(
            update={
                "amount_untaxed": order["amount_untaxed"],
                "amount_total": order["amount_total"],
                "customer_id": order["partner_id"][0],
                "customer": partner["name"],
                "customer_country": next(iter(country.values()), {}).get("code"),
                "customer_tier": tier,
                "salesperson_login": next(iter(salesperson.values()), {}).get("login"),
                "business_unit": BUSINESS_UNIT_BY_TEAM.get(team, "consulting"),
                "payment_term": order["payment_term_id"][1] if order["payment_term_id"] else None,
                "fiscal_position": order["fiscal_position_id"][1]
                if order["fiscal_position_id"]
                else None,
                "lines": [
                    _line(li, products.get(li["product_id"][0] if li["product_id"] else 0, {}))
                    for li in lines
                ],
                "project_ids": projects,
                "milestone_count": milestones,
                "allocated_hours": sum(float(t["allocated_hours"] or 0) for t in tasks),
            }
        )

    @activity.defn
    def person_for_login(self, login: str) -> str | None:
        """The directory id of an Odoo user (None when the directory does not know them)."""
        person = self._people.find(login)
        return person.id if person else None

    @activity.defn
    @odoo_failures
    def ensure_launch_project(self, facts: LaunchFacts) -> int:
        """The order's project: the one Odoo created on confirmation, or one made now, once."""
        if facts.project_ids:
            return facts.project_ids[0]
        project_id, _ = self._odoo.ensure_record(
            "project.project",
            [("sale_order_id", "=", facts.order_id)],
            {
                "name": f"{facts.order_name} - {facts.customer}",
                "sale_order_id": facts.order_id,
                "partner_id": facts.customer_id,
                "allow_billable": True,
                "allow_timesheets": True,
                "last_update_status": "to_define",
            },
        )
        return project_id

    @activity.defn
    @odoo_failures
    def set_project_status(self, hold: ProjectHold) -> None:
        """Launch pending (to_define), active (on_track) or on hold (the summary says why)."""
        self._odoo.write("project.project", [hold.project_id], {"last_update_status": hold.status})

    @activity.defn
    @odoo_failures
    def raise_staffing_request(self, request: StaffingRequest) -> int:
        """A To-Do activity on the project for the resource manager (see README: why)."""
        summary = f"Staffing request {request.order_name} [govern:{request.ref}]"
        managers = self._people.resolve(
            ApproverRef(role="resource_manager"), request.facts, Parties(requester="govern")
        )
        by_id = self._people.by_id()
        logins = [by_id[m].odoo_login for m in managers if by_id[m].odoo_login]
        user_ids = self._cached_search("res.users", [("login", "in", logins)]) if logins else []
        model_id = self._cached_search("ir.model", [("model", "=", "project.project")])[0]
        activity_id, _ = self._odoo.ensure_record(
            "mail.activity",
            [("res_id", "=", request.project_id), ("summary", "=", summary)],
            {
                "res_model_id": model_id,
                "res_id": request.project_id,
                "summary": summary,
                "note": f"Staff {request.hours:g} h sold on {request.order_name}.",
                "activity_type_id": 4,
                **({"user_id": user_ids[0]} if user_ids else {}),
            },
            look_first=activity.info().attempt > 1,  # the summary carries the case's reference
        )
        return activity_id

    @activity.defn
    @odoo_failures
    def close_staffing_request(self, activity_id: int) -> None:
        """Mark the staffing To-Do done (Odoo's own action_feedback); gone already is fine."""
        # Gone already: done by a person in Odoo, or by an earlier attempt of this activity.
        with suppress(OdooMissingError):
            self._odoo.execute_kw(
                "mail.activity",
                "action_feedback",
                [[activity_id]],
                {"feedback": "Staffing approved in Govern"},
            )

    @activity.defn
    @odoo_failures
    def post_launch_summary(self, summary: LaunchSummary) -> None:
        for ref in summary.odoo:
            self._post_once(ref.model, ref.id, summary.body, f"{summary.ref}/{ref.model}")

    def _cached_search(self, model: str, domain: list[Any]) -> list[int]:
        key = (model, repr(domain))
        now = time.monotonic()
        hit = self._searches.get(key)
        if hit and now - hit[0] < CATALOGUE_TTL_SECONDS:
            return hit[1]
        ids = self._odoo.search(model, domain, limit=1)
        self._searches[key] = (now, ids)
        return ids

    def _post_once(self, model: str, record_id: int, body: str, ref: str) -> None:
        # A first attempt cannot have posted before: it skips the look-up Odoo call.
        self._odoo.post_message_once(
            model, record_id, body, govern_ref=ref, look_first=activity.info().attempt > 1
        )


def _line(line: dict[str, Any], product: dict[str, Any]) -> OrderLine:
    return OrderLine(
        id=line["id"],
        product=line["product_id"][1] if line["product_id"] else "",
        service_tracking=product.get("service_tracking") or "no",
        service_type=product.get("service_type") or "manual",
        invoice_policy=product.get("invoice_policy") or "order",
        quantity=float(line["product_uom_qty"]),
        price_unit=float(line["price_unit"]),
        discount_pct=float(line["discount"] or 0),
        subtotal=float(line["price_subtotal"]),
        unit_cost=float(product.get("standard_price") or 0),
    )
