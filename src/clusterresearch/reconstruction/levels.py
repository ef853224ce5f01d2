"""Latent competency levels of the reconstructed managers, and answers handed out by level.

The paper publishes, per item, how many managers agreed (its marginals), never which
manager gave which answer. To make one manager's answers hang together as a real
self-assessment does, each manager gets a latent level per area,

    level[m, a] = sqrt(rho) * common[m] + sqrt(1 - rho) * own[m, a],   common, own ~ N(0, 1)

so two areas' levels correlate with ``rho`` (a manager who rates himself high in one area
tends to in the others) and every area's level has variance 1. An item's answers, fixed
beforehand as a multiset, are then handed out in the order of ``level + noise * e``
(e ~ N(0, 1), one draw per manager and item): the highest answer to the highest score. A
reverse-keyed item (agreeing means less competence) hands them out in the reverse order.
``noise`` sets how closely an item follows its area: a continuous answer level + noise * e
correlates with the level at 1 / sqrt(1 + noise**2), and two items of the area with each
other at r = 1 / (1 + noise**2). ``item_noise`` picks the noise at which k such items would
have a given reliability (standardised alpha k r / (1 + (k - 1) r), Spearman-Brown), so
areas with few items get less noise than areas with many.

Handing out never changes an item's multiset, so every count, mean and spread of an item
(and so every published statement) is the same whatever the levels are. Nothing here
reads a manager's country: levels are drawn independently of it.
"""

from __future__ import annotations

import numpy as np


def draw_levels(rng: np.random.Generator, n: int, n_areas: int, correlation: float) -> np.ndarray:
    """An n x n_areas matrix of latent levels: one common factor, between-area correlation ``correlation``."""
    if not 0.0 <= correlation <= 1.0:
        raise ValueError(f"correlation must lie in [0, 1], not {correlation}")
    common = rng.standard_normal(n)
    own = rng.standard_normal((n, n_areas))
    return np.sqrt(correlation) * common[:, None] + np.sqrt(1.0 - correlation) * own


def hand_out(answers: np.ndarray, level: np.ndarray, rng: np.random.Generator, noise: float,
             reverse: bool = False) -> np.ndarray:
    """The multiset ``answers`` given to managers in the order of ``level + noise * e``.

    Entry m of the result is manager m's answer. The highest answer goes to the highest
    score (to the lowest when ``reverse``); the result is a permutation of ``answers``.
    """
    answers = np.asarray(answers, dtype=float)
    score = np.asarray(level, dtype=float) + noise * rng.standard_normal(len(answers))
    if reverse:
        score = -score
    order = np.argsort(-score, kind="stable")  # managers from the highest score down
    out = np.empty_like(answers)
    out[order] = np.sort(answers)[::-1]
    return out


def item_noise(k: int, reliability: float) -> float:
    """The noise at which k continuous items of one level would have alpha ``reliability``.

    From alpha = k r / (1 + (k - 1) r): r = alpha / (k - (k - 1) alpha), and r = 1 / (1 + noise**2).
    A single item (k = 1) gets the noise of r = reliability.
    """
    if not 0.0 < reliability < 1.0:
        raise ValueError(f"reliability must lie in (0, 1), not {reliability}")
    k = max(int(k), 1)
    r = reliability / (k - (k - 1) * reliability)
    return float(np.sqrt(1.0 / r - 1.0))
