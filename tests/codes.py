"""Label codes for tests: real codes with their check character, the same at every run."""

from __future__ import annotations

import random

from labels import generate_codes

CODES = generate_codes(32, random.Random(2026))
