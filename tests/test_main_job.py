"""The main job as an operator runs it: `govern up`, Ctrl-C, and again, with cases kept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from temporalio.client import Client, WorkflowExecutionStatus
from temporalio.contrib.pydantic import pydantic_data_converter

from governance.diagnostics import WorkerProbeRequest, WorkerProbeResult
from runtime.temporal_servers import free_port, port_is_open
from workflows.diagnostics import WorkerProbeWorkflow

pytestmark = pytest.mark.slow
READY_LINE = "Ctrl-C stops everything"


@contextmanager
def govern_up(data_dir: Path, port: int, ui_port: int, task_queue: str) -> Iterator[None]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "GOVERN_TASK_QUEUE": task_queue}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "starters.cli",
            "up",
            "--port",
            str(port),
            "--ui-port",
            str(ui_port),
            "--data-dir",
            str(data_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    seen: list[str] = []
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        seen.append(line)
        if READY_LINE in line or (not line and process.poll() is not None):
            break
    assert any(READY_LINE in line for line in seen), "".join(seen)
    assert any(f"http://127.0.0.1:{ui_port}" in line for line in seen)
    try:
        yield
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
        assert process.returncode == 0, rest
        assert "Stopped the worker and the Temporal dev server." in rest


async def test_up_serves_cases_stops_cleanly_and_keeps_them(tmp_path: Path) -> None:
    port, ui_port = free_port(), free_port()
    task_queue = f"test-{uuid.uuid4().hex[:8]}"
    workflow_id = f"probe-{uuid.uuid4()}"

    with govern_up(tmp_path, port, ui_port, task_queue):
        assert port_is_open("127.0.0.1", ui_port)  # the Web UI is up
        client = await Client.connect(f"127.0.0.1:{port}", data_converter=pydantic_data_converter)
        result = await client.execute_workflow(
            WorkerProbeWorkflow.run, WorkerProbeRequest(), id=workflow_id, task_queue=task_queue
        )
        assert isinstance(result, WorkerProbeResult)

    assert not port_is_open("127.0.0.1", port), "the dev server must not outlive Ctrl-C"
    assert not port_is_open("127.0.0.1", ui_port)

    with govern_up(tmp_path, port, ui_port, task_queue):
        client = await Client.connect(f"127.0.0.1:{port}", data_converter=pydantic_data_converter)
        described = await client.get_workflow_handle(workflow_id).describe()
        assert described.status == WorkflowExecutionStatus.COMPLETED


def test_dev_server_does_not_outlive_a_killed_govern(tmp_path: Path) -> None:
    port, ui_port = free_port(), free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "starters.cli",
            "dev-server",
            "--port",
            str(port),
            "--ui-port",
            str(ui_port),
            "--data-dir",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    deadline = time.monotonic() + 60
    while not port_is_open("127.0.0.1", port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert port_is_open("127.0.0.1", port)
    process.kill()  # no chance to clean up
    process.wait(10)
    deadline = time.monotonic() + 15
    while port_is_open("127.0.0.1", port) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not port_is_open("127.0.0.1", port)
