"""Trackdéchets' import of the national waste register, re-implemented to check the ledger's files.

Read from MTES-MCT/trackdechets at commit 779f59bf47dc94712a476946cb8c55873f7b690a
(2026-05-19):

- ``headers``: ``libs/back/registry/src/transformers.ts`` (``normalizeHeader``, the CSV stream's
  header check and empty cells) and ``options.ts`` (``;``, the ignored ``Erreur`` column);
- ``fields``: ``libs/back/registry/src/shared/schemas.ts`` and the zod objects of
  ``incomingWaste/validation/schema.ts`` and ``outgoingWaste/validation/schema.ts``, with the
  code lists of ``libs/shared/constants/src/PROCESSING_OPERATIONS.ts`` and ``WASTES.ts``
  (``waste_codes.txt``);
- ``refinements``: ``shared/refinement.ts``, ``incomingWaste/validation/refinement.ts`` and the
  chains of ``incomingWaste/validation/index.ts`` and ``outgoingWaste/validation/index.ts``;
- ``vat``: the checks of jsvat (se-panfilov/jsvat@65108f835f0372c030f3a83cb0c75363ac045b0a,
  ``src/lib/jsvat.ts`` and ``countries/*.ts``) that Trackdéchets runs on EU VAT numbers, for the
  countries the tests meet (any other country fails loudly).

Left out, because they need Trackdéchets' own database: the declarant's profile
(``refineReportForProfile``), the weighing hour made mandatory by an incinerator's or landfill's
profile (the ledger always gives the hour), the ``Motif`` checked against earlier declarations of
the same ``Identifiant unique``, and the SIRETs exempted from the 18-month limit.
"""
