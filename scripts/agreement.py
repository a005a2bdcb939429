"""The second, blind annotation of a sample of the role corpus, and its adjudication.

    python scripts/agreement.py sample [--sentences 450 --municipalities 22 --seed 0]
        picks whole excerpts (one per municipality, at random among those with 12+ labelled
        sentences, seeds excluded) and writes corpora/roles/agreement/sample.txt
    python scripts/agreement.py show ID
        prints an excerpt's sentences, numbered, WITHOUT their labels (for the second annotator)
    python scripts/agreement.py label ID "a i m o s ..."
        the second annotator's labels, one per printed sentence (a i m o s), into
        corpora/roles/agreement/second/ID.tsv
    python scripts/agreement.py build
        writes corpora/roles/agreement.tsv: every sampled sentence with the first label, the
        second, and the final one (the first where both agree; the adjudicated one, from
        corpora/roles/agreement/adjudication.tsv, where they differ); the corpus labels are
        changed to the adjudicated ones
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
from plannlp.training.corpus import read_role_corpus  # noqa: E402

CORPUS = REPO / "corpora"
FOLDER = CORPUS / "roles" / "agreement"
CODES = {"a": "achievement", "i": "issue", "m": "measure", "o": "other", "s": "skip"}


def _sentences(excerpt_id: str):
    batch = excerpt_id.rsplit("-", 1)[0]
    path = CORPUS / "roles" / "batches" / batch / "labels" / f"{excerpt_id}.tsv"
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t")), path


def sample(args) -> None:
    roles = read_role_corpus(CORPUS, seeds=False)
    by_excerpt = defaultdict(int)
    for s in roles.sentences:
        by_excerpt[s.excerpt_id] += 1
    by_municipality = defaultdict(list)
    for excerpt_id, n in sorted(by_excerpt.items()):
        if n >= 12:
            by_municipality[roles.excerpts[excerpt_id].municipality_code].append(excerpt_id)
    rng = random.Random(args.seed)
    codes = sorted(by_municipality)
    rng.shuffle(codes)
    chosen, total = [], 0
    for code in codes:
        if total >= args.sentences and len(chosen) >= args.municipalities:
            break
        excerpt_id = rng.choice(by_municipality[code])
        chosen.append(excerpt_id)
        total += by_excerpt[excerpt_id]
    FOLDER.mkdir(parents=True, exist_ok=True)
    (FOLDER / "sample.txt").write_text("\n".join(sorted(chosen)) + "\n", encoding="utf-8")
    print(f"{len(chosen)} excerpts of {len(chosen)} municipalities, {total} sentences")


def show(args) -> None:
    rows, _ = _sentences(args.excerpt_id)
    excerpt = read_role_corpus(CORPUS, seeds=False).excerpts[args.excerpt_id]
    print(f"# {excerpt.municipality} ({excerpt.prefecture}): {excerpt.title} [{excerpt.doc_type}, {excerpt.year}]")
    for i, row in enumerate(rows, 1):
        print(f"{i:3d}  {row['text']}")


def label(args) -> None:
    rows, _ = _sentences(args.excerpt_id)
    codes = args.labels.split()
    if len(codes) != len(rows) or set(codes) - set(CODES):
        sys.exit(f"ERROR: give {len(rows)} labels from a i m o s (got {len(codes)}); nothing written")
    (FOLDER / "second").mkdir(parents=True, exist_ok=True)
    out = FOLDER / "second" / f"{args.excerpt_id}.tsv"
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["excerpt_id", "n", "role"])
        for row, code in zip(rows, codes, strict=True):
            writer.writerow([args.excerpt_id, row["n"], CODES[code]])
    print(f"wrote {len(rows)} labels to {out}")


def build(args) -> None:
    adjudicated = {}
    path = FOLDER / "adjudication.tsv"
    if path.is_file():
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                adjudicated[(row["excerpt_id"], row["n"])] = (row["final"], row["reason"])
    # the first annotator's own labels: corpus-wide relabels (corpora/roles/relabels.tsv, made
    # after the second annotation showed a rule applied two ways) are not the first label
    original = {}
    relabels = CORPUS / "roles" / "relabels.tsv"
    if relabels.is_file():
        with relabels.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                original.setdefault((row["excerpt_id"], row["n"]), row["old_role"])
    out_rows, missing = [], []
    for excerpt_id in (FOLDER / "sample.txt").read_text(encoding="utf-8").split():
        second_path = FOLDER / "second" / f"{excerpt_id}.tsv"
        if not second_path.is_file():
            missing.append(excerpt_id)
            continue
        with second_path.open(encoding="utf-8") as handle:
            second = {r["n"]: r["role"] for r in csv.DictReader(handle, delimiter="\t")}
        rows, labels_path = _sentences(excerpt_id)
        changed = False
        for row in rows:
            first, other = original.get((excerpt_id, row["n"]), row["role"]), second[row["n"]]
            final, note = row["role"], ""
            if first != other:
                if (excerpt_id, row["n"]) not in adjudicated:
                    missing.append(f"{excerpt_id}#{row['n']}")
                    continue
                final, note = adjudicated[(excerpt_id, row["n"])]
            out_rows.append([excerpt_id, row["n"], row["text"], first, other, final, note])
            if final != row["role"]:
                row["role"] = final
                changed = True
        if changed and args.apply:
            with labels_path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, ["excerpt_id", "n", "role", "text"], delimiter="\t",
                                        lineterminator="\n")
                writer.writeheader()
                writer.writerows(rows)
    with (CORPUS / "roles" / "agreement.tsv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", lineterminator="\n")
        writer.writerow(["excerpt_id", "n", "text", "first", "second", "final", "note"])
        writer.writerows(out_rows)
    print(f"{len(out_rows)} rows written; not yet done: {missing[:20]}{' …' if len(missing) > 20 else ''}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("sample")
    p.add_argument("--sentences", type=int, default=450)
    p.add_argument("--municipalities", type=int, default=22)
    p.add_argument("--seed", type=int, default=0)
    p = sub.add_parser("show")
    p.add_argument("excerpt_id")
    p = sub.add_parser("label")
    p.add_argument("excerpt_id")
    p.add_argument("labels")
    p = sub.add_parser("build")
    p.add_argument("--apply", action="store_true", help="change the corpus labels to the adjudicated ones")
    args = parser.parse_args()
    {"sample": sample, "show": show, "label": label, "build": build}[args.command](args)


if __name__ == "__main__":
    main()
