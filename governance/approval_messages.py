"""What goes in and out of the approval workflow and its activities."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from governance.approval_case import (
    ApprovalState,
    AuditEvent,
    Notice,
    Outcome,
    ResolvedStage,
)
from governance.facts import CaseFacts, Parties
from governance.routing import ApprovalPlan


class OdooRef(BaseModel):
    """The Odoo record a case governs; decisions are posted to its chatter."""

    model: str = Field(pattern=r"^[a-z_][a-z0-9_.]*$")
    id: int = Field(gt=0)


class ApprovalRequest(BaseModel):
    """Start an approval: what, for which record, by whom, on which facts."""

    case_key: str = Field(min_length=1, max_length=200, pattern=r"^[\w.:@/-]+$")
    lifecycle: str = "approval"
    step: str
    title: str = Field(max_length=300)
    facts: CaseFacts
    parties: Parties
    odoo: OdooRef | None = None
    plan: ApprovalPlan | None = None  # given by a parent that already planned; else planned here


class PlanRequest(BaseModel):
    lifecycle: str
    step: str
    facts: CaseFacts


class ResolveRequest(BaseModel):
    plan: ApprovalPlan
    facts: CaseFacts
    parties: Parties
    at: datetime


class ResolvedApprovers(BaseModel):
    stages: list[ResolvedStage]
    known_people: list[str]


class NotifyRequest(BaseModel):
    case_key: str
    title: str
    notice: Notice
    odoo: OdooRef | None = None


class ChatterPost(BaseModel):
    """One audit event for the record's chatter; ``ref`` makes the post happen once."""

    odoo: OdooRef
    ref: str
    body: str


class ChatterReceipt(BaseModel):
    message_id: int
    created: bool


class ApprovalResult(BaseModel):
    case_key: str
    outcome: Outcome
    policy_version: str
    decided_by: list[str]
    audit: list[AuditEvent]


class ApprovalStatus(BaseModel):
    """The status query: state plus what is pending and when it is due."""

    state: ApprovalState
    stage: str | None
    pending_approvers: list[str]
    next_deadline: datetime | None
