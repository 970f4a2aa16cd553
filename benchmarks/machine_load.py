"""The machine's load, printed at the top of every benchmark: figures taken on a busy machine
mean little, and a reader has to see that before the figures."""

from __future__ import annotations

import os


def load_banner(what: str) -> str:
    """The load average, with a loud warning when the machine is busy (figures then mean little)."""
    one, five, _ = os.getloadavg()
    line = f"{what}; {os.cpu_count()} CPUs; load average {one:.2f} (5 min {five:.2f}) at start"
    if one > 1:
        bar = "!" * 78
        line += (
            f"\n{bar}\n!! LOAD AVERAGE {one:.2f} > 1: other processes share the CPUs. Ratios of interleaved"
            f"\n!! rounds still compare, absolute req/s and tails do not: rerun on a quiet machine.\n{bar}"
        )
    return line
