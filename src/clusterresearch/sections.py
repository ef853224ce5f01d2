"""Which sections a survey report has: those the study's own instrument can fill.

A section appears only when the study has what it shows: desired levels (items of type
``desired``), an assessor's ratings paired with the rated items (``assessor`` with
``compares_to``), essays (``text`` items), a comparison column (``compare``), an
ordered grouping (``ordered = true``: the trend, in the report of all data). Item kinds are
worded from the study (study.toml ``[kinds]``; `loading.study.KIND_WORDS` by default), so a
report of another study carries no word of the shipped instrument.

`ReportSections` is mixed into `competencies.SurveyReport`: each ``*_section`` method
displays its heading and parts, or nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from .formatting import interval, percent
from .figures.trend import trend_alt, trend_figure
from .loading.groups import group_order
from .metrics import area_stats
from .report import tables


class ReportSections:
    """Section conditions and section cells of a `SurveyReport` (needs survey, study, scope,
    grid, disclosure, noun, titles and the report's parts)."""

    # ----- what the instrument has -------------------------------------------------------------
    @property
    def item_types(self) -> set[str]:
        """The types of the scaled items the responses file asked (in any scope)."""
        return {str(t) for t in self.survey.grid.items["type"]}

    @property
    def has_desired(self) -> bool:
        return "desired" in self.item_types

    @property
    def has_assessor(self) -> bool:
        inst = self.study.instrument
        paired = inst[(inst["type"] == "assessor") & inst["compares_to"].notna() & (inst["compares_to"] != "")] \
            if "compares_to" in inst else inst.iloc[:0]
        return "assessor" in self.item_types and len(paired) > 0

    @property
    def has_essays(self) -> bool:
        """The instrument asks essays (text items), answered or not."""
        return len(self.survey.essays) > 0 or bool((self.study.instrument["type"] == "text").any())

    @property
    def ordered_groupings(self) -> list:
        return [g for g in self.study.groups if g.ordered]

    def kind(self, item_type: str) -> str:
        """The study's word for an item type ("self-assessed" in the shipped study)."""
        return self.study.kinds.get(item_type, item_type)

    # ----- words ---------------------------------------------------------------------------
    def design_note(self) -> str:
        """What a weighted study's figures are ("" for an unweighted study)."""
        design = self.study.design
        if design is None:
            return ""
        how = [f"weighted by {design.weight}" if design.weight else "unweighted (no weight column)"]
        how += [f"strata {design.strata}"] if design.strata else []
        how += [f"PSUs {design.psu}"] if design.psu else []
        how += [f"finite population correction {design.fpc}"] if design.fpc else []
        return ("Figures are " + how[0] + (" with the sample design (" + ", ".join(how[1:]) + ")" if how[1:] else "")
                + ": shares, means and area indices are weighted, intervals and standard errors design-based "
                "(Taylor linearisation, logit intervals; a group is a domain of the whole design). n counts "
                "answers unweighted; n_effective is Kish's effective sample size. Small groups are hidden by "
                "their unweighted counts.")

    def across_note(self):
        return Markdown(f"The mean area index (each respondent's mean position over the area's "
                        f"{self.kind('likert')} items, reverse-keyed items reversed) with its 95 % t-interval.")

    def consistency_note(self):
        return Markdown(f"Cronbach's alpha of each area's {self.kind('likert')} items (reverse-keyed items "
                        "reversed), flagged where the data cannot support it.")

    # ----- sections ------------------------------------------------------------------------
    def _section(self, heading: str, *parts) -> None:
        display(Markdown(heading))
        for part in parts:
            if part is not None:
                display(part)

    def desired_section(self) -> None:
        """Desired against existing level, when the instrument asks a desired level."""
        if self.has_desired:
            self._section("### Desired against existing level", self.gap(), self.gap_table())

    def assessor_section(self) -> None:
        """Self-assessment against the assessor's rating, when the instrument has both."""
        if self.has_assessor:
            self._section("### Self-assessment against the assessor's rating", self.self_assessment_table())

    def comparison_section(self) -> None:
        """Group comparisons, when the study names a comparison column."""
        if self.study.compare is not None:
            self._section("### Comparing groups", Markdown(
                "Permutation tests on the area index between the groups of the study's comparison column, "
                "with Cliff's delta and Holm's adjustment over the table's tests. Description, not inference."),
                self.comparison_table())

    def essay_section(self) -> None:
        """Essay answers, when the instrument has text items."""
        if self.has_essays:
            self._section("## Essay answers", Markdown(
                "Free text is shown escaped, exactly as written. Public reports withhold the answers of "
                "respondents in groups below the disclosure threshold."), self.essays())

    def trend_section(self) -> None:
        """Per ordered grouping, in the report of all data: the agree share of each area by
        group in order, with its 95 % interval band and n (figure and the same numbers as a table)."""
        if self.scope.column is not None:
            return
        for spec in self.ordered_groupings:
            table = self.trend_table(spec.column)
            if table.empty:
                continue
            weight = self.study.design.weight if self.study.design is not None else None
            fig = trend_figure(table, grouping=spec.label, titles=self.titles, weighted_by=weight)
            self._section(f"### Trend by {spec.label.lower()}",
                          self._show(fig, f"trend_{spec.column}", trend_alt(table, spec.label)),
                          tables.html_table(self.disclosure.mask(self.trend_frame(table, spec.label), n_col=self.noun)))

    def trend_table(self, column: str) -> pd.DataFrame:
        """area, group, share, low, high, n per area x group of ``column``, groups in order."""
        stats = area_stats(self.grid, self.survey.items, by=[column])
        order = group_order(self.study, column, list(pd.unique(stats[column].astype("str"))))
        table = pd.DataFrame({"area": stats["area"].astype("str"), "group": stats[column].astype("str"),
                              "share": stats["share_agree"], "low": stats["ci_low"], "high": stats["ci_high"],
                              "n": stats["n"], "n_respondents": stats["n_respondents"]})
        rank = {g: i for i, g in enumerate(order)}
        areas = {a: i for i, a in enumerate(self.study.areas["area"])}
        table = table.assign(_a=table["area"].map(areas), _g=table["group"].map(rank))
        return table.sort_values(["_a", "_g"], kind="stable").drop(columns=["_a", "_g"]).reset_index(drop=True)

    def trend_frame(self, table: pd.DataFrame, label: str) -> pd.DataFrame:
        """The trend's numbers as a reader reads them (percent, interval, n)."""
        return pd.DataFrame({
            "area": [self.titles.get(a, a) for a in table["area"]],
            label: table["group"].to_numpy(),
            "agree": [percent(s) for s in table["share"]],
            "95 % interval": [interval(lo, hi) for lo, hi in zip(table["low"], table["high"])],
            "answers": table["n"].astype(int).to_numpy(),
            self.noun: table["n_respondents"].astype(int).to_numpy(),
        })

    def design_comparison(self, column: str, label: str):
        """A weighted study's group comparison: Rao-Scott's design-based test per area
        (`metrics.weighted.compare_groups`), each group's weighted share and n beside it."""
        from .formatting import number
        from .metrics.areas import Keyed
        from .metrics.weighted import compare_groups

        table = compare_groups(self.grid, column, Keyed(self.grid, self.survey.items))
        hidden = [bool(self.disclosure.hidden(np.asarray(n)).any()) for n in table["respondents"]] if len(table) else []
        frame = pd.DataFrame({
            "area": [self.titles.get(a, a) for a in table["area"]],
            "agree (weighted)": [" · ".join(f"{g} {percent(s)} (n={n})" for g, s, n in zip(gs, ss, ns))
                                 for gs, ss, ns in zip(table["groups"], table["shares"], table["n"])],
            "F (Rao-Scott)": [number(f) for f in table["F"]],
            "df": [f"{number(a, 1)}, {number(b, 1)}" if pd.notna(a) else "" for a, b in zip(table["ndf"], table["ddf"])],
            "p": [number(p, 3) for p in table["p"]],
        })
        frame.loc[hidden, ["agree (weighted)", "F (Rao-Scott)", "df", "p"]] = self.disclosure.marker()
        caption = (f"{label}: do the groups' shares of answers on the competent side differ? Pearson's X^2 of "
                   "group x agrees on the weighted answers with Rao & Scott's second-order correction (as R's "
                   "svychisq), a respondent's answers one cluster unless the design names PSUs. "
                   f"{self.study.caution}")
        return tables.html_table(frame, caption=caption.strip())

    def drawn_rows(self, rows: pd.DataFrame) -> pd.DataFrame:
        """The rows an area's figure draws: in a weighted study each position's count is
        replaced by n x its weighted share, so the bars show weighted percentages (the n and
        agree counts written beside them stay unweighted answers)."""
        if self.study.design is None or rows.empty:
            return rows
        weight = self.grid.design["weight"].to_numpy(dtype=float)[self.grid.design_rows()]
        column = {item: j for j, item in enumerate(self.grid.items["item_id"].astype("str"))}
        out = rows.copy()
        positions = [c for c in out.columns if c.startswith("n_") and c[2:].isdigit()]
        out[positions] = out[positions].astype(float)
        for at, (item, k, n) in enumerate(zip(rows["item_id"], rows["k"], rows["n"])):
            value = self.grid.values[:, column[str(item)]]
            answered = ~np.isnan(value)
            total = weight[answered].sum()
            for p in range(1, int(k) + 1):
                share = weight[value == p].sum() / total if total > 0 else 0.0
                out.iloc[at, out.columns.get_loc(f"n_{p}")] = share * int(n)
        return out

    def figure_note(self) -> str | None:
        """Under a weighted study's area figure: what the bars and the counts are."""
        if self.study.design is None:
            return None
        return (f"Bars: shares weighted by {self.study.design.weight or 'equal weights'}; n and the agree count "
                "beside each bar are unweighted answers.")
