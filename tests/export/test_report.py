"""The per-plan HTML report (``-o plan.html``), parsed with html.parser."""

from __future__ import annotations

import csv
import re
from collections import Counter
from dataclasses import replace
from html.parser import HTMLParser

import pytest

from conftest import seed_text
from plannlp.export import write_documents
from plannlp.export.report import report_html
from plannlp.model import RolePrediction
from plannlp.resources import data_path, sample_plan


class Elements(HTMLParser):
    """Every start tag with its attributes and the text up to the next tag; the style text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str], list[str]]] = []
        self.style = ""
        self._in_style = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict((k, v or "") for k, v in attrs), []))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        elif self.tags:
            self.tags[-1][2].append(data)

    def with_class(self, name: str):
        return [(tag, attrs, text) for tag, attrs, text in self.tags if name in attrs.get("class", "").split()]


@pytest.fixture(scope="module")
def sample(default_pipeline):
    return default_pipeline.ingest(sample_plan())


@pytest.fixture(scope="module")
def parsed(sample, tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "plan.html"
    assert write_documents([sample], path) == "html"
    return Elements(path.read_text(encoding="utf-8"))


def official_goals() -> dict[int, str]:
    with data_path("sdg/goals.tsv").open(encoding="utf-8") as handle:
        return {int(row["goal"]): row["short_name_ja"] for row in csv.DictReader(handle, delimiter="\t")}


def test_every_sentence_once_coloured_by_its_role(parsed, sample):
    shown = parsed.with_class("s")
    assert [attrs["data-id"] for _, attrs, _ in shown] == [s.id for s in sample.sentences]
    for (_, attrs, text), sentence in zip(shown, sample.sentences, strict=True):
        assert f"role-{sentence.role.label}" in attrs["class"].split()
        assert text[0].strip() == sentence.text.strip()
    rules = dict(re.findall(r"\.role-(\w+) \{ border-color: (#[0-9A-Fa-f]{6})", parsed.style))
    assert rules == {"achievement": "#3F7E44", "issue": "#C5192D", "measure": "#0A97D9", "other": "#999999"}


def test_summary_counts_match_the_document(parsed, sample):
    expected = Counter(s.role.label for s in sample.sentences)
    cells = {attrs["data-role"]: int(text[0]) for _, attrs, text in parsed.tags
             if attrs.get("class") == "n" and "data-role" in attrs}
    assert cells == {role: expected.get(role, 0) for role in ("achievement", "issue", "measure", "other")}
    assert sum(cells.values()) == len(sample.sentences)
    bars = {int(attrs["data-goal"]): int(attrs["data-count"]) for _, attrs, _ in parsed.with_class("row")}
    per_goal = Counter(link.goal for s in sample.sentences for link in {x.goal: x for x in s.sdgs}.values())
    assert bars == {goal: per_goal.get(goal, 0) for goal in range(1, 18)}
    bar_styles = [attrs["style"] for _, attrs, _ in parsed.with_class("bar")]
    assert len(bar_styles) == 17
    most = max(bars, key=bars.get)
    assert "width: 100.0%" in bar_styles[most - 1]


def test_goal_chips_carry_the_official_names_and_colours(parsed, sample):
    names = official_goals()
    sentence = next(s for s in sample.sentences if s.sdgs)
    chips = [(attrs, "".join(text).strip()) for tag, attrs, text in parsed.with_class("chip") if "data-goal" in attrs]
    assert len(chips) == sum(len(s.sdgs) for s in sample.sentences)
    first = chips[: len(sentence.sdgs)]
    assert [int(a["data-goal"]) for a, _ in first] == [link.goal for link in sentence.sdgs]
    for attrs, text in first:
        goal = int(attrs["data-goal"])
        assert text == f"{goal} {names[goal]}"
    colours = {int(a["data-goal"]): a["style"] for a, _ in chips}
    assert "#FD9D24" in colours[11]  # 住み続けられるまちづくりを: the UN's orange (the sample has 26)


def test_low_confidence_sentences_are_marked(sample):
    target = sample.sentences[5]
    sentences = list(sample.sentences)
    sentences[5] = replace(target, role=RolePrediction(label=target.role.label, confidence=0.31))
    parsed = Elements(report_html([replace(sample, sentences=tuple(sentences))]))
    low = [attrs["data-id"] for _, attrs, _ in parsed.with_class("low")]
    expected = [s.id for s in sentences if s.role.confidence < 0.6]
    assert target.id in low and low == expected
    assert len(parsed.with_class("low-mark")) == len(expected)
    count = next(int(text[0]) for _, attrs, text in parsed.tags if attrs.get("data-count") == "low")
    assert count == len(expected)


def test_self_contained_no_script_no_external_address_printable(parsed):
    tags = {tag for tag, _, _ in parsed.tags}
    assert "script" not in tags and "link" not in tags and "img" not in tags and "iframe" not in tags
    addresses = [v for _, attrs, _ in parsed.tags for k, v in attrs.items() if k in ("src", "href", "action")]
    assert addresses == []
    assert "url(" not in parsed.style and "@import" not in parsed.style
    assert "@media print" in parsed.style and "print-color-adjust: exact" in parsed.style


def test_document_text_is_escaped(default_pipeline, tmp_path):
    lines = seed_text("000").splitlines()[:12]
    lines.insert(3, "<script>alert(1)</script>を推進します。<img src=x onerror=alert(2)>")
    path = tmp_path / "plan.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    doc = default_pipeline.ingest(path, name="<b>evil</b>.txt")
    html = report_html([doc])
    assert "<script" not in html and "<img" not in html and "<b>evil" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "&lt;b&gt;evil&lt;/b&gt;.txt" in html
    parsed = Elements(html)
    texts = ["".join(t) for _, a, t in parsed.with_class("s")]
    assert any("<script>alert(1)</script>を推進します。" in t for t in texts)


def test_several_documents_one_article_each(sample, default_pipeline, tmp_path):
    path = tmp_path / "other.txt"
    path.write_text("\n".join(seed_text("004").splitlines()[:30]) + "\n", encoding="utf-8")
    other = default_pipeline.ingest(path)
    parsed = Elements(report_html([sample, other]))
    assert len([t for t, _, _ in parsed.tags if t == "article"]) == 2
    assert len(parsed.with_class("s")) == len(sample.sentences) + len(other.sentences)


def test_a_pdf_report_gives_each_sentence_its_page(default_pipeline):
    from conftest import FIXTURES

    doc = default_pipeline.ingest(FIXTURES / "pdf" / "seed002_layout.pdf")
    assert len(doc.pages) > 1
    parsed = Elements(report_html([doc]))
    pages = [int(text[0].removeprefix("p.")) for _, _, text in parsed.with_class("where")]
    assert pages == [doc.page_of(s.start) for s in doc.sentences]
    assert len(set(pages)) > 1
