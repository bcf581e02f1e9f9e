"""Deterministic orchestration: one module per lifecycle, plus the approval engine."""
