"""The corpus manifest and the gold role set are well-formed and agree with the seeds."""

from __future__ import annotations

import csv
import re
import unicodedata
from collections import Counter

import pytest

from conftest import REPO

CORPORA = REPO / "corpora"
ROLES = {"achievement", "issue", "measure", "other"}


def _rows(path, delimiter=","):
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


@pytest.fixture(scope="module")
def gold():
    return _rows(CORPORA / "gold" / "roles.tsv", "\t")


def _squash(text: str) -> str:
    return re.sub(r"\s+|\|", "", unicodedata.normalize("NFKC", text))


def test_manifest_lists_existing_files_with_provenance():
    manifest = _rows(CORPORA / "manifest.csv")
    assert [m["doc_id"] for m in manifest] == ["000", "001", "002", "003", "004"]
    for entry in manifest:
        assert (CORPORA / entry["file"]).is_file()
        assert entry["municipality"] and entry["source"] and entry["licence_note"]
        assert re.fullmatch(r"\d{6}", entry["municipality_code"])


def test_gold_has_enough_rows_from_every_seed_and_role(gold):
    assert len(gold) >= 800
    assert {r["doc_id"] for r in gold} == {"000", "001", "002", "003", "004"}
    assert {r["role"] for r in gold} == ROLES
    assert len({r["id"] for r in gold}) == len(gold)


def test_every_gold_text_occurs_in_its_seed(gold):
    seeds = {m["doc_id"]: _squash((CORPORA / m["file"]).read_text(encoding="utf-8"))
             for m in _rows(CORPORA / "manifest.csv")}
    for row in gold:
        # compare on a squashed form (line breaks, spaces, width and table separators removed)
        assert _squash(row["text"])[:20] in seeds[row["doc_id"]], row["id"]


def test_same_text_same_label(gold):
    labels: dict[tuple[str, str], set[str]] = {}
    for row in gold:
        labels.setdefault((row["doc_id"], row["text"]), set()).add(row["role"])
    assert all(len(v) == 1 for v in labels.values())


@pytest.mark.parametrize(("start", "role"), [  # the guidelines' own examples
    ("平成24年度に佐久市市民活動サポートセンターを開設しました", "achievement"),
    ("地域コミュニティ*の基本である区の活動に対して活動費を交付することで", "achievement"),
    ("多様化する市民活動団体の実態を把握し", "issue"),
    ("市内には101の行政区があり、住民センターを拠点とした地域活動が展開されています", "issue"),
    ("佐久市まちづくり活動支援金の活用を促進するとともに", "measure"),
    ("誰もが簡単に市の情報を入手できるようになっています", "other"),
    ("* SNS:ソーシャル・ネットワーキング・サービス", "other"),
])
def test_guideline_examples_carry_the_guideline_label(gold, start, role):
    matches = [r for r in gold if start in r["text"]]
    assert matches and {r["role"] for r in matches} == {role}


def test_corrections_all_carry_a_reason(gold):
    corrections = _rows(CORPORA / "gold" / "corrections.tsv", "\t")
    assert corrections and all(c["note"] and c["role"] in ROLES for c in corrections)
    assert sum(1 for r in gold if r["note"]) >= len(corrections)


def test_readme_counts_match_the_file(gold):
    counts = Counter(r["role"] for r in gold)
    readme = (CORPORA / "gold" / "README.md").read_text(encoding="utf-8")
    total = f"**{counts['achievement']}** | **{counts['issue']}** | **{counts['measure']}** | **{counts['other']}** | **{len(gold):,}**"
    assert total in readme
