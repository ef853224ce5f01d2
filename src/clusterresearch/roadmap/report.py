"""The roadmap analysis as the notebook shows it: one method per cell, fixed number formats.

``notebooks/digitalization_roadmap.ipynb`` builds a :class:`RoadmapReport` from its
parameters through :func:`.build.build_roadmap` (the constructor the command uses too) and
calls one method per cell. The tables are the reader's views of :mod:`.views`, rendered as
escaped HTML with fixed decimals (so nbval compares them exactly); figures are saved as PNG
once as SVG in ``output_dir`` and shown by reference.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from ..disclosure import Disclosure
from ..figures.save import FileList, render, show_rendered
from ..report import frames, tables
from . import figures as roadmap_figures
from . import views
from .analysis import Roadmap
from .build import RoadmapSettings, build_roadmap
from .scenarios import SCENARIO_TITLES
from .narrative import findings, notices, readiness_sentence


def _show(frame: pd.DataFrame, float_format: str = ".3f", caption: str | None = None):
    return tables.html_table(frame, float_format=float_format, caption=caption)


@dataclass
class RoadmapReport:
    """The roadmap of one network, with the readiness of one survey scope when one is given."""

    roadmap: Roadmap
    output_dir: Path
    disclosure: Disclosure = Disclosure()
    _saved: list = field(default_factory=list)

    @classmethod
    def from_parameters(cls, country=None, cluster=None, network_dir=None, data_path=None, output_dir=None,
                        relay_retention=None, platform_retention=None, platform_delay=None, min_cell=0,
                        study_dir=None, group_column=None, group=None, encoding=None, registry=None):
        """Build the report from the notebook's parameters (None: the documented default).
        ``group_column``/``group`` name the survey scope; ``country``/``cluster`` are short
        for group_column "country"/"cluster"."""
        groups = [(group_column, group)] if group_column else []
        groups += [("country", country)] if country else []
        groups += [("cluster", cluster)] if cluster else []
        settings = RoadmapSettings(network=network_dir or None, platform_retention=platform_retention,
                                   platform_delay=platform_delay, relay_retention=relay_retention,
                                   study=study_dir or None, data=data_path or None, registry=registry or None,
                                   encoding=encoding or None, groups=tuple(groups), min_cell=int(min_cell or 0))
        roadmap = build_roadmap(settings)
        disclosure = Disclosure(int(min_cell or 0))
        survey = roadmap.survey
        out = Path(output_dir) if output_dir else disclosure.figures_dir(
            "roadmap", "group" if groups else None, "_".join(str(g) for _, g in groups) or "all",
            None if survey is None else survey.n_respondents)
        return cls(roadmap, out, disclosure)

    @property
    def min_cell(self) -> int:
        return self.disclosure.min_group

    # ----- framing ---------------------------------------------------------------------------
    def banner(self):
        """Notices: the network in its own words, assumptions, what the survey is."""
        return frames.notice(notices(self.roadmap))

    def network_table(self):
        """What the network folder holds."""
        n = self.roadmap.network
        counts = n.actors["type"].value_counts()
        rows = [{"what": "actors", "count": len(n.actors)}]
        rows += [{"what": f"  {t.replace('_', ' ')}", "count": int(counts[t])} for t in counts.index.sort_values()]
        rows += [{"what": f"channels ({k.replace('_', ' ')})", "count": int((n.links["kind"] == k).sum())}
                 for k in sorted(set(n.links["kind"]))]
        rows += [{"what": f"flows ({k.replace('_', ' ')})", "count": int((n.flows["kind"] == k).sum())}
                 for k in sorted(set(n.flows["kind"]))]
        rows += [{"what": "restrictions on participants", "count": len(n.actor_restrictions)},
                 {"what": "restrictions on channels", "count": len(n.link_restrictions)}]
        return _show(pd.DataFrame(rows))

    def parameters_table(self):
        return _show(views.parameters(self.roadmap))

    def services_table(self):
        """The six services the paper transfers to the IT-actor, in its words."""
        return _show(views.services(self.roadmap))

    # ----- the model ---------------------------------------------------------------------------
    def findings(self):
        """The result in sentences (escaped: actor ids and names are the user's text)."""
        items = "".join(f"<li>{html.escape(line)}</li>" for line in findings(self.roadmap))
        return HTML(f"<ul>{items}</ul>")

    def summary_table(self):
        """Volume-weighted results per scenario (rows: measures, in words)."""
        return _show(views.summary(self.roadmap))

    def flows_table(self, scenario: str):
        return _show(views.flows(self.roadmap, scenario))

    def network_figure(self):
        s = self.roadmap.summary.set_index("scenario")
        n = self.roadmap.network
        alt = (f"The network of {len(n.actors)} actors and {len(n.links)} channels drawn twice, as-is and digital; "
               f"volume-weighted retention {s.at['as_is', 'retention']:.3f} as-is and "
               f"{s.at['digital', 'retention']:.3f} digital.")
        return self._save("network", alt)

    def retention_delay_figure(self):
        s = self.roadmap.summary.set_index("scenario")
        parts = "; ".join(f"{SCENARIO_TITLES[k]}: retention {s.at[k, 'retention']:.3f}, delay {s.at[k, 'delay_days']:.2f} days"
                          for k in s.index)
        alt = f"Volume-weighted retention and delay of {int(s['flows'].iloc[0])} flows per scenario. {parts}."
        return self._save("retention_delay", alt)

    def sensitivity_figure(self):
        t = self.roadmap.sensitivity
        alt = (f"Retention of each scenario and the share of the volume the CDC relays as the relay retention "
               f"goes from {t['relay_retention'].min():.2f} to {t['relay_retention'].max():.2f}.")
        return self._save("sensitivity", alt)

    def sensitivity_table(self):
        return _show(views.sensitivity(self.roadmap))

    # ----- the five stages ----------------------------------------------------------------------
    def stage1_table(self):
        return _show(views.stage1(self.roadmap), float_format=".2f")

    def stage1_roles(self):
        return _show(views.roles(self.roadmap))

    def stage2_table(self):
        return _show(views.stage2(self.roadmap), float_format=".2f")

    def ranked_links_figure(self):
        links = self.roadmap.stage3_links
        alt = f"The {min(len(links), 25)} links subject to digitalization ranked by retained volume gained."
        if links.empty:
            alt = "No link gains from the platform."
        return self._save("ranked_links", alt)

    def stage2_channels_table(self):
        return _show(views.stage2_channels(self.roadmap), float_format=".2f")

    def stage3_table(self):
        return _show(views.stage3(self.roadmap))

    def stage3_restrictions(self):
        """The restrictions as given: per participant (actor_restrictions.csv) and per channel."""
        return _show(views.restrictions(self.roadmap))

    def stage3_links_table(self):
        return _show(views.stage3_links(self.roadmap))

    def readiness_table(self):
        """Stage IV readiness of the survey scope; small groups suppressed; a plain sentence
        when no survey was given."""
        if self.roadmap.survey is None:
            return frames.paragraph(readiness_sentence(self.roadmap) + " Run with study_dir or data_path (and "
                                    "group_column and group, or cluster or country) to add the management's "
                                    "readiness per declared area.")
        frame = views.readiness(self.roadmap)
        masked = self.disclosure.mask(frame, n_col="respondents",
                                                value_cols=["mean index", "readiness (0-1)", "for stage V"])
        return _show(masked)

    def readiness_note(self):
        if self.roadmap.survey is None:
            return None
        return frames.notice(list(dict.fromkeys(self.roadmap.readiness["note"])))

    def stage4_table(self):
        return _show(views.stage4(self.roadmap))

    def stage5_table(self):
        return _show(views.stage5(self.roadmap), float_format=".2f")

    # ----- files ---------------------------------------------------------------------------------
    def _save(self, name: str, alt: str):
        """Save the figure once (SVG) in ``output_dir``; show it by reference with ``alt``. A
        figure drawn ahead (``reproduce``'s preload) is used while matplotlib's settings are
        those it was drawn under, which gives the same bytes as drawing it here."""
        rendered = self.roadmap.figures.get(name)
        if rendered is None or not rendered.current():
            rendered = render(roadmap_figures.FIGURES[name](self.roadmap))
        shown = show_rendered(rendered, self.output_dir / name, alt)
        self._saved.append(shown.path)
        return shown

    def saved_files(self) -> FileList:
        """The figure files written by this report, as links (no Python list)."""
        return FileList(self._saved)
