"""A tiny workflow that runs one activity, so operators can prove the whole path works."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.diagnostics import DiagnosticsActivities
    from governance.diagnostics import WorkerProbeRequest, WorkerProbeResult


@workflow.defn
class WorkerProbeWorkflow:
    """Client → workflow → activity → back: used by `govern doctor` and the telemetry tests."""

    @workflow.run
    async def run(self, request: WorkerProbeRequest) -> WorkerProbeResult:
        workflow.logger.info("worker probe", extra={"note": request.note})
        return await workflow.execute_activity_method(
            DiagnosticsActivities.describe_worker,
            request,
            start_to_close_timeout=timedelta(seconds=10),
        )
