"""`govern demo --auto` on a fresh data directory: every demo launch concludes, then it stops."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from runtime.temporal_servers import free_port, port_is_open

pytestmark = pytest.mark.slow


def test_demo_runs_every_launch_to_active_and_stops_cleanly(tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("port", "ui-port", "http-port", "odoo-port")}
    args = [f"--{name}={port}" for name, port in ports.items()]
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "starters.cli",
            "demo",
            "--auto",
            "--pace",
            "0.5",
            "--exit-when-done",
            *args,
        ],
        env={**os.environ, "GOVERN_DATA_DIR": str(tmp_path), "PYTHONUNBUFFERED": "1"},
        capture_output=True,
        text=True,
        timeout=150,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    out = result.stdout
    assert f"http://127.0.0.1:{ports['ui-port']}" in out
    for order in ("S00026", "S00027", "S00028"):
        assert f"{order} launch: active" in out, out[-2000:]
    assert "S00026 change request: applied" in out
    assert "billing 20" in out and ": invoiced" in out
    assert "waiver" in out and "p-elena approved margin_floor" in out
    assert "Stopped the worker, the HTTP service, the Odoo simulator and Temporal." in out
    assert not any(port_is_open("127.0.0.1", p) for p in ports.values())
    assert (tmp_path / "demo" / "temporal.sqlite").exists()
