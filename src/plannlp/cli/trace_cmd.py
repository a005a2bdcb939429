"""``plannlp trace``: compare plan revisions — a 新旧対照表 of measures and indicators."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import InputError, UsageError, printable
from . import feedback


def _load(path: str, pipeline):
    if path.endswith((".jsonld", ".json")):
        from ..stages.tokenize import Morphology

        doc = _read_plan_jsonld(path)
        return doc if all(s.tokens for s in doc.sentences[:1]) else _tokenized(doc, Morphology())
    return pipeline.ingest(path)


def _read_plan_jsonld(path: str):
    """An ingested plan read back from JSON-LD; a file that is not one is an InputError."""
    from ..export.jsonld import from_jsonld
    from ..export.jsonld_input import DOC_TYPES, graph_nodes, node_types, read_jsonld_file

    data = read_jsonld_file(path, InputError)
    if not any(node_types(n) & DOC_TYPES for n in graph_nodes(data)):
        raise InputError("The file holds no plan document (a revision trace cannot be traced).", path=path)
    try:
        return from_jsonld(data)
    except (KeyError, ValueError, TypeError, AttributeError, StopIteration) as e:
        raise InputError(f"The JSON-LD is not a plan as plannlp writes it ({type(e).__name__}: {e}).",
                         path=path, hint="Ingest the plan again: plannlp ingest PLAN.pdf -o PLAN.jsonld") from e


def _tokenized(doc, morphology):
    from dataclasses import replace

    return replace(doc, sentences=tuple(replace(s, tokens=morphology.tokens(s.text, s.start)) for s in doc.sentences))


@click.command("trace")
@click.argument("files", nargs=-1)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Report file (default: standard output). Its extension picks the format.")
@click.option("--format", "fmt", type=click.Choice(["html", "csv", "jsonld"]), default=None,
              help="html (新旧対照表), csv, or jsonld (prov:wasRevisionOf links). Default: by extension, else csv.")
@click.option("--old-role", type=click.Choice(["measure", "achievement"]), default="measure", show_default=True,
              help="Which sentences of the OLD plan to trace (achievement: an earlier plan's reported results).")
@click.option("--evaluate", "run_evaluation", is_flag=True,
              help="Evaluate the tracer on the gold alignment (CORPUS/gold/alignment.tsv) and exit.")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=Path("corpora"),
              show_default=True, help="Corpus folder for --evaluate.")
def trace(files: tuple[str, ...], output: str | None, fmt: str | None, old_role: str, run_evaluation: bool,
          corpus: Path) -> None:
    """Compare OLD NEW (plan files or ingested .jsonld); with more files, each consecutive pair.

    Meant for revisions of one plan (前期/後期, 第n次). When the two differ in plan type,
    title (beyond revision and period) or municipality, a warning says so on standard error
    and in the report: alignment between different plans is weak.

    \b
    Examples:
      plannlp trace 前期計画.pdf 後期計画.pdf -o 対照表.html
      plannlp trace 第1次.jsonld 第2次.jsonld --format csv > changes.csv
      plannlp trace --evaluate
    """
    if run_evaluation:
        from ..trace.evaluate import evaluate_trace

        if not (corpus / "gold" / "alignment.tsv").is_file():
            raise UsageError(f"No gold alignment at {corpus / 'gold' / 'alignment.tsv'}; run from the repository or give --corpus.")
        click.echo(evaluate_trace(corpus)["text"])
        return
    if len(files) < 2:
        raise UsageError("Give at least two plans: OLD NEW (or a chain A B C…).")
    from .. import load_pipeline
    from ..export.atomic import atomic_writer
    from ..trace.report import to_csv, to_html, to_jsonld, trace_documents

    fmt = fmt or {".html": "html", ".htm": "html", ".jsonld": "jsonld", ".json": "jsonld"}.get(
        Path(output).suffix.lower() if output else "", "csv")
    pipeline = load_pipeline()
    documents = [_load(f, pipeline) for f in files]
    parts = []
    for old, new in zip(documents, documents[1:], strict=False):
        result = trace_documents(old, new, old_role=old_role)
        for warning in result.warnings:
            feedback.warning(f"{printable(old.source.name)} → {printable(new.source.name)}: {warning}")
        if fmt == "html":
            parts.append(to_html(result))
        elif fmt == "jsonld":
            parts.append(json.dumps(to_jsonld(result), ensure_ascii=False, indent=2))
        else:
            parts.append(to_csv(result, header=not parts))  # a chain: one table, one header
    text = ("" if fmt == "csv" else "\n").join(parts)
    if output:
        # CSV: UTF-8 with BOM, like every CSV plannlp writes, so that Excel reads Japanese
        with atomic_writer(output, encoding="utf-8-sig" if fmt == "csv" else "utf-8", newline="") as handle:
            handle.write(text)
        feedback.info(f"trace of {len(files)} plan(s) written to {output} ({fmt})")
    else:
        click.echo(text)
