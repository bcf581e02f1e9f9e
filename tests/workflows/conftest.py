"""A small, explicit policy and directory for the approval-engine tests."""

from __future__ import annotations

from pathlib import Path

import pytest

POLICY = """
version: "test-1"
lifecycles:
  test:
    two_stages:
      title: Two stages
      automate_low_risk: false
      stages:
        - name: first
          title: First
          approvers: [{role: lead}]
        - name: second
          title: Second
          approvers: [{role: finance}]
    all_of_two:
      title: All of two
      automate_low_risk: false
      stages:
        - {name: both, title: Both, approvers: [{role: lead}, {role: finance}], mode: all}
    quorum:
      title: Two of three
      automate_low_risk: false
      stages:
        - name: board
          title: Board
          approvers: [{role: board}]
          mode: quorum
          quorum: 2
    clocked:
      title: Clocked
      automate_low_risk: false
      stages:
        - name: only
          title: Only
          approvers: [{role: lead}]
          clock:
            remind_after: PT4H
            escalate_after: P1D
            escalate_to: [{role: head}]
            expire_after: P3D
            on_expiry: reject
    auto:
      title: Automated when small
      when: {fact: amount, op: ">=", value: 1000}
      stages:
        - {name: only, title: Only, approvers: [{role: lead}]}
"""

PEOPLE = """
people:
  - {id: p-req, name: Requester, manager: p-head}
  - {id: p-lead, name: Lead, manager: p-head, roles: [{role: lead}]}
  - {id: p-fin, name: Finance, manager: p-head, roles: [{role: finance}]}
  - {id: p-head, name: Head, roles: [{role: head}]}
  - {id: p-b1, name: Board one, roles: [{role: board}]}
  - {id: p-b2, name: Board two, roles: [{role: board}]}
  - {id: p-b3, name: Board three, roles: [{role: board}]}
  - {id: p-other, name: Other}
"""


@pytest.fixture
def policy_files(tmp_path: Path) -> tuple[Path, Path]:
    policy, people = tmp_path / "policy.yaml", tmp_path / "people.yaml"
    policy.write_text(POLICY)
    people.write_text(PEOPLE)
    return policy, people
