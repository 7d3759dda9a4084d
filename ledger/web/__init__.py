"""Phone and desk pages, served by the API app (``ledger.web.install.install_web``).

Kept free of imports so that ``ledger.api.deps`` can use ``ledger.web.session`` without a cycle.
"""
