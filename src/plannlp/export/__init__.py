"""Writing documents: JSON-LD (the knowledge-base format), JSONL and CSV (one row per
sentence), CoNLL-U (one row per token, :mod:`plannlp.export.tokens`), an Excel workbook
(:mod:`plannlp.export.xlsx`) and the HTML report (:mod:`plannlp.export.report`).

Every writer goes through :func:`~plannlp.export.atomic.atomic_writer`, so a failed run
never leaves a partial output file.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO

import orjson

from ..errors import UsageError
from ..model import PlanDocument
from .atomic import atomic_writer
from .csv_cells import safe_record
from .tables import SENTENCE_COLUMNS, sentence_rows

FORMATS = ("jsonld", "jsonl", "csv", "conllu", "xlsx", "html")
_EXTENSIONS = {".jsonld": "jsonld", ".json": "jsonld", ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv",
               ".conllu": "conllu", ".xlsx": "xlsx", ".html": "html", ".htm": "html"}
#: Formats that carry tokens: the pipeline must keep them for these (``keep_tokens=True``).
TOKEN_FORMATS = frozenset({"conllu"})


def format_for(path: str | Path | None, format: str | None = None) -> str:
    """The output format: the one asked for, else the output's extension, else JSON-LD."""
    if format is not None:
        if format not in FORMATS:
            raise UsageError(f"Unknown format '{format}'; choose one of {', '.join(FORMATS)}.")
        return format
    if path is None or str(path) == "-":
        return "jsonld"
    suffix = Path(path).suffix.lower()
    if suffix and suffix not in _EXTENSIONS:
        raise UsageError(
            f"Cannot tell the format from the extension '{suffix}'; use --format "
            f"({', '.join(FORMATS)}) or name the output .jsonld, .jsonl, .csv, .conllu, .xlsx or .html."
        )
    return _EXTENSIONS.get(suffix, "jsonld")


def needs_tokens(fmt: str, keep_tokens: bool = False) -> bool:
    """Whether writing ``fmt`` needs the sentences' tokens (CoNLL-U, or JSONL with
    ``keep_tokens``); ``keep_tokens`` with a format that cannot carry them is a UsageError."""
    if keep_tokens and fmt != "jsonl":
        raise UsageError(f"Tokens are kept in JSONL only, not in {fmt}; use --format jsonl "
                         "(or --format conllu, one row per token).")
    return keep_tokens or fmt in TOKEN_FORMATS


def jsonld_of(documents: Sequence[PlanDocument]) -> dict:
    """One JSON-LD object for one or several documents (one @graph holding them all)."""
    from .jsonld import to_jsonld

    objects = [to_jsonld(doc) for doc in documents]
    if len(objects) == 1:
        return objects[0]
    graph: list = []
    for obj in objects:
        nodes = obj.get("@graph")
        graph.extend(nodes if nodes is not None else [{k: v for k, v in obj.items() if k != "@context"}])
    return {"@context": objects[0]["@context"], "@graph": graph}


def jsonld_text(data: dict) -> str:
    """JSON-LD text with the context indented and one ``@graph`` node per line.

    A plan's graph holds tens of thousands of nodes; one a line keeps the file easy to read,
    grep and diff, and lets orjson write each node compactly (2.5 times as fast as json's C
    encoder; json's indenting encoder is pure Python and three times slower still).
    """
    if "@graph" not in data:
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    rest = {k: v for k, v in data.items() if k not in ("@context", "@graph")}
    head = {"@context": data["@context"], **rest} if "@context" in data else rest
    opening = json.dumps(head, ensure_ascii=False, indent=2)[:-2] + ",\n" if head else "{\n"
    nodes = b",\n    ".join(map(orjson.dumps, data["@graph"])).decode()
    graph = f'  "@graph": [\n    {nodes}\n  ]' if nodes else '  "@graph": []'
    return f"{opening}{graph}\n}}\n"


def _write(documents: Sequence[PlanDocument], handle: IO[str], fmt: str, keep_tokens: bool = False) -> None:
    if fmt == "jsonld":
        handle.write(jsonld_text(jsonld_of(documents)))
    elif fmt == "html":
        from .report import report_html

        handle.write(report_html(documents))
    elif fmt == "jsonl":
        from .tokens import with_tokens

        for doc in documents:
            rows = with_tokens(sentence_rows(doc), doc) if keep_tokens else sentence_rows(doc)
            handle.writelines(orjson.dumps(row).decode() + "\n" for row in rows)
    elif fmt == "conllu":
        from .tokens import conllu_lines

        for doc in documents:
            handle.writelines(conllu_lines(doc))
    else:
        writer = csv.DictWriter(handle, fieldnames=SENTENCE_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for doc in documents:
            writer.writerows(map(safe_record, sentence_rows(doc)))


def write_documents(
    documents: Sequence[PlanDocument], path: str | Path | None, *, format: str | None = None,
    keep_tokens: bool = False,
) -> str:
    """Write documents to ``path`` (``None`` or ``-``: standard output); returns the format used.

    ``keep_tokens``: JSONL rows get each sentence's ``tokens`` (surface, lemma, pos,
    normalized); other formats refuse it (CoNLL-U always has the tokens)."""
    from ..collector import collector_paused

    fmt = format_for(path, format)
    needs_tokens(fmt, keep_tokens)
    with collector_paused():
        if fmt == "xlsx":
            _write_workbook(documents, path)
            return fmt
        if path is None or str(path) == "-":
            _write(documents, sys.stdout, fmt, keep_tokens)
            sys.stdout.flush()
            return fmt
        # CSV: UTF-8 with BOM so that Excel opens Japanese text correctly; pandas/R read it too.
        encoding = "utf-8-sig" if fmt == "csv" else "utf-8"
        with atomic_writer(path, encoding=encoding, newline="" if fmt == "csv" else None) as handle:
            _write(documents, handle, fmt, keep_tokens)
    return fmt


def _write_workbook(documents: Sequence[PlanDocument], path: str | Path | None) -> None:
    from .xlsx import write_documents_workbook

    if path is not None and str(path) != "-":
        write_documents_workbook(documents, path)
        return
    if sys.stdout.isatty():
        raise UsageError("An Excel workbook is binary and would garble the terminal; name the "
                         "output file with -o plan.xlsx, or redirect standard output to a file.")
    write_documents_workbook(documents, sys.stdout.buffer)
    sys.stdout.buffer.flush()


def write_document(document: PlanDocument, path: str | Path | None, *, format: str | None = None) -> str:
    return write_documents([document], path, format=format)


__all__ = ["FORMATS", "TOKEN_FORMATS", "format_for", "needs_tokens", "jsonld_of", "jsonld_text", "write_document", "write_documents"]
