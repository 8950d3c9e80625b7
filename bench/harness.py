"""Tiny benchmark harness: medians of repeated runs, always reported next to a baseline."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Measurement:
    name: str
    median_ms: float
    runs: int


def measure(
    name: str, func: Callable[[], object], *, runs: int = 7, warmup: int = 1
) -> Measurement:
    for _ in range(warmup):
        func()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return Measurement(name=name, median_ms=statistics.median(samples), runs=runs)


def report(subject: Measurement, baseline: Measurement, *, goal: str = "") -> str:
    ratio = subject.median_ms / baseline.median_ms if baseline.median_ms else float("inf")
    line = (
        f"{subject.name}: {subject.median_ms:.2f} ms median ({subject.runs} runs); "
        f"baseline {baseline.name}: {baseline.median_ms:.2f} ms; ratio {ratio:.2f}x"
    )
    return f"{line}; goal: {goal}" if goal else line
