"""The report exporter renders what nbconvert's HTMLExporter renders, without its last pass."""

from __future__ import annotations

import base64

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from clusterresearch import config
from clusterresearch.batch.export import NO_ALT, exporter

PNG = base64.b64encode(bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")).decode()


def _small_notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A title\n\nSome *text* & <b>tags</b>."),
        nbformat.v4.new_code_cell("x = 1", outputs=[
            nbformat.v4.new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}),
            nbformat.v4.new_output("display_data", data={"text/html": '<img src="a.svg" alt="A figure">'}),
            nbformat.v4.new_output("stream", name="stdout", text="printed <not a tag>\n"),
            nbformat.v4.new_output("execute_result", data={"text/plain": "1"}, execution_count=1),
        ]),
    ]
    return nb


@pytest.mark.parametrize("with_code", [False, True])
def test_page_is_nbconverts_page_once_parsed(with_code):
    reference = HTMLExporter(template_name="basic", exclude_input=not with_code,
                             exclude_input_prompt=not with_code, exclude_output_prompt=not with_code)
    shipped = nbformat.read(config.PROJ_ROOT / "notebooks" / "competencies.ipynb", as_version=4)
    for nb in (_small_notebook(), shipped):
        ours, _ = exporter(with_code).from_notebook_node(nb, resources={"metadata": {"name": "r"}})
        theirs, _ = reference.from_notebook_node(nb, resources={"metadata": {"name": "r"}})
        assert str(BeautifulSoup(ours, features="html.parser")) == theirs


def test_images_without_alt_get_nbconverts_placeholder():
    page, _ = exporter(False).from_notebook_node(_small_notebook())
    assert page.count(f'alt="{NO_ALT}"') == 1   # the PNG output
    assert 'alt="A figure"' in page             # a figure's own alt text is kept
