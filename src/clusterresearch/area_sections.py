"""One area's section of a survey report: its figure, item table, sentences and the
study's published statements about it, in the study's order of areas.

`AreaSections` is mixed into `competencies.SurveyReport` (it needs survey, study, scope,
grid, disclosure, noun and the report's ``_show``, ``drawn_rows`` and ``figure_note``).
"""

from __future__ import annotations

from functools import cached_property

import numpy as np
import pandas as pd
from IPython.display import Markdown, display

from .figures import likert_figure
from .formatting import count_share
from .metrics import item_stats
from .metrics.items import missing_counts
from .metrics.statements import check_statements, load_statements
from .report import frames, narrative, tables


class AreaSections:
    """The per-area cells of a `SurveyReport`."""

    @cached_property
    def item_table(self) -> pd.DataFrame:
        return item_stats(self.grid, self.survey.items)

    @cached_property
    def missing_by_item(self) -> dict[str, dict[str, int]]:
        table = missing_counts(self.grid)
        return {i: dict(zip(g["missing"], g["count"].astype(int))) for i, g in table.groupby("item_id", sort=False)}

    @property
    def areas(self) -> list[str]:
        """The study's areas (areas.csv order) that this survey asks about."""
        return self.study.area_order(self.item_table["area"])

    @property
    def texts(self) -> dict[str, str]:
        return dict(zip(self.study.instrument["item_id"], self.study.instrument["text"]))

    @property
    def titles(self) -> dict[str, str]:
        return dict(zip(self.study.areas["area"], self.study.areas["title"]))

    def figure_title(self, area: str) -> str:
        return f"Figure {self.areas.index(area) + 1}: {self.study.area_title(area)}"

    def area_figure(self, area: str):
        """The area's figure for this scope, saved in ``output_dir``."""
        rows = self.item_table[self.item_table["area"] == area]
        reverse = dict(zip(self.study.instrument["item_id"], self.study.instrument["reverse"]))
        fig = likert_figure(self.drawn_rows(rows), self.study.scales, title=self.figure_title(area),
                            texts=self.texts, reverse=reverse, missing=self.missing_by_item, n_respondents=self.answered(area),
                            noun=self.noun, note=self.figure_note(), disclosure=self.disclosure)
        return self._show(fig, f"figure{self.areas.index(area) + 1}_{area}", self._alt(area, rows))

    def answered(self, area: str) -> int:
        """Respondents of this scope who answered at least one item of the area on its scale
        (a figure's subtitle counts them, not everybody in the scope)."""
        mine = (self.grid.items["area"] == area).to_numpy()
        return int((~np.isnan(self.grid.values[:, mine])).any(axis=1).sum())

    def _alt(self, area: str, rows: pd.DataFrame) -> str:
        """Alt text from the data: what the figure shows, n, the most and least agreement."""
        text = f"{self.figure_title(area)}. Diverging bars of {len(rows)} items, {self.answered(area)} {self.noun}."
        shown = rows[(rows["n"] > 0).to_numpy() & ~self.disclosure.hidden(rows["n"].to_numpy())]
        if len(shown):
            share = shown["n_agree"] / shown["n"]
            top, low = shown.loc[share.idxmax()], shown.loc[share.idxmin()]
            text += (f" Most agreement: {self.texts.get(top['item_id']) or top['item_id']} "
                     f"({count_share(top['n_agree'], top['n'])}); least: "
                     f"{self.texts.get(low['item_id']) or low['item_id']} ({count_share(low['n_agree'], low['n'])}).")
        return text.replace("\u00a0", " ")

    def area_table(self, area: str):
        """Every item of the area: the count of each answer and missing code, n, centre, sides."""
        rows = self.item_table[self.item_table["area"] == area]
        reverse = dict(zip(self.study.instrument["item_id"], self.study.instrument["reverse"]))
        frame = frames.item_frame(rows, self.texts, reverse, self.missing_by_item, self.study.scales, self.study.kinds)
        n_col = "answered"
        value_cols = [c for c in frame.columns if c not in ("statement", "kind", "scale", n_col)]
        return tables.html_table(self.disclosure.mask(frame, n_col=n_col, value_cols=value_cols))

    def area_narrative(self, area: str):
        """Two or three sentences written from the area's numbers."""
        rows = self.item_table[self.item_table["area"] == area]
        index = self.area_table_all.set_index("area")
        kwargs = {}
        if area in index.index:
            kwargs = {"area_index": index.loc[area, "index_mean"], "n_respondents": int(index.loc[area, "n_respondents"]),
                      "index_range": index.loc[area, "index_range"]}
        text = narrative.area_paragraph(rows, area, title=self.study.area_title(area), texts=self.texts,
                                        disclosure=self.disclosure, noun=self.study.respondent,
                                        plural=self.noun, interval=self.study.design is None, **kwargs)
        if self.study.design is not None:
            text += (" These sentences count answers unweighted, without an interval (one would ignore the "
                     "design); the table gives the weighted shares with design-based intervals.")
        return frames.paragraph(text)

    @cached_property
    def statement_table(self) -> pd.DataFrame | None:
        if self.study.statements is None or self.scope.column is not None:
            return None
        return check_statements(self.grid, load_statements(self.study.statements), self.study.instrument,
                                self.survey.items)

    def area_statements(self, area: str):
        """The study's published statements about this area: words, reading, reproduced value."""
        if self.study.statements is None:
            return None
        if self.statement_table is None:
            return frames.notice([f"The published statements are about all {self.noun}; they are checked in "
                                  "the report of all data."])
        rows = self.statement_table[self.statement_table["figure"].astype(int) == self.areas.index(area) + 1]
        if rows.empty:
            return None
        return tables.html_table(frames.statement_frame(rows, self.statement_table.attrs["areas"]))

    def area_section(self, area: str) -> None:
        """One area's section: heading, description, figure, table, sentences, statements."""
        display(Markdown(f"## {self.figure_title(area)}"))
        description = dict(zip(self.study.areas["area"], self.study.areas["description"])).get(area)
        if description:
            display(frames.paragraph(description))
        for part in (self.area_figure(area), self.area_table(area), self.area_narrative(area),
                     self.area_statements(area)):
            if part is not None:
                display(part)

    def area_sections(self) -> None:
        """Every area's section, in the study's order."""
        for area in self.areas:
            self.area_section(area)
