"""Pushes to subscribers (DESIGN §9): the delivery worker, its positions and log, signed posts.

Reads the event log through the application (and the views for the daily digest); writes only its
own tables beside the views. Nothing here is imported by the application or the domain.
"""
