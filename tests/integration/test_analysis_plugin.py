"""The analysis plugin on the node the tests run against: installed, and built from the sources
in the repository, on a distribution without analysis-common; absent on a full one (where its
names would clash with the built-ins)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from elasticsearch import Elasticsearch

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def test_the_node_has_language_analysis_from_the_plugin_built_from_these_sources_or_built_in(
    es: Elasticsearch,
):
    source_hash = subprocess.run(
        [SCRIPTS / "build-analysis-plugin", "--source-hash"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    nodes = es.nodes.info(metric="plugins")["nodes"].values()
    for node in nodes:
        modules = {module["name"] for module in node["modules"]}
        plugins = {plugin["name"]: plugin["version"] for plugin in node["plugins"]}
        if "analysis-common" in modules:
            assert "article-analysis" not in plugins
        else:
            assert plugins.get("article-analysis") == source_hash
    tokens = es.indices.analyze(analyzer="german", text="Die Streiks")["tokens"]
    assert [token["token"] for token in tokens] == ["streik"]
