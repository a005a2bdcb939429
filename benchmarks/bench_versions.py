"""Full ingest of the same text under this checkout and an earlier commit, in the same run:
how much slower or faster a change made ``ingest`` (the brief's "at most 10% slower").

    python benchmarks/bench_versions.py [--against 98e2cd0] [--rounds 4] [--runs 7]

The earlier commit is checked out with ``git worktree`` into benchmarks/_work/versions/
(gitignored) and run from its own ``src/`` and ``models/``. The input is the text of the
benchmark's 240-page PDF (``bench_ingest.py`` builds it; ``pdftotext`` reads its text), given
as a .txt file, so both versions read the same sentences whatever their PDF reading (the
default, 98e2cd0, is the code before the corpus-trained models of issue #14, whose text-only
PDF reading found other sentence boundaries). Each round runs both versions in turn, each in
a fresh process: the pipeline loaded once, then ``ingest`` and the JSON-LD written ``--runs``
times, the best kept, with the stage times (best of the runs) of one more pass. The ratio of
this checkout to the earlier one is taken within each round (median, lowest and highest of
the rounds are printed), as the machine's speed drifts during a run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "benchmarks" / "_work"
sys.path.insert(0, str(REPO))

#: Run in a fresh process under either version: only API both versions have.
TIMING = r"""
import gc, json, sys, time
from plannlp import load_pipeline
from plannlp.export import write_document
from plannlp.extract import extract
path, out, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
pipeline = load_pipeline()
full = float("inf")
for _ in range(runs):
    gc.collect()
    start = time.perf_counter()
    write_document(pipeline.ingest(path), out)
    full = min(full, time.perf_counter() - start)
stages = {}
gc.disable()
for _ in range(runs):
    start = time.perf_counter()
    doc = extract(path)
    stages["extract"] = min(stages.get("extract", float("inf")), time.perf_counter() - start)
    for name, step in pipeline._steps:
        start = time.perf_counter()
        doc = step(doc)
        stages[name] = min(stages.get(name, float("inf")), time.perf_counter() - start)
gc.enable()
print(json.dumps({"full": full, "sentences": len(doc.sentences), "stages": stages}))
"""


def earlier_checkout(commit: str) -> Path:
    folder = WORK / "versions" / commit
    if not (folder / "src" / "plannlp").is_dir():
        folder.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--force", "--detach", str(folder), commit],
                       check=True, capture_output=True)
    return folder


def text_input() -> Path:
    from bench_ingest import build_inputs

    text = WORK / "bench_240_embedded.txt"
    if not text.exists():
        pdf, _ = build_inputs(240)
        subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), str(text)], check=True)
    return text


def run(src: Path, text: Path, runs: int) -> dict:
    done = subprocess.run([sys.executable, "-c", TIMING, str(text), str(WORK / "versions.jsonld"), str(runs)],
                          env={**os.environ, "PYTHONPATH": str(src)}, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"the run under {src} failed: {done.stderr.strip().splitlines()[-1:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", default="98e2cd0", help="the earlier commit (default 98e2cd0)")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--runs", type=int, default=7, help="ingests per version and round (the best is kept)")
    args = parser.parse_args()
    if shutil.which("pdftotext") is None:
        sys.exit("pdftotext (Debian package poppler-utils) is needed to read the benchmark PDF's text.")
    sys.path.insert(0, str(REPO / "benchmarks"))
    text = text_input()
    versions = {args.against: earlier_checkout(args.against) / "src", "this checkout": REPO / "src"}
    results: dict[str, list[dict]] = {name: [] for name in versions}
    for _ in range(args.rounds):
        for name, src in versions.items():
            results[name].append(run(src, text, args.runs))
    earlier, current = results[args.against], results["this checkout"]
    ratios = [c["full"] / e["full"] for e, c in zip(earlier, current, strict=True)]
    print(f"{text.name}: full ingest and JSON-LD written, one process, best of {args.runs}, {args.rounds} rounds")
    for name, rows in results.items():
        fulls = [r["full"] for r in rows]
        print(f"  {name:14} {statistics.median(fulls):6.3f} s (median of the rounds), {rows[0]['sentences']} sentences")
    print(f"  this checkout / {args.against}, same round: median {statistics.median(ratios):.3f} "
          f"(lowest {min(ratios):.3f}, highest {max(ratios):.3f})")
    print("stage seconds (median of the rounds' best):")
    names = list(dict.fromkeys(k for r in earlier + current for k in r["stages"]))
    for stage in names:
        cells = [statistics.median(r["stages"].get(stage, 0.0) for r in rows) for rows in (earlier, current)]
        print(f"  {stage:16} {cells[0]:6.3f} → {cells[1]:6.3f}")


if __name__ == "__main__":
    main()
