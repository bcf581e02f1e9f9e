"""Preparing a Temporal cluster for Govern: namespace and search attributes. Idempotent."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from google.protobuf.duration_pb2 import Duration
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.api.workflowservice.v1 import (
    DescribeNamespaceRequest,
    RegisterNamespaceRequest,
)
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from governance.search_attributes import ALL_KEYS

DEFAULT_RETENTION_DAYS = 30
NEW_NAMESPACE_WAIT_SECONDS = 30.0


class SearchAttributeConflict(Exception):
    """A search attribute exists with another type; Govern will not silently reuse it."""


@dataclass
class SetupReport:
    namespace_created: bool = False
    attributes_added: list[str] = field(default_factory=list)
    attributes_present: list[str] = field(default_factory=list)


async def namespace_exists(client: Client, namespace: str) -> bool:
    try:
        await client.workflow_service.describe_namespace(
            DescribeNamespaceRequest(namespace=namespace)
        )
    except RPCError as error:
        if error.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return True


async def missing_search_attributes(client: Client, namespace: str) -> list[str]:
    """Names of Govern's search attributes not registered in ``namespace``.

    Raises:
        SearchAttributeConflict: one exists with a different type.
    """
    listed = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    missing = []
    for key in ALL_KEYS:
        existing = listed.custom_attributes.get(key.name)
        if existing is None:
            missing.append(key.name)
        elif existing != key.indexed_value_type:
            raise SearchAttributeConflict(
                f"Search attribute {key.name} exists as {IndexedValueType.Name(existing)} "
                f"but Govern needs {IndexedValueType.Name(key.indexed_value_type)}; "
                "remove it or use another namespace."
            )
    return missing


async def _when_namespace_ready(
    client: Client, namespace: str, timeout: float = NEW_NAMESPACE_WAIT_SECONDS
) -> list[str]:
    """A new namespace takes a moment to reach every service: wait, then list attributes."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            return await missing_search_attributes(client, namespace)
        except RPCError as error:
            if error.status != RPCStatusCode.NOT_FOUND:
                raise
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.25)


async def setup_cluster(
    client: Client, namespace: str, retention_days: int = DEFAULT_RETENTION_DAYS
) -> SetupReport:
    """Create ``namespace`` if needed and register Govern's search attributes in it."""
    report = SetupReport()
    if not await namespace_exists(client, namespace):
        await client.workflow_service.register_namespace(
            RegisterNamespaceRequest(
                namespace=namespace,
                description="Govern: governed lifecycles for Odoo",
                workflow_execution_retention_period=Duration(seconds=retention_days * 86400),
            )
        )
        report.namespace_created = True
        missing = set(await _when_namespace_ready(client, namespace))
    else:
        missing = set(await missing_search_attributes(client, namespace))
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(
                namespace=namespace,
                search_attributes={
                    k.name: k.indexed_value_type for k in ALL_KEYS if k.name in missing
                },
            )
        )
    report.attributes_added = sorted(missing)
    report.attributes_present = sorted(k.name for k in ALL_KEYS if k.name not in missing)
    return report
