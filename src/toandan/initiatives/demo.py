"""Demo data of initiatives (called by `toandan demo`)."""

from __future__ import annotations


def load_demo() -> str:
    return "nothing yet"
