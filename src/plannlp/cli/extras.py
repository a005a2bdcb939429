"""Optional dependencies: which extra of ``pip install 'plannlp[…]'`` brings each one.

``pip install .`` installs only what ``plannlp ingest`` needs (pyproject.toml); a command
that needs more and finds it missing stops with a one-line :class:`MissingDependencyError`
naming the extra, not a traceback.
"""

from __future__ import annotations

from ..errors import MissingDependencyError

#: top-level module → (distribution, extra, what needs it)
OPTIONAL_MODULES: dict[str, tuple[str, str, str]] = {
    "pyld": ("pyld", "kb", "JSON-LD processing (validate, kb)"),
    "rdflib": ("rdflib", "kb", "SHACL validation (validate)"),
    "pyshacl": ("pyshacl", "kb", "SHACL validation (validate)"),
    "pyoxigraph": ("pyoxigraph", "kb", "The knowledge base (kb load, query, ask)"),
    "pandas": ("pandas", "batch", "Batch tables (batch)"),
    "pyarrow": ("pyarrow", "batch", "Parquet tables (batch)"),
    "matplotlib": ("matplotlib", "batch", "The batch summary chart"),
    "sklearn": ("scikit-learn", "train", "Training and evaluating the classifiers"),
    "skops": ("skops", "train", "Saving a scikit-learn copy of a model"),
    "pycrfsuite": ("python-crfsuite", "train", "The CRF family in plannlp evaluate"),
    "jinja2": ("jinja2", "trace", "The HTML 新旧対照表 (trace --format html)"),
    "fastapi": ("fastapi", "serve", "The review page (serve)"),
    "uvicorn": ("uvicorn", "serve", "The review page (serve)"),
    "multipart": ("python-multipart", "serve", "Uploads on the review page (serve)"),
    "dask": ("dask", "dask", "The Dask engine (batch --engine dask)"),
    "distributed": ("distributed", "dask", "The Dask engine (batch --engine dask)"),
    "pytesseract": ("pytesseract", "ocr", "OCR of scanned pages"),
    "spacy": ("spacy", "spacy", "Converting to spaCy"),
}


def missing_dependency(error: ModuleNotFoundError) -> MissingDependencyError | None:
    """The error to show for a missing optional package; None when ``error`` is not about one."""
    top = (error.name or "").split(".")[0]
    if top not in OPTIONAL_MODULES:
        return None
    distribution, extra, purpose = OPTIONAL_MODULES[top]
    return MissingDependencyError(distribution, extra, purpose)


def require(*modules: str) -> None:
    """Stop with :class:`MissingDependencyError` before any work when one of ``modules``
    (top-level names in :data:`OPTIONAL_MODULES`) is not installed."""
    import importlib.util

    for module in modules:
        if importlib.util.find_spec(module) is None:
            distribution, extra, purpose = OPTIONAL_MODULES[module]
            raise MissingDependencyError(distribution, extra, purpose)
