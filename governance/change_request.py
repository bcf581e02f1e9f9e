"""Change requests: scope, budget, hours and margin deltas on a running project."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from governance.directory import PERSON_ID
from governance.facts import CaseFacts


class ChangeRequestInput(BaseModel):
    """A proposed change; ``request_key`` names it (an Odoo task, an n8n run...)."""

    project_id: int = Field(gt=0)
    request_key: str = Field(min_length=1, max_length=80, pattern=r"^[\w.:@-]+$")
    description: str = Field(min_length=1, max_length=500)
    hours_delta: float = 0.0
    amount_delta: float = 0.0
    cost_delta: float = 0.0
    customer_approval_required: bool = False
    requested_by: str = Field(pattern=PERSON_ID)
    price_from_hours: bool = False
    """Price the hours at the order's service rate and cost (used for Odoo-task requests)."""


class ChangeImpact(BaseModel):
    """The change measured against what Odoo knows of the project and its order."""

    project_id: int
    project_name: str
    order_id: int | None = None
    order_name: str | None = None
    customer: str = ""
    business_unit: str = "consulting"
    region: str = "emea"
    budget_before: float = 0.0
    cost_before: float = 0.0
    allocated_hours_before: float = 0.0
    amount_delta: float = 0.0
    cost_delta: float = 0.0
    hours_delta: float = 0.0
    amendment_product_id: int | None = None

    @property
    def budget_impact_pct(self) -> float:
        if self.budget_before > 0:
            return round(abs(self.amount_delta) / self.budget_before * 100, 1)
        if self.allocated_hours_before > 0:
            return round(abs(self.hours_delta) / self.allocated_hours_before * 100, 1)
        return 100.0

    @staticmethod
    def _margin(revenue: float, cost: float) -> float | None:
        return round((revenue - cost) / revenue * 100, 1) if revenue > 0 else None

    @property
    def margin_before_pct(self) -> float | None:
        return self._margin(self.budget_before, self.cost_before)

    @property
    def margin_after_pct(self) -> float | None:
        return self._margin(
            self.budget_before + self.amount_delta, self.cost_before + self.cost_delta
        )

    @property
    def allocated_hours_after(self) -> float:
        return round(self.allocated_hours_before + self.hours_delta, 2)

    def case_facts(self, customer_approval_required: bool) -> CaseFacts:
        return CaseFacts(
            amount=abs(self.amount_delta),
            budget_impact_pct=self.budget_impact_pct,
            margin_pct=self.margin_after_pct,
            region=self.region,
            business_unit=self.business_unit,
            customer_approval_required=customer_approval_required,
        )

    def summary(self, description: str) -> str:
        return (
            f"Change request on {self.project_name}: {description}. "
            f"Amount {self.amount_delta:+,.2f} ({self.budget_impact_pct:g} % of "
            f"{self.budget_before:,.2f}), cost {self.cost_delta:+,.2f}, "
            f"hours {self.hours_delta:+g} "
            f"(allocated {self.allocated_hours_before:g} → {self.allocated_hours_after:g}); "
            f"margin {self.margin_before_pct} % → {self.margin_after_pct} %."
        )


class ApplyChange(BaseModel):
    impact: ChangeImpact
    description: str
    ref: str


class AppliedChange(BaseModel):
    amendment_line_id: int | None
    allocated_hours: float


class ChangeState(StrEnum):
    ASSESSING = "assessing"
    AWAITING_APPROVAL = "awaiting_approval"
    APPLIED = "applied"
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    UNROUTABLE = "unroutable"


class ChangeStatus(BaseModel):
    request: ChangeRequestInput
    state: ChangeState = ChangeState.ASSESSING
    impact: ChangeImpact | None = None
    approval_id: str | None = None
    applied: AppliedChange | None = None
    history: list[str] = Field(default_factory=list)
