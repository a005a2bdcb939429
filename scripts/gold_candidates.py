"""Propose the candidate sentences of the gold role set from the seeds, and build the set.

    python scripts/gold_candidates.py > /tmp/candidates.tsv          # pre-filled candidates
    python scripts/gold_candidates.py --corrections corpora/gold/corrections.tsv \
        > corpora/gold/roles.tsv                                      # the gold set

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


def read_corrections(path: Path) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [(row["prefix"], row["role"], row["note"]) for row in csv.DictReader(handle, delimiter="\t")]


def main() -> None:
    corrections = []
    if len(sys.argv) == 3 and sys.argv[1] == "--corrections":
        corrections = read_corrections(Path(sys.argv[2]))
    used = set()
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
            hint = section.role_hint if section else None
            label = silver_role(sentence.text, sentence.kind, hint) or "other"
            note = ""
            text = sentence.text.replace("\t", " | ").replace("\n", " ")
            for prefix, role, reason in corrections:
                # short prefixes must match the whole sentence (施策, ます。)
                if text == prefix or (len(prefix) >= 8 and text.startswith(prefix)):
                    label, note = role, reason
                    used.add(prefix)
                    break
            if corrections and hint and hint != label and sentence.kind in ("prose", "bullet") and not note:
                note = f"heading suggests {hint}; the sentence itself is {label}"
            writer.writerow([f"{entry['doc_id']}-{sentence.id}", entry["doc_id"], entry["municipality"],
                             (section.title if section else "").replace("\n", " "), sentence.kind,
                             text, label, note])
    unused = [prefix for prefix, _, _ in corrections if prefix not in used]
    if unused:
        sys.exit(f"corrections that matched no sentence: {unused}")


if __name__ == "__main__":
    main()
