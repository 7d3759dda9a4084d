"""One POST to a subscriber: bounded in time and in what is read, whatever the receiver does."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from ledger.deliveries.webhook import ANSWER_BYTES, post

Behaviour = Callable[[socket.socket], None]


@contextmanager
def raw_server(behaviour: Behaviour) -> Iterator[str]:
    """A TCP server on 127.0.0.1 that reads a request and then does ``behaviour``."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(5)

    def serve() -> None:
        try:
            connection, _ = server.accept()
        except OSError:
            return
        with connection:
            connection.settimeout(5)
            connection.recv(65536)
            with contextlib.suppress(OSError):  # the client hung up: what a bounded one does
                behaviour(connection)

    thread = threading.Thread(target=serve)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/hook"
    finally:
        server.close()
        thread.join(timeout=10)


def drip(connection: socket.socket) -> None:
    """A status line, then one header byte every 0.2 s for ever (8 s here)."""
    connection.sendall(b"HTTP/1.1 200 OK\r\n")
    for _ in range(40):
        connection.sendall(b"X")
        time.sleep(0.2)


def flood(connection: socket.socket) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: 10000000\r\n\r\n"
    connection.sendall(head + b"y" * 1_000_000)


def test_a_receiver_that_answers_a_byte_at_a_time_is_cut_at_the_deadline() -> None:
    with raw_server(drip) as url:
        started = time.monotonic()
        answer = post(url, b"{}", {}, timeout=1.0, networks="private")
        elapsed = time.monotonic() - started
    assert answer.status is None
    assert "no answer within 1 s" in answer.text
    assert elapsed < 2.0


def test_only_the_beginning_of_a_huge_answer_is_read() -> None:
    with raw_server(flood) as url:
        answer = post(url, b"{}", {}, timeout=2.0, networks="private")
    assert answer.status == 200
    assert answer.acknowledged
    assert len(answer.text) == ANSWER_BYTES


def test_an_address_the_ledger_does_not_deliver_to_is_not_contacted() -> None:
    answer = post("http://169.254.169.254/latest", b"{}", {}, timeout=1.0, networks="private")
    assert answer.status is None
    assert answer.text.startswith("refused: Deliveries never go to 169.254.169.254")
    public_only = post("http://127.0.0.1:9/hook", b"{}", {}, timeout=1.0, networks="public")
    assert "refused" in public_only.text
