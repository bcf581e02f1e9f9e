"""Tracing and metrics: OpenTelemetry spans across client → workflow → activity, and the
Temporal SDK's own metrics on a Prometheus endpoint."""

from __future__ import annotations

import logging

from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
)
from temporalio.contrib.opentelemetry import TracingInterceptor
from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    PrometheusConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)

from runtime.settings import TraceExporter

SERVICE_NAME = "govern"


def build_span_exporter(kind: TraceExporter) -> SpanExporter | None:
    """The exporter for ``GOVERN_TRACE_EXPORTER``; OTLP reads the standard ``OTEL_*`` vars."""
    if kind == TraceExporter.CONSOLE:
        return ConsoleSpanExporter()
    if kind == TraceExporter.OTLP:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        return OTLPSpanExporter()
    return None


def configure_tracing(
    kind: TraceExporter, extra_processor: SpanProcessor | None = None
) -> TracerProvider | None:
    """Install a global tracer provider when any exporter is wanted.

    Args:
        kind: which exporter ``GOVERN_TRACE_EXPORTER`` asks for.
        extra_processor: an additional processor (tests pass an in-memory one).

    Returns:
        The provider, or ``None`` when tracing is off.
    """
    exporter = build_span_exporter(kind)
    if exporter is None and extra_processor is None:
        return None
    provider = TracerProvider(resource=Resource.create({"service.name": SERVICE_NAME}))
    if exporter is not None:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    if extra_processor is not None:
        provider.add_span_processor(extra_processor)
    trace.set_tracer_provider(provider)
    return provider


def tracing_interceptors(provider: TracerProvider | None) -> list[TracingInterceptor]:
    """The SDK's OpenTelemetry interceptor, which carries the trace through Temporal."""
    if provider is None:
        return []
    return [TracingInterceptor(tracer=provider.get_tracer("govern"))]


def build_temporal_runtime(metrics_bind: str | None) -> Runtime:
    """A Temporal runtime whose Core logs reach Python logging, with optional Prometheus.

    A process builds one runtime and shares it between its clients and workers.
    """
    return Runtime(
        telemetry=TelemetryConfig(
            logging=LoggingConfig(
                filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
                forwarding=LogForwardingConfig(logger=logging.getLogger("temporalio.core")),
            ),
            metrics=PrometheusConfig(bind_address=metrics_bind) if metrics_bind else None,
        )
    )
