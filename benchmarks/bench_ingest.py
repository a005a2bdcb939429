"""Ingest throughput against pdftotext on the same Japanese text-layer PDF, in one run.

    python benchmarks/bench_ingest.py [--pages 240] [--runs 3]

Builds (into benchmarks/_work/, gitignored) a PDF of the seed texts with an embedded
TrueType subset (as word processors write municipal PDFs), then prints:

* ``pdftotext`` pages/s (poppler, the reference; a subprocess, so its start-up is included),
* plannlp extraction only (pypdfium2), with and without the ruled-table scan, pages/s,
* pdfplumber's text extraction on 20 pages (why it only runs on ruled pages),
* plannlp full ingest pages/s (``plannlp.load_pipeline()`` once, then ``.ingest(path)``
  and the JSON-LD written),
* each one's ratio to pdftotext, peak memory (max RSS of this process after extraction and
  after ingest), and
* start-up to first output for a one-page PDF
  (``python -m plannlp ingest one.pdf -o out.jsonld`` in a subprocess).

Stages or the CLI that are not available (yet) are reported with a clear message instead
of figures; the other figures are still printed.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
WORK = REPO / "benchmarks" / "_work"


def best_of(runs: int, fn: Callable[[], object]) -> float:
    """The fastest of ``runs`` timings of ``fn`` (seconds)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


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


def row(label: str, pages: int, seconds: float, reference: float) -> str:
    return f"{label:40}{pages / seconds:>10.0f}{reference / seconds:>14.2f}"


def time_pdfplumber_text(pdf: Path, pages: int) -> float:
    """Seconds for pdfplumber's ``extract_text`` on the first ``pages`` pages."""
    import pdfplumber

    start = time.perf_counter()
    with pdfplumber.open(pdf, pages=list(range(1, pages + 1))) as document:
        for page in document.pages:
            page.extract_text()
            page.close()
    return time.perf_counter() - start


def time_full_ingest(pdf: Path, runs: int) -> float | str:
    """Seconds for one full ingest (best of ``runs``), or why it cannot run."""
    from plannlp.errors import PlanNLPError

    try:
        from plannlp import load_pipeline

        pipeline = load_pipeline()  # models load once, outside the timing
    except (ImportError, PlanNLPError) as e:
        return f"not available: the default pipeline cannot be built ({type(e).__name__}: {e})"
    try:
        from plannlp.export import write_document
    except ImportError as e:
        return f"not available: the JSON-LD export is missing ({e})"
    return best_of(runs, lambda: write_document(pipeline.ingest(pdf), WORK / "out.jsonld"))


def time_startup(one: Path, runs: int) -> float | str:
    """Seconds from starting ``python -m plannlp ingest`` to its output file, or why not."""
    out = WORK / "one.jsonld"
    command = [sys.executable, "-m", "plannlp", "ingest", str(one), "-o", str(out), "-q"]

    def run() -> subprocess.CompletedProcess:
        return subprocess.run(command, capture_output=True, text=True)

    first = run()
    if first.returncode != 0 or not out.exists():
        lines = (first.stderr or first.stdout).strip().splitlines() or ["no output"]
        return f"not available: `plannlp ingest` failed ({lines[0]})"
    return best_of(runs, run)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=240)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    if shutil.which("pdftotext") is None:
        sys.exit("pdftotext (Debian package poppler-utils) is needed as the reference.")
    pdf, one = build_inputs(args.pages)
    pages = args.pages
    reference = best_of(args.runs, lambda: subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), str(WORK / "ref.txt")], check=True))

    from plannlp.extract import extract
    from plannlp.pipeline import ExtractSettings

    with_tables = best_of(args.runs, lambda: extract(pdf, settings=ExtractSettings()))
    text_only = best_of(args.runs, lambda: extract(pdf, settings=ExtractSettings(pdf_tables=False)))
    rss_extract = max_rss_mb()
    plumber_pages = min(pages, 20)
    plumber = time_pdfplumber_text(pdf, plumber_pages)
    full = time_full_ingest(pdf, args.runs)
    rss_full = max_rss_mb()
    startup = time_startup(one, args.runs)

    print(f"input: {pdf.name}, {pages} pages, {pdf.stat().st_size / 1e6:.2f} MB "
          f"(best of {args.runs} runs)")
    print(f"{'':40}{'pages/s':>10}{'vs pdftotext':>14}")
    print(row("pdftotext (reference)", pages, reference, reference))
    print(row("plannlp extract, text only", pages, text_only, reference))
    print(row("plannlp extract, text + table scan", pages, with_tables, reference))
    print(row(f"pdfplumber extract_text ({plumber_pages} pages)", plumber_pages, plumber,
              reference * plumber_pages / pages))
    if isinstance(full, str):
        print(f"{'plannlp ingest (full pipeline)':40}{full}")
    else:
        print(row("plannlp ingest (full pipeline)", pages, full, reference))
    print(f"peak memory (max RSS of this process): {rss_extract:.0f} MB after extraction, "
          f"{rss_full:.0f} MB after ingest")
    if isinstance(startup, str):
        print(f"start-up to first output, one-page PDF: {startup}")
    else:
        print(f"start-up to first output, one-page PDF: {startup:.2f} s")


if __name__ == "__main__":
    main()
