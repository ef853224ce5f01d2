"""Which answer counts a statement pins, read with a whole number of respondents.

A share statement fixes how many of n answers fall in a category. For ``==`` that is the
count the value stands for; for an inequality it is the count nearest the quoted boundary
that still satisfies it (``> 0.8`` of 12 gives 10, ``< 0.2`` gives 2), which is how a reader
turns "more than 80 %" into a count.
"""

from __future__ import annotations

import pandas as pd

from ..metrics.statements import DECIMALS, OPS

CATEGORY = {"share_agree": "agree", "share_disagree": "disagree", "share_top": "top"}


def pinned_count(op: str, value: float, n: int) -> int:
    """The count k of n that the statement ``share op value`` pins."""
    satisfying = [k for k in range(n + 1) if OPS[op](round(k / n, DECIMALS), round(value, DECIMALS))]
    if not satisfying:
        raise ValueError(f"no count of {n} satisfies share {op} {value}")
    if op in (">", ">="):
        return satisfying[0]
    if op in ("<", "<="):
        return satisfying[-1]
    return min(satisfying, key=lambda k: (abs(k / n - value), k))


def item_pins(statements: pd.DataFrame, n: int) -> dict[str, dict[str, tuple[int, list[str]]]]:
    """Per item: {category: (count, [statement ids])} from the share statements."""
    pins: dict[str, dict[str, tuple[int, list[str]]]] = {}
    shares = statements[statements["statistic"].isin(list(CATEGORY))]
    for row in shares.itertuples(index=False):
        category = CATEGORY[row.statistic]
        count = pinned_count(row.op, float(row.value), n)
        item = pins.setdefault(row.item_id, {})
        if category in item and item[category][0] != count:
            raise ValueError(f"{row.item_id}: statements pin {category} to both {item[category][0]} and {count}")
        ids = item.get(category, (count, []))[1] + [row.statement_id]
        item[category] = (count, ids)
    for item_id, item in pins.items():
        if "top" in item and "agree" not in item and item["top"][0] == n:
            item["agree"] = (n, item["top"][1])
        if sum(c for cat, (c, _) in item.items() if cat in ("agree", "disagree")) > n:
            raise ValueError(f"{item_id}: pinned counts exceed {n}")
    return pins


def describe_pins(item: dict[str, tuple[int, list[str]]], n: int) -> str:
    labels = {"agree": "answers 4-5", "disagree": "answers 1-2", "top": "answers 5"}
    return "; ".join(f"{count} of {n} {labels[cat]}" for cat, (count, _) in sorted(item.items()))

