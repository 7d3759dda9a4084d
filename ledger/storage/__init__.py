"""Storage: the database a ledger lives in, the event recorders, direct reads of the event log.

Imports the settings and the eventsourcing library's persistence; nothing of the application.
"""
