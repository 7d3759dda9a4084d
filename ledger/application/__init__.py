"""The ledger application on the eventsourcing library: commands, their handlers, queries.

Imports the domain and the storage; nothing here knows HTTP, pages or the command line.
"""
