"""`govern setup` and the Temporal side of `govern doctor`, on a real dev server."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
from temporalio.client import Client

from governance.search_attributes import ALL_KEYS
from runtime.settings import Settings
from starters.cluster_setup import setup_cluster
from starters.doctor import Status, check_temporal
from workers.registry import ActivityDependencies
from workers.worker import build_worker


async def test_setup_creates_namespace_and_attributes_and_is_safe_twice(dev_client: Client) -> None:
    namespace = f"govern-{uuid.uuid4().hex[:8]}"
    first = await setup_cluster(dev_client, namespace)
    assert first.namespace_created
    assert first.attributes_added == sorted(k.name for k in ALL_KEYS)

    second = await setup_cluster(dev_client, namespace)
    assert not second.namespace_created
    assert second.attributes_added == []
    assert second.attributes_present == sorted(k.name for k in ALL_KEYS)

    listed = await dev_client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    for key in ALL_KEYS:
        assert listed.custom_attributes[key.name] == key.indexed_value_type


async def test_doctor_sees_namespace_attributes_and_worker(
    dev_client: Client, task_queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", dev_client.service_client.config.target_host)
    settings = Settings(task_queue=task_queue)
    before = {c.name: c for c in await check_temporal(settings, dev_client)}
    assert before["temporal"].status == Status.OK
    assert before["search attributes"].status == Status.OK
    assert before["worker"].status == Status.WARN
    assert "govern worker" in before["worker"].fix

    async with build_worker(dev_client, task_queue, ActivityDependencies(odoo_url="x")):
        # A worker's first long poll takes a moment to show in describe_task_queue.
        for _ in range(50):
            after = {c.name: c for c in await check_temporal(settings, dev_client)}
            if after["worker"].status == Status.OK:
                break
            await asyncio.sleep(0.2)
    assert after["worker"].status == Status.OK


async def test_doctor_reports_unreachable_temporal(monkeypatch: pytest.MonkeyPatch) -> None:
    from runtime.temporal_servers import free_port

    monkeypatch.setenv("TEMPORAL_ADDRESS", f"127.0.0.1:{free_port()}")
    checks = await check_temporal(Settings())
    assert [c.status for c in checks] == [Status.FAIL]
    assert "cannot reach Temporal at 127.0.0.1:" in checks[0].detail
    assert "govern dev-server" in checks[0].fix
