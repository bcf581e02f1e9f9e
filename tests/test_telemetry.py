"""Tracing follows one trace from the client through the workflow into the activity."""

from __future__ import annotations

import uuid

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from governance.diagnostics import WorkerProbeRequest, WorkerProbeResult
from runtime.telemetry import tracing_interceptors
from workers.registry import ActivityDependencies
from workers.worker import build_worker
from workflows.diagnostics import WorkerProbeWorkflow


async def test_one_trace_across_client_workflow_and_activity(
    dev_env: WorkflowEnvironment, task_queue: str
) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    config = dev_env.client.config()
    config["interceptors"] = tracing_interceptors(provider)
    config["data_converter"] = pydantic_data_converter
    client = Client(**config)

    worker = build_worker(client, task_queue, ActivityDependencies(odoo_url="http://odoo.test"))
    async with worker:
        result = await client.execute_workflow(
            WorkerProbeWorkflow.run,
            WorkerProbeRequest(note="trace me"),
            id=f"probe-{uuid.uuid4()}",
            task_queue=task_queue,
        )
    assert isinstance(result, WorkerProbeResult)
    assert result.odoo_url == "http://odoo.test"

    spans = exporter.get_finished_spans()
    names = {span.name for span in spans}
    assert "StartWorkflow:WorkerProbeWorkflow" in names
    assert "RunWorkflow:WorkerProbeWorkflow" in names
    assert "StartActivity:describe_worker" in names
    assert "RunActivity:describe_worker" in names
    assert len({span.context.trace_id for span in spans}) == 1


async def test_no_interceptors_when_tracing_is_off() -> None:
    assert tracing_interceptors(None) == []


async def test_sdk_metrics_on_a_prometheus_endpoint(
    dev_env: WorkflowEnvironment, task_queue: str
) -> None:
    import httpx

    from runtime.telemetry import build_temporal_runtime
    from runtime.temporal_servers import free_port

    port = free_port()
    runtime = build_temporal_runtime(f"127.0.0.1:{port}")
    client = await Client.connect(
        dev_env.client.service_client.config.target_host,
        data_converter=pydantic_data_converter,
        runtime=runtime,
    )
    async with build_worker(client, task_queue, ActivityDependencies(odoo_url="x")):
        await client.execute_workflow(
            WorkerProbeWorkflow.run,
            WorkerProbeRequest(),
            id=f"probe-{uuid.uuid4()}",
            task_queue=task_queue,
        )
        async with httpx.AsyncClient() as http:
            scraped = (await http.get(f"http://127.0.0.1:{port}/metrics")).text
    assert "temporal_workflow_completed" in scraped
    assert "temporal_activity_execution_latency" in scraped
