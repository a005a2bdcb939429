"""plannlp: Japanese municipal plan documents to a linked-data knowledge base.

Library API::

    import plannlp
    pipeline = plannlp.load_pipeline()          # pipelines/default.toml, models loaded once
    doc = pipeline.ingest("plan.pdf")           # a PlanDocument
    for s in doc.sentences:
        print(s.text, s.role.label, [l.goal for l in s.sdgs])
    plannlp.write(doc, "plan.jsonld")           # or .jsonl / .csv
"""

from ._version import __version__
from .errors import PlanNLPError
from .model import PlanDocument, Sentence
from .pipeline import Pipeline, load_pipeline


def ingest(source, *, pipeline="default", name=None, metadata=None) -> PlanDocument:
    """Ingest one file (path, ``-`` or bytes) with a pipeline (a name or a built Pipeline)."""
    if not isinstance(pipeline, Pipeline):
        pipeline = load_pipeline(pipeline)
    return pipeline.ingest(source, name=name, metadata=metadata)


def write(document: PlanDocument, path, *, format: str | None = None) -> None:
    """Write a document as JSON-LD, JSONL, CSV, an Excel workbook or the HTML report, atomically
    (the format from ``format`` or the extension; see plannlp.export)."""
    from .export import write_document

    write_document(document, path, format=format)


__all__ = [
    "PlanDocument",
    "Sentence",
    "Pipeline",
    "PlanNLPError",
    "load_pipeline",
    "ingest",
    "write",
    "__version__",
]
