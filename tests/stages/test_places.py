"""The municipality of a document and its code, for every municipality of Japan."""

from __future__ import annotations

import csv
from pathlib import Path

from plannlp.stages.places import code_of, find_municipality, names_in

CORPUS = Path(__file__).resolve().parents[2] / "corpora" / "roles" / "batches"


def test_names_are_found_as_written():
    text = "つくば市と南アルプス市、四日市市、札幌市中央区、本市の市町村"
    assert names_in(text) == {"つくば市": 1, "南アルプス市": 1, "四日市市": 1, "札幌市中央区": 1}


def test_a_shared_name_is_settled_by_the_prefecture_the_text_names():
    assert code_of("府中市", "東京都府中市の計画") == "132063"
    assert code_of("府中市", "広島県府中市の計画") == "342084"
    assert code_of("府中市") is None  # nothing settles it
    assert code_of("旭川市") == "012041"


def test_on_the_corpus_excerpts_the_municipality_found_is_right():
    """Each excerpt of the role corpus (its text and title) against its manifest: where a
    municipality is found (about 85% of the excerpts; speeches say 本市), it is the right one
    for at least 90% of them (measured: 462 of 493), and so is its code."""
    found = right = codes = codes_right = 0
    for manifest in sorted(CORPUS.glob("*/manifest.csv")):
        with manifest.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                text = (manifest.parent / "excerpts" / f"{row['excerpt_id']}.txt").read_text(
                    encoding="utf-8")
                name, code = find_municipality(text, row["title"])
                found += name is not None
                right += name == row["municipality"]
                codes += code is not None
                codes_right += code == row["municipality_code"]
    assert found >= 450 and right / found >= 0.9
    assert codes >= 450 and codes_right / codes >= 0.9
