"""Batch throughput: 1 vs 2 local workers, Dask LocalCluster vs local, peak memory per worker.

    python benchmarks/bench_batch.py [--copies 8] [--pdfs 10]

Builds (in benchmarks/_work/batch/) a folder of at least 50 documents — copies of the five seed
texts under different names and generated PDFs of seed text (20 pages each) — and runs the
batch over it three times into fresh output folders, printing documents/s and pages/s.
The machine has 2 cores, so 2 workers is the most that can help.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
WORK = REPO / "benchmarks" / "_work" / "batch"


def build_inputs(copies: int, pdfs: int) -> Path:
    from scripts.make_fixtures import build_long_pdf

    folder = WORK / "inputs"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for k in range(copies):
        for seed in sorted((REPO / "corpora" / "seeds").glob("*.txt")):
            text = seed.read_text(encoding="utf-8")
            (folder / f"{seed.stem}_{k}.txt").write_text(text + f"\n（写し {k}）\n", encoding="utf-8")
    for k in range(pdfs):
        (folder / f"generated_{k}.pdf").write_bytes(build_long_pdf(20, embed_font=True) + f"%{k}\n".encode())
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--pdfs", type=int, default=10)
    args = parser.parse_args()

    from plannlp.batch import collect, run_batch

    folder = build_inputs(args.copies, args.pdfs)
    items = collect([str(folder)])
    print(f"{len(items)} documents ({args.copies * 5} seed texts, {args.pdfs} generated 20-page PDFs)")
    results = {}
    for label, workers, engine in (("local, 1 worker", 1, "local"), ("local, 2 workers", 2, "local"),
                                   ("dask LocalCluster, 2 workers", 2, "dask")):
        out = WORK / label.replace(" ", "_").replace(",", "")
        shutil.rmtree(out, ignore_errors=True)
        summary = run_batch(items, out, workers=workers, engine=engine)
        results[label] = summary
        print(f"  {label:30} {summary.processed / summary.seconds:6.2f} documents/s  "
              f"{summary.pages_per_second:7.1f} pages/s  ({summary.seconds:.1f} s, first result after "
              f"{summary.first_result_seconds:.1f} s; after it {summary.steady_documents_per_second:.2f} documents/s; "
              f"{summary.failed} failed)")
    one, two, dask = (results[k] for k in results)
    print(f"2 workers vs 1 worker: {one.seconds / two.seconds:.2f}x (wall time), "
          f"{two.steady_documents_per_second / one.steady_documents_per_second:.2f}x (after start-up)")
    print(f"dask vs local, 2 workers: {two.seconds / dask.seconds:.2f}x (wall time), "
          f"{dask.steady_documents_per_second / two.steady_documents_per_second:.2f}x (after start-up)")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory of one worker process (max RSS of the children): {peak:.0f} MB")


if __name__ == "__main__":
    main()
