"""``plannlp train`` and ``plannlp evaluate``: the classifiers from corpora/, reproducibly."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..export.atomic import atomic_writer


def _parts(only: str | None) -> list[str]:
    return ["roles", "sdg"] if only is None else [only]


@click.command("train")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=Path("corpora"),
              show_default=True, help="Corpus folder with manifest.csv, seeds/ and gold/.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("models"),
              show_default=True, help="Where to write the models (models/role, models/sdg).")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed → same model).")
@click.option("--only", type=click.Choice(["roles", "sdg"]), default=None, help="Train one classifier only.")
@click.option("--sklearn-copy", is_flag=True, help="Also save the scikit-learn pipeline with skops (~12 MB).")
def train(corpus: Path, out: Path, seed: int, only: str | None, sklearn_copy: bool) -> None:
    """Train the role classifier and the SDG linker on the corpus (gold + silver labels)."""
    for part in _parts(only):
        if part == "roles":
            from ..training.roles import train_roles

            click.echo(train_roles(corpus, out, seed, sklearn_copy=sklearn_copy)["text"])
        else:
            from ..training.sdg import train_sdg

            click.echo(train_sdg(corpus, out, seed)["text"])


@click.command("evaluate")
@click.option("--corpus", type=click.Path(file_okay=False, path_type=Path), default=Path("corpora"),
              show_default=True, help="Corpus folder with manifest.csv, seeds/ and gold/.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed for training the folds.")
@click.option("--only", type=click.Choice(["roles", "sdg"]), default=None, help="Evaluate one classifier only.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Also write every figure (per class, per fold, confusion matrices) as JSON.")
def evaluate(corpus: Path, seed: int, only: str | None, json_path: Path | None) -> None:
    """Evaluate on held-out data: roles by held-out municipality (gold sentences), SDG links
    by held-out 政策 of seed 003 against the lexicon-only baseline."""
    results = {}
    for part in _parts(only):
        if part == "roles":
            from ..training.roles import evaluate_roles

            results["roles"] = evaluate_roles(corpus, seed)
        else:
            from ..training.sdg import evaluate_sdg

            results["sdg"] = evaluate_sdg(corpus, seed)
        click.echo(results[part]["text"])
        click.echo("")
    if json_path is not None:
        with atomic_writer(json_path) as handle:
            json.dump(results, handle, ensure_ascii=False, indent=2)
        click.echo(f"figures written to {json_path}")
