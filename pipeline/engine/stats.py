"""Percentiles of observed durations."""

from __future__ import annotations

import math
from collections.abc import Sequence


def nearest_rank(ordered: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile of sorted values: always a value that was observed; None when empty."""
    if not ordered:
        return None
    return ordered[max(1, math.ceil(fraction * len(ordered))) - 1]
