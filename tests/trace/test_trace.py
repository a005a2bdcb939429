"""Revision tracing: statuses on real seed sentences, splits and merges, reports, determinism."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, seed_path
from plannlp.cli import cli
from plannlp.trace.align import TraceSettings, Unit, align, content_lemmas, similarity


def unit(text: str, uid: str, doc: str = "old") -> Unit:
    return Unit(doc, uid, text, "市民協働・参加", "measure", content_lemmas(text))


# Real pairs from seed 000: the earlier plan's reported work and the new plan's measures.
OLD = [
    unit("時代に即した幅広い情報発信を行うため、佐久ケーブルテレビ、エフエム佐久平と連携するとともに、ツイッター、フェイスブック、サイマルラジオ*を活用した広報活動を開始しました。", "o1"),
    unit("公会場などの公共施設整備に対して補助金を交付することで、地域コミュニティの活性化を支援しています。", "o2"),
    unit("納税者の意識向上を図るとともに、納税相談や滞納処分、長野県地方税滞納整理機構との連携による滞納整理など、収納率の向上を図っています。", "o3"),
    unit("佐久広域圏内の老朽化した2施設を統合した新斎場として、佐久平斎場が平成28年4月から稼働しており、佐久広域圏全体での効率的な利用が図られています。", "o4"),
]
NEW = [
    unit("時代に即した幅広い情報発信を行うため、佐久ケーブルテレビ、エフエム佐久平と連携するとともに、ツイッター、フェイスブック、サイマルラジオなどを活用した広報活動を推進します。", "n1", "new"),
    unit("コミュニティ活動の基盤となる公会場などの施設整備を支援します。", "n2", "new"),
    unit("税負担の公平性と自主財源確保のため、課税客体の的確な把握に努めるとともに、納税環境の整備を図り、納税者の納税意識の高揚と収納率のさらなる向上を図ります。", "n3", "new"),
    unit("マイナンバー制度の運用開始に伴い、個人情報のより一層の適正な管理を図ります。", "n4", "new"),
]


def test_statuses_on_real_seed_pairs():
    by_new = {p.new.id: p for p in align(OLD, NEW) if p.new}
    assert by_new["n1"].status == "continued" and by_new["n1"].old.id == "o1"
    assert by_new["n2"].old.id == "o2" and by_new["n2"].status in ("continued", "revised")
    assert by_new["n3"].old.id == "o3"
    assert by_new["n4"].status == "new"
    dropped = [p.old.id for p in align(OLD, NEW) if p.status == "dropped"]
    assert dropped == ["o4"]  # the crematorium is not continued


def test_changed_numbers_make_a_continued_measure_revised():
    old = [unit("審議会等委員の女性比率を33.0%にします。", "a")]
    new = [unit("審議会等委員の女性比率を40.0%にします。", "b", "new")]
    pair = align(old, new)[0]
    assert pair.score >= TraceSettings().continue_threshold and pair.status == "revised"


def test_a_split_and_a_merge():
    old = [
        unit("佐久市市民活動サポートセンターを開設し、市民活動のネットワーク化と情報のデータベース化を進めました。", "a"),
        unit("友好都市であるエストニア共和国サク市と子ども交流覚書を調印しました。", "b"),
        unit("エストニア共和国のホストタウンとして佐久市が登録されました。", "c"),
    ]
    new = [
        unit("佐久市市民活動サポートセンターを拠点とした市民活動のネットワーク化を進めます。", "x", "new"),
        unit("佐久市市民活動サポートセンターの情報のデータベース化を進めます。", "y", "new"),
        unit("エストニア共和国サク市との子ども交流や、ホストタウンとしての交流を推進します。", "z", "new"),
    ]
    pairs = align(old, new, TraceSettings(split_threshold=0.3))
    groups = {(p.old.id if p.old else None, p.new.id if p.new else None): p.group for p in pairs}
    assert groups.get(("a", "x")) or groups.get(("a", "y"))
    assert "split" in {groups.get(("a", "x")), groups.get(("a", "y"))}  # one old → two new
    assert {("b", "z"), ("c", "z")} <= set(groups) and "merge" in {groups[("b", "z")], groups[("c", "z")]}


def test_similarity_survives_spelling_variants():
    a = unit("電子申請の手続や申込を受付けます。", "a")
    b = unit("電子申請の手続きや申し込みを受け付けます。", "b", "new")
    assert a.lemmas == b.lemmas == {"電子", "申請", "手続き", "申し込み", "受け付ける"}
    assert similarity(a, b) > 0.7


class _Cells(HTMLParser):
    def __init__(self):
        super().__init__()
        self.statuses, self.ins, self.dels, self.lang = [], 0, 0, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "tr" and attrs.get("class") == "pair":
            self.statuses.append(attrs["data-status"])
        self.ins += tag == "ins"
        self.dels += tag == "del"


@pytest.fixture(scope="module")
def report_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("trace")
    seed = str(seed_path("000"))
    runner = CliRunner()
    outputs = {}
    for fmt in ("html", "csv", "jsonld"):
        outputs[fmt] = folder / f"trace.{fmt}"
        result = runner.invoke(cli, ["trace", seed, seed, "--old-role", "achievement", "-o", str(outputs[fmt])])
        assert result.exit_code == 0, result.output
    return outputs


def test_html_report_is_a_side_by_side_table_with_highlights(report_files):
    html = report_files["html"].read_text(encoding="utf-8")
    parser = _Cells()
    parser.feed(html)
    assert parser.lang == "ja"
    assert set(parser.statuses) <= {"continued", "revised", "new", "dropped"} and "continued" in parser.statuses
    assert parser.ins > 0 and parser.dels > 0  # changed phrases are highlighted
    assert "新旧対照表" in html and "<link" not in html and "<script" not in html  # self-contained
    assert "佐久ケーブルテレビ" in html


def test_csv_and_jsonld_reports(report_files):
    import csv
    import json

    rows = list(csv.DictReader(report_files["csv"].open(encoding="utf-8-sig")))
    assert rows and set(rows[0]) >= {"status", "score", "old_text", "new_text", "old_section", "new_section", "evidence"}
    continued = [r for r in rows if r["status"] == "continued"]
    assert any("佐久ケーブルテレビ" in r["old_text"] and "佐久ケーブルテレビ" in r["new_text"] for r in continued)
    data = json.loads(report_files["jsonld"].read_text(encoding="utf-8"))
    revisions = [n for n in data["@graph"] if "wasRevisionOf" in n]
    assert revisions and all(n["id"].startswith("https://w3id.org/plannlp/doc/") for n in revisions)


def test_trace_links_load_into_the_knowledge_base(report_files, default_pipeline, tmp_path):
    from plannlp.export import write_document
    from plannlp.kb.store import KnowledgeBase

    plan = tmp_path / "000.jsonld"
    write_document(default_pipeline.ingest(seed_path("000")), plan)
    base = KnowledgeBase()
    base.load_files([plan, report_files["jsonld"], report_files["jsonld"]])  # twice: replaced, not doubled
    rows = base.query("""PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX schema: <https://schema.org/>
        SELECT ?new ?old WHERE { ?n prov:wasRevisionOf ?o . ?n schema:text ?new . ?o schema:text ?old }""").rows
    assert rows and len(rows) == len(set(rows))
    assert any("佐久ケーブルテレビ" in new and "佐久ケーブルテレビ" in old for new, old in rows)
    assert len(base.graphs()) == 1  # the trace is not counted as a plan


def test_reports_are_deterministic(report_files, tmp_path):
    seed = str(seed_path("000"))
    again = tmp_path / "again.html"
    CliRunner().invoke(cli, ["trace", seed, seed, "--old-role", "achievement", "-o", str(again)])
    assert again.read_bytes() == report_files["html"].read_bytes()


def test_evaluation_runs_on_the_gold_alignment():
    from plannlp.trace.evaluate import evaluate_trace, read_gold

    gold = read_gold(REPO / "corpora")
    assert len(gold) >= 60 and {g["relation"] for g in gold} == {"continued", "revised", "none"}
    result = evaluate_trace(REPO / "corpora")
    assert 0.0 <= result["pooled"]["f1"] <= 1.0 and len(result["folds"]) == len({g["topic"] for g in gold})


def test_a_chain_s_csv_is_one_table_joinable_with_the_sentence_tables(tmp_path):
    """Issue #19: each row names both documents and both sentences' ids; a chain A B C is one
    table with one header, whose ids are those of `plannlp ingest`'s rows."""
    import pandas as pd

    chain = [str(seed_path(key)) for key in ("000", "002", "001")]
    runner = CliRunner()
    trace_csv, sentences_csv = tmp_path / "chain.csv", tmp_path / "sentences.csv"
    assert runner.invoke(cli, ["trace", *chain, "-o", str(trace_csv)]).exit_code == 0
    assert runner.invoke(cli, ["ingest", *chain, "-o", str(sentences_csv), "--workers", "1"]).exit_code == 0
    trace = pd.read_csv(trace_csv, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    sentences = pd.read_csv(sentences_csv, encoding="utf-8-sig", dtype=str)
    assert "status" not in set(trace["status"])  # one header
    keys = {row.file: row.document for row in sentences.drop_duplicates("file").itertuples()}
    names = [Path(p).name for p in chain]
    pairs = set(zip(trace["old_file"], trace["new_file"], strict=True))
    assert pairs == {(names[0], names[1]), (names[1], names[2])}
    assert all(keys[row.old_file] == row.old_document and keys[row.new_file] == row.new_document
               for row in trace.itertuples())
    for side in ("old", "new"):
        linked = trace[trace[f"{side}_id"] != ""]
        joined = linked.merge(sentences, left_on=[f"{side}_document", f"{side}_id"], right_on=["document", "id"])
        assert len(linked) > 0 and len(joined) == len(linked)
        assert (joined[f"{side}_text"] == joined["text"]).all()
    assert set(trace.loc[trace["old_id"] == "", "status"]) <= {"new"}
    assert set(trace.loc[trace["new_id"] == "", "status"]) <= {"dropped"}
