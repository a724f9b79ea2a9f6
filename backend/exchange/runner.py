"""Running the outbox worker: inside the web app (GRIDWATCH_EXCHANGE_WORKER=1) or on its own
(``python -m backend.exchange``). One worker per deployment is enough; more are safe."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from backend.exchange.worker import OutboxWorker

WORKER_ENV = "GRIDWATCH_EXCHANGE_WORKER"


def worker_enabled() -> bool:
    return os.environ.get(WORKER_ENV, "").lower() in ("1", "true", "yes", "on")


@asynccontextmanager
async def outbox_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start the delivery thread with the app when GRIDWATCH_EXCHANGE_WORKER is set."""
    worker = OutboxWorker(app.state.sessionmaker).start() if worker_enabled() else None
    app.state.outbox_worker = worker
    try:
        yield
    finally:
        if worker is not None:
            worker.stop()
