"""A reference receiver for the exchange format: a small real HTTP server (standard library).

It is what an upper platform has to do, at the least: accept ``POST`` envelopes, answer 2xx only
once an event is stored, drop repeats by ``message_id``, and check that each case's events come
in ``sequence``. Tests start it on 127.0.0.1 and make it fail on purpose; operators can run it to
try a deployment: ``python -m backend.exchange.reference_receiver --port 8099``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from backend.exchange.envelope import FORMAT


@dataclass
class ReceiverState:
    fail_next: int = 0  # answer 503 to this many requests, then recover
    always_fail: bool = False
    requests_seen: int = 0
    received: list[dict] = field(default_factory=list)  # first copy of every message, in arrival order
    duplicates: list[int] = field(default_factory=list)  # message ids received again
    out_of_order: list[str] = field(default_factory=list)  # "case ref: got N after M"
    rejected: list[str] = field(default_factory=list)  # malformed bodies
    last_sequence: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def accept(self, envelope: dict) -> tuple[int, dict]:
        with self.lock:
            self.requests_seen += 1
            if self.always_fail or self.fail_next > 0:
                self.fail_next = max(self.fail_next - 1, 0)
                return 503, {"error": "temporarily unavailable (reference receiver told to fail)"}
            problem = _check(envelope)
            if problem:
                self.rejected.append(problem)
                return 400, {"error": problem}
            message_id = envelope["message_id"]
            if any(e["message_id"] == message_id for e in self.received):
                self.duplicates.append(message_id)
                return 200, {"status": "duplicate", "message_id": message_id}
            case = envelope.get("case") or {}
            key = case.get("ref") or f"message-{message_id}"
            previous = self.last_sequence.get(key, 0)
            if envelope["sequence"] != previous + 1:
                self.out_of_order.append(f"{key}: got {envelope['sequence']} after {previous}")
            self.last_sequence[key] = max(previous, envelope["sequence"])
            self.received.append(envelope)
            return 200, {"status": "stored", "message_id": message_id}


def _check(envelope: dict) -> str:
    if not isinstance(envelope, dict) or envelope.get("format") != FORMAT:
        return "not a gridwatch.exchange.case-event envelope"
    if not str(envelope.get("version", "")).startswith("1."):
        return f"unsupported version {envelope.get('version')!r}"
    for key in ("message_id", "sequence", "sent_at", "event"):
        if key not in envelope:
            return f"missing {key}"
    return ""


class ReferenceReceiver:
    """``with ReferenceReceiver() as rx: …`` serves on 127.0.0.1 at ``rx.url``."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.state = ReceiverState()
        state = self.state

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    envelope = json.loads(self.rfile.read(length).decode("utf-8"))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    status, body = 400, {"error": "body is not JSON"}
                else:
                    status, body = state.accept(envelope)
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:  # quiet: tests read the state instead
                return

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.url = f"http://{host}:{self.server.server_address[1]}/events"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ReferenceReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def main() -> None:
    parser = argparse.ArgumentParser(description="GridWatch exchange reference receiver")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    args = parser.parse_args()
    with ReferenceReceiver(args.host, args.port) as receiver:
        print(f"receiving on {receiver.url}  (Ctrl-C to stop)")
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
