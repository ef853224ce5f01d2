"""Answer scales: which codes an item may take, their labels, order and side.

A scale lists its answers from the most negative to the most positive, so an answer's
*position* (1 = most negative, k = most positive) is what every metric works on, whatever
the codes are (1 may mean "strongly agree"). Codes on the ``missing`` side ("Don't know",
99) are kept apart: counted and reported, never averaged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError, where
from .cells import as_text
from .formats import read_table
from .validation import require_columns, require_filled

SIDES = ("disagree", "neutral", "agree", "missing")
DEFAULT_SCALE = "agree5"
MIN_ANSWERS, MAX_ANSWERS = 2, 11
COLUMNS = ("scale", "code", "label", "side")


def normal_label(text: str) -> str:
    """Labels match case- and space-insensitively: '  Strongly  AGREE ' == 'strongly agree'."""
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def code_text(value) -> str:
    """A code as text: 4, 4.0 and '4' are the same code; other text is kept stripped."""
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return str(int(value)) if float(value).is_integer() else repr(float(value))
    text = str(value).strip()
    try:
        number = float(text)
    except ValueError:
        return text
    return str(int(number)) if number.is_integer() and "." in text else text


@dataclass(frozen=True)
class Scale:
    """One answer scale. ``codes``/``labels``/``sides`` list the answers from the most
    negative to the most positive; ``missing`` maps each missing code to its label."""

    id: str
    codes: tuple[str, ...]
    labels: tuple[str, ...]
    sides: tuple[str, ...]
    missing: tuple[tuple[str, str], ...] = ()

    @property
    def k(self) -> int:
        """Number of answers (missing codes excluded): positions run 1..k."""
        return len(self.codes)

    @property
    def disagree_max(self) -> int:
        """Highest position on the disagree side (0 when the scale has none)."""
        return max([p for p, s in enumerate(self.sides, 1) if s == "disagree"], default=0)

    @property
    def agree_min(self) -> int:
        """Lowest position on the agree side (k + 1 when the scale has none)."""
        return min([p for p, s in enumerate(self.sides, 1) if s == "agree"], default=self.k + 1)

    @property
    def neutral(self) -> tuple[int, ...]:
        return tuple(p for p, s in enumerate(self.sides, 1) if s == "neutral")

    @property
    def missing_labels(self) -> tuple[str, ...]:
        return tuple(label for _, label in self.missing)

    def lookup(self) -> dict[str, tuple[float, str | None]]:
        """code or normalised label -> (position or NaN, missing label or None)."""
        table: dict[str, tuple[float, str | None]] = {}
        for position, (code, label) in enumerate(zip(self.codes, self.labels), 1):
            table.setdefault(normal_label(label), (float(position), None))
        for code, label in self.missing:
            table.setdefault(normal_label(label), (np.nan, label))
        for position, code in enumerate(self.codes, 1):  # codes win over labels
            table[normal_label(code)] = (float(position), None)
        for code, label in self.missing:
            table[normal_label(code)] = (np.nan, label)
        return table

    def expected(self) -> str:
        """What an answer may be, for error messages: '1-5 or a label (Strongly disagree, ...)'."""
        answers = ", ".join(f"{c} {label}" for c, label in zip(self.codes, self.labels))
        missing = "".join(f", {c} {label}" for c, label in self.missing)
        return f"scale {self.id!r}: {answers}{missing}"


AGREE5 = Scale(
    DEFAULT_SCALE,
    codes=("1", "2", "3", "4", "5"),
    labels=("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
    sides=("disagree", "disagree", "neutral", "agree", "agree"),
)


def load_scales(path: str | Path | None) -> dict[str, Scale]:
    """scales.csv as {scale id: Scale}; the built-in ``agree5`` is always there unless the
    file defines its own. Rows of a scale go from the most negative answer to the most
    positive; sides must follow that order (disagree, neutral, agree), missing anywhere."""
    scales = {DEFAULT_SCALE: AGREE5}
    if path is None:
        return scales
    path = Path(path)
    table = read_table(path)
    require_columns(path, table.header, COLUMNS, "a scales file")
    cols = {name: as_text(table.frame[name]) for name in ("scale", "code", "side")}
    cols["label"] = as_text(table.frame["label"])
    require_filled(path, table.rows, cols)
    rows = table.rows
    order = {"disagree": 0, "neutral": 1, "agree": 2}
    grouped: dict[str, list[tuple[int, str, str, str]]] = {}
    for i, (scale, code, label, side) in enumerate(zip(cols["scale"], cols["code"], cols["label"], cols["side"])):
        row = int(rows[i])
        if side not in SIDES:
            raise InputError(path, where(row=row, column="side"),
                             f"{side!r} is not a side: use {', '.join(SIDES)}")
        grouped.setdefault(scale, []).append((row, code_text(code), label, side))
    for scale, entries in grouped.items():
        seen_codes: dict[str, int] = {}
        seen_labels: dict[str, int] = {}
        last = None
        for row, code, label, side in entries:
            if code in seen_codes:
                raise InputError(path, where(row=row, column="code"),
                                 f"code {code!r} of scale {scale!r} repeats row {seen_codes[code]}")
            if normal_label(label) in seen_labels:
                raise InputError(path, where(row=row, column="label"),
                                 f"label {label!r} of scale {scale!r} repeats row {seen_labels[normal_label(label)]}")
            seen_codes[code], seen_labels[normal_label(label)] = row, row
            if side != "missing":
                if last is not None and order[side] < order[last]:
                    raise InputError(path, where(row=row, column="side"),
                                     f"{side!r} after {last!r}: list a scale's answers from the most "
                                     "negative to the most positive")
                last = side
        answers = [e for e in entries if e[3] != "missing"]
        if not MIN_ANSWERS <= len(answers) <= MAX_ANSWERS:
            raise InputError(path, where(row=entries[0][0], column="scale"),
                             f"scale {scale!r} has {len(answers)} answer(s): a scale needs "
                             f"{MIN_ANSWERS} to {MAX_ANSWERS} (missing codes not counted)")
        scales[scale] = Scale(
            scale,
            codes=tuple(e[1] for e in answers),
            labels=tuple(e[2] for e in answers),
            sides=tuple(e[3] for e in answers),
            missing=tuple((e[1], e[2]) for e in entries if e[3] == "missing"),
        )
    return scales


def item_scales(instrument: pd.DataFrame, scales: dict[str, Scale]) -> pd.DataFrame:
    """The geometry of every scaled item, for the metrics: ``item_id, scale, k,
    disagree_max, agree_min, reverse`` (positions as in :class:`Scale`)."""
    scaled = instrument[instrument["type"] != "text"]
    chosen = [scales[s] for s in scaled["scale"]]
    return pd.DataFrame({
        "item_id": scaled["item_id"].to_numpy(dtype=object),
        "scale": scaled["scale"].to_numpy(dtype=object),
        "k": np.array([s.k for s in chosen], dtype=np.int64),
        "disagree_max": np.array([s.disagree_max for s in chosen], dtype=np.int64),
        "agree_min": np.array([s.agree_min for s in chosen], dtype=np.int64),
        "reverse": scaled["reverse"].to_numpy(dtype=bool),
    })
