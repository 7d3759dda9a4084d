"""Data files of the territory's accounts, each with its source: communes and their populations
and positions, potentials per inhabitant, default heating values."""
