"""Declarative conditions over case facts: no ``eval``, only these operators."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, field_validator

from governance.facts import FACT_NAMES, CaseFacts

Scalar = float | int | str | bool


class Operator(StrEnum):
    EQ = "=="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    IN = "in"
    NOT_IN = "not_in"


class Comparison(BaseModel):
    """``fact op value``, e.g. ``{fact: discount_pct, op: ">", value: 15}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    fact: str
    op: Operator
    value: Scalar | list[Scalar]

    @field_validator("fact")
    @classmethod
    def _known_fact(cls, name: str) -> str:
        if name not in FACT_NAMES and not name.startswith("extra."):
            known = ", ".join(sorted(FACT_NAMES))
            raise ValueError(f"unknown fact {name!r}; known facts: {known}, extra.<name>")
        return name

    def holds(self, facts: CaseFacts) -> bool:
        actual = facts.get(self.fact)
        if self.op in (Operator.IN, Operator.NOT_IN):
            options = self.value if isinstance(self.value, list) else [self.value]
            return (actual in options) == (self.op == Operator.IN)
        if actual is None:
            return self.op == Operator.NE
        if self.op == Operator.EQ:
            return bool(actual == self.value)
        if self.op == Operator.NE:
            return bool(actual != self.value)
        try:
            left, right = float(actual), float(self.value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return False
        return {
            Operator.LT: left < right,
            Operator.LE: left <= right,
            Operator.GT: left > right,
            Operator.GE: left >= right,
        }[self.op]

    def describe(self, facts: CaseFacts) -> str:
        return f"{self.fact} {self.op.value} {self.value} (is {facts.get(self.fact)})"


class AllOf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    all: list[Condition]

    def holds(self, facts: CaseFacts) -> bool:
        return all(c.holds(facts) for c in self.all)

    def describe(self, facts: CaseFacts) -> str:
        return " and ".join(c.describe(facts) for c in self.all)


class AnyOf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    any: list[Condition]

    def holds(self, facts: CaseFacts) -> bool:
        return any(c.holds(facts) for c in self.any)

    def describe(self, facts: CaseFacts) -> str:
        held = [c.describe(facts) for c in self.any if c.holds(facts)]
        return " or ".join(held or [c.describe(facts) for c in self.any])


class Not(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    not_: Condition = Field(alias="not")

    def holds(self, facts: CaseFacts) -> bool:
        return not self.not_.holds(facts)

    def describe(self, facts: CaseFacts) -> str:
        return f"not ({self.not_.describe(facts)})"


class Always(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    always: Literal[True] = True

    def holds(self, facts: CaseFacts) -> bool:
        del facts
        return True

    def describe(self, facts: CaseFacts) -> str:
        del facts
        return "always"


def _condition_kind(value: Any) -> str:
    if isinstance(value, dict):
        for key in ("all", "any", "not", "always"):
            if key in value:
                return key
        return "compare"
    return {AllOf: "all", AnyOf: "any", Not: "not", Always: "always"}.get(type(value), "compare")


Condition = Annotated[
    Annotated[Comparison, Tag("compare")]
    | Annotated[AllOf, Tag("all")]
    | Annotated[AnyOf, Tag("any")]
    | Annotated[Not, Tag("not")]
    | Annotated[Always, Tag("always")],
    Discriminator(_condition_kind),
]

for _model in (AllOf, AnyOf, Not):
    _model.model_rebuild()
