"""Record the histories the replay tests guard: `python -m tests.replay.record_histories`.

Re-record only on purpose (a deliberate, patched change of workflow code); the replay
test fails when code changes break determinism for cases already running.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from governance.approval_case import Action
from governance.approval_messages import OdooRef
from governance.facts import CaseFacts
from runtime.temporal_servers import test_server_path
from tests.workflows.approval_harness import approval_worker
from tests.workflows.conftest import PEOPLE, POLICY

HISTORIES = Path(__file__).parent / "histories"


async def record() -> None:
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=str(test_server_path()), data_converter=pydantic_data_converter
    )
    from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest

    from governance.search_attributes import ALL_KEYS

    await env.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=env.client.namespace,
            search_attributes={k.name: k.indexed_value_type for k in ALL_KEYS},
        )
    )
    with tempfile.TemporaryDirectory() as folder:
        policy, people = Path(folder) / "policy.yaml", Path(folder) / "people.yaml"
        policy.write_text(POLICY)
        people.write_text(PEOPLE)
        async with approval_worker(env.client, "replay", policy, people) as h:
            handle = await h.start(
                "two_stages", CaseFacts(amount=5000), odoo=OdooRef(model="sale.order", id=7)
            )
            await h.decide(handle, "p-lead", Action.DELEGATE, delegate_to="p-head")
            await h.decide(handle, "p-head", Action.APPROVE, comment="fine")
            await h.decide(handle, "p-fin", Action.REQUEST_CHANGES, comment="PO number?")
            await h.decide(handle, "p-req", Action.RESUBMIT, comment="added")
            await h.decide(handle, "p-fin", Action.APPROVE)
            await handle.result()
            history = await handle.fetch_history()
            (HISTORIES / "approval_two_stages.json").write_text(history.to_json())
            clocked = await h.start("clocked", CaseFacts(amount=5000))
            await clocked.result()
            history = await clocked.fetch_history()
            (HISTORIES / "approval_clocked_expired.json").write_text(history.to_json())
    await env.shutdown()


if __name__ == "__main__":
    asyncio.run(record())
