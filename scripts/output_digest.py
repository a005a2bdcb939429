"""Digest of everything the default pipeline produces, to check that a refactoring or a
speed-up changed nothing.

    python scripts/output_digest.py --save before.json        # on the old code
    python scripts/output_digest.py --compare before.json     # on the new code

Inputs: the five seeds, the PDF fixtures with text, and (when it exists) the benchmark's
240-page PDF. For each: the sha256 of the JSON-LD written, and of every sentence's tokens,
role probabilities and SDG links (tokens are not in the JSON-LD). ``--compare`` names the
first input and sentence that differ and exits 1.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
INPUTS = [
    *sorted((REPO / "corpora" / "seeds").glob("*.txt")),
    *(REPO / "tests" / "fixtures" / "pdf" / name
      for name in ("seed002_layout.pdf", "seed004_indicators.pdf", "seed004_table.pdf")),
    REPO / "benchmarks" / "_work" / "bench_240_embedded.pdf",
]


def _sha(value: object) -> str:
    return hashlib.sha256(json.dumps(value, ensure_ascii=False, default=str).encode()).hexdigest()[:16]


def digest(pipeline, path: Path) -> dict:
    from plannlp.export import write_document

    doc = pipeline.ingest(path)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "out.jsonld"
        write_document(doc, out)
        jsonld = hashlib.sha256(out.read_bytes()).hexdigest()[:16]
    sentences = [
        _sha([s.id, s.start, s.end, s.text, s.kind, s.section_id, [list(t) for t in s.tokens],
              s.role and [s.role.label, s.role.confidence, s.role.probabilities],
              [[link.goal, link.confidence, link.evidence, link.target] for link in s.sdgs]])
        for s in doc.sentences
    ]
    return {"jsonld": jsonld, "text": _sha(doc.text), "sentences": sentences}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--save", type=Path)
    group.add_argument("--compare", type=Path)
    args = parser.parse_args()
    sys.path.insert(0, str(REPO / "src"))
    from plannlp import load_pipeline

    pipeline = load_pipeline()
    found = {path.name: digest(pipeline, path) for path in INPUTS if path.exists()}
    if args.save:
        args.save.write_text(json.dumps(found, indent=1), encoding="utf-8")
        print(f"{len(found)} inputs digested into {args.save}")
        return 0
    before = json.loads(args.compare.read_text(encoding="utf-8"))
    different = 0
    for name, old in before.items():
        new = found.get(name)
        if new is None:
            print(f"{name}: not digested now")
            different += 1
            continue
        if new == old:
            continue
        different += 1
        if new["text"] != old["text"]:
            print(f"{name}: the cleaned text differs")
        elif len(new["sentences"]) != len(old["sentences"]):
            print(f"{name}: {len(old['sentences'])} sentences before, {len(new['sentences'])} now")
        else:
            first = next((i for i, (a, b) in enumerate(zip(old["sentences"], new["sentences"],
                                                           strict=True)) if a != b), None)
            print(f"{name}: " + (f"sentence {first} differs" if first is not None
                                 else "only the JSON-LD differs"))
    print(f"{len(before) - different} of {len(before)} inputs unchanged")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
