"""The facts a policy decides on, and the parties to a case."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class RiskClass(StrEnum):
    """Low risk is automated, medium automated with exception review, high approval-controlled."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class CaseFacts(BaseModel):
    """What is known about the thing being governed, in the company currency.

    Only these names (and ``extra.<name>``) may appear in policy conditions.
    """

    model_config = ConfigDict(frozen=True)

    amount: float = 0.0
    discount_pct: float = 0.0
    margin_pct: float | None = None
    budget_impact_pct: float = 0.0
    customer_tier: str = "standard"
    project_type: str = "time_and_materials"
    region: str = "emea"
    business_unit: str = "consulting"
    risk: RiskClass | None = None
    customer_approval_required: bool = False
    extra: dict[str, float | str | bool] = Field(default_factory=dict)

    def get(self, name: str) -> float | str | bool | None:
        """A fact by name; ``extra.x`` reads the free-form facts."""
        if name.startswith("extra."):
            return self.extra.get(name.removeprefix("extra."))
        value = getattr(self, name)
        return value.value if isinstance(value, StrEnum) else value


FACT_NAMES = frozenset(n for n in CaseFacts.model_fields if n != "extra")


class Parties(BaseModel):
    """Who is on the other side of the decision: excluded from approving it."""

    model_config = ConfigDict(frozen=True)

    requester: str
    salesperson: str | None = None
    record_author: str | None = None
