"""Proposed scales: from SPSS value labels, from the answer texts seen, or from a numeric range.

Each builder returns a `ProposedScale` whose rows run from the most negative answer to the
most positive, missing codes last, as scales.csv wants them. A side that comes from the
label's words is written with a trailing ``?`` (``agree?``): a guess the researcher confirms
by deleting the ``?``; only a code the file itself declares missing is written without one.
A side init cannot place at all is written as a bare ``?``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .words import POLES, STRONG, clean, is_missing, score, side_of

GUESS = "?"


@dataclass
class ProposedScale:
    """One drafted scale: ``rows`` are (code, label, side) in scales.csv order.

    ``basis`` is ``labels`` (value labels in the file), ``answers`` (answer texts seen) or
    ``range`` (numbers without labels, on their observed range); ``doubts`` are sentences for
    the checklist about what init could not tell (direction unknown, unplaced labels).
    """

    rows: list[tuple[str, str, str]]
    basis: str
    doubts: list[str] = field(default_factory=list)
    scale: str = ""

    @property
    def key(self) -> tuple:
        return (self.basis, tuple(self.rows))

    def stem(self) -> str:
        """A readable id: the positive pole's word and the number of answers (``agree5``),
        ``range_1_7`` for numbers without labels, ``_rev`` when codes run from the agree side."""
        answers = [r for r in self.rows if not r[2].startswith("missing")]
        if self.basis == "range":
            return f"range_{answers[0][0]}_{answers[-1][0]}"
        word = _pole_word(answers[-1][1]) if answers else ""
        reversed_codes = self.basis == "labels" and len(answers) > 1 and _num(answers[0][0]) > _num(answers[-1][0])
        return f"{word or 'scale'}{len(answers)}{'_rev' if reversed_codes else ''}"


def _num(code: str) -> float:
    return float(code)


def _code_text(code: float) -> str:
    return str(int(code)) if float(code).is_integer() else repr(float(code))


def _pole_word(label: str) -> str:
    for word in clean(label).split():
        if POLES.get(word, STRONG.get(word, 0)) > 0:
            return {"always": "frequency", "often": "frequency", "excellent": "good"}.get(word, word)
    return ""


def _positional(position: int, count: int) -> str:
    """Side of an answer by place alone: lower half disagree, middle neutral, upper half agree."""
    centre = (count - 1) / 2
    return "disagree" if position < centre else "agree" if position > centre else "neutral"


def from_labels(labels: dict[float, str], seen: set[float], declared: set[float]) -> ProposedScale:
    """A scale from SPSS value labels (plus any unlabelled code the answers use).

    Direction: the words' scores must rise or fall with the codes; ``1 = Very accurate ...
    5 = Very inaccurate`` is listed 5 first. Missing: declared by the file (certain) or by
    words such as "Don't know" (a guess). Unlabelled codes take the code as label and the
    side of their place on the scale.
    """
    codes = sorted(set(labels) | {c for c in seen if c not in labels})
    missing = [c for c in codes if c in declared or is_missing(labels.get(c, ""))]
    answers = [c for c in codes if c not in missing]
    if answers and all(float(c).is_integer() for c in answers):  # endpoint labels only: the codes between
        answers = [float(c) for c in range(int(answers[0]), int(answers[-1]) + 1) if c not in missing]
    scored = [(c, score(labels[c])) for c in answers if c in labels and score(labels[c]) is not None]
    doubts: list[str] = []
    values = [s for _, s in scored]
    if len(set(values)) < 2:
        doubts.append("the labels' words do not tell which end is negative: codes listed in ascending order")
    elif values == sorted(values, reverse=True):
        answers.reverse()
    elif values != sorted(values):
        doubts.append("the labels' words do not follow the code order: codes listed in ascending order")
    unlabelled = [c for c in answers if c not in labels]
    if unlabelled:
        doubts.append("codes without a label (" + ", ".join(_code_text(c) for c in unlabelled) + ") placed by position")
    scores = dict(scored)
    rows = []
    for position, code in enumerate(answers):
        side = side_of(scores.get(code)) or _positional(position, len(answers))
        rows.append((_code_text(code), labels.get(code, _code_text(code)), side + GUESS))
    for code in missing:
        rows.append((_code_text(code), labels.get(code, _code_text(code)), "missing" + ("" if code in declared else GUESS)))
    return ProposedScale(rows, "labels", doubts)


def from_answers(texts: list[str]) -> ProposedScale:
    """A scale from the answer texts seen (choice text exports), ordered by the words' scores.

    Codes are numbered 1.. in that order (answers given as text are matched on labels).
    Texts whose words say nothing are put after the placed ones with side ``?``.
    """
    distinct: dict[str, str] = {}
    for text in texts:
        distinct.setdefault(" ".join(text.lower().split()), " ".join(text.split()))
    labels = list(distinct.values())
    missing = sorted(t for t in labels if is_missing(t))
    placed = sorted((t for t in labels if t not in missing and score(t) is not None), key=lambda t: (score(t), t))
    unplaced = sorted(t for t in labels if t not in missing and score(t) is None)
    doubts = ["built from the answers seen: a choice no respondent picked is absent"]
    if unplaced:
        doubts.append("answers whose words say nothing of their place (" + ", ".join(repr(t) for t in unplaced)
                      + "): order and side unknown")
    rows = [(str(i), t, side_of(score(t)) + GUESS) for i, t in enumerate(placed, start=1)]
    rows += [(str(len(rows) + i), t, GUESS) for i, t in enumerate(unplaced, start=1)]
    rows += [(str(len(rows) + i), t, "missing" + GUESS) for i, t in enumerate(missing, start=1)]
    return ProposedScale(rows, "answers", doubts)


def from_range(low: int, high: int) -> ProposedScale:
    """Numbers without labels: every whole number from the lowest to the highest answer seen,
    low = negative, sides by position, all guesses."""
    codes = list(range(low, high + 1))
    rows = [(str(c), str(c), _positional(i, len(codes)) + GUESS) for i, c in enumerate(codes)]
    return ProposedScale(rows, "range", ["numbers without labels: range, direction and sides are guesses"])


def name_scales(scales: list[ProposedScale]) -> None:
    """Give each scale a unique id from its stem (``agree5``, ``agree5_2``, ...)."""
    taken: set[str] = set()
    for proposed in scales:
        stem = proposed.stem()
        name, n = stem, 2
        while name in taken:
            name, n = f"{stem}_{n}", n + 1
        taken.add(name)
        proposed.scale = name
