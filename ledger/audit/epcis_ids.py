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
- the ledger's own terms (``fl:route``, ``fl:process``…): the namespace ``{base}/ns/epcis#``,
  bound to the prefix ``fl`` in the document's ``@context``.
"""

from __future__ import annotations

from uuid import UUID

EXTENSION_PREFIX = "fl"


class Identifiers:
    """URIs of batches, sites, organisations, materials and transformations of one ledger."""

    def __init__(self, public_base_url: str) -> None:
        self.base = public_base_url.rstrip("/")

    @property
    def namespace(self) -> str:
        """The namespace of the ledger's extension terms (prefix ``fl``)."""
        return f"{self.base}/ns/epcis#"

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


def term(name: str) -> str:
    """A ledger extension term as a compact IRI: ``fl:route``."""
    return f"{EXTENSION_PREFIX}:{name}"
