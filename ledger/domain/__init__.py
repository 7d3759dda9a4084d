"""The pure model of the ledger: aggregates, events, value objects, catalogue, rules, errors."""
