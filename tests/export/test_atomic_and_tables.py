"""Atomic output and the flat rows behind --format jsonl/csv."""

from __future__ import annotations

import os
import stat

import pytest

from plannlp.errors import UsageError
from plannlp.export import format_for
from plannlp.export.atomic import atomic_writer
from plannlp.export.tables import sentence_row
from plannlp.model import Page, PlanDocument, RolePrediction, SdgLink, Section, Sentence, Source


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.jsonld"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write("half of the new")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonld"]


def test_a_successful_write_replaces_the_file(tmp_path):
    target = tmp_path / "sub" / "out.csv"
    with atomic_writer(target) as handle:
        handle.write("new")
    assert target.read_text(encoding="utf-8") == "new"


def test_outputs_get_the_umask_permissions_not_those_of_a_temporary_file(tmp_path):
    old = os.umask(0o022)
    try:
        with atomic_writer(tmp_path / "new.csv") as handle:
            handle.write("new")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o644
    kept = tmp_path / "shared.csv"
    kept.write_text("old", encoding="utf-8")
    kept.chmod(0o664)
    with atomic_writer(kept) as handle:
        handle.write("new")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o664


@pytest.mark.parametrize(
    ("path", "fmt", "expected"),
    [("a.jsonld", None, "jsonld"), ("a.json", None, "jsonld"), ("a.jsonl", None, "jsonl"),
     ("a.csv", None, "csv"), ("a.csv", "jsonl", "jsonl"), (None, None, "jsonld"), ("-", None, "jsonld"),
     ("out", None, "jsonld")],
)
def test_format_follows_option_then_extension(path, fmt, expected):
    assert format_for(path, fmt) == expected


def test_unknown_extension_is_a_usage_error():
    with pytest.raises(UsageError, match=r"\.docx"):
        format_for("a.docx")


def test_sentence_row_carries_provenance_in_raw_offsets():
    # Raw text as a PDF layer gives it: a wrapped line; the cleaned text joins it.
    raw = "市内には\n101の行政区があります。\f次のページ"
    text = "市内には101の行政区があります。"
    offsets = tuple(list(range(0, 4)) + list(range(5, 18)) + [18])
    assert "".join(raw[o] for o in offsets[:-1]) == text
    sentence = Sentence("sent-00000", 0, len(text), text, section_id="sec-1",
                        role=RolePrediction("issue", 0.91234),
                        sdgs=(SdgLink(11, 0.8, ("行政区",)), SdgLink(16, 0.61)))
    doc = PlanDocument(
        source=Source("p.pdf", "p.pdf", "ab" * 32, "application/pdf", 10),
        raw_text=raw, pages=(Page(1, 0, 18), Page(2, 19, 24)), text=text, offsets=offsets,
        sections=(Section("sec-1", "現状と課題", 1, "title", 0, 0, len(text)),),
        sentences=(sentence,),
    )
    row = sentence_row(doc, sentence)
    assert (row["start"], row["end"], row["page"]) == (0, 18, 1)
    assert raw[row["start"]:row["end"]].replace("\n", "") == text
    assert row["role"] == "issue" and row["role_confidence"] == 0.9123
    assert row["sdgs"] == "11;16" and row["section"] == "現状と課題"
    assert row["document"] == "ab" * 8
