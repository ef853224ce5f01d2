"""The shipped roadmap data: the worked example loads and is labelled illustrative; the six
IT-actor services quote the paper verbatim."""


import pytest

from clusterresearch import config
from clusterresearch.roadmap.analysis import SERVICE_COLUMNS, load_services
from clusterresearch.roadmap.folder import load_network
from clusterresearch.roadmap.network import ACTOR_TYPES, LINK_KINDS

ROADMAP_PAPER = config.PROJ_ROOT.parent / "shared" / "seeds" / "000_a32586105378ae37.txt"


def test_worked_example_loads_and_uses_the_papers_typology():
    net = load_network(config.ROADMAP_EXAMPLE_DIR)
    assert net.cdc == "CDC" and net.it_actor is None  # the model adds the IT-actor
    # every type of stage I's list appears: cluster actors, regulators, local government, non-profit
    assert set(net.actors["type"]) == set(ACTOR_TYPES) - {"it_actor"}
    assert set(net.links["kind"]) == set(LINK_KINDS) and set(net.flows["kind"]) == set(LINK_KINDS)
    assert len(net.actor_restrictions) and len(net.link_restrictions)
    assert net.actor_restrictions["reason"].str.startswith("Illustrative").all()
    assert net.link_restrictions["reason"].str.startswith("Illustrative").all()


def test_readme_says_the_example_is_illustrative():
    text = (config.ROADMAP_DIR / "README.md").read_text(encoding="utf-8")
    assert "illustrative" in text.lower() and "not data from the paper" in text


def test_six_services_quote_the_paper():
    services = load_services()
    assert list(services.columns) == list(SERVICE_COLUMNS) and len(services) == 6
    assert list(services["service_id"]) == [f"S{i}" for i in range(1, 7)]
    for kinds in services["link_kinds"]:
        assert set(kinds.split(";")) <= set(LINK_KINDS)
    if not ROADMAP_PAPER.is_file():
        pytest.skip(f"{ROADMAP_PAPER} not beside the repository")
    paper = " ".join(ROADMAP_PAPER.read_text(encoding="utf-8").split())
    for quote in services["quote"]:
        assert " ".join(quote.split()) in paper, quote


def test_worked_example_says_it_is_illustrative_through_its_network_toml():
    """The example is called illustrative because its folder says so, not because code knows it."""
    net = load_network(config.ROADMAP_EXAMPLE_DIR)
    d = net.description
    assert d.illustrative and d.name.startswith("Worked example") and "not data from the paper" in d.source
    assert d.readiness_areas == ("communication", "online_marketing", "project_management", "budgeting")
    assert d.readiness_threshold == 0.5 and set(d.readiness_why) == set(d.readiness_areas)
    assert net.files[-1].name == "network.toml"  # hashed in inputs.csv like every input
