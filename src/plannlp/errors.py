"""Every error plannlp raises on purpose.

Each exception carries a short code (``E101``…), the file it concerns when there is
one, and a message that tells a planning-department user what went wrong and what to
do next. The CLI prints ``str(error)`` as one line and exits with ``error.exit_code``.
Nothing else in the package should raise bare ``Exception``/``RuntimeError`` for a
problem the user can act on.
"""

from __future__ import annotations

import errno
import unicodedata
from pathlib import Path

#: Characters shown escaped in messages: controls (newline, tab, ESC …), line and paragraph
#: separators, undecodable bytes of a file name (lone surrogates) and the bidirectional
#: overrides that make a name display as something else.
_UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Zl", "Zp", "Cs"})
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def printable(text: str) -> str:
    """``text`` with the characters that would break a one-line message, a terminal or a
    Markdown table shown as escapes (``\\n``, ``\\x1b``, ``\\udcff``); Japanese text,
    including the full-width space, is left as it is."""
    if text.isprintable():
        return text
    return "".join(
        c.encode("unicode_escape", "backslashreplace").decode("ascii")
        if unicodedata.category(c) in _UNPRINTABLE_CATEGORIES or c in _BIDI_CONTROLS else c
        for c in text)


class PlanNLPError(Exception):
    """Base class: a problem the user can understand and act on."""

    code = "E000"
    exit_code = 1
    hint = ""

    def __init__(self, message: str, *, path: str | Path | None = None, hint: str | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        if hint is not None:
            self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        hint = f" {self.hint}" if self.hint else ""
        return printable(f"[{self.code}] {where}{self.message}{hint}")

    def to_record(self) -> dict[str, str | None]:
        """A flat record for error logs (errors.jsonl)."""
        return {
            "file": self.path,
            "error_type": type(self).__name__,
            "code": self.code,
            "message": self.message,
            "hint": self.hint or None,
        }


# --- input problems (E1xx): the file cannot be read as a plan -----------------------------


class InputError(PlanNLPError):
    code = "E100"


class FileNotFound(InputError):
    code = "E101"
    hint = "Check the path and try again."


class EmptyFileError(InputError):
    code = "E102"
    hint = "Export the plan again or pick another file."


class UnsupportedFormatError(InputError):
    code = "E103"
    hint = "plannlp reads PDF files and text files (.txt, .md) in UTF-8, Shift_JIS/CP932 or EUC-JP."


class UnknownEncodingError(InputError):
    code = "E104"
    hint = "Save the file as UTF-8 (メモ帳: 名前を付けて保存 → 文字コード UTF-8) and try again."


class CorruptPDFError(InputError):
    code = "E105"
    hint = "Download or export the PDF again."


class EncryptedPDFError(InputError):
    code = "E106"
    hint = "Remove the password or save an unprotected copy (印刷 → PDF に保存), then try again."


class NeedsOCRError(InputError):
    code = "E107"
    hint = (
        "Scanned pages need OCR first, e.g. `ocrmypdf -l jpn in.pdf out.pdf`; "
        "then ingest the OCR'd file."
    )


class NoTextError(InputError):
    code = "E108"
    hint = "No Japanese plan text was found after cleanup; check that this is a plan document."


class InputTooLargeError(InputError):
    """A text file above ``[extract] max_text_mb`` (its analysis would need many times its size in memory)."""

    code = "E110"
    hint = ("Split the file into parts (one per chapter), or raise the limit: `max_text_mb = N` "
            "under [extract] in a pipeline file, or `plannlp ingest --max-text-mb N`.")


class ReadFailedError(InputError):
    """The operating system could not read the file (an I/O error: a failing disk, a network drive gone)."""

    code = "E111"
    hint = "Copy the file to a local disk and try again; if that fails too, the disk or the copy is damaged."


# --- configuration and models (E2xx) ------------------------------------------------------


class ConfigError(PlanNLPError):
    code = "E201"
    hint = "See docs/pipeline.md for the settings each stage accepts."


class PipelineOrderError(ConfigError):
    code = "E202"


class ModelNotFoundError(PlanNLPError):
    code = "E203"
    hint = "Run `plannlp train` or reinstall plannlp; models ship in the models/ folder."


class ModelLoadError(PlanNLPError):
    code = "E204"
    hint = "The model file is damaged or from an incompatible version; retrain with `plannlp train`."


class MissingDependencyError(PlanNLPError):
    code = "E205"

    def __init__(self, package: str, extra: str | None, purpose: str):
        """``extra``: the plannlp extra that installs ``package``; None for a package plannlp
        itself depends on (an installation that lost it)."""
        if extra is None:
            super().__init__(f"{purpose} needs the package '{package}', which is not installed.",
                             hint=f"plannlp depends on it; install it with: pip install {package}")
            return
        super().__init__(
            f"{purpose} needs the optional package '{package}'.",
            hint=f"Install it with: pip install 'plannlp[{extra}]'",
        )


class SchedulerUnreachableError(PlanNLPError):
    """``plannlp batch --engine dask --scheduler ADDRESS``: nothing answers at ADDRESS."""

    code = "E206"
    hint = ("Check the address (tcp://HOST:8786) and that `dask scheduler` runs there and its port "
            "is open; or leave out --scheduler to start a local cluster.")


# --- outputs, validation, knowledge base (E3xx) -------------------------------------------


class OutputError(PlanNLPError):
    code = "E301"


#: What the operating system's errors mean for a planning-department user.
OS_ERROR_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.EFBIG: "the file is larger than this disk allows",
    errno.EROFS: "the disk or folder is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EIO: "input/output error (a failing disk, or a network drive or USB stick gone)",
}


def os_error_reason(error: OSError) -> str:
    """The plain-words reason of an OSError (its ``strerror`` when none is known)."""
    return OS_ERROR_REASONS.get(error.errno, error.strerror or str(error))


def write_failed(path: str | Path | None, error: OSError) -> OutputError:
    """The error for an output that could not be written (disk full, read-only, I/O error)."""
    return OutputError(f"Cannot write the output: {os_error_reason(error)}.", path=path,
                       hint="Free some space or write to another folder, then run the command again.")


class RemoteDocumentRefused(PlanNLPError):
    """A JSON-LD file asks for a context plannlp does not bundle (a web address or a file://)."""

    code = "E304"
    hint = ("plannlp reads only its own bundled context (https://w3id.org/plannlp/context.jsonld) "
            "and fetches nothing; write the file with plannlp, or embed the context in it.")


class ValidationFailed(PlanNLPError):
    code = "E302"


class KnowledgeBaseError(PlanNLPError):
    code = "E303"


class EndpointError(KnowledgeBaseError):
    """A SPARQL server that refuses, cannot be reached or does not answer in time."""

    code = "E305"


# --- the run itself (E5xx) ----------------------------------------------------------------


class WorkerDiedError(PlanNLPError):
    """A worker process stopped abruptly on a file, also when the file was run on its own."""

    code = "E501"
    hint = ("The other files were processed. Check this file (very large? damaged?); "
            "`plannlp ingest FILE --workers 1` shows whether it fails on its own.")


class UsageError(PlanNLPError):
    code = "E400"
    exit_code = 2


class MunicipalityCodeError(UsageError):
    """A 全国地方公共団体コード that is not 5 digits, or 6 digits with a right check digit."""

    code = "E401"
    hint = ("A municipality code is the 6-digit 全国地方公共団体コード with its check digit "
            "(e.g. 202177 for 佐久市) or its first 5 digits (20217).")


class MetadataError(UsageError):
    """A title, municipality, plan type or period given on the command line or in a manifest
    that cannot be used as it is written."""

    code = "E402"
    hint = ("Periods are written 2023-2027, 2023年度～2027年度 or 令和5年度～令和9年度; a "
            "municipality as 総務省's list writes it (佐久市); titles and plan types on one line.")
