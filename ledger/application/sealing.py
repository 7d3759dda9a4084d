"""Sealed secrets: what the ledger must keep to sign for someone, stored unreadable without its key.

A subscription's secret has to be kept (each delivery is signed with it), but the event log is
copied into evidence bundles and exports. So the event holds the secret sealed with AES-256-GCM
under a key derived from the ledger's signing key (``LEDGER_SECRET_KEY``), bound to the
subscription's id: a sealed secret copied onto another subscription does not open. A ledger whose
signing key changed cannot open the secrets sealed before: those subscriptions must be made again.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "v1."
NONCE_BYTES = 12


class SecretUnreadable(Exception):
    """A sealed secret does not open with this ledger's key (the key changed, or it was
    tampered with)."""


def sealing_key(signing_key: bytes) -> bytes:
    """The key for sealing subscription secrets, derived from the signing key (never the same
    bytes: a label signature reveals nothing about it)."""
    return hmac.new(signing_key, b"filiere-ledger/subscription-secrets/v1", hashlib.sha256).digest()


def fingerprint(secret: str, key: bytes) -> str:
    """A keyed digest of a secret: tells two requests apart without letting anyone who reads
    the log try guesses against it."""
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()


def seal(secret: str, key: bytes, context: bytes) -> str:
    """The secret, encrypted and authenticated, bound to ``context`` (the subscription's id)."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key).encrypt(nonce, secret.encode(), context)
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def unseal(sealed: str, key: bytes, context: bytes) -> str:
    """The secret back, or ``SecretUnreadable``."""
    if not sealed.startswith(PREFIX):
        raise SecretUnreadable("unknown sealing version")
    try:
        raw = base64.urlsafe_b64decode(sealed[len(PREFIX) :])
        opened = AESGCM(key).decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], context)
    except (InvalidTag, ValueError):
        raise SecretUnreadable("the secret does not open with this ledger's key") from None
    return opened.decode()
