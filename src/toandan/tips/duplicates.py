"""Duplicate suggestions for a new tip (issue 4 item 6); being written."""

from __future__ import annotations

from dataclasses import dataclass

from toandan.tips.models import Tip


@dataclass(frozen=True)
class DuplicateSuggestion:
    tip: Tip
    score: float
    reasons: tuple[str, ...]


def similar_open_tips(tip: Tip, *, limit: int = 5) -> list[DuplicateSuggestion]:
    """Open tips probably about the same matter as `tip`, best first."""
    return []
