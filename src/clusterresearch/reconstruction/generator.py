"""The seeded generator of the reconstructed survey answers.

Two steps, each with its own random stream from one seed:

1. Each item's multiset of answers. What the statements pin is the number of answers in a
   category per item (for example 10 of 12 answers 4-5); the rest is drawn from a per-area
   answer profile: 4 against 5 inside "agree", 1 against 2 inside "disagree", the answers
   outside the pinned categories, and every item no statement mentions. Mean and
   area-level statements (ranks, gaps, self against assessor) are not constructed; the
   generator draws until they hold, trying seeds in order from ``BASE_SEED`` and recording
   the first that passes.
2. Which manager gave which answer (``levels``): every manager has a latent level per area,
   correlated across areas; the answers of a self-assessed or assessor item go to the
   managers in the order of their area level plus noise (reverse order for a reverse-keyed
   item). Desired levels describe the role, not the manager's competency, and stay in
   random order. This step never changes a multiset, so it cannot break a statement.

Country is never read: levels are independent of it. Essay answers are left empty: the
paper publishes none, and none is invented.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from ..loading.study import load_areas, load_study
from ..loading.grid import Grid
from ..metrics.statements import check_statements, load_statements
from ..outputs import staged_dir, write_csv
from .levels import draw_levels, hand_out, item_noise
from .pins import describe_pins, item_pins

BASE_SEED = 2016
SHIPPED_SEED = 2016  # the first seed from BASE_SEED for which every statement holds
MAX_TRIES = 5000

# Probability of answers 1-5 for answers no statement pins, per area and item type.
# They encode the paper's qualitative picture (communication tight around 3-4; online
# marketing lowest; desired levels high; assessors stricter than managers) and nothing more.
AREA_PROFILE: dict[str, tuple[float, ...]] = {
    "communication": (0.0, 0.05, 0.45, 0.5, 0.0),
    "negotiation": (0.15, 0.25, 0.25, 0.25, 0.10),
    "project_management": (0.20, 0.30, 0.25, 0.20, 0.05),
    "project_funding": (0.05, 0.15, 0.25, 0.35, 0.20),
    "international_cooperation": (0.10, 0.25, 0.30, 0.25, 0.10),
    "budgeting": (0.15, 0.30, 0.30, 0.20, 0.05),
    "marketing": (0.10, 0.20, 0.30, 0.30, 0.10),
    "online_marketing": (0.35, 0.35, 0.20, 0.08, 0.02),
}
TYPE_PROFILE: dict[str, tuple[float, ...]] = {
    "desired": (0.0, 0.0, 0.10, 0.40, 0.50),
    "assessor": (0.30, 0.40, 0.20, 0.10, 0.0),
}
# An item with a statement about its mean draws from a profile on that side of the scale.
MEAN_PROFILE: dict[str, tuple[float, ...]] = {
    "low": (0.60, 0.30, 0.10, 0.0, 0.0),
    "high": (0.0, 0.05, 0.15, 0.50, 0.30),
}
# The level model (see .levels): the correlation of two areas' latent levels; the
# reliability an area's self-assessed items would have as continuous answers, from which
# each area's item noise follows (``levels.item_noise``); the item types handed out by level.
LEVEL_CORRELATION = 0.5
RELIABILITY = 0.93
BY_LEVEL_TYPES = ("likert", "assessor")

LEVELS = np.array([1, 2, 3, 4, 5])
AGREE, DISAGREE, TOP = {4, 5}, {1, 2}, {5}


def _draw(rng: np.random.Generator, profile, allowed: set[int], size: int) -> list[int]:
    if size == 0:
        return []
    weights = np.array([p if level in allowed else 0.0 for level, p in zip(LEVELS, profile)])
    if weights.sum() == 0:
        weights = np.array([1.0 if level in allowed else 0.0 for level in LEVELS])
    return list(rng.choice(LEVELS, size=size, p=weights / weights.sum()))


def item_answers(rng: np.random.Generator, profile, pins: dict[str, tuple[int, list[str]]], n: int) -> np.ndarray:
    """n answers that meet the pinned counts, the rest drawn from ``profile``, in random order."""
    top = pins.get("top", (None,))[0]
    agree = pins.get("agree", (None,))[0]
    disagree = pins.get("disagree", (None,))[0]
    answers: list[int] = []
    if top is not None:
        answers += [5] * top
    if agree is not None:
        answers += _draw(rng, profile, {4} if top is not None else AGREE, agree - (top or 0))
    if disagree is not None:
        answers += _draw(rng, profile, DISAGREE, disagree)
    allowed = {1, 2, 3, 4, 5}
    if agree is not None:
        allowed -= AGREE
    elif top is not None:
        allowed -= TOP
    if disagree is not None:
        allowed -= DISAGREE
    answers += _draw(rng, profile, allowed or {3}, n - len(answers))
    return rng.permutation(np.array(answers, dtype=float))


def _mean_sides(statements: pd.DataFrame) -> dict[str, str]:
    means = statements[statements["statistic"] == "mean"]
    return {item: ("low" if op in ("<", "<=") else "high") for item, op in zip(means["item_id"], means["op"])}


def reverse_items(instrument: pd.DataFrame) -> set[str]:
    """Item ids the instrument declares reverse-keyed (``reverse`` as `load_instrument` parses it)."""
    if "reverse" not in instrument.columns:
        return set()
    return set(instrument.loc[instrument["reverse"].to_numpy(dtype=bool), "item_id"])


def level_areas(instrument: pd.DataFrame) -> list[str]:
    """The columns of the level matrix: the areas in instrument order. The seeded draws follow
    it, so the reconstruction does not move with a report order (`Study.area_order`)."""
    return list(pd.unique(instrument["area"]))


def area_noise(instrument: pd.DataFrame, reliability: float = RELIABILITY) -> dict[str, float]:
    """Per area, the item noise at which its self-assessed items would reach ``reliability``."""
    counts = instrument[instrument["type"] == "likert"].groupby("area")["item_id"].count()
    return {area: item_noise(int(counts.get(area, 1)), reliability) for area in level_areas(instrument)}


def level_stream(seed: int) -> np.random.Generator:
    """The random stream of step 2, independent of step 1's ``default_rng(seed)``."""
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(1)[0])


def generate(instrument: pd.DataFrame, registry: pd.DataFrame, statements: pd.DataFrame, seed: int,
             correlation: float = LEVEL_CORRELATION, reliability: float = RELIABILITY) -> pd.DataFrame:
    """Tidy answers (one row per respondent x scaled item) for one manager per registry cluster.

    The registry gives the respondents' country and cluster labels only; no draw depends on them.
    """
    rng = np.random.default_rng(seed)
    respondents = pd.DataFrame({
        "respondent_id": [f"R{i:02d}" for i in range(1, len(registry) + 1)],
        "country": registry["country"].to_numpy(),
        "cluster": registry["cluster_id"].to_numpy(),
    })
    n = len(respondents)
    pins = item_pins(statements, n)
    sides = _mean_sides(statements)
    scaled = instrument[instrument["type"].isin(config.SCALED_TYPES)]
    columns = {}
    for item_id, area, item_type in scaled[["item_id", "area", "type"]].itertuples(index=False):
        profile = MEAN_PROFILE.get(sides.get(item_id), TYPE_PROFILE.get(item_type, AREA_PROFILE[area]))
        columns[item_id] = item_answers(rng, profile, pins.get(item_id, {}), n)
    by_level = level_stream(seed)
    areas = level_areas(instrument)
    levels = draw_levels(by_level, n, len(areas), correlation)
    reverse = reverse_items(instrument)
    noise = area_noise(instrument, reliability)
    for item_id, area, item_type in scaled[["item_id", "area", "type"]].itertuples(index=False):
        if item_type in BY_LEVEL_TYPES:
            level = levels[:, areas.index(area)]
            columns[item_id] = hand_out(columns[item_id], level, by_level, noise[area], reverse=item_id in reverse)
    wide = pd.concat([respondents, pd.DataFrame(columns)], axis=1)
    tidy = wide.melt(id_vars=list(respondents.columns), var_name="item_id", value_name="value")
    tidy = tidy.merge(scaled[["item_id", "area", "type"]], on="item_id", how="left")
    order = {item: i for i, item in enumerate(scaled["item_id"])}
    tidy = tidy.assign(_o=tidy["item_id"].map(order)).sort_values(["respondent_id", "_o"], kind="stable")
    return tidy[["respondent_id", "country", "cluster", "item_id", "area", "type", "value"]].reset_index(drop=True)


def find_seed(instrument, registry, statements, start: int = BASE_SEED, tries: int = MAX_TRIES,
              items: pd.DataFrame | None = None) -> int:
    """The first seed from ``start`` whose answers make every statement hold (``items``:
    the items' scale geometry, as `clusterresearch check` reads them)."""
    study = replace(load_study(config.RAW_DIR), instrument=instrument,
                    areas=load_areas(config.RAW_DIR / "_none_", instrument))  # areas in instrument order
    for seed in range(start, start + tries):
        answers = generate(instrument, registry, statements, seed)
        if check_statements(as_grid(answers, study), statements, instrument, items)["holds"].all():
            return seed
    raise RuntimeError(f"no seed in [{start}, {start + tries}) satisfies every statement")


def as_grid(answers: pd.DataFrame, study) -> Grid:
    """Generated answers as the survey model the metrics count on (`loading.grid.Grid`)."""
    wide = answers.pivot(index=["respondent_id", "country", "cluster"], columns="item_id", values="value")
    items = answers[["item_id", "area", "type"]].drop_duplicates("item_id").astype("str").reset_index(drop=True)
    wide = wide.reindex(columns=list(items["item_id"])).sort_index(level="respondent_id")
    values = wide.to_numpy(dtype=np.float64)
    return Grid(wide.index.to_frame(index=False).astype("str"), items, values,
                np.full(values.shape, -1, dtype=np.int32), (), pd.DataFrame(), study, None)


def to_wide(answers: pd.DataFrame, instrument: pd.DataFrame) -> pd.DataFrame:
    """The responses file layout: one row per respondent, one column per instrument item."""
    keys = ["respondent_id", "country", "cluster"]
    wide = answers.pivot(index=keys, columns="item_id", values="value")
    wide = wide.reindex(columns=list(instrument["item_id"])).reset_index()
    scaled = instrument.loc[instrument["type"].isin(config.SCALED_TYPES), "item_id"]
    wide[list(scaled)] = wide[list(scaled)].astype("Int64")
    return wide.sort_values("respondent_id").reset_index(drop=True)


def handed_out(item_type: str, reverse: bool) -> str:
    """How step 2 gives an item's answers to the managers, in words (the provenance column)."""
    if item_type in BY_LEVEL_TYPES:
        return ("lowest answer to the highest area level + noise (reverse-keyed)" if reverse
                else "highest answer to the highest area level + noise")
    if item_type == "text":
        return ""
    return "at random (a desired level describes the role, not the manager's competency)"


def provenance(instrument: pd.DataFrame, statements: pd.DataFrame, n: int, seed: int) -> pd.DataFrame:
    """Per item: what the statements pin, what the generator chose, and how it handed answers out."""
    pins = item_pins(statements, n)
    sides = _mean_sides(statements)
    reverse = reverse_items(instrument)
    checked = statements.groupby("item_id")["statement_id"].apply(lambda s: ";".join(s))
    rows = []
    for item_id, area, item_type in instrument[["item_id", "area", "type"]].itertuples(index=False):
        if item_type == "text":
            pinned, free = "", "left empty: the paper publishes no essay answers and none is invented"
        elif item_id in pins:
            pinned = describe_pins(pins[item_id], n)
            free = "the other answers and the level inside each pinned category, from the area profile"
        else:
            pinned = ""
            free = "every answer, from the area profile" if item_type == "likert" else f"every answer, from the {item_type} profile"
        if item_id in sides:
            free += f" ({sides[item_id]} profile, as a statement bounds its mean)"
        rows.append({
            "item_id": item_id, "area": area, "type": item_type,
            "statements": checked.get(item_id, ""), "pinned": pinned, "filled_freely": free,
            "handed_out": handed_out(item_type, item_id in reverse), "seed": seed,
        })
    return pd.DataFrame(rows)


def shipped_inputs():
    """The shipped study's instrument, cluster registry (``cluster_id, country``), statements
    and item geometry: everything the generator reads."""
    from ..loading import load_registry, load_study
    from ..loading.scales import item_scales

    study = load_study(config.RAW_DIR)
    registry = load_registry(config.REGISTRY_PATH)
    statements = load_statements(study.statements or config.STATEMENTS_PATH)
    return study.instrument, registry, statements, item_scales(study.instrument, study.scales)


def reconstruct(seed: int | None = None):
    """Answers (wide), provenance and the seed, from the shipped instrument, registry and statements."""
    instrument, registry, statements, items = shipped_inputs()
    if seed is None:
        seed = SHIPPED_SEED if SHIPPED_SEED is not None else find_seed(instrument, registry, statements, items=items)
    answers = generate(instrument, registry, statements, seed)
    return to_wide(answers, instrument), provenance(instrument, statements, len(registry), seed), seed


def write_reconstruction(out: Path, seed: int | None = None) -> list[Path]:
    """Write responses.csv and responses_provenance.csv to ``out`` (never data/raw)."""
    wide, prov, _ = reconstruct(seed)
    out = Path(out)
    with staged_dir(out) as scratch:
        write_csv(wide, scratch / config.RESPONSES_PATH.name)
        write_csv(prov, scratch / config.PROVENANCE_PATH.name)
    return [out / config.RESPONSES_PATH.name, out / config.PROVENANCE_PATH.name]
