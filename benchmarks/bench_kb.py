"""Knowledge-base load and query times at one million triples and more, in one run.

    python benchmarks/bench_kb.py [--triples 1000000]

Ingests the five seed plans once, then loads copies of their graphs under distinct document
IRIs (copy k of a document gets IRI …/doc/<hash>-k) into an on-disk store until it holds at
least ``--triples`` triples, and prints the load throughput and the time of each named question.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "benchmarks" / "_work" / "kb"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, default=1_000_000)
    args = parser.parse_args()

    from plannlp import load_pipeline
    from plannlp.export.jsonld import to_jsonld
    from plannlp.kb.questions import QUESTIONS
    from plannlp.kb.store import KnowledgeBase

    pipeline = load_pipeline()
    seeds = sorted((REPO / "corpora" / "seeds").glob("*.txt"))
    originals = [json.dumps(to_jsonld(pipeline.ingest(path)), ensure_ascii=False) for path in seeds]
    iris = [json.loads(o)["@graph"][0]["id"] for o in originals]

    shutil.rmtree(WORK, ignore_errors=True)
    base = KnowledgeBase(WORK)
    copies = 0
    started = time.perf_counter()
    while len(base) < args.triples:
        for text, iri in zip(originals, iris, strict=True):
            base.load_data(json.loads(text.replace(iri, f"{iri}-{copies}")))
        copies += 1
    load_seconds = time.perf_counter() - started
    triples = len(base)
    print(f"loaded {copies} copies of {len(seeds)} seed plans: {len(base.graphs())} documents, "
          f"{triples:,} triples in {load_seconds:.1f} s ({triples / load_seconds:,.0f} triples/s)")
    arguments = {"measures-by-sdg": "11", "indicators-by-year": "2026"}
    for name, question in QUESTIONS.items():
        started = time.perf_counter()
        rows = base.query(question.render(arguments.get(name))).rows
        print(f"  {name:24} {len(rows):>8,} rows  {time.perf_counter() - started:7.2f} s")
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
