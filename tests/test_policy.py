"""Policy files, routing and the directory: pure domain code."""

from __future__ import annotations

from pathlib import Path

import pytest

from governance.directory import load_people
from governance.facts import CaseFacts, Parties, RiskClass
from governance.policy import ApproverRef, PolicyError, load_policy, parse_policy
from governance.routing import assess_risk, plan_approval

ROOT = Path(__file__).resolve().parent.parent
DEFAULT = load_policy(ROOT / "policies" / "default.yaml")
PEOPLE = load_people(ROOT / "policies" / "people.yaml")


def test_default_policy_covers_the_firm() -> None:
    assert set(DEFAULT.lifecycles) == {
        "sales",
        "project_launch",
        "change_request",
        "billing",
        "timesheets",
    }
    assert set(DEFAULT.lifecycles["billing"]) == {"exception_waiver", "write_off", "invoice_hold"}
    roles = {
        a.role
        for lc in DEFAULT.lifecycles.values()
        for step in lc.values()
        for stages in [step.stages, *(v.stages for v in step.variants)]
        for s in stages
        for a in [*s.approvers, *s.clock.escalate_to]
        if a.role
    }
    people_roles = {r.role for p in PEOPLE.people for r in p.roles}
    assert roles <= people_roles, f"roles nobody holds: {roles - people_roles}"


@pytest.mark.parametrize(
    ("facts", "risk"),
    [
        (CaseFacts(amount=500), RiskClass.LOW),
        (CaseFacts(amount=25000), RiskClass.MEDIUM),
        (CaseFacts(amount=5000, discount_pct=22), RiskClass.HIGH),
        (CaseFacts(amount=5000, margin_pct=12), RiskClass.HIGH),
        (CaseFacts(amount=5000, risk=RiskClass.HIGH), RiskClass.HIGH),
    ],
)
def test_risk_classes(facts: CaseFacts, risk: RiskClass) -> None:
    assert assess_risk(DEFAULT, facts)[0] == risk


def test_discount_routing_with_reasons() -> None:
    small = plan_approval(DEFAULT, "sales", "discount", CaseFacts(amount=5000, discount_pct=5))
    assert not small.required and "does not hold" in small.reason
    medium = plan_approval(DEFAULT, "sales", "discount", CaseFacts(amount=5000, discount_pct=12))
    assert not medium.required and medium.review_only and "exception review" in medium.reason
    high = plan_approval(DEFAULT, "sales", "discount", CaseFacts(amount=5000, discount_pct=25))
    assert high.required and [s.name for s in high.stages] == ["sales_director", "cfo"]
    assert "discount_pct > 20 (is 25.0)" in high.stages[1].reason
    assert high.policy_version == "2026.12.1"


def test_business_unit_variant_replaces_stages() -> None:
    plan = plan_approval(
        DEFAULT, "sales", "discount", CaseFacts(discount_pct=25, business_unit="managed_services")
    )
    assert [s.name for s in plan.stages] == ["service_owner"]
    assert "variant managed_services" in plan.reason


def test_launch_review_is_never_automated() -> None:
    plan = plan_approval(DEFAULT, "project_launch", "delivery_review", CaseFacts(amount=100))
    assert plan.required and plan.stages[0].clock.escalate_to


def test_roles_resolve_per_business_unit_and_region() -> None:
    lead = ApproverRef(role="delivery_lead")
    requester = Parties(requester="p-marc")
    assert PEOPLE.resolve(lead, CaseFacts(region="emea"), requester) == ["p-dario"]
    assert PEOPLE.resolve(lead, CaseFacts(region="americas"), requester) == ["p-sam"]
    assert PEOPLE.resolve(lead, CaseFacts(business_unit="managed_services"), requester) == ["p-sam"]
    finance = ApproverRef(role="finance_controller")
    assert PEOPLE.resolve(finance, CaseFacts(region="americas"), requester) == ["p-omar"]
    assert PEOPLE.resolve(finance, CaseFacts(region="emea"), requester) == ["p-ines"]
    manager = ApproverRef(manager_of="requester")
    assert PEOPLE.resolve(manager, CaseFacts(), requester) == ["p-lena"]
    assert PEOPLE.find("U00INES").id == "p-ines"  # type: ignore[union-attr]


BROKEN = """
version: "x"
lifecycles:
  sales:
    discount:
      title: Discount
      when: {fact: discount_percent, op: ">", value: 10}
      stages:
        - name: director
          title: Director
          approvers: [{role: sales_director}]
          mode: quorum
"""


def test_broken_policy_is_refused_with_file_place_and_problem() -> None:
    with pytest.raises(PolicyError) as refused:
        parse_policy(BROKEN, "policies/broken.yaml")
    message = str(refused.value)
    assert message.startswith("policies/broken.yaml: the policy is not valid:")
    assert (
        "line 7: lifecycles.sales.discount.when.fact: Value error, unknown fact 'discount_percent'"
        in message
    )
    assert "line 9: lifecycles.sales.discount.stages.0" in message
    assert "mode quorum needs quorum" in message


def test_bad_yaml_and_missing_file_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match=r"line 2, column \d+: not valid YAML"):
        parse_policy("version: 1\n  bad: [", "p.yaml")
    with pytest.raises(PolicyError, match="cannot read the policy file"):
        load_policy(tmp_path / "nope.yaml")


def test_clock_must_be_ordered() -> None:
    text = BROKEN.replace("mode: quorum", "clock: {remind_after: P5D, expire_after: P1D}").replace(
        "discount_percent", "discount_pct"
    )
    with pytest.raises(PolicyError, match="must come before expire_after"):
        parse_policy(text)
