"""The ``plannlp`` command: a thin shell over the library API.

Each subcommand lives in its own module under ``plannlp.cli`` and is imported only when
it is called, so ``plannlp --help`` stays fast. Errors derived from
:class:`plannlp.errors.PlanNLPError` are printed as one line (no traceback) and set the
exit status (1 for a failed input, 2 for a usage error).
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from .._version import __version__
from ..errors import PlanNLPError, write_failed

#: command name → (module, attribute, one-line help shown by ``plannlp --help``)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "ingest": ("plannlp.cli.ingest_cmd", "ingest", "Ingest plan files (PDF/text) into JSON-LD, JSONL, CSV, CoNLL-U, Excel or an HTML report."),
    "extract": ("plannlp.cli.extract_cmd", "extract", "Print a file's text as plannlp reads it (debugging a PDF)."),
    "batch": ("plannlp.cli.batch_cmd", "batch", "Process many plans in parallel, resumably, into tables."),
    "train": ("plannlp.cli.train_cmd", "train", "Train the role and SDG classifiers from corpora/."),
    "evaluate": ("plannlp.cli.train_cmd", "evaluate", "Evaluate the classifiers on held-out municipalities."),
    "info": ("plannlp.cli.info_cmd", "info", "Versions of plannlp, its models (with their figures), dictionaries, extras."),
    "corpus": ("plannlp.cli.corpus_cmd", "corpus", "Counts, agreement, checks and folds of the labelled corpus."),
    "validate": ("plannlp.cli.kb_cmd", "validate", "Check a JSON-LD file against the SHACL shapes."),
    "kb": ("plannlp.cli.kb_cmd", "kb", "Load, query and push the plan knowledge base (SPARQL)."),
    "trace": ("plannlp.cli.trace_cmd", "trace", "Compare plan revisions: a 新旧対照表 of measures and indicators."),
    "serve": ("plannlp.cli.serve_cmd", "serve", "Serve the review page: upload, correct roles and goals, export."),
}


def available_cpus() -> int:
    """CPUs this process may run on (fewer than the machine's under a CPU quota or affinity)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


class WorkerCount(click.ParamType):
    """``--workers``: a whole number of processes, or ``auto`` (the CPUs available, at most
    ``auto_limit``)."""

    name = "N|auto"

    def __init__(self, auto_limit: int | None = None) -> None:
        self.auto_limit = auto_limit

    def convert(self, value, param, ctx) -> int:
        if isinstance(value, int):
            return value
        if str(value).strip().lower() == "auto":
            cpus = available_cpus()
            return min(cpus, self.auto_limit) if self.auto_limit else cpus
        try:
            count = int(value)
        except ValueError:
            count = 0
        if count < 1:
            self.fail(f"{value!r} is neither a whole number of at least 1 nor 'auto'.", param, ctx)
        return count


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attr, _ = COMMANDS[name]
        try:
            return getattr(importlib.import_module(module), attr)
        except ModuleNotFoundError as e:
            if e.name and e.name.startswith("plannlp"):
                return _unavailable(name)
            raise

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, _, help_text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except PlanNLPError as e:
            click.echo(f"plannlp: {e}", err=True)
            ctx.exit(e.exit_code)
        except ModuleNotFoundError as e:
            from .extras import missing_dependency

            error = missing_dependency(e)
            if error is None:
                raise
            click.echo(f"plannlp: {error}", err=True)
            ctx.exit(error.exit_code)
        except OSError as e:
            error = disk_error(e)
            if error is None:
                raise  # not the disk's doing: a bug, shown with its traceback
            click.echo(f"plannlp: {error}", err=True)
            ctx.exit(error.exit_code)


def disk_error(error: OSError) -> PlanNLPError | None:
    """A write or read the disk refused (full, read-only, I/O error) as a one-line error;
    None for other OSErrors. Standard output's buffer is dropped, so that the interpreter
    does not fail on it again when it exits."""
    from ..export.atomic import WRITE_ERRNOS

    if error.errno not in WRITE_ERRNOS:
        return None
    if error.filename is None:  # a write to standard output
        _drop_stdout()
    return write_failed(error.filename or "standard output", error)


def _drop_stdout() -> None:
    """Point standard output at /dev/null: what it still buffers is lost, and the error says so."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no real file descriptor (a test runner's stdout)
        pass


def flush_stdout() -> PlanNLPError | None:
    """Flush standard output at the end of a command: a full disk shows here, when the
    output was small enough to stay in the buffer until now."""
    try:
        sys.stdout.flush()
    except OSError as e:
        _drop_stdout()
        return write_failed("standard output", e)
    except ValueError:  # closed
        return None
    return None


def _unavailable(name: str) -> click.Command:
    @click.command(name=name)
    def command() -> None:
        raise click.ClickException(f"'{name}' is not available in this build of plannlp.")

    return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="plannlp", help="Show plannlp's version and exit.")
@click.option("-q", "--quiet", is_flag=True,
              help="Print only errors: no progress bars, summaries or warnings.")
@click.option("-v", "--verbose", is_flag=True,
              help="Also print each stage's time per document and more detail on failures.")
def cli(quiet: bool, verbose: bool) -> None:
    """plannlp: Japanese municipal plans (総合計画・基本計画) to a linked-data knowledge base.

    Sentences are tagged achievement (実績), issue (現状と課題), measure (施策) or other,
    and linked to the UN SDGs; output is JSON-LD with provenance (page, offsets).
    Progress bars and messages go to standard error (bars only on a terminal); data goes
    to standard output or the -o file.
    """
    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together.")
    from .feedback import configure

    configure(quiet=quiet, verbose=verbose)


def main(argv: list[str] | None = None) -> None:
    """The ``plannlp`` command. Every exit flushes standard output first: a write that fails
    there (``plannlp … > /dev/full``) is reported on one line, with exit status 1."""
    try:
        cli.main(args=argv, prog_name="plannlp", standalone_mode=True)
        status = 0
    except SystemExit as e:
        status = e.code
    except PlanNLPError as e:  # raised outside a command's invoke (e.g. while loading)
        click.echo(f"plannlp: {e}", err=True)
        status = e.exit_code
    error = flush_stdout()
    if error is not None and status in (0, None):  # an earlier failure was reported already
        click.echo(f"plannlp: {error}", err=True)
        status = error.exit_code
    sys.exit(status)
