"""Knowledge base: SHACL validation, the embedded store, named questions, push to a real server."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest
from click.testing import CliRunner

from conftest import SEED_FILES, seed_path
from plannlp.cli import cli
from plannlp.errors import KnowledgeBaseError
from plannlp.export import write_document
from plannlp.kb.questions import QUESTIONS, question
from plannlp.kb.store import SHARED_GRAPH, KnowledgeBase
from plannlp.kb.validate import validate_data, validate_file


@pytest.fixture(scope="module")
def files(default_pipeline, tmp_path_factory):
    folder = tmp_path_factory.mktemp("jsonld")
    paths = {}
    for key in SEED_FILES:
        paths[key] = folder / f"{key}.jsonld"
        write_document(default_pipeline.ingest(seed_path(key)), paths[key])
    return paths


@pytest.mark.parametrize("key", sorted(SEED_FILES))
def test_every_ingest_output_conforms_to_the_shapes(files, key):
    assert validate_file(files[key]) == []


def test_a_broken_file_gets_plain_messages(files):
    data = json.loads(files["000"].read_text(encoding="utf-8"))
    sentence = next(n for n in data["@graph"] if n.get("type") == "Sentence" and n.get("sdgLinks"))
    sentence["roleConfidence"] = 1.7
    sentence["kind"] = "poem"
    del sentence["selector"]
    link = next(n for n in data["@graph"] if n["id"] == sentence["sdgLinks"][0])
    link["goal"] = "sdg:18"
    messages = [str(v) for v in validate_data(data)]
    assert any("roleConfidence: A role confidence is a number between 0 and 1. (found: 1.7)" in m for m in messages)
    assert any("must be prose, bullet, footnote, table_row or heading. (found: poem)" in m for m in messages)
    assert any("needs its text position" in m for m in messages)
    assert any("http://metadata.un.org/sdg/1 to /17. (found: http://metadata.un.org/sdg/18)" in m for m in messages)
    assert all(m.startswith(sentence["id"]) or m.startswith(link["id"]) for m in messages)


def test_validate_command_exits_non_zero_on_violations(files, tmp_path):
    runner = CliRunner()
    ok = runner.invoke(cli, ["validate", str(files["004"])])
    assert ok.exit_code == 0 and "valid" in ok.output
    data = json.loads(files["004"].read_text(encoding="utf-8"))
    next(n for n in data["@graph"] if n.get("type") == "Section")["level"] = 0
    broken = tmp_path / "broken.jsonld"
    broken.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(cli, ["validate", str(broken)])
    assert result.exit_code == 1
    assert "level: A section's level is a whole number from 1." in result.output


def test_loading_twice_duplicates_nothing(files, tmp_path):
    store = KnowledgeBase(tmp_path / "kb")
    first = store.load_files([files["004"], files["000"]])
    size = len(store)
    again = store.load_file(files["004"])
    assert len(store) == size and again[0].iri == first[0].iri
    assert store.graphs() == sorted(g.iri for g in first if g.iri != SHARED_GRAPH)


def test_the_store_persists_on_disk(files, tmp_path):
    KnowledgeBase(tmp_path / "kb").load_file(files["004"])
    reopened = KnowledgeBase(tmp_path / "kb")
    assert len(reopened.graphs()) == 1 and len(reopened) > 1000


@pytest.fixture(scope="module")
def store(files):
    base = KnowledgeBase()
    base.load_files(files.values())
    return base


def test_documents_question(store):
    rows = store.query(question("documents").render(None)).rows
    assert {r[2] for r in rows} == {"佐久市", "小諸市", "安中市"}
    komoro = next(r for r in rows if r[2] == "小諸市")
    assert (komoro[3], komoro[4]) == ("2020", "2023")


def test_measures_by_sdg_are_measures_linked_to_that_goal(store):
    rows = store.query(question("measures-by-sdg").render("12")).rows
    assert rows and any("ごみ" in r[2] or "資源" in r[2] for r in rows)
    assert [float(r[3]) for r in rows] == sorted((float(r[3]) for r in rows), reverse=True)


def test_indicators_by_year_read_seed_004_tables(store):
    rows = store.query(question("indicators-by-year").render("2026")).rows
    npo = next(r for r in rows if r[1] == "NPO・ボランティア登録団体数")
    assert npo == ("安中市", "NPO・ボランティア登録団体数", "93団体", "2017", "113団体")


def test_issues_without_measure_and_role_counts(store):
    issues = store.query(question("issues-without-measure").render(None)).rows
    assert issues and all(r[0] for r in issues)
    counts = store.query(question("role-counts").render(None)).rows
    assert {r[1] for r in counts} == {"achievement", "issue", "measure", "other"}


def test_questions_check_their_argument():
    from plannlp.errors import UsageError

    with pytest.raises(UsageError, match="needs GOAL"):
        question("measures-by-sdg").render(None)
    with pytest.raises(UsageError, match="must be a number"):
        question("indicators-by-year").render("2026; DROP")
    with pytest.raises(UsageError, match="No question named"):
        question("nope")
    assert set(QUESTIONS) >= {"measures-by-sdg", "issues-without-measure", "indicators-by-year"}


def test_bad_sparql_is_a_clear_error(store):
    with pytest.raises(KnowledgeBaseError, match="not valid"):
        store.query("SELEKT ?x WHERE { ?x ?y ?z }")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.server
@pytest.mark.skipif(shutil.which("oxigraph") is None, reason="the oxigraph server (pip install oxigraph) is needed")
def test_push_to_a_live_oxigraph_server(files, tmp_path):
    port = _free_port()
    server = subprocess.Popen(["oxigraph", "serve", "--location", str(tmp_path / "server"),
                               "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):  # wait for readiness, 10 s at most
            try:
                urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the oxigraph server did not start")
        runner = CliRunner()
        for _ in range(2):  # pushing twice replaces the graphs
            result = runner.invoke(cli, ["kb", "push", str(files["004"]), str(files["001"]),
                                         "--endpoint", f"{base}/store"])
            assert result.exit_code == 0, result.output
        query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
        request = urllib.request.Request(f"{base}/query", data=query.encode(), method="POST",
                                         headers={"Content-Type": "application/sparql-query",
                                                  "Accept": "application/sparql-results+json"})
        with urllib.request.urlopen(request, timeout=10) as response:
            remote = int(json.load(response)["results"]["bindings"][0]["n"]["value"])
        local = KnowledgeBase()
        local.load_files([files["004"], files["001"]])
        assert remote == len(local)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_push_to_nowhere_is_a_clear_error(files):
    from plannlp.kb.push import push_files

    with pytest.raises(KnowledgeBaseError, match="Cannot reach"):
        push_files([files["004"]], f"http://127.0.0.1:{_free_port()}/store")
