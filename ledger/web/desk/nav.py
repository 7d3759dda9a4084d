"""Which pages each role uses: the home page's list and the header's links.

One entry per page: its path, the key of its name and description in the catalogs, the roles
that use it (``admin`` sees every page), and whether it belongs in the header. Each area adds
its pages here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ledger.application.commands import Actor
from ledger.domain.registry import ROLES

EVERYONE = ROLES
FIELD = ("collector", "sorter", "transporter", "outlet")


@dataclass(frozen=True)
class Link:
    path: str
    key: str  # words: "<key>" (the name) and "<key>.about" (what it is for)
    roles: tuple[str, ...]
    in_header: bool = False


LINKS: tuple[Link, ...] = (
    Link("/scan", "nav.scan", FIELD, in_header=True),
    Link("/sorting", "nav.sorting", ("sorter",)),
    Link("/outbox", "nav.outbox", FIELD),
    Link("/dashboard", "nav.dashboard", EVERYONE, in_header=True),
    Link("/territory", "nav.territory", EVERYONE, in_header=True),
    Link("/map", "nav.map", EVERYONE),
    Link("/work/timesheet", "work.nav", ("supervisor",), in_header=True),
    Link("/work/jobs", "work.nav.jobs", ("supervisor",), in_header=True),
    Link("/work/declarations", "work.nav.declare", ("supervisor",), in_header=True),
    Link("/audit", "audit.nav", ("auditor", "supervisor"), in_header=True),
    Link("/audit/report", "nav.audit_report", ("auditor", "supervisor")),
    Link("/admin", "admin.nav", ("admin",), in_header=True),
    Link("/docs", "nav.api", ("admin", "auditor")),
)


def links_for(actor: Actor | None) -> list[Link]:
    """The pages this reader may use, in the order of ``LINKS``."""
    if actor is None:
        return []
    return [link for link in LINKS if actor.role == "admin" or actor.role in link.roles]
