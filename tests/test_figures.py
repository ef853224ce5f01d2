"""Figures: drawn segment widths read back from the Axes, degenerate data, byte stability."""

import numpy as np
import pandas as pd
import pytest

from clusterresearch import config
from clusterresearch.figures import gap_figure, likert_figure, overview_figure, save_figure
from clusterresearch.loading.scales import AGREE5, Scale
from clusterresearch.metrics.items import item_stats
from clusterresearch.outputs import RawDataWriteError

from clusterresearch.disclosure import Disclosure

from conftest import grid_of

AREA = "project_funding"


def answers_from(items: dict[str, list], area=AREA):
    """Tidy rows from {item_id: [value per respondent]}; item type from a 'desired'/'assessor' prefix."""
    rows = []
    for item, values in items.items():
        item_type = item.split(":")[0] if ":" in item else "likert"
        for r, v in enumerate(values):
            rows.append(dict(respondent_id=f"R{r:02d}", country="PL", cluster=f"PL{r:02d}",
                             item_id=item, area=area, type=item_type, value=float(v)))
    return pd.DataFrame(rows)


def draw(answers, area=AREA, texts=None, scales=None, items=None, min_cell=0, **kwargs):
    """The area's figure as the report draws it: from item_stats of the area's answers."""
    stats = item_stats(grid_of(answers[answers["area"] == area]), items)
    return likert_figure(stats, scales or {"agree5": AGREE5}, title=f"Figure 4: {area}", texts=texts,
                         n_respondents=answers["respondent_id"].nunique(), noun="managers", disclosure=Disclosure(min_cell), **kwargs)


def segments(fig):
    """{(item_id, part): (left, width)} of the drawn bar segments, in percent (rounded to 1e-9)."""
    out = {}
    for patch in fig.axes[0].patches:
        gid = patch.get_gid() or ""
        if gid.startswith("seg|"):
            _, item, part = gid.split("|")
            out[(item, part)] = (round(patch.get_x(), 9), round(patch.get_width(), 9))
    return out


def texts(fig):
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def test_segments_are_centred_on_neutral_with_half_the_threes_each_side():
    # 8 answers: one 1, one 2, two 3s, one 4, three 5s -> 12.5, 12.5, 25, 12.5, 37.5 %.
    fig = draw(answers_from({"q": [1, 2, 3, 3, 4, 5, 5, 5]}))
    assert segments(fig) == {
        ("q", "1"): (-37.5, 12.5), ("q", "2"): (-25.0, 12.5), ("q", "3"): (-12.5, 25.0),
        ("q", "4"): (12.5, 12.5), ("q", "5"): (25.0, 37.5),
    }
    assert "n=8 · agree 4/8 (50 %)" in texts(fig)
    assert fig.axes[0].get_xlim() == (-100, 100)


def test_single_manager():
    fig = draw(answers_from({"agrees": [4], "neutral": [3]}))
    assert segments(fig) == {("agrees", "4"): (0.0, 100.0), ("neutral", "3"): (-50.0, 100.0)}
    assert "n=1 · agree 1/1 (100 %)" in texts(fig)
    assert "n=1 · agree 0/1 (0 %)" in texts(fig)


def test_all_answers_equal_and_unused_levels_keep_the_full_legend():
    fig = draw(answers_from({"q": [2, 2, 2, 2, 2]}))
    assert segments(fig) == {("q", "2"): (-100.0, 100.0)}
    legend = fig.axes[0].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [f"{c} {label}" for c, label in zip(AGREE5.codes, AGREE5.labels)]


def test_a_scale_without_neutral_coded_from_agree_is_centred_between_its_sides():
    """4 points coded 1 = strongly agree: positions 1-2 disagree (codes 4, 3), 3-4 agree (codes 2, 1)."""
    scale = Scale("agree4", codes=("4", "3", "2", "1"), labels=("SD", "D", "A", "SA"),
                  sides=("disagree", "disagree", "agree", "agree"), missing=(("9", "Don't know"),))
    items = pd.DataFrame({"item_id": ["q"], "scale": ["agree4"], "k": [4], "disagree_max": [2], "agree_min": [3],
                          "reverse": [False]})
    answers = answers_from({"q": [1, 2, 3, 3, 4]})
    fig = draw(answers, scales={"agree4": scale}, items=items, missing={"q": {"Don't know": 2}})
    assert segments(fig) == {("q", "2"): (-20.0, 20.0), ("q", "1"): (-40.0, 20.0),
                             ("q", "3"): (0.0, 40.0), ("q", "4"): (40.0, 20.0)}
    assert "n=5 · agree 3/5 (60 %) · Don't know 2" in texts(fig)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["4 SD", "3 D", "2 A", "1 SA"]


def test_thirds_are_drawn_exactly():
    third = round(100 / 3, 9)
    fig = draw(answers_from({"q": [1, 4, 5]}))
    assert segments(fig) == {("q", "1"): (-third, third), ("q", "4"): (0.0, third), ("q", "5"): (third, third)}
    assert "n=3 · agree 2/3 (67 %)" in texts(fig)


def test_item_with_all_answers_missing_says_no_answers():
    fig = draw(answers_from({"q": [1, 5], "blank": [np.nan, np.nan]}))
    assert segments(fig) == {("q", "1"): (-50.0, 50.0), ("q", "5"): (0.0, 50.0)}
    assert "no answers" in texts(fig)
    assert "n=0 · no answers" in texts(fig)


def test_area_without_items_gives_a_figure_that_says_so():
    fig = draw(answers_from({"q": [1, 2]}), "budgeting")
    assert any("No items" in t for t in texts(fig))


def test_labels_use_statements_and_tag_desired_and_assessor_bars_after_likert():
    labels = {"q": "I write technical and financial project reports effectively.",
              "assessor:q": "Assessor: the manager writes reports.", "desired:q": "The level my role requires."}
    fig = draw(answers_from({"desired:q": [5, 5], "assessor:q": [1, 2], "q": [4, 5]}), texts=labels,
               reverse={"q": True})
    labels = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_yticklabels()]
    assert labels[0].startswith("[reverse-keyed] I write technical and financial")
    assert labels[1] == "[assessor rating] The manager writes reports."
    assert labels[2] == "[desired level] The level my role requires."
    assert "n=2 · agree 2/2 (100 %)" in texts(fig)
    assert fig.axes[0].get_title(loc="left").startswith("Figure 4: project_funding")


def test_save_figure_is_byte_stable(tmp_path):
    data = answers_from({"q": [1, 2, 3, 4, 5], "r": [5, 5, 4, np.nan, 1]})
    first = save_figure(draw(data), tmp_path / "a" / "figure_4")
    second = save_figure(draw(data), tmp_path / "b" / "figure_4")
    assert [p.suffix for p in first] == [".png", ".svg"]
    for one, two in zip(first, second):
        assert one.read_bytes() == two.read_bytes()
    svg = first[1].read_text()
    assert "<dc:date>" not in svg and "Matplotlib v" not in svg
    assert b"Software" not in first[0].read_bytes()


def test_save_figure_refuses_data_raw():
    fig = draw(answers_from({"q": [1]}))
    with pytest.raises(RawDataWriteError):
        save_figure(fig, config.RAW_DIR / "figure")


def test_overview_draws_intervals_only_where_given():
    table = pd.DataFrame({
        "area": ["negotiation", "communication"],
        "mean": [2.5, 3.4], "ci_low": [np.nan, 2.9], "ci_high": [np.nan, 3.9], "n": [1, 12],
    })
    fig = overview_figure(table, labels={"communication": "Communication", "negotiation": "Negotiation"})
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["Negotiation", "Communication"]   # the table's order
    spans = [tuple(line.get_xdata()) for line in ax.lines if len(line.get_xdata()) == 2]
    assert spans and all(s == (2.9, 3.9) for s in spans)
    assert "n=1 · no interval" in texts(fig)
    assert ax.get_xlim() == (0.9, 5.1)


def test_overview_by_group_and_column_check():
    table = pd.DataFrame({"area": ["communication"] * 2, "group": ["PL", "LT"], "mean": [3.0, 4.0],
                          "ci_low": [2.0, 3.0], "ci_high": [4.0, 5.0], "n": [7, 5]})
    fig = overview_figure(table)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["PL", "LT"]
    with pytest.raises(ValueError, match="ci_low"):
        overview_figure(table.drop(columns="ci_low"))


def test_gap_figure_points_and_labels():
    table = pd.DataFrame({"area": ["budgeting"], "existing": [2.5], "desired": [4.0], "gap": [1.5], "n": [12]})
    fig = gap_figure(table)
    points = {tuple(line.get_xdata()) for line in fig.axes[0].lines}
    assert (2.5,) in points and (4.0,) in points and (2.5, 4.0) in points
    assert "gap +1.50 · n=12" in texts(fig)
    assert any("No areas" in t for t in texts(gap_figure(table.iloc[:0])))


def test_small_cells_are_not_drawn_when_asked():
    fig = draw(answers_from({"q": [1, 5]}), min_cell=3)
    assert segments(fig) == {}
    assert texts(fig).count("suppressed (n < 3)") == 2


def test_page_svg_in_one_pass_is_what_savefig_writes():
    """web_svg prints through the SVG canvas in one pass; savefig lays a constrained figure
    out in a separate pass first. Both must give the same bytes."""
    import io

    import matplotlib as mpl

    from clusterresearch.figures.save import DPI, SVG_HASHSALT, SVG_METADATA, web_svg

    data = answers_from({"q": [1, 2, 3, 4, 5], "r": [5, 5, 4, np.nan, 1], "desired:q": [5, 4, 4, 5, 3]})
    table = pd.DataFrame({"area": ["budgeting"], "existing": [2.5], "desired": [4.0], "gap": [1.5], "n": [12]})
    for make in (lambda: draw(data, texts={"q": "A long statement " * 6}), lambda: gap_figure(table)):
        buffer = io.BytesIO()
        with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "none"}):
            make().savefig(buffer, format="svg", dpi=DPI, metadata=SVG_METADATA, facecolor="white")
        fig = make()
        canvas = fig.canvas
        assert web_svg(fig) == buffer.getvalue()
        assert fig.canvas is canvas and fig.dpi == mpl.rcParams["figure.dpi"]  # the figure is left as it was
