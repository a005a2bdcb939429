"""Propose the candidate sentences of the gold role set from the seeds (reproducible).

    python scripts/gold_candidates.py > /tmp/candidates.tsv

Sentences come from plannlp's own clean → structure → segment stages (so gold rows match the
pipeline's sentences). All sentences of seeds 000, 001, 002 and 004 are taken; seed 003 is
long, so every other sentence is taken, which samples all six 政策 evenly. Each row has a
*pre-filled* label from the silver rules (headings + guideline rules; ``other`` where the
rules say nothing) that the annotator then reads and corrects — see corpora/gold/README.md.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from plannlp.classify.silver import silver_role  # noqa: E402
from plannlp.extract import extract  # noqa: E402
from plannlp.pipeline import Pipeline  # noqa: E402

STEP = {"003": 3}


def main() -> None:
    pipeline = Pipeline(["clean", "structure", "segment"])
    with (REPO / "corpora" / "manifest.csv").open(encoding="utf-8") as handle:
        manifest = list(csv.DictReader(handle))
    writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
    writer.writerow(["id", "doc_id", "municipality", "heading", "kind", "text", "role", "note"])
    for entry in manifest:
        doc = pipeline.run(extract(REPO / "corpora" / entry["file"]))
        for index, sentence in enumerate(doc.sentences):
            if index % STEP.get(entry["doc_id"], 1):
                continue
            section = doc.section(sentence.section_id)
            label = silver_role(sentence.text, sentence.kind, section.role_hint if section else None)
            writer.writerow([f"{entry['doc_id']}-{sentence.id}", entry["doc_id"], entry["municipality"],
                             (section.title if section else "").replace("\n", " "), sentence.kind,
                             sentence.text.replace("\t", " | ").replace("\n", " "), label or "other", ""])


if __name__ == "__main__":
    main()
