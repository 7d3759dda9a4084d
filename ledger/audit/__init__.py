"""Auditors' tools: the hash chain over the event log, evidence bundles, exports."""
