"""The reconstruction is reproducible, honest about what it pins, and never writes data/raw."""

import pandas as pd
import pytest

from clusterresearch import config
from clusterresearch.cli import main
from clusterresearch.reconstruction.generator import SHIPPED_SEED, find_seed, generate, shipped_inputs
from clusterresearch.metrics.statements import load_statements


def test_shipped_files_are_the_generators_output(tmp_path):
    assert main(["reconstruct", "--out", str(tmp_path)]) == 0
    for name in ("responses.csv", "responses_provenance.csv"):
        assert (tmp_path / name).read_bytes() == (config.RAW_DIR / name).read_bytes(), name


def test_shipped_seed_is_the_first_that_satisfies_every_statement():
    instrument, registry, statements, items = shipped_inputs()
    assert find_seed(instrument, registry, statements, tries=SHIPPED_SEED - 2016 + 1, items=items) == SHIPPED_SEED


def test_no_essay_answer_is_invented(shipped_survey):
    assert shipped_survey.essays.empty
    raw = pd.read_csv(config.RESPONSES_PATH, dtype=str)
    text_items = shipped_survey.instrument.loc[shipped_survey.instrument["type"] == "text", "item_id"]
    assert raw[list(text_items)].isna().all().all()


def test_provenance_names_the_pinning_statements():
    prov = pd.read_csv(config.PROVENANCE_PATH, dtype=str, keep_default_na=False).set_index("item_id")
    assert prov.loc["fund_reports", "statements"] == "S30"
    assert prov.loc["fund_reports", "pinned"] == "10 of 12 answers 4-5"
    assert prov.loc["coop_firm_specific", "pinned"] == ""


def test_reconstruct_refuses_to_write_under_data_raw(capsys):
    assert main(["reconstruct", "--out", str(config.RAW_DIR)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "data/raw is immutable" in err and err.count("\n") == 1


def test_generator_is_deterministic():
    instrument, registry, statements, _ = shipped_inputs()
    one = generate(instrument, registry, statements, 7)
    two = generate(instrument, registry, statements, 7)
    pd.testing.assert_frame_equal(one, two)


# ------------------------------------------------------------ the level model (issue 13)

from dataclasses import replace

import numpy as np

from clusterresearch.metrics.consistency import area_consistency, area_matrix
from clusterresearch.reconstruction import levels
from clusterresearch.reconstruction.generator import area_noise, reverse_items

ALPHA_RANGE = (0.6, 0.95)


def _registry():
    return shipped_inputs()[1]


def _eligible_alphas(answers, items):
    """Alpha (the public metric, reverse-keyed items reversed) per area with three or more
    self-assessed items that vary."""
    table = area_consistency(answers, items)
    constant = table["zero_variance_items"].map(lambda text: len([i for i in text.split("; ") if i]))
    eligible = table[table["k"] - constant >= 3]
    return dict(zip(eligible["area"], eligible["alpha"]))


def test_alpha_is_in_range_in_every_eligible_area_of_the_shipped_data(shipped_survey):
    alphas = _eligible_alphas(shipped_survey.grid, shipped_survey.items)
    assert len(alphas) == 8  # every area has 3+ varying self-assessed items
    low, high = ALPHA_RANGE
    outside = {area: round(a, 3) for area, a in alphas.items() if not low <= a <= high}
    assert not outside, outside


def test_alpha_reverses_the_reverse_keyed_items(shipped_survey):
    """The metric honours ``reverse``: without it, international cooperation reads lower."""
    keyed = _eligible_alphas(shipped_survey.grid, shipped_survey.items)
    unkeyed = _eligible_alphas(shipped_survey.grid, shipped_survey.items.assign(reverse=False))
    assert keyed["international_cooperation"] > unkeyed["international_cooperation"]


def test_random_pairing_would_fail_the_alpha_target(shipped_survey):
    """The target can fail: the same multisets in random order give alphas out of range."""
    grid = shipped_survey.grid
    rng = np.random.default_rng(0)
    values = np.column_stack([rng.permutation(column) for column in grid.values.T])  # each item's own answers
    alphas = _eligible_alphas(replace(grid, values=values), shipped_survey.items)
    assert any(not ALPHA_RANGE[0] <= a <= ALPHA_RANGE[1] for a in alphas.values())


def test_reverse_keyed_items_run_against_their_area(shipped_survey):
    """Before reversal a reverse-keyed item correlates negatively with the rest of its area."""
    instrument = shipped_survey.instrument
    reverse = reverse_items(instrument)
    assert reverse == {"neg_conflicts", "coop_grant_driven"}
    matrix = area_matrix(shipped_survey.grid, "international_cooperation")  # no items: raw positions
    rest = matrix.drop(columns=["coop_grant_driven"]).mean(axis=1)
    assert np.corrcoef(matrix["coop_grant_driven"], rest)[0, 1] < 0


def test_levels_change_who_answered_what_never_how_many():
    instrument, _, statements, _ = shipped_inputs()
    loose = generate(instrument, _registry(), statements, SHIPPED_SEED, correlation=0.0, reliability=0.5)
    shipped = generate(instrument, _registry(), statements, SHIPPED_SEED)
    sort = lambda frame: frame.sort_values(["item_id", "value"])["value"].to_numpy()
    np.testing.assert_array_equal(sort(loose), sort(shipped))
    assert not loose["value"].equals(shipped["value"])


def test_generator_does_not_read_country():
    instrument, registry, statements, _ = shipped_inputs()
    relabelled = registry.assign(country=registry["country"].map({"PL": "LT", "LT": "PL"}))
    one = generate(instrument, registry, statements, SHIPPED_SEED)
    two = generate(instrument, relabelled, statements, SHIPPED_SEED)
    pd.testing.assert_series_equal(one["value"], two["value"])
    assert not one["country"].equals(two["country"])


def test_desired_levels_are_not_handed_out_by_level():
    """Desired items keep step 1's random order whatever the level model; the provenance says how each item went."""
    instrument, _, statements, _ = shipped_inputs()
    one = generate(instrument, _registry(), statements, SHIPPED_SEED, correlation=0.0, reliability=0.3)
    two = generate(instrument, _registry(), statements, SHIPPED_SEED, correlation=0.9, reliability=0.95)
    desired = one["type"] == "desired"
    pd.testing.assert_series_equal(one.loc[desired, "value"], two.loc[desired, "value"])
    assert not one.loc[one["type"] == "likert", "value"].equals(two.loc[two["type"] == "likert", "value"])
    prov = pd.read_csv(config.PROVENANCE_PATH, dtype=str, keep_default_na=False).set_index("item_id")
    assert prov.loc["communication_desired", "handed_out"].startswith("at random")
    assert prov.loc["coop_grant_driven", "handed_out"].endswith("(reverse-keyed)")
    assert prov.loc["comm_tools", "handed_out"].startswith("highest answer")


def test_hand_out_follows_the_level_and_keeps_the_multiset():
    rng = np.random.default_rng(1)
    level = np.array([0.3, -1.0, 2.0, 0.0])
    answers = np.array([1.0, 5.0, 3.0, 3.0])
    assert list(levels.hand_out(answers, level, rng, noise=0.0)) == [3.0, 1.0, 5.0, 3.0]
    assert list(levels.hand_out(answers, level, rng, noise=0.0, reverse=True)) == [3.0, 5.0, 1.0, 3.0]
    noisy = levels.hand_out(answers, level, rng, noise=5.0)
    assert sorted(noisy) == sorted(answers)


def test_levels_correlate_across_areas_as_set():
    rng = np.random.default_rng(3)
    drawn = levels.draw_levels(rng, 20000, 3, 0.5)
    corr = np.corrcoef(drawn, rowvar=False)
    assert np.allclose(corr[np.triu_indices(3, 1)], 0.5, atol=0.03)
    assert np.allclose(drawn.std(axis=0), 1.0, atol=0.03)
    with pytest.raises(ValueError):
        levels.draw_levels(rng, 5, 2, 1.5)


@pytest.mark.parametrize("k", [1, 4, 12])
def test_item_noise_gives_the_stated_reliability(k):
    noise = levels.item_noise(k, 0.9)
    r = 1.0 / (1.0 + noise ** 2)
    assert k * r / (1 + (k - 1) * r) == pytest.approx(0.9)


def test_areas_with_more_items_get_more_noise():
    noise = area_noise(shipped_inputs()[0])
    assert noise["international_cooperation"] > noise["communication"] > noise["marketing"]
