"""The approval engine's state machine: stages, seats, decisions, clocks, audit.

Pure and deterministic (time comes in as an argument), so the workflow can run it and
replay it, and unit tests can drive it directly. Methods return the *effects* the
workflow must carry out (notify someone, post to Odoo); they never do I/O themselves.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, Field

from governance.directory import PERSON_ID
from governance.facts import CaseFacts, Parties
from governance.policy import Exclusion, ExpiryOutcome, Mode
from governance.routing import ApprovalPlan


class Action(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    REQUEST_CHANGES = "request_changes"
    DELEGATE = "delegate"
    COMMENT = "comment"
    WITHDRAW = "withdraw"
    RESUBMIT = "resubmit"


class Outcome(StrEnum):
    PENDING = "pending"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    UNROUTABLE = "unroutable"

    @property
    def closed(self) -> bool:
        return self not in (Outcome.PENDING, Outcome.CHANGES_REQUESTED)


class DecisionInput(BaseModel):
    """One person's decision, from Slack, the CLI, the HTTP API or the Temporal UI."""

    decision_id: str = Field(min_length=1, max_length=120, pattern=r"^[\w.:@/-]+$")
    actor: str = Field(pattern=PERSON_ID)
    action: Action
    comment: str = Field(default="", max_length=4000)
    delegate_to: str | None = Field(default=None, pattern=PERSON_ID)
    stage: str | None = Field(default=None, max_length=64)
    via: str = Field(default="api", max_length=20)


class DecisionResult(BaseModel):
    decision_id: str
    accepted: bool
    message: str
    outcome: Outcome
    stage: str | None = None


class Seat(BaseModel):
    """A place on a stage: the person asked, and whom they act for when delegated."""

    person: str
    acting_for: str | None = None
    decision: Literal["approve", "reject"] | None = None
    escalation_level: int = 0

    @property
    def principal(self) -> str:
        return self.acting_for or self.person


class StageStatus(StrEnum):
    WAITING = "waiting"
    ACTIVE = "active"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"


class StageState(BaseModel):
    name: str
    title: str
    reason: str
    mode: Mode
    quorum: int | None = None
    seats: list[Seat]
    escalation_chain: list[list[str]] = Field(default_factory=list)
    remind_after: timedelta | None = None
    escalate_after: timedelta | None = None
    expire_after: timedelta | None = None
    on_expiry: ExpiryOutcome = ExpiryOutcome.REJECT
    status: StageStatus = StageStatus.WAITING
    started_at: datetime | None = None
    reminded: bool = False
    escalations: int = 0

    @property
    def approvals(self) -> int:
        return sum(1 for s in self.seats if s.decision == "approve")

    @property
    def needed(self) -> int:
        if self.mode == Mode.ALL:
            return len({s.principal for s in self.seats if s.escalation_level == 0}) or 1
        if self.mode == Mode.QUORUM:
            return self.quorum or 1
        return 1

    @property
    def pending(self) -> list[str]:
        return [s.person for s in self.seats if s.decision is None]

    def remind_at(self) -> datetime | None:
        if self.started_at and self.remind_after and not self.reminded:
            return self.started_at + self.remind_after
        return None

    def escalate_at(self) -> datetime | None:
        if (
            self.started_at
            and self.escalate_after
            and self.escalations < len(self.escalation_chain)
        ):
            return self.started_at + self.escalate_after * (self.escalations + 1)
        return None

    def expire_at(self) -> datetime | None:
        if self.started_at and self.expire_after:
            return self.started_at + self.expire_after
        return None


class AuditEvent(BaseModel):
    at: datetime
    kind: str
    stage: str | None = None
    actor: str | None = None
    acting_for: str | None = None
    detail: str = ""
    decision_id: str | None = None
    via: str | None = None


class Notice(BaseModel):
    """An effect: tell ``recipients`` about ``kind`` (requested, reminder, escalated...)."""

    kind: str
    recipients: list[str]
    stage: str | None = None
    detail: str = ""


class ResolvedStage(BaseModel):
    """A planned stage with its approvers resolved to people (and delegates for absentees)."""

    name: str
    seats: list[Seat]
    escalation_chain: list[list[str]] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class ApprovalState(BaseModel):
    """Everything about one approval case; what the status query returns."""

    case_key: str
    title: str
    plan: ApprovalPlan
    facts: CaseFacts
    parties: Parties
    known_people: list[str] = Field(default_factory=list)
    stages: list[StageState] = Field(default_factory=list)
    current: int = 0
    outcome: Outcome = Outcome.PENDING
    sla_breached: bool = False
    audit: list[AuditEvent] = Field(default_factory=list)
    results: dict[str, DecisionResult] = Field(default_factory=dict)

    # -- views ----------------------------------------------------------------------------

    @property
    def stage(self) -> StageState | None:
        if self.outcome.closed or self.current >= len(self.stages):
            return None
        return self.stages[self.current]

    def pending_approvers(self) -> list[str]:
        stage = self.stage
        return sorted(set(stage.pending)) if stage and self.outcome == Outcome.PENDING else []

    def next_deadline(self) -> datetime | None:
        stage = self.stage
        if stage is None:
            return None
        marks = [stage.remind_at(), stage.escalate_at(), stage.expire_at()]
        if self.outcome == Outcome.CHANGES_REQUESTED:
            marks = [stage.expire_at()]
        present = [m for m in marks if m is not None]
        return min(present) if present else None

    def excluded(self) -> dict[str, str]:
        """People who may not decide the current stage, with the reason."""
        reasons: dict[str, str] = {}
        rules = set(self.plan.exclude)
        if Exclusion.REQUESTER in rules:
            reasons[self.parties.requester] = "you requested this approval"
        if Exclusion.SALESPERSON in rules and self.parties.salesperson:
            reasons.setdefault(self.parties.salesperson, "you are the salesperson on this record")
        if Exclusion.RECORD_AUTHOR in rules and self.parties.record_author:
            reasons.setdefault(self.parties.record_author, "you created the record")
        if Exclusion.PRIOR_DECIDERS in rules:
            for stage in self.stages[: self.current]:
                for seat in stage.seats:
                    if seat.decision:
                        reasons.setdefault(seat.person, f"you already decided stage {stage.name!r}")
        return reasons

    # -- start -------------------------------------------------------------------------

    def start(self, resolved: list[ResolvedStage], now: datetime) -> list[Notice]:
        by_name = {r.name: r for r in resolved}
        self.stages = []
        for planned in self.plan.stages:
            found = by_name.get(planned.name, ResolvedStage(name=planned.name, seats=[]))
            self.stages.append(
                StageState(
                    name=planned.name,
                    title=planned.title,
                    reason=planned.reason,
                    mode=planned.mode,
                    quorum=planned.quorum,
                    seats=found.seats,
                    escalation_chain=found.escalation_chain,
                    remind_after=planned.clock.remind_after,
                    escalate_after=planned.clock.escalate_after,
                    expire_after=planned.clock.expire_after,
                    on_expiry=planned.clock.on_expiry,
                )
            )
            for note in found.notes:
                self._audit(now, "note", planned.name, detail=note)
            for seat in found.seats:
                if seat.acting_for:
                    self._audit(
                        now,
                        "delegated",
                        planned.name,
                        actor=seat.person,
                        acting_for=seat.acting_for,
                        detail=f"automatic: {seat.acting_for} is absent",
                    )
        self._audit(
            now,
            "requested",
            None,
            actor=self.parties.requester,
            detail=f"{self.plan.reason} (policy {self.plan.policy_version})",
        )
        if not self.plan.required:
            self.outcome = Outcome.APPROVED
            self._audit(now, "approved", None, detail=self.plan.reason)
            if self.plan.review_only and self.stages:
                return [
                    Notice(
                        kind="review",
                        recipients=[s.person for s in self.stages[0].seats],
                        stage=self.stages[0].name,
                        detail=self.plan.reason,
                    )
                ]
            return []
        return self._activate(now)

    def _activate(self, now: datetime) -> list[Notice]:
        stage = self.stages[self.current]
        stage.status = StageStatus.ACTIVE
        stage.started_at = now
        if not stage.seats:
            if stage.escalation_chain:
                return self._escalate(stage, now, reason="no eligible approver")
            self.outcome = Outcome.UNROUTABLE
            self._audit(
                now,
                "unroutable",
                stage.name,
                detail="no eligible approver (after segregation of duties) and no escalation",
            )
            return [
                Notice(kind="unroutable", recipients=[self.parties.requester], stage=stage.name)
            ]
        self._audit(now, "stage_opened", stage.name, detail=f"asked {', '.join(stage.pending)}")
        return [
            Notice(
                kind="requested",
                recipients=stage.pending,
                stage=stage.name,
                detail=f"{stage.reason}. Requested by {self.parties.requester}; "
                f"amount at stake {self.facts.amount:,.2f}",
            )
        ]

    # -- decisions -----------------------------------------------------------------------

    def refusal(self, decision: DecisionInput) -> str | None:
        """Why ``decision`` cannot be applied now, or None if it can."""
        if decision.decision_id in self.results:
            return None  # a repeat: answered with the first result
        actor, action = decision.actor, decision.action
        if action == Action.WITHDRAW:
            if actor != self.parties.requester:
                return f"only the requester ({self.parties.requester}) can withdraw this approval"
            return f"this approval is already {self.outcome.value}" if self.outcome.closed else None
        if action == Action.RESUBMIT:
            if actor != self.parties.requester:
                return f"only the requester ({self.parties.requester}) can resubmit"
            if self.outcome != Outcome.CHANGES_REQUESTED:
                return "nothing to resubmit: no changes were requested"
            return None
        if self.outcome.closed:
            return f"this approval is already {self.outcome.value}; nothing more can be decided"
        stage = self.stages[self.current]
        if decision.stage and decision.stage != stage.name:
            return f"stage {decision.stage!r} is closed; the case is at stage {stage.name!r}"
        if action == Action.COMMENT:
            involved = {s.person for s in stage.seats} | {self.parties.requester}
            return None if actor in involved else f"{actor} is not part of this approval"
        if self.outcome == Outcome.CHANGES_REQUESTED:
            return "changes were requested; waiting for the requester to resubmit"
        excluded = self.excluded()
        if actor in excluded:
            return f"you cannot decide this: {excluded[actor]} (segregation of duties)"
        seats = [s for s in stage.seats if s.person == actor]
        if not seats:
            return (
                f"{actor} is not an approver of stage {stage.name!r} "
                f"(approvers: {', '.join(stage.pending) or 'none pending'})"
            )
        if all(s.decision for s in seats):
            return f"you already decided stage {stage.name!r}"
        if action == Action.DELEGATE:
            target = decision.delegate_to
            if not target:
                return "delegate needs delegate_to: the person to hand this step to"
            if target == actor:
                return "you cannot delegate to yourself"
            if self.known_people and target not in self.known_people:
                return f"unknown person {target!r}"
            if target in excluded:
                return (
                    f"{target} cannot decide this: {excluded[target].replace('you ', 'they ', 1)}"
                )
            if any(s.person == target for s in stage.seats):
                return f"{target} is already an approver of stage {stage.name!r}"
        return None

    def apply(self, decision: DecisionInput, now: datetime) -> tuple[DecisionResult, list[Notice]]:
        """Apply an accepted decision (call :meth:`refusal` first)."""
        if decision.decision_id in self.results:
            return self.results[decision.decision_id], []
        notices: list[Notice] = []
        stage = self.stage or (
            self.stages[self.current] if self.current < len(self.stages) else None
        )
        name = stage.name if stage else None
        action = decision.action
        seat = (
            next((s for s in stage.seats if s.person == decision.actor and not s.decision), None)
            if stage
            else None
        )
        acting_for = seat.acting_for if seat else None
        self._audit(
            now,
            action.value,
            name,
            actor=decision.actor,
            acting_for=acting_for,
            detail=decision.comment,
            decision_id=decision.decision_id,
            via=decision.via,
        )
        if action == Action.WITHDRAW:
            self.outcome = Outcome.WITHDRAWN
            notices.append(
                Notice(kind="withdrawn", recipients=self.pending_approvers_all(), stage=name)
            )
        elif action == Action.RESUBMIT and stage is not None:
            self.outcome = Outcome.PENDING
            for s in stage.seats:
                s.decision = None
            stage.started_at = now
            stage.reminded = False
            notices.append(
                Notice(
                    kind="requested",
                    recipients=stage.pending,
                    stage=name,
                    detail=f"resubmitted: {decision.comment}",
                )
            )
        elif action == Action.REQUEST_CHANGES and stage is not None:
            self.outcome = Outcome.CHANGES_REQUESTED
            notices.append(
                Notice(
                    kind="changes_requested",
                    recipients=[self.parties.requester],
                    stage=name,
                    detail=decision.comment,
                )
            )
        elif action == Action.DELEGATE and seat is not None and stage is not None:
            target = decision.delegate_to or ""
            notices.append(self.stage_closed(stage, f"delegated to {target}", [decision.actor]))
            seat.acting_for = seat.principal
            seat.person = target
            self._audit(
                now,
                "delegated",
                name,
                actor=target,
                acting_for=seat.acting_for,
                detail=f"by {decision.actor}",
            )
            notices.append(
                Notice(
                    kind="requested",
                    recipients=[target],
                    stage=name,
                    detail=f"delegated to you by {decision.actor}",
                )
            )
        elif action == Action.APPROVE and seat is not None and stage is not None:
            seat.decision = "approve"
            if stage.approvals >= stage.needed:
                notices += self._stage_approved(stage, now)
        elif action == Action.REJECT and seat is not None and stage is not None:
            seat.decision = "reject"
            stage.status = StageStatus.REJECTED
            self.outcome = Outcome.REJECTED
            self._audit(now, "rejected", name, detail=f"stage {name} rejected by {decision.actor}")
            notices.append(self.stage_closed(stage, "rejected"))
            notices.append(
                Notice(
                    kind="rejected",
                    recipients=[self.parties.requester],
                    stage=name,
                    detail=decision.comment,
                )
            )
        result = DecisionResult(
            decision_id=decision.decision_id,
            accepted=True,
            message=f"{action.value} recorded",
            outcome=self.outcome,
            stage=name,
        )
        self.results[decision.decision_id] = result
        return result, notices

    def record_refusal(self, decision: DecisionInput, reason: str, now: datetime) -> DecisionResult:
        """A refused signal is kept in the audit trail, not applied."""
        self._audit(
            now,
            "refused",
            self.stage.name if self.stage else None,
            actor=decision.actor,
            detail=f"{decision.action.value} refused: {reason}",
            decision_id=decision.decision_id,
            via=decision.via,
        )
        return DecisionResult(
            decision_id=decision.decision_id, accepted=False, message=reason, outcome=self.outcome
        )

    def pending_approvers_all(self) -> list[str]:
        stage = self.stages[self.current] if self.current < len(self.stages) else None
        return [s.person for s in stage.seats if s.decision is None] if stage else []

    def _stage_approved(self, stage: StageState, now: datetime) -> list[Notice]:
        stage.status = StageStatus.APPROVED
        self._audit(
            now,
            "stage_approved",
            stage.name,
            detail=f"{stage.approvals} of {stage.needed} needed approval(s)",
        )
        closed = self.stage_closed(stage, "approved")
        self.current += 1
        if self.current >= len(self.stages):
            self.outcome = Outcome.APPROVED
            self._audit(now, "approved", None, detail="every stage approved")
            return [closed, Notice(kind="approved", recipients=[self.parties.requester])]
        return [closed, *self._activate(now)]

    @staticmethod
    def stage_closed(stage: StageState, how: str, people: list[str] | None = None) -> Notice:
        """Everyone asked on ``stage`` (or ``people``): their request is no longer open."""
        deciders = ", ".join(f"{s.person}: {s.decision}" for s in stage.seats if s.decision)
        return Notice(
            kind="stage_closed",
            recipients=people or [s.person for s in stage.seats],
            stage=stage.name,
            detail=f"{how}" + (f" ({deciders})" if deciders else ""),
        )

    # -- clocks -----------------------------------------------------------------------------

    def on_clock(self, now: datetime) -> list[Notice]:
        """Fire whatever reminders, escalations or expiry are due at ``now``."""
        stage = self.stage
        if stage is None:
            return []
        expire_at = stage.expire_at()
        if expire_at and now >= expire_at:
            return self._expire(stage, now)
        if self.outcome != Outcome.PENDING:
            return []
        notices: list[Notice] = []
        escalate_at = stage.escalate_at()
        if escalate_at and now >= escalate_at:
            notices += self._escalate(stage, now, reason="no decision in time")
        remind_at = stage.remind_at()
        if remind_at and now >= remind_at and self.stage is stage:
            stage.reminded = True
            self._audit(now, "reminded", stage.name, detail=f"reminded {', '.join(stage.pending)}")
            notices.append(Notice(kind="reminder", recipients=stage.pending, stage=stage.name))
        return notices

    def _escalate(self, stage: StageState, now: datetime, reason: str) -> list[Notice]:
        level = stage.escalations
        stage.escalations += 1
        self.sla_breached = self.sla_breached or reason == "no decision in time"
        excluded = self.excluded()
        added = [
            p
            for p in stage.escalation_chain[level]
            if p not in excluded and not any(s.person == p for s in stage.seats)
        ]
        stage.seats += [Seat(person=p, escalation_level=level + 1) for p in added]
        self._audit(
            now,
            "escalated",
            stage.name,
            detail=f"{reason}: escalated to {', '.join(added) or 'nobody eligible'}",
        )
        return [Notice(kind="escalated", recipients=added, stage=stage.name, detail=reason)]

    def _expire(self, stage: StageState, now: datetime) -> list[Notice]:
        self.sla_breached = True
        if stage.on_expiry == ExpiryOutcome.APPROVE and self.outcome == Outcome.PENDING:
            self._audit(
                now, "expired", stage.name, detail="no decision in time: approved by policy"
            )
            return self._stage_approved(stage, now)
        stage.status = StageStatus.EXPIRED
        self.outcome = (
            Outcome.WITHDRAWN if stage.on_expiry == ExpiryOutcome.WITHDRAW else Outcome.EXPIRED
        )
        self._audit(now, "expired", stage.name, detail=f"no decision in time: {self.outcome.value}")
        return [
            Notice(
                kind="expired",
                recipients=[self.parties.requester, *stage.pending],
                stage=stage.name,
            )
        ]

    def _audit(self, now: datetime, kind: str, stage: str | None, **fields: object) -> None:
        self.audit.append(AuditEvent(at=now, kind=kind, stage=stage, **fields))  # type: ignore[arg-type]
