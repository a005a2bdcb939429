"""Ingest throughput against pdftotext on the same Japanese text-layer PDF, in one run.

    python benchmarks/bench_ingest.py [--pages 240] [--runs 9]

Builds (into benchmarks/_work/, gitignored) a PDF of the seed texts with an embedded
TrueType subset (as word processors write municipal PDFs), then measures in rounds — each
round times every row once, so a machine that speeds up or slows down during the run moves
all rows alike — and prints pages/s (best and median of the rounds) and the ratio to
pdftotext's time in the same round (median, lowest and highest of the rounds):

* ``pdftotext`` pages/s (poppler, the reference; a subprocess, so its start-up is included),
* plannlp extraction only (pypdfium2), with and without the ruled-table scan, in one
  process and with the pages shared with one worker process (as ``ingest`` reads a PDF
  with ``workers=2``; the layout reading of the whole document stays in this process),
* plannlp full ingest, the pipeline built as ``plannlp ingest`` builds it
  (``plannlp.load_pipeline(workers=N, keep_tokens=False)`` once, then ``.ingest(path)`` and
  the JSON-LD written): in one process (``--workers 1``) and with ``workers=2`` (what
  ``--workers auto``, the default, gives on 2 CPUs: the PDF's pages and the per-sentence
  stages shared with one worker process; the worker is started and ready before the
  timing, as in a long-lived process),
* each one's ratio to pdftotext, and once: pdfplumber's text extraction on 20 pages (why it
  only runs on ruled pages), peak memory (max RSS after extraction; of a fresh process that
  ingests the file once, in one process and with workers=2, and of its worker), and
  start-up to first output for a one-page PDF (``python -m plannlp ingest one.pdf -o
  out.jsonld`` in a subprocess, with the default ``--workers auto``), and the number of
  sentences the ingest finds with its sentences/s (pages/s alone hides a reading that
  finds more sentences in the same pages).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
WORK = REPO / "benchmarks" / "_work"


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def build_inputs(pages: int) -> tuple[Path, Path]:
    from scripts.make_fixtures import build_long_pdf

    WORK.mkdir(parents=True, exist_ok=True)
    pdf = WORK / f"bench_{pages}_embedded.pdf"
    if not pdf.exists():
        pdf.write_bytes(build_long_pdf(pages, embed_font=True))
    one = WORK / "one_page_embedded.pdf"
    if not one.exists():
        one.write_bytes(build_long_pdf(1, embed_font=True))
    return pdf, one


def row(label: str, pages: int, seconds: list[float], reference: list[float]) -> str:
    """pages/s (best, median of the rounds) and the ratio to pdftotext in the same round
    (median, lowest, highest of the rounds)."""
    ratios = sorted(ref / own for ref, own in zip(reference, seconds, strict=True))
    return (f"{label:44}{pages / min(seconds):>8.0f}{pages / statistics.median(seconds):>8.0f}"
            f"{statistics.median(ratios):>9.2f}   {ratios[0]:.2f}–{ratios[-1]:.2f}")


def time_pdfplumber_text(pdf: Path, pages: int) -> float:
    """Seconds for pdfplumber's ``extract_text`` on the first ``pages`` pages."""
    import pdfplumber

    start = time.perf_counter()
    with pdfplumber.open(pdf, pages=list(range(1, pages + 1))) as document:
        for page in document.pages:
            page.extract_text()
            page.close()
    return time.perf_counter() - start


MEMORY = """
import resource, sys
from plannlp import load_pipeline
from plannlp.export import write_document
if __name__ == "__main__":
    with load_pipeline(workers=int(sys.argv[2]), keep_tokens=False) as pipeline:
        write_document(pipeline.ingest(sys.argv[1]), sys.argv[3])
    mb = [resource.getrusage(who).ru_maxrss / 1024
          for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    print(*mb)
"""


def peak_memory(pdf: Path, workers: int) -> tuple[float, float]:
    """Peak resident memory (MB) of a fresh process that ingests ``pdf`` once, and of its
    largest worker process (0 without workers)."""
    script = WORK / "memory.py"
    script.write_text(MEMORY, encoding="utf-8")
    run = subprocess.run([sys.executable, str(script), str(pdf), str(workers), str(WORK / "m.jsonld")],
                         capture_output=True, text=True, check=True)
    main, worker = map(float, run.stdout.split())
    return main, worker


def time_startup(one: Path, runs: int) -> float:
    """Seconds from starting ``python -m plannlp ingest`` to its output file (best of ``runs``)."""
    out = WORK / "one.jsonld"
    command = [sys.executable, "-m", "plannlp", "ingest", str(one), "-o", str(out), "-q"]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if run.returncode != 0 or not out.exists():
            sys.exit(f"`plannlp ingest` failed: {(run.stderr or run.stdout).strip()}")
    return min(times)


def print_stage_times(pages: int, runs: int) -> None:
    """Seconds per stage of a one-process ingest (best of ``runs``), the collector paused as
    in :meth:`plannlp.pipeline.Pipeline.ingest`."""
    from plannlp import load_pipeline
    from plannlp.collector import collector_paused
    from plannlp.export import write_document
    from plannlp.extract import extract

    pdf, _ = build_inputs(pages)
    pipeline = load_pipeline()
    best: dict[str, float] = {}

    def timed(label: str, fn: Callable[[], object]) -> object:
        start = time.perf_counter()
        result = fn()
        best[label] = min(best.get(label, float("inf")), time.perf_counter() - start)
        return result

    for _ in range(runs):
        with collector_paused():
            doc = timed("extract", lambda: extract(pdf, settings=pipeline.extract_settings))
            for name, fn in pipeline._steps:
                doc = timed(name, lambda fn=fn, doc=doc: fn(doc))
            timed("write JSON-LD", lambda doc=doc: write_document(doc, WORK / "out.jsonld"))
    print(f"{pdf.name}: seconds per stage, one process, best of {runs}")
    for label, seconds in best.items():
        print(f"  {label:16}{seconds:>7.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=240)
    parser.add_argument("--runs", type=int, default=9, help="rounds (default 9)")
    parser.add_argument("--stages", action="store_true",
                        help="only print each stage's time in one process (best of the rounds)")
    args = parser.parse_args()
    if args.stages:
        print_stage_times(args.pages, args.runs)
        return

    if shutil.which("pdftotext") is None:
        sys.exit("pdftotext (Debian package poppler-utils) is needed as the reference.")
    pdf, one = build_inputs(args.pages)
    pages = args.pages

    from plannlp import load_pipeline
    from plannlp.export import write_document
    from plannlp.extract import extract
    from plannlp.extract.settings import ExtractSettings

    extract(pdf)
    rss_extract = max_rss_mb()
    memory_one, _ = peak_memory(pdf, 1)
    memory_two, memory_worker = peak_memory(pdf, 2)
    plumber_pages = min(pages, 20)
    plumber = time_pdfplumber_text(pdf, plumber_pages)
    single = load_pipeline(keep_tokens=False)  # as `plannlp ingest` builds it; loaded once
    double = load_pipeline(workers=2, keep_tokens=False)
    double.workers.wait_until_ready()  # the worker's own start-up is not timed
    out = WORK / "out.jsonld"
    measured: dict[str, Callable[[], object]] = {
        "pdftotext (reference)": lambda: subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf), str(WORK / "ref.txt")], check=True),
        "plannlp extract, text only": lambda: extract(pdf, settings=ExtractSettings(pdf_tables=False)),
        "plannlp extract, text + table scan": lambda: extract(pdf, settings=ExtractSettings()),
        "plannlp extract, text + tables, workers=2": lambda: extract(
            pdf, settings=ExtractSettings(), page_reader=double.workers.read_pdf_pages),
        "plannlp ingest, one process": lambda: write_document(single.ingest(pdf), out),
        "plannlp ingest, workers=2": lambda: write_document(double.ingest(pdf), out),
    }
    seconds: dict[str, list[float]] = {label: [] for label in measured}
    for _ in range(args.runs):  # rounds: every figure is measured in each, so drift hits all alike
        for label, fn in measured.items():
            start = time.perf_counter()
            fn()
            seconds[label].append(time.perf_counter() - start)
    if not double.workers.documents_sharded or not double.workers.pdfs_shared:
        sys.exit("workers=2 did not share the document with its worker; the figures would be wrong.")
    double.close()
    startup = time_startup(one, args.runs)

    reference = seconds["pdftotext (reference)"]
    print(f"input: {pdf.name}, {pages} pages, {pdf.stat().st_size / 1e6:.2f} MB "
          f"({args.runs} rounds, each measuring every row once)")
    print(f"{'':44}{'pages/s':>16}{'vs pdftotext, same round':>28}")
    print(f"{'':44}{'best':>8}{'median':>8}{'median':>9}   {'lowest–highest'}")
    for label, times in seconds.items():
        print(row(label, pages, times, reference))
    ratio = min(reference) * plumber_pages / pages / plumber
    print(f"{f'pdfplumber extract_text ({plumber_pages} pages, once)':44}{plumber_pages / plumber:>8.0f}"
          f"{'':8}{ratio:>9.2f}")
    print(f"peak memory (max RSS): extraction {rss_extract:.0f} MB; a fresh process's ingest "
          f"{memory_one:.0f} MB; with workers=2 {memory_two:.0f} MB + {memory_worker:.0f} MB "
          f"for the worker")
    print(f"start-up to first output, one-page PDF: {startup:.2f} s")
    sentences = len(single.ingest(pdf).sentences)
    ingest = seconds["plannlp ingest, one process"]
    print(f"sentences: {sentences:,}; one-process ingest {sentences / statistics.median(ingest):,.0f} "
          f"sentences/s (median)")


if __name__ == "__main__":
    main()
