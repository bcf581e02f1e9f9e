"""Project launch: the order as Govern sees it, and the launch controls (pure)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from governance.approval_messages import OdooRef
from governance.facts import CaseFacts, Parties
from governance.policy import LaunchControls

HOUR_BASED = {"timesheet"}
# How the firm's Odoo maps to policy facts: sales team → business unit, country → region.
BUSINESS_UNIT_BY_TEAM = {
    "Consulting EMEA": "consulting",
    "Consulting Americas": "consulting",
    "Managed Services": "managed_services",
}
REGION_BY_COUNTRY = {"US": "americas", "CA": "americas", "BR": "americas", "MX": "americas"}
TIER_BY_TAG = {"Tier: Strategic": "strategic", "Tier: Key": "key", "Tier: Standard": "standard"}
COMPANY_COUNTRY = "BE"


class OrderLine(BaseModel):
    id: int
    product: str
    service_tracking: str = "no"
    service_type: str = "manual"
    invoice_policy: str = "order"
    quantity: float
    price_unit: float
    discount_pct: float = 0.0
    subtotal: float
    unit_cost: float = 0.0


class LaunchFacts(BaseModel):
    """Everything the launch decides on, gathered from Odoo in a handful of calls."""

    order_id: int
    order_name: str
    state: str
    confirmed: bool
    amount_untaxed: float = 0.0
    amount_total: float = 0.0
    customer_id: int = 0
    customer: str = ""
    customer_country: str | None = None
    customer_tier: str = "standard"
    salesperson_login: str | None = None
    business_unit: str = "consulting"
    payment_term: str | None = None
    fiscal_position: str | None = None
    lines: list[OrderLine] = Field(default_factory=list)
    project_ids: list[int] = Field(default_factory=list)
    milestone_count: int = 0
    allocated_hours: float = 0.0

    @property
    def region(self) -> str:
        return REGION_BY_COUNTRY.get(self.customer_country or "", "emea")

    @property
    def margin_pct(self) -> float | None:
        revenue = sum(line.subtotal for line in self.lines)
        if revenue <= 0:
            return None
        cost = sum(line.unit_cost * line.quantity for line in self.lines)
        return round((revenue - cost) / revenue * 100, 1)

    @property
    def max_discount_pct(self) -> float:
        return max((line.discount_pct for line in self.lines), default=0.0)

    @property
    def sold_hours(self) -> float:
        return sum(line.quantity for line in self.lines if line.service_type in HOUR_BASED)

    def case_facts(self) -> CaseFacts:
        return CaseFacts(
            amount=self.amount_untaxed,
            discount_pct=self.max_discount_pct,
            margin_pct=self.margin_pct,
            customer_tier=self.customer_tier,
            project_type="milestones"
            if any(li.service_type == "milestones" for li in self.lines)
            else "time_and_materials",
            region=self.region,
            business_unit=self.business_unit,
        )


class ControlName(StrEnum):
    PAYMENT_TERMS = "payment_terms"
    BILLING_PLAN = "billing_plan"
    DISCOUNT = "discount"
    MARGIN = "margin"
    STAFFING = "staffing_assumptions"
    TAX_SETUP = "multi_country_tax"


class ControlResult(BaseModel):
    name: ControlName
    passed: bool
    evidence: str


def run_launch_controls(facts: LaunchFacts, limits: LaunchControls) -> list[ControlResult]:
    """Each launch control with its evidence; a failed one needs a waiver to launch."""
    results = [
        ControlResult(
            name=ControlName.PAYMENT_TERMS,
            passed=facts.payment_term is not None,
            evidence=f"payment terms: {facts.payment_term or 'none set on the order'}",
        ),
    ]
    milestone_lines = [li for li in facts.lines if li.service_type == "milestones"]
    if milestone_lines and facts.milestone_count == 0:
        results.append(
            ControlResult(
                name=ControlName.BILLING_PLAN,
                passed=False,
                evidence=f"{len(milestone_lines)} milestone-billed line(s) "
                "but no milestone on the project",
            )
        )
    else:
        kinds = sorted({li.service_type for li in facts.lines}) or ["none"]
        results.append(
            ControlResult(
                name=ControlName.BILLING_PLAN,
                passed=True,
                evidence=f"billing by {', '.join(kinds)}; {facts.milestone_count} milestone(s)",
            )
        )
    results.append(
        ControlResult(
            name=ControlName.DISCOUNT,
            passed=facts.max_discount_pct <= limits.max_discount_pct,
            evidence=f"largest line discount {facts.max_discount_pct:g} % "
            f"(limit {limits.max_discount_pct:g} %)",
        )
    )
    margin = facts.margin_pct
    results.append(
        ControlResult(
            name=ControlName.MARGIN,
            passed=margin is None or margin >= limits.margin_floor_pct,
            evidence=f"margin {margin if margin is not None else 'n/a'} % "
            f"(floor {limits.margin_floor_pct:g} %)",
        )
    )
    sold = facts.sold_hours
    results.append(
        ControlResult(
            name=ControlName.STAFFING,
            passed=sold == 0 or facts.allocated_hours >= sold,
            evidence=f"{sold:g} h sold on timesheets, "
            f"{facts.allocated_hours:g} h allocated on tasks",
        )
    )
    foreign = facts.customer_country not in (None, COMPANY_COUNTRY)
    results.append(
        ControlResult(
            name=ControlName.TAX_SETUP,
            passed=not foreign or facts.fiscal_position is not None,
            evidence=f"customer in {facts.customer_country or 'unknown country'}; fiscal position: "
            f"{facts.fiscal_position or 'none'}",
        )
    )
    return results


class LaunchState(StrEnum):
    WAITING_FOR_COMMIT = "waiting_for_commit"
    NOT_CONFIRMED = "not_confirmed"
    CHECKING = "checking"
    AWAITING_APPROVALS = "awaiting_approvals"
    ACTIVE = "active"
    ON_HOLD = "on_hold"


DEFAULT_COMMIT_WAIT = [1.0, 2.0, 4.0, 8.0, 15.0, 30.0, 60.0, 60.0, 60.0, 60.0]


def commit_wait_schedule(total_seconds: float) -> list[float]:
    """Back-off delays (1, 2, 4... capped at 60 s) adding up to about ``total_seconds``."""
    delays: list[float] = []
    delay = 1.0
    while sum(delays) + delay <= total_seconds:
        delays.append(delay)
        delay = min(delay * 2, 60.0)
    return delays or [total_seconds]


class LaunchRequest(BaseModel):
    """Start (or signal) a governed launch for one confirmed sale order."""

    order_id: int = Field(gt=0)
    source: str = Field(default="api", max_length=40)
    commit_wait: list[float] = Field(default_factory=lambda: list(DEFAULT_COMMIT_WAIT))
    """Odoo sends its webhook before the confirmation commits: re-read after these delays."""


class OrderEvent(BaseModel):
    """A later Odoo event about the order (e.g. its amount changed)."""

    order_id: int
    amount_total: float | None = None
    state: str | None = None


class ProjectHold(BaseModel):
    project_id: int
    status: str  # on_track (active), on_hold, to_define (launch pending)


class StaffingRequest(BaseModel):
    project_id: int
    order_name: str
    hours: float
    facts: CaseFacts
    ref: str


class LaunchSummary(BaseModel):
    odoo: list[OdooRef]
    ref: str
    body: str


class LaunchApproval(BaseModel):
    step: str
    workflow_id: str
    outcome: str = "pending"
    reason: str = ""


class LaunchStatus(BaseModel):
    order_id: int
    order_name: str | None = None
    state: LaunchState
    project_id: int | None = None
    controls: list[ControlResult] = Field(default_factory=list)
    approvals: list[LaunchApproval] = Field(default_factory=list)
    history: list[str] = Field(default_factory=list)
    parties: Parties | None = None
