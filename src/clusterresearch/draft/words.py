"""Reading an answer label's words: where on its scale it sits, and whether it is an answer at all.

``score(label)`` is a signed position: negative for the disagree pole, 0 for the middle,
positive for the agree pole, larger in size for stronger wording ("Strongly agree" = 2,
"Somewhat agree" = 0.5, "Agree" = 1); ``None`` when no word of the label is known.
``is_missing(label)`` recognises "Don't know", "Not applicable", refusals and "no answer":
codes that are counted apart and never taken as an answer. The word lists are data below;
every side they give is a proposal the researcher confirms (init marks it with ``?``).
"""

from __future__ import annotations

import re

# Words that place a label at a pole: +1 on the agree side, -1 on the disagree side.
POLES: dict[str, float] = {
    "agree": 1, "disagree": -1,
    "accurate": 1, "inaccurate": -1,
    "satisfied": 1, "dissatisfied": -1, "unsatisfied": -1,
    "likely": 1, "unlikely": -1,
    "important": 1, "unimportant": -1,
    "good": 1, "poor": -1, "bad": -1,
    "true": 1, "untrue": -1, "false": -1,
    "often": 1, "frequently": 1, "usually": 1, "rarely": -1, "seldom": -1,
    "agreed": 1, "disagreed": -1,
}
# Words that are a pole and its strength at once.
STRONG: dict[str, float] = {
    "always": 2, "never": -2, "excellent": 2, "terrible": -2, "awful": -2,
}
# Phrases whose words alone would mislead.
PHRASES: dict[str, float] = {"most of the time": 1.0, "almost always": 1.5, "almost never": -1.5,
                             "hardly ever": -1.5, "very often": 1.5}
# Words that make the middle of a scale.
MIDDLE = ("neither", "neutral", "undecided", "sometimes", "occasionally", "fair", "average",
          "half", "moderately important", "somewhat important", "unsure", "mixed")
# Modifiers: how far from the middle the pole word is.
STRENGTH: dict[str, float] = {
    "strongly": 2, "very": 1.5, "completely": 2, "totally": 2, "extremely": 2, "entirely": 2,
    "fully": 2, "absolutely": 2, "highly": 1.5, "quite": 1, "mostly": 0.75, "most": 1.5,
    "somewhat": 0.5, "slightly": 0.5, "moderately": 0.75, "rather": 0.5, "mildly": 0.5,
    "a little": 0.5, "fairly": 0.75, "partly": 0.5, "partially": 0.5, "tend to": 0.5,
}
MISSING = (
    r"don'?t know", r"do not know", r"not sure", r"can'?t say", r"cannot say", r"no opinion",
    r"not applicable", r"\bn/?a\b", r"does not apply", r"doesn'?t apply",
    r"refused", r"prefer not to (say|answer)", r"rather not say", r"no answer", r"not answered",
)
_MISSING = re.compile("|".join(MISSING))
_NEGATION = re.compile(r"\bnot( at all)?\b")


def clean(label: str) -> str:
    text = str(label).lower().replace("\u2019", "'")
    text = re.sub(r"^\s*\d+\s*[-=.:)]\s*", "", text)  # "1 - Strongly agree" -> "strongly agree"
    return " ".join(re.sub(r"[^a-z' /]+", " ", text).split())


def is_missing(label: str) -> bool:
    """True for answers that are not on the scale: don't know, not applicable, refused, no answer."""
    return bool(_MISSING.search(clean(label)))


def score(label: str) -> float | None:
    """Signed position of a label (negative = disagree side, 0 = middle), or None when unknown.

    The pole word gives the sign (+1 agree, accurate, always, good, important, ...; -1 their
    opposites), a strength word the size ("strongly" 2, "somewhat" 0.5), a ``not`` before the
    pole flips it ("not at all important" = -2, "not important" = -1). A label naming both
    poles ("Neither agree nor disagree") or a middle word ("Sometimes", "Neutral") is 0.
    """
    text = clean(label)
    if not text or is_missing(text):
        return None
    words = text.split()
    for phrase, value in PHRASES.items():
        if re.search(rf"\b{phrase}\b", text):
            return value
    poles = [w for w in words if w in POLES or w in STRONG]
    if any(re.search(rf"\b{m}\b", text) for m in MIDDLE) or len({POLES.get(w, STRONG.get(w, 0)) > 0 for w in poles}) > 1:
        return 0.0
    if not poles:
        return None
    word = poles[0]
    if word in STRONG:
        value = STRONG[word]
    else:
        value = POLES[word] * max((s for m, s in STRENGTH.items() if re.search(rf"\b{m}\b", text)), default=1.0)
    negation = _NEGATION.search(text)
    if negation and value > 0:
        value = -(2.0 if negation.group(1) else 1.0)
    return float(value)


def side_of(value: float | None) -> str | None:
    """The contract's side of a scored label: disagree below 0, neutral at 0, agree above."""
    if value is None:
        return None
    return "agree" if value > 0 else "disagree" if value < 0 else "neutral"
