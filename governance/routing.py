"""Routing: facts + policy → the plan of approval stages, with the reason for each."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from governance.facts import CaseFacts, RiskClass
from governance.policy import ApproverRef, Clock, Exclusion, Mode, Policy


class PlannedStage(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    title: str
    approvers: list[ApproverRef]
    mode: Mode
    quorum: int | None = None
    clock: Clock
    reason: str


class ApprovalPlan(BaseModel):
    """What the policy requires for one case; pinned when the case starts."""

    model_config = ConfigDict(frozen=True)

    policy_version: str
    lifecycle: str
    step: str
    title: str
    risk: RiskClass
    required: bool
    reason: str
    stages: list[PlannedStage]
    exclude: list[Exclusion]
    review_only: bool = False


def assess_risk(policy: Policy, facts: CaseFacts) -> tuple[RiskClass, str]:
    """The case's risk class: given in the facts, else the first matching risk rule."""
    if facts.risk is not None:
        return facts.risk, "risk given with the case"
    for rule in policy.risk_rules:
        if rule.when.holds(facts):
            return rule.risk, f"risk rule: {rule.when.describe(facts)}"
    return RiskClass.LOW, "no risk rule matched"


def plan_approval(policy: Policy, lifecycle: str, step: str, facts: CaseFacts) -> ApprovalPlan:
    """Decide whether ``lifecycle``/``step`` needs approval for these facts, and how.

    Pure: the same policy and facts always give the same plan.
    """
    spec = policy.step(lifecycle, step)
    risk, risk_reason = assess_risk(policy, facts)
    base = {
        "policy_version": policy.version,
        "lifecycle": lifecycle,
        "step": step,
        "title": spec.title,
        "risk": risk,
        "exclude": spec.exclude,
    }
    if not spec.when.holds(facts):
        return ApprovalPlan(
            **base,
            required=False,
            stages=[],
            reason=f"not required: {spec.when.describe(facts)} does not hold",
        )
    variant = next((v for v in spec.variants if v.when.holds(facts)), None)
    stages = variant.stages if variant else spec.stages
    why_step = f"{spec.title}: {spec.when.describe(facts)}" + (
        f"; variant {variant.name} ({variant.when.describe(facts)})" if variant else ""
    )
    planned = [
        PlannedStage(
            name=s.name,
            title=s.title,
            approvers=s.approvers,
            mode=s.mode,
            quorum=s.quorum,
            clock=s.clock,
            reason=f"{why_step}; stage: {s.when.describe(facts)}",
        )
        for s in stages
        if s.when.holds(facts)
    ]
    if spec.automate_low_risk and risk == RiskClass.LOW:
        return ApprovalPlan(
            **base, required=False, stages=[], reason=f"low risk ({risk_reason}): automated"
        )
    if spec.automate_low_risk and risk == RiskClass.MEDIUM:
        return ApprovalPlan(
            **base,
            required=False,
            stages=planned[:1],
            review_only=True,
            reason=f"medium risk ({risk_reason}): automated, exception review",
        )
    return ApprovalPlan(
        **base,
        required=bool(planned),
        stages=planned,
        reason=f"{risk.value} risk ({risk_reason}); {why_step}" if planned else "no stage applies",
    )
