"""Approval policy: a versioned YAML file saying when approval is needed, by whom, how,
and on what clock. Validated by pydantic; a broken file is refused with where and why."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from governance.conditions import Always, Condition
from governance.facts import RiskClass


class PolicyError(Exception):
    """The policy file cannot be used; the message names the file, the place and the problem."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ApproverRef(Strict):
    """Who approves: a role (resolved per business unit / region), a person, or a manager."""

    role: str | None = None
    person: str | None = None
    manager_of: str | None = Field(default=None, pattern="^(requester|salesperson)$")

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if sum(v is not None for v in (self.role, self.person, self.manager_of)) != 1:
            raise ValueError("give exactly one of role, person, manager_of")
        return self

    def describe(self) -> str:
        if self.role:
            return f"role {self.role}"
        if self.person:
            return f"person {self.person}"
        return f"manager of the {self.manager_of}"


class Mode(StrEnum):
    ANY = "any"
    ALL = "all"
    QUORUM = "quorum"


class ExpiryOutcome(StrEnum):
    REJECT = "reject"
    APPROVE = "approve"
    WITHDRAW = "withdraw"


class Exclusion(StrEnum):
    """Segregation of duties: who may never approve."""

    REQUESTER = "requester"
    SALESPERSON = "salesperson"
    RECORD_AUTHOR = "record_author"
    PRIOR_DECIDERS = "prior_deciders"


class Clock(Strict):
    """When to remind, escalate (to whom, level by level) and expire; what expiry means."""

    remind_after: timedelta | None = None
    escalate_after: timedelta | None = None
    escalate_to: list[ApproverRef] = Field(default_factory=list)
    expire_after: timedelta | None = None
    on_expiry: ExpiryOutcome = ExpiryOutcome.REJECT

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.escalate_after and not self.escalate_to:
            raise ValueError("escalate_after needs escalate_to")
        marks = [t for t in (self.remind_after, self.escalate_after, self.expire_after) if t]
        if any(t <= timedelta(0) for t in marks):
            raise ValueError("durations must be positive")
        if self.expire_after and any(
            t and t >= self.expire_after for t in (self.remind_after, self.escalate_after)
        ):
            raise ValueError("remind_after and escalate_after must come before expire_after")
        return self


class StagePolicy(Strict):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    approvers: list[ApproverRef] = Field(min_length=1)
    mode: Mode = Mode.ANY
    quorum: int | None = Field(default=None, ge=1)
    clock: Clock = Field(default_factory=Clock)
    when: Condition = Field(default_factory=Always)

    @model_validator(mode="after")
    def _quorum(self) -> Self:
        if (self.mode == Mode.QUORUM) != (self.quorum is not None):
            raise ValueError("mode quorum needs quorum: N (and only it does)")
        return self


class Variant(Strict):
    """Stages that replace the default ones where ``when`` holds (a business unit, a region)."""

    name: str
    when: Condition
    stages: list[StagePolicy] = Field(min_length=1)


class StepPolicy(Strict):
    title: str
    when: Condition = Field(default_factory=Always)
    stages: list[StagePolicy] = Field(min_length=1)
    variants: list[Variant] = Field(default_factory=list)
    exclude: list[Exclusion] = Field(default_factory=lambda: list(Exclusion))
    automate_low_risk: bool = True

    @model_validator(mode="after")
    def _unique_stage_names(self) -> Self:
        for stages in [self.stages, *(v.stages for v in self.variants)]:
            names = [s.name for s in stages]
            if len(names) != len(set(names)):
                raise ValueError(f"stage names repeat: {names}")
        return self


class RiskRule(Strict):
    risk: RiskClass
    when: Condition


class LaunchControls(Strict):
    """Thresholds of the project-launch controls."""

    max_discount_pct: float = Field(default=15.0, ge=0, le=100)
    margin_floor_pct: float = Field(default=25.0, ge=-100, le=100)
    material_change_pct: float = Field(default=10.0, gt=0)
    """An order whose amount moves more than this after approval re-opens its approvals."""


class BillingRules(Strict):
    """Contract rules of billing readiness."""

    po_required_tiers: list[str] = Field(default_factory=list)
    """Customers of these tiers need a PO number (the order's customer reference)."""
    cap_pct_of_order: float = Field(default=100.0, gt=0)
    """Never invoice more than this share of the order's untaxed amount in total."""
    hold_review_days: float = Field(default=7.0, gt=0)
    """A held invoice is re-checked after this long."""


class Policy(Strict):
    """A whole policy file."""

    version: str = Field(min_length=1)
    description: str = ""
    risk_rules: list[RiskRule] = Field(default_factory=list)
    launch_controls: LaunchControls = Field(default_factory=LaunchControls)
    billing_rules: BillingRules = Field(default_factory=BillingRules)
    lifecycles: dict[str, dict[str, StepPolicy]]

    def step(self, lifecycle: str, step: str) -> StepPolicy:
        try:
            return self.lifecycles[lifecycle][step]
        except KeyError:
            raise PolicyError(
                f"policy {self.version} has no step {step!r} in lifecycle {lifecycle!r}"
            ) from None


def load_policy(path: Path) -> Policy:
    """Read and validate a policy file.

    Raises:
        PolicyError: naming the file, the line and the problem.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise PolicyError(f"{path}: cannot read the policy file: {error.strerror}") from None
    return parse_policy(text, str(path))


def parse_policy(text: str, source: str = "<policy>") -> Policy:
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise PolicyError(f"{source}: {where}not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise PolicyError(f"{source}: a policy file is a mapping with version and lifecycles")
    try:
        return Policy.model_validate(data)
    except ValidationError as error:
        lines = [f"{source}: the policy is not valid:"]
        for problem in error.errors()[:10]:
            loc = [
                p
                for p in problem["loc"]
                if p not in ("compare", "all", "any", "not", "always") or isinstance(p, int)
            ]
            place = ".".join(str(p) for p in loc)
            line = _line_of(root, problem["loc"])
            at = f"line {line}: " if line else ""
            lines.append(f"  {at}{place}: {problem['msg']}")
        raise PolicyError("\n".join(lines)) from None


def _line_of(node: Any, loc: tuple[Any, ...]) -> int | None:
    """The YAML line of the deepest node on ``loc`` that exists."""
    line = getattr(getattr(node, "start_mark", None), "line", None)
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        elif (
            isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value)
        ):
            found = node.value[part]
        else:
            found = None
        if found is None:
            continue  # union tags and other non-YAML steps
        node = found
        line = node.start_mark.line
    return None if line is None else line + 1
