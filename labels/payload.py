"""QR payload: a resolvable, signed label URL.

The QR code holds ``{public_base_url}/l/{CODE}?s={SIGNATURE}``, for instance
``https://ledger.example/l/7K4M9QPRX?s=AB12CD34``. Like a GS1 Digital Link, any phone
camera opens it; the ledger serves the bale's history at ``/l/{CODE}``.

* ``CODE`` is the label code without hyphens (9 uppercase symbols, see :mod:`labels.codes`).
* ``SIGNATURE`` is HMAC-SHA256 over the code with a server key, truncated to 40 bits and
  written as 8 Crockford base32 symbols. A label printed by someone without the key (or a
  code mistyped into a URL) is recognised when scanned. 40 bits is enough against online
  guessing (the server answers one guess per request) while keeping the URL, and so the
  QR symbol, small: fewer modules means bigger modules, which scan better on a dirty bale.

The signature is a label-authenticity hint, not an access control: the code itself is
printed in clear on the label.
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

from labels.codes import ALPHABET, InvalidLabelCode, compact, normalize

__all__ = [
    "SIGNATURE_LENGTH",
    "label_url",
    "parse_label_url",
    "signature_for",
    "verify_signature",
]

SIGNATURE_LENGTH = 8
LABEL_PATH = "l"
SIGNATURE_PARAM = "s"
# Domain separation: the same server key may sign other things without confusion.
_CONTEXT = b"filiere-ledger/label-url/v1\x00"


def signature_for(code: str, key: bytes) -> str:
    """Return the 8-symbol signature of a label code (any accepted spelling of it)."""
    if not key:
        raise ValueError("the label signing key must not be empty")
    digest = hmac.new(key, _CONTEXT + compact(code).encode("ascii"), hashlib.sha256).digest()
    value = int.from_bytes(digest[:5], "big")  # 40 bits = 8 symbols of 5 bits
    return "".join(ALPHABET[(value >> (5 * i)) & 31] for i in reversed(range(SIGNATURE_LENGTH)))


def verify_signature(code: str, signature: str | None, key: bytes) -> bool:
    """Tell, in constant time, whether ``signature`` is the signature of ``code``.

    A missing signature, an invalid code or a signature of the wrong shape is simply
    ``False``: the caller decides what to show for an unsigned or forged label.
    """
    if signature is None:
        return False
    try:
        expected = signature_for(code, key)
    except InvalidLabelCode:
        return False
    # Compare bytes: hmac.compare_digest rejects non-ASCII str with a TypeError.
    given = signature.strip().upper().encode("utf-8")
    return hmac.compare_digest(expected.encode("ascii"), given)


def label_url(code: str, base_url: str, key: bytes) -> str:
    """Return the signed URL encoded in the label's QR code.

    ``base_url`` is the ledger's public base URL (scheme, host and optional path prefix,
    without query or fragment); a trailing slash is ignored.
    """
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"base_url must be an absolute http(s) URL (got {base_url!r})")
    if parts.query or parts.fragment:
        raise ValueError(f"base_url must not have a query or fragment (got {base_url!r})")
    symbols = compact(code)
    return (
        f"{base_url.rstrip('/')}/{LABEL_PATH}/{symbols}"
        f"?{SIGNATURE_PARAM}={signature_for(symbols, key)}"
    )


def parse_label_url(url: str) -> tuple[str, str | None]:
    """Return ``(code, signature)`` from a scanned label URL.

    The code is returned in display form (``XXX-XXX-XXX``); the signature is ``None`` when
    the URL has none. The signature is *not* verified here (see :func:`verify_signature`).
    Raises :class:`InvalidLabelCode` when the URL is not a label URL or its code is invalid.
    """
    parts = urlsplit(url.strip())
    segments = parts.path.rstrip("/").split("/")
    if len(segments) < 2 or segments[-2] != LABEL_PATH:
        raise InvalidLabelCode(f"{url!r} is not a label URL (expected .../{LABEL_PATH}/CODE).")
    code = normalize(segments[-1])
    values = parse_qs(parts.query).get(SIGNATURE_PARAM)
    return code, (values[0] if values else None)
