"""``python -m backend.exchange``: deliver the outbox to the upper platform until stopped."""

from __future__ import annotations

import logging
import signal
import threading

from backend.config import get_settings
from backend.db import make_engine, make_sessionmaker
from backend.exchange.worker import OutboxWorker


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    engine = make_engine(get_settings().database_url)
    worker = OutboxWorker(make_sessionmaker(engine)).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    logging.getLogger("gridwatch.exchange").info("outbox worker running (Ctrl-C to stop)")
    stop.wait()
    worker.stop()
    engine.dispose()


if __name__ == "__main__":
    main()
