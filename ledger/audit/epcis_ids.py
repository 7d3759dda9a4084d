"""The identifiers an EPCIS export gives to what the ledger knows: URIs under its public address.

The ledger has no GS1 company prefix, so its batches, sites and materials are not GTINs or GLNs:
they are HTTP URIs under ``LEDGER_PUBLIC_BASE_URL`` (the address its QR labels point to), which
EPCIS 2.0 accepts wherever it expects an identifier:

- a batch (instance-level, in ``epcList``): ``{base}/batches/{uuid}``
- a material (class-level, ``epcClass`` of a quantity): ``{base}/materials/{code}``
- a site (``readPoint``, ``bizLocation``, a ``location`` source or destination):
  ``{base}/sites/{uuid}``
- an organisation (an ``owning_party`` source or destination): ``{base}/organisations/{uuid}``
- a transformation (``transformationID``): ``{base}/transformations/{uuid}``

The ledger's own terms (``fl:route``, ``fl:process``…) are not identifiers of things: their
namespace is the same for every ledger (``ledger.audit.epcis_context``).

``parse_ledger_uri`` reads such an identifier back (capture): the kind and key after the last
two path segments, whatever the address before them, since a document captured from another
ledger names its batches under that ledger's address.
"""

from __future__ import annotations

import re
from uuid import UUID

LEDGER_URI = re.compile(
    r"^https?://[^\s/?#]+(?:/[^\s?#]*)?/(batches|sites|organisations|materials|transformations)"
    r"/([A-Za-z0-9._-]{1,64})$"
)


class Identifiers:
    """URIs of batches, sites, organisations, materials and transformations of one ledger."""

    def __init__(self, public_base_url: str) -> None:
        self.base = public_base_url.rstrip("/")

    def batch(self, batch_id: UUID) -> str:
        return f"{self.base}/batches/{batch_id}"

    def site(self, site_id: UUID) -> str:
        return f"{self.base}/sites/{site_id}"

    def organisation(self, organisation_id: UUID) -> str:
        return f"{self.base}/organisations/{organisation_id}"

    def material(self, code: str) -> str:
        return f"{self.base}/materials/{code}"

    def transformation(self, transformation_id: UUID) -> str:
        return f"{self.base}/transformations/{transformation_id}"


def parse_ledger_uri(uri: object) -> tuple[str, str] | None:
    """``("batches", "<uuid>")`` from ``https://any.ledger/batches/<uuid>``, or None."""
    if not isinstance(uri, str):
        return None
    match = LEDGER_URI.match(uri)
    return None if match is None else (match.group(1), match.group(2))
