"""``plannlp validate`` and ``plannlp kb load|query|ask|push``: the plan knowledge base."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click

from ..errors import UsageError, ValidationFailed, printable
from . import feedback

#: What `plannlp kb load` reads: ingested JSON-LD (plannlp writes .jsonld; .json is accepted).
JSONLD_SUFFIXES = (".jsonld", ".json")

LOAD_STORE_HELP = ("Folder of the on-disk knowledge base (created if missing or empty; a folder "
                   "holding other files is refused).")
STORE_HELP = "Folder of an on-disk knowledge base made by `plannlp kb load` (it must exist)."


@click.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
def validate(files: tuple[str, ...]) -> None:
    """Check JSON-LD FILES against plannlp's SHACL shapes; list every violation in plain words."""
    from ..kb.validate import validate_file

    bad = 0
    for path in files:
        violations = validate_file(path)
        if violations:
            bad += 1
            click.echo(f"{path}: {len(violations)} problem(s)")
            for violation in violations:
                click.echo(f"  - {violation}")
        else:
            click.echo(f"{path}: valid")
    if bad:
        raise ValidationFailed(f"{bad} of {len(files)} file(s) do not conform to the plannlp shapes.")


@click.group("kb")
def kb() -> None:
    """Load, query and push the plan knowledge base (an embedded SPARQL store)."""


@kb.command("load")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--store", "store_dir", required=True, type=click.Path(file_okay=False), help=LOAD_STORE_HELP)
def load(files: tuple[str, ...], store_dir: str) -> None:
    """Load ingested JSON-LD FILES; reloading a document replaces it (no duplicates).

    A plan file (PDF, text) is ingested first: plannlp ingest plan.pdf -o plan.jsonld
    """
    from ..kb.store import KnowledgeBase

    refuse_plan_files(files)  # before the store is created
    base = KnowledgeBase(store_dir, create=True)
    with feedback.progress(len(files), unit="file", desc="kb load", delay=1.0) as bar:
        for path in files:
            for graph in base.load_file(path):
                if not feedback.is_quiet():
                    click.echo(f"{path}: {graph.triples} triples → <{graph.iri}>")
            bar.update(1)
    if not feedback.is_quiet():
        click.echo(f"store {store_dir}: {len(base.graphs())} document(s), {len(base)} triples")


def refuse_plan_files(files: tuple[str, ...]) -> None:
    """A file that is not JSON-LD (a plan's PDF or text) is a usage error that says to
    ingest it first."""
    for path in files:
        if Path(path).suffix.lower() not in JSONLD_SUFFIXES:
            target = Path(path).with_suffix(".jsonld").name
            raise UsageError(
                f"'{printable(path)}' is not JSON-LD; kb load reads plans ingested by plannlp. "
                f"Ingest it first: plannlp ingest {printable(path)} -o {printable(target)} "
                f"(then: plannlp kb load {printable(target)} --store DIR).")


def _print(result, fmt: str) -> None:
    from ..kb.results import json_records, table_lines

    if fmt == "json":
        click.echo(json.dumps(json_records(result), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        from ..export.csv_cells import safe_row

        writer = csv.writer(sys.stdout)
        writer.writerow(safe_row(result.columns))
        writer.writerows(safe_row(row) for row in result.rows)
    else:
        click.echo("\n".join(table_lines(result)))


FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
                      show_default=True,
                      help="table: aligned columns (full-width text counts two), cells over 60 "
                           "columns cut with … and counted; csv; json: numbers and booleans typed.")
ALLOW_SERVICE = click.option("--allow-service", is_flag=True,
                             help="Let the query call other SPARQL servers (SERVICE); refused by default, "
                                  "since the query would send requests to the addresses it names.")


@kb.command("query")
@click.argument("sparql")
@click.option("--store", "store_dir", required=True, type=click.Path(file_okay=False), help=STORE_HELP)
@FORMAT
@ALLOW_SERVICE
def query(sparql: str, store_dir: str, fmt: str, allow_service: bool) -> None:
    """Run a SPARQL SELECT/ASK query (all documents' graphs are queried as one).

    The prefixes plannlp:, sdg:, xsd:, rdf:, rdfs:, schema:, dcterms:, prov:, skos:, oa: and
    role: are declared already; a PREFIX line of the query's own wins.

    \b
    Example:
      plannlp kb query 'SELECT ?title WHERE { ?d a plannlp:PlanDocument ; dcterms:title ?title }' --store kb/
    """
    from ..kb.store import KnowledgeBase

    _print(KnowledgeBase(store_dir, create=False, allow_service=allow_service).query(sparql), fmt)


@kb.command("ask")
@click.argument("name", required=False)
@click.argument("argument", required=False)
@click.option("--store", "store_dir", type=click.Path(file_okay=False), help=STORE_HELP)
@click.option("--list", "list_questions", is_flag=True, help="List the named questions.")
@FORMAT
def ask(name: str | None, argument: str | None, store_dir: str | None, list_questions: bool, fmt: str) -> None:
    """Ask a named question, e.g. `plannlp kb ask measures-by-sdg 11 --store kb/`."""
    from ..kb.questions import QUESTIONS, question

    if list_questions or name is None:
        for q in QUESTIONS.values():
            click.echo(f"{q.name}{' ' + q.argument if q.argument else ''}: {q.description}")
        return
    if store_dir is None:
        raise UsageError("Give the store with --store DIR.")
    from ..kb.store import KnowledgeBase

    _print(KnowledgeBase(store_dir, create=False).query(question(name).render(argument)), fmt)


@kb.command("push")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--endpoint", required=True,
              help="Graph Store Protocol URL, e.g. http://localhost:7878/store (Oxigraph), "
                   "http://localhost:3030/plans/data (Fuseki), http://localhost:8890/sparql-graph-crud-auth (Virtuoso).")
@click.option("--user", default=None, help="User name for HTTP basic authentication.")
@click.option("--password", default=None, envvar="PLANNLP_KB_PASSWORD",
              help="Password (or set PLANNLP_KB_PASSWORD).")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=15.0, show_default=True,  # kb.push.DEFAULT_TIMEOUT
              help="Seconds to wait for the server before giving up.")
def push(files: tuple[str, ...], endpoint: str, user: str | None, password: str | None, timeout: float) -> None:
    """Push ingested JSON-LD FILES to a SPARQL server: each document replaces its own named
    graph; the municipalities plans share are merged into the shared graph."""
    from ..kb.push import endpoint_of, push_files

    target = endpoint_of(endpoint, user, password)
    for pushed in push_files([Path(f) for f in files], target, timeout=timeout):
        click.echo(f"<{pushed.graph}>: {pushed.triples} triples → {target.shown} (HTTP {pushed.status})")
