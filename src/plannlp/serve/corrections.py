"""Corrections as training data: the review page's role corrections written as a batch of the
labelled corpus (corpora/README.md: ``roles/batches/<batch>/manifest.csv``, ``excerpts/``,
``labels/``), with a ``provenance.tsv`` saying who corrected what, when, and what the model had.

One excerpt per reviewed document (``<batch>-<document id>``): its text is the document's
sentences one a line, and only the sentences whose role a person set are labelled (a
sentence nobody looked at is not a label). Goal corrections are listed in provenance.tsv but
not written to the SDG corpus, whose unit is a section, not a sentence.
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
KINDS = {"市": "city", "町": "town", "村": "village", "区": "ward"}


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
    """Write the corrections held in ``data_dir`` as ``corpus_dir/roles/batches/<batch>``
    (replacing that batch). Returns counts: documents, labels, corrections."""
    store = Store(Path(data_dir), recover=False)  # the server may be running
    out = Path(corpus_dir) / "roles" / "batches" / batch
    (out / "excerpts").mkdir(parents=True, exist_ok=True)
    (out / "labels").mkdir(parents=True, exist_ok=True)
    manifest, provenance = [], []
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
            "url": f"plannlp-serve:{row['id']}", "retrieved": row["created"][:10], "annotator": batch,
        })
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
    (out / "decisions.md").write_text(
        f"# Batch {batch}: corrections from the review page (plannlp serve)\n\n"
        f"Imported {date.today().isoformat()} by `plannlp corpus import-corrections`. Only sentences whose "
        "role a person set are labelled; provenance.tsv has who, when and the model's label.\n",
        encoding="utf-8")
    return {"documents": len(manifest), "labels": labels_total, "corrections": len(provenance)}
