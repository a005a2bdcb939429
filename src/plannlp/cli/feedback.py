"""What the command line tells its user while it works, on standard error only.

* Messages go through the ``plannlp`` logger, printed as ``plannlp: …`` lines:
  ``plannlp --quiet`` shows only errors, the default adds summaries and warnings,
  ``plannlp --verbose`` adds each stage's time and more detail (DEBUG).
* Progress bars (tqdm) are drawn only when standard error is a terminal and the command is
  not quiet: never in a pipe, a log file or a test's captured output, and never on
  standard output, which carries the data.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

LOGGER = "plannlp"
_PREFIX = {logging.WARNING: "warning: ", logging.ERROR: "", logging.CRITICAL: ""}


class EchoHandler(logging.Handler):
    """Log records as ``plannlp: …`` lines on the standard error of the moment (click's, so
    a test's CliRunner captures them)."""

    def emit(self, record: logging.LogRecord) -> None:
        prefix = _PREFIX.get(record.levelno, "")
        click.echo(f"plannlp: {prefix}{record.getMessage()}", err=True)


def configure(*, quiet: bool = False, verbose: bool = False) -> None:
    """Set how much the ``plannlp`` logger prints (``plannlp --quiet`` / ``--verbose``)."""
    logger = logging.getLogger(LOGGER)
    logger.setLevel(logging.ERROR if quiet else logging.DEBUG if verbose else logging.INFO)
    if not any(isinstance(h, EchoHandler) for h in logger.handlers):
        logger.addHandler(EchoHandler())
    logger.propagate = False


def is_quiet() -> bool:
    return not logging.getLogger(LOGGER).isEnabledFor(logging.INFO)


def info(message: str) -> None:
    logging.getLogger(LOGGER).info(message)


def warning(message: str) -> None:
    logging.getLogger(LOGGER).warning(message)


def debug(message: str) -> None:
    logging.getLogger(LOGGER).debug(message)


class NoBar:
    """What :func:`progress` returns when no bar is drawn: the same calls, doing nothing."""

    n = 0

    def update(self, count: int = 1) -> None:
        self.n += count

    def set_description_str(self, text: str) -> None:
        pass

    def set_postfix_str(self, text: str, refresh: bool = True) -> None:
        pass

    def refresh(self) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> NoBar:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def shows_progress() -> bool:
    """Whether progress bars are drawn: standard error is a terminal, and not ``--quiet``."""
    stream = sys.stderr
    return not is_quiet() and hasattr(stream, "isatty") and stream.isatty()


def progress(total: int | None, *, unit: str, desc: str = "", leave: bool = False,
             delay: float = 0.0) -> Any:
    """A tqdm bar on standard error when :func:`shows_progress`, else a :class:`NoBar`;
    ``delay``: seconds before the bar first appears (a quick run shows none)."""
    if not shows_progress():
        return NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, desc=desc, file=sys.stderr, dynamic_ncols=True,
                leave=leave, delay=delay)
