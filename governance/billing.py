"""Billing readiness: is a project's period ready to invoice, and if not, why."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator

PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def period_bounds(period: str) -> tuple[str, str]:
    """First and last day of a ``YYYY-MM`` billing period, as Odoo dates."""
    year, month = (int(part) for part in period.split("-"))
    first = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    last = date.fromordinal(following.toordinal() - 1)
    return first.isoformat(), last.isoformat()


def timesheet_approval_key(project_id: int, period: str) -> str:
    """The case key whose approval *is* the record that a project's period time is approved.

    On Odoo Community time approval is Govern's own: a period's time counts as approved
    once this approval case approved it, which it writes to the project's chatter with this
    key in its reference (billing readiness looks for it there).
    """
    return f"timesheet-approval:project.project:{project_id}:{period}"


class BillingRequest(BaseModel):
    order_id: int = Field(gt=0)
    period: str
    requested_by: str = "govern"

    @field_validator("period")
    @classmethod
    def _period(cls, value: str) -> str:
        if not PERIOD.match(value):
            raise ValueError("period must be YYYY-MM")
        return value


class CheckName(StrEnum):
    TIME_APPROVED = "time_approved"
    EXPENSES_APPROVED = "expenses_approved"
    MILESTONES_REACHED = "milestones_reached"
    PO_NUMBER = "po_number"
    CAP = "invoicing_cap"


class BillingCheck(BaseModel):
    name: CheckName
    passed: bool
    evidence: str


class BillingAssessment(BaseModel):
    order_id: int
    order_name: str
    customer: str = ""
    business_unit: str = "consulting"
    region: str = "emea"
    billable_amount: float = 0.0
    billable_lines: list[str] = Field(default_factory=list)
    checks: list[BillingCheck] = Field(default_factory=list)
    existing_invoice_id: int | None = None


class InvoiceRequest(BaseModel):
    order_id: int
    order_name: str
    ref: str


class InvoiceResult(BaseModel):
    move_id: int | None
    amount_untaxed: float = 0.0
    lines: list[str] = Field(default_factory=list)
    nothing_to_invoice: bool = False


class BillingState(StrEnum):
    CHECKING = "checking"
    AWAITING_FINANCE = "awaiting_finance"
    ON_HOLD = "on_hold"
    INVOICED = "invoiced"
    NOTHING_TO_INVOICE = "nothing_to_invoice"


class BillingStatus(BaseModel):
    request: BillingRequest
    state: BillingState = BillingState.CHECKING
    assessment: BillingAssessment | None = None
    waived: list[CheckName] = Field(default_factory=list)
    invoice: InvoiceResult | None = None
    rounds: int = 0
    history: list[str] = Field(default_factory=list)
