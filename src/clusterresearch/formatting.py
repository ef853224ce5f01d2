"""How numbers read in reports and the roadmap: percents, counts with their shares, and
numbers with fixed decimals. The one place of percent rounding (halves up, as a reader
rounds: 12.5 % -> 13 %, where Python's round would give 12).

A value that is not there (None, NaN) reads as ``missing`` ("" in tables, "n/a" in
sentences that must say something).
"""

from __future__ import annotations

import math

import pandas as pd

NBSP = "\u00a0"  # between a number and its unit, so a line never breaks inside "83 %"


def _absent(value) -> bool:
    return value is None or bool(pd.isna(value))


def whole_percent(share: float) -> int:
    """A share (0-1) as a whole percent, halves up (0.125 -> 13); 1e-9 absorbs the binary
    error of shares such as 0.285 (28.499999...)."""
    return int(math.floor(share * 100 + 0.5 + 1e-9))


def percent(share, digits: int = 0, *, nbsp: bool = False, missing: str = "") -> str:
    """A share (0-1) as "83 %" (whole percents halves up; ``digits`` > 0: "83.3 %")."""
    if _absent(share):
        return missing
    value = str(whole_percent(share)) if digits == 0 else f"{100 * share:.{digits}f}"
    return f"{value}{NBSP if nbsp else ' '}%"


def count_share(k, n) -> str:
    """'10/12 (83 %)' with no line break inside; "" where there are no answers."""
    if not n or _absent(n):
        return ""
    return f"{int(k)}/{int(n)}{NBSP}({percent(k / n, nbsp=True)})"


def interval(low, high) -> str:
    """A percent interval '55–95 %'; "" where it is undefined."""
    if _absent(low) or _absent(high):
        return ""
    return f"{whole_percent(low)}–{percent(high, nbsp=True)}"


def number(value, digits: int = 2, missing: str = "") -> str:
    """A number with ``digits`` decimals."""
    return missing if _absent(value) else f"{value:.{digits}f}"
