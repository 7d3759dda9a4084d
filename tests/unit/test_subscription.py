"""The rules of a subscription's target, kinds and secret; sealed secrets; and that every kind of
record of the domain has been given its readers."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from uuid import uuid4

import pytest
from eventsourcing.domain import Aggregate

import ledger.domain
from ledger.application.sealing import SecretUnreadable, seal, sealing_key, unseal
from ledger.application.visibility import AUDIENCES, event_kinds
from ledger.domain.errors import InvalidSubscription, SubscriptionTargetRefused
from ledger.domain.subscription import DIGEST_KIND, check_kinds, check_secret, check_url


@pytest.mark.parametrize(
    "url",
    [
        "https://observatoire.example/ledger-hook",
        "http://partenaire.example:8080/in?source=ledger",
        "https://93.184.216.34/hook",
    ],
)
def test_a_public_http_url_is_a_target(url: str) -> None:
    assert check_url(url, "public") == url


@pytest.mark.parametrize(
    "url",
    [
        "ftp://observatoire.example/hook",
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://user:secret@observatoire.example/hook",
        "https://user@observatoire.example/hook",
        "https://observatoire.example/hook#fragment",
        "https:///no-host",
        "https://observatoire.example:0/",
        "https://observatoire.example:70000/",
        "https://observatoire.example/\nHost: evil",
        "https://obs\u00e9rvatoire.example/",
        "",
    ],
)
def test_a_url_that_is_not_plain_http_is_refused(url: str) -> None:
    with pytest.raises(InvalidSubscription):
        check_url(url, "private")


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://api.localhost/hook",
        "http://10.0.0.7/hook",
        "http://192.168.1.20/hook",
        "http://[::1]/hook",
        "http://[fd00::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://100.64.0.1/hook",
    ],
)
def test_loopback_and_private_addresses_only_when_the_ledger_allows_them(url: str) -> None:
    with pytest.raises(SubscriptionTargetRefused):
        check_url(url, "public")
    assert check_url(url, "private") == url


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "http://224.0.0.1/",
        "http://240.0.0.1/",
    ],
)
def test_link_local_multicast_and_unspecified_addresses_are_never_targets(url: str) -> None:
    with pytest.raises(SubscriptionTargetRefused):
        check_url(url, "private")


def test_kinds_are_the_feeds_names_or_the_daily_digest() -> None:
    known = event_kinds()
    assert check_kinds(["Batch", "WorkLog.Logged", DIGEST_KIND, "Batch"], known) == [
        "Batch",
        "WorkLog.Logged",
        DIGEST_KIND,
    ]
    for refused in ([], ["Batch.Burnt"], ["IdempotencyRecord"], ["Subscription"], ["Batch"] * 51):
        with pytest.raises(InvalidSubscription):
            check_kinds(refused if len(refused) < 51 else [f"k{i}" for i in range(51)], known)


def test_a_secret_is_long_printable_and_unpadded() -> None:
    assert check_secret("x" * 16) == "x" * 16
    for refused in ("x" * 15, "x" * 201, " " + "x" * 20, "x" * 20 + "\n", "x\x00" * 10):
        with pytest.raises(InvalidSubscription):
            check_secret(refused)


def test_a_sealed_secret_opens_only_with_its_key_and_for_its_subscription() -> None:
    key, subscription = sealing_key(b"the ledger's key"), uuid4().bytes
    sealed = seal("observatoire-secret-2026", key, subscription)
    assert "observatoire" not in sealed
    assert unseal(sealed, key, subscription) == "observatoire-secret-2026"
    with pytest.raises(SecretUnreadable):
        unseal(sealed, sealing_key(b"another key"), subscription)
    with pytest.raises(SecretUnreadable):
        unseal(sealed, key, uuid4().bytes)  # copied onto another subscription
    with pytest.raises(SecretUnreadable):
        unseal(sealed[:-4] + "AAAA", key, subscription)


def test_every_kind_of_record_of_the_domain_has_its_readers() -> None:
    """A new aggregate is read by the ledger's admins only until it is given an audience in
    ledger/application/visibility.py (DESIGN §4.4): decide who reads it there."""
    aggregates = set()
    for module in pkgutil.iter_modules(ledger.domain.__path__):
        loaded = importlib.import_module(f"ledger.domain.{module.name}")
        aggregates |= {
            cls
            for _, cls in inspect.getmembers(loaded, inspect.isclass)
            if issubclass(cls, Aggregate)
            and cls is not Aggregate
            and cls.__module__ == loaded.__name__
        }
    assert aggregates - set(AUDIENCES) == set()
