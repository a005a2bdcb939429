"""Corrections as training data: the review page's corrections written in the corpus format
(corpora/README.md), with who corrected what, when, and what the model had.

* Roles: a batch of the labelled corpus, ``roles/batches/<batch>/`` (``manifest.csv``,
  ``excerpts/``, ``labels/``) and ``provenance.tsv``. One excerpt per reviewed document
  (``<batch>-<document id>``): its text is the document's sentences one a line, and only the
  sentences whose role a person set are labelled (a sentence nobody looked at is not a label).
* SDG goals: ``sdg/batches/<batch>/sections.jsonl`` (and its ``provenance.tsv``): one row per
  sentence whose goals a person added or removed, ``level: "sentence"``, with the goals the
  sentence has after the corrections (none, when every goal was removed: a known negative)
  and the row's provenance (``document``, ``sentence``, ``reviewed_by``, ``reviewed_at``).
  Sentence rows are training data only; the SDG evaluation scores sections.

Both keep the document's municipality (name and code from its metadata), so that training and
evaluation grouped by municipality keep a municipality's corrections on one side. ``url`` is
``plannlp-serve:<document id>`` (:data:`REVIEWED_URL_PREFIX`), which is how
``plannlp train`` counts them for the model card.
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from ..resources import data_path
from . import review
from .store import Store

MANIFEST_FIELDS = ("excerpt_id", "municipality", "prefecture", "municipality_code",
                   "municipality_kind", "doc_type", "title", "year", "url", "retrieved", "annotator")
LABEL_FIELDS = ("excerpt_id", "n", "role", "text")
PROVENANCE_FIELDS = ("excerpt_id", "n", "sentence", "kind", "value", "model_role", "model_confidence",
                     "who", "at", "document_sha256", "file_name")
SDG_PROVENANCE_FIELDS = ("section_id", "sentence", "kind", "value", "model_goals", "who", "at",
                         "document_sha256", "file_name")
KINDS = {"市": "city", "町": "town", "村": "village", "区": "ward"}
#: the ``url`` of what is written here (then the document id), and the SDG rows' level: the
#: same as plannlp.training.corpus.REVIEWED_URL_PREFIX and SENTENCE_LEVEL, which read them
#: (the review page does not import the training code; a test holds the two equal)
REVIEWED_URL_PREFIX = "plannlp-serve:"
SENTENCE_LEVEL = "sentence"


def _prefecture_of(code: str) -> str:
    for line in data_path("localgovjp.tsv").read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if fields and fields[0] == code:
            return fields[1]
    return ""


def _write_tsv(path: Path, fields, rows) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fields, delimiter="\t", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def import_corrections(data_dir: Path, corpus_dir: Path, batch: str = "review") -> dict[str, int]:
    """Write the corrections held in ``data_dir`` as ``corpus_dir/roles/batches/<batch>`` and
    ``corpus_dir/sdg/batches/<batch>`` (replacing those batches). Returns counts: documents,
    labels, corrections, goal_sentences."""
    store = Store(Path(data_dir), recover=False)  # the server may be running
    out = Path(corpus_dir) / "roles" / "batches" / batch
    sdg_out = Path(corpus_dir) / "sdg" / "batches" / batch
    for folder in (out / "excerpts", out / "labels", sdg_out):
        folder.mkdir(parents=True, exist_ok=True)
    for stale in (*(out / "excerpts").glob("*.txt"), *(out / "labels").glob("*.tsv")):
        stale.unlink()  # the batch is rewritten whole: a document no longer corrected leaves it
    manifest, provenance, sdg_rows, sdg_provenance = [], [], [], []
    labels_total = 0
    for row in store.documents():
        corrections = store.corrections(row["id"])
        if row["status"] != "done" or not corrections:
            continue
        original = json.loads(store.result_path(row["id"]).read_text(encoding="utf-8"))
        model_view = {s.id: s for s in review.review_sentences(original)}
        corrected = review.review_sentences(review.apply_corrections(original, corrections))
        nodes = {n["id"]: n for n in original["@graph"]}
        doc = next(n for n in original["@graph"] if n.get("type") == "PlanDocument")
        town = nodes.get(doc.get("municipality", ""), {})
        excerpt_id = f"{batch}-{row['id']}"
        number = {s.id: n for n, s in enumerate(corrected, 1)}
        (out / "excerpts" / f"{excerpt_id}.txt").write_text("\n".join(s.text for s in corrected) + "\n",
                                                           encoding="utf-8")
        labels = [{"excerpt_id": excerpt_id, "n": number[s.id], "role": s.role, "text": s.text}
                  for s in corrected if s.role_source == "human"]
        _write_tsv(out / "labels" / f"{excerpt_id}.tsv", LABEL_FIELDS, labels)
        labels_total += len(labels)
        name, code = town.get("name", ""), town.get("municipalityCode", "")
        manifest.append({
            "excerpt_id": excerpt_id, "municipality": name, "prefecture": _prefecture_of(code) if code else "",
            "municipality_code": code, "municipality_kind": KINDS.get(name[-1:], "") if name else "",
            "doc_type": "comprehensive_plan" if "総合計画" in doc.get("title", "") else "other",
            "title": doc.get("title", row["name"]), "year": str(doc.get("periodStart", "")),
            "url": f"{REVIEWED_URL_PREFIX}{row['id']}", "retrieved": row["created"][:10], "annotator": batch,
        })
        section_titles = {n["id"].rsplit("#", 1)[-1]: n.get("title", "") for n in original["@graph"]
                          if n.get("type") == "Section"}
        rows, goal_provenance = _goal_rows(corrections, corrected, model_view, manifest[-1], section_titles,
                                           doc, row, batch)
        sdg_rows += rows
        sdg_provenance += goal_provenance
        for c in corrections:
            model = model_view.get(c["sentence"])
            provenance.append({
                "excerpt_id": excerpt_id, "n": number.get(c["sentence"], ""), "sentence": c["sentence"],
                "kind": c["kind"], "value": c["value"], "model_role": model.role if model else "",
                "model_confidence": model.confidence if model else "", "who": c["who"], "at": c["at"],
                "document_sha256": doc["sha256"], "file_name": row["name"],
            })
    with (out / "manifest.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, MANIFEST_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(manifest)
    _write_tsv(out / "provenance.tsv", PROVENANCE_FIELDS, provenance)
    (sdg_out / "sections.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in sdg_rows), encoding="utf-8")
    _write_tsv(sdg_out / "provenance.tsv", SDG_PROVENANCE_FIELDS, sdg_provenance)
    (out / "decisions.md").write_text(
        f"# Batch {batch}: corrections from the review page (plannlp serve)\n\n"
        f"Imported {date.today().isoformat()} by `plannlp corpus import-corrections`. Only sentences whose "
        "role a person set are labelled; provenance.tsv has who, when and the model's label.\n",
        encoding="utf-8")
    (sdg_out / "decisions.md").write_text(
        f"# Batch {batch}: goal corrections from the review page (plannlp serve)\n\n"
        f"Imported {date.today().isoformat()} by `plannlp corpus import-corrections`. One row per sentence "
        "whose goals a person added or removed (level \"sentence\"), with the goals it has after the "
        "corrections; provenance.tsv lists every goal correction with who, when and the model's goals.\n",
        encoding="utf-8")
    return {"documents": len(manifest), "labels": labels_total, "corrections": len(provenance),
            "goal_sentences": len(sdg_rows)}


def _goal_rows(corrections, corrected, model_view, excerpt: dict, section_titles: dict, doc: dict, row,
               batch: str) -> tuple[list[dict], list[dict]]:
    """The SDG corpus rows of one document's goal corrections (one per sentence) and their
    provenance rows (one per correction)."""
    by_id = {s.id: s for s in corrected}
    touched = [c for c in corrections if c["kind"] in ("add_goal", "remove_goal") and c["sentence"] in by_id]
    rows, provenance = [], []
    for sid in dict.fromkeys(c["sentence"] for c in touched):
        sentence, last = by_id[sid], [c for c in touched if c["sentence"] == sid][-1]
        section_id = f"{batch}-{row['id']}-{sid}"
        rows.append({
            "section_id": section_id, "municipality": excerpt["municipality"], "prefecture": excerpt["prefecture"],
            "municipality_code": excerpt["municipality_code"], "doc_type": excerpt["doc_type"],
            "title": excerpt["title"], "year": excerpt["year"], "url": excerpt["url"],
            "retrieved": excerpt["retrieved"], "section": section_titles.get(sentence.section_id or "", ""),
            "goals": sorted(g["goal"] for g in sentence.goals), "targets": [], "level": SENTENCE_LEVEL,
            "text": sentence.text, "annotator": batch,
            "document": doc["sha256"], "sentence": sid, "reviewed_by": last["who"], "reviewed_at": last["at"],
        })
    for c in touched:
        model = model_view.get(c["sentence"])
        provenance.append({
            "section_id": f"{batch}-{row['id']}-{c['sentence']}", "sentence": c["sentence"], "kind": c["kind"],
            "value": c["value"], "model_goals": ";".join(str(g["goal"]) for g in model.goals) if model else "",
            "who": c["who"], "at": c["at"], "document_sha256": doc["sha256"], "file_name": row["name"],
        })
    return rows, provenance
