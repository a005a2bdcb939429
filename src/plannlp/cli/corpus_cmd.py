"""``plannlp corpus``: figures and checks of the labelled corpus (corpora/README.md)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import UsageError

CORPUS = click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=Path("corpora"),
                      show_default=True, help="The corpus folder.")


@click.group("corpus")
def corpus() -> None:
    """The labelled corpus: counts, agreement, checks and folds."""


@corpus.command("stats")
@CORPUS
@click.option("--json", "as_json", is_flag=True, help="Print every figure as one JSON object.")
def stats(corpus: Path, as_json: bool) -> None:
    """Counts per role, document type, prefecture and fold; SDG goal counts; agreement."""
    from ..training.corpus import corpus_stats, format_stats

    figures = corpus_stats(corpus)
    click.echo(json.dumps(figures, ensure_ascii=False, indent=2) if as_json else format_stats(figures))


@corpus.command("agreement")
@CORPUS
def agreement(corpus: Path) -> None:
    """Agreement of the two blind role annotations (raw, Cohen's kappa, confusion, F1 between
    annotators) and the blind readings of the SDG sections against the municipalities' goals."""
    from ..training.corpus import (
        LABELS,
        agreement_figures,
        read_agreement,
        read_role_corpus,
        read_sdg_corpus,
        read_sdg_readings,
    )
    from ..training.sdg import sdg_reading_figures

    rows = read_agreement(corpus)
    if not rows:
        raise UsageError(f"No second annotation in {corpus / 'roles' / 'agreement.tsv'}.")
    figures = agreement_figures(rows, read_role_corpus(corpus))
    click.echo(f"{figures['sentences']} sentences of {figures['municipalities']} municipalities: raw agreement "
               f"{figures['raw']:.3f}, Cohen's kappa {figures['kappa']:.3f}, {figures['disagreements']} disagreements")
    click.echo("first annotator (rows) × second annotator (columns):")
    click.echo(f"{'':>13}" + "".join(f"{label:>13}" for label in LABELS))
    for first in LABELS:
        click.echo(f"{first:>13}" + "".join(f"{figures['confusion'][first][second]:>13}" for second in LABELS))
    f1 = figures["f1_between"]
    click.echo("F1 of one annotator against the other: " + ", ".join(f"{label} {f1[label]:.3f}" for label in f1)
               + f"; macro-F1 over achievement/issue/measure {figures['macro_f1_between']:.3f}")
    sdg = sdg_reading_figures(read_sdg_readings(corpus), read_sdg_corpus(corpus, level="section"))
    if not sdg["readers"]:
        return
    click.echo("\nSDG sections read blind (heading and text only), scored against the municipalities' own goals:")
    click.echo(f"{'reader':14}{'sections':>9}{'precision':>10}{'recall':>8}{'micro-F1':>9}{'macro-F1':>9}")
    for name, s in [*sdg["readers"].items(), ("all readings", sdg["pooled"])]:
        click.echo(f"{name:14}{s['sections']:>9}{s['precision']:>10.3f}{s['recall']:>8.3f}"
                   f"{s['micro_f1']:>9.3f}{s['macro_f1']:>9.3f}")
    per_goal = sdg["pooled"]["per_goal"]
    click.echo("per goal (sections in the corpus): F1 of all readings: " + ", ".join(
        f"{g} ({sdg['support'][g]}) {per_goal[g]:.2f}" for g in sorted(per_goal)))
    for pair, s in sdg["between"].items():
        a, b = pair.split("|")
        click.echo(f"{a} against {b}: {s['sections']} sections, micro-F1 {s['micro_f1']:.3f}, "
                   f"the same goals in {s['same_goals']:.1%} of them")


@corpus.command("check")
@CORPUS
def check(corpus: Path) -> None:
    """Check every manifest row, label, source text, fold and duplicate; exit 1 on a problem."""
    from ..training.corpus import corpus_problems

    problems = corpus_problems(corpus)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.exceptions.Exit(1)
    click.echo("corpus OK")


@corpus.command("folds")
@CORPUS
def folds(corpus: Path) -> None:
    """Give every new municipality a fold (existing assignments never change)."""
    from ..training.corpus import (
        assign_folds,
        fold_weights,
        read_folds,
        read_role_corpus,
        read_sdg_corpus,
        write_folds,
    )

    roles = read_role_corpus(corpus)
    sdg = read_sdg_corpus(corpus)
    fixed = read_folds(corpus)
    assigned = assign_folds(fold_weights(roles, sdg), fixed)
    names = {e.municipality_code: (e.prefecture, e.municipality) for e in roles.excerpts.values()}
    names.update({s.municipality_code: (s.prefecture, s.municipality) for s in sdg})
    path = write_folds(corpus, assigned, names)
    click.echo(f"{len(assigned) - len(fixed)} municipalities added; {len(assigned)} in {path}")


@corpus.command("import-corrections")
@click.argument("data_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@CORPUS
@click.option("--batch", default="review", show_default=True, help="The batch folder to (re)write.")
def import_corrections(data_dir: Path, corpus: Path, batch: str) -> None:
    """Write the review page's corrections (plannlp serve --data DATA_DIR) as corpus batches:
    roles as labels, goals as SDG sentence rows, with provenance. Train on them with
    `plannlp train --corrections CORPUS` (or without it when CORPUS is the corpus itself)."""
    from ..serve.corrections import import_corrections as run

    counts = run(data_dir, corpus, batch)
    click.echo(f"{counts['labels']} labels from {counts['corrections']} corrections of {counts['documents']} "
               f"documents written to {corpus / 'roles' / 'batches' / batch}")
    click.echo(f"{counts['goal_sentences']} sentences with corrected goals written to "
               f"{corpus / 'sdg' / 'batches' / batch / 'sections.jsonl'}")
