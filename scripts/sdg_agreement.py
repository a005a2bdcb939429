"""A blind reading of the SDG corpus: how far the text alone supports the goals the
municipalities state for their sections (a ceiling for any model that reads the text).

    python scripts/sdg_agreement.py sheets OUT_DIR [--parts 3 --seed 0]
        writes OUT_DIR/part-N.txt: every section with text (level "section") of the SDG
        corpus, in random order, as the model sees it — its heading and text, WITHOUT the
        page's title (which often names the goal) and WITHOUT its goals
    python scripts/sdg_agreement.py label ANNOTATOR FILE...
        checks the annotator's files (one line per section: ``section_id<TAB>goals``, goals
        space-separated, empty for none) and writes corpora/sdg/agreement/ANNOTATOR.tsv

The figures — each reader against the municipalities' goals (section level, micro/macro-F1,
per goal) and the readers against each other — are printed by ``plannlp corpus agreement``.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
from plannlp.model import SDG_GOALS  # noqa: E402
from plannlp.training.corpus import read_sdg_corpus  # noqa: E402

CORPUS = REPO / "corpora"
FOLDER = CORPUS / "sdg" / "agreement"


def _sections():
    return {s.section_id: s for s in read_sdg_corpus(CORPUS, level="section")}


def sheets(args) -> None:
    sections = sorted(_sections().values(), key=lambda s: s.section_id)
    random.Random(args.seed).shuffle(sections)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for part in range(args.parts):
        chosen = sections[part::args.parts]
        lines = [f"# part {part + 1}: {len(chosen)} sections"]
        for s in chosen:
            lines += ["", f"=== {s.section_id} | {s.municipality}（{s.prefecture}）",
                      f"見出し: {s.section}" if s.section else "見出し: (なし)", s.text]
        (out / f"part-{part + 1}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"part-{part + 1}.txt: {len(chosen)} sections")


def _read_labels(path: Path) -> dict[str, frozenset[int]]:
    labels = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if not row or row[0].startswith("#") or row[0] == "section_id":
                continue
            labels[row[0]] = frozenset(int(g) for g in (row[1].split() if len(row) > 1 else []))
    return labels


def label(args) -> None:
    known = _sections()
    labels: dict[str, frozenset[int]] = {}
    for path in map(Path, args.files):
        for section_id, goals in _read_labels(path).items():
            if section_id not in known:
                sys.exit(f"ERROR: {path}: {section_id} is not a section of the SDG corpus; nothing written")
            if not goals <= set(SDG_GOALS):
                sys.exit(f"ERROR: {path}: {section_id}: goals must be 1–17; nothing written")
            if section_id in labels:
                sys.exit(f"ERROR: {section_id} labelled twice; nothing written")
            labels[section_id] = goals
    FOLDER.mkdir(parents=True, exist_ok=True)
    out = FOLDER / f"{args.annotator}.tsv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["section_id", "goals"])
        for section_id in sorted(labels):
            writer.writerow([section_id, " ".join(map(str, sorted(labels[section_id])))])
    print(f"wrote {len(labels)} sections to {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sheets")
    p.add_argument("out_dir")
    p.add_argument("--parts", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p = sub.add_parser("label")
    p.add_argument("annotator")
    p.add_argument("files", nargs="+")
    args = parser.parse_args()
    {"sheets": sheets, "label": label}[args.command](args)


if __name__ == "__main__":
    main()
