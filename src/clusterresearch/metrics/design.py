"""Design-based estimates of a weighted, stratified, clustered survey: written once, used by
prepare and the reports when study.toml names ``weight`` / ``strata`` / ``psu`` / ``fpc``.

Pure functions on a frame and column names (pingouin style). They give what R's survey
package (``svymean``, ``svyby``, ``svyciprop(method="logit")``, ``svychisq``) and Stata's
``svy: mean`` give for a design declared with weights, strata and with-replacement PSUs
nested in strata (R: ``svydesign(ids=~psu, strata=~strata, weights=~w, nest=TRUE)``;
Stata: ``svyset psu [pw=w], strata(strata)``).

Conventions
-----------
- No ``weight`` column: every weight is 1. No ``psu``: each respondent is its own PSU.
  No ``strata``: one stratum.
- ``fpc``: per respondent, constant within a stratum: a sampling fraction f_h (every value
  <= 1) or the stratum's population count of PSUs N_h (f_h = n_h / N_h), as R and Stata read it.
- A stratum with a single PSU adds nothing to a variance (R's ``survey.lonely.psu =
  "certainty"``; R's default stops, Stata reports no standard error).
- Domains (a group, an item's answerers) are estimated over the whole design, as
  ``svyby`` / Stata's ``subpop()`` do: n_h counts every PSU of the stratum, also those
  with nobody in the domain. A NaN in ``y`` or in a ``by`` column puts the row in no domain.

References: Wolter (2007) Introduction to Variance Estimation, ch. 6 (Taylor series);
Lumley (2010) Complex Surveys, ch. 2-3; Kish (1965) Survey Sampling, 8.2 (effective n);
Rao & Scott (1984) Ann. Statist. 12:46-60 (second-order corrected chi-square).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special


@dataclass(frozen=True)
class Design:
    """The design columns of a frame (any may be None)."""

    weight: str | None = None
    strata: str | None = None
    psu: str | None = None
    fpc: str | None = None


def _codes(column: pd.Series | None, n: int) -> np.ndarray:
    if column is None:
        return np.zeros(n, dtype=np.int64)
    return pd.factorize(column, sort=True)[0].astype(np.int64)


def _layout(data: pd.DataFrame, design: Design):
    """Weights, stratum of each row, PSU of each row (nested in strata), PSUs per stratum
    and the variance factor c_h = (1 - f_h) n_h / (n_h - 1) (0 for a single PSU)."""
    n = len(data)
    w = (data[design.weight].to_numpy(dtype=np.float64) if design.weight else np.ones(n))
    stratum = _codes(data[design.strata] if design.strata else None, n)
    if design.psu:  # PSU ids are read within their stratum: one code per (stratum, psu) pair
        psu = pd.factorize(data[design.psu], sort=True)[0].astype(np.int64)
        unit = pd.factorize(stratum * (int(psu.max()) + 1 if n else 1) + psu, sort=True)[0]
    else:
        unit = np.arange(n)
    unit = unit.astype(np.int64)
    strata_of_unit = np.zeros(unit.max() + 1 if n else 0, dtype=np.int64)
    strata_of_unit[unit] = stratum
    n_h = np.bincount(strata_of_unit, minlength=stratum.max() + 1 if n else 0).astype(np.float64)
    f_h = np.zeros_like(n_h)
    if design.fpc:
        given = data[design.fpc].to_numpy(dtype=np.float64)
        per = np.zeros_like(n_h)
        per[stratum] = given
        f_h = np.where(per <= 1, per, n_h / np.where(per > 0, per, np.inf))
    with np.errstate(divide="ignore", invalid="ignore"):
        c_h = np.where(n_h > 1, (1 - f_h) * n_h / (n_h - 1), 0.0)
    return w, stratum, unit, strata_of_unit, n_h, c_h


def degrees_of_freedom(data: pd.DataFrame, design: Design) -> int:
    """Design degrees of freedom: number of PSUs minus number of strata (R's ``degf``)."""
    _, _, _, strata_of_unit, n_h, _ = _layout(data, design)
    return _df(strata_of_unit, n_h)


def _df(strata_of_unit: np.ndarray, n_h: np.ndarray) -> int:
    return int(len(strata_of_unit) - np.count_nonzero(n_h))


def kish_n(weights) -> float:
    """Kish's effective sample size n_eff = (sum w)^2 / sum w^2 (Kish 1965, 8.2): the
    number of equally weighted answers that would give the same precision."""
    w = np.asarray(weights, dtype=np.float64)
    total = (w ** 2).sum()
    return float(w.sum() ** 2 / total) if total > 0 else 0.0


def _variance(z: np.ndarray, domain: np.ndarray, unit: np.ndarray, strata_of_unit: np.ndarray,
              n_h: np.ndarray, c_h: np.ndarray, domains: int) -> np.ndarray:
    """Var per domain of a linearised total: sum_h c_h (sum_j Z_hj^2 - (sum_j Z_hj)^2 / n_h),
    Z_hj the PSU totals of z (rows of other domains add 0)."""
    units = len(strata_of_unit)
    key = domain * units + unit
    present, at = np.unique(key, return_inverse=True)
    totals = np.bincount(at.reshape(-1), weights=z, minlength=len(present))
    d, j = present // units, present % units
    h = strata_of_unit[j]
    strata = len(n_h)
    s1 = np.bincount(d * strata + h, weights=totals, minlength=domains * strata)
    s2 = np.bincount(d * strata + h, weights=totals ** 2, minlength=domains * strata)
    n = np.tile(n_h, domains)
    per = np.tile(c_h, domains) * (s2 - np.divide(s1 ** 2, n, out=np.zeros_like(s1), where=n > 0))
    return np.maximum(per.reshape(domains, strata).sum(axis=1), 0.0)


def domain_means(data: pd.DataFrame, y: str, by: list[str] | None = None, design: Design = Design(),
                 level: float = 0.95, share: bool | None = None) -> pd.DataFrame:
    """Weighted mean of ``y`` per domain (``by`` groups) with its design-based standard error.

    mean_d = sum_{i in d} w_i y_i / sum_{i in d} w_i  (a ratio estimator; a share when y is 0/1)

    Its variance by Taylor linearisation: z_i = w_i (y_i - mean_d) / W_d for i in d, else 0;
    Var = sum_h (1 - f_h) n_h / (n_h - 1) sum_j (Z_hj - Zbar_h)^2 over the PSUs j of stratum
    h (Z_hj = sum of z in PSU j): R's ``svyby(~y, ~by, design, svymean, na.rm=TRUE)``,
    Stata's ``svy, subpop(): mean y, over(by)``.

    Returns ``by`` columns, ``n`` (rows in the domain), ``n_effective`` (Kish), ``weight``
    (sum of weights), ``mean``, ``se``, and the interval ``low``, ``high`` at ``level`` with the
    design's degrees of freedom: for a share (``share``; default: y only 0 and 1) the logit
    interval (`logit_interval`), else mean +- t * se.
    """
    by = list(by or [])
    w, _, unit, strata_of_unit, n_h, c_h = _layout(data, design)
    values = data[y].to_numpy(dtype=np.float64)
    inside = ~np.isnan(values) & (w > 0)
    for name in by:
        inside &= data[name].notna().to_numpy()
    if by:
        keys = data.loc[inside, by]
        codes, uniques = pd.factorize(pd.MultiIndex.from_frame(keys) if len(by) > 1 else keys[by[0]], sort=True)
        table = (uniques.to_frame(index=False) if len(by) > 1 else pd.DataFrame({by[0]: np.asarray(uniques)}))
        table.columns = by
    else:
        codes, table = np.zeros(int(inside.sum()), dtype=np.int64), pd.DataFrame(index=[0])
    domains = len(table)
    rows = np.flatnonzero(inside)
    wi, yi = w[rows], values[rows]
    weight = np.bincount(codes, weights=wi, minlength=domains)
    square = np.bincount(codes, weights=wi ** 2, minlength=domains)
    count = np.bincount(codes, minlength=domains)
    mean = np.bincount(codes, weights=wi * yi, minlength=domains) / np.where(weight > 0, weight, np.nan)
    z = wi * (yi - mean[codes]) / weight[codes]
    var = _variance(z, codes, unit[rows], strata_of_unit, n_h, c_h, domains)
    se = np.sqrt(var)
    df = _df(strata_of_unit, n_h)
    if share is None:
        share = bool(np.isin(yi, (0.0, 1.0)).all())
    if share:
        low, high = logit_interval(mean, se, df, level)
    else:
        t = special.stdtrit(df, 0.5 + level / 2) if df > 0 else np.nan
        low, high = mean - t * se, mean + t * se
    out = table.reset_index(drop=True)
    out["n"] = count
    out["n_effective"] = np.divide(weight ** 2, square, out=np.zeros(domains), where=square > 0)
    out["weight"] = weight
    out["mean"] = mean
    out["se"] = se
    out["low"], out["high"] = low, high
    return out


def logit_interval(p, se, df: int, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """The interval of a share on the logit scale, as R's ``svyciprop(method="logit")``
    (its default) and Stata's ``svy: proportion`` give:

    expit(logit(p) +- t_{df, 1-a/2} * se / (p (1 - p)))

    It stays inside 0..1 and is asymmetric near them, like Wilson's. At p = 0 or 1 (se 0)
    the logit is infinite: the interval is then the point itself, as in R; ``df`` <= 0 gives NaN.
    """
    p, se = np.asarray(p, dtype=np.float64), np.asarray(se, dtype=np.float64)
    t = special.stdtrit(df, 0.5 + level / 2) if df > 0 else np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        centre = np.log(p / (1 - p))
        half = t * se / (p * (1 - p))
        low = 1 / (1 + np.exp(-(centre - half)))
        high = 1 / (1 + np.exp(-(centre + half)))
    edge = (p <= 0) | (p >= 1)
    return np.where(edge, p, low), np.where(edge, p, high)


def rao_scott(data: pd.DataFrame, row: str, column: str, design: Design = Design()) -> dict:
    """Design-based test of independence of ``row`` and ``column`` (e.g. group x agrees):
    Pearson's X^2 on the weighted table with Rao & Scott's second-order correction, as R's
    ``svychisq(~row + column, design)`` (statistic "F") gives.

    p_rc = weighted cell shares (domain: rows with both values); V = their design-based
    covariance (Taylor, as `domain_means`); C = the interaction contrasts residualised on
    the main effects; Delta = (C' D^-1 C / N)^-1 C' D^-1 V D^-1 C (D = diag p_rc);
    F = X^2 / tr(Delta) on d0 = tr(Delta)^2 / tr(Delta^2) and d0 * nu degrees of freedom,
    nu = PSUs - strata of the whole design. (N cancels out: X^2 and Delta both scale with it.)

    Returns ``chi2`` (Pearson's, weighted table scaled to the rows used), ``F``, ``ndf``,
    ``ddf``, ``p``; NaN when the table has a single row or column.
    """
    w, _, unit, strata_of_unit, n_h, c_h = _layout(data, design)
    inside = data[row].notna().to_numpy() & data[column].notna().to_numpy() & (w > 0)
    rows = np.flatnonzero(inside)
    r_codes, r_levels = pd.factorize(data[row].to_numpy()[rows], sort=True)
    c_codes, c_levels = pd.factorize(data[column].to_numpy()[rows], sort=True)
    nr, nc = len(r_levels), len(c_levels)
    nothing = {"chi2": np.nan, "F": np.nan, "ndf": np.nan, "ddf": np.nan, "p": np.nan}
    if nr < 2 or nc < 2:
        return nothing
    cell = r_codes + nr * c_codes
    k = nr * nc
    wi = w[rows]
    total = wi.sum()
    p = np.bincount(cell, weights=wi, minlength=k) / total
    indicator = np.zeros((len(rows), k))
    indicator[np.arange(len(rows)), cell] = 1.0
    z = wi[:, None] * (indicator - p) / total
    V = _covariance(z, unit[rows], strata_of_unit, n_h, c_h)
    N = float(len(rows))
    table = (p * N).reshape(nc, nr).T
    expected = table.sum(axis=1, keepdims=True) @ table.sum(axis=0, keepdims=True) / N
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = float(np.nansum((table - expected) ** 2 / expected))
    grid_r, grid_c = np.arange(k) % nr, np.arange(k) // nr
    X1 = np.column_stack([np.ones(k)] + [(grid_r == i).astype(float) for i in range(1, nr)]
                         + [(grid_c == j).astype(float) for j in range(1, nc)])
    X12 = np.column_stack([((grid_r == i) & (grid_c == j)).astype(float) for j in range(1, nc) for i in range(1, nr)])
    C = X12 - X1 @ np.linalg.lstsq(X1, X12, rcond=None)[0]
    inv_d = np.diag(np.divide(1.0, p, out=np.zeros(k), where=p > 0))
    denom = C.T @ (inv_d / N) @ C
    numer = C.T @ inv_d @ V @ inv_d @ C
    delta = np.linalg.solve(denom, numer)
    trace = float(np.trace(delta))
    d0 = trace ** 2 / float(np.trace(delta @ delta))
    nu = _df(strata_of_unit, n_h)
    F = chi2 / trace
    return {"chi2": chi2, "F": F, "ndf": d0, "ddf": d0 * nu, "p": float(special.fdtrc(d0, d0 * nu, F))}


def _covariance(z: np.ndarray, unit: np.ndarray, strata_of_unit: np.ndarray, n_h: np.ndarray,
                c_h: np.ndarray) -> np.ndarray:
    """Design covariance of linearised totals (columns of z): sum_h c_h sum_j (Z_hj - Zbar_h)(...)'."""
    present, at = np.unique(unit, return_inverse=True)
    totals = np.zeros((len(present), z.shape[1]))
    np.add.at(totals, at.reshape(-1), z)
    h = strata_of_unit[present]
    V = np.zeros((z.shape[1], z.shape[1]))
    for stratum in np.unique(h):
        if c_h[stratum] == 0:
            continue
        mine = totals[h == stratum]
        mean = mine.sum(axis=0) / n_h[stratum]  # PSUs without a row of the domain are zero vectors
        dev = mine - mean
        absent = n_h[stratum] - len(mine)
        V += c_h[stratum] * (dev.T @ dev + absent * np.outer(mean, mean))
    return V

