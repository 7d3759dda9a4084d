"""Desk pages: what administrators, supervisors, auditors and territory officers read and fill in,
rendered on the server in French or English through one layout.

Every value goes through Jinja2's autoescape (``templating``); words come from the catalogs in
``ledger/web/i18n/<area>.json`` (``i18n``); numbers and dates are written in the reader's
language (``formats``: "390,5 kg" in French). A page's router takes a ``DeskDep`` (``context``):
who reads, in which language, and how to render, refuse or redirect to the sign-in page.
Imports the application and the API's dependencies; nothing below imports this.
"""
