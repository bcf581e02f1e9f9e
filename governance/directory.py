"""The people directory: who holds which role where, their identities and absences."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from governance.facts import CaseFacts, Parties
from governance.policy import ApproverRef, PolicyError

PERSON_ID = r"^[a-z][a-z0-9_.-]{1,62}$"


class RoleAssignment(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str
    business_units: list[str] = Field(default_factory=list)
    regions: list[str] = Field(default_factory=list)

    def specificity(self, facts: CaseFacts) -> int | None:
        """How well this assignment fits the case (None: it does not apply)."""
        score = 0
        for allowed, actual in (
            (self.business_units, facts.business_unit),
            (self.regions, facts.region),
        ):
            if allowed:
                if actual not in allowed:
                    return None
                score += 1
        return score


class Absence(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    start: datetime
    end: datetime
    delegate: str | None = None


class Person(BaseModel):
    """One person and their identities. The id is pseudonymous: it is what search
    attributes and Slack button values carry, never the name or e-mail."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=PERSON_ID)
    name: str
    email: str | None = None
    slack_id: str | None = None
    odoo_login: str | None = None
    manager: str | None = None
    roles: list[RoleAssignment] = Field(default_factory=list)
    out_of_office: list[Absence] = Field(default_factory=list)

    def absence_at(self, moment: datetime) -> Absence | None:
        return next((a for a in self.out_of_office if a.start <= moment < a.end), None)


class People(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    people: list[Person]

    def by_id(self) -> dict[str, Person]:
        return {p.id: p for p in self.people}

    def find(self, identity: str) -> Person | None:
        """A person by id, e-mail, Slack id or Odoo login."""
        for person in self.people:
            if identity in (person.id, person.email, person.slack_id, person.odoo_login):
                return person
        return None

    def resolve(self, ref: ApproverRef, facts: CaseFacts, parties: Parties) -> list[str]:
        """The people a reference names for this case (the best-fitting role holders)."""
        if ref.person:
            return [ref.person] if ref.person in self.by_id() else []
        if ref.manager_of:
            subject = parties.requester if ref.manager_of == "requester" else parties.salesperson
            manager = self.by_id().get(subject or "", None)
            return [manager.manager] if manager and manager.manager else []
        scored: list[tuple[int, str]] = []
        for person in self.people:
            for assignment in person.roles:
                if assignment.role == ref.role:
                    fit = assignment.specificity(facts)
                    if fit is not None:
                        scored.append((fit, person.id))
        if not scored:
            return []
        best = max(score for score, _ in scored)
        return sorted({pid for score, pid in scored if score == best})


def load_people(path: Path) -> People:
    """Read the people file; a broken file is refused with the place and the problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return People.model_validate(data)
    except OSError as error:
        raise PolicyError(f"{path}: cannot read the people file: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise PolicyError(f"{path}: not valid YAML: {error}") from None
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in error.errors()[:5]
        )
        raise PolicyError(f"{path}: the people file is not valid: {problems}") from None
