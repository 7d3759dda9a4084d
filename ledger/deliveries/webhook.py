"""One signed POST to a subscriber, with the precautions a server calling out must take.

The host is resolved here and every address it resolves to is checked against the deployment's
networks (DESIGN §9 and README, ``LEDGER_SUBSCRIPTION_TARGETS``); the connection then goes to the
checked address itself, so a name cannot resolve elsewhere between the check and the connection.
Redirects are not followed (a 3xx is a failed attempt), the whole attempt has one deadline, and at
most ``ANSWER_BYTES`` of the answer are read.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from ledger.domain.errors import LedgerError
from ledger.domain.subscription import Address, check_address, host_address

ANSWER_BYTES = 4096  # read from an answer; the log keeps the first 500 characters
SIGNATURE_HEADER = "Ledger-Signature"


def signature(secret: str, body: bytes) -> str:
    """``sha256=`` and the HMAC-SHA256 of the exact body under the subscription's secret."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Answer:
    """What came back from one attempt: a status, or the reason there was none."""

    status: int | None
    text: str
    seconds: float

    @property
    def acknowledged(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def resolve(host: str, port: int, networks: str) -> Address:
    """The first address of a host, every one of its addresses being allowed."""
    literal = host_address(host)
    if literal is not None:
        return check_address(literal, networks)
    found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses = [ipaddress.ip_address(info[4][0]) for info in found]
    for address in addresses:
        check_address(address, networks)
    if not addresses:
        raise OSError(f"{host} has no address")
    return addresses[0]


def abort(connection: http.client.HTTPConnection, late: threading.Event) -> None:
    """End a connection from another thread: a receiver that answers a byte at a time must not
    hold a delivery past its deadline (a socket timeout bounds each read, not all of them)."""
    late.set()  # whatever was read until now is not an answer
    sock = connection.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


class PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to an address already checked, whatever the name resolves to now."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    """The same over TLS, the certificate checked against the URL's host name."""

    def __init__(self, host: str, port: int, address: str, timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.address = address

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float, networks: str) -> Answer:
    """POST ``body`` to ``url``; never raises for what the network or the receiver do."""
    started = time.monotonic()
    parts = urlsplit(url)
    host = parts.hostname or ""
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection: http.client.HTTPConnection | None = None
    deadline: threading.Timer | None = None
    late = threading.Event()
    try:
        address = str(resolve(host, port, networks))
        kind = PinnedHTTPSConnection if https else PinnedHTTPConnection
        connection = kind(host, port, address, timeout)
        deadline = threading.Timer(
            max(0.0, timeout - (time.monotonic() - started)), abort, (connection, late)
        )
        deadline.start()
        connection.request("POST", target, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read(ANSWER_BYTES).decode("utf-8", "replace")
        if late.is_set():
            raise TimeoutError("cut at the deadline")
        return Answer(response.status, text, time.monotonic() - started)
    except LedgerError as refused:
        return Answer(None, f"refused: {refused.message}", time.monotonic() - started)
    except (OSError, http.client.HTTPException, ValueError) as error:
        seconds = time.monotonic() - started
        overdue = isinstance(error, TimeoutError) or late.is_set() or seconds >= timeout
        reason = f"no answer within {timeout:g} s" if overdue else type(error).__name__
        return Answer(None, f"{reason}: {error}", seconds)
    finally:
        if deadline is not None:
            deadline.cancel()
        if connection is not None:
            connection.close()
