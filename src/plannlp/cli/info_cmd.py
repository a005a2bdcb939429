"""``plannlp info``: versions of plannlp, its models (with their cards' figures), its
dictionaries and which optional extras are installed."""

from __future__ import annotations

import json
import platform
import re
from importlib import metadata

import click

#: The distributions plannlp reads text with (dictionaries and the PDF font included).
CORE = ("fugashi", "unidic-lite", "sudachipy", "sudachidict-core", "pypdfium2", "pdfplumber",
        "japanize-matplotlib")
#: Optional extras: distribution → what it gives.
EXTRAS = {
    "pyoxigraph": "the knowledge base: kb load/query/ask (extra 'kb')",
    "pyshacl": "validate against the SHACL shapes (extra 'kb')",
    "pandas": "batch runs' tables (extra 'batch')",
    "scikit-learn": "train and evaluate (extra 'train')",
    "jinja2": "trace --format html (extra 'trace')",
    "spacy": "spaCy Doc export (extra 'spacy')",
    "distributed": "batch runs on Dask (extra 'dask')",
    "oxigraph": "a local SPARQL server for kb push tests (extra 'server')",
    "python-crfsuite": "the CRF family in plannlp evaluate (extra 'train')",
}
#: The headline figure of a model card: "macro-F1 over achievement/issue/measure **0.772**".
_FIGURE = re.compile(r"((?:macro|micro)-F1[^0-9*]*)\**([01]\.[0-9]+)")


def version_of(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def model_lines() -> list[str]:
    from ..resources import models_dir

    lines = []
    folder = models_dir()
    for meta_path in sorted(folder.glob("*/meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        examples = meta.get("training_examples", {})
        trained = ", ".join(f"{v:,} {k}" for k, v in examples.items() if isinstance(v, int))
        card = meta_path.parent / "model-card.md"
        figure = ""
        if card.exists():
            m = _FIGURE.search(" ".join(card.read_text(encoding="utf-8").split()))
            figure = f"{m.group(1).strip()} {m.group(2)} (grouped CV; see {card.name})" if m else ""
        lines.append(f"  {meta['name']} {meta.get('version', '?')} ({meta_path.parent})"
                     + (f": trained on {trained}" if trained else ""))
        if figure:
            lines.append(f"    {figure}")
    return lines


@click.command("info")
def info() -> None:
    """Print the versions of plannlp, its models, dictionaries and optional extras."""
    from .._version import __version__

    click.echo(f"plannlp {__version__} (Python {platform.python_version()}, {platform.system()})")
    click.echo("models:")
    for line in model_lines():
        click.echo(line)
    click.echo("libraries and dictionaries:")
    for name in CORE:
        click.echo(f"  {name} {version_of(name) or 'not installed'}")
    click.echo("optional extras:")
    for name, what in EXTRAS.items():
        found = version_of(name)
        click.echo(f"  {name} {found if found else 'not installed'}: {what}")
