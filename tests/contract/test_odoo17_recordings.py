"""Contract: replay every recorded request against odoo_sim and compare the answers.

The recordings (../shared/odoo17/scenarios) are what a real Odoo 17 said on the wire.
Requests are replayed verbatim, in recorded order, against one fresh simulator; session
cookies are mapped from the recorded ones to the simulator's. Envelopes, keys, types,
error names and messages must match; record values (names, amounts, dates) may differ
where the seed data does, and ids must match wherever the recording shows them.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from odoo_sim import OdooSim
from tests.contract.deviations import DEVIATIONS

ROOT = Path(__file__).resolve().parents[2]
RECORDINGS = Path(os.environ.get("GOVERN_ODOO_RECORDINGS", ROOT.parent / "shared" / "odoo17"))


def _exchanges() -> list[dict[str, Any]]:
    scenarios = RECORDINGS / "scenarios"
    if not scenarios.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"Odoo recordings not found at {scenarios}")
        pytest.skip(f"Odoo recordings not found at {scenarios}")
    exchanges = []
    for path in sorted(scenarios.glob("*.json")):
        for exchange in json.loads(path.read_text()):
            exchange["file"] = path.name
            exchanges.append(exchange)
    return sorted(exchanges, key=lambda e: e["seq"])


@pytest.fixture(scope="module")
def replayed() -> Iterator[list[tuple[dict[str, Any], httpx.Response]]]:
    exchanges = _exchanges()
    results = []
    sessions: dict[str, str] = {}
    with OdooSim(port=0) as sim, httpx.Client(base_url=sim.url, timeout=10) as http:
        for exchange in exchanges:
            request = exchange["request"]
            headers = {"Content-Type": "application/json"}
            cookie = request.get("headers", {}).get("Cookie")
            if cookie:
                recorded_id = cookie.split("=", 1)[1]
                headers["Cookie"] = f"session_id={sessions.get(recorded_id, recorded_id)}"
            http.cookies.clear()  # only the recorded Cookie header counts
            response = http.post(request["path"], json=request["json"], headers=headers)
            recorded_cookies = _session_ids(exchange["response"]["headers"].get("Set-Cookie"))
            actual_cookies = _session_ids(response.headers.get_list("set-cookie"))
            sessions.update(zip(recorded_cookies, actual_cookies, strict=False))
            results.append((exchange, response))
        yield results


def _session_ids(header: Any) -> list[str]:
    values = header if isinstance(header, list) else [header] if header else []
    return [m.group(1) for v in values for m in [re.search(r"session_id=(\w+)", v)] if m]


def _shape(recorded: Any, actual: Any, path: str, nested: bool) -> list[str]:
    """Differences in shape: types, keys, emptiness (ids and values may differ when nested)."""
    if isinstance(recorded, bool) or recorded is None:
        if nested and recorded in (False, None):
            return []  # an empty value on one side, data on the other
        return [] if type(actual) is type(recorded) else [f"{path}: {recorded!r} vs {actual!r}"]
    if nested and actual is False:
        return []
    if type(recorded) is not type(actual):
        return [
            f"{path}: type {type(recorded).__name__} vs {type(actual).__name__} ({actual!r:.80})"
        ]
    if isinstance(recorded, dict):
        if set(recorded) != set(actual):
            missing, extra = set(recorded) - set(actual), set(actual) - set(recorded)
            return [f"{path}: keys missing {sorted(missing)[:8]} extra {sorted(extra)[:8]}"]
        return [d for k in recorded for d in _shape(recorded[k], actual[k], f"{path}.{k}", nested)]
    if isinstance(recorded, list):
        if not nested and bool(recorded) != bool(actual):
            return [f"{path}: {len(recorded)} items vs {len(actual)}"]
        if recorded and actual:
            # Pairs like [id, "name"] compare position by position; lists of records
            # compare each answered item with the recorded ones.
            return [
                d
                for i, a in enumerate(actual)
                for d in _shape(recorded[min(i, len(recorded) - 1)], a, f"{path}[{i}]", True)
            ]
    return []


def _compare(exchange: dict[str, Any], response: httpx.Response) -> list[str]:
    recorded = exchange["response"]
    problems = []
    if response.status_code != recorded["status"]:
        return [f"HTTP {response.status_code} vs {recorded['status']}"]
    if not response.headers["content-type"].startswith("application/json"):
        problems.append(f"content-type {response.headers['content-type']}")
    expected, actual = recorded["json"], response.json()
    if set(expected) != set(actual):
        return [f"envelope keys {sorted(actual)} vs {sorted(expected)}"]
    if expected.get("id") != actual.get("id"):
        problems.append(f"id {actual.get('id')} vs {expected.get('id')}")
    if "error" in expected:
        for key in ("code", "message"):
            if expected["error"][key] != actual["error"][key]:
                problems.append(f"error.{key}: {actual['error'][key]!r}")
        want, got = expected["error"]["data"], actual["error"]["data"]
        if set(want) != set(got):
            problems.append(f"error.data keys {sorted(got)} vs {sorted(want)}")
        for key in ("name", "message", "arguments"):
            if want.get(key) != got.get(key):
                problems.append(f"error.data.{key}: {got.get(key)!r} vs {want.get(key)!r}")
        return problems
    if "result" in expected:
        result = expected["result"]
        if exchange["seq"] in DEVIATIONS:
            return problems
        if isinstance(result, bool | int) or result is None:
            if result != actual["result"]:
                problems.append(f"result {actual['result']!r} vs {result!r}")
        else:
            problems += _shape(result, actual["result"], "result", nested=False)
    return problems


def test_every_recorded_exchange_is_answered_alike(
    replayed: list[tuple[dict[str, Any], httpx.Response]],
) -> None:
    failures = []
    for exchange, response in replayed:
        problems = _compare(exchange, response)
        if problems:
            label = f"seq {exchange['seq']} ({exchange['file']}) {exchange['request']['path']}"
            failures.append(f"{label}: " + "; ".join(problems[:3]))
    assert not failures, f"{len(failures)} of {len(replayed)} differ:\n" + "\n".join(failures)


def test_recorded_exchanges_are_all_replayed(
    replayed: list[tuple[dict[str, Any], httpx.Response]],
) -> None:
    assert len(replayed) >= 150
    assert {e["file"] for e, _ in replayed} >= {"errors.json", "sale_confirm_creates_project.json"}


def test_deviation_list_stays_short() -> None:
    assert len(DEVIATIONS) <= 8
