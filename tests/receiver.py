"""A subscriber's receiver on 127.0.0.1 for tests: records what it is sent, fails on request."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    """One POST as the receiver got it."""

    headers: dict[str, str]
    body: bytes
    status: int  # what the receiver answered

    @property
    def document(self) -> dict[str, Any]:
        found: dict[str, Any] = json.loads(self.body)
        return found

    @property
    def position(self) -> int:
        return int(self.document["event"]["position"])

    def signed_by(self, secret: str) -> bool:
        expected = "sha256=" + hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(self.headers.get("ledger-signature", ""), expected)


@dataclass
class Receiver:
    """Answers ``fail_first`` requests with 500 (or ``failure``), then 204; ``delay`` seconds
    before each answer."""

    fail_first: int = 0
    failure: int = 500
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    url: str = ""

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        time.sleep(self.delay)
        with self.lock:
            status = self.failure if len(self.received) < self.fail_first else 204
            self.received.append(Received(headers, body, status))
        return status

    @property
    def accepted(self) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.status == 204]

    def wait_for(self, count: int, seconds: float = 20.0) -> list[Received]:
        """The accepted deliveries once there are ``count`` (bounded wait)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if len(self.accepted) >= count:
                return self.accepted
            time.sleep(0.02)
        raise AssertionError(f"{len(self.accepted)} of {count} deliveries after {seconds} s")


def handler_for(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            if len(body) < length:  # the sender died mid-request: nothing was delivered
                self.close_connection = True
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            status = receiver.answer(headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_: Any) -> None:
            pass

    return Handler


@contextmanager
def receiving(receiver: Receiver) -> Iterator[Receiver]:
    """Serve the receiver on a free port of 127.0.0.1 for the duration of a test."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(receiver))
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/ledger-hook"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def until(check: Callable[[], bool], seconds: float = 20.0) -> None:
    """Wait for a condition, at most ``seconds``."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {seconds} s")
        time.sleep(0.02)
