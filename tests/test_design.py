"""metrics.design: weighted shares and means with design-based standard errors, checked
against answers computed by hand (a two-stratum design) and, when samplics is installed,
against samplics on the NHANES II file it ships (31 strata, 62 PSUs, 10,337 persons)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from clusterresearch.metrics.design import Design, degrees_of_freedom, domain_means, kish_n, logit_interval, rao_scott

# Two strata: A has PSUs a1 (two respondents) and a2; B has b1, b2, b3.
TWO = pd.DataFrame({
    "stratum": ["A", "A", "A", "B", "B", "B"],
    "psu": ["a1", "a1", "a2", "b1", "b2", "b3"],
    "w": [1.0, 1.0, 2.0, 1.0, 3.0, 1.0],
    "y": [1.0, 0.0, 1.0, 0.0, 1.0, 0.0],
    "group": ["x", "d", "d", "x", "d", "x"],
})
DESIGN = Design("w", "stratum", "psu")


def test_two_strata_share_and_its_standard_error_by_hand():
    # W = 9, sum w y = 6: mean 2/3. z = w (y - 2/3) / 9 in 27ths: PSU totals a1 -1, a2 2;
    # b1 -2, b2 3, b3 -2. Stratum A: n_h 2, deviations +-3/54, c_h = 2 -> 36/2916.
    # Stratum B: n_h 3, mean -1/81, deviations -5, 10, -5 (81ths), c_h = 3/2 -> 225/6561.
    # Var = 1/81 + 25/729 = 34/729.
    out = domain_means(TWO, "y", None, DESIGN)
    assert out["mean"].iloc[0] == pytest.approx(2 / 3, abs=1e-12)
    assert out["se"].iloc[0] == pytest.approx(math.sqrt(34 / 729), abs=1e-12)
    assert out["n"].iloc[0] == 6 and out["n_effective"].iloc[0] == pytest.approx(81 / 17, abs=1e-12)
    assert degrees_of_freedom(TWO, DESIGN) == 3


def test_a_domain_is_estimated_over_the_whole_design():
    # Domain d = a1's second respondent (w 1, y 0), a2 (w 2, y 1), b2 (w 3, y 1): mean 5/6.
    # z in 36ths: a1 -5, a2 2; b1 0, b2 3, b3 0 (PSUs outside the domain still count in n_h).
    # A: mean -1.5, deviations -+3.5 -> 2 * 24.5 = 49; B: mean 1, deviations -1, 2, -1 -> 1.5 * 6 = 9.
    # Var = 58 / 1296. Alone, stratum B would have one PSU and add nothing.
    out = domain_means(TWO, "y", ["group"], DESIGN).set_index("group")
    assert out.loc["d", "mean"] == pytest.approx(5 / 6, abs=1e-12)
    assert out.loc["d", "se"] == pytest.approx(math.sqrt(58 / 1296), abs=1e-12)
    assert out.loc["x", "mean"] == pytest.approx(1 / 3, abs=1e-12)
    alone = domain_means(TWO[TWO["group"] == "d"], "y", None, DESIGN)
    assert alone["se"].iloc[0] != pytest.approx(out.loc["d", "se"])


def test_finite_population_correction_scales_each_stratum():
    fractions = TWO.assign(f=[0.5, 0.5, 0.5, 0.25, 0.25, 0.25])
    out = domain_means(fractions, "y", None, Design("w", "stratum", "psu", "f"))
    assert out["se"].iloc[0] == pytest.approx(math.sqrt(0.5 / 81 + 0.75 * 25 / 729), abs=1e-12)
    counts = TWO.assign(N=[4, 4, 4, 12, 12, 12])  # population PSUs: f = 2/4 and 3/12, the same
    again = domain_means(counts, "y", None, Design("w", "stratum", "psu", "N"))
    assert again["se"].iloc[0] == pytest.approx(out["se"].iloc[0], abs=1e-12)


def test_without_design_columns_it_is_the_simple_random_sample_mean():
    y = pd.DataFrame({"y": [1.0, 0.0, 1.0, 1.0]})
    out = domain_means(y, "y")
    assert out["mean"].iloc[0] == pytest.approx(0.75)
    # with-replacement SE of a mean: sqrt(s^2 / n) with s^2 on n - 1
    assert out["se"].iloc[0] == pytest.approx(math.sqrt(np.var([1, 0, 1, 1], ddof=1) / 4), abs=1e-12)
    assert out["n"].iloc[0] == 4 and out["n_effective"].iloc[0] == 4
    # A respondent without an answer stays in the design (R's svymean(na.rm=TRUE)): z = (y - 0.75) / 4
    # = 1/16, -3/16, 1/16, 1/16, 0; sum of squares 12/256, times n/(n-1) = 5/4.
    out = domain_means(pd.DataFrame({"y": [1.0, 0.0, 1.0, 1.0, np.nan]}), "y")
    assert out["se"].iloc[0] == pytest.approx(math.sqrt(12 / 256 * 5 / 4), abs=1e-12)


def test_weights_scale_free_and_kish():
    scaled = TWO.assign(w=TWO["w"] * 1000)
    a, b = domain_means(TWO, "y", ["group"], DESIGN), domain_means(scaled, "y", ["group"], DESIGN)
    assert np.allclose(a[["mean", "se", "n_effective"]], b[["mean", "se", "n_effective"]], atol=1e-12)
    assert kish_n([1, 1, 1, 1]) == 4 and kish_n([1, 3]) == pytest.approx(16 / 10)


def test_logit_interval_by_its_formula():
    low, high = logit_interval(np.array([0.2]), np.array([0.05]), 10)
    t = stats.t.ppf(0.975, 10)
    expit = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    assert low[0] == pytest.approx(expit(math.log(0.25) - t * 0.05 / 0.16), abs=1e-12)
    assert high[0] == pytest.approx(expit(math.log(0.25) + t * 0.05 / 0.16), abs=1e-12)
    edge = logit_interval(np.array([0.0, 1.0]), np.array([0.0, 0.0]), 10)
    assert list(edge[0]) == [0.0, 1.0] and list(edge[1]) == [0.0, 1.0]


def test_rao_scott_on_a_simple_random_sample_is_pearson_over_n_minus_1_over_n():
    # SRS with replacement: V = n/(n-1) (D - p p') / n, so Delta = n/(n-1) I: F = X^2 (n-1) / (n df), d0 = df
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"g": rng.choice(list("abc"), 300), "a": rng.choice([0, 1], 300)})
    table = pd.crosstab(frame["g"], frame["a"]).to_numpy()
    chi2 = stats.chi2_contingency(table, correction=False)[0]
    out = rao_scott(frame, "g", "a")
    assert out["chi2"] == pytest.approx(chi2, rel=1e-10)
    assert out["F"] == pytest.approx(chi2 * 299 / 300 / 2, rel=1e-10)
    assert out["ndf"] == pytest.approx(2, rel=1e-10) and out["ddf"] == pytest.approx(2 * 299, rel=1e-10)
    assert out["p"] == pytest.approx(stats.f.sf(out["F"], 2, 598), rel=1e-10)


def test_rao_scott_needs_two_rows_and_two_columns():
    assert math.isnan(rao_scott(TWO.assign(g="one"), "g", "y", DESIGN)["F"])


def _nhanes():
    samplics = pytest.importorskip("samplics")
    from importlib.resources import files
    return samplics, pd.read_csv(files("samplics.datasets") / "data" / "nhanes2.csv")


@pytest.mark.filterwarnings("ignore")
def test_equal_to_samplics_on_nhanes2_to_1e6():
    _, nhanes = _nhanes()
    from samplics.estimation import TaylorEstimator
    from samplics.utils.types import PopParam

    design = Design("finalwgt", "stratid", "psuid")
    ours = domain_means(nhanes, "zinc", None, design)
    est = TaylorEstimator(PopParam.mean)
    est.estimate(y=nhanes["zinc"].to_numpy(), samp_weight=nhanes["finalwgt"].to_numpy(),
                 stratum=nhanes["stratid"].to_numpy(), psu=nhanes["psuid"].to_numpy(), remove_nan=True)
    assert abs(ours["mean"].iloc[0] - float(est.point_est)) < 1e-6
    assert abs(ours["se"].iloc[0] - float(est.stderror)) < 1e-6

    ours = domain_means(nhanes, "diabetes", ["race"], design).set_index("race")
    est = TaylorEstimator(PopParam.prop)
    est.estimate(y=nhanes["diabetes"].to_numpy(), samp_weight=nhanes["finalwgt"].to_numpy(),
                 stratum=nhanes["stratid"].to_numpy(), psu=nhanes["psuid"].to_numpy(),
                 domain=nhanes["race"].to_numpy(), remove_nan=True)
    for race in ours.index:
        assert abs(ours.loc[race, "mean"] - est.point_est[race][1.0]) < 1e-6
        assert abs(ours.loc[race, "se"] - est.stderror[race][1.0]) < 1e-6
        assert abs(ours.loc[race, "low"] - est.lower_ci[race][1.0]) < 1e-6
        assert abs(ours.loc[race, "high"] - est.upper_ci[race][1.0]) < 1e-6
