"""``plannlp ingest``: one or more plan files in, one JSON-LD / JSONL / CSV / Excel / HTML file out."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from ..errors import UsageError, printable
from . import WorkerCount, feedback


def refuse_folders(inputs: list[str]) -> None:
    """A folder given to ingest is a usage error that points to ``plannlp batch``."""
    for path in inputs:
        if path != "-" and Path(path).is_dir():
            shown = printable(path)
            raise UsageError(
                f"'{shown}' is a folder; ingest reads plan files. To process every plan in "
                f"the folder, run: plannlp batch {shown} -o OUT/ (or list its files: "
                f"plannlp ingest {shown.rstrip('/')}/*.pdf -o plans.jsonld).")


@click.command("ingest")
@click.argument("files", nargs=-1, type=click.Path(allow_dash=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, allow_dash=True), default=None,
              help="Output file (default: standard output). Its extension picks the format: "
                   ".jsonld/.json, .jsonl, .csv (one row per sentence), .conllu, .xlsx (Excel: "
                   "sheets of sentences, SDG links, indicators, documents), .html (a report to "
                   "read and print: roles, SDG coverage, sentences coloured by role).")
@click.option("--format", "fmt", type=click.Choice(["jsonld", "jsonl", "csv", "conllu", "xlsx", "html"]), default=None,
              help="Output format; overrides the extension. JSON-LD when neither says. conllu: "
                   "one row per token (CoNLL-U as GiNZA writes it, without a parser: HEAD and "
                   "DEPREL are _).")
@click.option("--keep-tokens", is_flag=True,
              help="JSONL only: each sentence row also gets its tokens (surface, lemma, pos, "
                   "normalized).")
@click.option("--pipeline", "pipeline_name", default="default", show_default=True,
              help="A pipeline name from pipelines/ or a path to a .toml file.")
@click.option("--workers", type=WorkerCount(auto_limit=4), default="auto", show_default=True,
              help="Processes for one long document (auto: the CPUs available, at most 4): "
                   "PDFs of 64+ pages are read in page ranges, and the sentence stages "
                   "(tokenize, roles, SDG links) of documents of 1,500+ sentences (about 70 "
                   "pages) run in shards. The output is the same; 1 runs in this process only.")
@click.option("--ocr", type=click.Choice(["auto", "never", "always"]), default=None,
              help="OCR (Tesseract, Japanese) for pages without a usable text layer: auto (the "
                   "pipeline's default) reads only those pages, never leaves them out, always "
                   "reads every page with OCR.")
@click.option("--sample", is_flag=True,
              help="Ingest the bundled sample plan (佐久市 第二次総合計画 基本計画 excerpt).")
@click.option("--max-text-mb", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Refuse text files larger than this many MB (default: the pipeline's "
                   "[extract] max_text_mb, 20). PDFs are not limited by it.")
@click.option("--title", default=None,
              help="The plan's title (overrides the one found in the file or its PDF metadata).")
@click.option("--municipality", default=None,
              help="The municipality, as 総務省's list writes it (佐久市; 東京都府中市 where several "
                   "share a name); its 団体コード is looked up.")
@click.option("--plan-type", default=None, help="The plan type, e.g. 総合計画, 基本計画, 分野別計画.")
@click.option("--period", default=None,
              help="The plan period: 2023-2027, 2023年度～2027年度, 令和5年度～令和9年度 or one year.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors (as plannlp --quiet).")
def ingest(files: tuple[str, ...], output: str | None, fmt: str | None, keep_tokens: bool,
           pipeline_name: str, workers: int, ocr: str | None, sample: bool, max_text_mb: float | None,
           title: str | None, municipality: str | None, plan_type: str | None, period: str | None,
           quiet: bool) -> None:
    """Ingest plan FILES (PDF, .txt, .md; '-' reads standard input).

    Every sentence gets a role (achievement / issue / measure / other) and its SDG links.
    A workbook goes to standard output only when it is redirected to a file.
    The output is written atomically: if the run fails, no partial file is left. When
    several files are given and some fail, the others are still written, each failure is
    reported on one line, and the exit status is 1.

    The --title, --municipality, --plan-type and --period values apply to every file given
    and win over what is found in the text; they are checked before any work. The sample's
    own values come from its manifest (src/plannlp/data/samples/manifest.csv).

    \b
    Examples:
      plannlp ingest --sample -o sample.jsonld
      plannlp ingest 計画素案.pdf -o 計画素案.csv
      plannlp ingest 計画素案.pdf --municipality 佐久市 --period 令和5年度～令和9年度 -o 計画素案.jsonld
      plannlp ingest 計画素案.pdf -o 計画素案.xlsx
      plannlp ingest 計画素案.pdf -o 計画素案.html
      plannlp ingest 総合計画.pdf --workers 1 -o 総合計画.jsonld
      cat plan.txt | plannlp ingest - --format jsonl
      plannlp ingest 計画.pdf -o 計画.conllu
    """
    from .. import load_pipeline
    from ..batch.inputs import WorkItem, read_manifest
    from ..export import format_for, needs_tokens, write_documents
    from ..extract import merge_metadata
    from ..resources import sample_manifest, sample_plan
    from ..stages.given_metadata import given_metadata

    if quiet:
        feedback.configure(quiet=True)
    given = given_metadata(title=title, municipality=municipality, plan_type=plan_type, period=period)
    items = [WorkItem(path, given) for path in files]
    if sample:
        described = {item.path: item.metadata for item in read_manifest(sample_manifest())}
        stated = described.get(str(sample_plan()))
        items.append(WorkItem(str(sample_plan()), merge_metadata(stated, given) if stated and given
                              else stated or given))
    if not items:
        raise UsageError("Give at least one plan file (or --sample). See `plannlp ingest --help`.")
    inputs = [item.path for item in items]
    refuse_folders(inputs)
    fmt = format_for(output, fmt)  # fail on a bad extension before any work
    tokens = needs_tokens(fmt, keep_tokens)

    started = time.perf_counter()
    # JSON-LD and the tables carry no tokens: each sentence's are dropped once SDG linking has
    # read them. CoNLL-U keeps them, with the full UniDic POS (its XPOS column).
    extract = {"max_text_mb": max_text_mb} if max_text_mb is not None else None
    pipeline = load_pipeline(pipeline_name, workers=workers, keep_tokens=tokens, extract=extract,
                             ocr=ocr, stages={"tokenize": {"xpos": True}} if fmt == "conllu" else None)
    documents, failures = [], []
    steps = 1 + len(pipeline.steps)  # extract, then each step of the run
    # a bar only on a terminal, and only once the run has taken a second (a small file: none)
    with feedback.progress(len(inputs) * steps, unit="step", desc="ingest", delay=1.0) as bar:
        for number, item in enumerate(items, 1):
            path = item.path
            name = printable(Path(path).name) if path != "-" else "stdin"
            bar.set_description_str(f"{number}/{len(inputs)} {name}")

            def step_done(step: str, bar=bar) -> None:
                bar.set_postfix_str(step, refresh=False)
                bar.update(1)

            result = pipeline.ingest_safely(path, metadata=item.metadata, on_step=step_done)
            bar.n = number * steps
            bar.refresh()
            if result.status == "ok":
                documents.append(result.document)
                for warning in result.document.warnings:
                    feedback.warning(f"{printable(path)}: {printable(warning)}")
                feedback.debug(f"{printable(path)}: {len(result.document.sentences)} sentences "
                               f"in {result.seconds:.2f} s")
            else:
                failures.append(result)
                click.echo(f"plannlp: {result.error}", err=True)
                feedback.debug(f"{printable(path)}: failed in {result.stage} after {result.seconds:.2f} s")

    sharded = pipeline.workers.documents_sharded if pipeline.workers else 0
    pipeline.close()
    if not documents:
        target = f" to {printable(output)}" if output not in (None, "-") else ""
        click.echo(f"plannlp: nothing was written{target}: every input failed "
                   f"({len(failures)} file(s), see above).", err=True)
        sys.exit(1)
    write_documents(documents, output, format=fmt, keep_tokens=keep_tokens)
    if output not in (None, "-"):
        sentences = sum(len(d.sentences) for d in documents)
        shared = f", {sharded} of them in {workers} processes" if sharded else ""
        feedback.info(f"wrote {len(documents)} document(s){shared}, {sentences} sentences to "
                      f"{printable(output)} ({fmt}) in {time.perf_counter() - started:.1f} s")
    if failures:
        click.echo(f"plannlp: {len(failures)} of {len(inputs)} file(s) failed.", err=True)
        sys.exit(1)
