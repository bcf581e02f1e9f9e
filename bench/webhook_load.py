"""Load generator for the webhook bench, in its own process as Odoo would be.

python -m bench.webhook_load URL COUNT CONCURRENCY   → JSON list of answer times (ms)
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import httpx


async def burst(url: str, count: int, concurrency: int) -> list[float]:
    times: list[float] = []
    gate = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(
        timeout=5, limits=httpx.Limits(max_connections=concurrency)
    ) as http:

        async def one(n: int) -> None:
            order = 500_000 + n
            body = {
                "_action": "Send Webhook Notification(#452)",
                "_id": order,
                "_model": "sale.order",
                "amount_total": 1000.0 + n,
                "id": order,
                "name": f"S{order}",
                "partner_id": 14,
                "state": "sale",
                "user_id": 2,
            }
            async with gate:
                started = time.perf_counter()
                response = await http.post(url, json=body)
                times.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()

        await asyncio.gather(*(one(n) for n in range(count)))
    return times


if __name__ == "__main__":
    target, total, parallel = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    print(json.dumps(asyncio.run(burst(target, total, parallel))))
