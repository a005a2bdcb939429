"""Every error plannlp raises on purpose.

Each exception carries a short code (``E101``…), the file it concerns when there is
one, and a message that tells a planning-department user what went wrong and what to
do next. The CLI prints ``str(error)`` as one line and exits with ``error.exit_code``.
Nothing else in the package should raise bare ``Exception``/``RuntimeError`` for a
problem the user can act on.
"""

from __future__ import annotations

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

    def __init__(self, package: str, extra: str, purpose: str):
        super().__init__(
            f"{purpose} needs the optional package '{package}'.",
            hint=f"Install it with: pip install 'plannlp[{extra}]'",
        )


# --- outputs, validation, knowledge base (E3xx) -------------------------------------------


class OutputError(PlanNLPError):
    code = "E301"


class ValidationFailed(PlanNLPError):
    code = "E302"


class KnowledgeBaseError(PlanNLPError):
    code = "E303"


# --- the run itself (E5xx) ----------------------------------------------------------------


class WorkerDiedError(PlanNLPError):
    """A worker process stopped abruptly on a file, also when the file was run on its own."""

    code = "E501"
    hint = ("The other files were processed. Check this file (very large? damaged?); "
            "`plannlp ingest FILE --workers 1` shows whether it fails on its own.")


class UsageError(PlanNLPError):
    code = "E400"
    exit_code = 2
