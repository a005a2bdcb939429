"""``plannlp train`` and ``plannlp evaluate``: the classifiers from corpora/, reproducibly."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import UsageError
from ..export.atomic import atomic_writer
from . import feedback

#: What a labelled corpus folder holds (corpora/README.md); checked before any work.
CORPUS_PARTS = ("folds.tsv", "roles", "sdg")


def _parts(only: str | None) -> list[str]:
    return ["roles", "sdg"] if only is None else [only]


def require_corpus(corpus: Path) -> None:
    """A clear usage error when ``corpus`` is not the labelled corpus (e.g. the command was
    run outside the repository, where the default ``corpora`` does not exist)."""
    missing = [part for part in CORPUS_PARTS if not (corpus / part).exists()]
    if missing:
        raise UsageError(
            f"No labelled corpus in '{corpus}' ({', '.join(missing)} missing). Run the command in "
            "the plannlp repository's root folder, or give the corpus with --corpus PATH/corpora.")


def _advance(bar):
    """An ``on_fold(done, total)`` callback that moves ``bar`` to ``done`` of ``total``."""
    def on_fold(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    return on_fold


CORRECTIONS = click.option(
    "--corrections", "corrections", multiple=True, type=click.Path(exists=True, path_type=Path),
    help="Also use the review page's corrections: the folder `plannlp corpus import-corrections DATA_DIR "
         "--corpus FOLDER` wrote (or a batch folder of it); repeatable. Corrections imported into the "
         "corpus itself are read without it.")


@click.command("train")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=Path("corpora"),
              show_default=True, help="The labelled corpus (corpora/README.md).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("models"),
              show_default=True, help="Where to write the models (models/role, models/sdg).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed → same model).")
@click.option("--only", type=click.Choice(["roles", "sdg"]), default=None, help="Train one classifier only.")
@click.option("--sklearn-copy", is_flag=True, help="Also save the scikit-learn pipeline with skops (~12 MB).")
@click.option("--family", type=click.Choice(["sentence", "context"]), default="sentence", show_default=True,
              help="Role model family to ship (see docs/classifiers.md for how they compare).")
@CORRECTIONS
def train(corpus: Path, out: Path, seed: int, only: str | None, sklearn_copy: bool, family: str,
          corrections: tuple[Path, ...]) -> None:
    """Train the role classifier and the SDG model on the labelled corpus (every fold), and on
    the review page's corrections when given (--corrections); the model card says how many."""
    require_corpus(corpus)
    check_corrections(corrections)
    parts = _parts(only)
    with feedback.progress(len(parts), unit="model", desc="train") as bar:
        for part in parts:
            bar.set_postfix_str(part)
            if part == "roles":
                from ..training.roles import train_roles

                text = train_roles(corpus, out, seed, family=family, sklearn_copy=sklearn_copy,
                                   corrections=corrections)["text"]
            else:
                from ..training.sdg import train_sdg

                text = train_sdg(corpus, out, seed, corrections=corrections)["text"]
            bar.update(1)
            click.echo(text)


def check_corrections(corrections: tuple[Path, ...]) -> None:
    """A usage error before any work when a --corrections path holds no corrections."""
    if corrections:
        from ..training.corpus import correction_sources

        correction_sources(corrections)


@click.command("evaluate")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=Path("corpora"),
              show_default=True, help="The labelled corpus (corpora/README.md).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed for training the folds.")
@click.option("--only", type=click.Choice(["roles", "sdg"]), default=None, help="Evaluate one classifier only.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write every figure (per class, per fold, confusion matrices) as JSON.")
@click.option("--families", default="sentence,context,crf", show_default=True,
              help="Role model families to compare, comma-separated.")
@click.option("--no-learning-curve", is_flag=True, help="Skip the role learning curve (the slowest part).")
@CORRECTIONS
def evaluate(corpus: Path, seed: int, only: str | None, json_path: Path | None, families: str,
             no_learning_curve: bool, corrections: tuple[Path, ...]) -> None:
    """Grouped 5-fold cross-validation by municipality (corpora/folds.tsv): roles per model
    family, SDG links at section level against the lexicon-only baseline. Corrections
    (--corrections) are trained on outside their municipality's fold, never tested on."""
    require_corpus(corpus)
    check_corrections(corrections)
    results = {}
    for part in _parts(only):
        if part == "roles":
            from ..training.roles import FAMILIES, evaluate_roles

            chosen = tuple(f.strip() for f in families.split(",") if f.strip())
            unknown = sorted(set(chosen) - set(FAMILIES))
            if unknown:
                raise click.BadParameter(f"unknown families {unknown}; known: {', '.join(FAMILIES)}",
                                         param_hint="--families")
            with feedback.progress(None, unit="fold", desc="evaluate roles") as bar:
                results["roles"] = evaluate_roles(corpus, seed, families=chosen,
                                                  learning_curve=not no_learning_curve,
                                                  on_fold=_advance(bar), corrections=corrections)
        else:
            from ..training.sdg import evaluate_sdg

            with feedback.progress(None, unit="fold", desc="evaluate sdg") as bar:
                results["sdg"] = evaluate_sdg(corpus, seed, on_fold=_advance(bar),
                                              corrections=corrections)
        click.echo(results[part]["text"])
        click.echo("")
    if json_path is not None:
        with atomic_writer(json_path) as handle:
            json.dump(results, handle, ensure_ascii=False, indent=2)
        feedback.info(f"figures written to {json_path}")
