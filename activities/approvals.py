"""Activities of the approval engine: planning from the policy file, resolving people."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pydantic import BaseModel
from temporalio import activity
from temporalio.exceptions import ApplicationError

from governance.approval_case import ResolvedStage, Seat
from governance.approval_messages import PlanRequest, ResolvedApprovers, ResolveRequest
from governance.directory import People, Person, load_people
from governance.facts import CaseFacts, Parties
from governance.policy import ApproverRef, BillingRules, LaunchControls, PolicyError, load_policy
from governance.routing import ApprovalPlan, plan_approval
from integrations.odoo import OdooError, OdooGateway
from runtime.logging import get_logger

log = get_logger(__name__)


class RoleQuery(BaseModel):
    role: str
    facts: CaseFacts


class ApprovalActivities:
    """Reads the policy and the people file; asks Odoo who is absent.

    Args:
        policy_file: the policy the *next* cases will pin.
        people_file: the directory of approvers.
        odoo: the Odoo gateway (for ``hr.employee.is_absent``), or None.
    """

    def __init__(self, policy_file: Path, people_file: Path, odoo: OdooGateway | None) -> None:
        self._policy_file = policy_file
        self._people_file = people_file
        self._odoo = odoo

    @activity.defn
    def plan_approval(self, request: PlanRequest) -> ApprovalPlan:
        try:
            policy = load_policy(self._policy_file)
            return plan_approval(policy, request.lifecycle, request.step, request.facts)
        except PolicyError as error:
            raise ApplicationError(str(error), type="PolicyError", non_retryable=True) from error

    @activity.defn
    def read_launch_controls(self) -> LaunchControls:
        """The launch-control thresholds of the current policy."""
        try:
            return load_policy(self._policy_file).launch_controls
        except PolicyError as error:
            raise ApplicationError(str(error), type="PolicyError", non_retryable=True) from error

    @activity.defn
    def read_billing_rules(self) -> BillingRules:
        """The billing contract rules of the current policy."""
        try:
            return load_policy(self._policy_file).billing_rules
        except PolicyError as error:
            raise ApplicationError(str(error), type="PolicyError", non_retryable=True) from error

    @activity.defn
    def people_for_role(self, request: RoleQuery) -> list[str]:
        """Who holds ``role`` for these facts (e.g. finance, to tell of a new invoice)."""
        people = load_people(self._people_file)
        return people.resolve(
            ApproverRef(role=request.role), request.facts, Parties(requester="govern")
        )

    @activity.defn
    def resolve_approvers(self, request: ResolveRequest) -> ResolvedApprovers:
        try:
            people = load_people(self._people_file)
        except PolicyError as error:
            raise ApplicationError(str(error), type="PolicyError", non_retryable=True) from error
        absent_in_odoo = self._absent_in_odoo(people)
        directory = people.by_id()
        excluded = {
            request.parties.requester,
            request.parties.salesperson,
            request.parties.record_author,
        }
        stages = []
        for planned in request.plan.stages:
            seats: list[Seat] = []
            notes: list[str] = []
            for ref in planned.approvers:
                ids = people.resolve(ref, request.facts, request.parties)
                if not ids:
                    notes.append(f"{ref.describe()} resolved to nobody")
                for person_id in ids:
                    if person_id in excluded:
                        notes.append(f"{person_id} skipped: segregation of duties")
                        continue
                    seat = _seat_for(directory, person_id, request.at, absent_in_odoo, excluded)
                    if not any(s.person == seat.person for s in seats):
                        seats.append(seat)
            chain = [
                [
                    p
                    for p in people.resolve(ref, request.facts, request.parties)
                    if p not in excluded
                ]
                for ref in planned.clock.escalate_to
            ]
            stages.append(
                ResolvedStage(name=planned.name, seats=seats, escalation_chain=chain, notes=notes)
            )
        return ResolvedApprovers(stages=stages, known_people=sorted(directory))

    def _absent_in_odoo(self, people: People) -> set[str]:
        """Logins Odoo marks absent (hr_holidays' ``is_absent``); empty if unknown."""
        if self._odoo is None:
            return set()
        logins = [p.odoo_login for p in people.people if p.odoo_login]
        try:
            if not self._odoo.has_field("hr.employee", "is_absent"):
                return set()
            rows = self._odoo.search_read(
                "hr.employee",
                [("user_id.login", "in", logins), ("is_absent", "=", True)],
                ["user_id"],
            )
            users = self._odoo.read(
                "res.users", [r["user_id"][0] for r in rows if r["user_id"]], ["login"]
            )
        except OdooError as error:
            # Absence is a refinement: without Odoo, the people file's windows still apply.
            log.warning("could not read absences from Odoo", error=str(error))
            return set()
        return {u["login"] for u in users}


def _seat_for(
    directory: dict[str, Person],
    person_id: str,
    at: datetime,
    absent_logins: set[str],
    excluded: set[str | None],
) -> Seat:
    """The person, or their delegate when they are away (recorded as acting for them)."""
    person = directory[person_id]
    absence = person.absence_at(at)
    away = absence is not None or (person.odoo_login in absent_logins)
    if not away:
        return Seat(person=person_id)
    delegate = (absence.delegate if absence else None) or person.manager
    if delegate and delegate in directory and delegate not in excluded and delegate != person_id:
        return Seat(person=delegate, acting_for=person_id)
    return Seat(person=person_id)
