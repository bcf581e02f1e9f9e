"""Record launch, change-request and billing histories for the replay test:
`python -m tests.replay.record_lifecycle_histories` (deliberate re-recording only)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from governance.search_attributes import ALL_KEYS
from runtime.temporal_servers import temporal_cli_path
from tests.integration.launch_stack import launch_stack
from tests.integration.test_billing_readiness import _approve_time, _order_with_time, _start
from tests.integration.test_change_request import _project
from tests.integration.test_change_request import _start as start_change

HISTORIES = Path(__file__).parent / "histories"
IDS = HISTORIES / "workflow_ids.json"


def save(name: str, workflow_id: str, history_json: str) -> None:
    """Keep the history and its workflow id (child ids derive from it, so replay needs it)."""
    (HISTORIES / f"{name}.json").write_text(history_json)
    ids = json.loads(IDS.read_text()) if IDS.exists() else {}
    ids[name] = workflow_id
    IDS.write_text(json.dumps(ids, indent=2, sort_keys=True) + "\n")


async def record() -> None:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=str(temporal_cli_path()),
        data_converter=pydantic_data_converter,
        search_attributes=ALL_KEYS,
        ui=False,
        dev_server_log_level="error",
    )
    async with launch_stack(env.client) as stack:
        order = stack.create_order()
        stack.confirm(order)
        launch = await stack.start_launch(order)
        await stack.settle(
            launch, {"active"}
        )  # the launch stays open for changes: a partial history
        save("project_launch_active", launch.id, (await launch.fetch_history()).to_json())
        project = _project(stack)
        change = await start_change(
            stack, project, amount_delta=180.0, cost_delta=110.0, hours_delta=1.0
        )
        await change.result()
        save("change_request_applied", change.id, (await change.fetch_history()).to_json())
        billed, timed = _order_with_time(stack)
        await _approve_time(stack, timed)
        billing = await _start(stack, billed)
        await billing.result()
        save("billing_invoiced", billing.id, (await billing.fetch_history()).to_json())
    await env.shutdown()


if __name__ == "__main__":
    asyncio.run(record())
