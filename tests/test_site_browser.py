"""The built site in a real browser (headless Chromium) and on disk.

Builds a small site with the real competencies notebook (Lithuania: its country report is
public, its five one-manager clusters confidential), then opens every page of each site
folder from its index and fails on a broken link or image, a console error, a script, a
request leaving the site folder or a page more than two clicks from its index.
``.ci/run`` installs Chromium (Debian package) when it is missing; the browser test skips,
saying why, only where there is no Chromium.
"""

from __future__ import annotations

import json
import re
from collections import deque
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from browser import Browser, find_chromium
from clusterresearch import cli
from clusterresearch.batch import kernels


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "reports"
    with pytest.MonkeyPatch.context() as mp:
        for key, value in kernels.KERNEL_ENV.items():
            mp.setenv(key, value)
        code = cli.main(["reproduce", "--only", "competencies", "--country", "LT", "--out", str(out),
                         "--no-progress"])
    assert code == 0
    return out


def _local(url: str) -> Path | None:
    parts = urlsplit(url)
    return Path(unquote(parts.path)) if parts.scheme == "file" else None


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve() == folder.resolve() or folder.resolve() in path.resolve().parents


def test_site_folders_hold_only_their_own_links(site):
    """On disk: every href/src of every page resolves to a file inside the page's site folder;
    no script, no external style, no CDN."""
    for folder in (site / "public", site / "confidential"):
        pages = sorted(folder.glob("*.html"))
        assert pages, folder
        for page in pages:
            text = page.read_text(encoding="utf-8")
            assert "<script" not in text and "<link" not in text, page
            assert "cdn" not in text.lower() and "mathjax" not in text.lower(), page
            assert "data:image" not in text, f"{page}: an embedded image (figures are files)"
            for target in re.findall(r'(?:href|src)="([^"#][^"]*)"', text):
                assert "://" not in target and not target.startswith("/"), f"{page}: {target}"
                resolved = (page.parent / unquote(target)).resolve()
                assert _inside(resolved, folder) and resolved.is_file(), f"{page}: {target}"
    top = (site / "index.html").read_text(encoding="utf-8")
    assert "not to be published" in top


def test_confidential_reports_only_in_confidential(site):
    public = sorted(p.name for p in (site / "public").glob("*.html"))
    assert public == ["competencies_country_LT.html", "index.html"]
    assert not list((site / "public").glob("*_cluster_*"))
    for page in (site / "confidential").glob("*.html"):
        text = page.read_text(encoding="utf-8")
        body = text[text.index("<body"):]
        assert body.index("CONFIDENTIAL") < 200, f"{page}: CONFIDENTIAL not at the top"
        assert "<title>CONFIDENTIAL" in text


def test_every_figure_is_stored_once(site):
    report = site / "public" / "competencies_country_LT.html"
    figures = sorted((site / "public" / "competencies_country_LT_files").glob("*"))
    assert figures and all(f.suffix == ".svg" for f in figures)
    notebook = (site / "public" / "competencies_country_LT.ipynb").read_text(encoding="utf-8")
    assert "image/png" not in notebook and "image/svg+xml" not in notebook
    notebook = "".join("".join(o.get("data", {}).get("text/html", "")) for c in json.loads(notebook)["cells"]
                       for o in c.get("outputs", []))
    html = report.read_text(encoding="utf-8")
    for figure in figures:
        assert html.count(f'src="competencies_country_LT_files/{figure.name}"') == 1
        assert f'src="competencies_country_LT_files/{figure.name}"' in notebook  # opens beside the notebook too


@pytest.fixture(scope="module")
def browser():
    executable = find_chromium()
    if executable is None:
        pytest.skip("headless Chromium is not installed (Debian: apt-get install -y chromium; .ci/run installs it)")
    chromium = Browser(executable)
    yield chromium
    chromium.close()


@pytest.mark.parametrize("folder", ["public", "confidential"])
def test_every_page_in_a_browser(site, browser, folder, tmp_path):
    root = (site / folder).resolve()
    index = root / "index.html"
    depth = {index: 0}
    queue = deque([index])
    problems = []
    while queue:
        page = queue.popleft()
        facts = browser.open(page.as_uri())
        where_ = page.name
        if facts["scripts"] or facts["sheets"]:
            problems.append(f"{where_}: scripts or external stylesheets")
        for url in facts["requests"]:
            local = _local(url)
            if local is None or not _inside(local, root):
                problems.append(f"{where_}: request leaving the site folder: {url}")
        for failure in facts["failed"]:
            problems.append(f"{where_}: failed to load: {failure.get('errorText')}")
        problems += [f"{where_}: console error: {text}" for text in facts["errors"]]
        for image in facts["images"]:
            if not image["ok"]:
                problems.append(f"{where_}: broken image {image['src']}")
            if not (image["alt"] or "").strip():
                problems.append(f"{where_}: image without alt text {image['src']}")
        ids = set(facts["ids"])
        for raw, url in zip(facts["links"], facts["resolved"]):
            if raw.startswith("#"):
                if unquote(raw[1:]) not in ids:
                    problems.append(f"{where_}: no target for {raw}")
                continue
            local = _local(url)
            if local is None or not _inside(local, root):
                problems.append(f"{where_}: link leaving the site folder: {raw}")
                continue
            if not local.is_file():
                problems.append(f"{where_}: broken link {raw}")
            elif local.suffix == ".html" and local not in depth:
                depth[local] = depth[page] + 1
                queue.append(local)
        if folder == "confidential" and not facts["text"].lstrip().startswith("CONFIDENTIAL"):
            problems.append(f"{where_}: does not open with CONFIDENTIAL")
    assert not problems, "\n".join(problems)
    pages = {p.resolve() for p in root.glob("*.html")}
    assert set(depth) == pages, f"not reachable from index.html: {sorted(p.name for p in pages - set(depth))}"
    assert max(depth.values()) <= 2
    # screenshots to look at (kept with the test's temporary files)
    browser.screenshot(index.as_uri(), tmp_path / f"{folder}_index.png")
