"""The roadmap analysis as the notebook shows it: one method per cell, fixed number formats.

``notebooks/digitalization_roadmap.ipynb`` builds a :class:`RoadmapReport` from its
parameters and calls one method per cell; every number comes from :mod:`.analysis`.
Tables are escaped HTML with fixed decimals (so nbval compares them exactly); figures are
saved as PNG and SVG in ``output_dir`` and the PNG is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from IPython.display import Markdown

from .. import config
from ..figures.save import FileList, show_figure
from ..report import frames, tables
from . import figures as roadmap_figures
from .analysis import Roadmap, analyse, load_services
from .narrative import findings, notices
from .network import load_network
from .pipeline import readiness_label
from .readiness import READINESS_THRESHOLD, area_title, survey_readiness
from .scenarios import FLOW_TABLE_COLUMNS, SCENARIO_TITLES, Parameters


def _show(frame: pd.DataFrame, float_format: str = ".3f", caption: str | None = None):
    return tables.html_table(frame, float_format=float_format, caption=caption)


@dataclass
class RoadmapReport:
    """The roadmap of one network with the readiness of one survey scope."""

    roadmap: Roadmap
    readiness: pd.DataFrame
    output_dir: Path
    min_cell: int = 0
    reconstructed: bool = True
    suppressed: bool = False
    _saved: list = field(default_factory=list)

    @classmethod
    def from_parameters(cls, country=None, cluster=None, network_dir=None, data_path=None, output_dir=None,
                        relay_retention=None, platform_retention=None, platform_delay=None, min_cell=0,
                        study_dir=None):
        """Build the report from the notebook's parameters (None: the documented default)."""
        parameters = Parameters.resolve(platform_retention, platform_delay, relay_retention)
        network = load_network(Path(network_dir) if network_dir else config.ROADMAP_EXAMPLE_DIR)
        readiness, reconstructed, data = survey_readiness(data_path, country=country, cluster=cluster,
                                                          study=study_dir)
        min_cell = int(min_cell or 0)
        scope, group = str(readiness["scope"].iloc[0]), str(readiness["group"].iloc[0])
        label = readiness_label(scope, group, data, reconstructed)
        suppressed = bool((readiness["n_respondents"] < min_cell).any())
        if suppressed:  # a public report does not show a small group's answers, not even through stage V
            label = f"{label}: {tables.suppressed_marker(min_cell)}"
        roadmap = analyse(network, parameters, None if suppressed else readiness, label, load_services())
        n = int(readiness["n_respondents"].min())
        out = Path(output_dir) if output_dir else config.figures_dir("roadmap", scope, group,
                                                                       confidential=n < config.MIN_GROUP)
        return cls(roadmap, readiness, out, min_cell, reconstructed, suppressed)

    # ----- framing ---------------------------------------------------------------------------
    def banner(self):
        """Notices: illustrative network, assumptions, reconstructed survey, one manager."""
        return frames.notice(notices(self.roadmap, self.reconstructed, self.readiness))

    def network_table(self):
        """What the network folder holds."""
        n = self.roadmap.network
        counts = n.actors["type"].value_counts()
        rows = [{"what": "actors", "count": len(n.actors)}]
        rows += [{"what": f"  {t}", "count": int(counts[t])} for t in counts.index.sort_values()]
        rows += [{"what": f"links ({k})", "count": int((n.links["kind"] == k).sum())} for k in sorted(set(n.links["kind"]))]
        rows += [{"what": f"flows ({k})", "count": int((n.flows["kind"] == k).sum())} for k in sorted(set(n.flows["kind"]))]
        rows += [{"what": "actor restrictions", "count": len(n.actor_restrictions)},
                 {"what": "link restrictions", "count": len(n.link_restrictions)}]
        return _show(pd.DataFrame(rows))

    def parameters_table(self):
        return _show(self.roadmap.parameters_table())

    def services_table(self):
        """The six services the paper transfers to the IT-actor, in its words."""
        services = self.roadmap.services
        return _show(services[["service_id", "service", "link_kinds", "quote"]])

    # ----- the model ---------------------------------------------------------------------------
    def findings(self):
        return Markdown("\n".join(f"- {line}" for line in findings(self.roadmap)))

    def summary_table(self):
        """Volume-weighted results per scenario (rows: measures)."""
        s = self.roadmap.summary.set_index("scenario")
        counts = {"flows", "unrouted_flows"}
        rows = []
        for measure in s.columns:
            digits = 0 if measure in counts else (2 if measure in ("volume", "unrouted_volume", "retained_volume",
                                                                   "lost_volume", "volume_days") else 3)
            row = {"measure": measure}
            for scenario in s.index:
                value = s.at[scenario, measure]
                row[SCENARIO_TITLES[scenario]] = "–" if pd.isna(value) else f"{value:.{digits}f}"
            rows.append(row)
        return _show(pd.DataFrame(rows))

    def flows_table(self, scenario: str):
        return _show(self.roadmap.flows[scenario][list(FLOW_TABLE_COLUMNS)])

    def network_figure(self):
        s = self.roadmap.summary.set_index("scenario")
        n = self.roadmap.network
        alt = (f"The network of {len(n.actors)} actors and {len(n.links)} channels drawn twice, as-is and digital; "
               f"volume-weighted retention {s.at['as_is', 'retention']:.3f} as-is and "
               f"{s.at['digital', 'retention']:.3f} digital.")
        return self._save(roadmap_figures.network_figure(self.roadmap), "network", alt)

    def retention_delay_figure(self):
        s = self.roadmap.summary.set_index("scenario")
        parts = "; ".join(f"{SCENARIO_TITLES[k]}: retention {s.at[k, 'retention']:.3f}, delay {s.at[k, 'delay_days']:.2f} days"
                          for k in s.index)
        alt = f"Volume-weighted retention and delay of {int(s['flows'].iloc[0])} flows per scenario. {parts}."
        return self._save(roadmap_figures.retention_delay_figure(self.roadmap), "retention_delay", alt)

    def sensitivity_figure(self):
        t = self.roadmap.sensitivity
        alt = (f"Retention of each scenario and the share of the volume the CDC relays as the relay retention "
               f"goes from {t['relay_retention'].min():.2f} to {t['relay_retention'].max():.2f}.")
        return self._save(roadmap_figures.sensitivity_figure(self.roadmap), "sensitivity", alt)

    def sensitivity_table(self):
        wide = self.roadmap.sensitivity.pivot(index="relay_retention", columns="scenario", values="retention")
        wide = wide[["as_is", "digital", "admissible"]].reset_index()
        wide.columns = ["relay retention", "retention as-is", "retention digital", "retention admissible"]
        return _show(wide)

    # ----- the five stages ----------------------------------------------------------------------
    def stage1_table(self):
        cols = ["actor_id", "name", "group", "responsible", "listed", "channels", "volume_sent", "volume_received",
                "betweenness_as_is", "betweenness_digital", "relayed_volume_as_is", "relayed_volume_digital"]
        return _show(self.roadmap.stage1[cols])

    def stage1_roles(self):
        roles = self.roadmap.stage1.drop_duplicates("type")[["group", "role"]]
        return _show(roles)

    def stage2_table(self):
        cols = ["rank", "source", "target", "kind", "volume", "route_as_is", "route_digital", "retention_as_is",
                "retention_digital", "retained_volume_gain", "delay_as_is", "delay_digital", "volume_days_saved"]
        return _show(self.roadmap.stage2_links[cols])

    def ranked_links_figure(self):
        links = self.roadmap.stage3_links
        if links.empty:
            alt = "No link gains from the platform."
        else:
            top = links.iloc[0]
            alt = (f"The {min(len(links), 25)} links subject to digitalization ranked by retained volume gained, "
                   f"digital and within the restrictions; first {top['source']} to {top['target']} ({top['kind']}).")
        return self._save(roadmap_figures.ranked_links_figure(self.roadmap), "ranked_links", alt)

    def stage2_channels_table(self):
        frame = self.roadmap.stage2_channels
        return _show(frame[frame["subject_to_digitalization"]].drop(columns=["subject_to_digitalization"]))

    def stage3_table(self):
        frame = self.roadmap.stage3_strategies
        wide = frame.pivot(index="actor_id", columns="kind", values="strategies")
        order = list(dict.fromkeys(frame["actor_id"]))
        wide = wide.loc[order, [k for k in ("communication", "data_storage", "contractor_network") if k in wide]]
        return _show(wide.reset_index())

    def stage3_restrictions(self):
        """The restrictions as given: per actor (actor_restrictions.csv) and per link."""
        actors = self.roadmap.network.actor_restrictions
        links = self.roadmap.network.link_restrictions
        frame = pd.concat([
            pd.DataFrame({"on": "actor", "subject": actors["actor_id"], "kind": actors["kind"],
                          "restriction": actors["restriction"], "reason": actors["reason"]}),
            pd.DataFrame({"on": "link", "subject": links["source"] + "-" + links["target"], "kind": links["kind"],
                          "restriction": links["restriction"], "reason": links["reason"]}),
        ], ignore_index=True)
        return _show(frame)

    def stage3_links_table(self):
        cols = ["rank", "source", "target", "kind", "route_digital", "route_admissible", "retained_volume_gain_digital",
                "retained_volume_gain_admissible", "status", "restricted_by"]
        return _show(self.roadmap.stage3_links[cols])

    def readiness_table(self):
        """Stage IV readiness of the management for the survey scope; small groups suppressed."""
        frame = self.readiness[["scope", "group", "area", "n_respondents", "index_mean", "readiness", "below_threshold"]]
        frame = frame.assign(area=[area_title(a) for a in frame["area"]],
                             below_threshold=["yes" if b else "no" for b in frame["below_threshold"]])
        masked = tables.mask_small_cells(frame, n_col="n_respondents", min_cell=self.min_cell,
                                         value_cols=["index_mean", "readiness", "below_threshold"])
        return _show(masked.rename(columns={"below_threshold": f"below {READINESS_THRESHOLD:.2f}"}))

    def readiness_note(self):
        return frames.notice(list(dict.fromkeys(self.readiness["note"])))

    def stage4_table(self):
        cols = ["actor_id", "decides_at_step", "counterparts", "volume_in", "retention_in_as_is", "delay_in_as_is",
                "retention_in_admissible", "delay_in_admissible", "platform_kinds", "stake_retained_volume",
                "knows_decisions_of", "readiness_communication", "readiness_online_marketing",
                "readiness_project_management", "readiness_budgeting", "readiness_source"]
        return _show(self.roadmap.stage4_information[cols])

    def stage5_table(self):
        cols = ["step", "stage", "actor", "action", "after", "reason", "retained_volume_after", "share_of_gain_realised"]
        return _show(self.roadmap.stage5[cols])

    # ----- files ---------------------------------------------------------------------------------
    def _save(self, fig, name: str, alt: str):
        """Save the figure once (SVG) in ``output_dir``; show it by reference with ``alt``."""
        shown = show_figure(fig, self.output_dir / name, alt)
        self._saved.append(shown.path)
        return shown

    def saved_files(self) -> FileList:
        """The figure files written by this report, as links (no Python list)."""
        return FileList(self._saved)
