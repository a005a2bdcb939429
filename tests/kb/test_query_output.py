"""`plannlp kb query/ask` output (issue #19, item 1): JSON numbers as numbers, a table aligned
for full-width text with cut cells marked and counted, common prefixes predeclared."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from plannlp.cli import cli
from plannlp.japanese.width import visual_width
from plannlp.kb.prefixes import common_prefixes, declared_prefixes, with_common_prefixes
from plannlp.kb.results import ELLIPSIS, MAX_CELL_WIDTH, fit, table_lines
from plannlp.kb.store import KnowledgeBase, QueryResult

SENTENCES = ("SELECT ?id ?text ?confidence WHERE { ?id a plannlp:Sentence ; schema:text ?text ; "
             "plannlp:roleConfidence ?confidence } ORDER BY ?id LIMIT 12")


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store holding the bundled sample, ingested as README's first command does."""
    folder = tmp_path_factory.mktemp("kb")
    sample = folder / "sample.jsonld"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", "--sample", "-o", str(sample), "--workers", "1"]).exit_code == 0
    assert runner.invoke(cli, ["kb", "load", str(sample), "--store", str(folder / "kb")]).exit_code == 0
    return folder / "kb"


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def test_json_gives_numbers_as_numbers(store):
    query = ("SELECT ?title ?pages ?start ?end WHERE { ?d a plannlp:PlanDocument ; dcterms:title ?title ; "
             "plannlp:pageCount ?pages ; plannlp:periodStart ?start ; plannlp:periodEnd ?end }")
    (row,) = json.loads(run("kb", "query", query, "--store", str(store), "--format", "json"))
    assert row == {"title": "第二次佐久市総合計画 前期基本計画 第1節・第2節（抜粋）", "pages": 1,
                   "start": 2017, "end": 2021}  # the sample's manifest; gYear and integer as integers
    rows = json.loads(run("kb", "query", SENTENCES, "--store", str(store), "--format", "json"))
    assert rows and all(isinstance(r["confidence"], float) and 0 <= r["confidence"] <= 1 for r in rows)
    assert all(isinstance(r["id"], str) and isinstance(r["text"], str) for r in rows)
    answer = json.loads(run("kb", "query", "ASK { ?s a plannlp:Sentence }", "--store", str(store), "--format", "json"))
    assert answer == [{"answer": True}]


def test_the_table_is_aligned_for_full_width_text_and_says_what_it_cut(store):
    lines = run("kb", "query", SENTENCES, "--store", str(store)).splitlines()
    header, rows, footer = lines[0], lines[1:-1], lines[-1]
    texts = [r["text"] for r in json.loads(run("kb", "query", SENTENCES, "--store", str(store), "--format", "json"))]
    assert len(rows) == len(texts) == 12
    # the third column starts at the same display column on every line
    starts = {visual_width(line[:line.rindex("  ") + 2]) for line in [header, *rows]}
    assert len(starts) == 1
    long = [t for t in texts if visual_width(t) > MAX_CELL_WIDTH]
    assert long, "the sample has sentences longer than a cell"
    shown = [line.split("  ")[1].rstrip() for line in rows]
    assert sum(cell.endswith(ELLIPSIS) for cell in shown) == len(long)
    assert all(visual_width(cell) <= MAX_CELL_WIDTH for cell in shown)
    assert f"{len(long)} cell(s) longer than {MAX_CELL_WIDTH} columns cut" in footer
    for text, cell in zip(texts, shown, strict=True):
        assert text.startswith(cell.removesuffix(ELLIPSIS))  # cut at the end only, never inside


def test_fit_counts_full_width_characters_as_two_columns():
    assert fit("佐久市" * 10, 60) == ("佐久市" * 10, False)
    cut, was_cut = fit("佐久市" * 11, 60)
    assert was_cut and cut.endswith(ELLIPSIS) and visual_width(cut) <= 60 and len(cut) == 30
    assert fit("a\nb", 10) == ("a↵b", False)
    lines = table_lines(QueryResult(("名前", "x"), (("佐久市", "1"), ("ab", None))))
    assert lines[:3] == ["名前    x", "佐久市  1", "ab"] and lines[3] == "(2 row(s))"


def test_common_prefixes_need_no_prefix_lines(store):
    prefixes = common_prefixes()
    assert prefixes["plannlp"] == "https://w3id.org/plannlp/ns#" and prefixes["sdg"] == "http://metadata.un.org/sdg/"
    assert prefixes["rdfs"] == "http://www.w3.org/2000/01/rdf-schema#"
    assert prefixes["xsd"] == "http://www.w3.org/2001/XMLSchema#"
    base = KnowledgeBase(store, create=False)
    plain = base.query("SELECT (COUNT(?s) AS ?n) WHERE { ?s a plannlp:Sentence }")
    declared = base.query("PREFIX plannlp: <https://w3id.org/plannlp/ns#>\n"
                          "SELECT (COUNT(?s) AS ?n) WHERE { ?s a plannlp:Sentence }")
    assert plain.rows == declared.rows and int(plain.rows[0][0]) > 100
    linked = base.query("SELECT ?s WHERE { ?s plannlp:sdgLink ?l . ?l plannlp:goal sdg:11 } LIMIT 1")
    typed = base.query("SELECT ?d WHERE { ?d plannlp:periodStart ?y FILTER(datatype(?y) = xsd:gYear) }")
    labelled = base.query("SELECT ?t WHERE { ?d a plannlp:PlanDocument . ?d rdf:type ?t }")
    assert linked.rows and len(typed.rows) == 1 and labelled.rows


def test_a_query_s_own_prefix_wins(store):
    base = KnowledgeBase(store, create=False)
    own = base.query("PREFIX plannlp: <http://example.org/other#>\n"
                     "SELECT ?s WHERE { ?s a plannlp:Sentence }")
    assert own.rows == ()  # its plannlp: is not plannlp's
    assert declared_prefixes('PREFIX sdg: <x:> SELECT * { ?s ?p "PREFIX xsd: <y:>" } # PREFIX rdf: <z:>') == {"sdg"}
    query = "PREFIX sdg: <http://example.org/sdg/>\nSELECT * WHERE { ?s ?p ?o }"
    expanded = with_common_prefixes(query)
    assert expanded.count("PREFIX sdg:") == 1 and "PREFIX xsd:" in expanded
    assert expanded.count("\n") == query.count("\n")  # error messages keep their line numbers


def test_a_syntax_error_is_still_a_plain_error(store):
    result = CliRunner().invoke(cli, ["kb", "query", "SELECT ?s WHERE { ?s a plannlp:Sentence ", "--store", str(store)])
    assert result.exit_code == 1 and "The SPARQL query is not valid" in result.output
    assert "Traceback" not in result.output
