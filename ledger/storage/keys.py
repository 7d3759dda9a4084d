"""The ledger's signing key (label signatures, sessions, form tokens): one key per ledger.

``LEDGER_SECRET_KEY`` when it is set. Otherwise, on SQLite, a key generated at first start and
kept beside the database (``secret.key``, mode 0600), so every process and every restart of that
ledger signs alike: a label printed yesterday, or by ``ledger labels``, is still genuine today.
On PostgreSQL there is no file every process shares, so the key must be configured.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path

from ledger.settings import Settings

KEY_FILE = "secret.key"
HOW_TO_MAKE_ONE = (
    "Set LEDGER_SECRET_KEY to a long random secret shared by every process of this ledger, "
    'e.g. LEDGER_SECRET_KEY=$(python3 -c "import secrets; print(secrets.token_urlsafe(32))"); '
    "keep it: labels printed under a key are genuine only under that key."
)


class MissingSecretKey(RuntimeError):
    """A PostgreSQL ledger without ``LEDGER_SECRET_KEY``."""


def key_file(settings: Settings) -> Path:
    return settings.sqlite_path.parent / KEY_FILE


def settle_secret_key(settings: Settings) -> Settings:
    """These settings with their signing key: configured, or the SQLite ledger's own file."""
    if settings.secret_key or settings.backend != "sqlite":
        return settings
    return settings.with_overrides(secret_key=read_or_create(key_file(settings)))


def require_secret_key(settings: Settings) -> None:
    """Refuse to serve pages and labels without a key that every process shares."""
    if not settings.secret_key:
        raise MissingSecretKey(f"A PostgreSQL ledger needs its signing key. {HOW_TO_MAKE_ONE}")


def read_or_create(path: Path) -> str:
    """The key in ``path``, made first if there is none (two processes starting at once agree:
    the file is created exclusively, and the one that loses reads the winner's)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return read_key(path)
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(secrets.token_urlsafe(32) + "\n")
    return read_key(path)


def read_key(path: Path) -> str:
    for _ in range(50):  # the creator may not have written it yet
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
        time.sleep(0.01)
    raise MissingSecretKey(f"{path} is empty: remove it to make a new key. {HOW_TO_MAKE_ONE}")
