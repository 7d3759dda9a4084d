"""Subscriptions: an organisation asks the ledger to push the events of some kinds to a URL.

The rules for a target URL live here (they are the ledger's, not HTTP's): http or https, a host,
no credentials, no fragment, and an address in the networks the deployment allows. A hostname is
checked again after every DNS look-up, by whoever delivers (a name may point anywhere later).
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate

from ledger.domain.errors import (
    InvalidSubscription,
    SubscriptionNotFound,
    SubscriptionTargetRefused,
)

MAX_URL_LENGTH = 2000
MAX_KINDS = 50
SECRET_LENGTHS = (16, 200)  # characters; shorter is guessable, longer is a mistake
DIGEST_KIND = "figures.daily"  # a daily digest of the figures, not an event of the log
NETWORKS = ("public", "private")  # which addresses subscriptions may target (a setting)
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def check_url(url: str, networks: str) -> str:
    """A URL the ledger may POST to: http(s), a host, no credentials; refused addresses named."""
    if not url or len(url) > MAX_URL_LENGTH or not url.isascii() or not url.isprintable():
        raise InvalidSubscription(
            f"url is a printable ASCII http(s) URL of at most {MAX_URL_LENGTH} characters "
            "(write an international domain name in its xn-- form)."
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise InvalidSubscription(f"url cannot be read: {error}.") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidSubscription("url must start with https:// or http://.", scheme=parts.scheme)
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise InvalidSubscription("url must not carry credentials: sign with the secret instead.")
    if not parts.hostname or " " in url:
        raise InvalidSubscription("url needs a host.")
    if parts.fragment or url.endswith("#"):
        raise InvalidSubscription("url must not have a fragment (#…).")
    if port == 0:
        raise InvalidSubscription("url has port 0.")
    literal = host_address(parts.hostname)
    if literal is not None:
        check_address(literal, networks)
    return url


def host_address(host: str) -> Address | None:
    """The address a host names without DNS: an IP literal, or loopback for ``localhost``."""
    if host == "localhost" or host.endswith(".localhost"):
        return ipaddress.IPv4Address("127.0.0.1")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def check_address(address: Address, networks: str) -> Address:
    """An address deliveries may go to: public ones always; loopback and private ones only when
    the deployment allows ``private``; link-local (cloud metadata), multicast, unspecified and
    reserved ones never."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    never = address.is_link_local or address.is_multicast or address.is_unspecified
    if not address.is_loopback and (never or address.is_reserved):
        raise SubscriptionTargetRefused(
            f"Deliveries never go to {address} (link-local, multicast or reserved).",
            address=str(address),
        )
    if not address.is_global and networks != "private":
        raise SubscriptionTargetRefused(
            f"{address} is a loopback or private address; this ledger delivers only to public "
            "addresses (LEDGER_SUBSCRIPTION_TARGETS=private allows them).",
            address=str(address),
        )
    return address


def check_kinds(kinds: list[str], known: frozenset[str]) -> list[str]:
    """At least one kind, each an event kind the ledger knows (or the daily digest)."""
    chosen = list(dict.fromkeys(k.strip() for k in kinds))
    if not chosen or len(chosen) > MAX_KINDS:
        raise InvalidSubscription(f"kinds lists 1 to {MAX_KINDS} event kinds.")
    unknown = [k for k in chosen if k not in known and k != DIGEST_KIND]
    if unknown:
        shown = [k[:100] for k in unknown if k.isascii() and k.isprintable()][:20]
        raise InvalidSubscription(
            f"Unknown event kinds: {', '.join(shown[:5]) or 'unreadable names'}.",
            unknown=shown,
            known=[*sorted(known), DIGEST_KIND],
        )
    return chosen


def check_secret(secret: str) -> str:
    """A shared secret long enough not to be guessed, printable, without spaces around it."""
    shortest, longest = SECRET_LENGTHS
    if not shortest <= len(secret) <= longest or not secret.isprintable():
        raise InvalidSubscription(
            f"secret has {shortest} to {longest} printable characters (a random string)."
        )
    if secret != secret.strip():
        raise InvalidSubscription("secret must not start or end with a space.")
    return secret


def secret_hint(secret: str) -> str:
    """Enough of a secret to tell two apart, never enough to use it."""
    return "…" + secret[-4:]


class Subscription(Aggregate):
    """An organisation's request to receive events of some kinds at a URL, signed by a secret.

    Deliveries read as the token that subscribed (its organisation and role): a subscriber never
    receives what that token may not read. Only the sealed secret is stored (sealed by the
    application with the ledger's key), never the secret itself.
    """

    class Created(Aggregate.Created):
        owner_id: UUID
        url: str
        kinds: list[str]
        sealed_secret: str
        secret_hint: str
        reader_role: str
        reader_token_id: str  # the public id of the token: deliveries stop when it is revoked
        organisation_id: UUID
        token_id: str
        request_digest: str

    class Cancelled(Aggregate.Event):
        organisation_id: UUID
        token_id: str

        def apply(self, aggregate: Subscription) -> None:
            aggregate.cancelled = True

    def __init__(
        self,
        owner_id: UUID,
        url: str,
        kinds: list[str],
        sealed_secret: str,
        secret_hint: str,
        reader_role: str,
        reader_token_id: str,
        request_digest: str,
    ) -> None:
        self.owner_id = owner_id
        self.url = url
        self.kinds = list(kinds)
        self.sealed_secret = sealed_secret
        self.secret_hint = secret_hint
        self.reader_role = reader_role
        self.reader_token_id = reader_token_id
        self.request_digest = request_digest
        self.cancelled = False

    @classmethod
    def subscribe(cls, subscription_id: UUID, **fields: Any) -> Subscription:
        """A new subscription (its values checked by the ``check_*`` functions above)."""
        return cls._create(cls.Created, id=subscription_id, **fields)

    def check_manager(self, organisation_id: UUID, ledger_admin: bool) -> None:
        """Only the owner organisation and the ledger's admins see or cancel a subscription (to
        others it does not exist: its URL and kinds are the owner's business)."""
        if not ledger_admin and organisation_id != self.owner_id:
            raise SubscriptionNotFound(f"No subscription {self.id}.")

    def cancel(self, **acted: Any) -> bool:
        """Stop deliveries for good; the subscription and its log stay readable. Cancelling
        again changes nothing (returns False)."""
        if self.cancelled:
            return False
        self.trigger_event(self.Cancelled, **acted)
        return True


class SubscriptionIndex(Aggregate):
    """Every subscription's id, for listing them without scanning the log."""

    class Opened(Aggregate.Created):
        pass

    class Listed(Aggregate.Event):
        subscription_id: UUID

        def apply(self, aggregate: SubscriptionIndex) -> None:
            aggregate.ids.append(self.subscription_id)

    def __init__(self) -> None:
        self.ids: list[UUID] = []

    @staticmethod
    def create_id() -> UUID:
        return uuid5(NAMESPACE_URL, "/ledger/subscriptions")

    @classmethod
    def open(cls) -> SubscriptionIndex:
        return cls._create(cls.Opened, id=cls.create_id())

    def list(self, subscription_id: UUID) -> None:
        self.trigger_event(self.Listed, subscription_id=subscription_id)
